//! The network of an institution (ネットワーク構成): its zones (segments such as HIS系,
//! インターネット系, DMZ, 医療機器系) with their address ranges, the links between zones
//! through a device, and the external connection points (インターネット, VPN, 地域医療連携,
//! オンライン資格確認, 保守回線, クラウドサービス) with the vendor responsible. The rules of one
//! zone, of the zones of one institution together (no two overlap), of a ledger entry's
//! addresses against its zone, and of a connection point.

use crate::validate::FieldError;
use ipnet::IpNet;
use std::net::IpAddr;

crate::code_enum!(
    /// What a zone is for.
    ZonePurpose {
        His = "his",
        Internet = "internet",
        Dmz = "dmz",
        Medical = "medical",
        Management = "management",
        Guest = "guest",
        Other = "other",
    }
);

crate::code_enum!(
    /// What an external connection point connects to.
    ConnectionKind {
        Internet = "internet",
        Vpn = "vpn",
        Regional = "regional",
        OnlineQualification = "online_qualification",
        Maintenance = "maintenance",
        Cloud = "cloud",
    }
);

/// The most address ranges one zone has.
pub const MAX_RANGES: usize = 100;

fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// A zone as a form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawZone<'a> {
    pub name: &'a str,
    pub purpose: &'a str,
    /// CIDR ranges separated by commas, spaces or new lines.
    pub ranges: &'a str,
    pub notes: &'a str,
}

/// A zone that holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneFields {
    pub name: String,
    pub purpose: ZonePurpose,
    /// Normalised CIDR text (the network address, `10.1.0.0/16`), in the order given,
    /// without repeats.
    pub ranges: Vec<String>,
    pub notes: String,
}

/// Parse a list of CIDR ranges: each IPv4 or IPv6 `address/prefix`, host bits cleared
/// (`10.1.2.3/16` is `10.1.0.0/16`), repeats dropped.
pub fn parse_ranges(s: &str) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for part in s
        .split(|c: char| c == ',' || c == '、' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let net: IpNet = part.parse().map_err(|_| err("ranges", "error-zone-cidr"))?;
        let n = net.trunc().to_string();
        if !out.contains(&n) {
            out.push(n);
        }
        if out.len() > MAX_RANGES {
            return Err(err("ranges", "error-zone-too-many"));
        }
    }
    Ok(out)
}

/// Check a zone: a name of 1–100 characters, a known purpose, ranges in CIDR, notes of at
/// most 2,000 characters.
pub fn check_zone(raw: &RawZone<'_>) -> Result<ZoneFields, FieldError> {
    let name = raw.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(err("name", "error-zone-name"));
    }
    let purpose =
        ZonePurpose::parse(raw.purpose.trim()).ok_or(err("purpose", "error-zone-purpose"))?;
    let ranges = parse_ranges(raw.ranges)?;
    let notes = raw.notes.trim();
    if notes.chars().count() > 2000 || notes.chars().any(|c| c.is_control() && c != '\n') {
        return Err(err("notes", "error-asset-text"));
    }
    Ok(ZoneFields {
        name: name.to_string(),
        purpose,
        ranges,
        notes: notes.to_string(),
    })
}

fn nets(ranges: &[String]) -> Vec<IpNet> {
    ranges.iter().filter_map(|r| r.parse().ok()).collect()
}

/// The first pair of ranges of `a` and `b` that overlap (one contains the other).
pub fn overlap(a: &[String], b: &[String]) -> Option<(String, String)> {
    for x in nets(a) {
        for y in nets(b) {
            if x.contains(&y) || y.contains(&x) {
                return Some((x.to_string(), y.to_string()));
            }
        }
    }
    None
}

/// A zone of the institution as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRef {
    pub id: String,
    pub name: String,
    pub ranges: Vec<String>,
}

/// Check a zone (`id` when it exists already) against the institution's other zones: the
/// name is unique and no range overlaps another zone's. Returns the other zone's name on
/// an overlap, for the message.
pub fn check_against(
    id: Option<&str>,
    z: &ZoneFields,
    others: &[ZoneRef],
) -> Result<(), (FieldError, String)> {
    for o in others.iter().filter(|o| Some(o.id.as_str()) != id) {
        if o.name == z.name {
            return Err((err("name", "error-zone-name-taken"), o.name.clone()));
        }
        if let Some((mine, theirs)) = overlap(&z.ranges, &o.ranges) {
            return Err((
                err("ranges", "error-zone-overlap"),
                format!("{mine} / {}: {theirs}", o.name),
            ));
        }
    }
    Ok(())
}

/// Is `ip` in one of `ranges`? (A zone without ranges holds any address.)
pub fn address_in(ip: &str, ranges: &[String]) -> bool {
    if ranges.is_empty() {
        return true;
    }
    let Ok(ip) = ip.parse::<IpAddr>() else {
        return false;
    };
    nets(ranges).iter().any(|n| n.contains(&ip))
}

/// The first of `addresses` outside the zone's `ranges`.
pub fn outside<'a>(addresses: &'a [String], ranges: &[String]) -> Option<&'a str> {
    addresses
        .iter()
        .find(|a| !address_in(a, ranges))
        .map(String::as_str)
}

/// Check an entry's addresses against its zone's ranges.
pub fn check_in_zone(addresses: &[String], ranges: &[String]) -> Result<(), FieldError> {
    match outside(addresses, ranges) {
        Some(_) => Err(err("ip_addresses", "error-asset-ip-outside-zone")),
        None => Ok(()),
    }
}

/// A connection point as a form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawConnection<'a> {
    pub kind: &'a str,
    pub counterpart: &'a str,
    pub notes: &'a str,
}

/// A connection point's checked text fields (the device and the vendor are references the
/// caller resolves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionFields {
    pub kind: ConnectionKind,
    pub counterpart: String,
    pub notes: String,
}

/// Check a connection point: a known kind, a counterpart of 1–200 characters, notes of at
/// most 2,000.
pub fn check_connection(raw: &RawConnection<'_>) -> Result<ConnectionFields, FieldError> {
    let kind =
        ConnectionKind::parse(raw.kind.trim()).ok_or(err("kind", "error-connection-kind"))?;
    let counterpart = raw.counterpart.trim();
    if counterpart.is_empty()
        || counterpart.chars().count() > 200
        || counterpart.chars().any(char::is_control)
    {
        return Err(err("counterpart", "error-connection-counterpart"));
    }
    let notes = raw.notes.trim();
    if notes.chars().count() > 2000 || notes.chars().any(|c| c.is_control() && c != '\n') {
        return Err(err("notes", "error-asset-text"));
    }
    Ok(ConnectionFields {
        kind,
        counterpart: counterpart.to_string(),
        notes: notes.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_parsed_and_normalised() {
        assert_eq!(
            parse_ranges("10.1.2.3/16, 10.1.0.0/16\n192.168.0.0/24、2001:db8::1/32").unwrap(),
            ["10.1.0.0/16", "192.168.0.0/24", "2001:db8::/32"]
        );
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0",
            "10.0.0/8",
            "x/8",
            "2001:db8::/129",
        ] {
            assert_eq!(
                parse_ranges(bad).unwrap_err().key,
                "error-zone-cidr",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_zone_is_checked() {
        let z = check_zone(&RawZone {
            name: " 電子カルテ系 ",
            purpose: "his",
            ranges: "10.10.0.0/16",
            notes: "",
        })
        .unwrap();
        assert_eq!(z.name, "電子カルテ系");
        assert_eq!(z.purpose, ZonePurpose::His);
        let bad = |r: RawZone<'_>| check_zone(&r).unwrap_err().key;
        let long = "ゾ".repeat(101);
        assert_eq!(
            bad(RawZone {
                name: &long,
                purpose: "his",
                ..Default::default()
            }),
            "error-zone-name"
        );
        assert_eq!(
            bad(RawZone {
                name: "a",
                purpose: "kitchen",
                ..Default::default()
            }),
            "error-zone-purpose"
        );
    }

    #[test]
    fn overlapping_zones_and_taken_names_are_refused() {
        let others = [ZoneRef {
            id: "z1".into(),
            name: "HIS".into(),
            ranges: vec!["10.10.0.0/16".into()],
        }];
        let z = |name: &str, r: &str| ZoneFields {
            name: name.into(),
            purpose: ZonePurpose::Dmz,
            ranges: parse_ranges(r).unwrap(),
            notes: String::new(),
        };
        let (e, msg) = check_against(None, &z("DMZ", "10.10.5.0/24"), &others).unwrap_err();
        assert_eq!(e.key, "error-zone-overlap");
        assert!(msg.contains("HIS"), "{msg}");
        assert_eq!(
            check_against(None, &z("HIS", "10.20.0.0/16"), &others)
                .unwrap_err()
                .0
                .key,
            "error-zone-name-taken"
        );
        assert!(check_against(None, &z("DMZ", "10.20.0.0/16"), &others).is_ok());
        assert!(check_against(Some("z1"), &z("HIS", "10.10.0.0/15"), &others).is_ok());
    }

    #[test]
    fn addresses_fall_in_their_zone() {
        let r = vec!["10.10.0.0/16".to_string(), "2001:db8::/32".to_string()];
        assert!(check_in_zone(&["10.10.3.4".into(), "2001:db8::5".into()], &r).is_ok());
        assert_eq!(
            check_in_zone(&["10.11.0.1".into()], &r).unwrap_err().key,
            "error-asset-ip-outside-zone"
        );
        assert!(check_in_zone(&["192.0.2.1".into()], &[]).is_ok());
    }

    #[test]
    fn a_connection_point_is_checked() {
        let c = check_connection(&RawConnection {
            kind: "maintenance",
            counterpart: " A社 保守センター ",
            notes: "",
        })
        .unwrap();
        assert_eq!(c.kind, ConnectionKind::Maintenance);
        assert_eq!(c.counterpart, "A社 保守センター");
        assert_eq!(
            check_connection(&RawConnection {
                kind: "maintenance",
                counterpart: "",
                notes: ""
            })
            .unwrap_err()
            .key,
            "error-connection-counterpart"
        );
    }
}
