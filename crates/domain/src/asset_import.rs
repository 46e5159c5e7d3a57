//! Reading a ledger someone kept in Excel: which column is which (the headings hospitals and
//! vendors write — 機器名, 設置場所, IPアドレス, OS, 用途 …), the values as people type them
//! (種類 as words, dates in 和暦), and each row as an entry with every rule it breaks named by
//! row and column. [`crate::asset_plan`] then matches the rows with the ledger.

use crate::assets::{check_asset_all, AssetFields, RawAsset};
use crate::validate::FieldError;

crate::code_enum!(
    /// A column of the ledger an imported column can fill (the names are the fields').
    Field {
        Name = "name",
        Kind = "kind",
        Manufacturer = "manufacturer",
        Model = "model",
        Serial = "serial",
        Location = "location",
        Department = "department",
        Purpose = "purpose",
        Os = "os",
        OsVersion = "os_version",
        OsCpe = "os_cpe",
        Software = "software",
        IpAddresses = "ip_addresses",
        Mac = "mac",
        AdminLogin = "admin_login",
        AdminUsers = "admin_users",
        Antivirus = "antivirus",
        RemoteMaintenance = "remote_maintenance",
        Ownership = "ownership",
        Status = "status",
        IntroducedOn = "introduced_on",
        WarrantyOn = "warranty_on",
        EosOn = "eos_on",
        RetiredOn = "retired_on",
        Notes = "notes",
        Zone = "zone",
    }
);

/// The headings each field is known by (compared after [`header_key`]). The export's own
/// headings come first, so a ledger exported from mamori reads back as it is.
const HEADINGS: &[(Field, &[&str])] = &[
    (
        Field::Name,
        &[
            "機器名",
            "機器名称",
            "名称",
            "ホスト名",
            "コンピュータ名",
            "端末名",
            "name",
            "hostname",
            "assetname",
        ],
    ),
    (
        Field::Kind,
        &[
            "種類",
            "種別",
            "機器種別",
            "機器の種類",
            "機器区分",
            "kind",
            "type",
        ],
    ),
    (
        Field::Manufacturer,
        &[
            "メーカー",
            "メーカ",
            "製造元",
            "製造者",
            "manufacturer",
            "maker",
        ],
    ),
    (
        Field::Model,
        &["型番", "機種", "機種名", "型式", "モデル", "model"],
    ),
    (
        Field::Serial,
        &[
            "シリアル番号",
            "シリアル",
            "製造番号",
            "シリアルno",
            "serial",
            "serialnumber",
            "s/n",
        ],
    ),
    (
        Field::Location,
        &["設置場所", "場所", "設置場所(建物・階・部屋)", "location"],
    ),
    (
        Field::Department,
        &[
            "部署・利用者",
            "部署",
            "利用者",
            "使用者",
            "所属",
            "利用部署",
            "department",
        ],
    ),
    (
        Field::Purpose,
        &["使用用途", "用途", "使用目的", "目的", "purpose"],
    ),
    (
        Field::Os,
        &[
            "os・ファームウェア",
            "os",
            "os名",
            "ファームウェア",
            "os/ファームウェア",
            "firmware",
        ],
    ),
    (
        Field::OsVersion,
        &[
            "バージョン",
            "osバージョン",
            "ファームウェアバージョン",
            "version",
            "osversion",
        ],
    ),
    (Field::OsCpe, &["cpe", "oscpe", "os_cpe"]),
    (
        Field::Software,
        &[
            "ソフトウェア",
            "インストールソフト",
            "インストールソフトウェア",
            "導入ソフトウェア",
            "software",
        ],
    ),
    (
        Field::IpAddresses,
        &["ipアドレス", "ip", "ipaddress", "ipアドレス(複数可)"],
    ),
    (Field::Mac, &["macアドレス", "mac", "macaddress"]),
    (
        Field::AdminLogin,
        &[
            "管理者権限で使用",
            "管理者権限",
            "管理者権限での使用",
            "管理者ログイン",
            "adminlogin",
        ],
    ),
    (
        Field::AdminUsers,
        &[
            "管理者権限で使う人",
            "管理者",
            "管理者アカウント",
            "管理者権限の利用者",
            "adminusers",
        ],
    ),
    (
        Field::Antivirus,
        &[
            "ウイルス対策ソフトと状態",
            "ウイルス対策ソフト",
            "ウイルス対策",
            "アンチウイルス",
            "antivirus",
        ],
    ),
    (
        Field::RemoteMaintenance,
        &[
            "リモート保守",
            "リモートメンテナンス",
            "リモート保守の経路",
            "remotemaintenance",
        ],
    ),
    (Field::Ownership, &["所有形態", "所有", "ownership"]),
    (Field::Status, &["状態", "稼働状況", "ステータス", "status"]),
    (
        Field::IntroducedOn,
        &["導入日", "導入年月日", "購入日", "設置日", "introducedon"],
    ),
    (
        Field::WarrantyOn,
        &[
            "保守期限",
            "保証期限",
            "保守契約終了日",
            "保証終了日",
            "warrantyon",
            "warranty",
        ],
    ),
    (
        Field::EosOn,
        &[
            "サポート終了日",
            "サポート期限",
            "eos",
            "eol",
            "サポート終了",
            "eoson",
        ],
    ),
    (
        Field::RetiredOn,
        &["廃棄・撤去日", "廃棄日", "撤去日", "retiredon"],
    ),
    (Field::Notes, &["備考", "メモ", "notes", "note"]),
    (
        Field::Zone,
        &[
            "ネットワークゾーン",
            "ゾーン",
            "ネットワーク",
            "セグメント",
            "zone",
            "networkzone",
        ],
    ),
];

/// A heading folded for comparison: widths and case folded, spaces and `・_-()（）` dropped.
pub fn header_key(s: &str) -> String {
    crate::text::fold(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '_' | '-' | '(' | ')' | '（' | '）'))
        .collect()
}

/// The field a heading names, if it is a known one.
pub fn recognise(heading: &str) -> Option<Field> {
    let key = header_key(heading);
    if key.is_empty() {
        return None;
    }
    HEADINGS
        .iter()
        .find(|(_, names)| names.iter().any(|n| header_key(n) == key))
        .map(|(f, _)| *f)
}

/// One row of the file as read: its number as Excel shows it (from 1) and its cells
/// (column from 0, text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub cells: Vec<(usize, String)>,
}

impl Line {
    pub fn text(&self, col: usize) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    }
}

/// The most rows an import takes (the file's own limit refuses more before this).
pub const MAX_ROWS: usize = 20_000;

/// Where the headings are: the first of the first 20 rows in which at least two cells are
/// known headings (a title block above them is skipped).
pub fn find_header(lines: &[Line]) -> Option<usize> {
    lines.iter().take(20).position(|l| {
        l.cells
            .iter()
            .filter(|(_, t)| recognise(t).is_some())
            .count()
            >= 2
    })
}

/// What a column of the file becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// From 0.
    pub col: usize,
    pub heading: String,
    /// The field it fills; None: not read.
    pub field: Option<Field>,
    /// The heading was recognised (not chosen by the person importing).
    pub recognised: bool,
    /// The person chose to leave it out.
    pub ignored: bool,
}

/// A rule broken, where: the row (from 1, as Excel numbers it) and the column (from 0)
/// when known, the message's key, the value read, and the other row of a duplicate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// The sheet, when not the ledger's own (the software sheet).
    pub sheet: String,
    pub line: usize,
    pub col: Option<usize>,
    pub field: String,
    pub key: &'static str,
    pub value: String,
    pub other_line: Option<usize>,
}

/// The columns of the file: the headings recognised, overridden by the person's choices
/// (`choices`: heading → a field's code, or `ignore`). An unknown heading nobody chose for,
/// two columns for one field, and a file without 機器名 or 種類 are errors on the heading row.
pub fn map_columns(header: &Line, choices: &[(String, String)]) -> (Vec<Column>, Vec<RowError>) {
    let mut columns = Vec::new();
    let mut errors = Vec::new();
    let error = |col: Option<usize>, key: &'static str, value: &str| RowError {
        sheet: String::new(),
        line: header.number,
        col,
        field: String::new(),
        key,
        value: value.to_string(),
        other_line: None,
    };
    for (col, heading) in &header.cells {
        let choice = choices
            .iter()
            .find(|(h, _)| header_key(h) == header_key(heading))
            .map(|(_, c)| c.trim());
        let recognised = recognise(heading);
        let (field, ignored) = match choice {
            Some("ignore") => (None, true),
            Some(code) if !code.is_empty() => match Field::parse(code) {
                Some(f) => (Some(f), false),
                None => {
                    errors.push(error(Some(*col), "error-import-bad-choice", heading));
                    (None, false)
                }
            },
            _ => (recognised, false),
        };
        if field.is_none() && !ignored && recognised.is_none() {
            errors.push(error(Some(*col), "error-import-unknown-header", heading));
        }
        if let Some(f) = field {
            if columns.iter().any(|c: &Column| c.field == Some(f)) {
                errors.push(error(Some(*col), "error-import-double-column", heading));
            }
        }
        columns.push(Column {
            col: *col,
            heading: heading.clone(),
            field,
            recognised: recognised.is_some() && choice.is_none_or(str::is_empty),
            ignored,
        });
    }
    for required in [Field::Name, Field::Kind] {
        if !columns.iter().any(|c| c.field == Some(required)) {
            let mut e = error(None, "error-import-missing-column", "");
            e.field = required.as_str().to_string();
            errors.push(e);
        }
    }
    (columns, errors)
}

/// Words people write for a kind, a state, an ownership or yes/no, as the code.
fn word_table(field: Field) -> &'static [(&'static str, &'static [&'static str])] {
    match field {
        Field::Kind => &[
            ("server", &["サーバ", "サーバー", "server"]),
            (
                "terminal",
                &[
                    "端末pc",
                    "端末",
                    "pc",
                    "パソコン",
                    "クライアント",
                    "クライアントpc",
                    "terminal",
                ],
            ),
            ("router", &["ルータ", "ルーター", "router"]),
            (
                "switch",
                &[
                    "スイッチ",
                    "l2スイッチ",
                    "l3スイッチ",
                    "スイッチングハブ",
                    "ハブ",
                    "switch",
                ],
            ),
            (
                "firewall",
                &[
                    "ファイアウォール",
                    "ファイヤーウォール",
                    "fw",
                    "utm",
                    "firewall",
                ],
            ),
            ("vpn", &["vpn装置", "vpn", "vpn機器", "vpnルータ"]),
            (
                "wireless_ap",
                &[
                    "無線lanアクセスポイント",
                    "無線lan",
                    "無線ap",
                    "アクセスポイント",
                    "ap",
                    "wirelessap",
                ],
            ),
            (
                "medical_device",
                &[
                    "ネットワークに接続する医療機器",
                    "医療機器",
                    "medicaldevice",
                ],
            ),
            (
                "storage",
                &["ストレージ・nas", "ストレージ", "nas", "storage"],
            ),
            (
                "mobile",
                &[
                    "モバイル端末",
                    "モバイル",
                    "スマートフォン",
                    "スマホ",
                    "タブレット",
                    "mobile",
                ],
            ),
            ("other", &["その他", "other"]),
        ],
        Field::Status => &[
            ("in_use", &["使用中", "稼働中", "稼動中", "運用中", "inuse"]),
            ("spare", &["予備", "保管", "spare"]),
            ("retired", &["廃棄済", "廃棄", "撤去", "撤去済", "retired"]),
        ],
        Field::Ownership => &[
            ("purchase", &["購入", "自己所有", "所有", "purchase"]),
            ("lease", &["リース", "レンタル", "lease"]),
            (
                "vendor_cloud",
                &[
                    "事業者所有(クラウド)",
                    "事業者所有",
                    "クラウド",
                    "vendorcloud",
                ],
            ),
        ],
        Field::AdminLogin => &[
            (
                "yes",
                &["はい", "yes", "有", "あり", "○", "〇", "true", "1"],
            ),
            ("no", &["いいえ", "no", "無", "なし", "×", "false", "0"]),
        ],
        _ => &[],
    }
}

/// The words of [`word_table`], folded once: (field, folded word) → code.
fn words() -> &'static std::collections::HashMap<(Field, String), &'static str> {
    static WORDS: std::sync::OnceLock<std::collections::HashMap<(Field, String), &'static str>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for f in [
            Field::Kind,
            Field::Status,
            Field::Ownership,
            Field::AdminLogin,
        ] {
            for (code, list) in word_table(f) {
                for w in *list {
                    m.insert((f, header_key(w)), *code);
                }
            }
        }
        m
    })
}

fn word_code(field: Field, value: &str) -> Option<&'static str> {
    // A code as it is (the API's and the export's own values) needs no folding.
    if let Some((code, _)) = word_table(field).iter().find(|(c, _)| *c == value) {
        return Some(code);
    }
    words().get(&(field, header_key(value))).copied()
}

/// A cell's text as the field's form wants it: words → codes, dates → `YYYY-MM-DD`; what
/// is not understood is kept as typed, for the entry's rules to name.
pub fn normalise(field: Field, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    match field {
        Field::Kind | Field::Status | Field::Ownership | Field::AdminLogin => word_code(field, v)
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string()),
        Field::IntroducedOn | Field::WarrantyOn | Field::EosOn | Field::RetiredOn => {
            crate::wareki::parse_date(v).unwrap_or_else(|| v.to_string())
        }
        _ => v.to_string(),
    }
}

/// An entry's values as text by field (what a form or a file would hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(pub std::collections::BTreeMap<Field, String>);

impl Values {
    pub fn get(&self, f: Field) -> &str {
        self.0.get(&f).map(String::as_str).unwrap_or("")
    }

    /// The values of a checked entry.
    pub fn of(a: &AssetFields) -> Self {
        let date = |d: &Option<String>| d.clone().unwrap_or_default();
        let mut m = std::collections::BTreeMap::new();
        let mut put = |f: Field, v: String| {
            m.insert(f, v);
        };
        put(Field::Name, a.name.clone());
        put(Field::Kind, a.kind.to_string());
        put(Field::Manufacturer, a.manufacturer.clone());
        put(Field::Model, a.model.clone());
        put(Field::Serial, a.serial.clone());
        put(Field::Location, a.location.clone());
        put(Field::Department, a.department.clone());
        put(Field::Purpose, a.purpose.clone());
        put(Field::Os, a.os.clone());
        put(Field::OsVersion, a.os_version.clone());
        put(Field::OsCpe, a.os_cpe.clone());
        put(Field::Software, crate::assets::software_text(&a.software));
        put(Field::IpAddresses, a.ip_addresses.join(", "));
        put(Field::Mac, a.mac.clone());
        put(
            Field::AdminLogin,
            match a.admin_login {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
        );
        put(Field::AdminUsers, a.admin_users.clone());
        put(Field::Antivirus, a.antivirus.clone());
        put(Field::RemoteMaintenance, a.remote_maintenance.clone());
        put(
            Field::Ownership,
            a.ownership.map(|o| o.to_string()).unwrap_or_default(),
        );
        put(Field::Status, a.status.to_string());
        put(Field::IntroducedOn, date(&a.introduced_on));
        put(Field::WarrantyOn, date(&a.warranty_on));
        put(Field::EosOn, date(&a.eos_on));
        put(Field::RetiredOn, date(&a.retired_on));
        put(Field::Notes, a.notes.clone());
        put(Field::Zone, a.zone.clone().unwrap_or_default());
        Values(m)
    }

    /// The entry these values make, or every rule they break.
    pub fn check(&self) -> Result<AssetFields, Vec<FieldError>> {
        check_asset_all(&RawAsset {
            name: self.get(Field::Name),
            kind: self.get(Field::Kind),
            manufacturer: self.get(Field::Manufacturer),
            model: self.get(Field::Model),
            serial: self.get(Field::Serial),
            location: self.get(Field::Location),
            department: self.get(Field::Department),
            purpose: self.get(Field::Purpose),
            os: self.get(Field::Os),
            os_version: self.get(Field::OsVersion),
            os_cpe: self.get(Field::OsCpe),
            software: self.get(Field::Software),
            ip_addresses: self.get(Field::IpAddresses),
            mac: self.get(Field::Mac),
            admin_login: self.get(Field::AdminLogin),
            admin_users: self.get(Field::AdminUsers),
            antivirus: self.get(Field::Antivirus),
            remote_maintenance: self.get(Field::RemoteMaintenance),
            ownership: self.get(Field::Ownership),
            status: self.get(Field::Status),
            introduced_on: self.get(Field::IntroducedOn),
            warranty_on: self.get(Field::WarrantyOn),
            eos_on: self.get(Field::EosOn),
            retired_on: self.get(Field::RetiredOn),
            notes: self.get(Field::Notes),
            zone: self.get(Field::Zone),
        })
    }
}

/// A data row's values by the columns read (normalised).
pub fn row_values(line: &Line, columns: &[Column]) -> Values {
    let mut v = Values::default();
    for c in columns {
        if let Some(f) = c.field {
            v.0.insert(f, normalise(f, line.text(c.col)));
        }
    }
    v
}

/// A row of `cells` (empty ones left out), for tests.
#[cfg(test)]
pub(crate) fn line(number: usize, cells: &[&str]) -> Line {
    Line {
        number,
        cells: cells
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| (i, t.to_string()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_recognised_in_the_forms_people_write_them() {
        assert_eq!(recognise("機器名"), Some(Field::Name));
        assert_eq!(recognise(" ＩＰアドレス "), Some(Field::IpAddresses));
        assert_eq!(recognise("OS"), Some(Field::Os));
        assert_eq!(recognise("用途"), Some(Field::Purpose));
        assert_eq!(recognise("設置場所"), Some(Field::Location));
        assert_eq!(recognise("OS CPE"), Some(Field::OsCpe));
        assert_eq!(recognise("CPE"), Some(Field::OsCpe));
        assert_eq!(recognise("購入金額"), None);
        let lines = [
            line(1, &["機器台帳"]),
            line(2, &["医療機関: みなと病院"]),
            line(4, &["機器名", "種類", "購入金額", "IPアドレス"]),
        ];
        assert_eq!(find_header(&lines), Some(2));
    }

    #[test]
    fn unknown_headings_need_a_choice_and_name_kind_are_required() {
        let header = line(1, &["機器名", "購入金額", "IP"]);
        let (cols, errors) = map_columns(&header, &[]);
        let keys: Vec<_> = errors.iter().map(|e| (e.key, e.col)).collect();
        assert!(keys.contains(&("error-import-unknown-header", Some(1))));
        assert!(keys.contains(&("error-import-missing-column", None)));
        assert_eq!(cols[2].field, Some(Field::IpAddresses));
        let (cols, errors) = map_columns(
            &line(1, &["機器名", "購入金額", "区分"]),
            &[
                ("購入金額".into(), "ignore".into()),
                ("区分".into(), "kind".into()),
            ],
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(cols[1].ignored);
        assert_eq!(cols[2].field, Some(Field::Kind));
        let (_, errors) = map_columns(&line(1, &["機器名", "種類", "種別"]), &[]);
        assert_eq!(errors[0].key, "error-import-double-column");
    }

    #[test]
    fn words_and_dates_become_codes() {
        assert_eq!(normalise(Field::Kind, "サーバー"), "server");
        assert_eq!(normalise(Field::Kind, "ＮＡＳ"), "storage");
        assert_eq!(
            normalise(Field::Kind, "無線LANアクセスポイント"),
            "wireless_ap"
        );
        assert_eq!(normalise(Field::Status, "廃棄済"), "retired");
        assert_eq!(
            normalise(Field::Ownership, "事業者所有(クラウド)"),
            "vendor_cloud"
        );
        assert_eq!(normalise(Field::AdminLogin, "○"), "yes");
        assert_eq!(
            normalise(Field::IntroducedOn, "令和6年4月1日"),
            "2024-04-01"
        );
        assert_eq!(normalise(Field::IntroducedOn, "そのうち"), "そのうち");
        let cols = map_columns(&line(1, &["機器名", "種類", "導入日"]), &[]).0;
        let v = row_values(&line(2, &["サーバ1", "サーバ", "R6.4.1"]), &cols);
        let a = v.check().unwrap();
        assert_eq!(a.introduced_on.as_deref(), Some("2024-04-01"));
        assert_eq!(Values::of(&a).check().unwrap(), a);
    }
}
