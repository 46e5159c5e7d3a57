//! Feed data: end-of-support products now, the vulnerability feeds next. Feed data is global,
//! not an institution's, so it lives in a database of its own — on SQLite the file
//! `feeds.sqlite` next to the main file (an in-memory database beside an in-memory store),
//! on PostgreSQL the schema `feeds` — with migrations of its own
//! (`migrations/feeds/{sqlite,postgres}`). Backups and the deletion of a tenant never touch
//! it, and a feed can be dropped and imported again without touching anyone's records.
//!
//! The audit event of an import lives in the main database's global chain: the app appends
//! it after the import commits here (two databases share no transaction), and the import's
//! row in `feed_imports` names the files and their SHA-256, so the event and the row can be
//! matched.

use crate::Result;
use async_trait::async_trait;
use serde::Serialize;
use std::sync::Arc;

pub use crate::feeds_postgres::PgFeedStore;
pub use crate::feeds_sqlite::SqliteFeedStore;

/// One end-of-support product as stored. Support ends are `YYYY-MM-DD`, `ended` or
/// `not_ended` (the app converts them to and from `mamori_feeds`' model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EosProductRecord {
    pub id: String,
    pub title: String,
    pub category: Option<String>,
    pub cpes: Vec<String>,
    /// `endoflife_md`, `endoflife_api` or `distro_info`.
    pub source: String,
    pub cycles: Vec<EosCycleRecord>,
}

/// One release cycle as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EosCycleRecord {
    pub cycle: String,
    pub label: Option<String>,
    pub codename: Option<String>,
    pub release_on: Option<String>,
    pub eoas: Option<String>,
    pub eol: String,
    pub eoes: Option<String>,
    pub latest: Option<String>,
    pub lts: bool,
    pub lts_from: Option<String>,
    pub source: String,
}

/// An import as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FeedImport {
    pub id: String,
    /// `eos` (the vulnerability feeds will add theirs).
    pub kind: String,
    /// JSON array of the file names read.
    pub files: String,
    pub products: i64,
    pub cycles: i64,
    /// Products whose rows the import rewrote (0 when the same data came again).
    pub changed: i64,
    pub skipped: i64,
    pub warnings: i64,
    pub sha256: String,
    pub imported_at: i64,
    pub imported_by: Option<String>,
    pub imported_label: String,
}

impl FeedImport {
    /// The file names read.
    pub fn file_names(&self) -> Vec<String> {
        serde_json::from_str(&self.files).unwrap_or_default()
    }
}

/// What an import says about itself (the store adds id, counts and time).
#[derive(Debug, Clone, Default)]
pub struct NewFeedImport {
    pub kind: String,
    pub files: Vec<String>,
    pub skipped: i64,
    pub warnings: i64,
    pub sha256: String,
    pub imported_by: Option<String>,
    pub imported_label: String,
}

#[async_trait]
pub trait FeedStore: Send + Sync + 'static {
    /// Write the products in one transaction: each product given replaces its stored row and
    /// cycles, unless it is exactly as stored (then its rows are left alone, so the same
    /// files imported twice give the same rows); products not given are kept. The import is
    /// recorded.
    async fn import_eos(
        &self,
        import: &NewFeedImport,
        products: &[EosProductRecord],
    ) -> Result<FeedImport>;
    /// Every product with its cycles, by id.
    async fn eos_products(&self) -> Result<Vec<EosProductRecord>>;
    /// The latest imports of a kind, newest first.
    async fn feed_imports(&self, kind: &str, limit: i64) -> Result<Vec<FeedImport>>;
    /// How many imports were ever recorded (of any kind): a cache of feed data is stale when
    /// this changed.
    async fn feed_generation(&self) -> Result<i64>;
}

/// Open the feed database that goes with the main database `url` (see the module doc):
/// `postgres://…` → the schema `feeds` of that database; `sqlite://DIR/FILE` →
/// `DIR/feeds.sqlite`; `sqlite::memory:` or `:memory:` → an in-memory database.
pub async fn open_feeds(url: &str) -> Result<Arc<dyn FeedStore>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PgFeedStore::connect(url, "feeds").await?));
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    if path.is_empty() || path.contains(":memory:") {
        return Ok(Arc::new(SqliteFeedStore::memory().await?));
    }
    Ok(Arc::new(
        SqliteFeedStore::open(&feeds_path(std::path::Path::new(path))).await?,
    ))
}

/// The feed database's file beside the main SQLite file.
pub fn feeds_path(main: &std::path::Path) -> std::path::PathBuf {
    main.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."))
        .join("feeds.sqlite")
}
