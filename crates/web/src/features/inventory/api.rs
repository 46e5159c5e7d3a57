//! Inventory checks in the JSON API.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_app::inventory::{CheckQuery, CloseInput, RecordInput, StartInput};
use mamori_domain::inventory::CheckStatus;
use mamori_domain::policy::Action;
use mamori_store::{CheckCounts, CheckRecord, InventoryCheck};
use serde::Serialize;
use utoipa::ToSchema;

/// How far a check has come.
#[derive(Serialize, ToSchema)]
pub struct CountsView {
    /// Assets the check covers (every entry not retired).
    pub assets: i64,
    pub found: i64,
    pub not_found: i64,
    pub moved: i64,
    pub changed: i64,
    pub unchecked: i64,
}

impl From<CheckCounts> for CountsView {
    fn from(c: CheckCounts) -> Self {
        CountsView {
            assets: c.assets,
            found: c.found,
            not_found: c.not_found,
            moved: c.moved,
            changed: c.changed,
            unchecked: c.unchecked,
        }
    }
}

/// An inventory check.
#[derive(Serialize, ToSchema)]
pub struct CheckView {
    pub id: String,
    pub name: String,
    /// `open` or `closed`.
    pub status: String,
    pub started_at: i64,
    pub started_by: String,
    pub closed_on: Option<String>,
    pub closed_by: String,
    /// Now for an open check; as they stood at the close for a closed one.
    pub counts: CountsView,
}

fn view(c: InventoryCheck, live: Option<CheckCounts>) -> CheckView {
    let counts = match (c.status, live) {
        (CheckStatus::Open, Some(l)) => l,
        _ => serde_json::from_str(&c.result).unwrap_or_default(),
    };
    CheckView {
        id: c.id,
        name: c.name,
        status: c.status.to_string(),
        started_at: c.started_at,
        started_by: c.started_label,
        closed_on: c.closed_on,
        closed_by: c.closed_label,
        counts: counts.into(),
    }
}

/// What was recorded for an asset.
#[derive(Serialize, ToSchema)]
pub struct RecordView {
    pub asset_id: String,
    /// `found`, `not_found`, `moved` or `changed`.
    pub outcome: String,
    /// What the ledger takes when the check closes: `[field, value]`.
    pub changes: Vec<(String, String)>,
    pub note: String,
    /// Send it back with a new record of this asset; a stale one is 409.
    pub version: i64,
    pub recorded_at: i64,
    pub recorded_by: String,
}

impl From<CheckRecord> for RecordView {
    fn from(r: CheckRecord) -> Self {
        let rec = r.record();
        RecordView {
            asset_id: r.asset_id,
            outcome: r.outcome.to_string(),
            changes: rec.changes,
            note: r.note,
            version: r.version,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_label,
        }
    }
}

/// An asset a check covers, with its record if there is one.
#[derive(Serialize, ToSchema)]
pub struct CheckAssetView {
    pub asset_id: String,
    pub name: String,
    pub kind: String,
    pub serial: String,
    pub location: String,
    pub record: Option<RecordView>,
}

/// The institution's checks, newest first.
#[utoipa::path(get, path = "/institutions/{code}/inventory-checks", tag = "inventory",
    params(("code" = String, Path)), responses((status = 200, body = Vec<CheckView>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<CheckView>>> {
    let (_, checks) = mamori_app::inventory::list(&state, &auth, &code).await?;
    let mut out = Vec::new();
    for c in checks {
        let live = match c.status {
            CheckStatus::Open => Some(state.store().check_counts(&c.id).await?),
            CheckStatus::Closed => None,
        };
        out.push(view(c, live));
    }
    Ok(Json(out))
}

/// Start a check (one open at a time: another open one is 422).
#[utoipa::path(post, path = "/institutions/{code}/inventory-checks", tag = "inventory",
    params(("code" = String, Path)), request_body = StartInput,
    responses((status = 201, body = CheckView), (status = 422, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<StartInput>,
) -> AppResult<(StatusCode, Json<CheckView>)> {
    let c = mamori_app::inventory::start(&state, &auth, &code, &input).await?;
    let counts = state.store().check_counts(&c.id).await?;
    Ok((StatusCode::CREATED, Json(view(c, Some(counts)))))
}

/// One check with its counts.
#[utoipa::path(get, path = "/inventory-checks/{id}", tag = "inventory",
    params(("id" = String, Path)), responses((status = 200, body = CheckView)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<CheckView>> {
    let (c, _) = mamori_app::inventory::get(&state, &auth, &id, Action::ViewAssets).await?;
    let counts = state.store().check_counts(&c.id).await?;
    Ok(Json(view(c, Some(counts))))
}

/// The assets a check covers, a page at a time, each with its record; `unchecked=1` keeps
/// those not recorded yet. `X-Total-Count` says how many the query keeps.
#[utoipa::path(get, path = "/inventory-checks/{id}/assets", tag = "inventory",
    params(("id" = String, Path), CheckQuery),
    responses((status = 200, body = Vec<CheckAssetView>,
        headers(("X-Total-Count" = i64, description = "Assets the query keeps"))),
        (status = 422, body = ErrorBody)))]
pub async fn assets(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<CheckQuery>,
) -> AppResult<Response> {
    let p = mamori_app::inventory::page(&state, &auth, &id, &q).await?;
    let body: Vec<CheckAssetView> = p
        .rows
        .into_iter()
        .map(|(a, r)| CheckAssetView {
            asset_id: a.id,
            name: a.name,
            kind: a.kind.to_string(),
            serial: a.serial,
            location: a.location,
            record: r.map(Into::into),
        })
        .collect();
    Ok(([("x-total-count", p.total.to_string())], Json(body)).into_response())
}

/// Record what the walk found for an asset: `found`, `not_found`, `moved` (with
/// `location`, the place found) or `changed` (with the corrected fields). `version`: the
/// record's version read, 0 for none. A closed check or a stale version is 409; a rule
/// broken is 422 naming the field.
#[utoipa::path(put, path = "/inventory-checks/{id}/assets/{asset_id}", tag = "inventory",
    params(("id" = String, Path), ("asset_id" = String, Path)), request_body = RecordInput,
    responses((status = 200, body = RecordView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, asset_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<RecordInput>,
) -> AppResult<Json<RecordView>> {
    let r = mamori_app::inventory::record(&state, &auth, &id, &asset_id, &input).await?;
    Ok(Json(r.into()))
}

/// One change closing will make to the ledger.
#[derive(Serialize, ToSchema)]
pub struct PlannedChange {
    pub asset_id: String,
    pub name: String,
    pub outcome: String,
    /// `[field, before, after]`.
    pub fields: Vec<(String, String, String)>,
}

/// What closing the check would do.
#[derive(Serialize, ToSchema)]
pub struct ClosePlanView {
    pub counts: CountsView,
    pub changes: Vec<PlannedChange>,
    /// Assets recorded as not found (the ledger keeps them; retire them after a search).
    pub not_found: Vec<String>,
    /// Corrections that no longer apply (the entry was edited since): `[asset id, field,
    /// message key]`. While there are any, closing is 422.
    pub errors: Vec<(String, String, String)>,
}

/// What closing the check would do: the ledger changes, the assets not found, the
/// corrections that no longer apply.
#[utoipa::path(get, path = "/inventory-checks/{id}/close", tag = "inventory",
    params(("id" = String, Path)), responses((status = 200, body = ClosePlanView)))]
pub async fn close_plan(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ClosePlanView>> {
    let p = mamori_app::inventory::close_plan(&state, &auth, &id).await?;
    Ok(Json(ClosePlanView {
        counts: p.counts.into(),
        changes: p
            .changes
            .iter()
            .map(|c| {
                let (before, after) = (c.before.fields(), c.after.fields());
                PlannedChange {
                    asset_id: c.before.id.clone(),
                    name: c.before.name.clone(),
                    outcome: c.record.outcome.to_string(),
                    fields: c
                        .record
                        .record()
                        .changes
                        .into_iter()
                        .map(|(f, _)| {
                            let b = field_text(&before, &f);
                            let a = field_text(&after, &f);
                            (f, b, a)
                        })
                        .collect(),
                }
            })
            .collect(),
        not_found: p.not_found.iter().map(|(a, _)| a.id.clone()).collect(),
        errors: p
            .errors
            .iter()
            .map(|(a, f, k)| (a.id.clone(), f.to_string(), k.to_string()))
            .collect(),
    }))
}

fn field_text(f: &mamori_domain::assets::AssetFields, field: &str) -> String {
    match field {
        "location" => f.location.clone(),
        "department" => f.department.clone(),
        "purpose" => f.purpose.clone(),
        "os" => f.os.clone(),
        "os_version" => f.os_version.clone(),
        "ip_addresses" => f.ip_addresses.join(", "),
        "mac" => f.mac.clone(),
        "antivirus" => f.antivirus.clone(),
        "admin_users" => f.admin_users.clone(),
        _ => String::new(),
    }
}

/// Close the check: every move and correction becomes a new version of its entry (reason:
/// the check). Unrecorded assets: 422 unless `accept_unchecked`; records that came after
/// the plan or a closed check: 409. Nothing is written when refused.
#[utoipa::path(post, path = "/inventory-checks/{id}/close", tag = "inventory",
    params(("id" = String, Path)), request_body = CloseInput,
    responses((status = 200, body = CheckView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CloseInput>,
) -> AppResult<Json<CheckView>> {
    let c = mamori_app::inventory::close(&state, &auth, &id, &input).await?;
    Ok(Json(view(c, None)))
}
