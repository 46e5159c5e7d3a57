//! PostgreSQL backend. Concurrent appends to one audit chain are serialised by the row lock
//! that `UPDATE audit_heads` takes inside the transaction.

use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres};
use std::str::FromStr;

pub type Db = Postgres;
type This = PgStore;

pub struct PgStore {
    pool: Pool<Postgres>,
}

impl PgStore {
    /// Connect and migrate.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connect with explicit options (tests use a private `search_path` per test).
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        shared::anchor::register_existing_chains(&pool).await?;
        Ok(PgStore { pool })
    }

    /// The underlying pool, for maintenance and for tests that tamper with stored rows.
    pub fn raw_pool(&self) -> &Pool<Postgres> {
        &self.pool
    }

    fn w(&self) -> &Pool<Postgres> {
        &self.pool
    }
    fn r(&self) -> &Pool<Postgres> {
        &self.pool
    }
    fn backend_name() -> &'static str {
        "postgres"
    }
    /// The condition for the `n`th search word and its bound value: ILIKE on the haystack,
    /// answered by the pg_trgm index.
    fn word_condition(n: usize, word: &str) -> (String, String) {
        (
            format!("haystack ILIKE ${n} ESCAPE '\\'"),
            shared::like_escape(word),
        )
    }
}

// The same SQL, compiled against this backend (see shared.rs): intentional.
#[allow(clippy::duplicate_mod)]
#[path = "shared.rs"]
mod shared;
