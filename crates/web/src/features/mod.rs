//! The features: each folder holds its routes (`mod.rs`), pages and API. A feature uses
//! `http`, `ui` and `mamori_app`, never another feature; the router is assembled here.

pub mod accounts;
pub mod assets;
pub mod catalogs;
pub mod checklist;
pub mod eos;
pub mod inventory;
pub mod network;
pub mod notifications;
pub mod role_sharing;
pub mod vendors;

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::routes::Routes;
use crate::http::state::AppState;
use crate::i18n::Tr;
use mamori_domain::Institution;

/// Every feature's routes.
pub fn routes() -> Routes {
    let r = Routes::new();
    let r = accounts::routes(r);
    let r = catalogs::routes(r);
    let r = role_sharing::routes(r);
    let r = vendors::routes(r);
    let r = notifications::routes(r);
    let r = assets::routes(r);
    let r = inventory::routes(r);
    let r = eos::routes(r);
    let r = network::routes(r);
    checklist::routes(r)
}

/// The routers the features' declarations make (the frame adds the layers).
pub struct FeatureRouters {
    pub pages: axum::Router<crate::http::state::AppState>,
    pub uploads: axum::Router<crate::http::state::AppState>,
    pub api: axum::Router<crate::http::state::AppState>,
    pub api_uploads: axum::Router<crate::http::state::AppState>,
}

pub fn routers() -> FeatureRouters {
    let r = routes();
    let (api, _) = r.api.split_for_parts();
    let (api_uploads, _) = r.api_uploads.split_for_parts();
    FeatureRouters {
        pages: r.pages,
        uploads: r.uploads,
        api,
        api_uploads,
    }
}

/// The institution dashboard's panels, in the order shown (each renders itself, or
/// nothing for a caller who may not see it), and its to-do list: what each feature has the
/// viewer do, each entry linking to where to act (the year's checklist first, then role
/// sharing).
pub async fn dashboard(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<(Vec<String>, Vec<(String, String)>)> {
    let (checklist_panel, mut todo) =
        checklist::pages::dashboard_part(state, auth, inst, tr).await?;
    todo.extend(role_sharing::panel::todo_items(state, auth, inst, tr).await?);
    todo.extend(inventory::panel::todo_items(state, auth, inst, tr).await?);
    let panels = [
        checklist_panel,
        role_sharing::panel::dashboard_panel(state, auth, inst, tr).await?,
        eos::panel::dashboard_panel(state, auth, inst, tr).await?,
    ];
    Ok((panels.into_iter().flatten().collect(), todo))
}
