//! SQL of the catalogs area (CatalogStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish, This};
use crate::error::fk;
use crate::{
    now_ms, Actor, AuditDraft, CatalogImport, CatalogItemRecord, CatalogRecord, CatalogStore,
    ConflictKind, Entity, Result, StoreError,
};
use async_trait::async_trait;
use serde_json::json;

#[async_trait]
impl CatalogStore for This {
    async fn load_catalog(&self, actor: &Actor, c: &CatalogRecord) -> Result<bool> {
        let mut tx = self.begin().await?;
        let current: Option<(String,)> =
            sqlx::query_as("SELECT content_hash FROM catalogs WHERE id = $1")
                .bind(&c.id)
                .fetch_optional(&mut *tx)
                .await?;
        if current.as_ref().is_some_and(|(h,)| *h == c.content_hash) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM catalog_items WHERE catalog_id = $1")
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM catalogs WHERE id = $1")
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO catalogs (id, document, version, kind, title, complete, content_hash, \
             origin, loaded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(&c.id)
        .bind(&c.document)
        .bind(&c.version)
        .bind(c.kind)
        .bind(&c.title)
        .bind(c.complete)
        .bind(&c.content_hash)
        .bind(c.origin)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        for i in &c.items {
            sqlx::query(
                "INSERT INTO catalog_items (catalog_id, item_id, kind, number, section_title, \
                 text, extra, provenance, haystack) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
            )
            .bind(&c.id)
            .bind(&i.item_id)
            .bind(i.kind)
            .bind(&i.number)
            .bind(&i.section_title)
            .bind(&i.text)
            .bind(&i.extra)
            .bind(&i.provenance)
            .bind(mamori_domain::text::fold(&format!(
                "{} {} {} {}",
                i.number, i.section_title, i.text, i.extra
            )))
            .execute(&mut *tx)
            .await?;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "catalog.load",
                "catalog",
                &c.id,
                json!({"hash": c.content_hash, "items": c.items.len(), "origin": c.origin,
                       "replaced": current.is_some()}),
            ),
        )
        .await?;
        Ok(true)
    }

    async fn search_catalog_items(
        &self,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<CatalogItemRecord>> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        // One condition per word (all must match), as the backend answers it best.
        let conditions: Vec<(String, String)> = words
            .iter()
            .enumerate()
            .map(|(n, w)| This::word_condition(n + 1, &mamori_domain::text::fold(w)))
            .collect();
        let sql = format!(
            "SELECT catalog_id, item_id, kind, number, section_title, text, extra, provenance \
             FROM catalog_items WHERE {} LIMIT ${}",
            conditions
                .iter()
                .map(|(c, _)| c.as_str())
                .collect::<Vec<_>>()
                .join(" AND "),
            words.len() + 1
        );
        let mut q = sqlx::query_as::<_, CatalogItemRecord>(&sql);
        for (_, value) in conditions {
            q = q.bind(value);
        }
        Ok(q.bind(limit).fetch_all(self.r()).await?)
    }

    async fn stage_catalog_import(&self, actor: &Actor, i: &CatalogImport) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO catalog_imports (id, catalog_id, based_on, file_name, file_sha256, \
             mapping, body, status, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$9,$6,'pending',$7,$8)",
        )
        .bind(&i.id)
        .bind(&i.catalog_id)
        .bind(&i.based_on)
        .bind(&i.file_name)
        .bind(&i.file_sha256)
        .bind(&i.body)
        .bind(&i.created_by)
        .bind(now_ms())
        .bind(&i.mapping)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::CatalogImport))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "catalog.import.stage",
                "catalog",
                &i.catalog_id,
                json!({"import": i.id, "file": i.file_name, "sha256": i.file_sha256,
                       "based_on": i.based_on}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn catalog_import(&self, id: &str) -> Result<Option<CatalogImport>> {
        self.one("SELECT id, catalog_id, based_on, file_name, file_sha256, mapping, body, status, created_by, \
             created_at, decided_at FROM catalog_imports WHERE id = $1", id).await
    }

    async fn catalog_imports(&self, limit: i64) -> Result<Vec<CatalogImport>> {
        self.all("SELECT id, catalog_id, based_on, file_name, file_sha256, mapping, '' AS body, status, \
             created_by, created_at, decided_at FROM catalog_imports \
             ORDER BY created_at DESC, id LIMIT $1", limit).await
    }

    async fn decide_catalog_import(&self, actor: &Actor, id: &str, confirm: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT catalog_id FROM catalog_imports WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((catalog_id,)) = row else {
            return Err(match self.catalog_import(id).await? {
                Some(_) => StoreError::Conflict(ConflictKind::CatalogImportDecided),
                None => StoreError::NotFound(Entity::CatalogImport),
            });
        };
        let n = sqlx::query(
            "UPDATE catalog_imports SET status = $1, decided_at = $2 \
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(if confirm { "confirmed" } else { "discarded" })
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::CatalogVersion))?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(ConflictKind::CatalogImportDecided));
        }
        let event = if confirm {
            "catalog.import.confirm"
        } else {
            "catalog.import.discard"
        };
        finish(
            tx,
            actor,
            AuditDraft::new(None, event, "catalog", &catalog_id, json!({"import": id})),
        )
        .await?;
        Ok(())
    }

    async fn confirmed_catalog_imports(&self) -> Result<Vec<CatalogImport>> {
        Ok(sqlx::query_as::<_, CatalogImport>(
            "SELECT id, catalog_id, based_on, file_name, file_sha256, mapping, body, status, created_by, \
             created_at, decided_at FROM catalog_imports WHERE status = 'confirmed' \
             ORDER BY decided_at, id",
        )
        .fetch_all(self.r())
        .await?)
    }

    async fn confirmed_catalog_import_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM catalog_imports WHERE status = 'confirmed'",
        )
        .fetch_one(self.r())
        .await?)
    }
}
