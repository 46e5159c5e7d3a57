//! `/api/v1/notifications`: the caller's notices and mail preferences.

use crate::http::api::ApiJson;
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mamori_app::notifications::{NoticeView, Preference};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct NoticeList {
    pub unread: i64,
    /// Newest first (the latest 100).
    pub notices: Vec<NoticeView>,
}

/// The caller's notices, newest first, in the caller's language.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    responses((status = 200, body = NoticeList)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Json<NoticeList>> {
    let notices = mamori_app::notifications::list(&state, &auth, auth.meta.lang).await?;
    let unread = mamori_app::notifications::unread(&state, &auth).await?;
    Ok(Json(NoticeList { unread, notices }))
}

/// Mark one of the caller's notices read (404 for anyone else's).
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::http::api::ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    mamori_app::notifications::mark_read(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ReadAll {
    /// How many were unread.
    pub marked: u64,
}

/// Mark all the caller's notices read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications",
    responses((status = 200, body = ReadAll)))]
pub async fn read_all(State(state): State<AppState>, auth: Auth) -> AppResult<Json<ReadAll>> {
    let marked = mamori_app::notifications::mark_all_read(&state, &auth).await?;
    Ok(Json(ReadAll { marked }))
}

/// Every kind of notice and whether the caller gets mail for it.
#[utoipa::path(get, path = "/notifications/preferences", tag = "notifications",
    responses((status = 200, body = Vec<Preference>)))]
pub async fn preferences(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<Preference>>> {
    Ok(Json(
        mamori_app::notifications::preferences(&state, &auth, auth.meta.lang).await?,
    ))
}

/// One kind's mail setting.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PreferenceInput {
    /// A kind (`approval_requested`, `target_date_due` …); an unknown kind is refused (422).
    pub kind: String,
    pub mail: bool,
}

/// Set whether mail comes for the kinds given (the others unchanged).
#[utoipa::path(put, path = "/notifications/preferences", tag = "notifications",
    request_body = Vec<PreferenceInput>,
    responses((status = 200, body = Vec<Preference>), (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn set_preferences(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<Vec<PreferenceInput>>,
) -> AppResult<Json<Vec<Preference>>> {
    // Every kind is checked before any is saved: a bad entry changes nothing.
    for p in &input {
        if mamori_domain::notifications::NotificationKind::parse(&p.kind).is_none() {
            return Err(mamori_app::Error::Invalid {
                field: "kind",
                key: "error-notice-kind",
            }
            .into());
        }
    }
    for p in &input {
        mamori_app::notifications::set_preference(&state, &auth, &p.kind, p.mail).await?;
    }
    Ok(Json(
        mamori_app::notifications::preferences(&state, &auth, auth.meta.lang).await?,
    ))
}
