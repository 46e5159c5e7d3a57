//! Invitations: an institution names a vendor contact; the link is accepted once.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_domain::policy::Action;
use mamori_domain::vendor_members::MembershipStatus;
use mamori_store::Invite;
use serde::Deserialize;
use sha2::{Digest, Sha256};

// ------------------------------------------------------------------ invitations

#[derive(Debug, Deserialize, Default, Clone)]
pub struct InviteForm {
    #[serde(default)]
    pub vendor_id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
}

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

#[derive(Template)]
#[template(path = "invite_created.html")]
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
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageContracts)
            .await?;
    let email = form.email.trim().to_lowercase();
    let name = form.display_name.trim();
    let contracts = state.store().contracts(&inst.id).await?;
    let vendor = contracts
        .iter()
        .find(|c| c.vendor_id == form.vendor_id)
        .map(|c| c.vendor_name.clone());
    let key = if vendor.is_none() {
        Some("error-invite-vendor")
    } else if mamori_domain::validate::email(&email).is_err() {
        Some("error-invite-email")
    } else if name.is_empty() || name.chars().count() > 100 {
        Some("error-invite-name")
    } else {
        None
    };
    // An existing account is never attached to the vendor by an institution: when the
    // vendor has already made it a member, the invitation names it as the contact and
    // grants nothing; otherwise the vendor's administrator must add that person.
    let linked = match (key, state.store().user_auth_by_email(&email).await?) {
        (None, Some(existing)) => {
            let member = state
                .store()
                .memberships_of(&existing.user.id)
                .await?
                .iter()
                .any(|m| m.vendor_id == form.vendor_id && m.status == MembershipStatus::Active);
            if !member {
                return Ok(Redirect::to(&format!(
                    "/i/{code}/contracts?err=error-invite-exists#invite"
                ))
                .into_response());
            }
            Some(existing.user.id)
        }
        _ => None,
    };
    if let Some(k) = key {
        return Ok(Redirect::to(&format!("/i/{code}/contracts?err={k}#invite")).into_response());
    }
    let token = crate::http::auth::random_token(32);
    let token_hash = hex::encode(Sha256::digest(token.as_bytes()));
    let expires_at = auth.now + INVITE_DAYS * 86_400_000;
    state
        .store()
        .create_invite(
            &auth.actor(),
            &Invite {
                id: mamori_store::new_id(),
                institution_id: inst.id.clone(),
                vendor_id: form.vendor_id.clone(),
                email: email.clone(),
                display_name: name.into(),
                created_by: None,
                created_at: 0,
                expires_at,
                used_at: linked.as_ref().map(|_| auth.now),
                user_id: linked.clone(),
            },
            &token_hash,
        )
        .await?;
    let path = format!("/invite/{token}");
    let cfg = state.cfg();
    let (link, mail_error) = match (&cfg.smtp_url, &cfg.public_url) {
        _ if linked.is_some() => (None, false),
        (Some(_), Some(base)) => {
            let tr = Tr::new(crate::i18n::Lang::Ja);
            let body = format!(
                "{}\n\n{} {}\n{} {}\n\n{base}{path}\n\n{}\n",
                tr.t("invite-mail-lead"),
                tr.t("contracts-institution"),
                inst.name,
                tr.t("invite-expires"),
                mamori_domain::time::timestamp_jst(expires_at),
                tr.t("invite-mail-foot"),
            );
            match mamori_app::mail::send(state.mail(), &email, &tr.t("invite-mail-subject"), &body)
                .await
            {
                Ok(()) => (None, false),
                Err(e) => {
                    tracing::warn!(error = %e, "invitation mail not sent");
                    (Some(path), true)
                }
            }
        }
        _ => (Some(path), false),
    };
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "contracts",
        Some(&inst),
        &format!("/i/{code}/contracts"),
    )
    .await?;
    Ok(render(&InviteCreated {
        page,
        code,
        link,
        mail_error,
        linked: linked.is_some(),
        email,
        vendor: vendor.unwrap_or_default(),
        expires: mamori_domain::time::timestamp_jst(expires_at),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "invite_accept.html")]
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
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    let invite = state
        .store()
        .invite_by_token(&hash)
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > mamori_store::now_ms());
    let vendor = match &invite {
        Some(i) => state
            .store()
            .list_vendors()
            .await?
            .into_iter()
            .find(|v| v.id == i.vendor_id)
            .map(|v| v.name)
            .unwrap_or_default(),
        None => String::new(),
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
    let tr = Tr::new(meta.lang);
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    let Some(invite) = state.store().invite_by_token(&hash).await? else {
        return invite_view(&state, &meta, jar, &token, None).await;
    };
    if let Err(e) = mamori_domain::password::check(&form.password, &invite.email) {
        let msg = tr.t(e.message_key());
        return invite_view(&state, &meta, jar, &token, Some(msg)).await;
    }
    let pw = crate::http::auth::hash_password_blocking(form.password.clone()).await?;
    let actor = mamori_store::Actor {
        user_id: None,
        label: invite.email.clone(),
        request_id: Some(meta.request_id.clone()),
        client_addr: meta.client_addr.clone(),
    };
    match state
        .store()
        .accept_invite(&actor, &hash, &pw, mamori_store::now_ms())
        .await
    {
        Ok(_) => Ok(Redirect::to("/login?ok=flash-invite-pending").into_response()),
        Err(mamori_store::StoreError::Duplicate(_)) => {
            let msg = tr.t("error-invite-exists");
            invite_view(&state, &meta, jar, &token, Some(msg)).await
        }
        Err(mamori_store::StoreError::Conflict(_) | mamori_store::StoreError::NotFound(_)) => {
            invite_view(&state, &meta, jar, &token, None).await
        }
        Err(e) => Err(e.into()),
    }
}
