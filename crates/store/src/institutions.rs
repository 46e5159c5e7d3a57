//! Institutions (tenants), their members' roles and the principal a user acts as.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::{Institution, InstitutionKind, Principal, Role, User};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub prefecture: String,
    pub beds: i64,
    pub mfa_required: bool,
}

/// The editable settings of an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstitutionSettings {
    pub name: String,
    pub beds: i64,
    pub mfa_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub user: User,
    pub roles: Vec<(Role, Option<i64>)>,
}

#[async_trait]
pub trait InstitutionStore: Send + Sync {
    async fn create_institution(&self, actor: &Actor, new: NewInstitution) -> Result<Institution>;
    async fn institution(&self, id: &str) -> Result<Option<Institution>>;
    async fn institution_by_code(&self, code: &str) -> Result<Option<Institution>>;
    async fn institutions_by_ids(&self, ids: &[String]) -> Result<Vec<Institution>>;
    async fn list_institutions(&self, offset: i64, limit: i64) -> Result<(Vec<Institution>, i64)>;
    async fn update_institution(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        settings: InstitutionSettings,
    ) -> Result<Institution>;
    /// Grant a role (granting it again sets its expiry). `NotFound` when the institution or
    /// the user does not exist; `Conflict(LastOfficer)` when it would give the institution's
    /// last live security officer's grant an expiry (checked like `revoke_role`).
    async fn grant_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
        expires_at: Option<i64>,
    ) -> Result<()>;
    /// Take a role from a member. `NotFound` when the member does not hold it;
    /// `Conflict(LastOfficer)` when it is the institution's last live security officer
    /// (checked inside the transaction, with the institution's row held, so two concurrent
    /// revocations cannot both pass).
    async fn revoke_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<()>;
    async fn members(&self, institution_id: &str) -> Result<Vec<Member>>;
    async fn principal(&self, user_id: &str) -> Result<Principal>;
}
