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
    pub eos_on: &'a str,
    pub retired_on: &'a str,
    pub notes: &'a str,
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
    pub eos_on: Option<String>,
    pub retired_on: Option<String>,
    pub notes: String,
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

/// Check an entry. Every text trimmed; a name of 1–200 characters; other texts at most
/// [`MAX_TEXT`]; a known kind, status and ownership; each IP address a real IPv4 or IPv6
/// address (at most [`MAX_LIST`]); a MAC of twelve hex digits; dates real `YYYY-MM-DD`; a
/// retired asset has the day it was retired, and only a retired one has it.
pub fn check_asset(raw: &RawAsset<'_>) -> Result<AssetFields, FieldError> {
    let text = |field: &'static str, v: &str| -> Result<String, FieldError> {
        let t = v.trim();
        if t.chars().count() > MAX_TEXT || t.chars().any(|c| c.is_control() && c != '\n') {
            return Err(err(field, "error-asset-text"));
        }
        Ok(t.to_string())
    };
    let name = raw.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(err("name", "error-asset-name"));
    }
    let kind = AssetKind::parse(raw.kind.trim()).ok_or(err("kind", "error-asset-kind"))?;
    let status = match raw.status.trim() {
        "" => AssetStatus::InUse,
        s => AssetStatus::parse(s).ok_or(err("status", "error-asset-status"))?,
    };
    let ownership = match raw.ownership.trim() {
        "" => None,
        s => Some(Ownership::parse(s).ok_or(err("ownership", "error-asset-ownership"))?),
    };
    let admin_login = match raw.admin_login.trim() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => return Err(err("admin_login", "error-asset-admin-login")),
    };
    let mut ip_addresses: Vec<String> = Vec::new();
    for part in raw
        .ip_addresses
        .split(|c: char| c == ',' || c == '、' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let ip: IpAddr = part
            .parse()
            .map_err(|_| err("ip_addresses", "error-asset-ip"))?;
        let ip = ip.to_string();
        if !ip_addresses.contains(&ip) {
            ip_addresses.push(ip);
        }
        if ip_addresses.len() > MAX_LIST {
            return Err(err("ip_addresses", "error-asset-too-many"));
        }
    }
    let mac = match raw.mac.trim() {
        "" => String::new(),
        m => normalise_mac(m).ok_or(err("mac", "error-asset-mac"))?,
    };
    let date = |field: &'static str, v: &str| -> Result<Option<String>, FieldError> {
        match v.trim() {
            "" => Ok(None),
            d if crate::role_sharing::valid_date(d) => Ok(Some(d.to_string())),
            _ => Err(err(field, "error-rs-bad-date")),
        }
    };
    let retired_on = date("retired_on", raw.retired_on)?;
    match (status, &retired_on) {
        (AssetStatus::Retired, None) => return Err(err("retired_on", "error-asset-retired-on")),
        (AssetStatus::InUse | AssetStatus::Spare, Some(_)) => {
            return Err(err("retired_on", "error-asset-retired-on-only"))
        }
        _ => {}
    }
    Ok(AssetFields {
        name: name.to_string(),
        kind,
        manufacturer: text("manufacturer", raw.manufacturer)?,
        model: text("model", raw.model)?,
        serial: text("serial", raw.serial)?,
        location: text("location", raw.location)?,
        department: text("department", raw.department)?,
        purpose: text("purpose", raw.purpose)?,
        os: text("os", raw.os)?,
        os_version: text("os_version", raw.os_version)?,
        ip_addresses,
        mac,
        admin_login,
        admin_users: text("admin_users", raw.admin_users)?,
        antivirus: text("antivirus", raw.antivirus)?,
        remote_maintenance: text("remote_maintenance", raw.remote_maintenance)?,
        ownership,
        status,
        introduced_on: date("introduced_on", raw.introduced_on)?,
        eos_on: date("eos_on", raw.eos_on)?,
        retired_on,
        notes: text("notes", raw.notes)?,
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
}
