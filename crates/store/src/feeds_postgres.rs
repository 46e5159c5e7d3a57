//! The feed database on PostgreSQL: the schema `feeds` of the main database (its own
//! migrations table inside it), reached through a pool whose `search_path` is that schema
//! alone, so no feed statement can touch a tenant table.

use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres};
use std::str::FromStr;

pub type Db = Postgres;
type This = PgFeedStore;

pub struct PgFeedStore {
    pool: Pool<Postgres>,
}

impl PgFeedStore {
    /// Connect to `url` with the schema `schema` (created when missing) and migrate it.
    pub async fn connect(url: &str, schema: &str) -> Result<Self> {
        if !schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(crate::StoreError::Db(sqlx::Error::Configuration(
                format!("feed schema name {schema:?}").into(),
            )));
        }
        let opts = PgConnectOptions::from_str(url)?.options([("search_path", schema)]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&pool)
            .await?;
        sqlx::migrate!("./migrations/feeds/postgres")
            .run(&pool)
            .await?;
        Ok(PgFeedStore { pool })
    }

    /// A schema of its own for a test (`feeds_t_…`); those of earlier runs older than ten
    /// minutes are dropped.
    pub async fn connect_private_schema(url: &str) -> Result<Self> {
        let now = crate::now_ms();
        let schema = format!(
            "feeds_t_{:011x}{}",
            now,
            &crate::new_id().replace('-', "")[20..]
        );
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(url)?)
            .await?;
        let old: Vec<(String,)> = sqlx::query_as(
            "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'feeds\\_t\\_%'",
        )
        .fetch_all(&admin)
        .await?;
        for (name,) in old {
            let ts = name
                .trim_start_matches("feeds_t_")
                .get(..11)
                .and_then(|h| i64::from_str_radix(h, 16).ok());
            if ts.is_some_and(|t| t < now - 600_000) {
                let _ = sqlx::query(&format!("DROP SCHEMA {name} CASCADE"))
                    .execute(&admin)
                    .await;
            }
        }
        admin.close().await;
        Self::connect(url, &schema).await
    }

    /// The underlying pool, for tests.
    pub fn raw_pool(&self) -> &Pool<Postgres> {
        &self.pool
    }

    fn w(&self) -> &Pool<Postgres> {
        &self.pool
    }
    fn r(&self) -> &Pool<Postgres> {
        &self.pool
    }
}

// The same SQL, compiled against this backend (see sql/feeds.rs): intentional.
#[allow(clippy::duplicate_mod)]
#[path = "sql/feeds.rs"]
mod sql;
