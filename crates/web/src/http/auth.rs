//! Sign-in machinery: argon2id passwords, server-side sessions, CSRF, TOTP with recovery
//! codes, personal API tokens, and the extractors that hand a handler its signed-in user.

use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Lang;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use mamori_app::Caller;
use mamori_domain::Principal;
use mamori_store::{now_ms, Actor, SessionRecord};

pub const SESSION_COOKIE: &str = "mamori_session";
pub const CSRF_COOKIE: &str = "mamori_csrf";
pub const LANG_COOKIE: &str = "mamori_lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub use mamori_app::credentials::*;

/// The QR code of an `otpauth://` URI, as SVG.
pub fn qr_svg(data: &str) -> String {
    qrcode::QrCode::new(data.as_bytes())
        .map(|c| {
            c.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------- request metadata

/// Per-request facts set by the first middleware: request id, client address, language.
#[derive(Debug, Clone)]
pub struct Meta {
    pub request_id: String,
    /// Cookies are marked Secure (served over HTTPS).
    pub secure_cookies: bool,
    pub client_addr: Option<String>,
    pub lang: Lang,
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Meta>()
            .cloned()
            .ok_or_else(|| AppError::Internal("request metadata missing".into()))
    }
}

/// The session found for this request's cookie (already checked for expiry), if any.
#[derive(Debug, Clone)]
pub struct CurrentSession(pub Option<SessionRecord>);

pub fn lang_from(headers: &HeaderMap, jar: &CookieJar) -> Lang {
    if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().starts_with("en") {
        Lang::En
    } else {
        Lang::Ja
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy. Addresses a client
/// wrote further left are never believed.
pub fn client_ip(
    peer: std::net::IpAddr,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

/// First middleware of every request: request id, client address, language, and the
/// session behind the cookie. An idle or expired session is deleted here.
pub async fn load_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let client_addr = peer
        .map(|p| client_ip(p, req.headers(), &state.cfg().trusted_proxies))
        .map(|ip| ip.to_string());
    let meta = Meta {
        request_id: uuid::Uuid::new_v4().to_string(),
        secure_cookies: state.cfg().secure_cookies,
        client_addr: client_addr.clone(),
        lang: lang_from(req.headers(), &jar),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(200).collect()),
    };
    let mut expired = false;
    let mut session = None;
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let id_hash = sha256_hex(cookie.value());
        match state.store().session(&id_hash).await {
            Ok(Some(s)) => {
                let now = now_ms();
                let cfg = state.cfg();
                if now >= s.expires_at || now - s.last_seen_at >= cfg.session_idle_secs * 1000 {
                    expired = true;
                    let actor = Actor {
                        user_id: Some(s.user_id.clone()),
                        label: "system".into(),
                        request_id: Some(meta.request_id.clone()),
                        client_addr: client_addr.clone(),
                    };
                    if let Err(e) = state.store().delete_session(&actor, &id_hash).await {
                        tracing::warn!(error = %e, "could not delete expired session");
                    }
                } else {
                    if now - s.last_seen_at > 60_000 {
                        if let Err(e) = state.store().touch_session(&id_hash, now).await {
                            tracing::warn!(error = %e, "could not touch session");
                        }
                    }
                    session = Some(s);
                }
            }
            Ok(None) => expired = true,
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    req.extensions_mut().insert(meta.clone());
    req.extensions_mut().insert(CurrentSession(session));
    req.extensions_mut().insert(SessionExpired(expired));
    next.run(req).await
}

#[derive(Debug, Clone, Copy)]
pub struct SessionExpired(pub bool);

/// CSRF check on every state-changing request. A request with a bearer token carries no
/// ambient credentials and is exempt; every other request must present the session's CSRF
/// token (or, before sign-in, the CSRF cookie's value) in the `X-CSRF-Token` header or the
/// `_csrf` form field.
pub async fn csrf_guard(req: Request, next: Next) -> Result<Response, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    if bearer(req.headers()).is_some() {
        return Ok(next.run(req).await);
    }
    let expected = match req.extensions().get::<CurrentSession>() {
        Some(CurrentSession(Some(s))) => Some(s.csrf_token.clone()),
        _ => CookieJar::from_headers(req.headers())
            .get(CSRF_COOKIE)
            .map(|c| c.value().to_string()),
    };
    let Some(expected) = expected else {
        return Err(AppError::Csrf);
    };
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if same(h, &expected) {
            Ok(next.run(req).await)
        } else {
            Err(AppError::Csrf)
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let token = if multipart {
        multipart_value(&content_type, &bytes, CSRF_FIELD).await
    } else {
        form_urlencoded_value(&bytes, CSRF_FIELD)
    };
    let ok = token.is_some_and(|v| same(&v, &expected));
    if !ok {
        return Err(AppError::Csrf);
    }
    Ok(next
        .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await)
}

/// The API's CSRF check: only a signed-in browser session carries ambient credentials, so
/// only its requests must present the session's CSRF token. A request with neither a
/// session nor a bearer token acts as nobody: an operation that needs a caller answers 401,
/// and the one public operation (accepting an invitation, whose token is in the path) takes
/// no caller, and a JSON body no cross-site form can send.
pub async fn api_csrf_guard(req: Request, next: Next) -> Result<Response, AppError> {
    match req.extensions().get::<CurrentSession>() {
        Some(CurrentSession(Some(_))) => csrf_guard(req, next).await,
        _ => Ok(next.run(req).await),
    }
}

/// A text field of a multipart form (an upload form puts its CSRF field first, so the
/// file parts after it are not read here).
async fn multipart_value(
    content_type: &str,
    body: &axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let chunk = Ok::<_, std::convert::Infallible>(body.clone());
    let mut form =
        multer::Multipart::new(futures_util::stream::once(async move { chunk }), boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

// ---------------------------------------------------------------- the signed-in user

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password (and second factor where enrolled) verified.
    Full,
    /// Password verified; the enrolled second factor is still to be entered.
    MfaPending,
    /// Signed in, but an institution requires MFA and the user has not enrolled yet.
    EnrolRequired,
}

/// Whoever the request is from, at any stage of sign-in.
#[derive(Debug, Clone)]
pub struct AnyAuth {
    /// The user as the use cases see it (`mamori_app::Caller`); `AnyAuth` dereferences to it.
    pub caller: Caller,
    pub session: Option<SessionRecord>,
    pub stage: Stage,
    pub meta: Meta,
}

impl std::ops::Deref for AnyAuth {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl AnyAuth {
    pub fn csrf(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default()
    }
}

/// A fully signed-in user: the extractor every protected handler takes.
#[derive(Debug, Clone)]
pub struct Auth(pub AnyAuth);

impl std::ops::Deref for Auth {
    type Target = AnyAuth;
    fn deref(&self) -> &AnyAuth {
        &self.0
    }
}

/// Institutions that require a second factor and where this user (who has none yet)
/// holds a role. Their roles are held back until the user enrols: an institution that
/// requires MFA locks its own scope, never the user's other institutions or vendors.
async fn mfa_locked(state: &AppState, p: &Principal, now: i64) -> AppResult<Vec<String>> {
    let ids = p.institution_ids(now);
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(state
        .store()
        .institutions_by_ids(&ids)
        .await?
        .into_iter()
        .filter(|i| i.mfa_required)
        .map(|i| i.id)
        .collect())
}

impl FromRequestParts<AppState> for AnyAuth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        if let Some(cached) = parts.extensions.get::<AnyAuth>() {
            return Ok(cached.clone());
        }
        let meta = Meta::from_request_parts(parts, state).await?;
        let now = now_ms();
        let (user_id, session, token_id) = if let Some(token) = bearer(&parts.headers) {
            let t = state
                .store()
                .token_by_hash(&sha256_hex(token))
                .await?
                .filter(|t| t.standing(now) == mamori_domain::grants::GrantStanding::Active)
                .ok_or(AppError::NotSignedIn)?;
            if t.last_used_at.is_none_or(|l| now - l > 60_000) {
                state.store().touch_token(&t.id, now).await?;
            }
            (t.user_id, None, Some(t.id))
        } else {
            match parts.extensions.get::<CurrentSession>() {
                Some(CurrentSession(Some(s))) => (s.user_id.clone(), Some(s.clone()), None),
                _ => {
                    let expired = parts
                        .extensions
                        .get::<SessionExpired>()
                        .is_some_and(|e| e.0);
                    return Err(if expired {
                        AppError::SessionExpired
                    } else {
                        AppError::NotSignedIn
                    });
                }
            }
        };
        let auth = state
            .store()
            .user_auth(&user_id)
            .await?
            .filter(|a| !a.user.disabled)
            .ok_or(AppError::NotSignedIn)?;
        let mut principal = state.store().principal(&user_id).await?;
        let mut mfa_blocked = vec![];
        let stage = match &session {
            Some(s) if auth.user.mfa_enabled && !s.mfa_verified => Stage::MfaPending,
            _ if auth.user.mfa_enabled => Stage::Full,
            // Platform administrators always need a second factor.
            _ if principal.platform_admin => Stage::EnrolRequired,
            _ => {
                let locked = mfa_locked(state, &principal, now).await?;
                let everything = !locked.is_empty()
                    && locked.len() == principal.institution_ids(now).len()
                    && principal.vendor_ids.is_empty();
                principal
                    .grants
                    .retain(|g| !locked.contains(&g.institution_id));
                mfa_blocked = locked;
                // Nothing is usable without the second factor: enrolment comes first.
                if everything {
                    Stage::EnrolRequired
                } else {
                    Stage::Full
                }
            }
        };
        let caller = Caller {
            user: auth.user,
            principal,
            now,
            mfa_blocked,
            token_id,
            session_id_hash: session.as_ref().map(|s| s.id_hash.clone()),
            request_id: Some(meta.request_id.clone()),
            client_addr: meta.client_addr.clone(),
        };
        let any = AnyAuth {
            caller,
            session,
            stage,
            meta,
        };
        parts.extensions.insert(any.clone());
        Ok(any)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for AnyAuth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Option<Self>> {
        match <AnyAuth as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(a) => Ok(Some(a)),
            Err(AppError::NotSignedIn | AppError::SessionExpired) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let any = AnyAuth::from_request_parts(parts, state).await?;
        match any.stage {
            Stage::Full => Ok(Auth(any)),
            Stage::MfaPending => Err(AppError::MfaPending),
            Stage::EnrolRequired => Err(AppError::EnrolRequired),
        }
    }
}

/// The second factor is proven: rotate the session's id and CSRF token (so that an id known
/// before this step is worthless) and set the new cookie. Returns the new CSRF token.
pub async fn complete_mfa(
    state: &AppState,
    auth: &AnyAuth,
    jar: CookieJar,
) -> AppResult<(CookieJar, String)> {
    let s = auth.session.as_ref().ok_or(AppError::NotSignedIn)?;
    let token = random_token(32);
    let csrf = random_token(24);
    state
        .store()
        .verify_session_mfa(&auth.actor(), &s.id_hash, &sha256_hex(&token), &csrf)
        .await?;
    Ok((
        jar.add(session_cookie(token, state.cfg().secure_cookies)),
        csrf,
    ))
}

// ---------------------------------------------------------------- cookies

pub fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

pub fn csrf_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((CSRF_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

pub fn lang_cookie(lang: Lang, secure: bool) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time_one_year())
        .build()
}

fn time_one_year() -> time::Duration {
    time::Duration::days(365)
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").build()
}
