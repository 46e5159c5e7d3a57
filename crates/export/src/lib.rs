//! Exports in the layouts the official documents print: the role-sharing checklist of one
//! contract (項番 / 項目 / 内容 / 初回確認 / 完了日 / 備考欄) and the cross-vendor matrix, as
//! xlsx. The web layer and the command line hand in plain rows; this crate only lays them out.

use mamori_domain::wareki;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
}

/// How dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// 令和6年6月10日
    #[default]
    Wareki,
    /// 2024年6月10日
    Seireki,
}

impl DateStyle {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "wareki" | "" => Some(DateStyle::Wareki),
            "seireki" => Some(DateStyle::Seireki),
            _ => None,
        }
    }
    /// A YYYY-MM-DD date in this style (the input itself if it is not a date).
    pub fn date(self, iso: &str) -> String {
        match self {
            DateStyle::Wareki => wareki::wareki(iso),
            DateStyle::Seireki => wareki::seireki(iso),
        }
        .unwrap_or_else(|| iso.to_string())
    }
}

/// One row of a contract's checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChecklistRow {
    /// 項番 as printed.
    pub number: String,
    /// 項目: the heading the item stands under.
    pub heading: String,
    /// 内容: the item's text.
    pub text: String,
    /// `yes`, `no` or empty.
    pub first_check: String,
    pub first_checked_on: String,
    pub completed_on: String,
    pub remarks: String,
    /// Part 2: who is responsible (label), what is agreed, where it is written, the state.
    pub responsibility: String,
    pub agreed_content: String,
    pub written_in: String,
    pub state: String,
    /// A heading row (a section, no 項番 of its own).
    pub is_heading: bool,
}

/// A contract's checklist with what identifies it.
#[derive(Debug, Clone, Default)]
pub struct ChecklistSheet {
    /// The document's title (catalog title and version).
    pub title: String,
    pub institution: String,
    pub vendor: String,
    pub contract: String,
    /// YYYY-MM-DD of the export.
    pub exported_on: String,
    pub rows: Vec<ChecklistRow>,
}

/// The official columns, then mamori's agreement columns.
pub const CHECKLIST_COLUMNS: [&str; 10] = [
    "項番",
    "項目",
    "内容",
    "初回確認",
    "完了日",
    "備考欄",
    "責任の所在",
    "合意内容",
    "記載箇所(文書・条項)",
    "状態",
];

/// Row (0-based) of the column headings in the checklist sheet.
pub const CHECKLIST_HEADER_ROW: u32 = 6;

fn check_label(c: &str) -> &'static str {
    match c {
        "yes" => "はい",
        "no" => "いいえ",
        _ => "",
    }
}

/// The 初回確認 cell: はい/いいえ and the date of the first discussion.
pub fn first_check_cell(row: &ChecklistRow, dates: DateStyle) -> String {
    let label = check_label(&row.first_check);
    match (label.is_empty(), row.first_checked_on.is_empty()) {
        (true, true) => String::new(),
        (false, true) => label.to_string(),
        (true, false) => dates.date(&row.first_checked_on),
        (false, false) => format!("{label}({})", dates.date(&row.first_checked_on)),
    }
}

struct Formats {
    title: Format,
    label: Format,
    header: Format,
    cell: Format,
    heading: Format,
}

fn formats() -> Formats {
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_text_wrap();
    Formats {
        title: Format::new().set_bold().set_font_size(14),
        label: Format::new().set_bold(),
        header: border(Format::new().set_bold().set_background_color(0xDDEBF7))
            .set_align(FormatAlign::Center),
        cell: border(Format::new()).set_align(FormatAlign::Top),
        heading: border(Format::new().set_bold().set_background_color(0xF2F2F2)),
    }
}

fn sheet_header(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    facts: &[(&str, &str)],
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, title, &f.title)?;
    for (n, (k, v)) in facts.iter().enumerate() {
        let r = 1 + n as u32;
        ws.write_string_with_format(r, 0, *k, &f.label)?;
        ws.write_string(r, 1, *v)?;
    }
    Ok(())
}

/// The checklist of one contract as an xlsx workbook.
pub fn checklist_xlsx(sheet: &ChecklistSheet, dates: DateStyle) -> Result<Vec<u8>, ExportError> {
    let f = formats();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("確認表")?;
    sheet_header(
        ws,
        &f,
        &sheet.title,
        &[
            ("医療機関", &sheet.institution),
            ("事業者", &sheet.vendor),
            ("契約", &sheet.contract),
            ("出力日", &dates.date(&sheet.exported_on)),
        ],
    )?;
    let widths = [12.0, 22.0, 60.0, 20.0, 18.0, 30.0, 14.0, 40.0, 24.0, 10.0];
    for (c, (name, w)) in CHECKLIST_COLUMNS.iter().zip(widths).enumerate() {
        ws.set_column_width(c as u16, w)?;
        ws.write_string_with_format(CHECKLIST_HEADER_ROW, c as u16, *name, &f.header)?;
    }
    for (n, row) in sheet.rows.iter().enumerate() {
        let r = CHECKLIST_HEADER_ROW + 1 + n as u32;
        if row.is_heading {
            ws.merge_range(
                r,
                0,
                r,
                (CHECKLIST_COLUMNS.len() - 1) as u16,
                &row.heading,
                &f.heading,
            )?;
            continue;
        }
        let cells = [
            row.number.clone(),
            row.heading.clone(),
            row.text.clone(),
            first_check_cell(row, dates),
            if row.completed_on.is_empty() {
                String::new()
            } else {
                dates.date(&row.completed_on)
            },
            row.remarks.clone(),
            row.responsibility.clone(),
            row.agreed_content.clone(),
            row.written_in.clone(),
            row.state.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, v, &f.cell)?;
        }
    }
    ws.set_freeze_panes(CHECKLIST_HEADER_ROW + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(CHECKLIST_HEADER_ROW, CHECKLIST_HEADER_ROW)?;
    Ok(wb.save_to_buffer()?)
}

/// One system group of the matrix.
#[derive(Debug, Clone, Default)]
pub struct MatrixGroup {
    pub system: String,
    /// Column headings: vendor (contract).
    pub contracts: Vec<String>,
    /// (項番, 内容, one cell per contract, flags)
    pub rows: Vec<(String, String, Vec<String>, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct MatrixSheet {
    pub institution: String,
    pub exported_on: String,
    pub groups: Vec<MatrixGroup>,
}

/// The cross-vendor matrix as an xlsx workbook: one block per system.
pub fn matrix_xlsx(m: &MatrixSheet, dates: DateStyle) -> Result<Vec<u8>, ExportError> {
    let f = formats();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("役割分担マトリクス")?;
    sheet_header(
        ws,
        &f,
        "役割分担マトリクス(確認表 Part2 × 契約)",
        &[
            ("医療機関", &m.institution),
            ("出力日", &dates.date(&m.exported_on)),
        ],
    )?;
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 50)?;
    let widest = m
        .groups
        .iter()
        .map(|g| g.contracts.len())
        .max()
        .unwrap_or(0);
    for c in 0..widest {
        ws.set_column_width(2 + c as u16, 22)?;
    }
    ws.set_column_width(2 + widest as u16, 40)?;
    let mut r = 4u32;
    for g in &m.groups {
        ws.write_string_with_format(r, 0, format!("システム: {}", g.system), &f.label)?;
        r += 1;
        ws.write_string_with_format(r, 0, "項番", &f.header)?;
        ws.write_string_with_format(r, 1, "内容", &f.header)?;
        for (c, name) in g.contracts.iter().enumerate() {
            ws.write_string_with_format(r, 2 + c as u16, name, &f.header)?;
        }
        ws.write_string_with_format(r, 2 + g.contracts.len() as u16, "指摘", &f.header)?;
        r += 1;
        for (number, text, cells, flags) in &g.rows {
            ws.write_string_with_format(r, 0, number, &f.cell)?;
            ws.write_string_with_format(r, 1, text, &f.cell)?;
            for (c, v) in cells.iter().enumerate() {
                ws.write_string_with_format(r, 2 + c as u16, v, &f.cell)?;
            }
            ws.write_string_with_format(r, 2 + cells.len() as u16, flags, &f.cell)?;
            r += 1;
        }
        r += 1;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(wb.save_to_buffer()?)
}

/// One sheet of the cybersecurity checklist as the official form lays it out.
#[derive(Debug, Clone, Default)]
pub struct CheckSheet {
    /// Worksheet name (≤ 31 characters; e.g. 医療機関確認用, 事業者確認用 B社).
    pub name: String,
    pub title: String,
    /// (label, value) lines of the title block: 医療機関, 年度, 記入者, 事業者 …
    pub facts: Vec<(String, String)>,
    /// 項番, チェック項目, 対象, then 確認結果 1回目 (はい・いいえ, 確認日, 目標日) and 2回目
    /// (はい・いいえ, 確認日), 備考 (dates YYYY-MM-DD). An item asked per device class has
    /// one row per class; its 項番 and text are on the first (merged over the others).
    pub rows: Vec<[String; 9]>,
    /// Section headings: (index of the first row under it, the heading as printed).
    pub headings: Vec<(usize, String)>,
    /// A note under the sheet: where the layout follows the best known form of a sheet not
    /// verified against the official file, it says so.
    pub footer: String,
}

/// The column names under the grouped headings (the lower of the two heading rows).
pub const CHECK_COLUMNS: [&str; 9] = [
    "項番",
    "チェック項目",
    "対象",
    "はい・いいえ",
    "確認日",
    "目標日",
    "はい・いいえ",
    "確認日",
    "備考",
];

/// The grouped headings over the result columns: (text, first column, last column).
pub const CHECK_GROUPS: [(&str, u16, u16); 2] =
    [("確認結果 1回目", 3, 5), ("確認結果 2回目", 6, 7)];

/// Row (0-based) of the column names of a checklist worksheet (the lower heading row;
/// the grouped headings are on the row above it). The first row of the sheet is below.
pub fn check_header_row(sheet: &CheckSheet) -> u32 {
    3 + sheet.facts.len() as u32
}

/// What a worksheet's rows are, in order: section headings among the items.
pub enum CheckLine<'a> {
    Heading(&'a str),
    /// A row of an item, and how many rows the item has from here (0 on its later rows).
    Row(&'a [String; 9], usize),
}

/// The sheet's lines in order, headings placed before the rows they head.
pub fn check_lines(sheet: &CheckSheet) -> Vec<CheckLine<'_>> {
    let mut out = Vec::new();
    for (n, row) in sheet.rows.iter().enumerate() {
        for (_, h) in sheet.headings.iter().filter(|(at, _)| *at == n) {
            out.push(CheckLine::Heading(h));
        }
        let span = if row[0].is_empty() && row[1].is_empty() {
            0
        } else {
            1 + sheet.rows[n + 1..]
                .iter()
                .take_while(|r| r[0].is_empty() && r[1].is_empty())
                .count()
        };
        out.push(CheckLine::Row(row, span));
    }
    out
}

/// The institution sheet and the vendor sheets of one assessment, one worksheet each, laid
/// out as the official form: the title block, the grouped result headings, the section
/// headings, one row per device class, and the footer.
pub fn checklist_workbook(sheets: &[CheckSheet], dates: DateStyle) -> Result<Vec<u8>, ExportError> {
    let f = formats();
    let last = (CHECK_COLUMNS.len() - 1) as u16;
    let mut wb = Workbook::new();
    for sheet in sheets {
        let name: String = sheet
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let ws = wb.add_worksheet().set_name(&name)?;
        ws.merge_range(0, 0, 0, last, &sheet.title, &f.title)?;
        for (n, (k, v)) in sheet.facts.iter().enumerate() {
            let r = 1 + n as u32;
            ws.write_string_with_format(r, 0, k, &f.label)?;
            ws.merge_range(r, 1, r, last, v, &Format::new().set_text_wrap())?;
        }
        let head = check_header_row(sheet);
        let widths = [10.0, 60.0, 20.0, 10.0, 18.0, 18.0, 10.0, 18.0, 30.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        // Two heading rows: the result columns grouped under 1回目 and 2回目; the others
        // span both rows.
        for (c, name) in CHECK_COLUMNS.iter().enumerate() {
            let c = c as u16;
            if CHECK_GROUPS.iter().any(|(_, a, b)| (*a..=*b).contains(&c)) {
                ws.write_string_with_format(head, c, *name, &f.header)?;
            } else {
                ws.merge_range(head - 1, c, head, c, name, &f.header)?;
            }
        }
        for (text, a, b) in CHECK_GROUPS {
            ws.merge_range(head - 1, a, head - 1, b, text, &f.header)?;
        }
        let mut r = head + 1;
        for line in check_lines(sheet) {
            match line {
                CheckLine::Heading(h) => {
                    ws.merge_range(r, 0, r, last, h, &f.heading)?;
                }
                CheckLine::Row(row, span) => {
                    for (c, v) in row.iter().enumerate() {
                        let v = if matches!(c, 4 | 5 | 7) && !v.is_empty() {
                            dates.date(v)
                        } else {
                            v.clone()
                        };
                        if c < 2 && span > 1 {
                            ws.merge_range(
                                r,
                                c as u16,
                                r + span as u32 - 1,
                                c as u16,
                                &v,
                                &f.cell,
                            )?;
                        } else if c < 2 && span == 0 {
                            // Inside the merged cell of the item's first row.
                        } else {
                            ws.write_string_with_format(r, c as u16, &v, &f.cell)?;
                        }
                    }
                }
            }
            r += 1;
        }
        if !sheet.footer.is_empty() {
            ws.merge_range(
                r + 1,
                0,
                r + 1,
                last,
                &sheet.footer,
                &Format::new().set_text_wrap().set_font_size(9).set_italic(),
            )?;
            ws.set_row_height(r + 1, 30)?;
        }
        ws.set_freeze_panes(head + 1, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(head - 1, head)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// The asset ledger (機器台帳) as one worksheet: the title block, then one row per asset.
#[derive(Debug, Clone, Default)]
pub struct LedgerSheet {
    pub institution: String,
    /// YYYY-MM-DD of the export.
    pub exported_on: String,
    /// One row per asset, in [`LEDGER_COLUMNS`] order (dates YYYY-MM-DD).
    pub rows: Vec<[String; 26]>,
}

/// The ledger's columns (the BCP 手引き's list: OS, IP address, purpose, anti-virus,
/// administrator use, location, remote maintenance …).
pub const LEDGER_COLUMNS: [&str; 26] = [
    "機器名",
    "種類",
    "メーカー",
    "型番",
    "シリアル番号",
    "設置場所",
    "部署・利用者",
    "使用用途",
    "OS・ファームウェア",
    "バージョン",
    "OS CPE",
    "ソフトウェア",
    "IPアドレス",
    "MACアドレス",
    "管理者権限で使用",
    "管理者権限で使う人",
    "ウイルス対策ソフトと状態",
    "リモート保守",
    "所有形態",
    "状態",
    "導入日",
    "保守期限",
    "サポート終了日",
    "廃棄・撤去日",
    "備考",
    "ネットワークゾーン",
];

/// Row (0-based) of the ledger's column headings.
pub const LEDGER_HEADER_ROW: u32 = 4;

/// The ledger as an xlsx workbook.
pub fn ledger_xlsx(sheet: &LedgerSheet, dates: DateStyle) -> Result<Vec<u8>, ExportError> {
    let f = formats();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("機器台帳")?;
    sheet_header(
        ws,
        &f,
        "機器台帳",
        &[
            ("医療機関", &sheet.institution),
            ("出力日", &dates.date(&sheet.exported_on)),
        ],
    )?;
    for (c, name) in LEDGER_COLUMNS.iter().enumerate() {
        let w = match c {
            0 | 5 | 7 | 11 | 17 | 24 => 24.0,
            _ => 14.0,
        };
        ws.set_column_width(c as u16, w)?;
        ws.write_string_with_format(LEDGER_HEADER_ROW, c as u16, *name, &f.header)?;
    }
    for (n, row) in sheet.rows.iter().enumerate() {
        let r = LEDGER_HEADER_ROW + 1 + n as u32;
        for (c, v) in row.iter().enumerate() {
            let v = if matches!(c, 20..=23) && !v.is_empty() {
                dates.date(v)
            } else {
                v.clone()
            };
            ws.write_string_with_format(r, c as u16, &v, &f.cell)?;
        }
    }
    ws.set_freeze_panes(LEDGER_HEADER_ROW + 1, 1)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(LEDGER_HEADER_ROW, LEDGER_HEADER_ROW)?;
    Ok(wb.save_to_buffer()?)
}
