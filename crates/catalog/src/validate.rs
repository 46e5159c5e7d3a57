//! The checks `mamori catalog check` applies, with messages that name the place.

use crate::model::*;
use crate::Registry;
use std::collections::{HashMap, HashSet};

/// One problem: which document, where in it, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub document: String,
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.document, self.place, self.message)
    }
}

fn slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-()".contains(c))
}

fn date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    }
}

pub fn check_catalog(c: &Catalog) -> Vec<Problem> {
    let m = &c.catalog;
    let mut out = Vec::new();
    let mut bad = |place: String, message: String| {
        out.push(Problem {
            document: m.id.clone(),
            place,
            message,
        })
    };
    if c.format != FORMAT {
        bad(
            "format".into(),
            format!("format {} is not supported (expected {FORMAT})", c.format),
        );
    }
    if !slug(&m.publisher) || !slug(&m.document) || m.version.trim().is_empty() {
        bad(
            "catalog".into(),
            "publisher and document must be [a-z0-9-]+ and version non-empty".into(),
        );
    }
    let expected = format!("{}/{}@{}", m.publisher, m.document, m.version);
    if m.id != expected {
        bad(
            "catalog.id".into(),
            format!(
                "is {:?} but publisher/document@version gives {expected:?}",
                m.id
            ),
        );
    }
    for (field, value) in [
        ("title", &m.title),
        ("publisher_name", &m.publisher_name),
        ("source_url", &m.source_url),
        ("attribution", &m.attribution),
    ] {
        if value.trim().is_empty() {
            bad(format!("catalog.{field}"), "is empty".into());
        }
    }
    if !date(&m.published) {
        bad(
            "catalog.published".into(),
            format!("{:?} is not YYYY, YYYY-MM or YYYY-MM-DD", m.published),
        );
    }
    if !m.coverage.complete && m.coverage.missing.trim().is_empty() {
        bad(
            "catalog.coverage".into(),
            "a partial catalog must say what is missing".into(),
        );
    }

    let mut sections: HashMap<&str, &Section> = HashMap::new();
    for s in &c.sections {
        if !ident(&s.id) {
            bad(
                format!("section {:?}", s.id),
                "id must be [A-Za-z0-9._()-]+".into(),
            );
        }
        if sections.insert(s.id.as_str(), s).is_some() {
            bad(format!("section {}", s.id), "duplicate section id".into());
        }
        if s.number != s.number.trim() {
            bad(
                format!("section {}", s.id),
                "number has leading or trailing blanks".into(),
            );
        }
    }
    for s in &c.sections {
        if !s.parent.is_empty() && !sections.contains_key(s.parent.as_str()) {
            bad(
                format!("section {}", s.id),
                format!("parent {:?} does not exist", s.parent),
            );
        }
        // Walk up: a cycle never reaches the top.
        let mut seen = HashSet::new();
        let mut cur = s;
        while !cur.parent.is_empty() {
            if !seen.insert(cur.id.as_str()) {
                bad(format!("section {}", s.id), "sections form a cycle".into());
                break;
            }
            match sections.get(cur.parent.as_str()) {
                Some(p) => cur = p,
                None => break,
            }
        }
    }
    let mut ids = HashSet::new();
    let mut numbers: HashSet<(&str, &str)> = HashSet::new();
    let mut gates = 0;
    for i in &c.items {
        let place = format!("item {}", i.id);
        if !ident(&i.id) {
            bad(place.clone(), "id must be [A-Za-z0-9._()-]+".into());
        }
        if !ids.insert(i.id.as_str()) {
            bad(place.clone(), "duplicate item id".into());
        }
        if !sections.contains_key(i.section.as_str()) {
            bad(
                place.clone(),
                format!("section {:?} does not exist", i.section),
            );
        }
        if i.number != i.number.trim() {
            bad(
                place.clone(),
                "number has leading or trailing blanks".into(),
            );
        }
        if !i.number.is_empty() && !numbers.insert((i.section.as_str(), i.number.as_str())) {
            bad(
                place.clone(),
                format!(
                    "number {:?} appears twice in section {}",
                    i.number, i.section
                ),
            );
        }
        if i.text.trim().is_empty() {
            bad(place.clone(), "text is empty".into());
        }
        match (i.answer, i.devices.is_empty()) {
            (Answer::YesNoPerDevice, true) => {
                bad(place.clone(), "yes_no_per_device needs devices".into())
            }
            (a, false) if a != Answer::YesNoPerDevice => bad(
                place.clone(),
                "devices are only for yes_no_per_device".into(),
            ),
            _ => {}
        }
        if i.gate {
            gates += 1;
        }
        if i.source.trim().is_empty() {
            bad(
                place.clone(),
                "source is empty: say where the text comes from".into(),
            );
        }
        if i.provenance == Provenance::Unverified && i.note.trim().is_empty() {
            bad(
                place.clone(),
                "an unverified item needs a note saying why".into(),
            );
        }
    }
    if gates > 1 {
        bad("items".into(), format!("{gates} gate items; at most one"));
    }
    out
}

pub fn check_crosswalk(x: &Crosswalk, registry: &Registry) -> Vec<Problem> {
    let m = &x.crosswalk;
    let mut out = Vec::new();
    let mut bad = |place: String, message: String| {
        out.push(Problem {
            document: format!("crosswalk {}", m.id),
            place,
            message,
        })
    };
    if x.format != FORMAT {
        bad(
            "format".into(),
            format!("format {} is not supported (expected {FORMAT})", x.format),
        );
    }
    if m.id.is_empty()
        || !m.id.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || "-_.@".contains(c)
                || c.is_ascii_uppercase()
        })
    {
        bad("crosswalk.id".into(), "id must be [A-Za-z0-9.@_-]+".into());
    }
    if m.title.trim().is_empty() || m.source.trim().is_empty() {
        bad("crosswalk".into(), "title and source must be given".into());
    }
    let from = registry.catalogs.get(&m.from);
    let to = registry.catalogs.get(&m.to);
    if from.is_none() {
        bad(
            "crosswalk.from".into(),
            format!("catalog {:?} does not exist", m.from),
        );
    }
    if to.is_none() {
        bad(
            "crosswalk.to".into(),
            format!("catalog {:?} does not exist", m.to),
        );
    }
    let exists = |c: Option<&Catalog>, id: &str| {
        c.is_none_or(|c| c.item(id).is_some() || c.section(id).is_some())
    };
    let mut seen = HashSet::new();
    for (n, r) in x.relations.iter().enumerate() {
        let place = format!("relation {} ({} → {})", n + 1, r.from, r.to);
        if !exists(from, &r.from) {
            bad(
                place.clone(),
                format!("{:?} is not an item or section of {}", r.from, m.from),
            );
        }
        if !exists(to, &r.to) {
            bad(
                place.clone(),
                format!("{:?} is not an item or section of {}", r.to, m.to),
            );
        }
        if !seen.insert((r.from.as_str(), r.to.as_str())) {
            bad(place, "the same pair appears twice".into());
        }
    }
    out
}
