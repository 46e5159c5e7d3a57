//! Invitations: an institution names a vendor contact; the link is accepted once.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use mamori_app::invitations::InviteInput;
use mamori_domain::vendor_members::MembershipStatus;
use mamori_store::Invite;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ------------------------------------------------------------------ invitations

/// How long an invitation link works.
pub use mamori_app::invitations::INVITE_DAYS;

#[derive(Template)]
#[template(path = "vendors/invite_created.html")]
pub(crate) struct InviteCreated {
    page: PageCtx,
    code: String,
    /// Shown when the link was not mailed.
    link: Option<String>,
    /// The mail could not be sent (the link is shown instead).
    mail_error: bool,
    /// The person is already the vendor's member: named as the contact, no link.
    linked: bool,
    email: String,
    vendor: String,
    expires: String,
}

pub async fn create_invite(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<InviteInput>,
) -> AppResult<Response> {
    let made = match mamori_app::invitations::create(&state, &auth, &code, &form).await {
        Ok(made) => made,
        Err(mamori_app::Error::Invalid { key, .. }) => {
            return Ok(
                Redirect::to(&format!("/i/{code}/contracts?err={key}#invite")).into_response(),
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "contracts",
        Some(&made.institution),
        &format!("/i/{code}/contracts"),
    )
    .await?;
    Ok(render(&InviteCreated {
        page,
        code,
        link: made.link,
        mail_error: made.mail_error,
        linked: made.linked,
        email: made.invite.email,
        vendor: made.vendor_name,
        expires: mamori_domain::time::timestamp_jst(made.invite.expires_at),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "vendors/invite_accept.html")]
pub(crate) struct InviteAccept {
    page: PageCtx,
    invite: Option<Invite>,
    vendor: String,
    token: String,
    error: Option<String>,
}

pub(crate) async fn invite_view(
    state: &AppState,
    meta: &crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    token: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let (page, jar) = PageCtx::anonymous(meta, &jar, &format!("/invite/{token}"));
    let (invite, vendor) = match mamori_app::invitations::open(state, token).await? {
        Some((i, v)) => (Some(i), v),
        None => (None, String::new()),
    };
    let status = if invite.is_none() {
        axum::http::StatusCode::GONE
    } else if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        jar,
        render(&InviteAccept {
            page,
            invite,
            vendor,
            token: token.to_string(),
            error,
        })?,
    )
        .into_response())
}

pub async fn invite_page(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    Path(token): Path<String>,
) -> AppResult<Response> {
    invite_view(&state, &meta, jar, &token, None).await
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    pub password: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let origin = mamori_app::invitations::Origin {
        request_id: Some(meta.request_id.clone()),
        client_addr: meta.client_addr.clone(),
    };
    match mamori_app::invitations::accept(&state, &origin, &token, &form.password).await {
        Ok(_) => Ok(Redirect::to("/login?ok=flash-invite-pending").into_response()),
        Err(mamori_app::Error::Invalid { key, .. }) => {
            let msg = Tr::new(meta.lang).t(key);
            invite_view(&state, &meta, jar, &token, Some(msg)).await
        }
        Err(mamori_app::Error::NotFound) => invite_view(&state, &meta, jar, &token, None).await,
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ the API

/// An invitation of a vendor contact, as the institution sees it.
#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub vendor_id: String,
    pub email: String,
    pub display_name: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// `open`, `used` (accepted, or linked to the vendor's member at once) or `expired`.
    pub status: String,
}

impl InvitationView {
    fn of(i: Invite, now: i64) -> Self {
        InvitationView {
            status: mamori_app::invitations::status(&i, now).to_string(),
            id: i.id,
            vendor_id: i.vendor_id,
            email: i.email,
            display_name: i.display_name,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

/// An invitation just made.
#[derive(Serialize, ToSchema)]
pub struct InvitationCreated {
    pub invitation: InvitationView,
    pub vendor_name: String,
    /// The one-time link's path (`/invite/…`, on this server) for the inviter to pass on:
    /// given only when it was not mailed and no account was linked. It is shown once.
    pub link: Option<String>,
    /// The mail relay failed (the link is given instead).
    pub mail_error: bool,
    /// The person is already the vendor's member: named as the contact, no link.
    pub linked: bool,
}

/// The invitations of an institution, newest first (those who manage its contracts).
#[utoipa::path(get, path = "/institutions/{code}/invitations", tag = "vendors",
    params(("code" = String, Path)), responses((status = 200, body = Vec<InvitationView>)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<InvitationView>>> {
    let (_, list) = mamori_app::invitations::list(&state, &auth, &code).await?;
    Ok(Json(
        list.into_iter()
            .map(|i| InvitationView::of(i, auth.now))
            .collect(),
    ))
}

/// Invite a contact of a vendor the institution has a contract with. The link is mailed
/// when a relay is configured, else returned once. An account that exists already is
/// linked only when the vendor made it its member (no link); any other is refused (422,
/// field `email`).
#[utoipa::path(post, path = "/institutions/{code}/invitations", tag = "vendors",
    params(("code" = String, Path)), request_body = InviteInput,
    responses((status = 201, body = InvitationCreated), (status = 422, body = ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<InviteInput>,
) -> AppResult<(StatusCode, Json<InvitationCreated>)> {
    let made = mamori_app::invitations::create(&state, &auth, &code, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationCreated {
            invitation: InvitationView::of(made.invite, auth.now),
            vendor_name: made.vendor_name,
            link: made.link,
            mail_error: made.mail_error,
            linked: made.linked,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptInput {
    /// The new account's password (the password rules apply).
    #[serde(default)]
    pub password: String,
}

/// The account an invitation made.
#[derive(Serialize, ToSchema)]
pub struct AcceptedView {
    pub user_id: String,
    pub email: String,
    pub vendor_id: String,
    /// Always `pending`: the vendor's administrator confirms the membership.
    pub membership: MembershipStatus,
}

/// Accept an invitation: the link's token is the credential (no sign-in; a caller's own
/// token, if sent, changes nothing). Creates the invited account with the password given;
/// its membership of the vendor waits for the vendor's administrator. 404 when the link is
/// unknown, used or expired (not told apart); 422 for a password the rules refuse, or when
/// the address has an account now.
#[utoipa::path(post, path = "/invitations/{token}/accept", tag = "vendors",
    params(("token" = String, Path)), request_body = AcceptInput, security(()),
    responses((status = 201, body = AcceptedView), (status = 422, body = ErrorBody)))]
pub async fn api_accept(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<AcceptInput>,
) -> AppResult<(StatusCode, Json<AcceptedView>)> {
    let origin = mamori_app::invitations::Origin {
        request_id: Some(meta.request_id.clone()),
        client_addr: meta.client_addr.clone(),
    };
    let done = mamori_app::invitations::accept(&state, &origin, &token, &input.password).await?;
    Ok((
        StatusCode::CREATED,
        Json(AcceptedView {
            user_id: done.user.id,
            email: done.user.email,
            vendor_id: done.vendor_id,
            membership: MembershipStatus::Pending,
        }),
    ))
}
