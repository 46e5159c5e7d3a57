//! SQL of the asset ledger (AssetStore), compiled for both backends as a child of `sql`.

use super::{finish, This, Tx};
use crate::assets::{Asset, AssetFilter, AssetImport, AssetStore, AssetVersion, ImportWrite};
use crate::error::fk;
use crate::{new_id, now_ms, Actor, AuditDraft, ConflictKind, Entity, Result, StoreError};
use async_trait::async_trait;
use mamori_domain::codes::ImportStatus;
use serde_json::json;

const ASSET_SELECT: &str = "SELECT id, institution_id, name, kind, manufacturer, model, serial, \
     location, department, purpose, os, os_version, os_cpe, software, ip_addresses, mac, \
     admin_login, admin_users, antivirus, remote_maintenance, ownership, status, \
     introduced_on, warranty_on, eos_on, \
     retired_on, notes, zone_id, search, version, created_at, updated_at, updated_by, updated_label \
     FROM assets";

/// The columns every save writes, in the order [`bind_written`] binds them.
const WRITTEN: [&str; 31] = [
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
    "os_cpe",
    "software",
    "ip_addresses",
    "mac",
    "admin_login",
    "admin_users",
    "antivirus",
    "remote_maintenance",
    "ownership",
    "status",
    "introduced_on",
    "warranty_on",
    "eos_on",
    "retired_on",
    "notes",
    "zone_id",
    "search",
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
        .bind(&a.os_cpe)
        .bind(&a.software)
        .bind(&a.ip_addresses)
        .bind(&a.mac)
        .bind(a.admin_login)
        .bind(&a.admin_users)
        .bind(&a.antivirus)
        .bind(&a.remote_maintenance)
        .bind(a.ownership)
        .bind(a.status)
        .bind(&a.introduced_on)
        .bind(&a.warranty_on)
        .bind(&a.eos_on)
        .bind(&a.retired_on)
        .bind(&a.notes)
        .bind(&a.zone_id)
        .bind(&a.search)
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

/// Insert a new entry (version 1, kept in its history) in `tx`.
async fn insert(tx: &mut Tx, actor: &Actor, a: &Asset, now: i64, reason: &str) -> Result<Asset> {
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
    .execute(&mut **tx)
    .await
    .map_err(fk(Entity::Institution))?;
    keep_version(tx, actor, &saved, reason).await?;
    Ok(saved)
}

/// `rows` groups of `cols` placeholders, numbered on: `($1,$2),($3,$4)`.
fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            // SQLite binds anonymous `?` in order; numbered ones it resolves one by one.
            let cells: Vec<String> = (1..=cols)
                .map(|c| {
                    if <super::Db as sqlx::Database>::NAME == "SQLite" {
                        "?".to_string()
                    } else {
                        format!("${}", r * cols + c)
                    }
                })
                .collect();
            format!("({})", cells.join(","))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Insert many new entries (each version 1, kept in its history) in `tx`, 200 rows per
/// statement. (On SQLite the placeholders are anonymous `?`: sqlx-sqlite resolves numbered
/// ones one by one, so a statement of 6,600 `$n` took time growing with their square —
/// 20,000 entries in 5.5 s — where `?` takes 0.6 s.)
async fn insert_many(
    tx: &mut Tx,
    actor: &Actor,
    list: &[Asset],
    now: i64,
    reason: &str,
) -> Result<()> {
    const CHUNK: usize = 200;
    let saved: Vec<Asset> = list
        .iter()
        .map(|a| Asset {
            id: new_id(),
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..a.clone()
        })
        .collect();
    let snapshots = saved
        .iter()
        .map(serde_json::to_string)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
    for (chunk, snaps) in saved.chunks(CHUNK).zip(snapshots.chunks(CHUNK)) {
        let sql = format!(
            "INSERT INTO assets (id, institution_id, created_at, {}) VALUES {}",
            WRITTEN.join(", "),
            placeholders(chunk.len(), 3 + WRITTEN.len())
        );
        let mut q = sqlx::query(&sql);
        for a in chunk {
            q = bind_written(q.bind(&a.id).bind(&a.institution_id).bind(a.created_at), a);
        }
        q.execute(&mut **tx)
            .await
            .map_err(fk(Entity::Institution))?;
        let sql = format!(
            "INSERT INTO asset_versions (asset_id, institution_id, version, snapshot, reason, \
             changed_by, changed_label, changed_at) VALUES {}",
            placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (a, snap) in chunk.iter().zip(snaps) {
            q = q
                .bind(&a.id)
                .bind(&a.institution_id)
                .bind(a.version)
                .bind(snap)
                .bind(reason)
                .bind(&actor.user_id)
                .bind(&actor.label)
                .bind(a.updated_at);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Save a changed entry in `tx` if it is still at `expected_version` and its institution's.
pub(super) async fn change(
    tx: &mut Tx,
    actor: &Actor,
    a: &Asset,
    expected_version: i64,
    now: i64,
    reason: &str,
) -> Result<Asset> {
    let current = sqlx::query_as::<_, Asset>(&format!(
        "{ASSET_SELECT} WHERE id = $1 AND institution_id = $2"
    ))
    .bind(&a.id)
    .bind(&a.institution_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound(Entity::Asset))?;
    if current.version != expected_version {
        return Err(StoreError::Conflict(ConflictKind::StaleAsset));
    }
    let saved = Asset {
        version: current.version + 1,
        created_at: current.created_at,
        updated_at: now,
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
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n != 1 {
        return Err(StoreError::Conflict(ConflictKind::StaleAsset));
    }
    keep_version(tx, actor, &saved, reason).await?;
    Ok(saved)
}

const IMPORT_SELECT: &str = "SELECT id, institution_id, file_name, file_sha256, content, \
     choices, status, result, created_by, created_label, created_at, decided_at \
     FROM asset_imports";

/// Decide a pending import in `tx` (`Conflict` when it is decided already).
async fn decide(tx: &mut Tx, id: &str, status: ImportStatus, result: &str) -> Result<AssetImport> {
    let i = sqlx::query_as::<_, AssetImport>(&format!("{IMPORT_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::AssetImport))?;
    let n = sqlx::query(
        "UPDATE asset_imports SET status = $1, result = $2, decided_at = $3, content = $4 \
         WHERE id = $5 AND status = $6",
    )
    .bind(status)
    .bind(result)
    .bind(now_ms())
    .bind(Vec::<u8>::new())
    .bind(id)
    .bind(ImportStatus::Pending)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(StoreError::Conflict(ConflictKind::ImportDecided));
    }
    Ok(i)
}

#[async_trait]
impl AssetStore for This {
    async fn create_asset(&self, actor: &Actor, a: &Asset, reason: &str) -> Result<Asset> {
        let mut tx = self.begin().await?;
        super::network::asset_zone_rules(&mut tx, a).await?;
        let saved = insert(&mut tx, actor, a, now_ms(), reason).await?;
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
        super::network::asset_zone_rules(&mut tx, a).await?;
        let saved = change(&mut tx, actor, a, expected_version, now_ms(), reason).await?;
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

    async fn stage_asset_import(&self, actor: &Actor, i: &AssetImport) -> Result<AssetImport> {
        let mut tx = self.begin().await?;
        let saved = AssetImport {
            id: new_id(),
            status: ImportStatus::Pending,
            created_by: actor.user_id.clone(),
            created_label: actor.label.clone(),
            created_at: now_ms(),
            decided_at: None,
            ..i.clone()
        };
        sqlx::query(
            "INSERT INTO asset_imports (id, institution_id, file_name, file_sha256, content, \
             choices, status, result, created_by, created_label, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(&saved.id)
        .bind(&saved.institution_id)
        .bind(&saved.file_name)
        .bind(&saved.file_sha256)
        .bind(&saved.content)
        .bind(&saved.choices)
        .bind(saved.status)
        .bind(&saved.result)
        .bind(&saved.created_by)
        .bind(&saved.created_label)
        .bind(saved.created_at)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Institution))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "asset.import_stage",
                "asset_import",
                &saved.id,
                json!({"file": saved.file_name, "sha256": saved.file_sha256}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn asset_import(&self, id: &str) -> Result<Option<AssetImport>> {
        self.one(&format!("{IMPORT_SELECT} WHERE id = $1"), id)
            .await
    }

    async fn set_asset_import_choices(&self, id: &str, choices: &str) -> Result<()> {
        let n = sqlx::query("UPDATE asset_imports SET choices = $1 WHERE id = $2 AND status = $3")
            .bind(choices)
            .bind(id)
            .bind(ImportStatus::Pending)
            .execute(self.w())
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::ImportDecided));
        }
        Ok(())
    }

    async fn commit_asset_import(
        &self,
        actor: &Actor,
        import_id: &str,
        write: &ImportWrite,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let result = json!({
            "added": write.creates.len(),
            "changed": write.updates.len(),
            "unchanged": write.unchanged,
        });
        let i = decide(
            &mut tx,
            import_id,
            ImportStatus::Confirmed,
            &result.to_string(),
        )
        .await?;
        let now = now_ms();
        if write
            .creates
            .iter()
            .any(|a| a.institution_id != i.institution_id)
        {
            return Err(StoreError::NotFound(Entity::Asset));
        }
        insert_many(&mut tx, actor, &write.creates, now, reason).await?;
        for (a, expected) in &write.updates {
            if a.institution_id != i.institution_id {
                return Err(StoreError::NotFound(Entity::Asset));
            }
            change(&mut tx, actor, a, *expected, now, reason).await?;
        }
        let mut detail = result;
        detail["file"] = json!(i.file_name);
        detail["sha256"] = json!(i.file_sha256);
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&i.institution_id),
                "asset.import",
                "asset_import",
                &i.id,
                detail,
            ),
        )
        .await?;
        Ok(())
    }

    async fn discard_asset_import(&self, actor: &Actor, import_id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let i = decide(&mut tx, import_id, ImportStatus::Discarded, "{}").await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&i.institution_id),
                "asset.import_discard",
                "asset_import",
                &i.id,
                json!({"file": i.file_name}),
            ),
        )
        .await?;
        Ok(())
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

    async fn assets_page(
        &self,
        institution_id: &str,
        filter: &AssetFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Asset>, i64)> {
        // LIKE with `\` as its escape, so that `%` and `_` typed are taken as they are;
        // the text folded as the column is.
        let pattern = if filter.text.trim().is_empty() {
            String::new()
        } else {
            let escaped = mamori_domain::text::fold(filter.text.trim())
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        };
        let text = "search LIKE $4 ESCAPE '\\'";
        let filter_sql = format!(
            "WHERE institution_id = $1 AND ($2 = '' OR kind = $2) AND ($3 = '' OR status = $3) \
             AND ($4 = '' OR {text}) AND ($5 = '' OR status <> 'retired') \
             AND ($6 = '' OR NOT EXISTS (SELECT 1 FROM inventory_records r \
             WHERE r.check_id = $6 AND r.asset_id = assets.id))"
        );
        let kind = filter.kind.map(|k| k.as_str()).unwrap_or("");
        let status = filter.status.map(|k| k.as_str()).unwrap_or("");
        let scope = filter
            .check
            .as_ref()
            .map(|c| c.check_id.as_str())
            .unwrap_or("");
        let unchecked = match &filter.check {
            Some(c) if c.unchecked => c.check_id.as_str(),
            _ => "",
        };
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM assets {filter_sql}"))
            .bind(institution_id)
            .bind(kind)
            .bind(status)
            .bind(&pattern)
            .bind(scope)
            .bind(unchecked)
            .fetch_one(self.r())
            .await?;
        let rows = sqlx::query_as::<_, Asset>(&format!(
            "{ASSET_SELECT} {filter_sql} ORDER BY kind, name, id LIMIT $7 OFFSET $8"
        ))
        .bind(institution_id)
        .bind(kind)
        .bind(status)
        .bind(&pattern)
        .bind(scope)
        .bind(unchecked)
        .bind(limit.clamp(1, 1000))
        .bind(offset.max(0))
        .fetch_all(self.r())
        .await?;
        Ok((rows, total))
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
