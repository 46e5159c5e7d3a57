//! An xlsx package read with bounded memory: the workbook (sheet names, date system), its
//! relationships, the number formats that make a number a date, the shared strings, then
//! the one sheet asked for (`worksheet.rs`).

use crate::xml::{decode_x_escapes, Xml};
use crate::zipped::Package;
use crate::{Limit, Limits, Place, Problem, Sheet, SheetError};
use quick_xml::events::Event;

/// What the workbook part says.
#[derive(Default)]
struct Workbook {
    /// (name, relationship id), in the workbook's order.
    sheets: Vec<(String, String)>,
    date1904: bool,
}

/// A relationship of the workbook: (id, type, target part).
type Rel = (String, String, String);

/// The shared strings, end to end in one buffer.
#[derive(Default)]
pub(crate) struct SharedStrings {
    text: String,
    ends: Vec<u32>,
}

impl SharedStrings {
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

/// For each cell format (`s` of a cell), whether it shows a date or time.
#[derive(Default)]
pub(crate) struct Styles {
    date: Vec<bool>,
}

impl Styles {
    pub(crate) fn is_date(&self, style: usize) -> bool {
        self.date.get(style).copied().unwrap_or(false)
    }
}

/// More cell formats than Excel allows (64,000) are ignored (shown as plain numbers).
const MAX_STYLES: usize = 65_536;
/// Sheet names are at most 31 characters in Excel; relationship targets are short paths.
const MAX_NAME_CHARS: usize = 255;

pub(crate) fn read(
    bytes: &[u8],
    wanted: Option<&str>,
    limits: &Limits,
) -> Result<Sheet, SheetError> {
    let mut pkg = Package::open(bytes, limits)?;
    let missing = |part: &str| {
        SheetError::new(
            Place::File,
            Problem::Zip(format!("{part} がありません(Excel ブックではありません)")),
        )
    };
    let wb = pkg
        .with_part("xl/workbook.xml", |r| workbook(r, limits))?
        .ok_or_else(|| missing("xl/workbook.xml"))?;
    let rels = pkg
        .with_part("xl/_rels/workbook.xml.rels", |r| relationships(r, limits))?
        .unwrap_or_default();
    let of_type = |suffix: &str| {
        rels.iter()
            .find(|(_, t, _)| t.ends_with(suffix))
            .map(|(_, _, target)| target.clone())
    };
    let worksheets: Vec<(&String, String)> = wb
        .sheets
        .iter()
        .filter_map(|(name, id)| {
            rels.iter()
                .find(|(rid, t, _)| rid == id && t.ends_with("/worksheet"))
                .map(|(_, _, target)| (name, target.clone()))
        })
        .collect();
    let (name, target) = match wanted {
        Some(s) => worksheets
            .iter()
            .find(|(n, _)| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                let have: Vec<&str> = worksheets.iter().map(|(n, _)| n.as_str()).collect();
                SheetError::new(
                    Place::File,
                    Problem::NoSuchSheet {
                        sheet: s.to_string(),
                        have: have.join("、"),
                    },
                )
            })?,
        None => worksheets
            .first()
            .cloned()
            .ok_or_else(|| SheetError::new(Place::File, Problem::NoSheet))?,
    };
    let name = name.clone();
    let styles = match of_type("/styles") {
        Some(part) => pkg.with_part(&part, styles)?.unwrap_or_default(),
        None => Styles::default(),
    };
    let sst = match of_type("/sharedStrings") {
        Some(part) => pkg
            .with_part(&part, |r| shared_strings(r, &part, limits))?
            .unwrap_or_default(),
        None => SharedStrings::default(),
    };
    let ctx = crate::worksheet::Context {
        name: &name,
        limits,
        sst: &sst,
        styles: &styles,
        date1904: wb.date1904,
    };
    pkg.with_part(&target, |r| crate::worksheet::read(r, &ctx))?
        .ok_or_else(|| missing(&target))
}

fn workbook(r: &mut dyn std::io::BufRead, limits: &Limits) -> Result<Workbook, SheetError> {
    let mut x = Xml::new(r, Place::Part("xl/workbook.xml".into()));
    let mut buf = Vec::new();
    let mut wb = Workbook::default();
    loop {
        match x.next(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "workbookPr" => {
                    wb.date1904 = matches!(x.attr(&e, "date1904")?.as_deref(), Some("1" | "true"))
                }
                "sheet" => {
                    if wb.sheets.len() >= limits.max_sheets {
                        return Err(SheetError::limit(
                            x.place.clone(),
                            Limit::Sheets(limits.max_sheets),
                        ));
                    }
                    let name = x.attr(&e, "name")?.unwrap_or_default();
                    let id = x.attr(&e, "id")?.unwrap_or_default();
                    if name.chars().count() > MAX_NAME_CHARS || id.len() > MAX_NAME_CHARS {
                        return Err(x.error("sheet name too long".into()));
                    }
                    wb.sheets.push((name, id));
                }
                _ => {}
            },
            Event::Eof => return Ok(wb),
            _ => {}
        }
    }
}

fn relationships(r: &mut dyn std::io::BufRead, limits: &Limits) -> Result<Vec<Rel>, SheetError> {
    let mut x = Xml::new(r, Place::Part("xl/_rels/workbook.xml.rels".into()));
    let mut buf = Vec::new();
    let mut rels = Vec::new();
    loop {
        match x.next(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if rels.len() >= limits.max_zip_entries {
                    return Err(SheetError::limit(
                        x.place.clone(),
                        Limit::ZipEntries(limits.max_zip_entries),
                    ));
                }
                let id = x.attr(&e, "Id")?.unwrap_or_default();
                let kind = x.attr(&e, "Type")?.unwrap_or_default();
                let target = x.attr(&e, "Target")?.unwrap_or_default();
                if [&id, &kind, &target]
                    .iter()
                    .any(|s| s.len() > 4 * MAX_NAME_CHARS)
                {
                    return Err(x.error("relationship too long".into()));
                }
                rels.push((id, kind, part_path(&target)));
            }
            Event::Eof => return Ok(rels),
            _ => {}
        }
    }
}

/// A relationship target of the workbook (relative to `xl/`, or absolute) as a part name.
fn part_path(target: &str) -> String {
    let full = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in full.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(seg),
        }
    }
    parts.join("/")
}

/// Built-in number formats that show dates or times (including the Japanese era and
/// 年月日 formats, 27–36 and 50–58).
fn builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Does a custom number format show a date or time? Quoted text, `[…]` sections (colours,
/// locales) and escaped characters are not format codes.
fn code_is_date(code: &str) -> bool {
    if code.eq_ignore_ascii_case("general") {
        return false;
    }
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '\\' if !quoted => escaped = true,
            _ if quoted || bracket => {}
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | 'g' | 'G' => return true,
            _ => {}
        }
    }
    false
}

fn styles(r: &mut dyn std::io::BufRead) -> Result<Styles, SheetError> {
    let mut x = Xml::new(r, Place::Part("xl/styles.xml".into()));
    let mut buf = Vec::new();
    let mut custom_dates: Vec<u32> = Vec::new();
    let mut out = Styles::default();
    let mut in_xfs = false;
    loop {
        match x.next(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    let id = x.attr(&e, "numFmtId")?.and_then(|v| v.parse().ok());
                    let code = x.attr(&e, "formatCode")?.unwrap_or_default();
                    if let Some(id) = id {
                        if code_is_date(&code) && custom_dates.len() < MAX_STYLES {
                            custom_dates.push(id);
                        }
                    }
                }
                "cellXfs" => in_xfs = true,
                "xf" if in_xfs && out.date.len() < MAX_STYLES => {
                    let id: u32 = x
                        .attr(&e, "numFmtId")?
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    out.date
                        .push(builtin_date(id) || custom_dates.contains(&id));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

fn shared_strings(
    r: &mut dyn std::io::BufRead,
    part: &str,
    limits: &Limits,
) -> Result<SharedStrings, SheetError> {
    let mut x = Xml::new(r, Place::Part(part.to_string()));
    let mut buf = Vec::new();
    let mut sst = SharedStrings::default();
    let mut current = String::new();
    let (mut in_si, mut in_t, mut phonetic) = (false, false, 0usize);
    let too_many = |x: &Xml| {
        SheetError::limit(
            x.place.clone(),
            Limit::SharedStrings(limits.max_shared_strings),
        )
    };
    loop {
        let ev = x.next(&mut buf)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.local_name().as_ref() {
                    "sst" => {
                        // The declared count is checked before anything is stored.
                        let declared: Option<usize> = x
                            .attr(e, "uniqueCount")?
                            .and_then(|v| v.trim().parse().ok());
                        if declared.is_some_and(|n| n > limits.max_shared_strings) {
                            return Err(too_many(&x));
                        }
                    }
                    "si" if empty => push_shared(&mut sst, "", &x, limits)?,
                    "si" => {
                        in_si = true;
                        current.clear();
                    }
                    "rPh" if !empty => phonetic += 1,
                    "t" if !empty => in_t = true,
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "si" if in_si => {
                    in_si = false;
                    push_shared(&mut sst, &current, &x, limits)?;
                }
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "t" => in_t = false,
                _ => {}
            },
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)
                if in_si && in_t && phonetic == 0 =>
            {
                x.push_text(&ev, &mut current, limits.max_cell_chars)?;
            }
            Event::Eof => return Ok(sst),
            _ => {}
        }
    }
}

fn push_shared(
    sst: &mut SharedStrings,
    text: &str,
    x: &Xml,
    limits: &Limits,
) -> Result<(), SheetError> {
    if sst.ends.len() >= limits.max_shared_strings {
        return Err(SheetError::limit(
            x.place.clone(),
            Limit::SharedStrings(limits.max_shared_strings),
        ));
    }
    let text = decode_x_escapes(text);
    if text.chars().count() > limits.max_cell_chars {
        return Err(SheetError::limit(
            x.place.clone(),
            Limit::CellChars(limits.max_cell_chars),
        ));
    }
    if (sst.text.len() + text.len()) as u64 > limits.max_shared_string_bytes {
        return Err(SheetError::limit(
            x.place.clone(),
            Limit::SharedStringBytes(limits.max_shared_string_bytes),
        ));
    }
    sst.text.push_str(&text);
    sst.ends.push(sst.text.len() as u32);
    Ok(())
}

/// An Excel serial (1900 date system) as `YYYY-MM-DD`, `HH:MM:SS` or both; a number out of
/// Excel's date range as a plain number.
pub(crate) fn date_text(serial: f64) -> String {
    if !(0.0..2_958_466.0).contains(&serial) {
        return serial.to_string();
    }
    let mut days = serial.floor() as i64;
    let mut secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        days += 1;
        secs -= 86_400;
    }
    let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if days == 0 {
        return time;
    }
    let date = if days == 60 {
        // Excel's 29 February 1900, which never was.
        "1900-02-29".to_string()
    } else {
        // Serial 1 is 1900-01-01; from serial 61 on, Excel's count is one day ahead.
        let unix_days = days - if days < 60 { 25_568 } else { 25_569 };
        let (y, m, d) = civil_from_days(unix_days);
        format!("{y:04}-{m:02}-{d:02}")
    };
    if secs == 0 {
        date
    } else {
        format!("{date} {time}")
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_formats() {
        assert_eq!(date_text(1.0), "1900-01-01");
        assert_eq!(date_text(59.0), "1900-02-28");
        assert_eq!(date_text(61.0), "1900-03-01");
        assert_eq!(date_text(46_113.0), "2026-04-01");
        assert_eq!(date_text(46_113.5), "2026-04-01 12:00:00");
        assert_eq!(date_text(0.25), "06:00:00");
        assert!(code_is_date("yyyy/m/d"));
        assert!(code_is_date("[$-411]ggge\"年\"m\"月\"d\"日\""));
        assert!(!code_is_date("#,##0\"円\""));
        assert!(!code_is_date("0.00E+00"));
        assert!(!code_is_date("General"));
        assert!(builtin_date(14) && builtin_date(57) && !builtin_date(0));
        assert_eq!(
            part_path("worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(part_path("/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(
            part_path("../xl/./sharedStrings.xml"),
            "xl/sharedStrings.xml"
        );
    }
}
