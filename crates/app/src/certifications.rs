//! A vendor's certifications (ISMS, プライバシーマーク …), kept by the vendor's own members
//! and shown on its contracts; an expiry within 60 days is flagged.

use crate::access::require;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::certifications::check_certification;
use mamori_domain::policy::{Action, Scope};
use mamori_store::Certification;
use serde::Deserialize;

/// A new certification, as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CertificationInput {
    /// One of the caller's own vendors.
    #[serde(default)]
    pub vendor_id: String,
    /// `jisq27001`, `jisq15001` or `other`.
    #[serde(default)]
    pub kind: String,
    /// 1–200 characters.
    #[serde(default)]
    pub name: String,
    /// `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub expires_on: String,
}

/// A vendor-portal action on one of the caller's own vendors (another vendor: not found).
fn own_vendor(caller: &Caller, vendor_id: &str) -> Result<()> {
    require(caller, Action::UseVendorPortal, Scope::Platform)?;
    if caller.principal.vendor_ids.iter().any(|v| v == vendor_id) {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// The certifications of the caller's vendors.
pub async fn list(ctx: &Ctx, caller: &Caller) -> Result<Vec<Certification>> {
    require(caller, Action::UseVendorPortal, Scope::Platform)?;
    Ok(ctx
        .store()
        .certifications(&caller.principal.vendor_ids)
        .await?)
}

/// Add a certification to one of the caller's vendors.
pub async fn add(ctx: &Ctx, caller: &Caller, input: &CertificationInput) -> Result<Certification> {
    own_vendor(caller, &input.vendor_id)?;
    let (kind, name, expires_on) =
        check_certification(&input.kind, &input.name, &input.expires_on).map_err(Error::invalid)?;
    let c = Certification {
        id: String::new(),
        vendor_id: input.vendor_id.clone(),
        kind,
        name,
        expires_on,
        created_at: 0,
    };
    Ok(ctx.store().add_certification(&caller.actor(), &c).await?)
}

/// Delete a certification of one of the caller's vendors (any other: not found).
pub async fn delete(ctx: &Ctx, caller: &Caller, id: &str) -> Result<()> {
    let c = list(ctx, caller)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(Error::NotFound)?;
    Ok(ctx
        .store()
        .delete_certification(&caller.actor(), &c.vendor_id, id)
        .await?)
}
