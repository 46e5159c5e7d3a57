//! Import a new version of a document from the official Excel (xlsx) or a CSV saved from it
//! (UTF-8, or Shift_JIS as Japanese Excel writes it). The sheet is read as the document
//! prints it: a header row with 項番 and 内容 (role-sharing layout: 項番 / 項目 / 内容) or
//! 項番 and チェック項目 (checklist layout). Problems name the row and column.
//!
//! The file is read by `mamori-sheets` with its default [`Limits`]: a file beyond them (a
//! cell at XFD1048576, a zip bomb, millions of shared strings) is refused with
//! [`Problem::Limit`] before it costs memory.

mod rows;

use crate::model::*;
pub use mamori_sheets::col_name;
use mamori_sheets::{Limits, Sheet, SheetError};
pub use rows::{
    catalog_from_rows, col_index, item_key, number_key, qualify, read_rows, FromSheet, Heading,
    HeadingAs, ImportMeta, Layout, Overrides, Reading,
};

/// A refused file: where, and why. `Display` gives the Japanese text (the command line);
/// the web renders [`Place::key`] and [`Problem::key`] with their arguments in the user's
/// language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {problem}")]
pub struct ImportError {
    pub place: Place,
    pub problem: Problem,
}

/// Where in the upload a problem is. Rows and columns count from 1 as Excel shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A place the sheet reader names: the file, a part of the xlsx package, a sheet, the
    /// range a sheet declares, a cell, a row.
    In(mamori_sheets::Place),
    RowsFrom(usize),
    /// The first 20 rows, where the header row is looked for.
    Head,
    VersionId,
    Published,
    /// The columns the person named.
    Columns,
    /// The heading corrections the person wrote.
    Headings,
    /// What the person says of the coverage.
    Coverage,
    /// The sheets to read.
    Sheets,
}

/// What is wrong with the upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A limit on what is read was reached (the limit and its value); nothing more was read.
    Limit(mamori_sheets::Limit),
    Encoding,
    Xlsx(String),
    NoSuchSheet {
        sheet: String,
        have: String,
    },
    NoSheet,
    Unreadable(String),
    /// A cell merged across rows, down to `to` (row, column).
    MergedAcrossRows {
        to: (usize, usize),
    },
    NoHeader,
    EmptyText {
        number: String,
    },
    /// The number appears first at `first` (row, column).
    DuplicateNumber {
        number: String,
        first: (usize, usize),
    },
    NoItems,
    IdShape,
    VersionChars {
        version: String,
    },
    Exists {
        id: String,
    },
    PublishedShape {
        published: String,
    },
    UnknownDocument {
        document: String,
    },
    OldXls,
    NotXlsxOrCsv,
    /// A column named in a correction is not a column letter.
    ColumnOverride {
        given: String,
    },
    /// A heading correction is not `row=part1|part2|reference|section`.
    HeadingOverride {
        given: String,
    },
    /// Longer than `max` characters.
    TooLong {
        max: usize,
    },
    /// A further sheet without its own name, or two sheets for one document.
    SheetTargets,
    /// A role-sharing item under no Part heading, and no earlier version says.
    UnknownPart {
        number: String,
    },
}

impl Place {
    /// The Fluent message id and its arguments.
    pub fn key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Place::In(p) => p.key(),
            Place::RowsFrom(row) => ("import-at-rows-from", vec![("row", row.to_string())]),
            Place::Head => ("import-at-head", vec![]),
            Place::VersionId => ("import-at-version-id", vec![]),
            Place::Published => ("import-at-published", vec![]),
            Place::Columns => ("import-at-columns", vec![]),
            Place::Headings => ("import-at-headings", vec![]),
            Place::Coverage => ("import-at-coverage", vec![]),
            Place::Sheets => ("import-at-sheets", vec![]),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::In(p) => p.fmt(f),
            Place::RowsFrom(row) => write!(f, "行 {row} 以降"),
            Place::Head => write!(f, "先頭20行"),
            Place::VersionId => write!(f, "版の id"),
            Place::Published => write!(f, "公表日"),
            Place::Columns => write!(f, "列の指定"),
            Place::Headings => write!(f, "見出しの読み方"),
            Place::Coverage => write!(f, "収録していないもの"),
            Place::Sheets => write!(f, "読み込むシート"),
        }
    }
}

fn cell(rc: &(usize, usize)) -> String {
    mamori_sheets::Place::Cell {
        row: rc.0,
        col: rc.1,
    }
    .to_string()
}

impl Problem {
    /// The Fluent message id and its arguments.
    pub fn key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        let one = |k, n, v: &String| (k, vec![(n, v.clone())]);
        match self {
            Problem::Limit(l) => (l.key(), vec![("max", l.max())]),
            Problem::Encoding => ("import-problem-encoding", vec![]),
            Problem::Xlsx(e) => one("import-problem-xlsx", "detail", e),
            Problem::NoSuchSheet { sheet, have } => (
                "import-problem-no-such-sheet",
                vec![("sheet", sheet.clone()), ("have", have.clone())],
            ),
            Problem::NoSheet => ("import-problem-no-sheet", vec![]),
            Problem::Unreadable(e) => one("import-problem-unreadable", "detail", e),
            Problem::MergedAcrossRows { to } => (
                "import-problem-merged",
                vec![("row", to.0.to_string()), ("col", col_name(to.1))],
            ),
            Problem::NoHeader => ("import-problem-no-header", vec![]),
            Problem::EmptyText { number } => one("import-problem-empty-text", "number", number),
            Problem::DuplicateNumber { number, first } => (
                "import-problem-duplicate",
                vec![
                    ("number", number.clone()),
                    ("row", first.0.to_string()),
                    ("col", col_name(first.1)),
                ],
            ),
            Problem::NoItems => ("import-problem-no-items", vec![]),
            Problem::IdShape => ("import-problem-id-shape", vec![]),
            Problem::VersionChars { version } => {
                one("import-problem-version-chars", "version", version)
            }
            Problem::Exists { id } => one("import-problem-exists", "id", id),
            Problem::PublishedShape { published } => {
                one("import-problem-published", "published", published)
            }
            Problem::UnknownDocument { document } => {
                one("import-problem-unknown-document", "document", document)
            }
            Problem::OldXls => ("import-problem-old-xls", vec![]),
            Problem::NotXlsxOrCsv => ("import-problem-not-xlsx-or-csv", vec![]),
            Problem::ColumnOverride { given } => one("import-problem-column", "given", given),
            Problem::HeadingOverride { given } => one("import-problem-heading", "given", given),
            Problem::TooLong { max } => ("import-problem-too-long", vec![("max", max.to_string())]),
            Problem::SheetTargets => ("import-problem-sheet-targets", vec![]),
            Problem::UnknownPart { number } => one("import-problem-unknown-part", "number", number),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Limit(l) => write!(f, "{}", mamori_sheets::Problem::Limit(*l)),
            Problem::Encoding => write!(f, "文字コードを判別できません(UTF-8 か Shift_JIS で保存してください)"),
            Problem::Xlsx(e) => write!(f, "Excel (xlsx) として読めません: {e}"),
            Problem::NoSuchSheet { sheet, have } => write!(f, "シート「{sheet}」はありません(あるのは: {have})"),
            Problem::NoSheet => write!(f, "シートがありません"),
            Problem::Unreadable(e) => write!(f, "読めません: {e}"),
            Problem::MergedAcrossRows { to } => write!(f, "行をまたいで結合されたセルがあります({}まで)。結合を解除してから読み込んでください", cell(to)),
            Problem::NoHeader => write!(f, "見出し行(「項番」と「内容」または「チェック項目」の列)が見つかりません。公式の様式のシートか確認してください"),
            Problem::EmptyText { number } => write!(f, "項番 {number} の内容が空です"),
            Problem::DuplicateNumber { number, first } => write!(f, "項番 {number} が重複しています({}にもあります)", cell(first)),
            Problem::NoItems => write!(f, "項目が1件もありません"),
            Problem::IdShape => write!(f, "publisher/document@version の形で指定してください(例: mhlw/cyber-checklist-institution@R8)"),
            Problem::VersionChars { version } => write!(f, "版「{version}」には英数字と . _ - だけを使えます"),
            Problem::Exists { id } => write!(f, "{id} は既にあります。新しい版の名前を指定してください"),
            Problem::PublishedShape { published } => write!(f, "公表日「{published}」は YYYY、YYYY-MM、YYYY-MM-DD のいずれかで指定してください"),
            Problem::UnknownDocument { document } => write!(f, "文書 {document} の既存の版がありません(既存の文書の新しい版だけを読み込めます)"),
            Problem::OldXls => write!(f, "古い Excel 形式 (.xls) は読めません。Excel で「Excel ブック (.xlsx)」として保存し直してください"),
            Problem::NotXlsxOrCsv => write!(f, "Excel (xlsx) でも CSV でもありません"),
            Problem::ColumnOverride { given } => write!(f, "「{given}」は列の名前(A、B … のような英字)ではありません"),
            Problem::TooLong { max } => write!(f, "{max} 文字以内で書いてください"),
            Problem::UnknownPart { number } => write!(f, "項番 {number} が Part1(医療機関が実施)か Part2(医療機関と事業者が共同で実施)か分かりません。Part の見出し行があるか確認し、なければ「見出し行の読み方」で指定してください"),
            Problem::SheetTargets => write!(f, "2枚目のシートには、1枚目と違うシート名と、1枚目と違う文書を指定してください"),
            Problem::HeadingOverride { given } => write!(f, "「{given}」を読めません。「行番号=part1」のように、行番号と part1・part2・reference・section のいずれかを = でつないで書いてください"),
        }
    }
}

fn err(place: Place, problem: Problem) -> ImportError {
    ImportError { place, problem }
}

/// The place of a 0-based cell.
fn at(row: usize, col: usize) -> Place {
    Place::In(mamori_sheets::Place::Cell {
        row: row + 1,
        col: col + 1,
    })
}

impl From<SheetError> for ImportError {
    fn from(e: SheetError) -> Self {
        use mamori_sheets::Problem as S;
        let place = Place::In(e.place);
        let problem = match e.problem {
            S::Limit(l) => Problem::Limit(l),
            S::Zip(detail) => Problem::Xlsx(detail),
            S::Xml(detail) => Problem::Unreadable(detail),
            S::Encoding => Problem::Encoding,
            S::NoSuchSheet { sheet, have } => Problem::NoSuchSheet { sheet, have },
            S::NoSheet => Problem::NoSheet,
            S::OldXls => Problem::OldXls,
            S::NotXlsxOrCsv => Problem::NotXlsxOrCsv,
        };
        err(place, problem)
    }
}

/// The rows of a CSV file: UTF-8 (with or without BOM) or Shift_JIS; cells trimmed.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, ImportError> {
    Ok(mamori_sheets::read_csv(bytes, &Limits::default())?)
}

/// The rows of one sheet of an xlsx file (the first sheet when `sheet` is None). Merged
/// cells are kept as the sheet declares them; reading the rows repeats a 項番 or 項目 merged
/// down and refuses a 内容 merged across rows ([`read_rows`]).
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, ImportError> {
    Ok(mamori_sheets::read_xlsx(bytes, sheet, &Limits::default())?)
}

/// Read `bytes` as xlsx or CSV, told apart by content (an old .xls is refused).
pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, ImportError> {
    match mamori_sheets::kind(bytes)? {
        mamori_sheets::Kind::Xlsx => read_xlsx(bytes, sheet),
        mamori_sheets::Kind::Csv => read_csv(bytes),
    }
}

/// Refuse a file larger than the import reads, from its size alone (a file on disk).
pub fn check_file_size(len: u64) -> Result<(), ImportError> {
    Ok(mamori_sheets::check_file_size(len, &Limits::default())?)
}

/// What changed between two versions, by item identity (the printed number, printing
/// variants aside: [`number_key`]). Numbers are the new version's, or the old one's for
/// removed items.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
}

/// A catalog's items by identity ([`item_key`]), for comparing whole versions.
pub struct ByNumber<'a>(std::collections::HashMap<String, &'a Item>);

impl<'a> ByNumber<'a> {
    pub fn of(c: &'a Catalog) -> Self {
        ByNumber(c.items.iter().map(|i| (item_key(c, i), i)).collect())
    }
    /// The item that `item` of catalog `c` (another version) is.
    pub fn get(&self, c: &Catalog, item: &Item) -> Option<&'a Item> {
        self.0.get(&item_key(c, item)).copied()
    }
    /// The item whose [`item_key`] is `key`.
    pub fn number_key(&self, key: &str) -> Option<&'a Item> {
        self.0.get(key).copied()
    }
    /// The item numbered `number` as a diff shows it ([`display_number`]).
    pub fn number(&self, number: &str) -> Option<&'a Item> {
        self.0.get(&number_key(number)).copied()
    }
    /// The text of item `number`, empty when there is none.
    pub fn text(&self, number: &str) -> String {
        self.number(number)
            .map(|i| i.text.clone())
            .unwrap_or_default()
    }
}

/// An item's number as a diff shows it: a bare 「①」 with its section's number (「7-①」), so
/// that it names one item.
pub fn display_number(c: &Catalog, i: &Item) -> String {
    let section = c
        .section(&i.section)
        .map(|s| s.number.as_str())
        .unwrap_or("");
    rows::qualify(section, &i.number)
}

pub fn diff(old: &Catalog, new: &Catalog) -> Diff {
    let mut d = Diff::default();
    let (olds, news) = (ByNumber::of(old), ByNumber::of(new));
    for n in &new.items {
        match olds.get(new, n) {
            None => d.added.push(display_number(new, n)),
            Some(o) if o.text != n.text => d.changed.push(display_number(new, n)),
            Some(_) => d.unchanged += 1,
        }
    }
    for o in &old.items {
        if news.get(old, o).is_none() {
            d.removed.push(display_number(old, o));
        }
    }
    d
}

/// A checked import, ready to be shown (mapping and diff) and, on confirmation, stored.
#[derive(Debug)]
pub struct Plan {
    /// The new version.
    pub catalog: Catalog,
    /// The latest existing version of the same document, which the new one is compared
    /// with and takes its metadata and answer model from.
    pub based_on: String,
    pub diff: Diff,
    /// How the sheet's columns and headings were read.
    pub mapping: Mapping,
    /// Validation problems of the generated catalog (an import with problems is refused).
    pub problems: Vec<crate::Problem>,
}

/// Which cells of the sheet became what, in the sheet's own terms (行 N, 列 X).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub sheet: String,
    pub header_row: usize,
    pub number: String,
    pub title: Option<String>,
    pub text: String,
    pub references: Option<String>,
    pub headings: Vec<Heading>,
}

impl Mapping {
    /// The mapping as one text (kept with the staged import, shown on its preview): the
    /// columns, then one line per heading and what it was read as.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "{}見出し行 {}: 項番 = 列 {}{}, 内容 = 列 {}{}",
            if self.sheet.is_empty() {
                String::new()
            } else {
                format!("シート「{}」 ", self.sheet)
            },
            self.header_row,
            self.number,
            self.title
                .as_ref()
                .map(|t| format!(", 項目 = 列 {t}"))
                .unwrap_or_default(),
            self.text,
            self.references
                .as_ref()
                .map(|r| format!(", 参照 = 列 {r}"))
                .unwrap_or_default()
        );
        for h in &self.headings {
            let what = match &h.read_as {
                HeadingAs::Part(1) => {
                    "Part1(医療機関が実施する項目: 医療機関だけで回答)".to_string()
                }
                HeadingAs::Part(p) => {
                    format!("Part{p}(医療機関と事業者が共同で実施する項目: 双方で合意)")
                }
                HeadingAs::Reference => "参考(表示のみ・回答なし)".to_string(),
                HeadingAs::Section { number, title } => {
                    format!("区分 {}", format!("{number} {title}").trim())
                }
            };
            out.push_str(&format!("\n行 {}「{}」→ {}", h.row, h.text, what));
        }
        out
    }
}

/// What the person importing says about the file.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `publisher/document@version` of the new version.
    pub id: String,
    /// Title of the new version as printed; empty keeps the latest version's title.
    pub title: String,
    pub published: String,
    pub sheet: Option<String>,
    /// Does the file hold every item of the document? Never assumed: without it the
    /// version is partial, with `missing` (or a default) saying what is missing.
    pub complete: bool,
    pub missing: String,
    /// Corrections to how the sheet is read.
    pub overrides: Overrides,
}

/// Read `bytes` (xlsx or CSV, told apart by content, not by name) as a new version of an
/// existing document and compare it with that document's latest version in `registry`.
pub fn plan(
    registry: &crate::Registry,
    file_name: &str,
    bytes: &[u8],
    req: &Request,
) -> Result<Plan, ImportError> {
    let (document, version) = req
        .id
        .split_once('@')
        .ok_or_else(|| err(Place::VersionId, Problem::IdShape))?;
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(err(
            Place::VersionId,
            Problem::VersionChars {
                version: version.to_string(),
            },
        ));
    }
    if registry.catalogs.contains_key(&req.id) {
        return Err(err(
            Place::VersionId,
            Problem::Exists { id: req.id.clone() },
        ));
    }
    if !valid_date(&req.published) {
        return Err(err(
            Place::Published,
            Problem::PublishedShape {
                published: req.published.clone(),
            },
        ));
    }
    let latest = registry
        .catalogs
        .values()
        .filter(|c| format!("{}/{}", c.catalog.publisher, c.catalog.document) == document)
        .max_by(|a, b| a.catalog.published.cmp(&b.catalog.published))
        .ok_or_else(|| {
            err(
                Place::VersionId,
                Problem::UnknownDocument {
                    document: document.to_string(),
                },
            )
        })?;
    let rows = read(bytes, req.sheet.as_deref())?;
    let meta = ImportMeta {
        template: latest.catalog.clone(),
        version: version.to_string(),
        published: req.published.clone(),
        source_file: file_name.to_string(),
    };
    let reading = read_rows(&rows, &meta, &req.overrides)?;
    let mut catalog = reading.catalog;
    if !req.title.trim().is_empty() {
        catalog.catalog.title = req.title.trim().to_string();
    }
    if req.complete {
        catalog.catalog.coverage = Coverage {
            complete: true,
            missing: String::new(),
        };
    } else if !req.missing.trim().is_empty() {
        catalog.catalog.coverage.missing = req.missing.trim().to_string();
    }
    // The sheet carries the numbers, the wording, and where it says so the Part (who
    // answers), 参考 (not answered) and the device classes; the rest of the answer model
    // (the item-0 rule, the matrix scope, device classes the sheet does not print) is the
    // document's and carries over from the same item of the latest version. An English
    // rendering and the references stay only where the wording is unchanged.
    catalog.catalog.title_en = String::new();
    let olds = ByNumber::of(latest);
    let keys: Vec<String> = catalog
        .items
        .iter()
        .map(|i| item_key(&catalog, i))
        .collect();
    for ((item, facts), key) in catalog.items.iter_mut().zip(&reading.from_sheet).zip(&keys) {
        if let Some(old) = olds.number_key(key) {
            if !facts.answer && !facts.devices {
                item.answer = old.answer;
                item.devices = old.devices.clone();
            }
            if !facts.role {
                item.role = old.role.clone();
            }
            item.gate = old.gate;
            item.scope = old.scope;
            if old.text == item.text {
                item.text_en = old.text_en.clone();
                if !facts.references {
                    item.references = old.references.clone();
                }
            }
        }
    }
    // A role-sharing item must say who agrees it (Part1: the institution; Part2: both
    // parties): a new item under no Part heading is not guessed, the person is asked.
    if latest.catalog.kind == Kind::RoleSharing {
        let unknown = catalog
            .items
            .iter()
            .zip(&reading.from_sheet)
            .find(|(i, _)| i.role.is_empty() && i.answer != Answer::None);
        if let Some((i, f)) = unknown {
            return Err(err(
                Place::In(mamori_sheets::Place::Cell {
                    row: f.row,
                    col: reading.layout.number + 1,
                }),
                Problem::UnknownPart {
                    number: i.number.clone(),
                },
            ));
        }
    }
    let d = diff(latest, &catalog);
    let problems = crate::check_catalog(&catalog);
    let l = reading.layout;
    Ok(Plan {
        mapping: Mapping {
            sheet: rows.name.clone(),
            header_row: l.header_row + 1,
            number: col_name(l.number + 1),
            title: l.title.map(|c| col_name(c + 1)),
            text: col_name(l.text + 1),
            references: l.references.map(|c| col_name(c + 1)),
            headings: reading.headings,
        },
        based_on: latest.catalog.id.clone(),
        catalog,
        diff: d,
        problems,
    })
}

fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse().unwrap_or(0)),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && (1..=12).contains(&m.parse().unwrap_or(0))
                && (1..=31).contains(&d.parse().unwrap_or(0))
        }
        _ => false,
    }
}

/// The crosswalk from an earlier version to an imported one, by item identity: unchanged
/// wording is `equal`, changed wording under the same number `related` (for a person to
/// confirm when answers are carried over).
pub fn version_crosswalk(old: &Catalog, new: &Catalog) -> Crosswalk {
    let olds = ByNumber::of(old);
    let id: String = format!(
        "import-{}-{}--{}",
        new.catalog.document, old.catalog.version, new.catalog.version
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || ".@_-".contains(c) {
            c
        } else {
            '-'
        }
    })
    .collect();
    Crosswalk {
        format: FORMAT,
        crosswalk: CrosswalkMeta {
            id,
            from: old.catalog.id.clone(),
            to: new.catalog.id.clone(),
            title: format!(
                "{} → {}(読み込み時に項番で対応付け)",
                old.catalog.title, new.catalog.title
            ),
            source: format!("{} の読み込み", new.catalog.id),
        },
        relations: new
            .items
            .iter()
            .filter_map(|n| {
                let o = olds.get(new, n)?;
                let same = o.text == n.text;
                Some(Relation {
                    from: o.id.clone(),
                    to: n.id.clone(),
                    kind: if same {
                        RelationKind::Equal
                    } else {
                        RelationKind::Related
                    },
                    provenance: if same {
                        Provenance::Verbatim
                    } else {
                        Provenance::Unverified
                    },
                    note: if same {
                        String::new()
                    } else {
                        "項番が同じで文言が変わった項目".into()
                    },
                })
            })
            .collect(),
    }
}
