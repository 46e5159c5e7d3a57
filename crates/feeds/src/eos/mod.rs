//! End-of-support (EOS) data: parsers for endoflife.date (product pages and API v1) and
//! Debian's distro-info-data, a merge rule, and suggestions linking a ledger entry's OS text
//! or CPE to a product cycle.
//!
//! * [`detect`] names a file's format from its name and first bytes; [`parse`] /
//!   [`parse_file`] read one file (bytes in, no I/O); [`EosBatch`] gathers many files with a
//!   report per file, and [`read_dir_eos`] walks a directory within [`WalkLimits`].
//! * Bounds: a file over [`MAX_FILE_BYTES`] (16 MiB; endoflife.date's largest page is 18 KB,
//!   the full API response about 2 MB) is refused before it is parsed; YAML aliases are
//!   refused and nesting is limited (see `yaml.rs`).
//! * Errors refuse a whole file and name it (with line and field where known): too large,
//!   not UTF-8, no front matter, broken YAML/JSON/CSV, `releases` missing or not a list.
//!   One bad release entry (no `releaseCycle`, an `eol` that is neither a date nor a
//!   boolean, …) is skipped with an [`EosWarning`] naming file, line and field.
//! * [`merge`]: when two sources describe the same product, see its doc.

mod aliases;
mod batch;
mod distro_info;
mod endoflife_api;
mod endoflife_md;
mod error;
mod identifiers;
mod model;
mod suggest;
mod text;
mod yaml;

pub use batch::{read_dir_eos, read_dir_eos_with, EosBatch, FileReport, Skipped, WalkLimits};
pub use error::{EosError, EosWarning};
pub use identifiers::{parse_identifiers_tsv, Identifier};
pub use model::{EosCycle, EosProduct, EosSource, EosStatus, Support};
pub use suggest::{suggest, EosIndex, Suggestion, MAX_SUGGESTIONS, MIN_SCORE};

use chrono::NaiveDate;

/// Largest file a parser accepts: 16 MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// The formats this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EosFormat {
    /// endoflife.date product page: `.md` starting with a `---` front matter line.
    EndoflifeMd,
    /// endoflife.date API v1 JSON: an object with `schema_version` and `result`.
    EndoflifeApi,
    /// distro-info-data CSV (`version,codename,series,created,release,eol,…`).
    DistroInfoCsv,
    /// `identifiers-all-products.tsv` (identifiers only, no cycles).
    IdentifiersTsv,
}

/// What one file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub products: Vec<EosProduct>,
    /// Identifiers from the front matter / API, or the whole identifiers TSV.
    pub identifiers: Vec<Identifier>,
    pub warnings: Vec<EosWarning>,
}

impl Parsed {
    fn warn(&mut self, file: &str, line: Option<usize>, field: String, message: &str) {
        self.warnings.push(EosWarning {
            file: file.to_string(),
            line,
            field: Some(field),
            message: message.to_string(),
        });
    }
}

/// The first line of `bytes` (at most 4 KiB looked at), lossily decoded.
fn first_line(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    String::from_utf8_lossy(&head[..end]).trim_end().to_string()
}

fn base_name(file_name: &str) -> &str {
    file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
}

/// The format of a file, from its name and first bytes (cheap: looks at 4 KiB at most).
/// `None` for anything else (licences, the OpenAPI document, Markdown without front matter,
/// release-data JSON, …).
pub fn detect(file_name: &str, bytes: &[u8]) -> Option<EosFormat> {
    let name = base_name(file_name).to_ascii_lowercase();
    let line = first_line(bytes);
    if name.ends_with(".md") || name.ends_with(".markdown") {
        return (line == "---").then_some(EosFormat::EndoflifeMd);
    }
    if name.ends_with(".csv") {
        return distro_info::flavour(&line).map(|_| EosFormat::DistroInfoCsv);
    }
    if name.ends_with(".tsv") {
        return identifiers::is_header(&line).then_some(EosFormat::IdentifiersTsv);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{')
        && head.contains("\"schema_version\"")
        && head.contains("\"result\"")
    {
        return Some(EosFormat::EndoflifeApi);
    }
    None
}

/// Why a file that [`detect`] does not know is skipped (for the batch report).
pub(crate) fn skip_reason(file_name: &str, bytes: &[u8]) -> String {
    let name = base_name(file_name).to_ascii_lowercase();
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let stem = name.split('.').next().unwrap_or("");
    if matches!(
        stem,
        "license" | "licence" | "copying" | "copyright" | "notice"
    ) {
        "licence text".into()
    } else if name.ends_with(".md") {
        "Markdown without YAML front matter (not a product page)".into()
    } else if (name.ends_with(".yml") || name.ends_with(".yaml")) && head.contains("openapi:") {
        "OpenAPI document (describes the API; no data)".into()
    } else if name.ends_with(".json")
        && head.trim_start().starts_with('{')
        && head.contains("\"releases\"")
    {
        "endoflife.date release-data JSON (declared unstable upstream; not read)".into()
    } else if name.ends_with(".csv") || name.ends_with(".tsv") {
        "table with an unknown header".into()
    } else {
        "unknown format".into()
    }
}

pub(crate) fn check_size(file: &str, len: usize) -> Result<(), EosError> {
    if len > MAX_FILE_BYTES {
        return Err(EosError::TooLarge {
            file: file.to_string(),
            size: len as u64,
            limit: MAX_FILE_BYTES as u64,
        });
    }
    Ok(())
}

/// Parse one file, keeping identifiers and warnings. `file_name` is used for the format, for
/// the product id of a product page (its stem) and in messages.
pub fn parse_file(file_name: &str, bytes: &[u8]) -> Result<Parsed, EosError> {
    check_size(file_name, bytes.len())?;
    let format = detect(file_name, bytes).ok_or_else(|| EosError::UnknownFormat {
        file: file_name.to_string(),
        hint: skip_reason(file_name, bytes),
    })?;
    match format {
        EosFormat::EndoflifeMd => {
            let text = std::str::from_utf8(bytes).map_err(|e| EosError::NotUtf8 {
                file: file_name.to_string(),
                offset: e.valid_up_to(),
            })?;
            endoflife_md::parse(file_name, text)
        }
        EosFormat::EndoflifeApi => endoflife_api::parse(file_name, bytes),
        EosFormat::DistroInfoCsv => distro_info::parse(file_name, bytes),
        EosFormat::IdentifiersTsv => Ok(Parsed {
            identifiers: parse_identifiers_tsv(file_name, bytes)?,
            ..Parsed::default()
        }),
    }
}

/// Parse one file into products (warnings dropped; see [`parse_file`]). The identifiers TSV
/// holds no cycles and yields no products.
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<Vec<EosProduct>, EosError> {
    parse_file(file_name, bytes).map(|p| p.products)
}

/// A `YYYY-MM-DD` date; a time after it (`T…` or a space) is ignored.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (b.len() == 10 || b[10] == b'T' || b[10] == b' ');
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").ok()
}

/// Text with HTML tags removed and whitespace collapsed (`20 (<abbr …>STS</abbr>)` →
/// `20 (STS)`).
pub(crate) fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file name without directories and extension: the product id of a product page.
pub(crate) fn file_stem(file: &str) -> String {
    let base = base_name(file);
    base.rsplit_once('.')
        .map_or(base, |(stem, _)| stem)
        .to_string()
}

/// A cycle id compared across sources: lower case, a trailing `.0` dropped (distro-info's
/// Debian `6.0` is endoflife.date's `6`).
fn cycle_key(cycle: &str) -> String {
    let c = cycle.trim().to_ascii_lowercase();
    c.strip_suffix(".0").map(str::to_string).unwrap_or(c)
}

/// Merge products that share an id.
///
/// The rule: sources rank endoflife.date product page, then endoflife.date API, then
/// distro-info (the pages are pinned to a known commit and carry the most fields). The best
/// ranked product keeps its title, category and every cycle *whole* (its dates are not mixed
/// with another source's); a lower ranked source only adds the cycles the winner lacks
/// (compared by [`cycle_key`]), each keeping its own `source`, inserted by release date
/// (newest first; a cycle without a release date goes first, as it is yet to come). CPEs are
/// the union; a missing category is filled. The result is sorted by id.
pub fn merge(products: Vec<EosProduct>) -> Vec<EosProduct> {
    let mut out: Vec<EosProduct> = Vec::new();
    for p in products {
        merge_into(&mut out, p);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

pub(crate) fn merge_into(out: &mut Vec<EosProduct>, incoming: EosProduct) {
    let Some(existing) = out.iter_mut().find(|p| p.id == incoming.id) else {
        out.push(incoming);
        return;
    };
    let (mut base, extra) = if incoming.source.rank() < existing.source.rank() {
        (incoming, std::mem::replace(existing, placeholder()))
    } else {
        (std::mem::replace(existing, placeholder()), incoming)
    };
    for cpe in extra.cpes {
        if !base.cpes.contains(&cpe) {
            base.cpes.push(cpe);
        }
    }
    if base.category.is_none() {
        base.category = extra.category;
    }
    for c in extra.cycles {
        let key = cycle_key(&c.cycle);
        if base.cycles.iter().any(|b| cycle_key(&b.cycle) == key) {
            continue;
        }
        let at = match c.release {
            // After the undated cycles already first, keeping the incoming order.
            None => base
                .cycles
                .iter()
                .take_while(|b| b.release.is_none())
                .count(),
            Some(r) => base
                .cycles
                .iter()
                .position(|b| b.release.is_some_and(|br| br < r))
                .unwrap_or(base.cycles.len()),
        };
        base.cycles.insert(at, c);
    }
    *existing = base;
}

fn placeholder() -> EosProduct {
    EosProduct {
        id: String::new(),
        title: String::new(),
        category: None,
        cpes: Vec::new(),
        cycles: Vec::new(),
        source: EosSource::DistroInfo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_html() {
        assert_eq!(
            parse_date("2023-10-10"),
            NaiveDate::from_ymd_opt(2023, 10, 10)
        );
        assert_eq!(
            parse_date("2023-10-10T00:00:00Z"),
            NaiveDate::from_ymd_opt(2023, 10, 10)
        );
        assert_eq!(parse_date("2023-1-10"), None);
        assert_eq!(parse_date("2023-02-30"), None);
        assert_eq!(parse_date("20231010"), None);
        assert_eq!(strip_html("20 (<abbr title='x'>STS</abbr>)"), "20 (STS)");
        assert_eq!(file_stem("a/b/windows-server.md"), "windows-server");
    }

    #[test]
    fn detects_formats() {
        assert_eq!(
            detect("p/x.md", b"---\ntitle: x\n"),
            Some(EosFormat::EndoflifeMd)
        );
        assert_eq!(detect("CHANGELOG_API.md", b"# endoflife.date API\n"), None);
        assert_eq!(
            detect(
                "ubuntu.csv",
                b"version,codename,series,created,release,eol,eol-server,eol-esm,eol-legacy\n"
            ),
            Some(EosFormat::DistroInfoCsv)
        );
        assert_eq!(
            detect(
                "i.tsv",
                b"product\ttitle\tcategory\tidentifier_type\tidentifier\n"
            ),
            Some(EosFormat::IdentifiersTsv)
        );
        assert_eq!(
            detect("full", b"{\"schema_version\":\"1.2.0\",\"result\":[]}"),
            Some(EosFormat::EndoflifeApi)
        );
        assert_eq!(
            detect("rhel.json", b"{\"releases\":{},\"versions\":{}}"),
            None
        );
        assert_eq!(detect("LICENSE", b"MIT"), None);
        let e = parse("LICENSE", b"MIT").unwrap_err();
        assert_eq!(
            e.to_string(),
            "LICENSE: not an end-of-support file this crate reads (licence text)"
        );
    }

    fn cycle(id: &str, release: Option<&str>, source: EosSource) -> EosCycle {
        EosCycle {
            cycle: id.into(),
            label: None,
            codename: None,
            release: release.and_then(parse_date),
            eoas: None,
            eol: Support::NotEnded,
            eoes: None,
            latest: None,
            lts: false,
            lts_from: None,
            source,
        }
    }

    fn product(source: EosSource, cycles: Vec<EosCycle>, cpes: &[&str]) -> EosProduct {
        EosProduct {
            id: "debian".into(),
            title: format!("{source:?}"),
            category: None,
            cpes: cpes.iter().map(|s| s.to_string()).collect(),
            cycles,
            source,
        }
    }

    #[test]
    fn merge_keeps_the_better_source_and_fills_missing_cycles() {
        use EosSource::*;
        let di = product(
            DistroInfo,
            vec![
                cycle("15", None, DistroInfo),
                cycle("12", Some("2023-06-10"), DistroInfo),
                cycle("6.0", Some("2011-02-06"), DistroInfo),
                cycle("5.0", Some("2009-02-14"), DistroInfo),
            ],
            &[],
        );
        let md = product(
            EndoflifeMd,
            vec![
                cycle("12", Some("2023-06-10"), EndoflifeMd),
                cycle("7", Some("2013-05-04"), EndoflifeMd),
                cycle("6", Some("2011-02-06"), EndoflifeMd),
            ],
            &["cpe:/o:debian:debian_linux"],
        );
        // Either order gives the same result.
        for list in [vec![di.clone(), md.clone()], vec![md.clone(), di.clone()]] {
            let merged = merge(list);
            assert_eq!(merged.len(), 1);
            let p = &merged[0];
            assert_eq!(p.source, EndoflifeMd);
            assert_eq!(p.title, "EndoflifeMd");
            let ids: Vec<_> = p
                .cycles
                .iter()
                .map(|c| (c.cycle.as_str(), c.source))
                .collect();
            assert_eq!(
                ids,
                vec![
                    ("15", DistroInfo),
                    ("12", EndoflifeMd),
                    ("7", EndoflifeMd),
                    ("6", EndoflifeMd),
                    ("5.0", DistroInfo)
                ]
            );
            assert_eq!(p.cpes.len(), 1);
        }
    }
}
