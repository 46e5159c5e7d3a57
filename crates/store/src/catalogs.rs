//! Catalogs (global): the search index and uploaded imports.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::codes::ImportStatus;

/// A catalog as the search index keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRecord {
    pub id: String,
    pub document: String,
    pub version: String,
    pub kind: mamori_domain::codes::CatalogKind,
    pub title: String,
    pub complete: bool,
    /// Hash of the catalog's file: an unchanged catalog is not loaded again.
    pub content_hash: String,
    pub origin: mamori_domain::codes::CatalogOrigin,
    pub items: Vec<CatalogItemRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogItemRecord {
    pub catalog_id: String,
    /// Item id, or section id for a section.
    pub item_id: String,
    pub kind: mamori_domain::codes::CatalogEntryKind,
    pub number: String,
    pub section_title: String,
    pub text: String,
    /// References and notes: searched, ranked below the text.
    pub extra: String,
    pub provenance: String,
}

/// A new version of a document read from an uploaded Excel or CSV file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogImport {
    pub id: String,
    /// The catalog it becomes, `publisher/document@version`.
    pub catalog_id: String,
    /// The version it was compared with (and took its metadata from).
    pub based_on: String,
    pub file_name: String,
    pub file_sha256: String,
    /// Where the sheet's columns were found, as shown in the preview.
    pub mapping: String,
    /// The generated catalog file (TOML); empty in lists.
    pub body: String,
    pub status: ImportStatus,
    /// The user who uploaded it; none from the command line.
    pub created_by: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Store a catalog for search unless the same content is already there. Returns true
    /// when it was (re)loaded; a load is audited on the global chain.
    async fn load_catalog(&self, actor: &Actor, catalog: &CatalogRecord) -> Result<bool>;
    /// Items whose number, section title or text contain every one of `words`
    /// (case-insensitive), at most `limit`, unranked.
    async fn search_catalog_items(
        &self,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<CatalogItemRecord>>;
    /// Stage an import (status `pending`); audited `catalog.import.stage`.
    async fn stage_catalog_import(&self, actor: &Actor, import: &CatalogImport) -> Result<()>;
    async fn catalog_import(&self, id: &str) -> Result<Option<CatalogImport>>;
    /// The most recent imports, newest first (any status), without their bodies.
    async fn catalog_imports(&self, limit: i64) -> Result<Vec<CatalogImport>>;
    /// Confirm (`true`) or discard a pending import. Refused with `Conflict` when it is no
    /// longer pending, and with `Duplicate` when that version was already confirmed.
    async fn decide_catalog_import(&self, actor: &Actor, id: &str, confirm: bool) -> Result<()>;
    /// Every confirmed import, oldest first, with its body: loaded at every start.
    async fn confirmed_catalog_imports(&self) -> Result<Vec<CatalogImport>>;
    /// How many imports are confirmed (a confirmation is never undone): a running server
    /// compares it with what it serves, to serve a version confirmed by another process
    /// (the command line) without a restart.
    async fn confirmed_catalog_import_count(&self) -> Result<i64>;
}
