//! End of support (issue 13 item 6): the platform administrator's feed page (each feed's
//! last import, the attributions, an upload of a file or a zip → the import's report) with
//! its API, an asset's link to a product cycle (confirm a suggestion, remove it) with its
//! API, and the dashboard's list of assets whose end of support has passed or is near. The
//! ledger list and the asset page show the standing through `mamori_app::eos`.

pub mod admin;
pub mod api;
pub mod links;
pub mod panel;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/admin/feeds", admin::page)
        .upload(POST, "/admin/feeds/eos", admin::upload)
        .twin("POST /api/v1/feeds/eos")
        .page(POST, "/ledger/{id}/eos", links::confirm)
        .twin("PUT /api/v1/assets/{id}/eos")
        .page(POST, "/ledger/{id}/eos/remove", links::remove)
        .twin("DELETE /api/v1/assets/{id}/eos")
        .api(routes!(api::status))
        .api_upload(routes!(api::upload))
        .api(routes!(api::get_link, api::put_link, api::delete_link))
        .api(routes!(api::attention))
}
