//! An institution's systems and how they connect: the matrix groups contracts by system and
//! flags coordination between the vendors of connected systems.

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::codes::{Hosting, SystemCategory};
use mamori_domain::policy::Action;
use mamori_store::{NewSystem, StoreError, System};
use serde::Deserialize;

/// A new system, as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SystemInput {
    /// 1–100 characters, unique in the institution.
    #[serde(default)]
    pub name: String,
    /// `ehr`, `receipt`, `pacs`, `departmental` or `other`.
    #[serde(default)]
    pub category: String,
    /// `on_premise`, `cloud` or `hybrid`.
    #[serde(default)]
    pub hosting: String,
    #[serde(default)]
    pub holds_medical_info: bool,
    #[serde(default)]
    pub note: String,
}

/// Two systems of the institution that connect.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    /// Id of one system.
    pub a: String,
    /// Id of the other.
    pub b: String,
}

fn invalid(field: &'static str, key: &'static str) -> Error {
    Error::Invalid { field, key }
}

/// The systems of the institution `code` (who may see its contracts).
pub async fn list(ctx: &Ctx, caller: &Caller, code: &str) -> Result<Vec<System>> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewContracts).await?;
    Ok(ctx.store().systems(&inst.id).await?)
}

/// Add a system to the institution `code`.
pub async fn add(ctx: &Ctx, caller: &Caller, code: &str, input: &SystemInput) -> Result<System> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageContracts).await?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid("name", "error-system-name"));
    }
    let category =
        SystemCategory::parse(&input.category).ok_or(invalid("category", "error-rs-bad-value"))?;
    let hosting = Hosting::parse(&input.hosting).ok_or(invalid("hosting", "error-rs-bad-value"))?;
    let new = NewSystem {
        institution_id: inst.id.clone(),
        name: name.to_string(),
        category,
        hosting,
        holds_medical_info: input.holds_medical_info,
        note: input.note.trim().to_string(),
    };
    match ctx.store().create_system(&caller.actor(), &new).await {
        Err(StoreError::Duplicate(_)) => Err(invalid("name", "error-system-duplicate")),
        r => Ok(r?),
    }
}

/// Record that two systems of the institution `code` connect.
pub async fn link(ctx: &Ctx, caller: &Caller, code: &str, input: &LinkInput) -> Result<()> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageContracts).await?;
    match ctx
        .store()
        .link_systems(&caller.actor(), &inst.id, &input.a, &input.b)
        .await
    {
        Err(StoreError::Duplicate(_)) => Err(invalid("b", "error-systems-already-linked")),
        Err(StoreError::NotFound(_)) => Err(invalid("b", "error-systems-link")),
        r => Ok(r?),
    }
}
