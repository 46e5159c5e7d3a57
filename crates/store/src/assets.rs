//! The asset ledger (機器台帳): an institution's assets, each change a version kept whole.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::assets::{AssetFields, AssetKind, AssetStatus, Ownership, Software};
use mamori_domain::codes::ImportStatus;
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
    /// The CPE 2.3 name of the OS or firmware, when known.
    pub os_cpe: String,
    /// JSON array of installed software (see [`Asset::software_list`]).
    pub software: String,
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
    pub warranty_on: Option<String>,
    pub eos_on: Option<String>,
    pub retired_on: Option<String>,
    pub notes: String,
    /// The network zone it stands in.
    pub zone_id: Option<String>,
    /// What the list's text filter searches: name, serial, place, department, purpose,
    /// OS and addresses, folded (`domain::text::fold`) so that widths, kana and case match.
    #[serde(skip)]
    pub search: String,
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
        let search = mamori_domain::text::fold(
            &[
                f.name.as_str(),
                &f.serial,
                &f.location,
                &f.department,
                &f.purpose,
                &f.os,
                &f.os_version,
                &f.ip_addresses.join(" "),
            ]
            .join(" "),
        );
        Asset {
            search,
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
            os_cpe: f.os_cpe,
            software: serde_json::to_string(&f.software).unwrap_or_else(|_| "[]".into()),
            ip_addresses: serde_json::to_string(&f.ip_addresses).unwrap_or_else(|_| "[]".into()),
            mac: f.mac,
            admin_login: f.admin_login,
            admin_users: f.admin_users,
            antivirus: f.antivirus,
            remote_maintenance: f.remote_maintenance,
            ownership: f.ownership,
            status: f.status,
            introduced_on: f.introduced_on,
            warranty_on: f.warranty_on,
            eos_on: f.eos_on,
            retired_on: f.retired_on,
            notes: f.notes,
            zone_id: f.zone,
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

    /// The installed software.
    pub fn software_list(&self) -> Vec<Software> {
        serde_json::from_str(&self.software).unwrap_or_default()
    }

    /// The entry as the domain's checked fields (to compare it with an import's row).
    pub fn fields(&self) -> AssetFields {
        AssetFields {
            name: self.name.clone(),
            kind: self.kind,
            manufacturer: self.manufacturer.clone(),
            model: self.model.clone(),
            serial: self.serial.clone(),
            location: self.location.clone(),
            department: self.department.clone(),
            purpose: self.purpose.clone(),
            os: self.os.clone(),
            os_version: self.os_version.clone(),
            os_cpe: self.os_cpe.clone(),
            software: self.software_list(),
            ip_addresses: self.addresses(),
            mac: self.mac.clone(),
            admin_login: self.admin_login,
            admin_users: self.admin_users.clone(),
            antivirus: self.antivirus.clone(),
            remote_maintenance: self.remote_maintenance.clone(),
            ownership: self.ownership,
            status: self.status,
            introduced_on: self.introduced_on.clone(),
            warranty_on: self.warranty_on.clone(),
            eos_on: self.eos_on.clone(),
            retired_on: self.retired_on.clone(),
            notes: self.notes.clone(),
            zone: self.zone_id.clone(),
        }
    }
}

/// Which entries of a ledger to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub kind: Option<AssetKind>,
    pub status: Option<AssetStatus>,
    /// Text found (case-insensitively for Latin letters) in the name, serial, location,
    /// department, purpose, OS or addresses.
    pub text: String,
    /// Only the entries an inventory check covers (not retired); with `unchecked`, only
    /// those it has no record of yet.
    pub check: Option<CheckScope>,
}

/// The entries of an inventory check (see [`AssetFilter::check`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckScope {
    pub check_id: String,
    pub unchecked: bool,
}

/// A ledger file uploaded to be imported, awaiting the person's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssetImport {
    pub id: String,
    pub institution_id: String,
    pub file_name: String,
    pub file_sha256: String,
    #[serde(skip)]
    pub content: Vec<u8>,
    /// JSON array of `[heading, field code or "ignore"]`.
    pub choices: String,
    pub status: ImportStatus,
    /// JSON of what the confirmation did.
    pub result: String,
    pub created_by: Option<String>,
    pub created_label: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// What a confirmed import writes, all at once: entries to add, entries to change (each
/// with the version it was planned against).
#[derive(Debug, Clone, Default)]
pub struct ImportWrite {
    pub creates: Vec<Asset>,
    pub updates: Vec<(Asset, i64)>,
    /// Rows that matched an entry and change nothing.
    pub unchanged: usize,
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
    /// A page of the institution's ledger that `filter` keeps (by kind and name), and how
    /// many it keeps in all.
    async fn assets_page(
        &self,
        institution_id: &str,
        filter: &AssetFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Asset>, i64)>;
    /// An asset's versions, newest first.
    async fn asset_history(&self, asset_id: &str) -> Result<Vec<AssetVersion>>;
    /// Keep an uploaded ledger file until it is confirmed or discarded (audited).
    async fn stage_asset_import(&self, actor: &Actor, i: &AssetImport) -> Result<AssetImport>;
    async fn asset_import(&self, id: &str) -> Result<Option<AssetImport>>;
    /// The person's choices for the file's columns (a pending import only).
    async fn set_asset_import_choices(&self, id: &str, choices: &str) -> Result<()>;
    /// Write a pending import all at once — every entry added and changed, each with its
    /// version kept with `reason`, one audit event — or nothing: a decided import, or an
    /// entry changed since the plan (`Conflict`), writes nothing.
    async fn commit_asset_import(
        &self,
        actor: &Actor,
        import_id: &str,
        write: &ImportWrite,
        reason: &str,
    ) -> Result<()>;
    /// Discard a pending import (its file is dropped).
    async fn discard_asset_import(&self, actor: &Actor, import_id: &str) -> Result<()>;
}
