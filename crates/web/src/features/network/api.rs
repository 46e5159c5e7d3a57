//! The network (zones, links, connection points) and its diagram in the JSON API.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::download::FileBody;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use mamori_app::diagram::DiagramFormat;
use mamori_app::network::{LinkInput, PointInput, ZoneInput};
use mamori_domain::policy::Action;
use mamori_store::{ConnectionPoint, NetworkZone, ZoneLink};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A network zone.
#[derive(Serialize, ToSchema)]
pub struct ZoneView {
    pub id: String,
    pub name: String,
    /// `his`, `internet`, `dmz`, `medical`, `management`, `guest` or `other`.
    pub purpose: String,
    /// CIDR ranges.
    pub ranges: Vec<String>,
    pub notes: String,
    /// Send it back with a change; a stale one is 409.
    pub version: i64,
    pub updated_at: i64,
}

impl From<NetworkZone> for ZoneView {
    fn from(z: NetworkZone) -> Self {
        ZoneView {
            ranges: z.range_list(),
            id: z.id,
            name: z.name,
            purpose: z.purpose.to_string(),
            notes: z.notes,
            version: z.version,
            updated_at: z.updated_at,
        }
    }
}

/// A link between two zones.
#[derive(Serialize, ToSchema)]
pub struct LinkView {
    pub id: String,
    pub from_zone: String,
    pub to_zone: String,
    /// The ledger entry it goes through.
    pub via_asset: Option<String>,
}

impl From<ZoneLink> for LinkView {
    fn from(l: ZoneLink) -> Self {
        LinkView {
            id: l.id,
            from_zone: l.from_zone,
            to_zone: l.to_zone,
            via_asset: l.via_asset,
        }
    }
}

/// An external connection point.
#[derive(Serialize, ToSchema)]
pub struct PointView {
    pub id: String,
    /// `internet`, `vpn`, `regional`, `online_qualification`, `maintenance` or `cloud`.
    pub kind: String,
    pub counterpart: String,
    pub via_asset: Option<String>,
    pub vendor_id: Option<String>,
    pub maintenance: bool,
    pub notes: String,
    /// Send it back with a change or a deletion; a stale one is 409.
    pub version: i64,
    pub updated_at: i64,
}

impl From<ConnectionPoint> for PointView {
    fn from(c: ConnectionPoint) -> Self {
        PointView {
            id: c.id,
            kind: c.kind.to_string(),
            counterpart: c.counterpart,
            via_asset: c.via_asset,
            vendor_id: c.vendor_id,
            maintenance: c.maintenance,
            notes: c.notes,
            version: c.version,
            updated_at: c.updated_at,
        }
    }
}

/// The version a deletion was read at.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct VersionQuery {
    /// The version read; a stale one is 409.
    pub version: i64,
}

/// The institution's network zones, by name.
#[utoipa::path(get, path = "/institutions/{code}/zones", tag = "network",
    params(("code" = String, Path)), responses((status = 200, body = Vec<ZoneView>)))]
pub async fn zones(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<ZoneView>>> {
    let n = mamori_app::network::network(&state, &auth, &code).await?;
    Ok(Json(n.zones.into_iter().map(Into::into).collect()))
}

/// Add a network zone. A rule broken (a name taken, an invalid CIDR, a range overlapping
/// another zone's): 422 naming the field, nothing saved.
#[utoipa::path(post, path = "/institutions/{code}/zones", tag = "network",
    params(("code" = String, Path)), request_body = ZoneInput,
    responses((status = 201, body = ZoneView), (status = 422, body = ErrorBody)))]
pub async fn create_zone(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<ZoneInput>,
) -> AppResult<(StatusCode, Json<ZoneView>)> {
    let z = mamori_app::network::create_zone(&state, &auth, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(z.into())))
}

/// One zone.
#[utoipa::path(get, path = "/zones/{id}", tag = "network",
    params(("id" = String, Path)), responses((status = 200, body = ZoneView)))]
pub async fn zone(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ZoneView>> {
    let (z, _) = mamori_app::network::zone(&state, &auth, &id, Action::ViewAssets).await?;
    Ok(Json(z.into()))
}

/// Change a zone read at `version` (stale: 409). The entries in the zone must keep their
/// addresses inside its ranges (422 otherwise).
#[utoipa::path(put, path = "/zones/{id}", tag = "network",
    params(("id" = String, Path)), request_body = ZoneInput,
    responses((status = 200, body = ZoneView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_zone(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ZoneInput>,
) -> AppResult<Json<ZoneView>> {
    let z = mamori_app::network::update_zone(&state, &auth, &id, &input).await?;
    Ok(Json(z.into()))
}

/// The links between the institution's zones.
#[utoipa::path(get, path = "/institutions/{code}/zone-links", tag = "network",
    params(("code" = String, Path)), responses((status = 200, body = Vec<LinkView>)))]
pub async fn links(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<LinkView>>> {
    let n = mamori_app::network::network(&state, &auth, &code).await?;
    Ok(Json(n.links.into_iter().map(Into::into).collect()))
}

/// Link two zones of the institution, through a ledger entry where one is named.
#[utoipa::path(post, path = "/institutions/{code}/zone-links", tag = "network",
    params(("code" = String, Path)), request_body = LinkInput,
    responses((status = 201, body = LinkView), (status = 422, body = ErrorBody)))]
pub async fn create_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<LinkInput>,
) -> AppResult<(StatusCode, Json<LinkView>)> {
    let l = mamori_app::network::create_link(&state, &auth, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(l.into())))
}

/// Delete a link between zones.
#[utoipa::path(delete, path = "/institutions/{code}/zone-links/{id}", tag = "network",
    params(("code" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    mamori_app::network::delete_link(&state, &auth, &code, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The institution's external connection points.
#[utoipa::path(get, path = "/institutions/{code}/connection-points", tag = "network",
    params(("code" = String, Path)), responses((status = 200, body = Vec<PointView>)))]
pub async fn points(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<PointView>>> {
    let n = mamori_app::network::network(&state, &auth, &code).await?;
    Ok(Json(n.points.into_iter().map(Into::into).collect()))
}

/// Add an external connection point (the vendor responsible: one under contract with the
/// institution).
#[utoipa::path(post, path = "/institutions/{code}/connection-points", tag = "network",
    params(("code" = String, Path)), request_body = PointInput,
    responses((status = 201, body = PointView), (status = 422, body = ErrorBody)))]
pub async fn create_point(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<PointInput>,
) -> AppResult<(StatusCode, Json<PointView>)> {
    let c = mamori_app::network::create_point(&state, &auth, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One connection point.
#[utoipa::path(get, path = "/connection-points/{id}", tag = "network",
    params(("id" = String, Path)), responses((status = 200, body = PointView)))]
pub async fn point(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<PointView>> {
    let (c, _) = mamori_app::network::point(&state, &auth, &id, Action::ViewAssets).await?;
    Ok(Json(c.into()))
}

/// Change a connection point read at `version` (stale: 409).
#[utoipa::path(put, path = "/connection-points/{id}", tag = "network",
    params(("id" = String, Path)), request_body = PointInput,
    responses((status = 200, body = PointView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_point(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PointInput>,
) -> AppResult<Json<PointView>> {
    let c = mamori_app::network::update_point(&state, &auth, &id, &input).await?;
    Ok(Json(c.into()))
}

/// Delete a connection point read at `version` (stale: 409).
#[utoipa::path(delete, path = "/connection-points/{id}", tag = "network",
    params(("id" = String, Path), VersionQuery),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn delete_point(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    mamori_app::network::delete_point(&state, &auth, &id, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn download(
    state: &AppState,
    auth: &Auth,
    code: &str,
    format: DiagramFormat,
) -> AppResult<Response> {
    let e = mamori_app::diagram::export(state, auth, code, auth.meta.lang, format).await?;
    Ok(crate::http::download::download(
        e.bytes,
        e.media_type,
        &e.ascii_name,
        &e.name,
    ))
}

/// The network diagram as SVG (a vendor under contract sees its own part). Audited.
#[utoipa::path(get, path = "/institutions/{code}/diagram.svg", tag = "network",
    params(("code" = String, Path)),
    responses((status = 200, description = "The diagram, as an attachment.",
        content_type = "image/svg+xml", body = FileBody)))]
pub async fn diagram_svg(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    download(&state, &auth, &code, DiagramFormat::Svg).await
}

/// The network diagram as a PDF on A4 landscape. Audited.
#[utoipa::path(get, path = "/institutions/{code}/diagram.pdf", tag = "network",
    params(("code" = String, Path)),
    responses((status = 200, description = "The diagram, as an attachment.",
        content_type = "application/pdf", body = FileBody)))]
pub async fn diagram_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    download(&state, &auth, &code, DiagramFormat::Pdf).await
}

/// The network diagram as Graphviz DOT, to edit. Audited.
#[utoipa::path(get, path = "/institutions/{code}/diagram.dot", tag = "network",
    params(("code" = String, Path)),
    responses((status = 200, description = "The diagram, as an attachment.",
        content_type = "text/vnd.graphviz", body = FileBody)))]
pub async fn diagram_dot(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    download(&state, &auth, &code, DiagramFormat::Dot).await
}
