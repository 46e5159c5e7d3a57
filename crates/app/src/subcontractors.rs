//! Subcontractors (再委託先) of a contract: the vendor declares them, and only the
//! institution approves one (the guideline asks for the institution's prior approval).

use crate::access::may;
use crate::error::{Error, Result};
use crate::role_sharing::contract_for;
use crate::{Caller, Ctx};
use mamori_domain::contracts::check_subcontractor;
use mamori_domain::policy::{Action, Scope};
use mamori_store::Subcontractor;
use serde::Deserialize;

/// A subcontractor as the vendor declares it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SubcontractorInput {
    /// 1–200 characters.
    #[serde(default)]
    pub name: String,
    /// What it does for the contract (at most 2,000 characters).
    #[serde(default)]
    pub scope: String,
}

/// The subcontractors of a contract (either party).
pub async fn list(ctx: &Ctx, caller: &Caller, contract_id: &str) -> Result<Vec<Subcontractor>> {
    let (c, _) = contract_for(ctx.store(), caller, contract_id, Action::ViewContracts).await?;
    Ok(ctx
        .store()
        .subcontractors(&c.institution_id)
        .await?
        .into_iter()
        .filter(|s| s.contract_id == c.id)
        .collect())
}

/// Declare a subcontractor on a contract (the contract's vendor or the institution).
pub async fn declare(
    ctx: &Ctx,
    caller: &Caller,
    contract_id: &str,
    input: &SubcontractorInput,
) -> Result<Subcontractor> {
    let (c, _) = contract_for(ctx.store(), caller, contract_id, Action::AnswerRoleSharing).await?;
    let (name, scope) = check_subcontractor(&input.name, &input.scope).map_err(Error::invalid)?;
    let s = Subcontractor {
        id: String::new(),
        institution_id: c.institution_id.clone(),
        contract_id: c.id.clone(),
        name,
        scope,
        declared_by: None,
        declared_at: 0,
        approved_by: None,
        approved_at: None,
    };
    Ok(ctx
        .store()
        .declare_subcontractor(&caller.actor(), &s)
        .await?)
}

/// Approve a subcontractor: the institution only (a vendor is refused). Approving twice is
/// a conflict.
pub async fn approve(ctx: &Ctx, caller: &Caller, contract_id: &str, sub_id: &str) -> Result<()> {
    let (c, _) = contract_for(ctx.store(), caller, contract_id, Action::ViewContracts).await?;
    if !may(
        caller,
        Action::ManageContracts,
        Scope::Institution(&c.institution_id),
    ) {
        return Err(Error::Forbidden);
    }
    let subs = ctx.store().subcontractors(&c.institution_id).await?;
    if !subs.iter().any(|s| s.id == sub_id && s.contract_id == c.id) {
        return Err(Error::NotFound);
    }
    Ok(ctx
        .store()
        .approve_subcontractor(&caller.actor(), &c.institution_id, sub_id)
        .await?)
}
