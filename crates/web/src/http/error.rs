//! Errors of the web layer. A handler returns [`AppError`]; its response carries an
//! [`ErrorInfo`] extension, and the finishing layer of each router turns it into a Japanese
//! (or English) error page for the UI or a JSON error envelope for the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mamori_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("session expired")]
    SessionExpired,
    #[error("second factor required")]
    MfaPending,
    #[error("MFA enrolment required")]
    EnrolRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("duplicate: {0}")]
    Duplicate(&'static str),
    #[error("invalid {field}: {key}")]
    Invalid {
        field: &'static str,
        key: &'static str,
    },
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("{} items unmet", .0.len())]
    Unmet(Vec<mamori_app::UnmetItem>),
    #[error("too many attempts")]
    Throttled { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

/// What the finishing layer needs to render an error.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Stable machine code (`conflict`, `forbidden` …), also the JSON `code`.
    pub code: &'static str,
    /// Fluent key of the message.
    pub key: &'static str,
    pub field: Option<&'static str>,
    pub retry_after_secs: Option<u64>,
    /// What keeps a sheet from approval (the `Unmet` refusal only).
    pub items: Vec<mamori_app::UnmetItem>,
}

impl AppError {
    pub fn info(&self) -> ErrorInfo {
        let (status, code, key, field, retry) = match self {
            AppError::NotSignedIn => (
                StatusCode::UNAUTHORIZED,
                "not_signed_in",
                "error-not-signed-in",
                None,
                None,
            ),
            AppError::SessionExpired => (
                StatusCode::UNAUTHORIZED,
                "session_expired",
                "error-session-expired",
                None,
                None,
            ),
            AppError::MfaPending => (
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                "error-mfa-pending",
                None,
                None,
            ),
            AppError::EnrolRequired => (
                StatusCode::FORBIDDEN,
                "mfa_enrolment_required",
                "error-enrol-required",
                None,
                None,
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "error-forbidden",
                None,
                None,
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "error-not-found",
                None,
                None,
            ),
            AppError::Conflict(_) => (
                StatusCode::CONFLICT,
                "conflict",
                "error-conflict",
                None,
                None,
            ),
            AppError::Duplicate(_) => (
                StatusCode::CONFLICT,
                "duplicate",
                "error-duplicate",
                None,
                None,
            ),
            AppError::Invalid { field, key } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                *key,
                Some(*field),
                None,
            ),
            AppError::Unmet(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "error-cy-incomplete",
                Some("assessment"),
                None,
            ),
            AppError::BadRequest(key) => (StatusCode::BAD_REQUEST, "bad_request", *key, None, None),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "error-body-too-large",
                None,
                None,
            ),
            AppError::Csrf => (StatusCode::FORBIDDEN, "csrf", "error-csrf", None, None),
            AppError::Throttled { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "error-throttled",
                None,
                Some(*retry_after_secs),
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "error-internal",
                None,
                None,
            ),
        };
        ErrorInfo {
            status,
            code,
            key,
            field,
            retry_after_secs: retry,
            items: match self {
                AppError::Unmet(items) => items.clone(),
                _ => Vec::new(),
            },
        }
    }

    pub fn invalid(e: mamori_domain::validate::FieldError) -> Self {
        AppError::Invalid {
            field: e.field,
            key: e.key,
        }
    }
}

impl From<StoreError> for AppError {
    /// The application layer's reading of a store refusal (one mapping for both layers).
    fn from(e: StoreError) -> Self {
        AppError::from(mamori_app::Error::from(e))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let info = self.info();
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut res = (info.status, info.code).into_response();
        res.extensions_mut().insert(info);
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl From<mamori_app::Error> for AppError {
    fn from(e: mamori_app::Error) -> Self {
        use mamori_app::Error as E;
        match e {
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::EnrolRequired => AppError::EnrolRequired,
            E::Conflict(w) => AppError::Conflict(w),
            E::Duplicate(w) => AppError::Duplicate(w),
            E::Invalid { field, key } => AppError::Invalid { field, key },
            E::BadRequest(key) => AppError::BadRequest(key),
            E::Unmet(items) => AppError::Unmet(items),
            E::Throttled { retry_after_secs } => AppError::Throttled { retry_after_secs },
            E::Internal(detail) => AppError::Internal(detail),
        }
    }
}
