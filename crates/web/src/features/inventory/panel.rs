//! The inventory check on the institution's dashboard: a to-do entry for whoever keeps the
//! ledger when no check was completed within a year (the checklist asks for one), or while
//! one is open.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use mamori_domain::inventory::CheckStatus;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::Institution;

/// The to-do entries: (text, link).
pub async fn todo_items(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Vec<(String, String)>> {
    if !mamori_app::access::may(auth, Action::ManageAssets, Scope::Institution(&inst.id)) {
        return Ok(vec![]);
    }
    if let Some(open) = state
        .store()
        .inventory_checks(&inst.id)
        .await?
        .into_iter()
        .find(|c| c.status == CheckStatus::Open)
    {
        return Ok(vec![(
            tr.t1("todo-check-open", "name", &open.name),
            format!("/checks/{}", open.id),
        )]);
    }
    // A ledger with nothing in it has nothing to check yet.
    let (_, assets) = state
        .store()
        .assets_page(&inst.id, &mamori_store::AssetFilter::default(), 0, 1)
        .await?;
    if assets == 0 {
        return Ok(vec![]);
    }
    match mamori_app::inventory::last_closed(state, &inst.id).await? {
        Some((_, true)) => Ok(vec![]),
        _ => Ok(vec![(
            tr.t("todo-check-due"),
            format!("/i/{}/checks", inst.code),
        )]),
    }
}
