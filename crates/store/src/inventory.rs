//! Inventory checks (棚卸): a check per walk, one record per asset; closing applies the
//! corrections to the ledger as new versions with the check as their reason.

use crate::{Actor, Asset, Result};
use async_trait::async_trait;
use mamori_domain::inventory::{CheckOutcome, CheckStatus, KindFacts, Record};
use serde::Serialize;

/// One inventory check of an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InventoryCheck {
    pub id: String,
    pub institution_id: String,
    pub name: String,
    pub status: CheckStatus,
    pub started_at: i64,
    pub started_by: Option<String>,
    pub started_label: String,
    pub closed_at: Option<i64>,
    /// The day it closed (JST, `YYYY-MM-DD`).
    pub closed_on: Option<String>,
    pub closed_by: Option<String>,
    pub closed_label: String,
    /// JSON of [`CheckCounts`] as they stood when it closed.
    pub result: String,
}

/// One asset's record in a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CheckRecord {
    pub check_id: String,
    pub asset_id: String,
    pub institution_id: String,
    pub outcome: CheckOutcome,
    /// JSON array of `[field, value]` (see [`CheckRecord::record`]).
    pub changes: String,
    pub note: String,
    pub version: i64,
    pub recorded_at: i64,
    pub recorded_by: Option<String>,
    pub recorded_label: String,
}

impl CheckRecord {
    /// The record as the domain checked it.
    pub fn record(&self) -> Record {
        Record {
            outcome: self.outcome,
            changes: serde_json::from_str(&self.changes).unwrap_or_default(),
            note: self.note.clone(),
        }
    }
}

/// How far a check has come: the assets it covers (every entry not retired), and what
/// was recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CheckCounts {
    pub assets: i64,
    pub found: i64,
    pub not_found: i64,
    pub moved: i64,
    pub changed: i64,
    /// Covered assets with no record.
    pub unchecked: i64,
    /// Every record of the check (also of entries retired since they were recorded).
    #[serde(default)]
    pub records: i64,
}

impl CheckCounts {
    pub fn recorded(&self) -> i64 {
        self.found + self.not_found + self.moved + self.changed
    }
}

/// An asset's record in a check, with the check's name and state (the asset's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssetCheckEntry {
    pub check_id: String,
    pub check_name: String,
    pub check_status: CheckStatus,
    pub closed_on: Option<String>,
    pub outcome: CheckOutcome,
    pub note: String,
    pub recorded_at: i64,
    pub recorded_label: String,
}

#[async_trait]
pub trait InventoryStore: Send + Sync {
    /// Start a check (audited); `Duplicate(InventoryCheck)` while another is open.
    async fn start_check(
        &self,
        actor: &Actor,
        institution_id: &str,
        name: &str,
    ) -> Result<InventoryCheck>;
    async fn inventory_check(&self, id: &str) -> Result<Option<InventoryCheck>>;
    /// The institution's checks, newest first.
    async fn inventory_checks(&self, institution_id: &str) -> Result<Vec<InventoryCheck>>;
    /// The institution's last closed check.
    async fn last_closed_check(&self, institution_id: &str) -> Result<Option<InventoryCheck>>;
    /// Record what the walk found for an asset of the check's institution, over the record
    /// at `expected_version` (0: none yet); audited. `Conflict` when the check is closed or
    /// the record changed since it was read; `NotFound` for an asset of another
    /// institution or a retired one.
    async fn record_check(
        &self,
        actor: &Actor,
        check_id: &str,
        asset_id: &str,
        record: &Record,
        expected_version: i64,
    ) -> Result<CheckRecord>;
    /// The check's records of these assets.
    async fn check_records(&self, check_id: &str, asset_ids: &[String])
        -> Result<Vec<CheckRecord>>;
    /// The check's records that change the ledger (moved, changed), and those not found.
    async fn check_findings(&self, check_id: &str) -> Result<Vec<CheckRecord>>;
    async fn check_counts(&self, check_id: &str) -> Result<CheckCounts>;
    /// Close an open check: write each changed entry (at the version it was planned
    /// against) with `reason`, and the counts, in one transaction with one audit event.
    /// `Conflict` when the check is closed already, its records are no longer
    /// `expected_records`, or an entry changed since the plan — and then nothing is written.
    async fn close_check(
        &self,
        actor: &Actor,
        check_id: &str,
        expected_records: i64,
        updates: &[(Asset, i64)],
        counts: &CheckCounts,
        reason: &str,
    ) -> Result<InventoryCheck>;
    /// An asset's records in every check, newest first.
    async fn asset_checks(&self, asset_id: &str) -> Result<Vec<AssetCheckEntry>>;
    /// The ledger by kind (entries not retired): how many, and how many lack an OS or an
    /// address (what the checklist's 台帳管理 item asks).
    async fn ledger_facts(&self, institution_id: &str) -> Result<Vec<KindFacts>>;
}
