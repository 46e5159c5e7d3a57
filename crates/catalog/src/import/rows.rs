//! How the rows of an official sheet become a catalog, losing nothing the format can hold:
//! the header row names the columns (項番 / 項目 / 内容 or チェック項目); heading rows set
//! the Part (「Part 2 医療機関と事業者が共同で実施する項目」 → agreed by both parties), the
//! reference part (「参考 …」 → shown, not answered) and the sections with their printed
//! numbers and titles (「A 共通」, 「1 体制構築」); a device suffix (「(サーバ、端末PC)」)
//! sets the device classes; a circled sub-number at the start of 内容 (「①事業者との…」)
//! belongs to the item's number; cells merged down or marked 〃 repeat the cell above.
//! Everything understood is reported ([`Reading`]) so that a person can check it, and
//! corrected through [`Overrides`].

use super::{at, err, ImportError, Place, Problem};
use crate::model::*;
use mamori_sheets::Sheet;
use std::collections::BTreeMap;

/// Where the header row names its columns (rows and columns from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub header_row: usize,
    pub number: usize,
    pub title: Option<usize>,
    pub text: usize,
    /// The column of references to the guidelines (ガイドライン等関連部分), if the sheet
    /// has one.
    pub references: Option<usize>,
}

/// What a heading row is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadingAs {
    /// 「Part 1 …」 (items for the institution) or 「Part 2 …」 (agreed by both parties).
    Part(u8),
    /// 「参考 …」: reference items, shown, not answered.
    Reference,
    /// A section of the document, with its printed number ("" when none) and title.
    Section { number: String, title: String },
}

impl HeadingAs {
    /// How a person writes it in a correction (`part1`, `part2`, `reference`, `section`).
    pub fn parse(s: &str) -> Option<HeadingAs> {
        match s.trim().to_ascii_lowercase().as_str() {
            "part1" => Some(HeadingAs::Part(1)),
            "part2" => Some(HeadingAs::Part(2)),
            "reference" => Some(HeadingAs::Reference),
            "section" => Some(HeadingAs::Section {
                number: String::new(),
                title: String::new(),
            }),
            _ => None,
        }
    }
    /// The code of [`HeadingAs::parse`].
    pub fn code(&self) -> &'static str {
        match self {
            HeadingAs::Part(1) => "part1",
            HeadingAs::Part(_) => "part2",
            HeadingAs::Reference => "reference",
            HeadingAs::Section { .. } => "section",
        }
    }
}

/// A heading row and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The row as Excel counts it (from 1).
    pub row: usize,
    pub text: String,
    pub read_as: HeadingAs,
}

/// Corrections to how a sheet is read, from the person importing. Rows count from 1 and
/// columns are letters, as Excel shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub header_row: Option<usize>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    /// Heading row → what it is.
    pub headings: BTreeMap<usize, String>,
}

impl Overrides {
    /// Parse `"5=part2, 12=reference"` (the form and the command line write headings so).
    pub fn parse_headings(s: &str) -> Result<BTreeMap<usize, String>, ImportError> {
        let mut out = BTreeMap::new();
        if s.chars().count() > 2000 {
            return Err(err(
                Place::Headings,
                Problem::HeadingOverride {
                    given: s.chars().take(20).chain("…".chars()).collect(),
                },
            ));
        }
        for part in s.split([',', '、', '\n', ';']).map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let bad = || {
                err(
                    Place::Headings,
                    Problem::HeadingOverride {
                        given: part.to_string(),
                    },
                )
            };
            let (row, what) = part.split_once('=').ok_or_else(bad)?;
            let row: usize = row.trim().parse().map_err(|_| bad())?;
            if row == 0 || HeadingAs::parse(what).is_none() {
                return Err(bad());
            }
            out.insert(row, what.trim().to_ascii_lowercase());
        }
        Ok(out)
    }
    pub fn is_empty(&self) -> bool {
        *self == Overrides::default()
    }
}

/// Facts about the new version that the sheet does not carry.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    pub template: CatalogMeta,
    pub version: String,
    pub published: String,
    pub source_file: String,
}

/// What was understood of a sheet: the catalog, and how its cells were read.
#[derive(Debug, Clone)]
pub struct Reading {
    pub catalog: Catalog,
    pub layout: Layout,
    pub headings: Vec<Heading>,
    /// Per item (in catalog order): did the sheet itself say who answers (a Part heading),
    /// that it is not answered (参考), and which devices (a suffix)? What the sheet does
    /// not say carries over from the earlier version.
    pub from_sheet: Vec<FromSheet>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FromSheet {
    /// The item's row as Excel counts it (from 1).
    pub row: usize,
    pub role: bool,
    pub answer: bool,
    pub devices: bool,
    pub references: bool,
}

/// A column letter (`A`, `ab`) as a 0-based index.
pub fn col_index(name: &str) -> Option<usize> {
    let name = name.trim();
    if name.is_empty() || name.len() > 3 || !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(
        name.to_ascii_uppercase()
            .bytes()
            .fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize)
            - 1,
    )
}

/// Full-width ASCII as ASCII, the ideographic space as a space.
pub fn narrow(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// The number of a circled digit (①…⑳, ➀…➉), if `c` is one.
fn circled(c: char) -> Option<u32> {
    match c {
        '\u{2460}'..='\u{2473}' => Some(c as u32 - 0x2460 + 1),
        '\u{2780}'..='\u{2789}' => Some(c as u32 - 0x2780 + 1),
        _ => None,
    }
}

/// An item's identity across printings: the runs of letters and digits of its number,
/// lower-cased, with full-width characters narrowed and circled numbers read as numbers,
/// so that 1-(1) = 1-① = １－（１）, and Part2 A-11 = Part2 A11 = Part 2 A-11.
pub fn number_key(number: &str) -> String {
    let mut tokens: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut kind = 0u8; // 1 letters, 2 digits
    for c in narrow(number).chars() {
        if let Some(n) = circled(c) {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            tokens.push(n.to_string());
            kind = 0;
            continue;
        }
        let k = if c.is_ascii_digit() {
            2
        } else if c.is_alphabetic() {
            1
        } else {
            0
        };
        if k != kind && !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
        if k != 0 {
            cur.extend(c.to_lowercase());
        }
        kind = k;
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    tokens
        .iter()
        .map(|t| t.trim_start_matches('0').to_string())
        .map(|t| if t.is_empty() { "0".into() } else { t })
        .collect::<Vec<_>>()
        .join(".")
}

/// A number printed bare (「1」「①」「(1)」), meaningful only with its section's.
fn is_bare(printed: &str) -> bool {
    let p = narrow(printed);
    let sub = p.starts_with(|c: char| circled(c).is_some())
        || (p.starts_with('(') && p[1..].starts_with(|c: char| c.is_ascii_digit()));
    sub || (!p.is_empty()
        && p.chars()
            .all(|c| c.is_ascii_digit() || circled(c).is_some()))
}

/// The number as the document refers to the item: 「1」 under 「A 共通」 is A-1, 「①」 or
/// 「(1)」 under 「2 …」 is 2-① / 2-(1). Numbers printed whole stay as printed.
pub fn qualify(section_number: &str, printed: &str) -> String {
    let p = narrow(printed);
    let letter_section =
        section_number.len() == 1 && section_number.chars().all(|c| c.is_ascii_uppercase());
    let sub = p.starts_with(|c: char| circled(c).is_some())
        || (p.starts_with('(') && p[1..].starts_with(|c: char| c.is_ascii_digit()));
    let digits = !p.is_empty()
        && p.chars()
            .all(|c| c.is_ascii_digit() || circled(c).is_some());
    if !section_number.trim().is_empty() && ((letter_section && digits) || sub) {
        format!("{}-{printed}", section_number.trim())
    } else {
        printed.to_string()
    }
}

/// An item's identity in its catalog: its number as the document refers to it (a bare
/// 「①」 with its section's number), read by [`number_key`].
pub fn item_key(c: &Catalog, i: &Item) -> String {
    let section = c
        .section(&i.section)
        .map(|s| s.number.as_str())
        .unwrap_or("");
    number_key(&qualify(section, &i.number))
}

fn find_header(sheet: &Sheet, o: &Overrides) -> Result<Layout, ImportError> {
    let pick = |given: &Option<String>| -> Result<Option<usize>, ImportError> {
        match given.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(g) => col_index(g).map(Some).ok_or_else(|| {
                err(
                    Place::Columns,
                    Problem::ColumnOverride {
                        given: g.to_string(),
                    },
                )
            }),
        }
    };
    let (number, title, text) = (pick(&o.number)?, pick(&o.title)?, pick(&o.text)?);
    let rows = sheet.rows.iter().filter(|r| match o.header_row {
        Some(h) => r.index + 1 == h,
        None => r.index < 20,
    });
    for row in rows {
        let find = |names: &[&str]| {
            row.cells
                .iter()
                .find(|c| {
                    let t = narrow(&c.value.text()).replace(' ', "");
                    names.iter().any(|n| t == *n)
                })
                .map(|c| c.col)
        };
        let found_number = find(&["項番", "番号", "No", "No."]);
        let found_text = find(&["内容", "チェック項目", "確認項目", "遵守事項"]);
        let found_title = find(&["項目"]);
        let references = find(&[
            "ガイドライン等関連部分",
            "関連するガイドライン",
            "ガイドライン参照",
            "参照",
        ]);
        // Without a header row named by the person, the header is the row that names its
        // columns; corrections only move the columns.
        if o.header_row.is_none()
            && (found_number.is_none() || (found_text.is_none() && found_title.is_none()))
        {
            continue;
        }
        let number = number.or(found_number);
        let (text, title) = match (text.or(found_text), title.or(found_title)) {
            (Some(t), title) => (Some(t), title.filter(|x| *x != t)),
            (None, Some(title)) => (Some(title), None),
            (None, None) => (None, None),
        };
        if let (Some(number), Some(text)) = (number, text) {
            return Ok(Layout {
                header_row: row.index,
                number,
                title,
                text,
                references: references.filter(|c| *c != number && *c != text),
            });
        }
    }
    Err(err(Place::Head, Problem::NoHeader))
}

/// Cells merged down from a cell above: per column, (first row, last row, source row),
/// sorted, for the columns that repeat (項番, 項目). Merges in 内容 across rows are refused.
struct Merged(BTreeMap<usize, Vec<(usize, usize, usize)>>);

impl Merged {
    fn of(sheet: &Sheet, l: &Layout) -> Result<Merged, ImportError> {
        let mut by_col: BTreeMap<usize, Vec<(usize, usize, usize)>> = BTreeMap::new();
        // Merges in the title block or the header are no items' business.
        for m in sheet
            .merges
            .iter()
            .filter(|m| m.first.0 != m.last.0 && m.last.0 > l.header_row)
        {
            if (m.first.1..=m.last.1).contains(&l.text) {
                return Err(err(
                    at(m.first.0, m.first.1),
                    Problem::MergedAcrossRows {
                        to: (m.last.0 + 1, m.last.1 + 1),
                    },
                ));
            }
            for c in [Some(l.number), l.title].into_iter().flatten() {
                if (m.first.1..=m.last.1).contains(&c) {
                    by_col
                        .entry(c)
                        .or_default()
                        .push((m.first.0 + 1, m.last.0, m.first.0));
                }
            }
        }
        for v in by_col.values_mut() {
            v.sort_unstable();
        }
        Ok(Merged(by_col))
    }
    /// The row whose value a merged cell at (row, col) shows.
    fn source(&self, row: usize, col: usize) -> Option<usize> {
        let v = self.0.get(&col)?;
        let i = v.partition_point(|(first, _, _)| *first <= row);
        let (first, last, src) = *v.get(i.checked_sub(1)?)?;
        (first <= row && row <= last).then_some(src)
    }
}

/// Read a heading's text as a Part, the reference part or a section.
fn read_heading(text: &str) -> HeadingAs {
    let n = narrow(text);
    let t = n.trim();
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let lower = compact.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("part") {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits == "1" || digits == "2" {
            return HeadingAs::Part(if digits == "1" { 1 } else { 2 });
        }
    }
    if compact.starts_with("参考") {
        return HeadingAs::Reference;
    }
    // 「A 共通」「A. 共通」「1 体制構築」: a printed number, then the title.
    let first: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let is_letter = first.len() == 1 && first.chars().all(|c| c.is_ascii_uppercase());
    let is_number = !first.is_empty() && first.chars().all(|c| c.is_ascii_digit());
    if is_letter || is_number {
        let rest = t[first.len()..].trim_start_matches([' ', '.', ':', '：', '．', '、']);
        if rest.len() < t.len() - first.len() || rest.is_empty() {
            return HeadingAs::Section {
                number: first,
                title: rest.trim().to_string(),
            };
        }
    }
    HeadingAs::Section {
        number: String::new(),
        title: t.to_string(),
    }
}

/// Does a 項番 cell alone mark a heading (「Part2」, 「参考」, a section letter 「A」)?
fn is_marker(number: &str) -> bool {
    match read_heading(number) {
        HeadingAs::Part(_) | HeadingAs::Reference => true,
        HeadingAs::Section { number, .. } => {
            number.len() == 1 && number.chars().all(|c| c.is_ascii_uppercase())
        }
    }
}

/// The device classes of a suffix such as 「(サーバ、端末PC)」, the suffix's length in bytes,
/// and whether it names the whole system (「(医療情報システム全般)」).
fn device_suffix(text: &str) -> Option<(Vec<Device>, usize, bool)> {
    let t = text.trim_end();
    let close = t.chars().last().filter(|c| *c == ')' || *c == '）')?;
    let open_at = t.rfind(if close == ')' { '(' } else { '（' })?;
    let inner = narrow(&t[open_at + close.len_utf8()..t.len() - close.len_utf8()]);
    let mut devices = Vec::new();
    let mut whole = false;
    for part in inner.split(['、', ',', '・', '/']) {
        let p: String = part.chars().filter(|c| !c.is_whitespace()).collect();
        match p.as_str() {
            "サーバ" | "サーバー" => devices.push(Device::Server),
            "端末PC" | "端末" => devices.push(Device::Terminal),
            "ネットワーク機器" => devices.push(Device::Network),
            "医療情報システム全般" => whole = true,
            _ => return None,
        }
    }
    devices.sort();
    devices.dedup();
    Some((devices, text.len() - open_at, whole))
}

/// Read a sheet: the catalog and what was understood.
pub fn read_rows(rows: &Sheet, meta: &ImportMeta, o: &Overrides) -> Result<Reading, ImportError> {
    let l = find_header(rows, o)?;
    let merged = Merged::of(rows, &l)?;
    let cell_at = |r: usize, c: usize| -> String {
        let own = rows.row(r).map(|row| row.text(c)).unwrap_or_default();
        let own = own.trim();
        if !own.is_empty() {
            return own.to_string();
        }
        merged
            .source(r, c)
            .and_then(|src| rows.row(src))
            .map(|row| row.text(c).trim().to_string())
            .unwrap_or_default()
    };
    let mut sections: Vec<Section> = Vec::new();
    let mut headings: Vec<Heading> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut from_sheet: Vec<FromSheet> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut part: Option<(u8, String)> = None; // (Part, its section id)
    let mut reference = false;
    let mut current: Option<(String, String)> = None; // (section id, printed number)
    let (mut prev_number, mut prev_title) = (String::new(), String::new());
    for row in rows.rows.iter().filter(|r| r.index > l.header_row) {
        let r = row.index;
        let mut number = cell_at(r, l.number);
        let mut title = l.title.map(|c| cell_at(r, c)).unwrap_or_default();
        let mut text = row.text(l.text).trim().to_string();
        if number == "〃" {
            number = prev_number.clone();
        }
        if title == "〃" {
            title = prev_title.clone();
        }
        if number.is_empty() && text.is_empty() && title.is_empty() {
            continue;
        }
        // 「②…」 under 「A-2 ①…」 with its 項番 cell left blank: the same number.
        if number.is_empty()
            && !prev_number.is_empty()
            && text.chars().next().is_some_and(|c| circled(c).is_some())
        {
            number = prev_number.clone();
        }
        let overridden = o.headings.get(&(r + 1)).and_then(|s| HeadingAs::parse(s));
        // 項番's cell alone holding a heading: a section letter, 「Part 2」, 「参考」, or words
        // (a heading written across the row from column A).
        let words = narrow(&number)
            .chars()
            .any(|c| !c.is_ascii() && circled(c).is_none());
        let marker = !number.is_empty()
            && text.is_empty()
            && (is_marker(&number) || (title.is_empty() && words));
        if number.is_empty() || marker || overridden.is_some() {
            // A heading row: no 項番 (or only a section letter), or one the person says is.
            let heading_text = [number.as_str(), title.as_str(), text.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let read_as = match overridden {
                Some(HeadingAs::Section { .. }) => match read_heading(&heading_text) {
                    s @ HeadingAs::Section { .. } => s,
                    _ => HeadingAs::Section {
                        number: String::new(),
                        title: heading_text.clone(),
                    },
                },
                Some(h) => h,
                None => read_heading(&heading_text),
            };
            let id = format!("heading.{}", sections.len() + 1);
            (prev_number, prev_title) = (String::new(), String::new());
            match &read_as {
                HeadingAs::Part(p) => {
                    sections.push(Section {
                        id: id.clone(),
                        number: format!("Part{p}"),
                        title: heading_text.clone(),
                        parent: String::new(),
                    });
                    part = Some((*p, id.clone()));
                    reference = false;
                    current = Some((id, String::new()));
                }
                HeadingAs::Reference => {
                    sections.push(Section {
                        id: id.clone(),
                        number: "参考".into(),
                        title: heading_text.clone(),
                        parent: part.as_ref().map(|p| p.1.clone()).unwrap_or_default(),
                    });
                    reference = true;
                    current = Some((id, String::new()));
                }
                HeadingAs::Section { number, title } => {
                    sections.push(Section {
                        id: id.clone(),
                        number: number.clone(),
                        title: title.clone(),
                        parent: part.as_ref().map(|p| p.1.clone()).unwrap_or_default(),
                    });
                    current = Some((id, number.clone()));
                }
            }
            headings.push(Heading {
                row: r + 1,
                text: heading_text,
                read_as,
            });
            continue;
        }
        if text.is_empty() {
            return Err(err(
                at(r, l.text),
                Problem::EmptyText {
                    number: number.clone(),
                },
            ));
        }
        prev_number = number.clone();
        prev_title = title.clone();
        // 「①事業者との…」: the circled number belongs to the item's number.
        let mut printed = number.clone();
        if let Some(c) = text.chars().next().filter(|c| circled(*c).is_some()) {
            printed.push(c);
            text = text[c.len_utf8()..].trim_start().to_string();
        }
        let section_number = current.as_ref().map(|c| c.1.as_str()).unwrap_or("");
        if reference && is_bare(&printed) {
            printed = format!("参考{printed}");
        } else {
            printed = qualify(section_number, &printed);
        }
        let full = match &part {
            Some((p, _)) if !narrow(&printed).to_ascii_lowercase().starts_with("part") => {
                format!("Part{p} {printed}")
            }
            _ => printed,
        };
        let key = number_key(&full);
        if let Some(first) = seen.insert(key, r) {
            return Err(err(
                at(r, l.number),
                Problem::DuplicateNumber {
                    number: full,
                    first: (first + 1, l.number + 1),
                },
            ));
        }
        let mut facts = FromSheet {
            row: r + 1,
            ..Default::default()
        };
        let mut answer = Answer::YesNo;
        let mut devices = Vec::new();
        let mut note = if title.is_empty() {
            String::new()
        } else {
            format!("項目：{title}")
        };
        if let Some((d, len, whole)) = device_suffix(&text) {
            text = text[..text.len() - len].trim_end().to_string();
            facts.devices = true;
            if !d.is_empty() {
                answer = Answer::YesNoPerDevice;
                devices = d;
            }
            if whole {
                note = [note.as_str(), "対象：医療情報システム全般"]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("。");
            }
        }
        if reference {
            answer = Answer::None;
            devices.clear();
            facts.answer = true;
        }
        // 「・医療機関におけるサイバーセキュリティ対策チェックリスト ・企画管理編 9.1」,
        // 「▶企画管理編 9.1 ▶システム運用編 10.1」: one reference per bullet or line.
        let references: Vec<String> = l
            .references
            .map(|c| row.text(c))
            .unwrap_or_default()
            .split(['\n', '・', '▶', '、'])
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        facts.references = !references.is_empty();
        let role = match part.as_ref().map(|p| p.0) {
            Some(1) => vec![Addressee::Institution],
            Some(2) => vec![Addressee::Joint],
            _ => vec![],
        };
        facts.role = !role.is_empty();
        let id: String = full
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
        let id = if id.is_empty() || id.starts_with("heading.") || !ids.insert(id.clone()) {
            let fallback = format!("row-{}", r + 1);
            ids.insert(fallback.clone());
            fallback
        } else {
            id
        };
        let section = match &current {
            Some((id, _)) => id.clone(),
            None => {
                if !sections.iter().any(|s| s.id == "heading.import") {
                    sections.insert(
                        0,
                        Section {
                            id: "heading.import".into(),
                            number: String::new(),
                            title: String::new(),
                            parent: String::new(),
                        },
                    );
                }
                "heading.import".into()
            }
        };
        items.push(Item {
            id,
            section,
            number: full,
            text,
            text_en: String::new(),
            answer,
            devices,
            role,
            gate: false,
            scope: Scope::System,
            references,
            provenance: Provenance::Verbatim,
            source: format!("{} {}", meta.source_file, at(r, l.text)),
            note,
        });
        from_sheet.push(facts);
    }
    if items.is_empty() {
        return Err(err(Place::RowsFrom(l.header_row + 2), Problem::NoItems));
    }
    let t = &meta.template;
    Ok(Reading {
        catalog: Catalog {
            format: FORMAT,
            catalog: CatalogMeta {
                id: format!("{}/{}@{}", t.publisher, t.document, meta.version),
                version: meta.version.clone(),
                published: meta.published.clone(),
                coverage: Coverage {
                    complete: false,
                    missing: format!(
                        "{} から {} 項目を読み込みました。公式文書の全項目を収録しているかは申告されていません。",
                        meta.source_file,
                        items.len()
                    ),
                },
                ..t.clone()
            },
            sections,
            items,
        },
        layout: l,
        headings,
        from_sheet,
    })
}

/// Build a catalog from rows laid out as the official document prints them.
pub fn catalog_from_rows(rows: &Sheet, meta: &ImportMeta) -> Result<Catalog, ImportError> {
    Ok(read_rows(rows, meta, &Overrides::default())?.catalog)
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
