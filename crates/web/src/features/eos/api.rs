//! End of support in the JSON API: the feed's state and an upload (platform administrator),
//! an asset's link to a product cycle with its standing and suggestions (read:
//! ViewAssets; change: ManageAssets), and the institution's assets past or near their end
//! of support.

use crate::features::eos::admin::refusal_message;
use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_app::eos::{AssetEos, EosSection};
use mamori_app::feed_imports::{self, FeedStatus, ImportReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The upload as the form sends it.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct FeedUpload {
    /// An endoflife.date product page (`.md`), an API v1 JSON, a distro-info CSV, the
    /// identifiers TSV, or a zip of such files.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// `1`: import the good files when some fail (otherwise nothing is written).
    pub skip_bad: Option<String>,
}

/// The end-of-support feed: what the feed database holds, the latest imports, the
/// attributions. Platform administrator only.
#[utoipa::path(get, path = "/feeds/eos", tag = "feeds",
    responses((status = 200, body = FeedStatus)))]
pub async fn status(State(state): State<AppState>, auth: Auth) -> AppResult<Json<FeedStatus>> {
    Ok(Json(feed_imports::status(&state, &auth).await?))
}

/// Import end-of-support data from a file or a zip (within the upload limit): 201 with the
/// report; a file that cannot be read, or nothing to import, is 422 and nothing is
/// written. Importing the same files again rewrites nothing (`changed` = 0).
#[utoipa::path(post, path = "/feeds/eos", tag = "feeds",
    request_body(content = FeedUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportReport), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::access::require(
        &auth,
        mamori_domain::policy::Action::AdministerPlatform,
        mamori_domain::policy::Scope::Platform,
    )?;
    let up = crate::http::upload::read(req, &state).await?;
    let skip_bad = matches!(up.text("skip_bad").trim(), "1" | "on" | "true");
    let report = feed_imports::upload(&state, &auth, up.file_name, up.bytes, skip_bad).await?;
    let tr = crate::i18n::Tr::new(auth.meta.lang);
    match refusal_message(&tr, &report) {
        Some(msg) => Ok(ErrorBody::file_refused(msg, &auth.meta.request_id)),
        None => Ok((StatusCode::CREATED, Json(report)).into_response()),
    }
}

/// An asset's end of support: the effective date and standing (from the confirmed product
/// cycle, else the ledger's manual date), the link's version, and suggestions.
#[utoipa::path(get, path = "/assets/{id}/eos", tag = "assets",
    params(("id" = String, Path)), responses((status = 200, body = EosSection)))]
pub async fn get_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<EosSection>> {
    Ok(Json(mamori_app::eos::section(&state, &auth, &id).await?.1))
}

/// A product cycle confirmed for an asset.
#[derive(Deserialize, ToSchema)]
pub struct LinkInput {
    /// Feed product id (`windows-server`).
    pub product: String,
    /// Feed cycle id (`2012-r2`).
    pub cycle: String,
    /// The link's version when one is replaced; absent for a new link.
    pub version: Option<i64>,
}

/// Confirm a product cycle for the asset (new, or replacing the link at `version`; stale:
/// 409). A cycle the feed data does not have: 422.
#[utoipa::path(put, path = "/assets/{id}/eos", tag = "assets",
    params(("id" = String, Path)), request_body = LinkInput,
    responses((status = 200, body = EosSection), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn put_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LinkInput>,
) -> AppResult<Json<EosSection>> {
    mamori_app::eos::confirm(
        &state,
        &auth,
        &id,
        &input.product,
        &input.cycle,
        input.version,
    )
    .await?;
    Ok(Json(mamori_app::eos::section(&state, &auth, &id).await?.1))
}

/// The version of the link to remove.
#[derive(Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    pub version: i64,
}

/// Remove the asset's link at `version` (stale: 409); the manual date applies again.
#[utoipa::path(delete, path = "/assets/{id}/eos", tag = "assets",
    params(("id" = String, Path), RemoveQuery),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn delete_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<RemoveQuery>,
) -> AppResult<StatusCode> {
    mamori_app::eos::remove(&state, &auth, &id, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An asset past or near its end of support.
#[derive(Serialize, ToSchema)]
pub struct AttentionItem {
    pub asset_id: String,
    pub name: String,
    pub eos: AssetEos,
}

/// The institution's assets (not retired) whose end of support has passed or falls within
/// 180 days, passed first.
#[utoipa::path(get, path = "/institutions/{code}/eos", tag = "assets",
    params(("code" = String, Path)), responses((status = 200, body = Vec<AttentionItem>)))]
pub async fn attention(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<AttentionItem>>> {
    let list = mamori_app::eos::attention(&state, &auth, &code).await?;
    Ok(Json(
        list.into_iter()
            .map(|(a, eos)| AttentionItem {
                asset_id: a.id,
                name: a.name,
                eos,
            })
            .collect(),
    ))
}
