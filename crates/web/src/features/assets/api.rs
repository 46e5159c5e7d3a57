//! The asset ledger in the JSON API.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::download::{ExportQuery, FileBody};
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_app::assets::{AssetInput, LedgerFormat, LedgerQuery};
use mamori_domain::policy::Action;
use mamori_store::{Asset, AssetVersion};
use serde::Serialize;
use utoipa::ToSchema;

/// A piece of installed software.
#[derive(Serialize, ToSchema)]
pub struct SoftwareView {
    pub name: String,
    pub version: String,
    /// CPE 2.3 name, when known.
    pub cpe: String,
}

/// A ledger entry.
#[derive(Serialize, ToSchema)]
pub struct AssetView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
    pub location: String,
    pub department: String,
    pub purpose: String,
    pub os: String,
    pub os_version: String,
    /// The CPE 2.3 name of the OS or firmware, when known.
    pub os_cpe: String,
    pub software: Vec<SoftwareView>,
    pub ip_addresses: Vec<String>,
    pub mac: String,
    pub admin_login: Option<bool>,
    pub admin_users: String,
    pub antivirus: String,
    pub remote_maintenance: String,
    pub ownership: Option<String>,
    pub status: String,
    pub introduced_on: Option<String>,
    pub warranty_on: Option<String>,
    pub eos_on: Option<String>,
    pub retired_on: Option<String>,
    pub notes: String,
    /// The network zone's id.
    pub zone: Option<String>,
    /// Send it back with a change; a stale one is 409.
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

impl From<Asset> for AssetView {
    fn from(a: Asset) -> Self {
        AssetView {
            ip_addresses: a.addresses(),
            software: a
                .software_list()
                .into_iter()
                .map(|s| SoftwareView {
                    name: s.name,
                    version: s.version,
                    cpe: s.cpe,
                })
                .collect(),
            os_cpe: a.os_cpe,
            warranty_on: a.warranty_on,
            id: a.id,
            name: a.name,
            kind: a.kind.to_string(),
            manufacturer: a.manufacturer,
            model: a.model,
            serial: a.serial,
            location: a.location,
            department: a.department,
            purpose: a.purpose,
            os: a.os,
            os_version: a.os_version,
            mac: a.mac,
            admin_login: a.admin_login,
            admin_users: a.admin_users,
            antivirus: a.antivirus,
            remote_maintenance: a.remote_maintenance,
            ownership: a.ownership.map(|o| o.to_string()),
            status: a.status.to_string(),
            introduced_on: a.introduced_on,
            eos_on: a.eos_on,
            retired_on: a.retired_on,
            notes: a.notes,
            zone: a.zone_id,
            version: a.version,
            updated_at: a.updated_at,
            updated_by: a.updated_label,
        }
    }
}

/// One version of an entry.
#[derive(Serialize, ToSchema)]
pub struct AssetVersionView {
    pub version: i64,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: i64,
    /// The entry as it was saved.
    #[schema(value_type = Object)]
    pub entry: serde_json::Value,
}

impl From<AssetVersion> for AssetVersionView {
    fn from(v: AssetVersion) -> Self {
        AssetVersionView {
            version: v.version,
            reason: v.reason,
            changed_by: v.changed_label,
            changed_at: v.changed_at,
            entry: serde_json::from_str(&v.snapshot).unwrap_or_default(),
        }
    }
}

/// The institution's asset ledger, a page at a time (100 entries unless `limit` says,
/// at most 1,000), filtered by text, kind and state; `X-Total-Count` says how many entries
/// the filter keeps.
#[utoipa::path(get, path = "/institutions/{code}/assets", tag = "assets",
    params(("code" = String, Path), LedgerQuery),
    responses((status = 200, body = Vec<AssetView>,
        headers(("X-Total-Count" = i64, description = "Entries the filter keeps"))),
        (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Response> {
    let (_, assets, total) = mamori_app::assets::page(&state, &auth, &code, &q).await?;
    let body: Vec<AssetView> = assets.into_iter().map(Into::into).collect();
    Ok(([("x-total-count", total.to_string())], Json(body)).into_response())
}

/// Add an entry to the ledger. A rule broken: 422 naming the field.
#[utoipa::path(post, path = "/institutions/{code}/assets", tag = "assets",
    params(("code" = String, Path)), request_body = AssetInput,
    responses((status = 201, body = AssetView), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<AssetInput>,
) -> AppResult<(StatusCode, Json<AssetView>)> {
    let a = mamori_app::assets::create(&state, &auth, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One entry.
#[utoipa::path(get, path = "/assets/{id}", tag = "assets",
    params(("id" = String, Path)), responses((status = 200, body = AssetView)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<AssetView>> {
    let (a, _) = mamori_app::assets::get(&state, &auth, &id, Action::ViewAssets).await?;
    Ok(Json(a.into()))
}

/// Change an entry read at `version` (stale: 409, nothing overwritten); the change is kept
/// in its history with `reason`.
#[utoipa::path(put, path = "/assets/{id}", tag = "assets",
    params(("id" = String, Path)), request_body = AssetInput,
    responses((status = 200, body = AssetView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AssetInput>,
) -> AppResult<Json<AssetView>> {
    let a = mamori_app::assets::update(&state, &auth, &id, &input).await?;
    Ok(Json(a.into()))
}

/// An entry's versions, newest first.
#[utoipa::path(get, path = "/assets/{id}/history", tag = "assets",
    params(("id" = String, Path)), responses((status = 200, body = Vec<AssetVersionView>)))]
pub async fn history(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<AssetVersionView>>> {
    let h = mamori_app::assets::history(&state, &auth, &id).await?;
    Ok(Json(h.into_iter().map(Into::into).collect()))
}

/// The ledger as xlsx (the BCP 手引き's columns), as an attachment; `dates=seireki` for
/// Western dates. Audited.
#[utoipa::path(get, path = "/institutions/{code}/assets/export.xlsx", tag = "assets",
    params(("code" = String, Path), ExportQuery),
    responses((status = 200, description = "The workbook, as an attachment.",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body = FileBody)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    export(&state, &auth, &code, &q.dates, LedgerFormat::Xlsx).await
}

async fn export(
    state: &AppState,
    auth: &Auth,
    code: &str,
    dates: &str,
    format: LedgerFormat,
) -> AppResult<Response> {
    let e = mamori_app::assets::export(state, auth, code, dates, format).await?;
    Ok(crate::http::download::download(
        e.bytes,
        e.media_type,
        &e.ascii_name,
        &e.name,
    ))
}

/// The ledger as a PDF for paper (A4 landscape: name, kind, place, purpose, OS, addresses,
/// administrator use, anti-virus, remote maintenance, state, end of support). Audited.
#[utoipa::path(get, path = "/institutions/{code}/assets/export.pdf", tag = "assets",
    params(("code" = String, Path), ExportQuery),
    responses((status = 200, description = "The PDF, as an attachment.",
        content_type = "application/pdf", body = FileBody)))]
pub async fn export_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    export(&state, &auth, &code, &q.dates, LedgerFormat::Pdf).await
}
