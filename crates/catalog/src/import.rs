//! Import a new version of a document from the official Excel (xlsx) or a CSV saved from it
//! (UTF-8, or Shift_JIS as Japanese Excel writes it). The sheet is read as the document
//! prints it: a header row with 項番 and 内容 (role-sharing layout: 項番 / 項目 / 内容) or
//! 項番 and チェック項目 (checklist layout). Problems name the row and column.

use crate::model::*;
use std::collections::BTreeMap;

/// A refused file: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct ImportError {
    /// "行 12, 列 C" style place (or the file/sheet).
    pub place: String,
    pub message: String,
}

fn err(place: impl Into<String>, message: impl Into<String>) -> ImportError {
    ImportError {
        place: place.into(),
        message: message.into(),
    }
}

fn col_name(c: usize) -> String {
    let mut n = c + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

fn at(row: usize, col: usize) -> String {
    format!("行 {}, 列 {}", row + 1, col_name(col))
}

/// Rows of cells from a CSV file: UTF-8 (with or without BOM) or Shift_JIS.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
            if bad {
                return Err(err(
                    "ファイル",
                    "文字コードを判別できません(UTF-8 か Shift_JIS で保存してください)",
                ));
            }
            t.into_owned()
        }
    };
    let mut rows = Vec::new();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for (n, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| {
            err(
                format!("行 {}", n + 1),
                format!("CSV として読めません: {e}"),
            )
        })?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

/// Rows of cells from one sheet of an xlsx file (the first sheet when `sheet` is None).
/// Cells covered by a merge (other than its top-left cell) are reported, since a merged
/// 項番 or 内容 cell would silently lose text.
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<Vec<String>>, ImportError> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| err("ファイル", format!("Excel (xlsx) として読めません: {e}")))?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                err(
                    "シート",
                    format!("シート「{s}」はありません(あるのは: {})", names.join("、")),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| err("ファイル", "シートがありません"))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| err(format!("シート「{name}」"), format!("読めません: {e}")))?;
    let (r0, c0) = range
        .start()
        .map(|(r, c)| (r as usize, c as usize))
        .unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); r0];
    for row in range.rows() {
        let mut cells = vec![String::new(); c0];
        cells.extend(row.iter().map(|c| match c {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
            other => other.to_string().trim().to_string(),
        }));
        rows.push(cells);
    }
    if let Ok(merged) = wb.merge_cells_by_sheet_name(&name) {
        for dim in merged {
            let (start, end) = (dim.start, dim.end);
            if start.0 != end.0 {
                return Err(err(
                    at(start.0 as usize, start.1 as usize),
                    format!("行をまたいで結合されたセルがあります({}〜{})。結合を解除してから読み込んでください", at(start.0 as usize, start.1 as usize), at(end.0 as usize, end.1 as usize)),
                ));
            }
        }
    }
    Ok(rows)
}

/// Where the header row names its columns.
struct Layout {
    header_row: usize,
    number: usize,
    title: Option<usize>,
    text: usize,
}

fn find_layout(rows: &[Vec<String>]) -> Result<Layout, ImportError> {
    for (r, row) in rows.iter().enumerate().take(20) {
        let find = |names: &[&str]| {
            row.iter()
                .position(|c| names.iter().any(|n| c.replace([' ', '　'], "") == *n))
        };
        if let Some(number) = find(&["項番", "番号", "No", "No."]) {
            let text = find(&["内容", "チェック項目", "確認項目", "遵守事項"]);
            let title = find(&["項目"]);
            match (text, title) {
                (Some(text), title) => {
                    return Ok(Layout {
                        header_row: r,
                        number,
                        title: title.filter(|t| *t != text),
                        text,
                    })
                }
                (None, Some(title)) => {
                    return Ok(Layout {
                        header_row: r,
                        number,
                        title: None,
                        text: title,
                    })
                }
                _ => {}
            }
        }
    }
    Err(err("先頭20行", "見出し行(「項番」と「内容」または「チェック項目」の列)が見つかりません。公式の様式のシートか確認してください"))
}

/// Facts about the new version that the sheet does not carry.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    pub template: CatalogMeta,
    pub version: String,
    pub published: String,
    pub source_file: String,
}

/// Build a catalog from rows laid out as the official document prints them.
pub fn catalog_from_rows(rows: &[Vec<String>], meta: &ImportMeta) -> Result<Catalog, ImportError> {
    let l = find_layout(rows)?;
    let cell =
        |row: &Vec<String>, c: usize| row.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut sections = vec![Section {
        id: "s-import".into(),
        number: String::new(),
        title: String::new(),
        parent: String::new(),
    }];
    let mut current = "s-import".to_string();
    let mut items: Vec<Item> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (r, row) in rows.iter().enumerate().skip(l.header_row + 1) {
        let number = cell(row, l.number);
        let text = cell(row, l.text);
        let title = l.title.map(|c| cell(row, c)).unwrap_or_default();
        if number.is_empty() && text.is_empty() && title.is_empty() {
            continue;
        }
        if number.is_empty() {
            // A heading row (no 項番): a new section. Merged cells, which would also leave
            // 項番 empty, are refused when the sheet is read.
            let heading = if title.is_empty() {
                text.clone()
            } else {
                title.clone()
            };
            current = format!("s-{}", sections.len());
            sections.push(Section {
                id: current.clone(),
                number: String::new(),
                title: heading,
                parent: String::new(),
            });
            continue;
        }
        if text.is_empty() {
            return Err(err(at(r, l.text), format!("項番 {number} の内容が空です")));
        }
        if let Some(first) = seen.insert(number.clone(), r) {
            return Err(err(
                at(r, l.number),
                format!(
                    "項番 {number} が重複しています({}にもあります)",
                    at(first, l.number)
                ),
            ));
        }
        let id: String = number
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-()".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        let id = if id.is_empty() || items.iter().any(|i| i.id == id) {
            format!("row-{}", r + 1)
        } else {
            id
        };
        items.push(Item {
            id,
            section: current.clone(),
            number,
            text,
            text_en: String::new(),
            answer: Answer::YesNo,
            devices: vec![],
            role: vec![],
            gate: false,
            references: vec![],
            provenance: Provenance::Verbatim,
            source: format!("{} {}", meta.source_file, at(r, l.text)),
            note: if title.is_empty() {
                String::new()
            } else {
                format!("項目：{title}")
            },
        });
    }
    if items.is_empty() {
        return Err(err(
            format!("行 {} 以降", l.header_row + 2),
            "項目が1件もありません",
        ));
    }
    let t = &meta.template;
    Ok(Catalog {
        format: FORMAT,
        catalog: CatalogMeta {
            id: format!("{}/{}@{}", t.publisher, t.document, meta.version),
            version: meta.version.clone(),
            published: meta.published.clone(),
            coverage: Coverage {
                complete: true,
                missing: String::new(),
            },
            ..t.clone()
        },
        sections,
        items,
    })
}

/// What changed between two versions, by printed number.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
}

pub fn diff(old: &Catalog, new: &Catalog) -> Diff {
    let mut d = Diff::default();
    for n in &new.items {
        match old.items.iter().find(|o| o.number == n.number) {
            None => d.added.push(n.number.clone()),
            Some(o) if o.text != n.text => d.changed.push(n.number.clone()),
            Some(_) => d.unchanged += 1,
        }
    }
    for o in &old.items {
        if !new.items.iter().any(|n| n.number == o.number) {
            d.removed.push(o.number.clone());
        }
    }
    d
}
