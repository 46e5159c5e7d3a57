//! The catalogs served: the embedded ones plus every confirmed import, and their search
//! index in the database.

use mamori_catalog::{Catalog, Provenance, Registry};
use mamori_domain::codes::{CatalogKind, CatalogOrigin};
use mamori_store::{Actor, CatalogItemRecord, CatalogRecord, Store};
use sha2::{Digest, Sha256};

/// The catalogs served: the embedded ones and the confirmed imports.
#[derive(Debug, Default)]
pub struct Catalogs {
    pub registry: Registry,
    /// Ids of the versions that came from an import (not shipped with this release).
    pub imported: std::collections::BTreeSet<String>,
    /// Confirmed imports in the store when these were loaded (shipped meanwhile or not).
    pub confirmed: i64,
}

impl std::ops::Deref for Catalogs {
    type Target = Registry;
    fn deref(&self) -> &Self::Target {
        &self.registry
    }
}

/// Load every catalog served (embedded and imported) into the search index; unchanged ones
/// are skipped.
pub async fn sync(store: &dyn Store, catalogs: &Catalogs) -> mamori_store::Result<usize> {
    let actor = Actor::system("catalog-loader");
    let mut loaded = 0;
    for c in catalogs.catalogs.values() {
        let origin = if catalogs.imported.contains(&c.catalog.id) {
            CatalogOrigin::Imported
        } else {
            CatalogOrigin::Embedded
        };
        if store.load_catalog(&actor, &index_record(c, origin)).await? {
            loaded += 1;
        }
    }
    Ok(loaded)
}

/// The catalogs shipped in the binary, parsed once per process. The embedded files are
/// validated by the test suite; should one ever fail to parse, the product still starts and
/// says so in the log.
pub fn embedded() -> Registry {
    static EMBEDDED: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    EMBEDDED
        .get_or_init(|| {
            Registry::embedded().unwrap_or_else(|e| {
                tracing::error!(error = %e, "embedded catalogs could not be parsed");
                Registry::default()
            })
        })
        .clone()
}

/// The embedded catalogs plus every confirmed import (an import whose version has since
/// been shipped embedded gives way to the shipped file).
pub async fn load(store: &dyn Store) -> mamori_store::Result<Catalogs> {
    let confirmed = store.confirmed_catalog_imports().await?;
    let mut catalogs = Catalogs {
        registry: embedded(),
        imported: Default::default(),
        confirmed: confirmed.len() as i64,
    };
    for i in confirmed {
        if catalogs.catalogs.contains_key(&i.catalog_id) {
            tracing::info!(catalog = %i.catalog_id, "imported version is now shipped; using the shipped file");
            continue;
        }
        match mamori_catalog::parse(&i.catalog_id, &i.body) {
            Ok(mamori_catalog::Document::Catalog(c)) => {
                catalogs.imported.insert(c.catalog.id.clone());
                catalogs.registry.add_imported(c, &i.based_on);
            }
            Ok(_) => tracing::error!(import = %i.id, "stored import is not a catalog"),
            Err(e) => {
                tracing::error!(import = %i.id, error = %e, "stored import could not be parsed")
            }
        }
    }
    Ok(catalogs)
}

/// What an export says of a catalog version that holds only part of its official document
/// (「公式文書の一部のみを収録 (N 項目)」); None when complete.
pub fn partial_note(tr: &mamori_i18n::Tr, cat: &Catalog) -> Option<String> {
    (!cat.catalog.coverage.complete).then(|| tr.t1("coverage-partial-short", "n", cat.items.len()))
}

/// The code of a catalog file's kind.
pub fn kind_of(k: mamori_catalog::Kind) -> CatalogKind {
    use mamori_catalog::Kind;
    match k {
        Kind::Guideline => CatalogKind::Guideline,
        Kind::CyberChecklist => CatalogKind::CyberChecklist,
        Kind::RoleSharing => CatalogKind::RoleSharing,
        Kind::Bcp => CatalogKind::Bcp,
        Kind::Disclosure => CatalogKind::Disclosure,
    }
}

/// A catalog as the search index keeps it.
pub fn index_record(c: &Catalog, origin: CatalogOrigin) -> CatalogRecord {
    let m = &c.catalog;
    let body = c.to_toml().unwrap_or_default();
    CatalogRecord {
        id: m.id.clone(),
        document: format!("{}/{}", m.publisher, m.document),
        version: m.version.clone(),
        kind: kind_of(m.kind),
        title: m.title.clone(),
        complete: m.coverage.complete,
        content_hash: hex::encode(Sha256::digest(body.as_bytes())),
        origin,
        items: c
            .items
            .iter()
            .map(|i| CatalogItemRecord {
                catalog_id: m.id.clone(),
                item_id: i.id.clone(),
                kind: mamori_domain::codes::CatalogEntryKind::Item,
                number: i.number.clone(),
                section_title: c
                    .section(&i.section)
                    .map(|s| s.title.clone())
                    .unwrap_or_default(),
                text: i.text.clone(),
                extra: format!("{} {} {}", i.references.join(" "), i.note, i.text_en),
                provenance: provenance_code(i.provenance).into(),
            })
            .chain(c.sections.iter().filter(|s| !s.title.is_empty()).map(|s| {
                CatalogItemRecord {
                    catalog_id: m.id.clone(),
                    item_id: s.id.clone(),
                    kind: mamori_domain::codes::CatalogEntryKind::Section,
                    number: s.number.clone(),
                    section_title: c
                        .section(&s.parent)
                        .map(|p| p.title.clone())
                        .unwrap_or_default(),
                    text: s.title.clone(),
                    extra: String::new(),
                    provenance: "verbatim".into(),
                }
            }))
            .collect(),
    }
}

pub fn provenance_code(p: Provenance) -> &'static str {
    match p {
        Provenance::Verbatim => "verbatim",
        Provenance::Seed => "seed",
        Provenance::Unverified => "unverified",
    }
}
