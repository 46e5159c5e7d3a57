//! Reading spreadsheets people upload — xlsx, or CSV in UTF-8 or Shift_JIS (CP932) — into
//! rows of cells, with bounded memory and errors that say where.
//!
//! Every import (catalog versions today; the asset ledger and feeds later) reads through this
//! crate with [`Limits`]. Nothing is allocated by what a file *declares*: the zip central
//! directory and the sheet's `<dimension>` are checked against the limits and refused early,
//! but the decompressed bytes are counted while streaming (a declared size can lie), cells
//! are kept sparse (never a grid sized by the furthest cell), and every count — rows,
//! columns, cells, characters, shared strings — is checked before the thing is stored.
//! A file that reaches a limit is refused with [`Problem::Limit`] naming the limit and its
//! value.

mod csv;
mod error;
#[cfg(feature = "hostile")]
pub mod hostile;
mod worksheet;
mod xlsx;
mod xml;
mod zipped;

pub use error::{bytes, thousands, Limit, Place, Problem, SheetError};

/// How much of a file is read before it is refused. The defaults suit a catalog or an asset
/// ledger: far above any real one, far below what would hurt the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The file as uploaded (compressed, for xlsx).
    pub max_file_bytes: u64,
    /// Files inside an xlsx package, as its central directory counts them.
    pub max_zip_entries: usize,
    /// Decompressed bytes of one part of an xlsx package (a sheet, the shared strings).
    pub max_entry_bytes: u64,
    /// Decompressed bytes of all the parts read.
    pub max_total_bytes: u64,
    /// Sheets (and relationships) listed by a workbook.
    pub max_sheets: usize,
    /// The last row that may hold a value (1-based, as Excel counts).
    pub max_rows: usize,
    /// The last column that may hold a value (1-based: 200 is column GR).
    pub max_columns: usize,
    /// Cells with a value.
    pub max_cells: usize,
    /// Characters in one cell (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
    /// UTF-8 bytes of all cell text together (a shared string counts at each use).
    pub max_text_bytes: u64,
    /// Entries of the shared-strings table.
    pub max_shared_strings: usize,
    /// UTF-8 bytes of the shared-strings table.
    pub max_shared_string_bytes: u64,
    /// Merged ranges of a sheet.
    pub max_merges: usize,
    /// The longest XML tag or text run between two `<` (and any comment, CDATA or
    /// processing instruction).
    pub max_xml_token_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_file_bytes: 20 * MIB,
            max_zip_entries: 10_000,
            max_entry_bytes: 64 * MIB,
            max_total_bytes: 128 * MIB,
            max_sheets: 1_000,
            max_rows: 20_000,
            max_columns: 200,
            max_cells: 200_000,
            max_cell_chars: 32_767,
            max_text_bytes: 16 * MIB,
            max_shared_strings: 200_000,
            max_shared_string_bytes: 16 * MIB,
            max_merges: 10_000,
            max_xml_token_bytes: 1024 * 1024,
        }
    }
}

/// One value of a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    /// A number formatted as a date or time: days since the workbook's epoch (Excel's
    /// serial), already corrected for the 1904 date system.
    Date(f64),
    Bool(bool),
    /// A formula error as Excel shows it (`#N/A`, `#DIV/0!`).
    Error(String),
}

impl Value {
    /// The value as text: numbers without a needless `.0`, dates as `YYYY-MM-DD` (with
    /// `HH:MM:SS` when there is a time), booleans as `TRUE`/`FALSE`.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Value::Text(s) | Value::Error(s) => Cow::Borrowed(s),
            Value::Number(f) if f.fract() == 0.0 && f.abs() < 1e17 => Cow::Owned(format!("{f:.0}")),
            Value::Number(f) => Cow::Owned(f.to_string()),
            Value::Date(serial) => Cow::Owned(xlsx::date_text(*serial)),
            Value::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        }
    }
}

/// A cell with a value; `col` counts from 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub col: usize,
    pub value: Value,
}

/// A row with at least one value; `index` counts from 0. Cells are in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub index: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn get(&self, col: usize) -> Option<&Value> {
        self.cells
            .binary_search_by_key(&col, |c| c.col)
            .ok()
            .map(|i| &self.cells[i].value)
    }
    /// The cell's text, empty when there is no value.
    pub fn text(&self, col: usize) -> String {
        self.get(col)
            .map(|v| v.text().into_owned())
            .unwrap_or_default()
    }
}

/// A merged range, both corners inclusive, as (row, column) counting from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first: (usize, usize),
    pub last: (usize, usize),
}

/// One sheet, sparse: only the rows and cells that hold a value, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// The sheet's name (empty for CSV).
    pub name: String,
    pub rows: Vec<Row>,
    pub merges: Vec<Merge>,
    /// Cells (row, column, from 0) whose value an xlsx formula computed: the value read is
    /// the cached result, which an import should not take as typed data. At most one per
    /// cell with a value, so bounded by [`Limits::max_cells`].
    pub formulas: Vec<(usize, usize)>,
}

impl Sheet {
    pub fn row(&self, index: usize) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&index, |r| r.index)
            .ok()
            .map(|i| &self.rows[i])
    }
    pub fn get(&self, row: usize, col: usize) -> Option<&Value> {
        self.row(row)?.get(col)
    }
    /// Cells with a value.
    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).sum()
    }

    /// Put rows and cells in order, merging repeats (the last value of a cell wins).
    pub(crate) fn tidy(&mut self) {
        if !self.rows.windows(2).all(|w| w[0].index < w[1].index) {
            self.rows.sort_by_key(|r| r.index);
            let mut out: Vec<Row> = Vec::with_capacity(self.rows.len());
            for row in self.rows.drain(..) {
                match out.last_mut() {
                    Some(last) if last.index == row.index => last.cells.extend(row.cells),
                    _ => out.push(row),
                }
            }
            self.rows = out;
        }
        for row in &mut self.rows {
            if !row.cells.windows(2).all(|w| w[0].col < w[1].col) {
                row.cells.sort_by_key(|c| c.col);
                // Keep the last of equal columns: reverse, dedup keeps the first, reverse.
                row.cells.reverse();
                row.cells.dedup_by_key(|c| c.col);
                row.cells.reverse();
            }
        }
    }
}

/// The column's letters: 1 → `A`, 27 → `AA`.
pub fn col_name(c: usize) -> String {
    let mut n = c;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// What kind of file `bytes` holds, told by content and never by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Csv,
}

/// Tell the kind of file apart by its first bytes: a zip package is xlsx, an OLE file is
/// the old .xls (refused), anything with a NUL byte is not CSV.
pub fn kind(bytes: &[u8]) -> Result<Kind, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(Kind::Xlsx)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Err(SheetError::new(Place::File, Problem::OldXls))
    } else if bytes.contains(&0) {
        Err(SheetError::new(Place::File, Problem::NotXlsxOrCsv))
    } else {
        Ok(Kind::Csv)
    }
}

/// Read one sheet of an xlsx file or a CSV file, whichever `bytes` holds. `sheet` names
/// the xlsx sheet (the first worksheet when None; ignored for CSV).
pub fn read(bytes: &[u8], sheet: Option<&str>, limits: &Limits) -> Result<Sheet, SheetError> {
    match kind(bytes)? {
        Kind::Xlsx => read_xlsx(bytes, sheet, limits),
        Kind::Csv => read_csv(bytes, limits),
    }
}

/// Read one sheet of an xlsx file (the first worksheet when `sheet` is None).
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>, limits: &Limits) -> Result<Sheet, SheetError> {
    check_file_size(bytes.len() as u64, limits)?;
    xlsx::read(bytes, sheet, limits)
}

/// Read a CSV file: UTF-8 (with or without BOM), else Shift_JIS (CP932). Cells are trimmed.
pub fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Sheet, SheetError> {
    check_file_size(bytes.len() as u64, limits)?;
    csv::read(bytes, limits)
}

/// Refuse a file larger than [`Limits::max_file_bytes`] — before reading it, where the
/// caller knows the size (a file on disk).
pub fn check_file_size(len: u64, limits: &Limits) -> Result<(), SheetError> {
    if len > limits.max_file_bytes {
        return Err(SheetError::limit(
            Place::File,
            Limit::FileBytes(limits.max_file_bytes),
        ));
    }
    Ok(())
}

/// Counts shared by the xlsx and CSV readers: checked before a cell is stored.
pub(crate) struct Budget<'a> {
    limits: &'a Limits,
    cells: usize,
    text_bytes: u64,
}

impl<'a> Budget<'a> {
    pub(crate) fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            cells: 0,
            text_bytes: 0,
        }
    }

    /// May a value go at (row, col) (0-based)? Counts it.
    pub(crate) fn take(
        &mut self,
        row: usize,
        col: usize,
        text_len: usize,
    ) -> Result<(), SheetError> {
        let l = self.limits;
        let place = || Place::Cell {
            row: row.saturating_add(1),
            col: col.saturating_add(1),
        };
        if row >= l.max_rows {
            return Err(SheetError::limit(place(), Limit::Rows(l.max_rows)));
        }
        if col >= l.max_columns {
            return Err(SheetError::limit(place(), Limit::Columns(l.max_columns)));
        }
        if self.cells >= l.max_cells {
            return Err(SheetError::limit(place(), Limit::Cells(l.max_cells)));
        }
        self.cells += 1;
        self.text_bytes += text_len as u64;
        if self.text_bytes > l.max_text_bytes {
            return Err(SheetError::limit(
                place(),
                Limit::TextBytes(l.max_text_bytes),
            ));
        }
        Ok(())
    }
}
