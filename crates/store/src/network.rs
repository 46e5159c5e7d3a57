//! The network of an institution: zones, links between zones, external connection points.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::network::{ConnectionKind, ZonePurpose, ZoneRef};
use serde::Serialize;

/// A network zone (segment) of an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct NetworkZone {
    pub id: String,
    pub institution_id: String,
    pub name: String,
    pub purpose: ZonePurpose,
    /// JSON array of CIDR ranges (see [`NetworkZone::range_list`]).
    pub ranges: String,
    pub notes: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub updated_label: String,
}

impl NetworkZone {
    /// A new zone of `institution_id` from checked fields (id, version and times are the
    /// store's).
    pub fn new(institution_id: &str, f: mamori_domain::network::ZoneFields) -> Self {
        NetworkZone {
            id: String::new(),
            institution_id: institution_id.to_string(),
            name: f.name,
            purpose: f.purpose,
            ranges: serde_json::to_string(&f.ranges).unwrap_or_else(|_| "[]".into()),
            notes: f.notes,
            version: 0,
            created_at: 0,
            updated_at: 0,
            updated_by: None,
            updated_label: String::new(),
        }
    }

    /// The address ranges (CIDR).
    pub fn range_list(&self) -> Vec<String> {
        serde_json::from_str(&self.ranges).unwrap_or_default()
    }

    /// The zone as the domain's rules take it.
    pub fn zone_ref(&self) -> ZoneRef {
        ZoneRef {
            id: self.id.clone(),
            name: self.name.clone(),
            ranges: self.range_list(),
        }
    }
}

/// Two zones connected, through a device where one is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ZoneLink {
    pub id: String,
    pub institution_id: String,
    pub from_zone: String,
    pub to_zone: String,
    pub via_asset: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub created_label: String,
}

/// A connection to the outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ConnectionPoint {
    pub id: String,
    pub institution_id: String,
    pub kind: ConnectionKind,
    pub counterpart: String,
    /// The device it goes through.
    pub via_asset: Option<String>,
    /// The vendor responsible.
    pub vendor_id: Option<String>,
    /// A remote-maintenance path.
    pub maintenance: bool,
    pub notes: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub updated_label: String,
}

/// The storage of the network. Every write is audited; references (zones, assets) must be
/// the institution's own (`NotFound` otherwise); edits carry the version read (`Conflict`
/// when stale).
#[async_trait]
pub trait NetworkStore: Send + Sync {
    /// Add a zone. The institution's row is held while its zones are read, so that two
    /// zones saved at once cannot overlap: a taken name is `Duplicate(Zone)`, ranges
    /// overlapping another zone's are `Conflict(ZoneOverlap)`.
    async fn create_zone(&self, actor: &Actor, z: &NetworkZone) -> Result<NetworkZone>;
    /// Change a zone still at `expected_version` (same rules as [`Self::create_zone`]).
    async fn update_zone(
        &self,
        actor: &Actor,
        z: &NetworkZone,
        expected_version: i64,
    ) -> Result<NetworkZone>;
    async fn zone(&self, id: &str) -> Result<Option<NetworkZone>>;
    /// The institution's zones, by name.
    async fn zones(&self, institution_id: &str) -> Result<Vec<NetworkZone>>;
    async fn create_zone_link(&self, actor: &Actor, l: &ZoneLink) -> Result<ZoneLink>;
    async fn delete_zone_link(&self, actor: &Actor, institution_id: &str, id: &str) -> Result<()>;
    async fn zone_links(&self, institution_id: &str) -> Result<Vec<ZoneLink>>;
    async fn create_connection_point(
        &self,
        actor: &Actor,
        c: &ConnectionPoint,
    ) -> Result<ConnectionPoint>;
    async fn update_connection_point(
        &self,
        actor: &Actor,
        c: &ConnectionPoint,
        expected_version: i64,
    ) -> Result<ConnectionPoint>;
    async fn delete_connection_point(
        &self,
        actor: &Actor,
        institution_id: &str,
        id: &str,
        expected_version: i64,
    ) -> Result<()>;
    async fn connection_point(&self, id: &str) -> Result<Option<ConnectionPoint>>;
    async fn connection_points(&self, institution_id: &str) -> Result<Vec<ConnectionPoint>>;
}
