//! Inventory checks (棚卸): walk the institution, confirm or correct each asset of the
//! ledger, close the check; what was corrected becomes a change of the ledger with the
//! check as its reason. The rules of a record and of closing live here.

use crate::assets::{check_asset, AssetFields, RawAsset, MAX_TEXT};
use crate::validate::FieldError;

crate::code_enum!(
    /// Where a check stands: open (being recorded) or closed (its changes applied).
    CheckStatus {
        Open = "open",
        Closed = "closed",
    }
);

crate::code_enum!(
    /// What the walk found for one asset.
    CheckOutcome {
        /// There, as the ledger says.
        Found = "found",
        /// Not found where the ledger says (所在不明).
        NotFound = "not_found",
        /// Found elsewhere: the new place is recorded.
        Moved = "moved",
        /// Found, but something the ledger says is wrong: the corrections are recorded.
        Changed = "changed",
    }
);

/// A field an inventory check may correct: what one sees or asks about on the floor.
pub const CORRECTABLE: [&str; 9] = [
    "location",
    "department",
    "purpose",
    "os",
    "os_version",
    "ip_addresses",
    "mac",
    "antivirus",
    "admin_users",
];

/// The longest name of a check.
pub const MAX_NAME: usize = 200;

/// Days within which a completed check counts as this year's (the checklist asks for a
/// check at least once a year).
pub const CHECK_VALID_DAYS: i64 = 365;

fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// The name of a new check: 1–200 characters, no control characters.
pub fn check_name(s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_NAME || t.chars().any(char::is_control) {
        return Err(err("name", "error-check-name"));
    }
    Ok(t.to_string())
}

/// A record as the walker sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRecord<'a> {
    pub outcome: &'a str,
    /// The place found (moved).
    pub location: &'a str,
    /// Corrections (changed): `(field, text)` for fields of [`CORRECTABLE`].
    pub corrections: Vec<(&'a str, &'a str)>,
    pub note: &'a str,
}

/// A record that holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub outcome: CheckOutcome,
    /// What the ledger will hold after the check, field by field (only fields that differ
    /// from the entry when recorded): `location` for a move, the corrections for a change.
    pub changes: Vec<(String, String)>,
    pub note: String,
}

/// The entry's texts as a form would show them (owned), to overlay corrections and check
/// the whole entry again.
struct Texts {
    v: Vec<(&'static str, String)>,
}

impl Texts {
    fn of(f: &AssetFields) -> Self {
        let yes_no = match f.admin_login {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        Texts {
            v: vec![
                ("name", f.name.clone()),
                ("kind", f.kind.to_string()),
                ("manufacturer", f.manufacturer.clone()),
                ("model", f.model.clone()),
                ("serial", f.serial.clone()),
                ("location", f.location.clone()),
                ("department", f.department.clone()),
                ("purpose", f.purpose.clone()),
                ("os", f.os.clone()),
                ("os_version", f.os_version.clone()),
                ("os_cpe", f.os_cpe.clone()),
                ("software", crate::assets::software_text(&f.software)),
                ("ip_addresses", f.ip_addresses.join(", ")),
                ("mac", f.mac.clone()),
                ("admin_login", yes_no.to_string()),
                ("admin_users", f.admin_users.clone()),
                ("antivirus", f.antivirus.clone()),
                ("remote_maintenance", f.remote_maintenance.clone()),
                (
                    "ownership",
                    f.ownership.map(|o| o.to_string()).unwrap_or_default(),
                ),
                ("status", f.status.to_string()),
                ("introduced_on", f.introduced_on.clone().unwrap_or_default()),
                ("warranty_on", f.warranty_on.clone().unwrap_or_default()),
                ("eos_on", f.eos_on.clone().unwrap_or_default()),
                ("retired_on", f.retired_on.clone().unwrap_or_default()),
                ("notes", f.notes.clone()),
                ("zone", f.zone.clone().unwrap_or_default()),
            ],
        }
    }

    fn set(&mut self, field: &str, text: &str) {
        if let Some(slot) = self.v.iter_mut().find(|(k, _)| *k == field) {
            slot.1 = text.to_string();
        }
    }

    fn get(&self, field: &str) -> &str {
        self.v
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    fn check(&self) -> Result<AssetFields, FieldError> {
        let g = |k| self.get(k);
        check_asset(&RawAsset {
            name: g("name"),
            kind: g("kind"),
            manufacturer: g("manufacturer"),
            model: g("model"),
            serial: g("serial"),
            location: g("location"),
            department: g("department"),
            purpose: g("purpose"),
            os: g("os"),
            os_version: g("os_version"),
            os_cpe: g("os_cpe"),
            software: g("software"),
            ip_addresses: g("ip_addresses"),
            mac: g("mac"),
            admin_login: g("admin_login"),
            admin_users: g("admin_users"),
            antivirus: g("antivirus"),
            remote_maintenance: g("remote_maintenance"),
            ownership: g("ownership"),
            status: g("status"),
            introduced_on: g("introduced_on"),
            warranty_on: g("warranty_on"),
            eos_on: g("eos_on"),
            retired_on: g("retired_on"),
            notes: g("notes"),
            zone: g("zone"),
        })
    }
}

/// Check a record against the entry as it is: a known outcome; a move names a place other
/// than the ledger's; a change corrects at least one field of [`CORRECTABLE`] to a value
/// other than the ledger's, and the corrected entry still holds (a real address, MAC …);
/// found and not found carry no corrections; a note of at most 2,000 characters.
pub fn check_record(raw: &RawRecord<'_>, current: &AssetFields) -> Result<Record, FieldError> {
    let outcome =
        CheckOutcome::parse(raw.outcome.trim()).ok_or(err("outcome", "error-check-outcome"))?;
    let note = raw.note.trim();
    if note.chars().count() > MAX_TEXT || note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(err("note", "error-asset-text"));
    }
    let typed: Vec<(&str, &str)> = raw
        .corrections
        .iter()
        .map(|(f, v)| (f.trim(), v.trim()))
        .collect();
    if typed.iter().any(|(f, _)| !CORRECTABLE.contains(f)) {
        return Err(err("corrections", "error-check-field"));
    }
    let before = Texts::of(current);
    let changes: Vec<(String, String)> = match outcome {
        CheckOutcome::Found | CheckOutcome::NotFound => {
            if !raw.location.trim().is_empty() || typed.iter().any(|(f, v)| before.get(f) != *v) {
                return Err(err("outcome", "error-check-no-corrections"));
            }
            Vec::new()
        }
        CheckOutcome::Moved => {
            let place = raw.location.trim();
            if place.is_empty() {
                return Err(err("location", "error-check-location"));
            }
            if place == current.location {
                return Err(err("location", "error-check-same-location"));
            }
            if typed
                .iter()
                .any(|(f, v)| *f != "location" && before.get(f) != *v)
            {
                return Err(err("outcome", "error-check-moved-only"));
            }
            vec![("location".to_string(), place.to_string())]
        }
        CheckOutcome::Changed => typed
            .iter()
            .filter(|(f, v)| before.get(f) != *v)
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect(),
    };
    if outcome == CheckOutcome::Changed && changes.is_empty() {
        return Err(err("corrections", "error-check-nothing-changed"));
    }
    // The corrected entry must hold as a whole (the ledger's own rules).
    let record = Record {
        outcome,
        changes,
        note: note.to_string(),
    };
    let corrected = apply(current, &record)?;
    // Normalised values (an address as `IpAddr` writes it, a MAC in upper case) are what
    // the ledger will hold; a correction that normalises to the ledger's value is none.
    let after = Texts::of(&corrected);
    let changes: Vec<(String, String)> = record
        .changes
        .iter()
        .filter(|(f, _)| after.get(f) != before.get(f))
        .map(|(f, _)| (f.clone(), after.get(f).to_string()))
        .collect();
    if matches!(outcome, CheckOutcome::Changed | CheckOutcome::Moved) && changes.is_empty() {
        return Err(err("corrections", "error-check-nothing-changed"));
    }
    Ok(Record { changes, ..record })
}

/// The entry with a record's changes applied (the ledger's rules checked again: an entry
/// edited since the record may no longer take them).
pub fn apply(current: &AssetFields, record: &Record) -> Result<AssetFields, FieldError> {
    let mut t = Texts::of(current);
    for (f, v) in &record.changes {
        if !CORRECTABLE.contains(&f.as_str()) {
            return Err(err("corrections", "error-check-field"));
        }
        t.set(f, v);
    }
    t.check()
}

/// May a check close with `unchecked` assets not yet recorded? Only when the person says
/// so: they are closed as 未確認, and the check says how many.
pub fn check_close(unchecked: i64, accept_unchecked: bool) -> Result<(), FieldError> {
    if unchecked > 0 && !accept_unchecked {
        return Err(err("accept_unchecked", "error-check-unchecked"));
    }
    Ok(())
}

/// Does a check completed on `closed_on` (`YYYY-MM-DD`) count on `today`: within
/// [`CHECK_VALID_DAYS`]?
pub fn check_current(closed_on: &str, today: &str) -> bool {
    let (Ok(c), Ok(t)) = (
        chrono::NaiveDate::parse_from_str(closed_on, "%Y-%m-%d"),
        chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d"),
    ) else {
        return false;
    };
    (t - c).num_days() <= CHECK_VALID_DAYS && c <= t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AssetFields {
        check_asset(&RawAsset {
            name: "受付PC",
            kind: "terminal",
            location: "本館1F 受付",
            ip_addresses: "192.168.1.10",
            mac: "00:1A:2B:3C:4D:5E",
            ..Default::default()
        })
        .unwrap()
    }

    fn rec<'a>(outcome: &'a str, location: &'a str, c: Vec<(&'a str, &'a str)>) -> RawRecord<'a> {
        RawRecord {
            outcome,
            location,
            corrections: c,
            note: "",
        }
    }

    #[test]
    fn found_and_not_found_carry_no_change() {
        let r = check_record(&rec("found", "", vec![]), &entry()).unwrap();
        assert!(r.changes.is_empty());
        let r = check_record(&rec("not_found", "", vec![]), &entry()).unwrap();
        assert_eq!(r.outcome, CheckOutcome::NotFound);
        // The form's unchanged values are not corrections.
        assert!(check_record(
            &rec("found", "", vec![("location", "本館1F 受付")]),
            &entry()
        )
        .is_ok());
        assert_eq!(
            check_record(&rec("found", "別館", vec![]), &entry())
                .unwrap_err()
                .key,
            "error-check-no-corrections"
        );
        assert_eq!(
            check_record(&rec("lost", "", vec![]), &entry())
                .unwrap_err()
                .field,
            "outcome"
        );
    }

    #[test]
    fn a_move_names_another_place() {
        let r = check_record(&rec("moved", " 別館2F ", vec![]), &entry()).unwrap();
        assert_eq!(r.changes, [("location".to_string(), "別館2F".to_string())]);
        assert_eq!(apply(&entry(), &r).unwrap().location, "別館2F");
        for (place, key) in [
            ("", "error-check-location"),
            ("本館1F 受付", "error-check-same-location"),
        ] {
            assert_eq!(
                check_record(&rec("moved", place, vec![]), &entry())
                    .unwrap_err()
                    .key,
                key
            );
        }
    }

    #[test]
    fn a_change_is_checked_and_normalised() {
        let r = check_record(
            &rec(
                "changed",
                "",
                vec![
                    ("ip_addresses", "192.168.1.11"),
                    ("mac", "aa-bb-cc-dd-ee-ff"),
                    ("os", ""),
                ],
            ),
            &entry(),
        )
        .unwrap();
        assert_eq!(
            r.changes,
            [
                ("ip_addresses".to_string(), "192.168.1.11".to_string()),
                ("mac".to_string(), "AA:BB:CC:DD:EE:FF".to_string())
            ]
        );
        let bad = check_record(
            &rec("changed", "", vec![("ip_addresses", "192.168.1.300")]),
            &entry(),
        );
        assert_eq!(bad.unwrap_err().key, "error-asset-ip");
        let none = check_record(
            &rec("changed", "", vec![("mac", "00-1a-2b-3c-4d-5e")]),
            &entry(),
        );
        assert!(
            none.is_err(),
            "a typed address that is the ledger's is not a change"
        );
        let field = check_record(&rec("changed", "", vec![("name", "別名")]), &entry());
        assert_eq!(field.unwrap_err().key, "error-check-field");
        let nothing = check_record(
            &rec("changed", "", vec![("location", "本館1F 受付")]),
            &entry(),
        );
        assert_eq!(nothing.unwrap_err().key, "error-check-nothing-changed");
    }

    #[test]
    fn closing_with_unchecked_assets_is_said_aloud() {
        assert!(check_close(0, false).is_ok());
        assert_eq!(
            check_close(3, false).unwrap_err().key,
            "error-check-unchecked"
        );
        assert!(check_close(3, true).is_ok());
    }

    #[test]
    fn a_check_counts_for_a_year() {
        assert!(check_current("2025-11-25", "2026-11-25"));
        assert!(!check_current("2025-11-24", "2026-11-25"));
        assert!(!check_current("2026-11-26", "2026-11-25"));
        assert!(!check_current("", "2026-11-25"));
        assert_eq!(check_name("  ").unwrap_err().key, "error-check-name");
        assert_eq!(check_name(" 2026年度 棚卸 ").unwrap(), "2026年度 棚卸");
    }
}

/// What the ledger holds of one kind: entries in use or spare, and how many lack an OS or
/// an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindFacts {
    pub kind: crate::assets::AssetKind,
    pub total: i64,
    pub without_os: i64,
    pub without_ip: i64,
}

/// Why the ledger does not yet bear out 「台帳管理を行っている」 for a device class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerGap {
    /// No entry of the class.
    NoEntries,
    /// Entries without their OS and version.
    MissingOs(i64),
    /// Entries without an IP address.
    MissingIp(i64),
    /// No inventory check completed within a year.
    NoRecentCheck,
}

/// The kinds a checklist device class (`server`, `terminal`, `network`) covers, and
/// whether their OS must be recorded (the BCP 手引き asks OS and version of servers and
/// PCs; of network devices their place, address and purpose).
pub fn class_kinds(class: &str) -> Option<(&'static [crate::assets::AssetKind], bool)> {
    use crate::assets::AssetKind::*;
    match class {
        "server" => Some((&[Server, Storage], true)),
        "terminal" => Some((&[Terminal, Mobile], true)),
        "network" => Some((&[Router, Switch, Firewall, Vpn, WirelessAp], false)),
        _ => None,
    }
}

/// What the ledger suggests for 「サーバ、端末PC、ネットワーク機器の台帳管理を行っている」 for
/// one device class: はい when the class has entries, each with its OS (servers, PCs) and
/// address recorded, and an inventory check closed within a year; otherwise いいえ with the
/// gaps. The entries counted, with the answer; `None` for a class it does not know.
pub fn ledger_answer(
    class: &str,
    facts: &[KindFacts],
    last_check: Option<&str>,
    today: &str,
) -> Option<(bool, i64, Vec<LedgerGap>)> {
    let (kinds, os_required) = class_kinds(class)?;
    let of: Vec<&KindFacts> = facts.iter().filter(|f| kinds.contains(&f.kind)).collect();
    let total: i64 = of.iter().map(|f| f.total).sum();
    let mut gaps = Vec::new();
    if total == 0 {
        gaps.push(LedgerGap::NoEntries);
    }
    let no_os: i64 = of.iter().map(|f| f.without_os).sum();
    if os_required && no_os > 0 {
        gaps.push(LedgerGap::MissingOs(no_os));
    }
    let no_ip: i64 = of.iter().map(|f| f.without_ip).sum();
    if no_ip > 0 {
        gaps.push(LedgerGap::MissingIp(no_ip));
    }
    if !last_check.is_some_and(|d| check_current(d, today)) {
        gaps.push(LedgerGap::NoRecentCheck);
    }
    Some((gaps.is_empty(), total, gaps))
}

#[cfg(test)]
mod ledger_tests {
    use super::*;
    use crate::assets::AssetKind;

    #[test]
    fn the_ledger_bears_out_its_management_class_by_class() {
        let facts = [
            KindFacts {
                kind: AssetKind::Server,
                total: 2,
                without_os: 0,
                without_ip: 0,
            },
            KindFacts {
                kind: AssetKind::Terminal,
                total: 5,
                without_os: 1,
                without_ip: 0,
            },
            KindFacts {
                kind: AssetKind::Vpn,
                total: 1,
                without_os: 1,
                without_ip: 0,
            },
        ];
        let today = "2026-11-25";
        assert_eq!(
            ledger_answer("server", &facts, Some("2026-04-01"), today),
            Some((true, 2, vec![]))
        );
        assert_eq!(
            ledger_answer("terminal", &facts, Some("2026-04-01"), today),
            Some((false, 5, vec![LedgerGap::MissingOs(1)]))
        );
        // A network device's firmware is not required; a check over a year old is a gap.
        assert_eq!(
            ledger_answer("network", &facts, Some("2025-01-01"), today),
            Some((false, 1, vec![LedgerGap::NoRecentCheck]))
        );
        assert_eq!(
            ledger_answer("server", &[], None, today),
            Some((
                false,
                0,
                vec![LedgerGap::NoEntries, LedgerGap::NoRecentCheck]
            ))
        );
        assert_eq!(ledger_answer("all", &facts, None, today), None);
    }
}
