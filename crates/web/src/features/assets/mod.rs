//! The asset ledger (機器台帳): the institution's list with a form to add an entry, each
//! entry with its form and history, and the same in the API.

pub mod api;
pub mod imports;
pub mod imports_api;
pub mod pages;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/ledger", pages::list)
        .page(POST, "/i/{code}/ledger", pages::create)
        .twin("POST /api/v1/institutions/{code}/assets")
        .page(GET, "/i/{code}/ledger/export.xlsx", api::export_xlsx)
        .page(GET, "/i/{code}/ledger/export.pdf", api::export_pdf)
        .page(GET, "/ledger/{id}", pages::asset)
        .page(POST, "/ledger/{id}", pages::update)
        .twin("PUT /api/v1/assets/{id}")
        .api(routes!(api::list, api::create))
        .api(routes!(api::get, api::update))
        .api(routes!(api::history))
        .api(routes!(api::export_xlsx))
        .api(routes!(api::export_pdf))
        .upload(GET, "/i/{code}/ledger/import", imports::upload_form)
        .upload(POST, "/i/{code}/ledger/import", imports::upload)
        .twin("POST /api/v1/institutions/{code}/asset-imports")
        .page(GET, "/ledger-imports/{id}", imports::preview)
        .page(POST, "/ledger-imports/{id}/columns", imports::columns)
        .twin("PUT /api/v1/asset-imports/{id}/columns")
        .page(POST, "/ledger-imports/{id}/confirm", imports::confirm)
        .twin("POST /api/v1/asset-imports/{id}/confirm")
        .page(POST, "/ledger-imports/{id}/discard", imports::discard)
        .twin("POST /api/v1/asset-imports/{id}/discard")
        .api_upload(routes!(imports_api::upload))
        .api(routes!(imports_api::get))
        .api(routes!(imports_api::columns))
        .api(routes!(imports_api::confirm))
        .api(routes!(imports_api::discard))
}
