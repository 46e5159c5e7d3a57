//! SQL of the asset ledger (AssetStore), compiled for both backends as a child of `sql`.

use super::{finish, This, Tx};
use crate::assets::{Asset, AssetStore, AssetVersion};
use crate::error::fk;
use crate::{new_id, now_ms, Actor, AuditDraft, ConflictKind, Entity, Result, StoreError};
use async_trait::async_trait;
use serde_json::json;

const ASSET_SELECT: &str = "SELECT id, institution_id, name, kind, manufacturer, model, serial, \
     location, department, purpose, os, os_version, ip_addresses, mac, admin_login, \
     admin_users, antivirus, remote_maintenance, ownership, status, introduced_on, eos_on, \
     retired_on, notes, version, created_at, updated_at, updated_by, updated_label FROM assets";

/// Keep version `a.version` of the entry whole in its history.
async fn keep_version(tx: &mut Tx, actor: &Actor, a: &Asset, reason: &str) -> Result<()> {
    let snapshot =
        serde_json::to_string(a).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
    sqlx::query(
        "INSERT INTO asset_versions (asset_id, institution_id, version, snapshot, reason, \
         changed_by, changed_label, changed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
    )
    .bind(&a.id)
    .bind(&a.institution_id)
    .bind(a.version)
    .bind(snapshot)
    .bind(reason)
    .bind(&actor.user_id)
    .bind(&actor.label)
    .bind(a.updated_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl AssetStore for This {
    async fn create_asset(&self, actor: &Actor, a: &Asset, reason: &str) -> Result<Asset> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let saved = Asset {
            id: new_id(),
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..a.clone()
        };
        sqlx::query(
            "INSERT INTO assets (id, institution_id, name, kind, manufacturer, model, serial, \
             location, department, purpose, os, os_version, ip_addresses, mac, admin_login, \
             admin_users, antivirus, remote_maintenance, ownership, status, introduced_on, \
             eos_on, retired_on, notes, version, created_at, updated_at, updated_by, \
             updated_label) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,\
             $17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29)",
        )
        .bind(&saved.id)
        .bind(&saved.institution_id)
        .bind(&saved.name)
        .bind(saved.kind)
        .bind(&saved.manufacturer)
        .bind(&saved.model)
        .bind(&saved.serial)
        .bind(&saved.location)
        .bind(&saved.department)
        .bind(&saved.purpose)
        .bind(&saved.os)
        .bind(&saved.os_version)
        .bind(&saved.ip_addresses)
        .bind(&saved.mac)
        .bind(saved.admin_login)
        .bind(&saved.admin_users)
        .bind(&saved.antivirus)
        .bind(&saved.remote_maintenance)
        .bind(saved.ownership)
        .bind(saved.status)
        .bind(&saved.introduced_on)
        .bind(&saved.eos_on)
        .bind(&saved.retired_on)
        .bind(&saved.notes)
        .bind(saved.version)
        .bind(saved.created_at)
        .bind(saved.updated_at)
        .bind(&saved.updated_by)
        .bind(&saved.updated_label)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Institution))?;
        keep_version(&mut tx, actor, &saved, reason).await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "asset.create",
                "asset",
                &saved.id,
                json!({"name": saved.name, "kind": saved.kind, "reason": reason}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn update_asset(
        &self,
        actor: &Actor,
        a: &Asset,
        expected_version: i64,
        reason: &str,
    ) -> Result<Asset> {
        let mut tx = self.begin().await?;
        let current = sqlx::query_as::<_, Asset>(&format!(
            "{ASSET_SELECT} WHERE id = $1 AND institution_id = $2"
        ))
        .bind(&a.id)
        .bind(&a.institution_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::Asset))?;
        if current.version != expected_version {
            return Err(StoreError::Conflict(ConflictKind::StaleAsset));
        }
        let saved = Asset {
            version: current.version + 1,
            created_at: current.created_at,
            updated_at: now_ms(),
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..a.clone()
        };
        let n = sqlx::query(
            "UPDATE assets SET name = $1, kind = $2, manufacturer = $3, model = $4, \
             serial = $5, location = $6, department = $7, purpose = $8, os = $9, \
             os_version = $10, ip_addresses = $11, mac = $12, admin_login = $13, \
             admin_users = $14, antivirus = $15, remote_maintenance = $16, ownership = $17, \
             status = $18, introduced_on = $19, eos_on = $20, retired_on = $21, notes = $22, \
             version = $23, updated_at = $24, updated_by = $25, updated_label = $26 \
             WHERE id = $27 AND version = $28",
        )
        .bind(&saved.name)
        .bind(saved.kind)
        .bind(&saved.manufacturer)
        .bind(&saved.model)
        .bind(&saved.serial)
        .bind(&saved.location)
        .bind(&saved.department)
        .bind(&saved.purpose)
        .bind(&saved.os)
        .bind(&saved.os_version)
        .bind(&saved.ip_addresses)
        .bind(&saved.mac)
        .bind(saved.admin_login)
        .bind(&saved.admin_users)
        .bind(&saved.antivirus)
        .bind(&saved.remote_maintenance)
        .bind(saved.ownership)
        .bind(saved.status)
        .bind(&saved.introduced_on)
        .bind(&saved.eos_on)
        .bind(&saved.retired_on)
        .bind(&saved.notes)
        .bind(saved.version)
        .bind(saved.updated_at)
        .bind(&saved.updated_by)
        .bind(&saved.updated_label)
        .bind(&saved.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleAsset));
        }
        keep_version(&mut tx, actor, &saved, reason).await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "asset.update",
                "asset",
                &saved.id,
                json!({"name": saved.name, "version": saved.version, "reason": reason}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn asset(&self, id: &str) -> Result<Option<Asset>> {
        self.one(&format!("{ASSET_SELECT} WHERE id = $1"), id).await
    }

    async fn assets(&self, institution_id: &str) -> Result<Vec<Asset>> {
        self.all(
            &format!("{ASSET_SELECT} WHERE institution_id = $1 ORDER BY kind, name, id"),
            institution_id,
        )
        .await
    }

    async fn asset_history(&self, asset_id: &str) -> Result<Vec<AssetVersion>> {
        self.all(
            "SELECT asset_id, version, snapshot, reason, changed_by, changed_label, changed_at \
             FROM asset_versions WHERE asset_id = $1 ORDER BY version DESC",
            asset_id,
        )
        .await
    }
}
