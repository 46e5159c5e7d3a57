//! Who may reach what: a record is resolved and the policy asked in one step, so that a
//! caller with no role there learns nothing (not found) and a member lacking the
//! permission is refused (forbidden).

use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::Institution;
use mamori_store::Store;

/// Resolve an institution by its 医療機関コード and check `action` on it. Someone with no
/// role there learns nothing (404); a member lacking the permission is refused (403).
pub async fn institution_for(
    store: &dyn Store,
    auth: &Caller,
    code: &str,
    action: Action,
) -> Result<Institution> {
    let inst = store
        .institution_by_code(code)
        .await?
        .ok_or(Error::NotFound)?;
    if may(auth, action, Scope::Institution(&inst.id)) {
        return Ok(inst);
    }
    if auth.mfa_blocked.contains(&inst.id) {
        // A member whose roles here wait for a second factor: enrol first.
        return Err(Error::EnrolRequired);
    }
    let member = !auth.principal.roles_in(&inst.id, auth.now).is_empty();
    Err(if member || auth.principal.platform_admin {
        Error::Forbidden
    } else {
        Error::NotFound
    })
}

/// The institution of a record (by its id), if the caller may take `action` there: what
/// [`institution_for`] answers for the institution's code (404 with no role there).
pub async fn record_institution(
    store: &dyn Store,
    auth: &Caller,
    institution_id: &str,
    action: Action,
) -> Result<Institution> {
    let inst = store
        .institution(institution_id)
        .await?
        .ok_or(Error::NotFound)?;
    institution_for(store, auth, &inst.code, action).await
}

/// Credentials (password, second factor, API tokens) are managed in a signed-in browser
/// session only: a stolen API token must not be able to entrench itself.
pub fn interactive(auth: &Caller) -> Result<()> {
    if auth.token_id.is_some() {
        Err(Error::BadRequest("error-needs-session"))
    } else {
        Ok(())
    }
}

/// Count an attempt at a secret check (current password, TOTP code) against `key`.
pub async fn attempt(ctx: &Ctx, key: &str) -> Result<()> {
    ctx.throttle()
        .begin(key, ctx.limits().attempts_per_account, ctx.now())
        .await
}

/// Whether the signed-in user may take `action` in `scope` (what a page offers).
pub fn may(auth: &Caller, action: Action, scope: Scope<'_>) -> bool {
    auth.may(action, scope)
}

/// A vendor-portal action on one of the caller's own vendors: the caller may use the
/// portal (403 otherwise) and `vendor_id` is one of its vendors (another: 404).
pub fn own_vendor(caller: &Caller, vendor_id: &str) -> Result<()> {
    require(caller, Action::UseVendorPortal, Scope::Platform)?;
    if caller.principal.vendor_ids.iter().any(|v| v == vendor_id) {
        Ok(())
    } else {
        Err(crate::error::Error::NotFound)
    }
}

pub fn require(auth: &Caller, action: Action, scope: Scope<'_>) -> Result<()> {
    if may(auth, action, scope) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The institutions the user may open, in code order.
pub async fn my_institutions(store: &dyn Store, auth: &Caller) -> Result<Vec<Institution>> {
    Ok(store
        .institutions_by_ids(&auth.principal.institution_ids(auth.now))
        .await?)
}
