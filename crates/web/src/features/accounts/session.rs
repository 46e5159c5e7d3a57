//! Server-rendered pages (askama + htmx). Every handler checks access through
//! `service`/`policy`; forms re-render with the user's input and a message on bad input.

use crate::http::auth::{
    self, lang_cookie, random_token, removal, session_cookie, sha256_hex, AnyAuth, Auth, Meta,
    Stage, SESSION_COOKIE,
};
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Lang;
use crate::ui::*;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use mamori_domain::policy::{Action, Scope};
use mamori_store::{now_ms, Actor, AuditDraft, SessionRecord};
use serde::Deserialize;

// ------------------------------------------------------------------ sign-in

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: PageCtx,
    error: Option<String>,
    email: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    expired: Option<String>,
    ok: Option<String>,
}

pub async fn login_page(
    meta: Meta,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
    auth: Option<AnyAuth>,
) -> AppResult<Response> {
    if auth.as_ref().is_some_and(|a| a.stage == Stage::Full) {
        return Ok(see_other("/"));
    }
    let (mut page, jar) = PageCtx::anonymous(&meta, &jar, "/login");
    if let Some(a) = &auth {
        // A session with a sign-in step left: the CSRF guard expects its token.
        page.csrf = a.csrf();
    }
    let error = q.expired.map(|_| page.tr.t("error-session-expired"));
    let page = page.with_flash(&Flash {
        ok: q.ok.clone(),
        err: None,
    });
    let body = render(&LoginPage {
        page,
        error,
        email: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("/")),
    })?;
    Ok((jar, body).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Check e-mail and password with throttling per account and per address. On success a
/// session is created (audited); MFA, when enrolled, is asked next.
pub async fn login_submit(
    State(state): State<AppState>,
    meta: Meta,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    let outcome = sign_in(&state, &meta, &email, &form.password).await;
    let user = match outcome {
        Ok(user) => user,
        Err(e) => {
            let (page, jar) = PageCtx::anonymous(&meta, &jar, "/login");
            let msg = match &e {
                AppError::NotSignedIn => page.tr.t("error-bad-credentials"),
                other => throttle_or_message(&page.tr, other),
            };
            let body = render(&LoginPage {
                page,
                error: Some(msg),
                email: form.email.chars().take(254).collect(),
                next: safe_next(&form.next),
            })?;
            let res = (refusal_status(&e), jar, body).into_response();
            return Ok(with_retry_after(&e, res));
        }
    };
    let token = random_token(32);
    let now = now_ms();
    let session = SessionRecord {
        id_hash: sha256_hex(&token),
        user_id: user.user.id.clone(),
        csrf_token: random_token(24),
        mfa_verified: false,
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.cfg().session_absolute_secs * 1000,
        client_addr: meta.client_addr.clone(),
        user_agent: meta.user_agent.clone(),
    };
    let actor = Actor {
        user_id: Some(user.user.id.clone()),
        label: user.user.email.clone(),
        request_id: Some(meta.request_id.clone()),
        client_addr: meta.client_addr.clone(),
    };
    state.store().create_session(&actor, &session).await?;
    let jar = jar
        .add(session_cookie(token, state.cfg().secure_cookies))
        .add(lang_cookie(
            Lang::parse(&user.user.locale).unwrap_or(meta.lang),
            state.cfg().secure_cookies,
        ));
    let next = safe_next(&form.next);
    let to = if user.user.mfa_enabled {
        format!("/login/mfa?next={}", urlencode(&next))
    } else {
        next
    };
    Ok((jar, see_other(&to)).into_response())
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

pub async fn sign_in(
    state: &AppState,
    meta: &Meta,
    email: &str,
    password: &str,
) -> AppResult<mamori_store::UserAuth> {
    let now = now_ms();
    let cfg = state.cfg();
    let acct_key = format!("acct:{email}");
    let addr_key = format!("addr:{}", meta.client_addr.as_deref().unwrap_or("-"));
    let throttle = &state.throttle();
    throttle
        .begin(&acct_key, cfg.login_max_per_account, now)
        .await?;
    if let Err(e) = throttle
        .begin(&addr_key, cfg.login_max_per_address, now)
        .await
    {
        throttle.forgive_one(&acct_key).await?;
        return Err(e.into());
    }
    let found = state.store().user_auth_by_email(email).await?;
    let hash = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| auth::dummy_hash().to_string());
    let ok = auth::verify_password_blocking(password.to_string(), hash).await;
    match found {
        Some(u) if ok && !u.user.disabled => {
            throttle.clear(&acct_key).await?;
            throttle.forgive_one(&addr_key).await?;
            Ok(u)
        }
        other => {
            let actor = Actor {
                user_id: other.as_ref().map(|u| u.user.id.clone()),
                label: email.chars().take(254).collect(),
                request_id: Some(meta.request_id.clone()),
                client_addr: meta.client_addr.clone(),
            };
            state
                .store()
                .record(
                    &actor,
                    AuditDraft::new(
                        None,
                        "auth.sign_in_failed",
                        "user",
                        other.as_ref().map(|u| u.user.id.as_str()).unwrap_or(""),
                        serde_json::json!({"known_account": other.is_some()}),
                    ),
                )
                .await?;
            Err(AppError::NotSignedIn)
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/mfa.html")]
struct MfaPage {
    page: PageCtx,
    error: Option<String>,
    next: String,
}

pub async fn mfa_page(
    State(state): State<AppState>,
    auth: AnyAuth,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if auth.stage != Stage::MfaPending {
        return Ok(see_other("/"));
    }
    let page = PageCtx::signed_in(&state, &auth, "", None, "/login/mfa").await?;
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    Ok(render(&MfaPage {
        page,
        error: None,
        next,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    #[serde(default)]
    next: String,
}

/// Second step: a TOTP code (each time step accepted once) or a recovery code.
pub async fn mfa_submit(
    State(state): State<AppState>,
    auth: AnyAuth,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    if auth.stage != Stage::MfaPending {
        return Ok(see_other("/"));
    }
    let result = verify_second_factor(&state, &auth, &form.code).await;
    match result {
        Ok(()) => {
            let (jar, _) = auth::complete_mfa(&state, &auth, jar).await?;
            Ok((jar, see_other(&safe_next(&form.next))).into_response())
        }
        Err(e) => {
            let page = PageCtx::signed_in(&state, &auth, "", None, "/login/mfa").await?;
            let error = Some(throttle_or_message(&page.tr, &e));
            let next = safe_next(&form.next);
            let body = render(&MfaPage { page, error, next })?;
            // A wrong code is shown on the page (200); past the limit the answer is 429
            // with Retry-After, like every throttled check.
            Ok(with_retry_after(
                &e,
                (refusal_status(&e), body).into_response(),
            ))
        }
    }
}

async fn verify_second_factor(state: &AppState, auth: &AnyAuth, code: &str) -> AppResult<()> {
    let now = now_ms();
    let key = format!("mfa:{}", auth.user.id);
    state
        .throttle()
        .begin(&key, state.cfg().login_max_per_account, now)
        .await?;
    let ua = state
        .store()
        .user_auth(&auth.user.id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    let secret = ua.totp_secret.ok_or(AppError::NotSignedIn)?;
    let digits = code.trim().replace(' ', "");
    // Ok(()) when the code is right; otherwise why not (audited as one kind of failure).
    let outcome: Result<(), (&str, &'static str)> =
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            match auth::totp::matching_step(&secret, &digits, now) {
                Some(step) if state.store().accept_totp_step(&auth.user.id, step).await? => Ok(()),
                Some(_) => Err(("code_reused", "error-code-reused")),
                None => Err(("wrong_code", "error-wrong-code")),
            }
        } else if state
            .store()
            .use_recovery_code(&auth.actor(), &auth.user.id, &auth::recovery_hash(code))
            .await?
        {
            Ok(())
        } else {
            Err(("wrong_recovery_code", "error-wrong-code"))
        };
    match outcome {
        Ok(()) => {
            state.throttle().clear(&key).await?;
            Ok(())
        }
        Err((reason, message)) => {
            let draft = AuditDraft::new(
                None,
                "auth.mfa_failed",
                "user",
                &auth.user.id,
                serde_json::json!({ "reason": reason }),
            );
            state.store().record(&auth.actor(), draft).await?;
            Err(AppError::Invalid {
                field: "code",
                key: message,
            })
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    auth: Option<AnyAuth>,
    jar: CookieJar,
) -> AppResult<Response> {
    if let Some(a) = auth {
        if let Some(s) = &a.session {
            state.store().delete_session(&a.actor(), &s.id_hash).await?;
        }
    }
    Ok((jar.remove(removal(SESSION_COOKIE)), see_other("/login")).into_response())
}

pub async fn logout_all(
    State(state): State<AppState>,
    auth: Auth,
    jar: CookieJar,
) -> AppResult<Response> {
    state
        .store()
        .delete_user_sessions(&auth.actor(), &auth.user.id)
        .await?;
    Ok((jar.remove(removal(SESSION_COOKIE)), see_other("/login")).into_response())
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    next: String,
}

pub async fn set_lang(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang).ok_or(AppError::BadRequest("error-invalid-locale"))?;
    Ok((
        jar.add(lang_cookie(lang, state.cfg().secure_cookies)),
        see_other(&safe_next(&form.next)),
    )
        .into_response())
}

// ------------------------------------------------------------------ home

#[derive(Template)]
#[template(path = "accounts/home.html")]
struct HomePage {
    page: PageCtx,
    vendors: Vec<HomeVendor>,
    /// Memberships waiting for the vendor's confirmation: (vendor, inviting institution).
    pending: Vec<(String, String)>,
    /// Institutions whose roles wait for the user's second factor: their names.
    mfa_blocked: Vec<String>,
    is_platform_admin: bool,
    /// Checklists shared with the user as an inspector: (institution, fiscal year, status,
    /// how, until, href).
    shared: Vec<[String; 6]>,
    /// Institutions whose dashboard the user may open (an inspector's are not listed).
    dashboards: Vec<(String, String)>,
}

pub struct HomeVendor {
    pub id: String,
    pub name: String,
    pub admin: bool,
}

/// `/`: straight to the only institution, else the chooser.
pub async fn root(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let insts = mamori_app::access::my_institutions(state.store(), &auth).await?;
    // Straight to the dashboard only when it is the one place to go; an inspector, a
    // vendor or a member of several lands on the home page made for them.
    let dash: Vec<_> = insts
        .iter()
        .filter(|i| {
            mamori_app::access::may(&auth, Action::ViewDashboard, Scope::Institution(&i.id))
        })
        .collect();
    let inspects = insts.iter().any(|i| {
        mamori_app::access::may(&auth, Action::InspectAssessments, Scope::Institution(&i.id))
    });
    if insts.len() == 1 && dash.len() == 1 && auth.principal.vendor_ids.is_empty() && !inspects {
        return Ok(see_other(&format!("/i/{}", dash[0].code)));
    }
    if insts.is_empty() && auth.principal.platform_admin {
        return Ok(see_other("/admin"));
    }
    home(State(state), auth).await
}

pub async fn home(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let page = PageCtx::signed_in(&state, &auth, "home", None, "/home").await?;
    let memberships = state.store().memberships_of(&auth.user.id).await?;
    let (pending, active): (Vec<_>, Vec<_>) = memberships
        .into_iter()
        .partition(|m| m.status == mamori_domain::vendor_members::MembershipStatus::Pending);
    let vendors = active
        .into_iter()
        .map(|m| HomeVendor {
            admin: auth.principal.vendor_admin_ids.contains(&m.vendor_id),
            id: m.vendor_id,
            name: m.vendor_name,
        })
        .collect();
    let pending = pending
        .into_iter()
        .map(|m| (m.vendor_name, m.requested_by_name.unwrap_or_default()))
        .collect();
    let mfa_blocked = state
        .store()
        .institutions_by_ids(&auth.mfa_blocked)
        .await?
        .into_iter()
        .map(|i| i.name)
        .collect();
    let tr = page.tr;
    let shared = mamori_app::inspector::shared_with_me(&state, &auth)
        .await?
        .into_iter()
        .map(|s| {
            let how = match &s.reach {
                mamori_app::inspector::Reach::Grant { .. } => tr.t("home-shared-via-grant"),
                mamori_app::inspector::Reach::Link(l) => {
                    tr.t1("home-shared-via-link", "label", &l.label)
                }
            };
            [
                s.institution.name.clone(),
                mamori_domain::wareki::fiscal_year(s.assessment.fiscal_year as i32),
                tr.t(&format!("cy-status-{}", s.assessment.status)),
                how,
                s.reach
                    .expires_at()
                    .map(mamori_domain::time::timestamp_jst)
                    .unwrap_or_else(|| tr.t("inspect-no-expiry")),
                format!("/inspections/{}", s.assessment.id),
            ]
        })
        .collect();
    let dashboards = mamori_app::access::my_institutions(state.store(), &auth)
        .await?
        .into_iter()
        .filter(|i| {
            mamori_app::access::may(&auth, Action::ViewDashboard, Scope::Institution(&i.id))
        })
        .map(|i| (i.code, i.name))
        .collect();
    Ok(render(&HomePage {
        page,
        vendors,
        pending,
        mfa_blocked,
        is_platform_admin: auth.principal.platform_admin,
        shared,
        dashboards,
    })?
    .into_response())
}
