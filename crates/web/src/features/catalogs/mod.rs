//! The official documents: browsing, the item pages with their crosswalks, Japanese
//! search, and importing a new version from the official Excel or CSV.

pub mod api;
pub mod import;
pub mod pages;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/catalogs", pages::list)
        .page(GET, "/catalogs/search", pages::search_page)
        .page(GET, "/catalogs/{publisher}/{docver}", pages::show)
        .page(
            GET,
            "/catalogs/{publisher}/{docver}/items/{item}",
            pages::item,
        )
        .upload(GET, "/catalog-imports", import::upload_page)
        .upload(POST, "/catalog-imports", import::upload)
        .twin("POST /api/v1/catalog-imports")
        .upload(GET, "/catalog-imports/{id}", import::preview)
        .upload(POST, "/catalog-imports/{id}/confirm", import::confirm)
        .twin("POST /api/v1/catalog-imports/{id}/confirm")
        .upload(POST, "/catalog-imports/{id}/discard", import::discard)
        .twin("POST /api/v1/catalog-imports/{id}/discard")
        .api(routes!(pages::api_list))
        .api(routes!(pages::api_search))
        .api(routes!(api::imports))
        .api_upload(routes!(api::upload))
        .api(routes!(api::import))
        .api(routes!(api::confirm))
        .api(routes!(api::discard))
}
