//! An asset's end-of-support link: the product cycle (feed data) a person confirmed for it.
//! A table of its own beside the ledger (`asset_eos_links`), tenant data keyed by the
//! institution.

use crate::{Actor, Result};
use async_trait::async_trait;
use serde::Serialize;

/// The product cycle confirmed for an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssetEosLink {
    pub asset_id: String,
    pub institution_id: String,
    /// Feed product id (`windows-server`).
    pub product: String,
    /// Feed cycle id (`2012-r2`).
    pub cycle: String,
    pub confirmed_by: Option<String>,
    pub confirmed_label: String,
    pub confirmed_at: i64,
    pub version: i64,
}

#[async_trait]
pub trait AssetEosStore: Send + Sync {
    /// Confirm `product`/`cycle` for the asset: a new link when `expected_version` is
    /// `None` (`Conflict(StaleAssetEosLink)` if one exists meanwhile), else the link at that
    /// version replaced (a stale version overwrites nothing). `NotFound(Asset)` when the
    /// asset is not the institution's. Audited (`asset.eos_link`).
    async fn link_asset_eos(
        &self,
        actor: &Actor,
        link: &AssetEosLink,
        expected_version: Option<i64>,
    ) -> Result<AssetEosLink>;
    /// Remove the link at `expected_version`; audited (`asset.eos_unlink`).
    async fn unlink_asset_eos(
        &self,
        actor: &Actor,
        institution_id: &str,
        asset_id: &str,
        expected_version: i64,
    ) -> Result<()>;
    async fn asset_eos_link(&self, asset_id: &str) -> Result<Option<AssetEosLink>>;
    /// Every link of the institution.
    async fn asset_eos_links(&self, institution_id: &str) -> Result<Vec<AssetEosLink>>;
}
