//! Notices: the signed-in user's list (read, mark read), which kinds come by mail, and the
//! same in the API.

pub mod api;
pub mod pages;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/notifications", pages::list)
        .page(POST, "/notifications/read-all", pages::read_all)
        .twin("POST /api/v1/notifications/read-all")
        .page(POST, "/notifications/{id}/read", pages::read)
        .twin("POST /api/v1/notifications/{id}/read")
        .page(POST, "/notifications/preferences", pages::save_preferences)
        .twin("PUT /api/v1/notifications/preferences")
        .api(routes!(api::list))
        .api(routes!(api::read))
        .api(routes!(api::read_all))
        .api(routes!(api::preferences, api::set_preferences))
}
