//! Debian's distro-info-data CSV files (`/usr/share/distro-info/{debian,ubuntu}.csv`).
//!
//! Columns: `version,codename,series,created,release,eol` and then, for Debian,
//! `eol-lts,eol-elts`, for Ubuntu `eol-server,eol-esm,eol-legacy`. Empty cells mean unknown
//! or not applicable. How the columns map onto [`EosCycle`]:
//!
//! * `cycle` is `version` with ` LTS` removed (Ubuntu), which sets `lts`. Rows without a
//!   version (Debian's `sid`, `experimental`) are not releases and are skipped with a warning.
//! * `eol` (end of security support) is the `eol` column: the end of the distribution's own
//!   security support (Debian's security team; Ubuntu's standard support, 9 months or
//!   5 years). `eol-server` (Ubuntu LTS before 12.04: longer server support) is not used.
//!   An empty `eol` means no end announced yet ([`Support::NotEnded`]).
//! * `eoes` (extended support) is the last day *any* extended security support exists:
//!   Debian `eol-elts` (Freexian's paid Extended LTS), else `eol-lts` (the free Debian LTS);
//!   Ubuntu `eol-legacy` (the paid Legacy add-on), else `eol-esm` (Expanded Security
//!   Maintenance, Ubuntu Pro). endoflife.date's `eoes` for Debian is the LTS end and for
//!   Ubuntu the ESM end, so the two sources differ for the same cycle; [`super::merge`] keeps
//!   endoflife.date's cycle whole.
//! * `label` is the codename (`Bookworm`); `release` is the `release` column.
//!
//! The product id is `debian` or `ubuntu`, decided by the header (`eol-lts` or `eol-esm`), so a
//! renamed file still reads right.

use super::error::{EosError, EosWarning};
use super::{parse_date, Parsed};
use super::{EosCycle, EosProduct, EosSource, Support};

/// Which distribution a header describes.
pub(crate) fn flavour(header_line: &str) -> Option<&'static str> {
    let cols: Vec<&str> = header_line.trim_end().split(',').map(str::trim).collect();
    if cols.len() < 6 || cols[..6] != ["version", "codename", "series", "created", "release", "eol"]
    {
        return None;
    }
    if cols.contains(&"eol-esm") || cols.contains(&"eol-server") {
        Some("ubuntu")
    } else if cols.contains(&"eol-lts") || cols.len() == 6 {
        Some("debian")
    } else {
        None
    }
}

pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, EosError> {
    let table_err = |line: Option<u64>, message: String| EosError::Table {
        file: file.to_string(),
        line,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| table_err(Some(1), e.to_string()))?
        .clone();
    let header_line = headers.iter().collect::<Vec<_>>().join(",");
    let id = flavour(&header_line).ok_or_else(|| {
        table_err(
            Some(1),
            format!("not a distro-info header: {header_line:?}"),
        )
    })?;
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (c_version, c_codename, c_release, c_eol) =
        (col("version"), col("codename"), col("release"), col("eol"));
    let (c_ext_free, c_ext_paid) = if id == "ubuntu" {
        (col("eol-esm"), col("eol-legacy"))
    } else {
        (col("eol-lts"), col("eol-elts"))
    };
    let mut out = Parsed::default();
    let mut cycles = Vec::new();
    for record in rdr.records() {
        let record =
            record.map_err(|e| table_err(e.position().map(|p| p.line()), e.to_string()))?;
        let line = record.position().map(|p| p.line() as usize);
        let cell = |c: Option<usize>| {
            c.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let warn = |field: &str, message: String| EosWarning {
            file: file.to_string(),
            line,
            field: Some(field.to_string()),
            message,
        };
        let Some(version) = cell(c_version) else {
            let name = cell(c_codename).unwrap_or("?");
            out.warnings.push(warn(
                "version",
                format!("empty ({name} is not a release); row skipped"),
            ));
            continue;
        };
        let date =
            |field: &str, c: Option<usize>| -> Result<Option<chrono::NaiveDate>, EosWarning> {
                match cell(c) {
                    None => Ok(None),
                    Some(s) => parse_date(s).map(Some).ok_or_else(|| {
                        warn(
                            field,
                            format!("expected a date (YYYY-MM-DD), got {s:?}; row skipped"),
                        )
                    }),
                }
            };
        let row = (|| {
            let release = date("release", c_release)?;
            let eol = date("eol", c_eol)?;
            let free = date(
                if id == "ubuntu" { "eol-esm" } else { "eol-lts" },
                c_ext_free,
            )?;
            let paid = date(
                if id == "ubuntu" {
                    "eol-legacy"
                } else {
                    "eol-elts"
                },
                c_ext_paid,
            )?;
            Ok::<_, EosWarning>((release, eol, paid.or(free)))
        })();
        let (release, eol, eoes) = match row {
            Ok(r) => r,
            Err(w) => {
                out.warnings.push(w);
                continue;
            }
        };
        let (cycle, lts) = match version.strip_suffix(" LTS") {
            Some(v) => (v.trim().to_string(), true),
            None => (version.to_string(), false),
        };
        let codename = cell(c_codename).map(str::to_string);
        cycles.push(EosCycle {
            cycle,
            label: codename.clone(),
            codename,
            release,
            eoas: None,
            eol: eol.map_or(Support::NotEnded, Support::On),
            eoes: eoes.map(Support::On),
            latest: None,
            lts,
            lts_from: None,
            source: EosSource::DistroInfo,
        });
    }
    // endoflife.date lists newest first; distro-info oldest first. Use one order.
    cycles.reverse();
    out.products.push(EosProduct {
        id: id.to_string(),
        title: if id == "ubuntu" { "Ubuntu" } else { "Debian" }.to_string(),
        category: Some("os".to_string()),
        cpes: Vec::new(),
        cycles,
        source: EosSource::DistroInfo,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ubuntu_and_debian_rows() {
        let u = b"version,codename,series,created,release,eol,eol-server,eol-esm,eol-legacy\n\
6.06 LTS,Dapper Drake,dapper,2005-10-12,2006-06-01,2009-07-14,2011-06-01\n\
14.04 LTS,Trusty Tahr,trusty,2013-10-17,2014-04-17,2019-04-25,2019-04-25,2024-04-25,2026-04-28\n\
22.10,Kinetic Kudu,kinetic,2022-04-21,2022-10-20,2023-07-20\n";
        let p = parse("u.csv", u).unwrap();
        let prod = &p.products[0];
        assert_eq!(prod.id, "ubuntu");
        let c: Vec<_> = prod
            .cycles
            .iter()
            .map(|c| (c.cycle.as_str(), c.lts))
            .collect();
        assert_eq!(c, vec![("22.10", false), ("14.04", true), ("6.06", true)]);
        assert_eq!(
            prod.cycles[1].eol,
            Support::On(parse_date("2019-04-25").unwrap())
        );
        assert_eq!(
            prod.cycles[1].eoes,
            Some(Support::On(parse_date("2026-04-28").unwrap()))
        );
        assert_eq!(prod.cycles[2].eoes, None);
        assert_eq!(prod.cycles[1].label.as_deref(), Some("Trusty Tahr"));

        let d = b"version,codename,series,created,release,eol,eol-lts,eol-elts\n\
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30\n\
14,Forky,forky,2025-08-09\n,Sid,sid,1993-08-16\n13,Trixie,trixie,2023-06-10,someday\n";
        let p = parse("debian.csv", d).unwrap();
        let prod = &p.products[0];
        assert_eq!(prod.id, "debian");
        assert_eq!(prod.cycles.len(), 2);
        assert_eq!(prod.cycles[0].cycle, "14");
        assert_eq!(prod.cycles[0].eol, Support::NotEnded);
        assert_eq!(
            prod.cycles[1].eoes,
            Some(Support::On(parse_date("2033-06-30").unwrap()))
        );
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert_eq!(p.warnings[1].line, Some(5));
        assert_eq!(p.warnings[1].field.as_deref(), Some("release"));
    }

    #[test]
    fn other_headers_are_refused() {
        let e = parse("x.csv", b"a,b\n1,2\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.csv:1: not a distro-info header"),
            "{e}"
        );
    }
}
