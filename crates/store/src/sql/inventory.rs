//! SQL of inventory checks (InventoryStore), compiled for both backends as a child of `sql`.

use super::{finish, This, Tx};
use crate::error::{dup, fk};
use crate::inventory::{AssetCheckEntry, CheckCounts, CheckRecord, InventoryCheck, InventoryStore};
use crate::{new_id, now_ms, Actor, Asset, AuditDraft, ConflictKind, Entity, Result, StoreError};
use async_trait::async_trait;
use mamori_domain::assets::AssetKind;
use mamori_domain::assets::AssetStatus;
use mamori_domain::inventory::{CheckOutcome, CheckStatus, KindFacts, Record};
use serde_json::json;

const CHECK_SELECT: &str = "SELECT id, institution_id, name, status, started_at, started_by, \
     started_label, closed_at, closed_on, closed_by, closed_label, result FROM inventory_checks";

const RECORD_SELECT: &str = "SELECT check_id, asset_id, institution_id, outcome, changes, note, \
     version, recorded_at, recorded_by, recorded_label FROM inventory_records";

/// The open check `id`, its row locked until the transaction ends (a record and the close
/// of one check are serialised: on PostgreSQL the touch below waits for the other's lock
/// and then sees its outcome; SQLite has one writer). `Conflict` once closed.
async fn open_check(tx: &mut Tx, id: &str) -> Result<InventoryCheck> {
    let touched =
        sqlx::query("UPDATE inventory_checks SET status = status WHERE id = $1 AND status = $2")
            .bind(id)
            .bind(CheckStatus::Open)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    let c = sqlx::query_as::<_, InventoryCheck>(&format!("{CHECK_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::InventoryCheck))?;
    if touched != 1 || c.status != CheckStatus::Open {
        return Err(StoreError::Conflict(ConflictKind::CheckClosed));
    }
    Ok(c)
}

fn encode(e: serde_json::Error) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(Box::new(e)))
}

#[async_trait]
impl InventoryStore for This {
    async fn start_check(
        &self,
        actor: &Actor,
        institution_id: &str,
        name: &str,
    ) -> Result<InventoryCheck> {
        let mut tx = self.begin().await?;
        let c = InventoryCheck {
            id: new_id(),
            institution_id: institution_id.to_string(),
            name: name.to_string(),
            status: CheckStatus::Open,
            started_at: now_ms(),
            started_by: actor.user_id.clone(),
            started_label: actor.label.clone(),
            closed_at: None,
            closed_on: None,
            closed_by: None,
            closed_label: String::new(),
            result: "{}".into(),
        };
        sqlx::query(
            "INSERT INTO inventory_checks (id, institution_id, name, status, started_at, \
             started_by, started_label) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&c.id)
        .bind(&c.institution_id)
        .bind(&c.name)
        .bind(c.status)
        .bind(c.started_at)
        .bind(&c.started_by)
        .bind(&c.started_label)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Duplicate(Entity::InventoryCheck),
            _ => fk(Entity::Institution)(e),
        })?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "inventory.start",
                "inventory_check",
                &c.id,
                json!({"name": c.name}),
            ),
        )
        .await?;
        Ok(c)
    }

    async fn inventory_check(&self, id: &str) -> Result<Option<InventoryCheck>> {
        self.one(&format!("{CHECK_SELECT} WHERE id = $1"), id).await
    }

    async fn inventory_checks(&self, institution_id: &str) -> Result<Vec<InventoryCheck>> {
        self.all(
            &format!("{CHECK_SELECT} WHERE institution_id = $1 ORDER BY started_at DESC, id"),
            institution_id,
        )
        .await
    }

    async fn last_closed_check(&self, institution_id: &str) -> Result<Option<InventoryCheck>> {
        Ok(sqlx::query_as::<_, InventoryCheck>(&format!(
            "{CHECK_SELECT} WHERE institution_id = $1 AND status = $2 \
             ORDER BY closed_at DESC, id LIMIT 1"
        ))
        .bind(institution_id)
        .bind(CheckStatus::Closed)
        .fetch_optional(self.r())
        .await?)
    }

    async fn record_check(
        &self,
        actor: &Actor,
        check_id: &str,
        asset_id: &str,
        record: &Record,
        expected_version: i64,
    ) -> Result<CheckRecord> {
        let mut tx = self.begin().await?;
        let check = open_check(&mut tx, check_id).await?;
        let asset: Option<(String, AssetStatus)> =
            sqlx::query_as("SELECT name, status FROM assets WHERE id = $1 AND institution_id = $2")
                .bind(asset_id)
                .bind(&check.institution_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((name, status)) = asset else {
            return Err(StoreError::NotFound(Entity::Asset));
        };
        if status == AssetStatus::Retired {
            return Err(StoreError::NotFound(Entity::Asset));
        }
        let now = now_ms();
        let changes = serde_json::to_string(&record.changes).map_err(encode)?;
        let n = if expected_version == 0 {
            sqlx::query(
                "INSERT INTO inventory_records (check_id, asset_id, institution_id, outcome, \
                 changes, note, version, recorded_at, recorded_by, recorded_label) \
                 VALUES ($1,$2,$3,$4,$5,$6,1,$7,$8,$9)",
            )
            .bind(check_id)
            .bind(asset_id)
            .bind(&check.institution_id)
            .bind(record.outcome)
            .bind(&changes)
            .bind(&record.note)
            .bind(now)
            .bind(&actor.user_id)
            .bind(&actor.label)
            .execute(&mut *tx)
            .await
            .map_err(|e| match dup(Entity::InventoryCheck)(e) {
                StoreError::Duplicate(_) => StoreError::Conflict(ConflictKind::StaleCheckRecord),
                other => other,
            })?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE inventory_records SET outcome = $1, changes = $2, note = $3, \
                 version = version + 1, recorded_at = $4, recorded_by = $5, recorded_label = $6 \
                 WHERE check_id = $7 AND asset_id = $8 AND version = $9",
            )
            .bind(record.outcome)
            .bind(&changes)
            .bind(&record.note)
            .bind(now)
            .bind(&actor.user_id)
            .bind(&actor.label)
            .bind(check_id)
            .bind(asset_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleCheckRecord));
        }
        let saved = sqlx::query_as::<_, CheckRecord>(&format!(
            "{RECORD_SELECT} WHERE check_id = $1 AND asset_id = $2"
        ))
        .bind(check_id)
        .bind(asset_id)
        .fetch_one(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&check.institution_id),
                "inventory.record",
                "asset",
                asset_id,
                json!({"check": check.name, "asset": name, "outcome": record.outcome,
                       "changes": record.changes, "note": record.note}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn check_records(
        &self,
        check_id: &str,
        asset_ids: &[String],
    ) -> Result<Vec<CheckRecord>> {
        if asset_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for chunk in asset_ids.chunks(200) {
            let list = (0..chunk.len())
                .map(|n| format!("${}", n + 2))
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!("{RECORD_SELECT} WHERE check_id = $1 AND asset_id IN ({list})");
            let mut q = sqlx::query_as::<_, CheckRecord>(&sql).bind(check_id);
            for id in chunk {
                q = q.bind(id);
            }
            out.extend(q.fetch_all(self.r()).await?);
        }
        Ok(out)
    }

    async fn check_findings(&self, check_id: &str) -> Result<Vec<CheckRecord>> {
        Ok(sqlx::query_as::<_, CheckRecord>(&format!(
            "{RECORD_SELECT} WHERE check_id = $1 AND outcome <> $2 ORDER BY recorded_at, asset_id"
        ))
        .bind(check_id)
        .bind(CheckOutcome::Found)
        .fetch_all(self.r())
        .await?)
    }

    async fn check_counts(&self, check_id: &str) -> Result<CheckCounts> {
        let check = self
            .inventory_check(check_id)
            .await?
            .ok_or(StoreError::NotFound(Entity::InventoryCheck))?;
        let by: Vec<(CheckOutcome, i64)> = sqlx::query_as(
            "SELECT r.outcome, COUNT(*) FROM inventory_records r \
             JOIN assets a ON a.id = r.asset_id WHERE r.check_id = $1 AND a.status <> $2 \
             GROUP BY r.outcome",
        )
        .bind(check_id)
        .bind(AssetStatus::Retired)
        .fetch_all(self.r())
        .await?;
        let assets: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM assets WHERE institution_id = $1 AND status <> $2",
        )
        .bind(&check.institution_id)
        .bind(AssetStatus::Retired)
        .fetch_one(self.r())
        .await?;
        let mut c = CheckCounts {
            assets,
            ..Default::default()
        };
        for (o, n) in by {
            match o {
                CheckOutcome::Found => c.found = n,
                CheckOutcome::NotFound => c.not_found = n,
                CheckOutcome::Moved => c.moved = n,
                CheckOutcome::Changed => c.changed = n,
            }
        }
        c.unchecked = (assets - c.recorded()).max(0);
        c.records =
            sqlx::query_scalar("SELECT COUNT(*) FROM inventory_records WHERE check_id = $1")
                .bind(check_id)
                .fetch_one(self.r())
                .await?;
        Ok(c)
    }

    async fn close_check(
        &self,
        actor: &Actor,
        check_id: &str,
        expected_records: i64,
        updates: &[(Asset, i64)],
        counts: &CheckCounts,
        reason: &str,
    ) -> Result<InventoryCheck> {
        let mut tx = self.begin().await?;
        let check = open_check(&mut tx, check_id).await?;
        let now = now_ms();
        let closed_on = mamori_domain::time::date_jst(now);
        let result = serde_json::to_string(counts).map_err(encode)?;
        let n = sqlx::query(
            "UPDATE inventory_checks SET status = $1, closed_at = $2, closed_on = $3, \
             closed_by = $4, closed_label = $5, result = $6 WHERE id = $7 AND status = $8",
        )
        .bind(CheckStatus::Closed)
        .bind(now)
        .bind(&closed_on)
        .bind(&actor.user_id)
        .bind(&actor.label)
        .bind(&result)
        .bind(check_id)
        .bind(CheckStatus::Open)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::CheckClosed));
        }
        // Records written after the plan: the plan is stale (the close marks the check
        // closed first, so no record can land after this count).
        let records: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM inventory_records WHERE check_id = $1")
                .bind(check_id)
                .fetch_one(&mut *tx)
                .await?;
        if records != expected_records {
            return Err(StoreError::Conflict(ConflictKind::StaleCheckRecord));
        }
        for (a, expected) in updates {
            if a.institution_id != check.institution_id {
                return Err(StoreError::NotFound(Entity::Asset));
            }
            super::assets::change(&mut tx, actor, a, *expected, now, reason).await?;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&check.institution_id),
                "inventory.close",
                "inventory_check",
                check_id,
                json!({"name": check.name, "counts": counts,
                       "ledger_changes": updates.iter().map(|(a, _)| json!({"id": a.id, "name": a.name})).collect::<Vec<_>>()}),
            ),
        )
        .await?;
        Ok(InventoryCheck {
            status: CheckStatus::Closed,
            closed_at: Some(now),
            closed_on: Some(closed_on),
            closed_by: actor.user_id.clone(),
            closed_label: actor.label.clone(),
            result,
            ..check
        })
    }

    async fn asset_checks(&self, asset_id: &str) -> Result<Vec<AssetCheckEntry>> {
        self.all(
            "SELECT c.id AS check_id, c.name AS check_name, c.status AS check_status, \
             c.closed_on, r.outcome, r.note, r.recorded_at, r.recorded_label \
             FROM inventory_records r JOIN inventory_checks c ON c.id = r.check_id \
             WHERE r.asset_id = $1 ORDER BY c.started_at DESC, c.id",
            asset_id,
        )
        .await
    }

    async fn ledger_facts(&self, institution_id: &str) -> Result<Vec<KindFacts>> {
        let rows: Vec<(AssetKind, i64, i64, i64)> = sqlx::query_as(
            "SELECT kind, COUNT(*), \
             SUM(CASE WHEN os = '' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN ip_addresses = '[]' THEN 1 ELSE 0 END) \
             FROM assets WHERE institution_id = $1 AND status <> $2 GROUP BY kind ORDER BY kind",
        )
        .bind(institution_id)
        .bind(AssetStatus::Retired)
        .fetch_all(self.r())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, total, without_os, without_ip)| KindFacts {
                kind,
                total,
                without_os,
                without_ip,
            })
            .collect())
    }
}
