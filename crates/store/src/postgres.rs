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
        sql::anchor::register_existing_chains(&pool).await?;
        Ok(PgStore { pool })
    }

    /// Connect into a new private schema (`mamori_t_…`, first on the `search_path`, with
    /// `pg_trgm` in `public` as on a real server) and migrate it: each test gets a database
    /// of its own on one server. Schemas of earlier runs older than ten minutes are dropped.
    /// Set-up holds an advisory lock, since two concurrent `CREATE EXTENSION` collide.
    pub async fn connect_private_schema(url: &str) -> Result<Self> {
        use sqlx::Connection;
        let now = crate::now_ms();
        let schema = format!(
            "mamori_t_{:011x}{}",
            now,
            &crate::new_id().replace('-', "")[20..]
        );
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query("SELECT pg_advisory_lock(7460001)")
            .execute(&mut conn)
            .await?;
        let old: Vec<(String,)> = sqlx::query_as(
            "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'mamori\\_t\\_%'",
        )
        .fetch_all(&mut conn)
        .await?;
        for (name,) in old {
            let ts = name
                .trim_start_matches("mamori_t_")
                .get(..11)
                .and_then(|h| i64::from_str_radix(h, 16).ok());
            if ts.is_some_and(|t| t < now - 600_000) {
                let _ = sqlx::query(&format!("DROP SCHEMA {name} CASCADE"))
                    .execute(&mut conn)
                    .await;
            }
        }
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
            .execute(&mut conn)
            .await?;
        sqlx::query("ALTER EXTENSION pg_trgm SET SCHEMA public")
            .execute(&mut conn)
            .await?;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await?;
        sqlx::query("SELECT pg_advisory_unlock(7460001)")
            .execute(&mut conn)
            .await?;
        let opts = PgConnectOptions::from_str(url)?
            .options([("search_path", format!("{schema},public").as_str())]);
        Self::connect_with(opts).await
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
    /// Every answer's matrix fields of institution `$1` as one JSON array of arrays.
    const MATRIX_CELLS: &'static str = "SELECT COALESCE(json_agg(json_build_array(contract_id, \
        item_id, responsibility, other_vendor_id, state, first_check, completed_on))::text, '[]') \
        FROM role_sharing_items WHERE institution_id = $1";
    /// The condition for the `n`th search word and its bound value: ILIKE on the haystack,
    /// answered by the pg_trgm index.
    fn word_condition(n: usize, word: &str) -> (String, String) {
        (
            format!("haystack ILIKE ${n} ESCAPE '\\'"),
            sql::like_escape(word),
        )
    }
}

// The same SQL, compiled against this backend (see sql/mod.rs): intentional.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
