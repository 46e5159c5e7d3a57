//! The `Store` contract: every read and write mamori makes, with one implementation for
//! SQLite (a clinic PC) and one for PostgreSQL (a hospital group or a medical association).
//!
//! The contract is split by area: each area's records and trait live in `<area>.rs`
//! ([`AccountStore`], [`InstitutionStore`], [`CatalogStore`], [`ContractStore`],
//! [`RoleSharingStore`], [`AssessmentStore`], [`VendorSheetStore`], [`VendorStore`],
//! [`VendorMemberStore`], [`ThrottleStore`], [`AuditStore`], [`NotificationStore`],
//! [`AssetStore`]) and [`Store`] is all of them.
//! Both implementations compile the same SQL (`sql/mod.rs` and one `sql/<area>.rs` per
//! area, included into each backend module with its own `Db` type); each backend has its
//! own migrations. Every mutation takes an [`Actor`] and appends its audit event in the
//! same transaction as the change.
//!
//! Callers bring the area traits into scope with `use mamori_store::prelude::*;`.

pub mod accounts;
pub mod assessments;
pub mod asset_eos;
pub mod assets;
pub mod audit;
pub mod catalogs;
pub mod contracts;
pub mod error;
pub mod feeds;
mod feeds_postgres;
mod feeds_sqlite;
pub mod institutions;
pub mod inventory;
pub mod network;
pub mod notifications;
pub mod postgres;
pub mod role_sharing;
pub mod sqlite;
pub mod vendor_members;
pub mod vendor_sheets;
pub mod vendors;
mod verify;

pub use accounts::{AccountStore, ApiToken, NewUser, SessionRecord, UserAuth};
pub use assessments::{
    Assessment, AssessmentAnswer, AssessmentRevision, AssessmentStore, Evidence, InspectorLink,
};
pub use asset_eos::{AssetEosLink, AssetEosStore};
pub use assets::{
    Asset, AssetFilter, AssetImport, AssetStore, AssetVersion, CheckScope, ImportWrite,
};
pub use audit::{AuditDraft, AuditFilter, AuditStore, ChainHead, StoredCheckpoint};
pub use catalogs::{CatalogImport, CatalogItemRecord, CatalogRecord, CatalogStore};
pub use contracts::{
    Contract, ContractDocument, ContractStore, NewContract, NewSystem, Subcontractor, System,
};
pub use error::{ConflictKind, Entity, Result, StoreError};
pub use feeds::{
    open_feeds, EosCycleRecord, EosProductRecord, FeedImport, FeedStore, NewFeedImport,
    PgFeedStore, SqliteFeedStore,
};
pub use institutions::{InstitutionSettings, InstitutionStore, Member, NewInstitution};
pub use inventory::{AssetCheckEntry, CheckCounts, CheckRecord, InventoryCheck, InventoryStore};
pub use network::{ConnectionPoint, NetworkStore, NetworkZone, ZoneLink};
pub use notifications::{
    DueAnswer, ExpiringCertification, ExpiringLink, Notification, NotificationStore, OutboxCounts,
    OutboxMail,
};
pub use postgres::PgStore;
pub use role_sharing::{RoleSharingEvent, RoleSharingItem, RoleSharingStep, RoleSharingStore};
pub use sqlite::SqliteStore;
pub use vendor_members::{MembershipChange, ThrottleStore, VendorMember, VendorMemberStore};
pub use vendor_sheets::{VendorSheet, VendorSheetStore};
pub use vendors::{Certification, Invite, SheetStandardAnswer, StandardAnswer, VendorStore};
pub use verify::{
    checkpoint_entries, take_checkpoint, verify_audit, verify_audit_report, AuditReport,
    CheckpointSource, UsedCheckpoint,
};

/// The store traits, for callers that call methods on a `&dyn Store` (each method belongs
/// to an area trait, which must be in scope).
pub mod prelude {
    pub use crate::{
        AccountStore, AssessmentStore, AssetEosStore, AssetStore, AuditStore, CatalogStore,
        ContractStore, InstitutionStore, InventoryStore, NetworkStore, NotificationStore,
        RoleSharingStore, Store, ThrottleStore, VendorMemberStore, VendorSheetStore, VendorStore,
    };
}

/// Who performs a mutation, and from where: recorded in the audit event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<String>,
    pub label: String,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl Actor {
    /// The product itself (demo loader, migrations, command line without a user).
    pub fn system(label: &str) -> Self {
        Actor {
            user_id: None,
            label: label.to_string(),
            request_id: None,
            client_addr: None,
        }
    }
}

/// Every area of the storage contract: what the web layer, the command line and the
/// benchmarks hold (`Arc<dyn Store>`). Implemented for any type that implements all areas.
pub trait Store:
    AccountStore
    + InstitutionStore
    + CatalogStore
    + ContractStore
    + RoleSharingStore
    + AssessmentStore
    + AssetStore
    + AssetEosStore
    + InventoryStore
    + NetworkStore
    + VendorSheetStore
    + VendorStore
    + VendorMemberStore
    + ThrottleStore
    + AuditStore
    + NotificationStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: AccountStore
        + InstitutionStore
        + CatalogStore
        + ContractStore
        + RoleSharingStore
        + AssessmentStore
        + AssetStore
        + AssetEosStore
        + InventoryStore
        + NetworkStore
        + VendorSheetStore
        + VendorStore
        + VendorMemberStore
        + ThrottleStore
        + AuditStore
        + NotificationStore
        + Send
        + Sync
        + 'static
{
}

/// Open the store named by a URL: `postgres://…` / `postgresql://…`, or `sqlite://PATH`.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PgStore::connect(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    }
}

/// Current time in unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A new time-ordered id (UUIDv7).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
