//! The network (ネットワーク構成): zones with their address ranges, links between zones,
//! external connection points, and the network diagram drawn from them with the ledger;
//! the same in the API.

pub mod api;
pub mod pages;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/network", pages::overview)
        .page(POST, "/i/{code}/network/zones", pages::create_zone)
        .twin("POST /api/v1/institutions/{code}/zones")
        .page(GET, "/network/zones/{id}", pages::zone)
        .page(POST, "/network/zones/{id}", pages::update_zone)
        .twin("PUT /api/v1/zones/{id}")
        .page(POST, "/i/{code}/network/links", pages::create_link)
        .twin("POST /api/v1/institutions/{code}/zone-links")
        .page(
            POST,
            "/i/{code}/network/links/{id}/delete",
            pages::delete_link,
        )
        .twin("DELETE /api/v1/institutions/{code}/zone-links/{id}")
        .page(POST, "/i/{code}/network/connections", pages::create_point)
        .twin("POST /api/v1/institutions/{code}/connection-points")
        .page(GET, "/network/connections/{id}", pages::point)
        .page(POST, "/network/connections/{id}", pages::update_point)
        .twin("PUT /api/v1/connection-points/{id}")
        .page(
            POST,
            "/network/connections/{id}/delete",
            pages::delete_point,
        )
        .twin("DELETE /api/v1/connection-points/{id}")
        .page(GET, "/i/{code}/network/diagram", pages::diagram)
        .page(GET, "/i/{code}/network/diagram.svg", pages::diagram_svg)
        .page(GET, "/i/{code}/network/diagram.pdf", pages::diagram_pdf)
        .page(GET, "/i/{code}/network/diagram.dot", pages::diagram_dot)
        .api(routes!(api::zones, api::create_zone))
        .api(routes!(api::zone, api::update_zone))
        .api(routes!(api::links, api::create_link))
        .api(routes!(api::delete_link))
        .api(routes!(api::points, api::create_point))
        .api(routes!(api::point, api::update_point, api::delete_point))
        .api(routes!(api::diagram_svg))
        .api(routes!(api::diagram_pdf))
        .api(routes!(api::diagram_dot))
}
