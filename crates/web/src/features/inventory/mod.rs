//! Inventory checks (棚卸): the institution's checks, a check's assets to confirm or
//! correct one by one, and the close that writes the corrections to the ledger; the same
//! in the API.

pub mod api;
pub mod pages;
pub mod panel;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/checks", pages::list)
        .page(POST, "/i/{code}/checks", pages::start)
        .twin("POST /api/v1/institutions/{code}/inventory-checks")
        .page(GET, "/checks/{id}", pages::check)
        .page(GET, "/checks/{id}/assets/{asset_id}", pages::record_form)
        .page(POST, "/checks/{id}/assets/{asset_id}", pages::record)
        .twin("PUT /api/v1/inventory-checks/{id}/assets/{asset_id}")
        .page(GET, "/checks/{id}/close", pages::close_form)
        .page(POST, "/checks/{id}/close", pages::close)
        .twin("POST /api/v1/inventory-checks/{id}/close")
        .api(routes!(api::list, api::start))
        .api(routes!(api::get))
        .api(routes!(api::assets))
        .api(routes!(api::record))
        .api(routes!(api::close_plan, api::close))
}
