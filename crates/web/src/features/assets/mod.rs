//! The asset ledger (機器台帳): the institution's list with a form to add an entry, each
//! entry with its form and history, and the same in the API.

pub mod api;
pub mod pages;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/ledger", pages::list)
        .page(POST, "/i/{code}/ledger", pages::create)
        .twin("POST /api/v1/institutions/{code}/assets")
        .page(GET, "/i/{code}/ledger/export.xlsx", api::export_xlsx)
        .page(GET, "/ledger/{id}", pages::asset)
        .page(POST, "/ledger/{id}", pages::update)
        .twin("PUT /api/v1/assets/{id}")
        .api(routes!(api::list, api::create))
        .api(routes!(api::get, api::update))
        .api(routes!(api::history))
        .api(routes!(api::export_xlsx))
}
