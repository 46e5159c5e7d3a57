//! Server-rendered pages (askama + htmx). Every handler checks access through
//! `service`/`policy`; forms re-render with the user's input and a message on bad input.

use crate::auth::{
    self, csrf_cookie, lang_cookie, random_token, removal, session_cookie, sha256_hex, AnyAuth,
    Auth, Meta, Stage, CSRF_COOKIE, SESSION_COOKIE,
};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Tr};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use mamori_app::accounts::{AddMemberInput, AuditQuery};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::time::timestamp_jst as jst;
use mamori_domain::{validate, Institution, InstitutionKind, Role};
use mamori_store::{now_ms, Actor, AuditDraft, SessionRecord};
use serde::Deserialize;

// ------------------------------------------------------------------ page frame

pub struct NavUser {
    pub display_name: String,
    pub platform_admin: bool,
    /// Belongs to a vendor: the vendor portal is in the menu.
    pub vendor: bool,
}

/// What the base layout needs on every page.
pub struct PageCtx {
    pub tr: Tr,
    pub csrf: String,
    pub user: Option<NavUser>,
    pub institutions: Vec<(String, String)>,
    pub current: Option<String>,
    pub institution_name: Option<String>,
    pub section: &'static str,
    pub can_dashboard: bool,
    pub can_members: bool,
    pub can_audit: bool,
    pub can_settings: bool,
    pub can_contracts: bool,
    pub can_assessments: bool,
    pub flash: Option<String>,
    pub flash_error: Option<String>,
    pub path: String,
}

impl PageCtx {
    /// Frame for a page seen before sign-in (or an error page): the CSRF cookie's value.
    pub fn anonymous(meta: &Meta, jar: &CookieJar, path: &str) -> (Self, CookieJar) {
        let (token, jar) = match jar.get(CSRF_COOKIE) {
            Some(c) => (c.value().to_string(), jar.clone()),
            None => {
                let t = random_token(24);
                (
                    t.clone(),
                    jar.clone().add(csrf_cookie(t, meta.secure_cookies)),
                )
            }
        };
        (
            PageCtx {
                tr: Tr::new(meta.lang),
                csrf: token,
                user: None,
                institutions: vec![],
                current: None,
                institution_name: None,
                section: "",
                can_dashboard: false,
                can_members: false,
                can_audit: false,
                can_settings: false,
                can_contracts: false,
                can_assessments: false,
                flash: None,
                flash_error: None,
                path: path.to_string(),
            },
            jar,
        )
    }

    pub async fn signed_in(
        state: &AppState,
        auth: &AnyAuth,
        section: &'static str,
        current: Option<&Institution>,
        path: &str,
    ) -> AppResult<Self> {
        let institutions = if auth.stage == Stage::Full {
            mamori_app::access::my_institutions(state.store(), auth)
                .await?
                .into_iter()
                .map(|i| (i.code, i.name))
                .collect()
        } else {
            vec![]
        };
        let can = |a: Action| {
            current.is_some_and(|i| mamori_app::access::may(auth, a, Scope::Institution(&i.id)))
        };
        Ok(PageCtx {
            tr: Tr::new(auth.meta.lang),
            csrf: auth.csrf(),
            user: Some(NavUser {
                display_name: auth.user.display_name.clone(),
                platform_admin: auth.principal.platform_admin,
                vendor: !auth.principal.vendor_ids.is_empty(),
            }),
            institutions,
            current: current.map(|i| i.code.clone()),
            institution_name: current.map(|i| i.name.clone()),
            section,
            can_dashboard: can(Action::ViewDashboard),
            can_members: can(Action::ViewMembers),
            can_audit: can(Action::ViewAudit),
            can_settings: can(Action::ManageSettings),
            can_contracts: can(Action::ViewContracts),
            can_assessments: can(Action::ViewAssessments),
            flash: None,
            flash_error: None,
            path: path.to_string(),
        })
    }

    /// Show `?ok=KEY` / `?err=KEY` messages set by a redirect after a POST.
    pub fn with_flash(mut self, f: &Flash) -> Self {
        let tr = self.tr;
        let known = |k: &String| (k.starts_with("flash-") || k.starts_with("error-")) && tr.has(k);
        self.flash = f.ok.as_ref().filter(|k| known(k)).map(|k| self.tr.t(k));
        self.flash_error = f.err.as_ref().filter(|k| known(k)).map(|k| self.tr.t(k));
        self
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    pub ok: Option<String>,
    pub err: Option<String>,
}

/// A page shown again after refused input answers 422, otherwise 200.
pub fn page_status(refused: bool) -> StatusCode {
    if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

pub fn render<T: Template>(t: &T) -> AppResult<Html<String>> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Only same-site relative paths are accepted as a `next` target.
pub fn safe_next(next: &str) -> String {
    // A path on this site only: no scheme, no host, no backslash, no control or space
    // characters (browsers drop tabs and newlines, turning "/\t/evil" into "//evil").
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/-_.~?=&%+".contains(c);
    if next.starts_with('/') && !next.starts_with("//") && next.chars().all(allowed) {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub fn role_label(tr: &Tr, role: Role) -> String {
    tr.t(&format!("role-{}", role.as_str().replace('_', "-")))
}

pub fn kind_label(tr: &Tr, kind: InstitutionKind) -> String {
    tr.t(&format!("kind-{}", kind.as_str().replace('_', "-")))
}

pub fn action_label(tr: &Tr, action: &str) -> String {
    let key = format!("action-{}", action.replace(['.', '_'], "-"));
    let s = tr.t(&key);
    if s == key {
        action.to_string()
    } else {
        s
    }
}

fn message(tr: &Tr, e: &AppError) -> String {
    tr.t(e.info().key)
}

/// The message of a refused sign-in step, with the minutes to wait when throttled.
fn throttle_or_message(tr: &Tr, e: &AppError) -> String {
    match e {
        AppError::Throttled { retry_after_secs } => tr.t1(
            "error-throttled-minutes",
            "minutes",
            retry_after_secs.div_ceil(60),
        ),
        other => message(tr, other),
    }
}

/// A sign-in page shown again after a refusal: 429 when throttled, 422 for a malformed
/// entry, otherwise 200 (a wrong password or code is an answer, not an error).
fn refusal_status(e: &AppError) -> StatusCode {
    match e.info().status {
        s @ (StatusCode::TOO_MANY_REQUESTS | StatusCode::INTERNAL_SERVER_ERROR) => s,
        _ => StatusCode::OK,
    }
}

/// Add `Retry-After` to a throttled answer.
pub fn with_retry_after(e: &AppError, mut res: Response) -> Response {
    if let Some(s) = e.info().retry_after_secs {
        if let Ok(v) = axum::http::HeaderValue::from_str(&s.to_string()) {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
    }
    res
}

// ------------------------------------------------------------------ sign-in

#[derive(Template)]
#[template(path = "login.html")]
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
#[template(path = "mfa.html")]
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
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    vendors: Vec<HomeVendor>,
    /// Memberships waiting for the vendor's confirmation: (vendor, inviting institution).
    pending: Vec<(String, String)>,
    /// Institutions whose roles wait for the user's second factor: their names.
    mfa_blocked: Vec<String>,
    is_platform_admin: bool,
}

pub struct HomeVendor {
    pub id: String,
    pub name: String,
    pub admin: bool,
}

/// `/`: straight to the only institution, else the chooser.
pub async fn root(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let insts = mamori_app::access::my_institutions(state.store(), &auth).await?;
    if insts.len() == 1 && auth.principal.vendor_ids.is_empty() {
        return Ok(see_other(&format!("/i/{}", insts[0].code)));
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
    Ok(render(&HomePage {
        page,
        vendors,
        pending,
        mfa_blocked,
        is_platform_admin: auth.principal.platform_admin,
    })?
    .into_response())
}

// ------------------------------------------------------------------ dashboard

pub struct EventRow {
    pub time: String,
    pub actor: String,
    pub action: String,
    pub action_label: String,
    pub target: String,
    pub changes: String,
    pub addr: String,
}

fn event_rows(tr: &Tr, events: &[mamori_domain::audit::AuditRecord]) -> Vec<EventRow> {
    events
        .iter()
        .map(|e| EventRow {
            time: jst(e.occurred_at),
            actor: e.actor_label.clone(),
            action: e.action.clone(),
            action_label: action_label(tr, &e.action),
            target: format!("{} {}", e.target_kind, e.target_id),
            changes: e.changes.clone(),
            addr: e.client_addr.clone().unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: PageCtx,
    inst: Institution,
    kind_label: String,
    prefecture: String,
    steps: Vec<(String, Option<String>)>,
    member_count: usize,
    mfa_summary: String,
    role_counts: Vec<(String, usize)>,
    recent: Vec<EventRow>,
    signals: Option<crate::contract_pages::Signals>,
    checklist: Option<crate::assessment_pages::Signals>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let store = state.store();
    let inst =
        mamori_app::access::institution_for(store, &auth, &code, Action::ViewDashboard).await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "dashboard",
        Some(&inst),
        &format!("/i/{code}"),
    )
    .await?;
    let tr = page.tr;
    let members = store.members(&inst.id).await?;
    let now = auth.now;
    let live = |r: &(Role, Option<i64>)| r.1.is_none_or(|e| e > now);
    let role_counts: Vec<(String, usize)> = Role::INSTITUTION
        .iter()
        .map(|role| {
            let n = members
                .iter()
                .filter(|m| m.roles.iter().any(|r| r.0 == *role && live(r)))
                .count();
            (role_label(&tr, *role), n)
        })
        .collect();
    let with_mfa = members.iter().filter(|m| m.user.mfa_enabled).count();
    let mut steps = Vec::new();
    let has_officer = members.iter().any(|m| {
        m.roles
            .iter()
            .any(|r| r.0 == Role::SecurityOfficer && live(r))
    });
    let can_manage = page.can_members;
    let link = |p: &str| can_manage.then(|| format!("/i/{code}/{p}"));
    if !has_officer {
        steps.push((tr.t("step-appoint-officer"), link("members")));
    }
    if !members
        .iter()
        .any(|m| m.roles.iter().any(|r| r.0 == Role::Executive && live(r)))
    {
        steps.push((tr.t("step-add-executive"), link("members")));
    }
    if !inst.mfa_required {
        steps.push((
            tr.t("step-require-mfa"),
            page.can_settings.then(|| format!("/i/{code}/settings")),
        ));
    }
    if with_mfa < members.len() {
        steps.push((
            tr.t1("step-mfa-missing", "count", members.len() - with_mfa),
            link("members"),
        ));
    }
    if !auth.user.mfa_enabled {
        steps.push((tr.t("step-own-mfa"), Some("/profile/mfa".into())));
    }
    let recent = if page.can_audit {
        let q = AuditQuery::default();
        let mut f = q.filter(&inst.id, 8)?;
        f.limit = 8;
        event_rows(&tr, &store.audit_events(&f).await?)
    } else {
        vec![]
    };
    let signals = if page.can_contracts {
        Some(crate::contract_pages::signals(&state, &inst, &tr).await?)
    } else {
        None
    };
    let checklist = if page.can_assessments {
        crate::assessment_pages::signals(&state, &inst, &tr).await?
    } else {
        None
    };
    let body = DashboardPage {
        signals,
        checklist,
        kind_label: kind_label(&tr, inst.kind),
        prefecture: validate::prefecture_name(&inst.prefecture, tr.lang == Lang::Ja)
            .unwrap_or("")
            .to_string(),
        steps,
        member_count: members.len(),
        mfa_summary: tr.t1(
            "dashboard-mfa-summary",
            "count",
            format!("{with_mfa}/{}", members.len()),
        ),
        role_counts,
        recent,
        inst,
        page,
    };
    Ok(render(&body)?.into_response())
}

// ------------------------------------------------------------------ members

pub struct RoleCell {
    pub role: &'static str,
    pub label: String,
    pub expires: Option<String>,
    pub confirm: String,
    pub revoke_label: String,
}

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub mfa: bool,
    pub roles: Vec<RoleCell>,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    page: PageCtx,
    code: String,
    members: Vec<MemberRow>,
    can_manage: bool,
    role_options: Vec<(&'static str, String, bool)>,
    error: Option<String>,
    initial_password: Option<String>,
    created_email: String,
    form_email: String,
    form_name: String,
    form_expires: String,
}

#[derive(Deserialize, Default)]
pub struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires_on: String,
}

/// A date (YYYY-MM-DD) as the end of that day in Japan, in unix ms.
fn end_of_day_jst(s: &str) -> AppResult<Option<i64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::Invalid {
        field: "expires_at",
        key: "error-invalid-date",
    })?;
    Ok(d.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc().timestamp_millis() - 9 * 3600 * 1000))
}

async fn members_view(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    form: MemberForm,
    error: Option<String>,
    created: Option<(String, String)>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "members",
        Some(inst),
        &format!("/i/{}/members", inst.code),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let can_manage =
        mamori_app::access::may(auth, Action::ManageMembers, Scope::Institution(&inst.id));
    let members = state
        .store()
        .members(&inst.id)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            roles: m
                .roles
                .iter()
                .map(|(r, exp)| RoleCell {
                    role: r.as_str(),
                    label: role_label(&tr, *r),
                    expires: exp.map(|e| jst(e).chars().take(10).collect()),
                    confirm: tr.t1(
                        "members-revoke-confirm",
                        "name",
                        format!("{} / {}", m.user.display_name, role_label(&tr, *r)),
                    ),
                    revoke_label: format!("{} {}", tr.t("members-revoke"), role_label(&tr, *r)),
                })
                .collect(),
            id: m.user.id,
            name: m.user.display_name,
            email: m.user.email,
            mfa: m.user.mfa_enabled,
        })
        .collect();
    let chosen = if form.role.is_empty() {
        "staff"
    } else {
        form.role.as_str()
    };
    let role_options = Role::INSTITUTION
        .iter()
        .map(|r| (r.as_str(), role_label(&tr, *r), r.as_str() == chosen))
        .collect();
    let status = crate::pages::page_status(error.is_some());
    let (initial_password, created_email) = created.map(|(e, p)| (Some(p), e)).unwrap_or_default();
    let body = render(&MembersPage {
        page,
        code: inst.code.clone(),
        members,
        can_manage,
        role_options,
        error,
        initial_password,
        created_email,
        form_email: form.email,
        form_name: form.display_name,
        form_expires: form.expires_on,
    })?;
    Ok((status, body).into_response())
}

pub async fn members(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewMembers)
            .await?;
    members_view(
        &state,
        &auth,
        &inst,
        MemberForm::default(),
        None,
        None,
        &flash,
    )
    .await
}

pub async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageMembers)
            .await?;
    let tr = Tr::new(auth.meta.lang);
    let parsed = (|| {
        let role: Role = form.role.parse().map_err(|_| AppError::Invalid {
            field: "role",
            key: "error-role-not-grantable",
        })?;
        Ok::<_, AppError>(AddMemberInput {
            email: form.email.clone(),
            display_name: form.display_name.clone(),
            role,
            expires_at: end_of_day_jst(&form.expires_on)?,
        })
    })();
    let result = match parsed {
        Ok(input) => mamori_app::accounts::add_member(state.store(), &auth, &inst, input)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(added) => {
            let created = added
                .initial_password
                .map(|p| (added.user.email.clone(), p));
            members_view(
                &state,
                &auth,
                &inst,
                MemberForm::default(),
                None,
                created,
                &Flash::default(),
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Duplicate(_))) => {
            let msg = message(&tr, &e);
            members_view(
                &state,
                &auth,
                &inst,
                form,
                Some(msg),
                None,
                &Flash::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_role(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, user_id, role)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageMembers)
            .await?;
    let role: Role = role.parse().map_err(|_| AppError::NotFound)?;
    match mamori_app::accounts::revoke_role(state.store(), &auth, &inst, &user_id, role)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(see_other(&format!(
            "/i/{code}/members?ok=flash-role-revoked"
        ))),
        Err(AppError::Invalid { key, .. }) => {
            Ok(see_other(&format!("/i/{code}/members?err={key}")))
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ settings

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: PageCtx,
    code: String,
    version: i64,
    name: String,
    beds: i64,
    mfa_required: bool,
    error: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageSettings)
            .await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "settings",
        Some(&inst),
        &format!("/i/{code}/settings"),
    )
    .await?
    .with_flash(&flash);
    Ok(render(&SettingsPage {
        page,
        code,
        version: inst.version,
        name: inst.name,
        beds: inst.beds,
        mfa_required: inst.mfa_required,
        error: None,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct SettingsForm {
    version: i64,
    name: String,
    beds: String,
    #[serde(default)]
    mfa_required: Option<String>,
}

pub async fn save_settings(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageSettings)
            .await?;
    let mfa_required = form.mfa_required.is_some();
    let result = match form.beds.trim().parse::<i64>() {
        Ok(beds) => mamori_app::accounts::update_settings(
            state.store(),
            &auth,
            &inst,
            mamori_app::accounts::SettingsInput {
                version: form.version,
                name: form.name.clone(),
                beds,
                mfa_required,
            },
        )
        .await
        .map_err(AppError::from),
        Err(_) => Err(AppError::Invalid {
            field: "beds",
            key: "invalid-beds",
        }),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/i/{code}/settings?ok=flash-saved"))),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let status = e.info().status;
            let page = PageCtx::signed_in(
                &state,
                &auth,
                "settings",
                Some(&inst),
                &format!("/i/{code}/settings"),
            )
            .await?;
            let error = Some(message(&page.tr, &e));
            let body = render(&SettingsPage {
                page,
                code,
                // After a conflict the form keeps the user's input but the current version,
                // so that saving again is a deliberate overwrite of what they now see.
                version: inst.version,
                name: form.name,
                beds: form.beds.trim().parse().unwrap_or(inst.beds),
                mfa_required,
                error,
            })?;
            Ok((status, body).into_response())
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ audit

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: PageCtx,
    code: String,
    events: Vec<EventRow>,
    action_options: Vec<(&'static str, String, bool)>,
    q_actor: String,
    q_from: String,
    q_to: String,
    query: String,
    prev_page: Option<String>,
    next_page: Option<String>,
    error: Option<String>,
}

pub const ACTION_GROUPS: [&str; 6] = ["", "auth.", "member.", "user.", "institution.", "token."];

pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewAudit).await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "audit",
        Some(&inst),
        &format!("/i/{code}/audit"),
    )
    .await?;
    let tr = page.tr;
    let (events, error) = match mamori_app::accounts::audit_events(state.store(), &inst, &q)
        .await
        .map_err(AppError::from)
    {
        Ok(ev) => (ev, None),
        Err(e @ AppError::Invalid { .. }) => (vec![], Some(message(&tr, &e))),
        Err(e) => return Err(e),
    };
    let pageno = q.page.unwrap_or(1).clamp(1, mamori_app::accounts::MAX_PAGE);
    let base = |p: i64| {
        serde_urlencoded::to_string([
            ("action", q.action.clone().unwrap_or_default()),
            ("actor", q.actor.clone().unwrap_or_default()),
            ("from", q.from.clone().unwrap_or_default()),
            ("to", q.to.clone().unwrap_or_default()),
            ("page", p.to_string()),
        ])
        .unwrap_or_default()
    };
    let full = events.len() as i64 == mamori_app::accounts::AUDIT_PAGE;
    let body = AuditPage {
        code,
        events: event_rows(&tr, &events),
        action_options: ACTION_GROUPS
            .iter()
            .map(|g| {
                let key = format!(
                    "audit-group-{}",
                    if g.is_empty() {
                        "all"
                    } else {
                        g.trim_end_matches('.')
                    }
                );
                (*g, tr.t(&key), q.action.as_deref().unwrap_or("") == *g)
            })
            .collect(),
        q_actor: q.actor.clone().unwrap_or_default(),
        q_from: q.from.clone().unwrap_or_default(),
        q_to: q.to.clone().unwrap_or_default(),
        query: base(1),
        prev_page: (pageno > 1).then(|| base(pageno - 1)),
        next_page: full.then(|| base(pageno + 1)),
        error,
        page,
    };
    Ok(render(&body)?.into_response())
}

pub async fn audit_csv(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ExportAudit)
            .await?;
    let bytes = mamori_app::accounts::audit_csv(state.store(), &auth, &inst, &q).await?;
    let name = format!("attachment; filename=\"mamori-audit-{code}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}
