//! What a use case answers when it refuses. No HTTP here: the web layer maps each variant
//! to a status and a page or a JSON envelope; the command line prints it.

use mamori_store::{ConflictKind, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller holds a role here but not one that allows this.
    #[error("forbidden")]
    Forbidden,
    /// Not there, or not for this caller to know of.
    #[error("not found")]
    NotFound,
    /// The caller's roles here wait for a second factor.
    #[error("MFA enrolment required")]
    EnrolRequired,
    /// The record changed since it was read (or a rule of its state refuses the change).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("duplicate: {0}")]
    Duplicate(&'static str),
    /// A field breaks a rule; `key` is the Fluent message that says which.
    #[error("invalid {field}: {key}")]
    Invalid {
        field: &'static str,
        key: &'static str,
    },
    /// The request as a whole cannot be taken; `0` is the Fluent message key.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A sheet cannot be approved yet: what is missing or breaks a rule, item by item.
    #[error("{} items unmet", .0.len())]
    Unmet(Vec<UnmetItem>),
    #[error("too many attempts")]
    Throttled { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

/// One item slot that keeps a sheet from approval, and the rule's message key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnmetItem {
    pub item_id: String,
    /// The item number as printed (`2-(3)`).
    pub number: String,
    pub slot: mamori_domain::assessment::Slot,
    pub key: &'static str,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A validation failure from the domain (`validate::…`).
    pub fn invalid(e: mamori_domain::validate::FieldError) -> Self {
        Error::Invalid {
            field: e.field,
            key: e.key,
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Error::NotFound,
            // The store's own check of the rule `accounts::revoke_role` checks first.
            StoreError::Conflict(ConflictKind::LastOfficer) => Error::Invalid {
                field: "role",
                key: "error-last-security-officer",
            },
            // The store's own check of the rules `network::create_zone` checks first.
            StoreError::Conflict(ConflictKind::ZoneOverlap) => Error::Invalid {
                field: "ranges",
                key: "error-zone-overlap",
            },
            StoreError::Conflict(ConflictKind::AddressOutsideZone) => Error::Invalid {
                field: "ip_addresses",
                key: "error-asset-ip-outside-zone",
            },
            StoreError::Conflict(ConflictKind::ZoneEntriesOutside) => Error::Invalid {
                field: "ranges",
                key: "error-zone-assets-outside",
            },
            StoreError::Conflict(ConflictKind::AddressTaken) => Error::Invalid {
                field: "ip_addresses",
                key: "error-asset-ip-taken",
            },
            StoreError::Duplicate(mamori_store::Entity::Zone) => Error::Invalid {
                field: "name",
                key: "error-zone-name-taken",
            },
            StoreError::Conflict(kind) => Error::Conflict(kind.as_str()),
            StoreError::Duplicate(what) => Error::Duplicate(what.as_str()),
            StoreError::Membership(r) => Error::Invalid {
                field: "member",
                key: r.message_key(),
            },
            other => {
                tracing::error!(error = %other, "store error");
                Error::Internal(other.to_string())
            }
        }
    }
}

impl From<mamori_export::ExportError> for Error {
    fn from(e: mamori_export::ExportError) -> Self {
        Error::Internal(format!("export: {e}"))
    }
}
