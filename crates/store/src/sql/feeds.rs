//! SQL of the feed database (FeedStore), compiled for both backends as `feeds_sqlite::sql`
//! and `feeds_postgres::sql`; `Db` and `This` name the backend's database and store type.

use super::{Db, This};
use crate::feeds::{EosCycleRecord, EosProductRecord, FeedImport, FeedStore, NewFeedImport};
use crate::{new_id, now_ms, Result};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const IMPORT_COLS: &str = "id, kind, files, products, cycles, changed, skipped, warnings, \
    sha256, imported_at, imported_by, imported_label";

/// Rows of cycles bound per statement (13 values each; SQLite takes 32,766).
const CYCLES_PER_INSERT: usize = 200;

fn digest(p: &EosProductRecord) -> String {
    let json = serde_json::to_vec(p).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: String,
    title: String,
    category: Option<String>,
    cpes: String,
    source: String,
}

#[derive(sqlx::FromRow)]
struct CycleRow {
    product: String,
    #[sqlx(flatten)]
    cycle: EosCycleRecord,
}

#[async_trait]
impl FeedStore for This {
    async fn import_eos(
        &self,
        import: &NewFeedImport,
        products: &[EosProductRecord],
    ) -> Result<FeedImport> {
        let id = new_id();
        let now = now_ms();
        let mut tx = self.w().begin().await?;
        let stored: Vec<(String, String)> = sqlx::query_as("SELECT id, digest FROM eos_products")
            .fetch_all(&mut *tx)
            .await?;
        let stored: HashMap<String, String> = stored.into_iter().collect();
        let mut changed = 0i64;
        for p in products {
            let d = digest(p);
            if stored.get(&p.id) == Some(&d) {
                continue;
            }
            changed += 1;
            sqlx::query("DELETE FROM eos_cycles WHERE product = $1")
                .bind(&p.id)
                .execute(&mut *tx)
                .await?;
            let cpes = serde_json::to_string(&p.cpes).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "INSERT INTO eos_products (id, title, category, cpes, source, digest, import_id, \
                 updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO UPDATE SET \
                 title = excluded.title, category = excluded.category, cpes = excluded.cpes, \
                 source = excluded.source, digest = excluded.digest, \
                 import_id = excluded.import_id, updated_at = excluded.updated_at",
            )
            .bind(&p.id)
            .bind(&p.title)
            .bind(&p.category)
            .bind(&cpes)
            .bind(&p.source)
            .bind(&d)
            .bind(&id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for (n, chunk) in p.cycles.chunks(CYCLES_PER_INSERT).enumerate() {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO eos_cycles (product, position, cycle, label, codename, \
                     release_on, eoas, eol, eoes, latest, lts, lts_from, source) ",
                );
                q.push_values(chunk.iter().enumerate(), |mut b, (i, c)| {
                    b.push_bind(&p.id)
                        .push_bind((n * CYCLES_PER_INSERT + i) as i64)
                        .push_bind(&c.cycle)
                        .push_bind(&c.label)
                        .push_bind(&c.codename)
                        .push_bind(&c.release_on)
                        .push_bind(&c.eoas)
                        .push_bind(&c.eol)
                        .push_bind(&c.eoes)
                        .push_bind(&c.latest)
                        .push_bind(c.lts)
                        .push_bind(&c.lts_from)
                        .push_bind(&c.source);
                });
                q.build().execute(&mut *tx).await?;
            }
        }
        let rec = FeedImport {
            id,
            kind: import.kind.clone(),
            files: serde_json::to_string(&import.files).unwrap_or_else(|_| "[]".into()),
            products: products.len() as i64,
            cycles: products.iter().map(|p| p.cycles.len() as i64).sum(),
            changed,
            skipped: import.skipped,
            warnings: import.warnings,
            sha256: import.sha256.clone(),
            imported_at: now,
            imported_by: import.imported_by.clone(),
            imported_label: import.imported_label.clone(),
        };
        sqlx::query(&format!(
            "INSERT INTO feed_imports ({IMPORT_COLS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
        ))
        .bind(&rec.id)
        .bind(&rec.kind)
        .bind(&rec.files)
        .bind(rec.products)
        .bind(rec.cycles)
        .bind(rec.changed)
        .bind(rec.skipped)
        .bind(rec.warnings)
        .bind(&rec.sha256)
        .bind(rec.imported_at)
        .bind(&rec.imported_by)
        .bind(&rec.imported_label)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rec)
    }

    async fn eos_products(&self) -> Result<Vec<EosProductRecord>> {
        let products: Vec<ProductRow> = sqlx::query_as(
            "SELECT id, title, category, cpes, source FROM eos_products ORDER BY id",
        )
        .fetch_all(self.r())
        .await?;
        let cycles: Vec<CycleRow> = sqlx::query_as(
            "SELECT product, cycle, label, codename, release_on, eoas, eol, eoes, latest, lts, \
             lts_from, source FROM eos_cycles ORDER BY product, position",
        )
        .fetch_all(self.r())
        .await?;
        let mut by_product: HashMap<String, Vec<EosCycleRecord>> = HashMap::new();
        for c in cycles {
            by_product.entry(c.product).or_default().push(c.cycle);
        }
        Ok(products
            .into_iter()
            .map(|p| EosProductRecord {
                cycles: by_product.remove(&p.id).unwrap_or_default(),
                cpes: serde_json::from_str(&p.cpes).unwrap_or_default(),
                id: p.id,
                title: p.title,
                category: p.category,
                source: p.source,
            })
            .collect())
    }

    async fn feed_imports(&self, kind: &str, limit: i64) -> Result<Vec<FeedImport>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {IMPORT_COLS} FROM feed_imports WHERE kind = $1 \
             ORDER BY imported_at DESC, id DESC LIMIT $2"
        ))
        .bind(kind)
        .bind(limit)
        .fetch_all(self.r())
        .await?)
    }

    async fn feed_generation(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM feed_imports")
            .fetch_one(self.r())
            .await?;
        Ok(n)
    }
}
