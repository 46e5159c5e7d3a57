//! Errors: where in the file, and what. `Display` gives Japanese (the command line); the web
//! renders [`Place::key`] and [`Problem::key`] with their arguments through Fluent.

use crate::col_name;

/// A refused or unreadable file: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {problem}")]
pub struct SheetError {
    pub place: Place,
    pub problem: Problem,
}

impl SheetError {
    pub fn new(place: Place, problem: Problem) -> Self {
        SheetError { place, problem }
    }
    pub(crate) fn limit(place: Place, limit: Limit) -> Self {
        SheetError::new(place, Problem::Limit(limit))
    }
}

/// Where in the file. Rows and columns count from 1, as Excel shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    File,
    /// A part (file) inside the xlsx package, e.g. `xl/sharedStrings.xml`.
    Part(String),
    Sheet(String),
    /// The range a sheet declares for itself (`<dimension ref="A1:XFD1048576"/>`).
    Dimension {
        sheet: String,
        range: String,
    },
    Cell {
        row: usize,
        col: usize,
    },
    Row(usize),
}

/// What is wrong with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A limit of [`crate::Limits`] was reached; nothing more was read.
    Limit(Limit),
    /// Not a readable xlsx package (zip).
    Zip(String),
    /// A part of the package is not well-formed SpreadsheetML.
    Xml(String),
    /// A CSV file that is neither UTF-8 nor Shift_JIS.
    Encoding,
    NoSuchSheet {
        sheet: String,
        have: String,
    },
    NoSheet,
    /// An old binary Excel file (.xls).
    OldXls,
    NotXlsxOrCsv,
}

/// A limit that was reached, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    FileBytes(u64),
    ZipEntries(usize),
    EntryBytes(u64),
    TotalBytes(u64),
    Sheets(usize),
    Rows(usize),
    Columns(usize),
    Cells(usize),
    CellChars(usize),
    TextBytes(u64),
    SharedStrings(usize),
    SharedStringBytes(u64),
    Merges(usize),
    XmlToken(usize),
}

/// `20000` → `20,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size in bytes as people read it: `64 MiB`, `512 KiB`, `100 bytes`.
pub fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", thousands(n / MIB))
    } else if n >= 1024 && n % 1024 == 0 {
        format!("{} KiB", thousands(n / 1024))
    } else {
        format!("{} bytes", thousands(n))
    }
}

impl Limit {
    /// The Fluent message id; its one argument, `max`, is [`Limit::max`].
    pub fn key(&self) -> &'static str {
        match self {
            Limit::FileBytes(_) => "sheets-limit-file-bytes",
            Limit::ZipEntries(_) => "sheets-limit-zip-entries",
            Limit::EntryBytes(_) => "sheets-limit-entry-bytes",
            Limit::TotalBytes(_) => "sheets-limit-total-bytes",
            Limit::Sheets(_) => "sheets-limit-sheets",
            Limit::Rows(_) => "sheets-limit-rows",
            Limit::Columns(_) => "sheets-limit-columns",
            Limit::Cells(_) => "sheets-limit-cells",
            Limit::CellChars(_) => "sheets-limit-cell-chars",
            Limit::TextBytes(_) => "sheets-limit-text-bytes",
            Limit::SharedStrings(_) => "sheets-limit-shared-strings",
            Limit::SharedStringBytes(_) => "sheets-limit-shared-string-bytes",
            Limit::Merges(_) => "sheets-limit-merges",
            Limit::XmlToken(_) => "sheets-limit-xml-token",
        }
    }

    /// The limit's value as shown to people (`20,000`, `64 MiB`).
    pub fn max(&self) -> String {
        match *self {
            Limit::FileBytes(n)
            | Limit::EntryBytes(n)
            | Limit::TotalBytes(n)
            | Limit::TextBytes(n)
            | Limit::SharedStringBytes(n) => bytes(n),
            Limit::XmlToken(n) => bytes(n as u64),
            Limit::ZipEntries(n)
            | Limit::Sheets(n)
            | Limit::Rows(n)
            | Limit::Columns(n)
            | Limit::Cells(n)
            | Limit::CellChars(n)
            | Limit::SharedStrings(n)
            | Limit::Merges(n) => thousands(n as u64),
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let max = self.max();
        match self {
            Limit::FileBytes(_) => write!(f, "ファイルの大きさが上限 ({max}) を超えています"),
            Limit::ZipEntries(_) => {
                write!(
                    f,
                    "xlsx に含まれるファイルの数が上限 ({max} 個) を超えています"
                )
            }
            Limit::EntryBytes(_) => write!(
                f,
                "xlsx に含まれるファイルの展開後の大きさが上限 ({max}) を超えています"
            ),
            Limit::TotalBytes(_) => {
                write!(
                    f,
                    "xlsx の展開後の大きさの合計が上限 ({max}) を超えています"
                )
            }
            Limit::Sheets(_) => write!(f, "シートの数が上限 ({max} 枚) を超えています"),
            Limit::Rows(_) => write!(f, "シートの行数が上限 ({max} 行) を超えています"),
            Limit::Columns(_) => write!(f, "シートの列数が上限 ({max} 列) を超えています"),
            Limit::Cells(_) => write!(f, "値のあるセルの数が上限 ({max} 個) を超えています"),
            Limit::CellChars(_) => write!(f, "セルの文字数が上限 ({max} 文字) を超えています"),
            Limit::TextBytes(_) => write!(f, "セルの文字の合計が上限 ({max}) を超えています"),
            Limit::SharedStrings(_) => {
                write!(f, "共有文字列の数が上限 ({max} 個) を超えています")
            }
            Limit::SharedStringBytes(_) => {
                write!(f, "共有文字列の大きさの合計が上限 ({max}) を超えています")
            }
            Limit::Merges(_) => write!(f, "結合セルの数が上限 ({max} 個) を超えています"),
            Limit::XmlToken(_) => write!(
                f,
                "xlsx の中の XML に上限 ({max}) を超える長さの要素があります"
            ),
        }
    }
}

impl Place {
    /// The Fluent message id and its arguments.
    pub fn key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Place::File => ("sheets-at-file", vec![]),
            Place::Part(part) => ("sheets-at-part", vec![("part", part.clone())]),
            Place::Sheet(name) => ("sheets-at-sheet", vec![("sheet", name.clone())]),
            Place::Dimension { sheet, range } => (
                "sheets-at-dimension",
                vec![("sheet", sheet.clone()), ("range", range.clone())],
            ),
            Place::Cell { row, col } => (
                "sheets-at-cell",
                vec![("row", row.to_string()), ("col", col_name(*col))],
            ),
            Place::Row(row) => ("sheets-at-row", vec![("row", row.to_string())]),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::File => write!(f, "ファイル"),
            Place::Part(part) => write!(f, "xlsx の {part}"),
            Place::Sheet(name) => write!(f, "シート「{name}」"),
            Place::Dimension { sheet, range } => {
                write!(f, "シート「{sheet}」が宣言する範囲 {range}")
            }
            Place::Cell { row, col } => write!(f, "行 {row}, 列 {}", col_name(*col)),
            Place::Row(row) => write!(f, "行 {row}"),
        }
    }
}

impl Problem {
    /// The Fluent message id and its arguments.
    pub fn key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Problem::Limit(l) => (l.key(), vec![("max", l.max())]),
            Problem::Zip(e) => ("sheets-problem-zip", vec![("detail", e.clone())]),
            Problem::Xml(e) => ("sheets-problem-xml", vec![("detail", e.clone())]),
            Problem::Encoding => ("sheets-problem-encoding", vec![]),
            Problem::NoSuchSheet { sheet, have } => (
                "sheets-problem-no-such-sheet",
                vec![("sheet", sheet.clone()), ("have", have.clone())],
            ),
            Problem::NoSheet => ("sheets-problem-no-sheet", vec![]),
            Problem::OldXls => ("sheets-problem-old-xls", vec![]),
            Problem::NotXlsxOrCsv => ("sheets-problem-not-xlsx-or-csv", vec![]),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Limit(l) => write!(f, "{l}。読み込みを中止しました"),
            Problem::Zip(e) => write!(f, "Excel (xlsx) として読めません: {e}"),
            Problem::Xml(e) => write!(f, "読めません: {e}"),
            Problem::Encoding => write!(
                f,
                "文字コードを判別できません(UTF-8 か Shift_JIS で保存してください)"
            ),
            Problem::NoSuchSheet { sheet, have } => {
                write!(f, "シート「{sheet}」はありません(あるのは: {have})")
            }
            Problem::NoSheet => write!(f, "シートがありません"),
            Problem::OldXls => write!(f, "古い Excel 形式 (.xls) は読めません。Excel で「Excel ブック (.xlsx)」として保存し直してください"),
            Problem::NotXlsxOrCsv => write!(f, "Excel (xlsx) でも CSV でもありません"),
        }
    }
}
