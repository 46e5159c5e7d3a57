//! Core records of the foundation: institutions, vendors, users and their roles.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// 医療機関の種別 (PRODUCT.md: institution kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    Hospital,
    Clinic,
    DentalClinic,
    Pharmacy,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 4] = [
        InstitutionKind::Hospital,
        InstitutionKind::Clinic,
        InstitutionKind::DentalClinic,
        InstitutionKind::Pharmacy,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Hospital => "hospital",
            InstitutionKind::Clinic => "clinic",
            InstitutionKind::DentalClinic => "dental_clinic",
            InstitutionKind::Pharmacy => "pharmacy",
        }
    }
}

impl fmt::Display for InstitutionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InstitutionKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_string()))
    }
}

/// The roles of PRODUCT.md. Institution roles are held per institution; `VendorUser` is held
/// through membership of a vendor organisation; `PlatformAdmin` is a property of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Executive,
    SecurityOfficer,
    PlanningManager,
    SystemOperator,
    Staff,
    Inspector,
    VendorUser,
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Executive,
        Role::SecurityOfficer,
        Role::PlanningManager,
        Role::SystemOperator,
        Role::Staff,
        Role::Inspector,
        Role::VendorUser,
        Role::PlatformAdmin,
    ];
    /// Roles that are granted per institution (stored with the institution id).
    pub const INSTITUTION: [Role; 6] = [
        Role::Executive,
        Role::SecurityOfficer,
        Role::PlanningManager,
        Role::SystemOperator,
        Role::Staff,
        Role::Inspector,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Executive => "executive",
            Role::SecurityOfficer => "security_officer",
            Role::PlanningManager => "planning_manager",
            Role::SystemOperator => "system_operator",
            Role::Staff => "staff",
            Role::Inspector => "inspector",
            Role::VendorUser => "vendor_user",
            Role::PlatformAdmin => "platform_admin",
        }
    }
    pub fn is_institution_role(self) -> bool {
        Self::INSTITUTION.contains(&self)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value: {0}")]
pub struct UnknownValue(pub String);

/// A medical institution or pharmacy: the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub id: String,
    /// 医療機関コード (10 digits; the first two are the prefecture).
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
    /// JIS X 0401 prefecture code, "01".."47".
    pub prefecture: String,
    pub beds: i64,
    /// When true every member must sign in with a second factor.
    pub mfa_required: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A medical information system / service vendor (global; linked to institutions by contracts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub platform_admin: bool,
    pub locale: String,
    pub mfa_enabled: bool,
    pub disabled: bool,
    pub version: i64,
    pub created_at: i64,
}

/// A role held by a user in one institution; inspector grants carry an expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub institution_id: String,
    pub role: Role,
    pub expires_at: Option<i64>,
}

/// Everything the policy needs to know about the signed-in user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub platform_admin: bool,
    pub grants: Vec<RoleGrant>,
    /// Vendors whose *active* member the user is (a pending membership gives nothing).
    pub vendor_ids: Vec<String>,
    /// Vendors the user administers (an active membership with the admin role).
    pub vendor_admin_ids: Vec<String>,
}

impl Principal {
    /// Roles held in `institution_id` that have not expired at `now` (unix ms).
    pub fn roles_in(&self, institution_id: &str, now: i64) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .grants
            .iter()
            .filter(|g| g.institution_id == institution_id)
            .filter(|g| g.expires_at.is_none_or(|e| e > now))
            .map(|g| g.role)
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Institutions where the user holds at least one live role.
    pub fn institution_ids(&self, now: i64) -> Vec<String> {
        let mut ids: Vec<String> = self
            .grants
            .iter()
            .filter(|g| g.expires_at.is_none_or(|e| e > now))
            .map(|g| g.institution_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}
