//! Contracts between an institution and its vendors. A new contract's checklist follows the
//! latest role-sharing catalog version served.

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::contracts::check_terms;
use mamori_domain::policy::Action;
use mamori_store::{Contract, NewContract, StoreError};
use serde::Deserialize;

/// A new contract, as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ContractInput {
    /// The vendor (from `GET /api/v1/vendors`).
    #[serde(default)]
    pub vendor_id: String,
    /// 1–200 characters.
    #[serde(default)]
    pub title: String,
    /// `introduction`, `maintenance`, `cloud`, `external_storage` or `other`.
    #[serde(default)]
    pub kind: String,
    /// `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub starts_on: String,
    /// `YYYY-MM-DD`, or empty; not before `starts_on`.
    #[serde(default)]
    pub ends_on: String,
    /// Ids of the institution's systems the contract covers.
    #[serde(default, alias = "system")]
    pub system_ids: Vec<String>,
}

/// Make a contract of the institution `code` with a vendor.
pub async fn create(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &ContractInput,
) -> Result<Contract> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageContracts).await?;
    let terms = check_terms(
        &input.title,
        &input.vendor_id,
        &input.kind,
        &input.starts_on,
        &input.ends_on,
    )
    .map_err(Error::invalid)?;
    let catalog_id = crate::role_sharing::current_catalog(ctx)
        .ok_or_else(|| Error::Internal("no role-sharing catalog is served".into()))?;
    let new = NewContract {
        institution_id: inst.id.clone(),
        vendor_id: input.vendor_id.trim().to_string(),
        title: terms.title,
        kind: terms.kind,
        starts_on: terms.starts_on,
        ends_on: terms.ends_on,
        catalog_id,
        system_ids: input.system_ids.clone(),
    };
    match ctx.store().create_contract(&caller.actor(), &new).await {
        // An unknown vendor (or a system of another institution) is a field error.
        Err(StoreError::NotFound(_)) => Err(Error::Invalid {
            field: "vendor_id",
            key: "error-contract-vendor",
        }),
        r => Ok(r?),
    }
}
