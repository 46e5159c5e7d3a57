//! What a store call can refuse or fail with. Callers match on the enums carried by
//! [`StoreError::NotFound`], [`StoreError::Duplicate`] and [`StoreError::Conflict`], never on
//! text.

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} was not found")]
    NotFound(Entity),
    /// The change cannot be made as asked: someone else saved first, or the record is no
    /// longer in a state that allows it (see [`ConflictKind`]).
    #[error("conflict: {0}")]
    Conflict(ConflictKind),
    #[error("{0} already exists")]
    Duplicate(Entity),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A rule of vendor membership refused the change (checked inside the transaction).
    #[error("membership change refused: {0}")]
    Membership(mamori_domain::vendor_members::MembershipRefusal),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The kind of record a `NotFound` or `Duplicate` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Institution,
    /// A role grant named an institution or a user that does not exist.
    InstitutionOrUser,
    User,
    Vendor,
    VendorMember,
    Role,
    Session,
    ApiToken,
    CatalogImport,
    /// A catalog version (`publisher/document@version`).
    CatalogVersion,
    System,
    SystemLink,
    Contract,
    Certification,
    Subcontractor,
    Invite,
    Assessment,
    Evidence,
    InspectorLink,
    VendorSheet,
    Checkpoint,
    /// A vendor's standard answer to the vendor sheet.
    SheetStandardAnswer,
    /// An entry of the asset ledger.
    Asset,
    AssetImport,
    /// An inventory check (棚卸).
    InventoryCheck,
    /// A network zone.
    Zone,
    ZoneLink,
    /// An external connection point.
    ConnectionPoint,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Institution => "institution",
            Entity::InstitutionOrUser => "institution or user",
            Entity::User => "user",
            Entity::Vendor => "vendor",
            Entity::VendorMember => "vendor member",
            Entity::Role => "role",
            Entity::Session => "session",
            Entity::ApiToken => "api token",
            Entity::CatalogImport => "catalog import",
            Entity::CatalogVersion => "catalog version",
            Entity::System => "system",
            Entity::SystemLink => "system link",
            Entity::Contract => "contract",
            Entity::Certification => "certification",
            Entity::SheetStandardAnswer => "sheet standard answer",
            Entity::Asset => "asset",
            Entity::AssetImport => "asset import",
            Entity::InventoryCheck => "inventory check",
            Entity::Zone => "network zone",
            Entity::ZoneLink => "zone link",
            Entity::ConnectionPoint => "connection point",
            Entity::Subcontractor => "subcontractor",
            Entity::Invite => "invite",
            Entity::Assessment => "assessment",
            Entity::Evidence => "evidence",
            Entity::InspectorLink => "inspector link",
            Entity::VendorSheet => "vendor sheet",
            Entity::Checkpoint => "checkpoint",
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a change was refused with [`StoreError::Conflict`]. `Stale…`: the record's version is
/// no longer the one the change was read at (someone else saved first), or the record has
/// left the state the step starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConflictKind {
    StaleInstitution,
    StaleUser,
    /// A second factor is already enrolled.
    SecondFactorEnabled,
    /// The catalog import is no longer pending (confirmed or discarded already).
    CatalogImportDecided,
    StaleRoleSharingItem,
    /// The subcontractor was already approved.
    SubcontractorApproved,
    /// The invitation was used already or has expired.
    InviteSpent,
    StaleAssessment,
    StaleAssessmentAnswer,
    /// The assessment is approved: its answers and evidence are locked.
    AssessmentApproved,
    StaleVendorSheet,
    StaleVendorSheetAnswer,
    /// The vendor sheet was submitted: its answers are locked.
    VendorSheetSubmitted,
    /// The inspector link was revoked already.
    InspectorLinkRevoked,
    /// The vendor membership to confirm is not pending.
    MembershipNotPending,
    /// The vendor membership is active already.
    MembershipActive,
    /// The change would leave the institution without a live security officer
    /// ([`mamori_domain::members::removes_last_officer`]).
    LastOfficer,
    /// The ledger entry was changed since it was read.
    StaleAsset,
    /// The ledger import was confirmed or discarded already.
    ImportDecided,
    /// The inventory check is closed: its records are final.
    CheckClosed,
    /// The check's record was changed since it was read (or a record came after the close
    /// was planned).
    StaleCheckRecord,
    /// The network zone was changed since it was read.
    StaleZone,
    /// A zone's ranges overlap another zone's of the institution.
    ZoneOverlap,
    /// The connection point was changed since it was read.
    StaleConnectionPoint,
    /// A ledger entry's address is outside its zone's ranges.
    AddressOutsideZone,
    /// Another entry in use in the same zone has one of the entry's addresses.
    AddressTaken,
    /// A zone's new ranges would leave addresses of its entries outside.
    ZoneEntriesOutside,
}

impl ConflictKind {
    /// A short stable name (what `Conflict` carried as text before it carried this enum).
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::StaleInstitution => "institution",
            ConflictKind::StaleUser => "user",
            ConflictKind::SecondFactorEnabled => "second factor",
            ConflictKind::CatalogImportDecided => "catalog import",
            ConflictKind::StaleRoleSharingItem => "role-sharing item",
            ConflictKind::SubcontractorApproved => "subcontractor",
            ConflictKind::InviteSpent => "invite",
            ConflictKind::StaleAssessment => "assessment",
            ConflictKind::StaleAssessmentAnswer => "assessment answer",
            ConflictKind::AssessmentApproved => "approved assessment",
            ConflictKind::StaleVendorSheet => "vendor sheet",
            ConflictKind::StaleVendorSheetAnswer => "vendor sheet answer",
            ConflictKind::VendorSheetSubmitted => "submitted vendor sheet",
            ConflictKind::InspectorLinkRevoked => "inspector link",
            ConflictKind::MembershipNotPending => "pending vendor membership",
            ConflictKind::MembershipActive => "vendor membership already active",
            ConflictKind::LastOfficer => "last security officer",
            ConflictKind::StaleAsset => "asset",
            ConflictKind::ImportDecided => "asset import",
            ConflictKind::CheckClosed => "closed inventory check",
            ConflictKind::StaleCheckRecord => "inventory record",
            ConflictKind::StaleZone => "network zone",
            ConflictKind::ZoneOverlap => "overlapping network zone",
            ConflictKind::StaleConnectionPoint => "connection point",
            ConflictKind::AddressOutsideZone => "address outside its zone",
            ConflictKind::AddressTaken => "address taken in its zone",
            ConflictKind::ZoneEntriesOutside => "zone entries outside its ranges",
        }
    }
}

impl std::fmt::Display for ConflictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Map a unique-constraint violation to [`StoreError::Duplicate`].
pub(crate) fn dup(what: Entity) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Db(e),
    }
}

/// A foreign-key violation means the referenced record does not exist.
pub(crate) fn fk(what: Entity) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_foreign_key_violation() => StoreError::NotFound(what),
        Some(d) if d.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Db(e),
    }
}
