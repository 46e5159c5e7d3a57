//! The JSON API's plumbing: a JSON extractor whose refusals are the error envelope, the
//! envelope itself, and the OpenAPI document's frame (info, bearer security, the standard
//! refusals added to every operation).

use crate::http::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use mamori_domain::{InstitutionKind, Role};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// `Json` whose rejections (syntax, wrong fields, wrong content type, too large) become the
/// API's error envelope.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(match rej {
                _ if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
                JsonRejection::JsonDataError(_) => AppError::BadRequest("error-json-data"),
                JsonRejection::MissingJsonContentType(_) => {
                    AppError::BadRequest("error-json-content-type")
                }
                _ => AppError::BadRequest("error-json-syntax"),
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: not_signed_in, forbidden, not_found, conflict, invalid, csrf, throttled …
    pub code: String,
    /// Human-readable message (Japanese unless the request asks for English).
    pub message: String,
    pub field: Option<String>,
    pub request_id: Option<String>,
    /// What keeps a sheet from approval, item by item (only on that refusal).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<UnmetView>)]
    pub items: Vec<UnmetView>,
}

impl ErrorBody {
    /// 422 for an uploaded file that cannot be read: `message` says why (nothing stored).
    pub fn file_refused(message: String, request_id: &str) -> axum::response::Response {
        use axum::response::IntoResponse;
        let body = ErrorBody {
            error: ErrorDetail {
                code: "invalid".into(),
                message,
                field: Some("file".into()),
                request_id: Some(request_id.to_string()),
                items: Vec::new(),
            },
        };
        (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(body),
        )
            .into_response()
    }
}

/// One item slot that keeps a sheet from approval.
#[derive(Serialize, ToSchema)]
pub struct UnmetView {
    pub item_id: String,
    /// The item number as printed (`2-(3)`).
    pub number: String,
    /// `all`, `server`, `terminal`, `network`
    pub slot: String,
    /// Why, in the request's language.
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "mamori API", version = "1", description = "医療情報システム安全管理ワークベンチ mamori の JSON API。Authenticate with `Authorization: Bearer <personal API token>`."),
    components(schemas(ErrorBody, ErrorDetail, Role, InstitutionKind,
        mamori_domain::vendor_members::VendorRole, mamori_domain::vendor_members::MembershipStatus)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The refusals every operation can give, documented once for all: the error envelope
/// with 400 (malformed request), 401 (no valid token or session), 403 (not permitted, CSRF,
/// second factor to enrol), 404 (nothing there, or nothing the caller may know of), 413
/// (body too large), 415 (not JSON), 422 (invalid field, control characters) and 429
/// (throttled). An operation's own entries are kept.
pub struct StandardErrors;
impl utoipa::Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        const STANDARD: [(&str, &str); 8] = [
            (
                "400",
                "The request could not be read (malformed JSON, wrong fields).",
            ),
            ("401", "Not signed in: no valid API token or session."),
            (
                "403",
                "Not permitted, CSRF token missing, or a second factor to enrol.",
            ),
            ("404", "Not found, or not visible to the caller."),
            ("413", "The request body is too large."),
            ("415", "The body is not JSON."),
            ("422", "A field is invalid (or holds control characters)."),
            ("429", "Too many attempts: wait as `Retry-After` says."),
        ];
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                for (code, what) in STANDARD {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(what)
                                    .content(
                                        "application/json",
                                        ContentBuilder::new()
                                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                                            .build(),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// The API's OpenAPI document, assembled from the operations the features register (see
/// `routes`): no list of paths is kept by hand.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::http::routes::openapi().clone())
}
