//! The asset ledger (機器台帳): what an institution runs — servers, terminal PCs, network
//! devices, networked medical devices, storage, mobile devices — with where each stands,
//! what runs on it, its addresses, who logs in as administrator, its anti-virus, who
//! maintains it remotely and how, and when its support ends. The rules of one entry; the
//! store keeps each change as a version with its history.

use crate::validate::FieldError;
use std::net::IpAddr;

crate::code_enum!(
    /// What kind of thing an asset is (the BCP 手引き's list: servers, PCs, VPN devices,
    /// firewalls, routers …, and the checklist's device classes).
    AssetKind {
        Server = "server",
        Terminal = "terminal",
        Router = "router",
        Switch = "switch",
        Firewall = "firewall",
        Vpn = "vpn",
        WirelessAp = "wireless_ap",
        MedicalDevice = "medical_device",
        Storage = "storage",
        Mobile = "mobile",
        Other = "other",
    }
);

impl AssetKind {
    /// A network device (the checklist's ネットワーク機器).
    pub fn is_network(self) -> bool {
        matches!(
            self,
            AssetKind::Router
                | AssetKind::Switch
                | AssetKind::Firewall
                | AssetKind::Vpn
                | AssetKind::WirelessAp
        )
    }
}

crate::code_enum!(
    /// Where an asset stands.
    AssetStatus {
        InUse = "in_use",
        Spare = "spare",
        Retired = "retired",
    }
);

crate::code_enum!(
    /// Who owns it.
    Ownership {
        Purchase = "purchase",
        Lease = "lease",
        VendorCloud = "vendor_cloud",
    }
);

/// The longest free text of an entry (a name is at most 200 characters).
pub const MAX_TEXT: usize = 2000;
/// The most addresses or software entries one asset carries.
pub const MAX_LIST: usize = 200;

/// An entry as a form, the API or an import row sends it (text as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawAsset<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub manufacturer: &'a str,
    pub model: &'a str,
    pub serial: &'a str,
    pub location: &'a str,
    pub department: &'a str,
    pub purpose: &'a str,
    pub os: &'a str,
    pub os_version: &'a str,
    /// The CPE 2.3 name of the OS or firmware, when known.
    pub os_cpe: &'a str,
    /// Installed software, one per line (see [`parse_software`]).
    pub software: &'a str,
    /// Addresses separated by commas, spaces or new lines.
    pub ip_addresses: &'a str,
    pub mac: &'a str,
    /// `yes`, `no` or empty (not known).
    pub admin_login: &'a str,
    pub admin_users: &'a str,
    pub antivirus: &'a str,
    pub remote_maintenance: &'a str,
    pub ownership: &'a str,
    pub status: &'a str,
    pub introduced_on: &'a str,
    /// The end of the warranty or maintenance contract (保守期限).
    pub warranty_on: &'a str,
    pub eos_on: &'a str,
    pub retired_on: &'a str,
    pub notes: &'a str,
    /// The network zone: its id (a form, the API) or its name (an import), empty for none;
    /// the caller resolves it ([`crate::network`]).
    pub zone: &'a str,
}

/// An entry that holds: the kinds and states known, addresses parsed, dates real.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFields {
    pub name: String,
    pub kind: AssetKind,
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
    pub location: String,
    pub department: String,
    pub purpose: String,
    pub os: String,
    pub os_version: String,
    pub os_cpe: String,
    pub software: Vec<Software>,
    /// Normalised (`IpAddr`'s form), in the order given, without repeats.
    pub ip_addresses: Vec<String>,
    /// `AA:BB:CC:DD:EE:FF` (upper case, colons), or empty.
    pub mac: String,
    pub admin_login: Option<bool>,
    pub admin_users: String,
    pub antivirus: String,
    pub remote_maintenance: String,
    pub ownership: Option<Ownership>,
    pub status: AssetStatus,
    pub introduced_on: Option<String>,
    pub warranty_on: Option<String>,
    pub eos_on: Option<String>,
    pub retired_on: Option<String>,
    pub notes: String,
    /// The network zone as given (see [`RawAsset::zone`]).
    pub zone: Option<String>,
}

fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// A MAC address in any common form (`aa:bb:cc:dd:ee:ff`, `aa-bb-…`, `aabb.ccdd.eeff`,
/// twelve hex digits) as `AA:BB:CC:DD:EE:FF`.
pub fn normalise_mac(s: &str) -> Option<String> {
    let hex: String = s
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let up = hex.to_ascii_uppercase();
    Some(
        up.as_bytes()
            .chunks(2)
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// One piece of software installed on an asset.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Software {
    pub name: String,
    #[serde(default)]
    pub version: String,
    /// The CPE 2.3 formatted name, when known (a confirmed identity for matching).
    #[serde(default)]
    pub cpe: String,
}

/// Is `s` a CPE 2.3 formatted string name (`cpe:2.3:part:vendor:product:version:…`,
/// thirteen components, part `a`, `o` or `h`, no spaces)?
pub fn valid_cpe23(s: &str) -> bool {
    if !s.starts_with("cpe:2.3:") || s.len() > 1000 || s.chars().any(char::is_whitespace) {
        return false;
    }
    let mut parts = Vec::new();
    let (mut cur, mut escaped) = (String::new(), false);
    for c in s.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' => {
                cur.push(c);
                escaped = true;
            }
            ':' => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts.len() == 13
        && matches!(parts[2].as_str(), "a" | "o" | "h")
        && parts[3..].iter().all(|p| !p.is_empty())
        && !escaped
}

/// The software list as typed: one per line, `name | version | CPE` (version and CPE may
/// be left out; `｜` and tabs separate too).
pub fn parse_software(s: &str) -> Result<Vec<Software>, FieldError> {
    let mut out: Vec<Software> = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut cols = line.split(['|', '｜', '\t']).map(str::trim);
        let name = cols.next().unwrap_or_default();
        let version = cols.next().unwrap_or_default();
        let cpe = cols.next().unwrap_or_default();
        if cols.next().is_some()
            || name.is_empty()
            || name.chars().count() > 200
            || version.chars().count() > 200
            || line.chars().any(char::is_control)
        {
            return Err(err("software", "error-asset-software"));
        }
        if !cpe.is_empty() && !valid_cpe23(cpe) {
            return Err(err("software", "error-asset-cpe"));
        }
        out.push(Software {
            name: name.to_string(),
            version: version.to_string(),
            cpe: cpe.to_string(),
        });
        if out.len() > MAX_LIST {
            return Err(err("software", "error-asset-software-many"));
        }
    }
    Ok(out)
}

/// The software list as the form shows it (the inverse of [`parse_software`]).
pub fn software_text(list: &[Software]) -> String {
    list.iter()
        .map(|s| {
            let mut line = s.name.clone();
            if !s.version.is_empty() || !s.cpe.is_empty() {
                line.push_str(" | ");
                line.push_str(&s.version);
            }
            if !s.cpe.is_empty() {
                line.push_str(" | ");
                line.push_str(&s.cpe);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Check an entry; the first rule broken. See [`check_asset_all`].
pub fn check_asset(raw: &RawAsset<'_>) -> Result<AssetFields, FieldError> {
    check_asset_all(raw).map_err(|mut e| e.remove(0))
}

/// Check an entry, naming every rule broken (an import lists them all). Every text
/// trimmed; a name of 1–200 characters; other texts at most [`MAX_TEXT`]; a known kind,
/// status and ownership; each IP address a real IPv4 or IPv6 address (at most
/// [`MAX_LIST`]); a MAC of twelve hex digits; a CPE 2.3 name; dates real `YYYY-MM-DD`; a
/// retired asset has the day it was retired, and only a retired one has it.
pub fn check_asset_all(raw: &RawAsset<'_>) -> Result<AssetFields, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut text = |field: &'static str, v: &str| -> String {
        let t = v.trim();
        if t.chars().count() > MAX_TEXT || t.chars().any(|c| c.is_control() && c != '\n') {
            errors.push(err(field, "error-asset-text"));
        }
        t.to_string()
    };
    let fields_text = [
        text("manufacturer", raw.manufacturer),
        text("model", raw.model),
        text("serial", raw.serial),
        text("location", raw.location),
        text("department", raw.department),
        text("purpose", raw.purpose),
        text("os", raw.os),
        text("os_version", raw.os_version),
        text("admin_users", raw.admin_users),
        text("antivirus", raw.antivirus),
        text("remote_maintenance", raw.remote_maintenance),
        text("notes", raw.notes),
    ];
    let name = raw.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        errors.push(err("name", "error-asset-name"));
    }
    let kind = AssetKind::parse(raw.kind.trim());
    if kind.is_none() {
        errors.push(err("kind", "error-asset-kind"));
    }
    let status = match raw.status.trim() {
        "" => Some(AssetStatus::InUse),
        s => AssetStatus::parse(s),
    };
    if status.is_none() {
        errors.push(err("status", "error-asset-status"));
    }
    let ownership = match raw.ownership.trim() {
        "" => None,
        s => {
            let o = Ownership::parse(s);
            if o.is_none() {
                errors.push(err("ownership", "error-asset-ownership"));
            }
            o
        }
    };
    let admin_login = match raw.admin_login.trim() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.push(err("admin_login", "error-asset-admin-login"));
            None
        }
    };
    let mut ip_addresses: Vec<String> = Vec::new();
    for part in raw
        .ip_addresses
        .split(|c: char| c == ',' || c == '、' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let Ok(ip) = part.parse::<IpAddr>() else {
            errors.push(err("ip_addresses", "error-asset-ip"));
            break;
        };
        let ip = ip.to_string();
        if !ip_addresses.contains(&ip) {
            ip_addresses.push(ip);
        }
        if ip_addresses.len() > MAX_LIST {
            errors.push(err("ip_addresses", "error-asset-too-many"));
            break;
        }
    }
    let mac = match raw.mac.trim() {
        "" => String::new(),
        m => normalise_mac(m).unwrap_or_else(|| {
            errors.push(err("mac", "error-asset-mac"));
            String::new()
        }),
    };
    let os_cpe = raw.os_cpe.trim();
    if !os_cpe.is_empty() && !valid_cpe23(os_cpe) {
        errors.push(err("os_cpe", "error-asset-cpe"));
    }
    let software = parse_software(raw.software).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let mut date = |field: &'static str, v: &str| -> Option<String> {
        match v.trim() {
            "" => None,
            d if crate::role_sharing::valid_date(d) => Some(d.to_string()),
            _ => {
                errors.push(err(field, "error-rs-bad-date"));
                None
            }
        }
    };
    let introduced_on = date("introduced_on", raw.introduced_on);
    let warranty_on = date("warranty_on", raw.warranty_on);
    let eos_on = date("eos_on", raw.eos_on);
    let retired_on = date("retired_on", raw.retired_on);
    let retired_typed = !raw.retired_on.trim().is_empty();
    match (status, retired_typed) {
        (Some(AssetStatus::Retired), false) => {
            errors.push(err("retired_on", "error-asset-retired-on"))
        }
        (Some(AssetStatus::InUse | AssetStatus::Spare), true) => {
            errors.push(err("retired_on", "error-asset-retired-on-only"))
        }
        _ => {}
    }
    let zone = match raw.zone.trim() {
        "" => None,
        z if z.chars().count() > 200 || z.chars().any(char::is_control) => {
            errors.push(err("zone", "error-asset-zone"));
            None
        }
        z => Some(z.to_string()),
    };
    let (Some(kind), Some(status), true) = (kind, status, errors.is_empty()) else {
        return Err(errors);
    };
    let [manufacturer, model, serial, location, department, purpose, os, os_version, admin_users, antivirus, remote_maintenance, notes] =
        fields_text;
    Ok(AssetFields {
        name: name.to_string(),
        kind,
        manufacturer,
        model,
        serial,
        location,
        department,
        purpose,
        os,
        os_version,
        os_cpe: os_cpe.to_string(),
        software,
        ip_addresses,
        mac,
        admin_login,
        admin_users,
        antivirus,
        remote_maintenance,
        ownership,
        status,
        introduced_on,
        warranty_on,
        eos_on,
        retired_on,
        notes,
        zone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawAsset<'static> {
        RawAsset {
            name: " 電子カルテサーバ1 ",
            kind: "server",
            os: "Windows Server",
            os_version: "2019",
            ip_addresses: "192.168.10.5, 192.168.10.5 fe80::1",
            mac: "00-1a-2b-3c-4d-5e",
            admin_login: "yes",
            introduced_on: "2019-04-01",
            ..Default::default()
        }
    }

    #[test]
    fn an_entry_is_trimmed_and_its_addresses_normalised() {
        let a = check_asset(&raw()).unwrap();
        assert_eq!(a.name, "電子カルテサーバ1");
        assert_eq!(a.kind, AssetKind::Server);
        assert_eq!(a.status, AssetStatus::InUse);
        assert_eq!(a.ip_addresses, ["192.168.10.5", "fe80::1"]);
        assert_eq!(a.mac, "00:1A:2B:3C:4D:5E");
        assert_eq!(a.admin_login, Some(true));
        assert_eq!(
            normalise_mac("001a.2b3c.4d5e").as_deref(),
            Some("00:1A:2B:3C:4D:5E")
        );
        assert!(AssetKind::Vpn.is_network() && !AssetKind::Server.is_network());
    }

    #[test]
    fn each_rule_names_its_field() {
        let field = |r: RawAsset<'_>| check_asset(&r).unwrap_err();
        assert_eq!(field(RawAsset { name: " ", ..raw() }).field, "name");
        assert_eq!(
            field(RawAsset {
                kind: "toaster",
                ..raw()
            })
            .field,
            "kind"
        );
        assert_eq!(
            field(RawAsset {
                ip_addresses: "192.168.10.256",
                ..raw()
            })
            .key,
            "error-asset-ip"
        );
        assert_eq!(
            field(RawAsset {
                mac: "00:1a:2b",
                ..raw()
            })
            .field,
            "mac"
        );
        assert_eq!(
            field(RawAsset {
                introduced_on: "2019-02-30",
                ..raw()
            })
            .field,
            "introduced_on"
        );
        assert_eq!(
            field(RawAsset {
                status: "retired",
                ..raw()
            })
            .key,
            "error-asset-retired-on"
        );
        assert_eq!(
            field(RawAsset {
                retired_on: "2024-03-31",
                ..raw()
            })
            .key,
            "error-asset-retired-on-only"
        );
        let long = "a".repeat(MAX_TEXT + 1);
        assert_eq!(
            field(RawAsset {
                notes: &long,
                ..raw()
            })
            .field,
            "notes"
        );
        assert_eq!(
            field(RawAsset {
                admin_login: "maybe",
                ..raw()
            })
            .field,
            "admin_login"
        );
        let many = (0..=MAX_LIST)
            .map(|n| format!("10.0.{}.{}", n / 250, n % 250))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            field(RawAsset {
                ip_addresses: &many,
                ..raw()
            })
            .key,
            "error-asset-too-many"
        );
        let retired = check_asset(&RawAsset {
            status: "retired",
            retired_on: "2024-03-31",
            ..raw()
        })
        .unwrap();
        assert_eq!(retired.retired_on.as_deref(), Some("2024-03-31"));
    }

    #[test]
    fn software_lists_and_cpe_names() {
        let list = parse_software(
            "Microsoft Edge | 131.0 | cpe:2.3:a:microsoft:edge:131.0:*:*:*:*:*:*:*\n\n 電子カルテ端末ソフト ｜ 5.2\nウイルスバスター",
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].name, "電子カルテ端末ソフト");
        assert_eq!(list[1].version, "5.2");
        assert_eq!(list[2].version, "");
        assert_eq!(parse_software(&software_text(&list)).unwrap(), list);
        assert!(valid_cpe23(
            "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*"
        ));
        assert!(valid_cpe23("cpe:2.3:a:vendor:pro\\:duct:1:*:*:*:*:*:*:*"));
        assert!(!valid_cpe23("cpe:2.3:x:microsoft:windows:10:*:*:*:*:*:*:*"));
        assert!(!valid_cpe23("cpe:/o:microsoft:windows_10"));
        assert!(!valid_cpe23("cpe:2.3:o:microsoft:windows:10"));
        assert_eq!(
            parse_software("a | 1 | cpe:2.3:bad").unwrap_err().key,
            "error-asset-cpe"
        );
        assert_eq!(
            parse_software("a | 1 | x | y").unwrap_err().key,
            "error-asset-software"
        );
    }

    #[test]
    fn every_broken_rule_is_named_at_once() {
        let errors = check_asset_all(&RawAsset {
            name: "",
            kind: "toaster",
            mac: "zz",
            ip_addresses: "10.0.0.999",
            introduced_on: "2024-13-01",
            os_cpe: "windows",
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        for f in [
            "name",
            "kind",
            "mac",
            "ip_addresses",
            "introduced_on",
            "os_cpe",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }
}
