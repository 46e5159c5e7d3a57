//! The asset ledger (機器台帳): an institution's assets, each change a version kept whole.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::assets::{AssetKind, AssetStatus, Ownership};
use serde::Serialize;

/// One asset of an institution, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Asset {
    pub id: String,
    pub institution_id: String,
    pub name: String,
    pub kind: AssetKind,
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
    pub location: String,
    pub department: String,
    pub purpose: String,
    pub os: String,
    pub os_version: String,
    /// JSON array of addresses (see [`Asset::addresses`]).
    pub ip_addresses: String,
    pub mac: String,
    pub admin_login: Option<bool>,
    pub admin_users: String,
    pub antivirus: String,
    pub remote_maintenance: String,
    pub ownership: Option<Ownership>,
    pub status: AssetStatus,
    pub introduced_on: Option<String>,
    pub eos_on: Option<String>,
    pub retired_on: Option<String>,
    pub notes: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub updated_label: String,
}

impl Asset {
    /// A new entry of `institution_id` from checked fields (id, version and times are the
    /// store's).
    pub fn new(institution_id: &str, f: mamori_domain::assets::AssetFields) -> Self {
        Asset {
            id: String::new(),
            institution_id: institution_id.to_string(),
            name: f.name,
            kind: f.kind,
            manufacturer: f.manufacturer,
            model: f.model,
            serial: f.serial,
            location: f.location,
            department: f.department,
            purpose: f.purpose,
            os: f.os,
            os_version: f.os_version,
            ip_addresses: serde_json::to_string(&f.ip_addresses).unwrap_or_else(|_| "[]".into()),
            mac: f.mac,
            admin_login: f.admin_login,
            admin_users: f.admin_users,
            antivirus: f.antivirus,
            remote_maintenance: f.remote_maintenance,
            ownership: f.ownership,
            status: f.status,
            introduced_on: f.introduced_on,
            eos_on: f.eos_on,
            retired_on: f.retired_on,
            notes: f.notes,
            version: 0,
            created_at: 0,
            updated_at: 0,
            updated_by: None,
            updated_label: String::new(),
        }
    }

    /// The IP addresses.
    pub fn addresses(&self) -> Vec<String> {
        serde_json::from_str(&self.ip_addresses).unwrap_or_default()
    }
}

/// One version of an asset: the entry as it was saved, who saved it, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssetVersion {
    pub asset_id: String,
    pub version: i64,
    /// The whole entry (JSON of [`Asset`]).
    pub snapshot: String,
    pub reason: String,
    pub changed_by: Option<String>,
    pub changed_label: String,
    pub changed_at: i64,
}

#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Add an asset to its institution's ledger (version 1, kept in its history); audited.
    async fn create_asset(&self, actor: &Actor, a: &Asset, reason: &str) -> Result<Asset>;
    /// Save a changed entry if it is still at `expected_version` (`Conflict` otherwise; a
    /// stale edit overwrites nothing); the new version goes to the history with `reason`;
    /// audited. `NotFound` when the asset is not the institution's.
    async fn update_asset(
        &self,
        actor: &Actor,
        a: &Asset,
        expected_version: i64,
        reason: &str,
    ) -> Result<Asset>;
    async fn asset(&self, id: &str) -> Result<Option<Asset>>;
    /// The institution's ledger, by kind and name.
    async fn assets(&self, institution_id: &str) -> Result<Vec<Asset>>;
    /// An asset's versions, newest first.
    async fn asset_history(&self, asset_id: &str) -> Result<Vec<AssetVersion>>;
}
