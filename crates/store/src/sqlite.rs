//! SQLite backend: one file in the data directory, WAL, foreign keys on. Writes go through a
//! single-connection pool (SQLite allows one writer at a time; queuing in-process avoids
//! busy errors), reads through a pool of read-only connections. Every write carries its
//! audit event, so every commit is made durable before it returns (`synchronous = FULL`:
//! the WAL is synced at each commit; with NORMAL a power cut could lose the last commits,
//! events included, which would look like a rollback of the chain).

use crate::Result;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};
use std::path::Path;
use std::time::Duration;

pub type Db = Sqlite;
type This = SqliteStore;

pub struct SqliteStore {
    writer: Pool<Sqlite>,
    reader: Pool<Sqlite>,
}

impl SqliteStore {
    /// Open (creating if needed) and migrate the database file at `path`.
    pub async fn open(path: &Path) -> Result<Self> {
        let base = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone().create_if_missing(true))
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        sql::anchor::register_existing_chains(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(base.read_only(true))
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    /// The underlying pool, for maintenance and for tests that tamper with stored rows.
    pub fn raw_pool(&self) -> &Pool<Sqlite> {
        &self.writer
    }

    fn w(&self) -> &Pool<Sqlite> {
        &self.writer
    }
    fn r(&self) -> &Pool<Sqlite> {
        &self.reader
    }
    fn backend_name() -> &'static str {
        "sqlite"
    }
    /// Every answer's matrix fields of institution `$1` as one JSON array of arrays.
    const MATRIX_CELLS: &'static str = "SELECT COALESCE(json_group_array(json_array(contract_id, \
        item_id, responsibility, other_vendor_id, state, first_check, completed_on)), '[]') \
        FROM role_sharing_items WHERE institution_id = $1";
    /// The condition for the `n`th search word and its bound value: 3+ characters through
    /// the FTS5 trigram index (a quoted phrase), shorter ones by LIKE on the haystack.
    fn word_condition(n: usize, word: &str) -> (String, String) {
        if word.chars().count() >= 3 {
            (
                format!("rowid IN (SELECT rowid FROM catalog_items_fts WHERE catalog_items_fts MATCH ${n})"),
                format!("\"{}\"", word.replace('"', "\"\"")),
            )
        } else {
            (
                format!("haystack LIKE ${n} ESCAPE '\\'"),
                sql::like_escape(word),
            )
        }
    }
}

// The same SQL, compiled against this backend (see sql/mod.rs): intentional.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
