//! The feed database on SQLite: a file of its own (`feeds.sqlite`) with the same settings as
//! the main one (WAL, `synchronous = FULL`, one writer, read-only readers), or one in-memory
//! connection for tests and `sqlite::memory:`.

use crate::Result;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};
use std::path::Path;
use std::time::Duration;

pub type Db = Sqlite;
type This = SqliteFeedStore;

pub struct SqliteFeedStore {
    writer: Pool<Sqlite>,
    reader: Pool<Sqlite>,
}

impl SqliteFeedStore {
    /// Open (creating if needed) and migrate the feed database file at `path`.
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
        sqlx::migrate!("./migrations/feeds/sqlite")
            .run(&writer)
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(base.read_only(true))
            .await?;
        Ok(SqliteFeedStore { writer, reader })
    }

    /// A migrated in-memory feed database: one connection kept open for the pool's life
    /// (every connection to `:memory:` is a database of its own).
    pub async fn memory() -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(":memory:")
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/feeds/sqlite")
            .run(&pool)
            .await?;
        Ok(SqliteFeedStore {
            writer: pool.clone(),
            reader: pool,
        })
    }

    /// The underlying pool, for tests.
    pub fn raw_pool(&self) -> &Pool<Sqlite> {
        &self.writer
    }

    fn w(&self) -> &Pool<Sqlite> {
        &self.writer
    }
    fn r(&self) -> &Pool<Sqlite> {
        &self.reader
    }
}

// The same SQL, compiled against this backend (see sql/feeds.rs): intentional.
#[allow(clippy::duplicate_mod)]
#[path = "sql/feeds.rs"]
mod sql;
