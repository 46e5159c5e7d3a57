//! endoflife.date product pages: `products/<id>.md`, YAML front matter between `---` lines,
//! then Markdown (ignored). The product id is the file stem.

use super::error::{EosError, EosWarning};
use super::yaml::{self, Node};
use super::{parse_date, strip_html, Identifier, Parsed};
use super::{EosCycle, EosProduct, EosSource, Support};

/// The YAML between the first line `---` and the next line `---` (or `...`), and the file
/// line of its first line.
fn front_matter<'a>(file: &str, text: &'a str) -> Result<&'a str, EosError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = |message: &str| EosError::FrontMatter {
        file: file.to_string(),
        message: message.to_string(),
    };
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(missing(
            "no YAML front matter (the first line is not `---`)",
        ));
    }
    let start = first.len();
    let mut pos = start;
    for line in lines {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Ok(&text[start..pos]);
        }
        pos += line.len();
    }
    Err(missing(
        "the YAML front matter is not closed (no second `---` line)",
    ))
}

/// A scalar's text; `Ok(None)` for null or absent.
fn text(node: Option<&Node>) -> Result<Option<String>, String> {
    match node {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(Node::Scalar(s)) => Ok(Some(s.text.clone())),
        Some(other) => Err(format!("expected text, got {}", other.kind())),
    }
}

fn boolean(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A date or a boolean (`eol`, `eoas`, `eoes`); `Ok(None)` for null or absent.
fn support(node: Option<&Node>) -> Result<Option<Support>, String> {
    let Some(t) = text(node)? else {
        return Ok(None);
    };
    if let Some(b) = boolean(&t) {
        return Ok(Some(if b { Support::Ended } else { Support::NotEnded }));
    }
    parse_date(&t)
        .map(|d| Some(Support::On(d)))
        .ok_or_else(|| format!("expected a date (YYYY-MM-DD) or true/false, got {t:?}"))
}

fn date(node: Option<&Node>) -> Result<Option<chrono::NaiveDate>, String> {
    match text(node)? {
        None => Ok(None),
        Some(t) => parse_date(&t)
            .map(Some)
            .ok_or_else(|| format!("expected a date (YYYY-MM-DD), got {t:?}")),
    }
}

/// `lts`: a boolean, or a date (LTS from then).
fn lts(node: Option<&Node>) -> Result<(bool, Option<chrono::NaiveDate>), String> {
    match text(node)? {
        None => Ok((false, None)),
        Some(t) => match boolean(&t) {
            Some(b) => Ok((b, None)),
            None => parse_date(&t)
                .map(|d| (true, Some(d)))
                .ok_or_else(|| format!("expected true/false or a date, got {t:?}")),
        },
    }
}

/// A label template with its placeholders filled and HTML removed.
fn fill_label(template: &str, cycle: &str, codename: Option<&str>) -> Option<String> {
    let mut s = template.replace("__RELEASE_CYCLE__", cycle);
    match codename {
        Some(c) => s = s.replace("__CODENAME__", c),
        None => {
            s = s
                .replace("'__CODENAME__'", "")
                .replace("(__CODENAME__)", "")
                .replace("__CODENAME__ -", "")
                .replace("__CODENAME__", "")
        }
    }
    let s = strip_html(&s);
    (!s.is_empty()).then_some(s)
}

/// Parse one product page; `file` is the path used in messages, its stem the product id.
pub(crate) fn parse(file: &str, text_in: &str) -> Result<Parsed, EosError> {
    let yaml_text = front_matter(file, text_in)?;
    // The front matter starts on the file's second line (after a BOM, still line 1).
    let doc = yaml::parse(yaml_text).map_err(|e| EosError::Yaml {
        file: file.to_string(),
        line: e.line + 1,
        column: e.column,
        message: e.message,
    })?;
    let fline = |n: &Node| n.line() + 1;
    let field_err = |n: Option<&Node>, field: &str, message: String| EosError::Field {
        file: file.to_string(),
        line: n.map(fline),
        field: field.to_string(),
        message,
    };
    if !matches!(doc, Node::Map(..)) {
        return Err(field_err(
            Some(&doc),
            "(front matter)",
            format!("expected a mapping, got {}", doc.kind()),
        ));
    }
    let id = super::file_stem(file);
    let mut out = Parsed::default();
    let title = text(doc.get("title"))
        .map_err(|m| field_err(doc.get("title"), "title", m))?
        .unwrap_or_else(|| {
            out.warnings.push(EosWarning {
                file: file.to_string(),
                line: None,
                field: Some("title".into()),
                message: "missing; the product id is used as the title".into(),
            });
            id.clone()
        });
    let category =
        text(doc.get("category")).map_err(|m| field_err(doc.get("category"), "category", m))?;
    let template = text(doc.get("releaseLabel"))
        .map_err(|m| field_err(doc.get("releaseLabel"), "releaseLabel", m))?;

    let mut cpes = Vec::new();
    if let Some(ids) = doc.get("identifiers") {
        let Node::Seq(items, _) = ids else {
            return Err(field_err(
                Some(ids),
                "identifiers",
                format!("expected a list, got {}", ids.kind()),
            ));
        };
        for (i, item) in items.iter().enumerate() {
            let Node::Map(entries, _) = item else {
                out.warn(
                    file,
                    Some(fline(item)),
                    format!("identifiers[{i}]"),
                    "not a mapping; skipped",
                );
                continue;
            };
            for (kind, value) in entries {
                match text(Some(value)) {
                    Ok(Some(v)) => {
                        if kind == "cpe" {
                            cpes.push(v.clone());
                        }
                        out.identifiers.push(Identifier {
                            product: id.clone(),
                            title: Some(title.clone()),
                            category: category.clone(),
                            kind: kind.clone(),
                            value: v,
                        });
                    }
                    Ok(None) => {}
                    Err(m) => out.warn(
                        file,
                        Some(fline(value)),
                        format!("identifiers[{i}].{kind}"),
                        &m,
                    ),
                }
            }
        }
    }

    let releases = doc.get("releases");
    let items = match releases {
        Some(Node::Seq(items, _)) => items.as_slice(),
        Some(n) if n.is_null() => &[],
        Some(n) => {
            return Err(field_err(
                Some(n),
                "releases",
                format!("expected a list, got {}", n.kind()),
            ))
        }
        None => return Err(field_err(None, "releases", "missing".into())),
    };
    let mut cycles = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match release(item, template.as_deref()) {
            Ok(c) => cycles.push(c),
            Err((node, field, message)) => {
                let line = node.map(fline).unwrap_or_else(|| fline(item));
                out.warn(
                    file,
                    Some(line),
                    format!("releases[{i}].{field}"),
                    &format!("{message}; entry skipped"),
                );
            }
        }
    }
    out.products.push(EosProduct {
        id,
        title,
        category,
        cpes,
        cycles,
        source: EosSource::EndoflifeMd,
    });
    Ok(out)
}

type ReleaseError<'a> = (Option<&'a Node>, &'static str, String);

fn release<'a>(item: &'a Node, template: Option<&str>) -> Result<EosCycle, ReleaseError<'a>> {
    if !matches!(item, Node::Map(..)) {
        return Err((
            Some(item),
            "",
            format!("expected a mapping, got {}", item.kind()),
        ));
    }
    let at = |field: &'static str| {
        let node = item.get(field);
        move |m: String| (node, field, m)
    };
    let cycle = text(item.get("releaseCycle"))
        .map_err(at("releaseCycle"))?
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| (None, "releaseCycle", "missing".to_string()))?;
    let eol = support(item.get("eol"))
        .map_err(at("eol"))?
        .ok_or_else(|| (None, "eol", "missing".to_string()))?;
    let codename = text(item.get("codename")).map_err(at("codename"))?;
    let own_label = text(item.get("releaseLabel")).map_err(at("releaseLabel"))?;
    let label = own_label
        .as_deref()
        .or(template)
        .and_then(|t| fill_label(t, &cycle, codename.as_deref()))
        .or_else(|| codename.clone());
    let (lts, lts_from) = lts(item.get("lts")).map_err(at("lts"))?;
    Ok(EosCycle {
        label,
        codename,
        release: date(item.get("releaseDate")).map_err(at("releaseDate"))?,
        eoas: support(item.get("eoas")).map_err(at("eoas"))?,
        eol,
        eoes: support(item.get("eoes")).map_err(at("eoes"))?,
        latest: text(item.get("latest")).map_err(at("latest"))?,
        lts,
        lts_from,
        cycle,
        source: EosSource::EndoflifeMd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"---
title: Demo OS
category: os
releaseLabel: "Demo __RELEASE_CYCLE__"
identifiers:
  - cpe: cpe:2.3:o:demo:demo_os
  - purl: pkg:generic/demo
releases:
  - releaseCycle: 8.10
    releaseDate: 2024-05-22
    eol: true
    lts: 2020-01-01
  - releaseCycle: "9"
    releaseLabel: "<abbr title='x'>Nine</abbr> __CODENAME__"
    codename: Plow
    eol: false
    eoes: 2036-05-31
    latest: "9.8"
  - releaseDate: 2020-01-01
    eol: 2021-01-01
  - releaseCycle: "7"
    eol: soon
---

> Markdown: ignored
"#;

    #[test]
    fn reads_a_page() {
        let p = parse("products/demo.md", PAGE).unwrap();
        let prod = &p.products[0];
        assert_eq!(prod.id, "demo");
        assert_eq!(prod.title, "Demo OS");
        assert_eq!(prod.cpes, vec!["cpe:2.3:o:demo:demo_os"]);
        assert_eq!(p.identifiers.len(), 2);
        assert_eq!(prod.cycles.len(), 2);
        let c = &prod.cycles[0];
        assert_eq!(c.cycle, "8.10");
        assert_eq!(c.label.as_deref(), Some("Demo 8.10"));
        assert_eq!(c.eol, Support::Ended);
        assert!(c.lts);
        assert_eq!(c.lts_from, parse_date("2020-01-01"));
        let c = &prod.cycles[1];
        assert_eq!(c.label.as_deref(), Some("Nine Plow"));
        assert_eq!(c.eol, Support::NotEnded);
        assert_eq!(c.eoes, Some(Support::On(parse_date("2036-05-31").unwrap())));
        assert_eq!(c.latest.as_deref(), Some("9.8"));
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert_eq!(
            p.warnings[0].field.as_deref(),
            Some("releases[2].releaseCycle")
        );
        assert_eq!(p.warnings[0].line, Some(19));
        assert_eq!(p.warnings[1].field.as_deref(), Some("releases[3].eol"));
        assert!(
            p.warnings[1].to_string().contains("\"soon\""),
            "{}",
            p.warnings[1]
        );
    }

    #[test]
    fn front_matter_errors_name_the_file() {
        let e = parse("x/a.md", "# no front matter\n").unwrap_err();
        assert!(
            e.to_string().starts_with("x/a.md: no YAML front matter"),
            "{e}"
        );
        let e = parse("x/a.md", "---\ntitle: a\n").unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let e = parse("x/b.md", "---\ntitle: [a\nreleases: []\n---\n").unwrap_err();
        assert!(matches!(e, EosError::Yaml { .. }), "{e:?}");
        assert!(e.to_string().starts_with("x/b.md:"), "{e}");
        let e = parse("x/c.md", "---\ntitle: c\n---\n").unwrap_err();
        assert_eq!(e.to_string(), "x/c.md: field `releases`: missing");
        let e = parse("x/d.md", "---\ntitle: d\nreleases: 3\n---\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x/d.md:3: field `releases`: expected a list, got a scalar"
        );
    }

    #[test]
    fn labels_without_codename_drop_the_placeholder() {
        assert_eq!(
            fill_label("__RELEASE_CYCLE__ '__CODENAME__'", "4.10", None).as_deref(),
            Some("4.10")
        );
        assert_eq!(
            fill_label(
                "macOS __RELEASE_CYCLE__ (__CODENAME__)",
                "26",
                Some("Tahoe")
            )
            .as_deref(),
            Some("macOS 26 (Tahoe)")
        );
    }
}
