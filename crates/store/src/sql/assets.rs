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

/// The columns every save writes, in the order [`bind_written`] binds them.
const WRITTEN: [&str; 26] = [
    "name",
    "kind",
    "manufacturer",
    "model",
    "serial",
    "location",
    "department",
    "purpose",
    "os",
    "os_version",
    "ip_addresses",
    "mac",
    "admin_login",
    "admin_users",
    "antivirus",
    "remote_maintenance",
    "ownership",
    "status",
    "introduced_on",
    "eos_on",
    "retired_on",
    "notes",
    "version",
    "updated_at",
    "updated_by",
    "updated_label",
];

type Query<'q> = sqlx::query::Query<'q, super::Db, <super::Db as sqlx::Database>::Arguments<'q>>;

/// Bind the [`WRITTEN`] columns of `a` (the one place insert and update agree on).
fn bind_written<'q>(q: Query<'q>, a: &'q Asset) -> Query<'q> {
    q.bind(&a.name)
        .bind(a.kind)
        .bind(&a.manufacturer)
        .bind(&a.model)
        .bind(&a.serial)
        .bind(&a.location)
        .bind(&a.department)
        .bind(&a.purpose)
        .bind(&a.os)
        .bind(&a.os_version)
        .bind(&a.ip_addresses)
        .bind(&a.mac)
        .bind(a.admin_login)
        .bind(&a.admin_users)
        .bind(&a.antivirus)
        .bind(&a.remote_maintenance)
        .bind(a.ownership)
        .bind(a.status)
        .bind(&a.introduced_on)
        .bind(&a.eos_on)
        .bind(&a.retired_on)
        .bind(&a.notes)
        .bind(a.version)
        .bind(a.updated_at)
        .bind(&a.updated_by)
        .bind(&a.updated_label)
}

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
        let sql = format!(
            "INSERT INTO assets (id, institution_id, created_at, {}) VALUES ({})",
            WRITTEN.join(", "),
            (1..=3 + WRITTEN.len())
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        bind_written(
            sqlx::query(&sql)
                .bind(&saved.id)
                .bind(&saved.institution_id)
                .bind(saved.created_at),
            &saved,
        )
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
        let sql = format!(
            "UPDATE assets SET {} WHERE id = ${} AND version = ${}",
            WRITTEN
                .iter()
                .enumerate()
                .map(|(n, c)| format!("{c} = ${}", n + 1))
                .collect::<Vec<_>>()
                .join(", "),
            WRITTEN.len() + 1,
            WRITTEN.len() + 2
        );
        let n = bind_written(sqlx::query(&sql), &saved)
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
