//! `/api/v1` for inspector links: the same use cases as the sheet's forms
//! (`app::inspector`). The secret link is in the answer that makes it, and nowhere else.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mamori_app::inspector::LinkInput;
use mamori_store::InspectorLink;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct InspectorLinkView {
    pub id: String,
    /// Who it is for.
    pub label: String,
    /// Unix ms; the link opens nothing after this.
    pub expires_at: i64,
    /// Unix ms, once revoked.
    pub revoked_at: Option<i64>,
    /// Neither expired nor revoked.
    pub active: bool,
    pub created_at: i64,
    /// The address it was mailed to (empty: handed over otherwise).
    pub recipient: String,
    /// Unix ms of the last opening.
    pub last_access_at: Option<i64>,
}

fn view(l: InspectorLink, now: i64) -> InspectorLinkView {
    InspectorLinkView {
        active: l.standing(now) == mamori_domain::grants::GrantStanding::Active,
        id: l.id,
        label: l.label,
        expires_at: l.expires_at,
        revoked_at: l.revoked_at,
        created_at: l.created_at,
        recipient: l.recipient,
        last_access_at: l.last_access_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedInspectorLink {
    pub link: InspectorLinkView,
    /// The secret link to hand to the inspector (`https://…/inspect/<secret>`, whole):
    /// shown this once, only its hash is kept.
    pub url: String,
}

/// The inspector links of an assessment (whoever sees the sheet), revoked and expired ones
/// included; never their secrets.
#[utoipa::path(get, path = "/assessments/{id}/inspector-links", tag = "assessments",
    params(("id" = String, Path)), responses((status = 200, body = Vec<InspectorLinkView>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<InspectorLinkView>>> {
    let links = mamori_app::inspector::list(&state, &auth, &id).await?;
    Ok(Json(links.into_iter().map(|l| view(l, auth.now)).collect()))
}

/// Make an inspector link (read-only, 1–30 days). The answer carries the secret link once.
#[utoipa::path(post, path = "/assessments/{id}/inspector-links", tag = "assessments",
    params(("id" = String, Path)), request_body = LinkInput,
    responses((status = 201, body = CreatedInspectorLink), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LinkInput>,
) -> AppResult<(StatusCode, Json<CreatedInspectorLink>)> {
    let made = mamori_app::inspector::create(&state, &auth, &id, &input).await?;
    let url = format!(
        "{}/inspect/{}",
        super::inspector::site_url(&state, &headers),
        made.token
    );
    Ok((
        StatusCode::CREATED,
        Json(CreatedInspectorLink {
            link: view(made.link, auth.now),
            url,
        }),
    ))
}

/// Revoke an inspector link: it opens nothing from now on. Revoking it twice is a
/// conflict (409).
#[utoipa::path(post, path = "/assessments/{id}/inspector-links/{link}/revoke", tag = "assessments",
    params(("id" = String, Path), ("link" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, link)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    mamori_app::inspector::revoke(&state, &auth, &id, &link).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A sheet kept by the account that opened its link.
#[derive(serde::Serialize, ToSchema)]
pub struct KeptLink {
    pub assessment_id: String,
    pub institution: String,
    pub fiscal_year: i64,
    /// Unix ms: when the link (and so the account's reach) ends.
    pub expires_at: i64,
    /// Where the account opens it from now on.
    pub href: String,
}

/// Keep an inspector link for the signed-in account that holds its secret: the account's
/// home lists the sheet until the link expires or is revoked. A link no longer live: 404.
#[utoipa::path(post, path = "/inspect/{token}/keep", tag = "assessments",
    params(("token" = String, Path)),
    responses((status = 200, body = KeptLink), (status = 404, body = ErrorBody)))]
pub async fn keep(
    State(state): State<AppState>,
    auth: Auth,
    Path(token): Path<String>,
) -> AppResult<Json<KeptLink>> {
    let s = mamori_app::inspector::keep(&state, &auth, &token).await?;
    Ok(Json(KeptLink {
        href: format!("/inspections/{}", s.assessment.id),
        expires_at: s.reach.expires_at().unwrap_or_default(),
        assessment_id: s.assessment.id,
        institution: s.institution.name,
        fiscal_year: s.assessment.fiscal_year,
    }))
}
