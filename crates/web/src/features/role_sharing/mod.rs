//! Systems, contracts and each contract's role-sharing checklist (both parties on one
//! page), the cross-vendor matrix, and their exports.

pub mod api;
pub mod contract;
pub mod exports_api;
pub mod matrix;
pub mod pages;
pub mod panel;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/systems", pages::systems)
        .page(POST, "/i/{code}/systems", pages::add_system)
        .twin("POST /api/v1/institutions/{code}/systems")
        .page(POST, "/i/{code}/systems/links", pages::link_systems)
        .twin("POST /api/v1/institutions/{code}/systems/links")
        .page(GET, "/i/{code}/contracts", pages::contracts)
        .page(POST, "/i/{code}/contracts", pages::add_contract)
        .twin("POST /api/v1/institutions/{code}/contracts")
        .page(GET, "/i/{code}/matrix", matrix::matrix)
        .page(GET, "/contracts/{id}", contract::contract)
        .page(
            GET,
            "/contracts/{id}/export.xlsx",
            exports_api::contract_xlsx,
        )
        .page(GET, "/contracts/{id}/print", matrix::contract_print)
        .page(GET, "/i/{code}/matrix.xlsx", exports_api::matrix_xlsx)
        .page(POST, "/contracts/{id}/items/{item}", contract::item_step)
        .twin("POST /api/v1/contracts/{id}/items/{item}")
        .page(GET, "/vendor", pages::vendor_portal)
        .api(routes!(api::systems, api::add_system))
        .api(routes!(api::link_systems))
        .api(routes!(api::contracts, api::create_contract))
        .api(routes!(api::matrix))
        .api(routes!(api::vendor_contracts))
        .api(routes!(api::items))
        .api(routes!(api::step))
        .api(routes!(exports_api::contract_xlsx))
        .api(routes!(exports_api::matrix_xlsx))
}
