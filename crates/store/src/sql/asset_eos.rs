//! SQL of the end-of-support links (AssetEosStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish, This};
use crate::{
    now_ms, Actor, AssetEosLink, AssetEosStore, AuditDraft, ConflictKind, Entity, Result,
    StoreError,
};
use async_trait::async_trait;
use serde_json::json;

const COLS: &str = "asset_id, institution_id, product, cycle, confirmed_by, confirmed_label, \
    confirmed_at, version";

#[async_trait]
impl AssetEosStore for This {
    async fn link_asset_eos(
        &self,
        actor: &Actor,
        link: &AssetEosLink,
        expected_version: Option<i64>,
    ) -> Result<AssetEosLink> {
        let mut tx = self.begin().await?;
        // The asset's row, held for the rest of the transaction (a no-op update takes its
        // lock on PostgreSQL), and its institution checked.
        let held = sqlx::query(
            "UPDATE assets SET version = version WHERE id = $1 AND institution_id = $2",
        )
        .bind(&link.asset_id)
        .bind(&link.institution_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held != 1 {
            return Err(StoreError::NotFound(Entity::Asset));
        }
        let current: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT product, cycle, version FROM asset_eos_links WHERE asset_id = $1",
        )
        .bind(&link.asset_id)
        .fetch_optional(&mut *tx)
        .await?;
        let now = now_ms();
        let version = match (&current, expected_version) {
            (None, None) => {
                sqlx::query(&format!(
                    "INSERT INTO asset_eos_links ({COLS}) VALUES ($1,$2,$3,$4,$5,$6,$7,1)"
                ))
                .bind(&link.asset_id)
                .bind(&link.institution_id)
                .bind(&link.product)
                .bind(&link.cycle)
                .bind(&actor.user_id)
                .bind(&actor.label)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                1
            }
            (Some((_, _, v)), Some(expected)) if *v == expected => {
                sqlx::query(
                    "UPDATE asset_eos_links SET product = $2, cycle = $3, confirmed_by = $4, \
                     confirmed_label = $5, confirmed_at = $6, version = version + 1 \
                     WHERE asset_id = $1 AND version = $7",
                )
                .bind(&link.asset_id)
                .bind(&link.product)
                .bind(&link.cycle)
                .bind(&actor.user_id)
                .bind(&actor.label)
                .bind(now)
                .bind(expected)
                .execute(&mut *tx)
                .await?;
                expected + 1
            }
            _ => return Err(StoreError::Conflict(ConflictKind::StaleAsset)),
        };
        let before = current.map(|(p, c, _)| json!({"product": p, "cycle": c}));
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&link.institution_id),
                "asset.eos_link",
                "asset",
                &link.asset_id,
                json!({"product": link.product, "cycle": link.cycle, "before": before}),
            ),
        )
        .await?;
        Ok(AssetEosLink {
            confirmed_by: actor.user_id.clone(),
            confirmed_label: actor.label.clone(),
            confirmed_at: now,
            version,
            ..link.clone()
        })
    }

    async fn unlink_asset_eos(
        &self,
        actor: &Actor,
        institution_id: &str,
        asset_id: &str,
        expected_version: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let current: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT product, cycle, version FROM asset_eos_links \
             WHERE asset_id = $1 AND institution_id = $2",
        )
        .bind(asset_id)
        .bind(institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((product, cycle, version)) = current else {
            return Err(StoreError::Conflict(ConflictKind::StaleAsset));
        };
        let n = sqlx::query("DELETE FROM asset_eos_links WHERE asset_id = $1 AND version = $2")
            .bind(asset_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if version != expected_version || n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleAsset));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "asset.eos_unlink",
                "asset",
                asset_id,
                json!({"product": product, "cycle": cycle}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn asset_eos_link(&self, asset_id: &str) -> Result<Option<AssetEosLink>> {
        self.one(
            &format!("SELECT {COLS} FROM asset_eos_links WHERE asset_id = $1"),
            asset_id,
        )
        .await
    }

    async fn asset_eos_links(&self, institution_id: &str) -> Result<Vec<AssetEosLink>> {
        self.all(
            &format!("SELECT {COLS} FROM asset_eos_links WHERE institution_id = $1"),
            institution_id,
        )
        .await
    }
}
