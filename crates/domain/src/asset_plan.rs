//! What an import would do to the ledger, before it does anything: each row matched with an
//! entry (by serial number, else by name and kind), merged with it (columns the file does
//! not have keep their values), checked, and compared; rows that add an entry; and every
//! rule broken by row and column — the entry's own rules, duplicates within the file
//! (serial, name and kind, two rows for one entry), an address already used by another
//! entry in use, a formula where a value was expected. The import is all or nothing: one
//! error and nothing is written.

use crate::asset_import::{row_values, Column, Field, Line, RowError, Values};
use crate::assets::{parse_software, AssetFields, AssetStatus, Software};
use std::collections::HashMap;

/// An entry of the ledger as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub id: String,
    pub version: i64,
    pub fields: AssetFields,
}

/// One field that changes: its value before and after (as text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub field: Field,
    pub old: String,
    pub new: String,
}

/// What one row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Create {
        line: usize,
        fields: AssetFields,
    },
    Update {
        line: usize,
        id: String,
        version: i64,
        fields: AssetFields,
        changes: Vec<Change>,
    },
    Same {
        line: usize,
        id: String,
    },
}

/// The software sheet: one row per asset × software, the asset named by its serial number
/// or its name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoftwareSheet {
    pub name: String,
    pub lines: Vec<Line>,
    /// Columns (from 0) of the asset's serial, the asset's name, the software's name, its
    /// version and its CPE.
    pub serial: Option<usize>,
    pub asset: Option<usize>,
    pub software: Option<usize>,
    pub version: Option<usize>,
    pub cpe: Option<usize>,
}

impl SoftwareSheet {
    /// The names a software sheet may have (compared after folding).
    pub const NAMES: [&'static str; 4] = [
        "ソフトウェア",
        "インストールソフトウェア",
        "software",
        "ソフトウェア一覧",
    ];

    /// Read a software sheet's columns from its heading row (the first row with two known
    /// headings among the first 20); the rows below it are its data.
    pub fn read(name: &str, lines: &[Line]) -> Self {
        let which = |h: &str| {
            let k = crate::asset_import::header_key(h);
            let is = |names: &[&str]| {
                names
                    .iter()
                    .any(|n| crate::asset_import::header_key(n) == k)
            };
            if is(&["シリアル番号", "シリアル", "製造番号", "serial"]) {
                Some(0)
            } else if is(&["機器名", "ホスト名", "コンピュータ名", "asset", "hostname"])
            {
                Some(1)
            } else if is(&[
                "ソフトウェア名",
                "ソフトウェア",
                "製品名",
                "名称",
                "software",
            ]) {
                Some(2)
            } else if is(&["バージョン", "version"]) {
                Some(3)
            } else if is(&["cpe", "cpe名", "cpe23"]) {
                Some(4)
            } else {
                None
            }
        };
        let header = lines
            .iter()
            .take(20)
            .position(|l| l.cells.iter().filter(|(_, t)| which(t).is_some()).count() >= 2);
        let mut out = SoftwareSheet {
            name: name.to_string(),
            ..Default::default()
        };
        let Some(h) = header else {
            out.lines = lines.to_vec();
            return out;
        };
        for (col, t) in &lines[h].cells {
            let slot = match which(t) {
                Some(0) => &mut out.serial,
                Some(1) => &mut out.asset,
                Some(2) => &mut out.software,
                Some(3) => &mut out.version,
                Some(4) => &mut out.cpe,
                _ => continue,
            };
            slot.get_or_insert(*col);
        }
        out.lines = lines[h + 1..].to_vec();
        out
    }
}

/// The plan of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub errors: Vec<RowError>,
}

impl Plan {
    pub fn creates(&self) -> usize {
        self.count(|s| matches!(s, Step::Create { .. }))
    }
    pub fn updates(&self) -> usize {
        self.count(|s| matches!(s, Step::Update { .. }))
    }
    pub fn same(&self) -> usize {
        self.count(|s| matches!(s, Step::Same { .. }))
    }
    fn count(&self, f: impl Fn(&Step) -> bool) -> usize {
        self.steps.iter().filter(|s| f(s)).count()
    }
}

fn error(line: usize, col: Option<usize>, field: &str, key: &'static str, value: &str) -> RowError {
    RowError {
        sheet: String::new(),
        line,
        col,
        field: field.to_string(),
        key,
        value: value.chars().take(200).collect(),
        other_line: None,
    }
}

/// The software each asset key (`s:serial` or `n:name`) gets from the software sheet, and
/// the rows of it that break a rule.
fn software_of(sheet: &SoftwareSheet) -> (HashMap<String, Vec<Software>>, Vec<RowError>) {
    let mut map: HashMap<String, Vec<Software>> = HashMap::new();
    let mut errors = Vec::new();
    let at =
        |l: &Line, c: Option<usize>| c.map(|c| l.text(c).trim().to_string()).unwrap_or_default();
    if sheet.software.is_none() || (sheet.serial.is_none() && sheet.asset.is_none()) {
        if let Some(first) = sheet.lines.first() {
            let mut e = error(
                first.number,
                None,
                "software",
                "error-import-software-columns",
                "",
            );
            e.sheet = sheet.name.clone();
            errors.push(e);
        }
        return (map, errors);
    }
    for l in sheet.lines.iter() {
        let key = match (at(l, sheet.serial), at(l, sheet.asset)) {
            (s, _) if !s.is_empty() => format!("s:{s}"),
            (_, n) if !n.is_empty() => format!("n:{n}"),
            _ => {
                let mut e = error(
                    l.number,
                    sheet.asset.or(sheet.serial),
                    "software",
                    "error-import-software-asset",
                    "",
                );
                e.sheet = sheet.name.clone();
                errors.push(e);
                continue;
            }
        };
        let text = format!(
            "{} | {} | {}",
            at(l, sheet.software),
            at(l, sheet.version),
            at(l, sheet.cpe)
        );
        match parse_software(&text) {
            Ok(mut one) if one.len() == 1 => map.entry(key).or_default().append(&mut one),
            Ok(_) => {}
            Err(fe) => {
                let col = if fe.key == "error-asset-cpe" {
                    sheet.cpe
                } else {
                    sheet.software
                };
                let mut e = error(l.number, col, "software", fe.key, &text);
                e.sheet = sheet.name.clone();
                errors.push(e);
            }
        }
    }
    (map, errors)
}

/// Plan an import of `lines` (the data rows) read through `columns`, against `current`.
/// `formulas`: cells (row from 0, column from 0) that held a formula.
pub fn plan(
    lines: &[Line],
    columns: &[Column],
    formulas: &[(usize, usize)],
    software: Option<&SoftwareSheet>,
    current: &[Current],
) -> Plan {
    let mut out = Plan::default();
    let col_of = |field: &str| {
        columns
            .iter()
            .find(|c| c.field.is_some_and(|f| f.as_str() == field))
            .map(|c| c.col)
    };
    let has = |f: Field| columns.iter().any(|c| c.field == Some(f));
    let by_serial: HashMap<&str, &Current> = current
        .iter()
        .filter(|c| !c.fields.serial.is_empty())
        .map(|c| (c.fields.serial.as_str(), c))
        .collect();
    let by_name: HashMap<(&str, &str), &Current> = current
        .iter()
        .map(|c| ((c.fields.name.as_str(), c.fields.kind.as_str()), c))
        .collect();
    let (soft, soft_errors) = software.map(software_of).unwrap_or_default();
    out.errors.extend(soft_errors);
    let mut soft_used: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut seen_serial: HashMap<String, usize> = HashMap::new();
    let mut seen_name: HashMap<(String, String), usize> = HashMap::new();
    let mut seen_id: HashMap<String, usize> = HashMap::new();
    let formulas: std::collections::HashSet<&(usize, usize)> = formulas.iter().collect();
    for l in lines {
        for c in columns.iter().filter(|c| c.field.is_some()) {
            if formulas.contains(&(l.number - 1, c.col)) {
                let field = c.field.map(Field::as_str).unwrap_or_default();
                out.errors.push(error(
                    l.number,
                    Some(c.col),
                    field,
                    "error-import-formula",
                    l.text(c.col),
                ));
            }
        }
        let typed = row_values(l, columns);
        let (serial, name, kind) = (
            typed.get(Field::Serial).to_string(),
            typed.get(Field::Name).to_string(),
            typed.get(Field::Kind).to_string(),
        );
        let (serial, name, kind) = (serial.as_str(), name.as_str(), kind.as_str());
        let dup = |key: &'static str, field: &str, value: &str, other: usize| RowError {
            other_line: Some(other),
            ..error(l.number, col_of(field), field, key, value)
        };
        if !serial.is_empty() {
            if let Some(other) = seen_serial.insert(serial.to_string(), l.number) {
                out.errors
                    .push(dup("error-import-dup-serial", "serial", serial, other));
                continue;
            }
        } else if let Some(other) = seen_name.insert((name.to_string(), kind.to_string()), l.number)
        {
            out.errors
                .push(dup("error-import-dup-name", "name", name, other));
            continue;
        }
        let matched = match by_serial.get(serial) {
            Some(c) if !serial.is_empty() => Some(*c),
            _ => by_name
                .get(&(name, kind))
                .copied()
                .filter(|c| serial.is_empty() || c.fields.serial.is_empty()),
        };
        if let Some(c) = matched {
            if let Some(other) = seen_id.insert(c.id.clone(), l.number) {
                out.errors
                    .push(dup("error-import-dup-target", "name", name, other));
                continue;
            }
        }
        let mut values = match matched {
            Some(c) => {
                let mut v = Values::of(&c.fields);
                for (f, t) in typed.0 {
                    v.0.insert(f, t);
                }
                v
            }
            None => typed,
        };
        let soft_key = [format!("s:{serial}"), format!("n:{name}")]
            .into_iter()
            .find(|k| k.len() > 2 && soft.contains_key(k));
        if let Some(k) = soft_key {
            if !has(Field::Software) {
                values
                    .0
                    .insert(Field::Software, crate::assets::software_text(&soft[&k]));
            }
            soft_used.insert(k);
        }
        match values.check() {
            Err(errors) => out.errors.extend(errors.into_iter().map(|fe| {
                error(
                    l.number,
                    col_of(fe.field),
                    fe.field,
                    fe.key,
                    values.get(Field::parse(fe.field).unwrap_or(Field::Notes)),
                )
            })),
            Ok(fields) => out.steps.push(match matched {
                None => Step::Create {
                    line: l.number,
                    fields,
                },
                Some(c) => {
                    let (old, new) = (Values::of(&c.fields), Values::of(&fields));
                    let changes: Vec<Change> = Field::ALL
                        .iter()
                        .filter(|f| old.get(**f) != new.get(**f))
                        .map(|f| Change {
                            field: *f,
                            old: old.get(*f).to_string(),
                            new: new.get(*f).to_string(),
                        })
                        .collect();
                    if changes.is_empty() {
                        Step::Same {
                            line: l.number,
                            id: c.id.clone(),
                        }
                    } else {
                        Step::Update {
                            line: l.number,
                            id: c.id.clone(),
                            version: c.version,
                            fields,
                            changes,
                        }
                    }
                }
            }),
        }
    }
    if let Some(sheet) = software {
        for l in &sheet.lines {
            let at = |c: Option<usize>| c.map(|c| l.text(c).trim().to_string()).unwrap_or_default();
            let (s, n) = (at(sheet.serial), at(sheet.asset));
            let key = if s.is_empty() {
                format!("n:{n}")
            } else {
                format!("s:{s}")
            };
            if key.len() > 2 && !soft_used.contains(&key) && soft.contains_key(&key) {
                let mut e = error(
                    l.number,
                    sheet.serial.or(sheet.asset),
                    "software",
                    "error-import-software-unknown",
                    if s.is_empty() { &n } else { &s },
                );
                e.sheet = sheet.name.clone();
                out.errors.push(e);
                soft_used.insert(key);
            }
        }
    }
    duplicate_addresses(&mut out, current, col_of("ip_addresses"));
    out.errors.sort_by_key(|e| (e.sheet.clone(), e.line, e.col));
    out
}

/// Two entries in use (or spare) with one address in one network zone (entries without a
/// zone share one address space): the file's row is named, with the other row or the entry
/// of the ledger it collides with. Two zones may reuse an address.
fn duplicate_addresses(out: &mut Plan, current: &[Current], col: Option<usize>) {
    let mut owner: HashMap<(Option<String>, String), (Option<usize>, String)> = HashMap::new();
    let by_id: HashMap<&str, &Current> = current.iter().map(|c| (c.id.as_str(), c)).collect();
    let touched: std::collections::HashSet<&str> = out
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Update { id, .. } | Step::Same { id, .. } => Some(id.as_str()),
            Step::Create { .. } => None,
        })
        .collect();
    for c in current.iter().filter(|c| !touched.contains(&c.id.as_str())) {
        if c.fields.status != AssetStatus::Retired {
            for ip in &c.fields.ip_addresses {
                owner.insert(
                    (c.fields.zone.clone(), ip.clone()),
                    (None, c.fields.name.clone()),
                );
            }
        }
    }
    for s in &out.steps {
        let (line, fields) = match s {
            Step::Create { line, fields } | Step::Update { line, fields, .. } => (*line, fields),
            Step::Same { line, id } => match by_id.get(id.as_str()) {
                Some(c) => (*line, &c.fields),
                None => continue,
            },
        };
        if fields.status == AssetStatus::Retired {
            continue;
        }
        for ip in &fields.ip_addresses {
            let key = (fields.zone.clone(), ip.clone());
            if let Some((other, name)) = owner.get(&key) {
                let mut e = error(line, col, "ip_addresses", "error-import-dup-ip", ip);
                e.other_line = *other;
                if other.is_none() {
                    e.key = "error-import-dup-ip-ledger";
                    e.value = format!("{ip}({name})");
                }
                out.errors.push(e);
            } else {
                owner.insert(key, (Some(line), fields.name.clone()));
            }
        }
    }
}

/// The network zones of a plan whose entries name their zone by its name (as a file does):
/// each name must be one of `zones` and each address of the entry in that zone's ranges;
/// the entries then carry the zone's id. Errors are added to the plan.
pub fn resolve_zones(p: &mut Plan, columns: &[Column], zones: &[crate::network::ZoneRef]) {
    let col_of = |f: Field| columns.iter().find(|c| c.field == Some(f)).map(|c| c.col);
    let mut errors = Vec::new();
    for s in p.steps.iter_mut() {
        let (line, fields) = match s {
            Step::Create { line, fields } | Step::Update { line, fields, .. } => (*line, fields),
            Step::Same { .. } => continue,
        };
        let Some(name) = fields.zone.clone() else {
            continue;
        };
        let Some(z) = zones.iter().find(|z| z.name == name) else {
            errors.push(error(
                line,
                col_of(Field::Zone),
                "zone",
                "error-import-zone-unknown",
                &name,
            ));
            continue;
        };
        if let Some(ip) = crate::network::outside(&fields.ip_addresses, &z.ranges) {
            errors.push(error(
                line,
                col_of(Field::IpAddresses),
                "ip_addresses",
                "error-asset-ip-outside-zone",
                &format!("{ip}({})", z.name),
            ));
        }
        fields.zone = Some(z.id.clone());
    }
    p.errors.extend(errors);
    p.errors.sort_by_key(|e| (e.sheet.clone(), e.line, e.col));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asset_import::{line, map_columns};

    fn current(id: &str, cells: &[&str]) -> Current {
        let cols = map_columns(
            &line(1, &["機器名", "種類", "シリアル番号", "IPアドレス", "備考"]),
            &[],
        )
        .0;
        Current {
            id: id.into(),
            version: 3,
            fields: row_values(&line(9, cells), &cols).check().unwrap(),
        }
    }

    #[test]
    fn rows_match_by_serial_or_name_and_keep_columns_the_file_lacks() {
        let ledger = [
            current(
                "a",
                &["サーバ1", "server", "SN-1", "10.0.0.1", "保守は A社"],
            ),
            current("b", &["端末1", "terminal", "", "10.0.0.2", ""]),
        ];
        let header = line(1, &["機器名", "種類", "シリアル番号", "IPアドレス"]);
        let cols = map_columns(&header, &[]).0;
        let rows = [
            line(2, &["サーバ1(改名)", "サーバ", "SN-1", "10.0.0.1"]),
            line(3, &["端末1", "端末PC", "", "10.0.0.2"]),
            line(4, &["端末2", "端末PC", "", "10.0.0.3"]),
        ];
        let p = plan(&rows, &cols, &[], None, &ledger);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!((p.creates(), p.updates(), p.same()), (1, 1, 1));
        let Step::Update {
            fields,
            changes,
            version,
            ..
        } = &p.steps[0]
        else {
            panic!()
        };
        assert_eq!(*version, 3);
        assert_eq!(
            fields.notes, "保守は A社",
            "a column the file lacks is kept"
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, Field::Name);
    }

    #[test]
    fn zones_are_named_by_name_checked_and_scope_duplicate_addresses() {
        let zones = [
            crate::network::ZoneRef {
                id: "z-his".into(),
                name: "電子カルテ系".into(),
                ranges: vec!["10.10.0.0/16".into()],
            },
            crate::network::ZoneRef {
                id: "z-lab".into(),
                name: "検証用".into(),
                ranges: vec![],
            },
        ];
        let mut ledger = current("a", &["サーバ1", "server", "SN-1", "10.10.0.1", ""]);
        ledger.fields.zone = Some("電子カルテ系".into());
        let cols = map_columns(
            &line(1, &["機器名", "種類", "IPアドレス", "ネットワークゾーン"]),
            &[],
        )
        .0;
        let rows = [
            // The ledger's address in another zone: allowed.
            line(2, &["PC1", "端末", "10.10.0.1", "検証用"]),
            // The same address in the same zone: refused.
            line(3, &["PC2", "端末", "10.10.0.1", "電子カルテ系"]),
            // Outside its zone's ranges; an unknown zone.
            line(4, &["PC3", "端末", "10.20.0.1", "電子カルテ系"]),
            line(5, &["PC4", "端末", "10.10.0.9", "放射線系"]),
            line(6, &["PC5", "端末", "10.10.0.10", "電子カルテ系"]),
        ];
        let mut p = plan(&rows, &cols, &[], None, &[ledger]);
        resolve_zones(&mut p, &cols, &zones);
        let got: Vec<_> = p.errors.iter().map(|e| (e.line, e.col, e.key)).collect();
        assert_eq!(
            got,
            [
                (3, Some(2), "error-import-dup-ip-ledger"),
                (4, Some(2), "error-asset-ip-outside-zone"),
                (5, Some(3), "error-import-zone-unknown"),
            ]
        );
        let zone_of = |n: usize| match &p.steps[n] {
            Step::Create { fields, .. } => fields.zone.clone(),
            _ => panic!(),
        };
        assert_eq!(zone_of(0).as_deref(), Some("z-lab"));
        assert_eq!(zone_of(4).as_deref(), Some("z-his"));
    }

    #[test]
    fn duplicates_formulas_and_rules_are_named_by_row_and_column() {
        let ledger = [current("a", &["サーバ1", "server", "SN-1", "10.0.0.1", ""])];
        let cols = map_columns(
            &line(
                1,
                &[
                    "機器名",
                    "種類",
                    "シリアル番号",
                    "IPアドレス",
                    "MACアドレス",
                ],
            ),
            &[],
        )
        .0;
        let rows = [
            line(2, &["PC1", "端末", "SN-9", "10.0.0.9", ""]),
            line(3, &["PC2", "端末", "SN-9", "", ""]),
            line(4, &["PC3", "端末", "", "10.0.0.1", ""]),
            line(5, &["PC4", "端末", "", "10.0.0.9", ""]),
            line(6, &["PC5", "トースター", "", "", "00:11"]),
            line(7, &["PC6", "端末", "", "", ""]),
        ];
        let p = plan(&rows, &cols, &[(6, 0)], None, &ledger);
        let got: Vec<_> = p
            .errors
            .iter()
            .map(|e| (e.line, e.col, e.key, e.other_line))
            .collect();
        assert!(
            got.contains(&(3, Some(2), "error-import-dup-serial", Some(2))),
            "{got:?}"
        );
        assert!(
            got.contains(&(4, Some(3), "error-import-dup-ip-ledger", None)),
            "{got:?}"
        );
        assert!(
            got.contains(&(5, Some(3), "error-import-dup-ip", Some(2))),
            "{got:?}"
        );
        assert!(
            got.contains(&(6, Some(4), "error-asset-mac", None)),
            "{got:?}"
        );
        assert!(
            got.contains(&(6, Some(1), "error-asset-kind", None)),
            "{got:?}"
        );
        assert!(
            got.contains(&(7, Some(0), "error-import-formula", None)),
            "{got:?}"
        );
        let ip = p.errors.iter().find(|e| e.line == 4).unwrap();
        assert_eq!(ip.value, "10.0.0.1(サーバ1)");
    }

    #[test]
    fn the_software_sheet_fills_each_assets_list() {
        let cols = map_columns(&line(1, &["機器名", "種類", "シリアル番号"]), &[]).0;
        let rows = [
            line(2, &["サーバ1", "サーバ", "SN-1"]),
            line(3, &["端末1", "端末", ""]),
        ];
        let sheet = SoftwareSheet {
            name: "ソフトウェア".into(),
            lines: vec![
                line(
                    2,
                    &[
                        "SN-1",
                        "",
                        "PostgreSQL",
                        "16.4",
                        "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*",
                    ],
                ),
                line(3, &["", "端末1", "Edge", "131", ""]),
                line(4, &["", "端末1", "Chrome", "130", "cpe:bad"]),
                line(5, &["SN-404", "", "x", "", ""]),
            ],
            serial: Some(0),
            asset: Some(1),
            software: Some(2),
            version: Some(3),
            cpe: Some(4),
        };
        let p = plan(&rows, &cols, &[], Some(&sheet), &[]);
        let got: Vec<_> = p.errors.iter().map(|e| (e.line, e.col, e.key)).collect();
        assert_eq!(
            got,
            [
                (4, Some(4), "error-asset-cpe"),
                (5, Some(0), "error-import-software-unknown")
            ]
        );
        let Step::Create { fields, .. } = &p.steps[0] else {
            panic!()
        };
        assert_eq!(
            fields.software[0].cpe,
            "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*"
        );
        let Step::Create { fields, .. } = &p.steps[1] else {
            panic!()
        };
        assert_eq!(fields.software.len(), 1);
    }
}
