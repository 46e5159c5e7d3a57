//! The signed-in user's own pages (profile, password, MFA, API tokens) and the platform
//! administrator's page.

use crate::http::auth::{self, lang_cookie, AnyAuth, Auth, Stage};
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Lang;
use crate::ui::{kind_label, render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::time::timestamp_jst as jst;
use mamori_domain::{validate, InstitutionKind};
use serde::Deserialize;

use crate::ui::see_other;

// ------------------------------------------------------------------ profile

#[derive(Template)]
#[template(path = "accounts/profile.html")]
struct ProfilePage {
    page: PageCtx,
    version: i64,
    email: String,
    display_name: String,
    locale: String,
    mfa_enabled: bool,
    recovery_left: String,
    profile_error: Option<String>,
    password_error: Option<String>,
}

async fn profile_view(
    state: &AppState,
    auth: &Auth,
    flash: &Flash,
    profile_error: Option<String>,
    password_error: Option<String>,
    display_name: Option<String>,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(state, auth, "profile", None, "/profile")
        .await?
        .with_flash(flash);
    let left = state.store().unused_recovery_codes(&auth.user.id).await?;
    let status = crate::ui::page_status(profile_error.is_some() || password_error.is_some());
    let body = render(&ProfilePage {
        recovery_left: page.tr.t1("profile-recovery-left", "count", left),
        version: auth.user.version,
        email: auth.user.email.clone(),
        display_name: display_name.unwrap_or_else(|| auth.user.display_name.clone()),
        locale: auth.user.locale.clone(),
        mfa_enabled: auth.user.mfa_enabled,
        profile_error,
        password_error,
        page,
    })?;
    Ok((status, body).into_response())
}

pub async fn profile(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    profile_view(&state, &auth, &flash, None, None, None).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    version: i64,
    display_name: String,
    locale: String,
}

pub async fn save_profile(
    State(state): State<AppState>,
    auth: Auth,
    jar: CookieJar,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let input = mamori_app::accounts::ProfileInput {
        version: form.version,
        display_name: form.display_name.clone(),
        locale: form.locale.clone(),
    };
    match mamori_app::accounts::update_profile(state.store(), &auth, input)
        .await
        .map_err(AppError::from)
    {
        Ok(user) => {
            let lang = Lang::parse(&user.locale).unwrap_or_default();
            Ok((
                jar.add(lang_cookie(lang, state.cfg().secure_cookies)),
                see_other("/profile?ok=flash-saved"),
            )
                .into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            let m = tr.t(e.info().key);
            let mut res = profile_view(
                &state,
                &auth,
                &Flash::default(),
                Some(m),
                None,
                Some(form.display_name),
            )
            .await?;
            *res.status_mut() = e.info().status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

pub async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<mamori_app::accounts::PasswordInput>,
) -> AppResult<Response> {
    match mamori_app::accounts::change_password(&state, &auth, form)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(see_other("/profile?ok=flash-password-changed")),
        Err(e @ AppError::Invalid { .. }) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            profile_view(
                &state,
                &auth,
                &Flash::default(),
                None,
                Some(tr.t(e.info().key)),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ MFA

#[derive(Template)]
#[template(path = "accounts/mfa_setup.html")]
struct MfaSetupPage {
    page: PageCtx,
    enrol_required: bool,
    mfa_enabled: bool,
    mfa_mandatory: bool,
    recovery_left: String,
    recovery_codes: Option<Vec<String>>,
    secret: String,
    qr_svg: String,
    error: Option<String>,
}

async fn mfa_view(
    state: &AppState,
    auth: &AnyAuth,
    secret: Option<String>,
    recovery_codes: Option<Vec<String>>,
    error: Option<String>,
    csrf: Option<String>,
) -> AppResult<Response> {
    let mut page = PageCtx::signed_in(state, auth, "profile", None, "/profile/mfa").await?;
    if let Some(t) = csrf {
        page.csrf = t;
    }
    let secret = secret.unwrap_or_else(auth::totp::new_secret);
    let uri = auth::totp::uri(&secret, &auth.user.email).unwrap_or_default();
    let ids = auth.principal.institution_ids(auth.now);
    let mandatory = !auth.mfa_blocked.is_empty()
        || state
            .store()
            .institutions_by_ids(&ids)
            .await?
            .iter()
            .any(|i| i.mfa_required);
    let left = state.store().unused_recovery_codes(&auth.user.id).await?;
    let status = crate::ui::page_status(error.is_some());
    let body = render(&MfaSetupPage {
        enrol_required: auth.stage == Stage::EnrolRequired,
        mfa_enabled: auth.user.mfa_enabled || recovery_codes.is_some(),
        mfa_mandatory: mandatory,
        recovery_left: page.tr.t1("profile-recovery-left", "count", left),
        recovery_codes,
        qr_svg: auth::qr_svg(&uri),
        secret,
        error,
        page,
    })?;
    Ok((status, body).into_response())
}

fn enrolling(auth: &AnyAuth) -> AppResult<()> {
    match auth.stage {
        Stage::Full | Stage::EnrolRequired => Ok(()),
        Stage::MfaPending => Err(AppError::MfaPending),
    }
}

pub async fn mfa_setup(State(state): State<AppState>, auth: AnyAuth) -> AppResult<Response> {
    enrolling(&auth)?;
    mfa_view(&state, &auth, None, None, None, None).await
}

pub async fn mfa_enable(
    State(state): State<AppState>,
    auth: AnyAuth,
    jar: CookieJar,
    Form(form): Form<mamori_app::accounts::MfaEnableInput>,
) -> AppResult<Response> {
    enrolling(&auth)?;
    let secret = form.secret.clone();
    match mamori_app::accounts::enable_mfa(state.store(), &auth, form)
        .await
        .map_err(AppError::from)
    {
        Ok(codes) => {
            // Enrolling proves the second factor for this session: rotate it.
            let (jar, csrf) = auth::complete_mfa(&state, &auth, jar).await?;
            let page = mfa_view(&state, &auth, None, Some(codes), None, Some(csrf)).await?;
            Ok((jar, page).into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            mfa_view(
                &state,
                &auth,
                Some(secret),
                None,
                Some(tr.t(e.info().key)),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn mfa_disable(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    match mamori_app::accounts::disable_mfa(&state, &auth, &form.code)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(see_other("/profile?ok=flash-mfa-disabled")),
        Err(e @ (AppError::Invalid { .. } | AppError::BadRequest(_))) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            mfa_view(&state, &auth, None, None, Some(tr.t(e.info().key)), None).await
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ tokens

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "accounts/tokens.html")]
struct TokensPage {
    page: PageCtx,
    tokens: Vec<TokenRow>,
    created_secret: Option<String>,
    error: Option<String>,
}

async fn tokens_view(
    state: &AppState,
    auth: &Auth,
    created_secret: Option<String>,
    error: Option<String>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(state, auth, "profile", None, "/profile/tokens")
        .await?
        .with_flash(flash);
    let dash = || "—".to_string();
    let tokens = state
        .store()
        .tokens(&auth.user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            created: jst(t.created_at),
            last_used: t.last_used_at.map(jst).unwrap_or_else(dash),
            expires: t.expires_at.map(jst).unwrap_or_else(dash),
            revoked: t.revoked_at.is_some(),
            id: t.id,
            name: t.name,
            prefix: t.prefix,
        })
        .collect();
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&TokensPage {
            page,
            tokens,
            created_secret,
            error,
        })?,
    )
        .into_response())
}

pub async fn tokens(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    tokens_view(&state, &auth, None, None, &flash).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    expires_in_days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let days = form.expires_in_days.trim();
    let expires_in_days = if days.is_empty() {
        Ok(None)
    } else {
        days.parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::Invalid {
                field: "expires_in_days",
                key: "error-token-expiry",
            })
    };
    let result = match expires_in_days {
        Ok(d) => mamori_app::accounts::create_token(
            state.store(),
            &auth.actor(),
            &auth.user.id,
            mamori_app::accounts::TokenInput {
                name: form.name,
                expires_in_days: d,
            },
        )
        .await
        .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            tokens_view(&state, &auth, Some(created.secret), None, &Flash::default()).await
        }
        Err(e @ AppError::Invalid { .. }) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            tokens_view(
                &state,
                &auth,
                None,
                Some(tr.t(e.info().key)),
                &Flash::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    state
        .store()
        .revoke_token(&auth.actor(), &auth.user.id, &id)
        .await?;
    Ok(see_other("/profile/tokens?ok=flash-token-revoked"))
}

// ------------------------------------------------------------------ platform admin

pub struct InstRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub prefecture: String,
}

#[derive(Template)]
#[template(path = "accounts/admin.html")]
struct AdminPage {
    page: PageCtx,
    institutions: Vec<InstRow>,
    total: i64,
    /// (id, name): each links to the vendor's members, where its administrators are set.
    vendors: Vec<(String, String)>,
    prev_page: Option<i64>,
    next_page: Option<i64>,
    kind_options: Vec<(&'static str, String, bool)>,
    prefecture_options: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
    form_code: String,
    form_name: String,
    form_beds: String,
}

#[derive(Deserialize, Default)]
pub struct AdminQuery {
    page: Option<i64>,
}

#[derive(Deserialize, Default, Clone)]
pub struct InstitutionForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    prefecture: String,
    #[serde(default)]
    beds: String,
}

const ADMIN_PAGE: i64 = 50;

async fn admin_view(
    state: &AppState,
    auth: &Auth,
    pageno: i64,
    form: InstitutionForm,
    error: Option<String>,
    flash: &Flash,
) -> AppResult<Response> {
    mamori_app::access::require(auth, Action::AdministerPlatform, Scope::Platform)?;
    let page = PageCtx::signed_in(state, auth, "admin", None, "/admin")
        .await?
        .with_flash(flash);
    let tr = page.tr;
    let ja = tr.lang == Lang::Ja;
    let pageno = pageno.clamp(1, mamori_app::accounts::MAX_PAGE);
    let (list, total) = state
        .store()
        .list_institutions((pageno - 1) * ADMIN_PAGE, ADMIN_PAGE)
        .await?;
    let vendors = state
        .store()
        .list_vendors()
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let status = crate::ui::page_status(error.is_some());
    let kind = if form.kind.is_empty() {
        "hospital"
    } else {
        form.kind.as_str()
    };
    let prefecture = if form.prefecture.is_empty() {
        "13"
    } else {
        form.prefecture.as_str()
    };
    let body = render(&AdminPage {
        institutions: list
            .into_iter()
            .map(|i| InstRow {
                kind: kind_label(&tr, i.kind),
                prefecture: validate::prefecture_name(&i.prefecture, ja)
                    .unwrap_or("")
                    .to_string(),
                code: i.code,
                name: i.name,
            })
            .collect(),
        total,
        vendors,
        prev_page: (pageno > 1).then_some(pageno - 1),
        next_page: (pageno * ADMIN_PAGE < total).then_some(pageno + 1),
        kind_options: InstitutionKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(&tr, *k), k.as_str() == kind))
            .collect(),
        prefecture_options: validate::PREFECTURES
            .iter()
            .map(|p| (p.0, if ja { p.1 } else { p.2 }, p.0 == prefecture))
            .collect(),
        error,
        form_code: form.code,
        form_name: form.name,
        form_beds: if form.beds.is_empty() {
            "0".into()
        } else {
            form.beds
        },
        page,
    })?;
    Ok((status, body).into_response())
}

pub async fn admin(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<AdminQuery>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    admin_view(
        &state,
        &auth,
        q.page.unwrap_or(1),
        InstitutionForm::default(),
        None,
        &flash,
    )
    .await
}

pub async fn admin_create_institution(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<InstitutionForm>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    let parsed = (|| {
        let kind: InstitutionKind = form.kind.parse().map_err(|_| AppError::Invalid {
            field: "kind",
            key: "error-invalid-kind",
        })?;
        let beds = if form.beds.trim().is_empty() {
            0
        } else {
            form.beds.trim().parse().map_err(|_| AppError::Invalid {
                field: "beds",
                key: "invalid-beds",
            })?
        };
        Ok::<_, AppError>(mamori_app::accounts::NewInstitutionInput {
            code: form.code.clone(),
            name: form.name.clone(),
            kind,
            prefecture: form.prefecture.clone(),
            beds,
            mfa_required: false,
        })
    })();
    let result = match parsed {
        Ok(input) => mamori_app::accounts::create_institution(state.store(), &auth, input)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/admin?ok=flash-institution-created")),
        Err(e @ (AppError::Invalid { .. } | AppError::Duplicate(_))) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            let m = tr.t(e.info().key);
            admin_view(&state, &auth, 1, form, Some(m), &Flash::default()).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct VendorForm {
    name: String,
}

pub async fn admin_create_vendor(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<VendorForm>,
) -> AppResult<Response> {
    match mamori_app::accounts::create_vendor(state.store(), &auth, &form.name)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other("/admin?ok=flash-vendor-created")),
        Err(e @ (AppError::Invalid { .. } | AppError::Duplicate(_))) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            let m = tr.t(e.info().key);
            admin_view(
                &state,
                &auth,
                1,
                InstitutionForm::default(),
                Some(m),
                &Flash::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
