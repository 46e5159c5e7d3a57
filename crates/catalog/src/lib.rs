//! The official documents as versioned data (format: `docs/CATALOG_FORMAT.md`).
//!
//! A [`Catalog`] is one version of one document (its sections and items); a [`Crosswalk`]
//! relates the items of two catalogs. The shipped files are embedded in the binary; any
//! file can be parsed and validated with precise, located errors.

pub mod import;
pub mod model;
pub mod search;
pub mod validate;

pub use model::*;
pub use validate::{check_catalog, check_crosswalk, Problem};

use std::collections::BTreeMap;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Every catalog and crosswalk, by id.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    pub catalogs: BTreeMap<String, Catalog>,
    pub crosswalks: BTreeMap<String, Crosswalk>,
}

/// A file that could not be read as a catalog or crosswalk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct ParseError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Catalog(Catalog),
    Crosswalk(Crosswalk),
}

/// Parse one file; `path` is used in messages only.
pub fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let located = |e: toml::de::Error| {
        let (line, column) = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before
                    .rsplit('\n')
                    .next()
                    .map(|l| l.chars().count())
                    .unwrap_or(0)
                    + 1;
                (line, column)
            })
            .unwrap_or((0, 0));
        ParseError {
            path: path.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    };
    let table: toml::Table = toml::from_str(text).map_err(located)?;
    if table.contains_key("crosswalk") {
        toml::from_str::<Crosswalk>(text)
            .map(Document::Crosswalk)
            .map_err(located)
    } else if table.contains_key("catalog") {
        toml::from_str::<Catalog>(text)
            .map(Document::Catalog)
            .map_err(located)
    } else {
        Err(ParseError {
            path: path.to_string(),
            line: 1,
            column: 1,
            message: "neither a [catalog] nor a [crosswalk] table".into(),
        })
    }
}

/// The embedded files, as (path relative to data/, text).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

impl Registry {
    /// Parse every embedded file. Parse errors are returned; validation is separate
    /// ([`Registry::problems`]).
    pub fn embedded() -> Result<Registry, ParseError> {
        let mut r = Registry::default();
        for (path, text) in embedded_files() {
            r.add(parse(path, text)?);
        }
        Ok(r)
    }

    pub fn add(&mut self, doc: Document) {
        match doc {
            Document::Catalog(c) => {
                self.catalogs.insert(c.catalog.id.clone(), c);
            }
            Document::Crosswalk(x) => {
                self.crosswalks.insert(x.crosswalk.id.clone(), x);
            }
        }
    }

    /// Add a version read by [`import::plan`] with its crosswalk from `based_on`.
    pub fn add_imported(&mut self, catalog: Catalog, based_on: &str) {
        if let Some(old) = self.catalogs.get(based_on) {
            let x = import::version_crosswalk(old, &catalog);
            self.crosswalks.insert(x.crosswalk.id.clone(), x);
        }
        self.catalogs.insert(catalog.catalog.id.clone(), catalog);
    }

    /// Every problem of every catalog and crosswalk, prefixed with its id.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for c in self.catalogs.values() {
            out.extend(check_catalog(c));
        }
        for x in self.crosswalks.values() {
            out.extend(check_crosswalk(x, self));
        }
        out
    }

    /// The other catalogs' items related to `item` of `catalog`, through every crosswalk
    /// (in either direction): (crosswalk, relation kind, other catalog, other id, forward).
    pub fn related(&self, catalog: &str, item: &str) -> Vec<(&Crosswalk, &Relation, bool)> {
        let mut out = Vec::new();
        for x in self.crosswalks.values() {
            for r in &x.relations {
                if x.crosswalk.from == catalog && r.from == item {
                    out.push((x, r, true));
                } else if x.crosswalk.to == catalog && r.to == item {
                    out.push((x, r, false));
                }
            }
        }
        out
    }
}
