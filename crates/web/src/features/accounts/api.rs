//! JSON API under `/api/v1`: the same operations as the pages (through `service`), the same
//! policy and the same audit. Authenticate with a personal API token
//! (`Authorization: Bearer mamori_…`) or a browser session plus the `X-CSRF-Token` header.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::{self, Auth};
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_app::access::*;
use mamori_app::accounts::*;
use mamori_domain::audit::AuditRecord;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::{Institution, InstitutionKind, Role, Vendor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct InstitutionView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub prefecture: String,
    pub beds: i64,
    pub mfa_required: bool,
    pub version: i64,
}

impl From<Institution> for InstitutionView {
    fn from(i: Institution) -> Self {
        InstitutionView {
            id: i.id,
            code: i.code,
            name: i.name,
            kind: i.kind,
            prefecture: i.prefecture,
            beds: i.beds,
            mfa_required: i.mfa_required,
            version: i.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyInstitution {
    pub code: String,
    pub name: String,
    pub roles: Vec<Role>,
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub institutions: Vec<MyInstitution>,
    pub vendor_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VendorView {
    pub id: String,
    pub name: String,
}

impl From<Vendor> for VendorView {
    fn from(v: Vendor) -> Self {
        VendorView {
            id: v.id,
            name: v.name,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: String,
    pub chain: String,
    pub seq: i64,
    pub occurred_at: i64,
    pub actor_user_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    /// What changed (JSON).
    pub changes: serde_json::Value,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    pub hash: String,
    /// The event in a sentence in the caller's language, with the record's name and page.
    pub description: Option<mamori_app::audit_log::Described>,
}

impl From<AuditRecord> for AuditEventView {
    fn from(e: AuditRecord) -> Self {
        AuditEventView {
            changes: serde_json::from_str(&e.changes).unwrap_or(serde_json::Value::Null),
            id: e.id,
            chain: e.chain,
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor_user_id: e.actor_user_id,
            actor_label: e.actor_label,
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id,
            request_id: e.request_id,
            client_addr: e.client_addr,
            hash: e.hash,
            description: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct RoleInput {
    /// Unix ms; required for the inspector role.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct VendorInput {
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CodeInput {
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct MfaSetup {
    pub secret: String,
    pub otpauth_uri: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignedOut {
    pub sessions: u64,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    pub page: Option<i64>,
}

const PAGE: i64 = 100;

#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, auth: Auth) -> AppResult<Json<MeView>> {
    let insts = my_institutions(state.store(), &auth).await?;
    Ok(Json(MeView {
        user: UserView::from(&auth.user),
        institutions: insts
            .into_iter()
            .map(|i| MyInstitution {
                roles: auth.principal.roles_in(&i.id, auth.now),
                code: i.code,
                name: i.name,
            })
            .collect(),
        vendor_ids: auth.principal.vendor_ids.clone(),
    }))
}

#[utoipa::path(patch, path = "/me", tag = "account", request_body = ProfileInput,
    responses((status = 200, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ProfileInput>,
) -> AppResult<Json<UserView>> {
    let u = mamori_app::accounts::update_profile(state.store(), &auth, input).await?;
    Ok(Json(UserView::from(&u)))
}

#[utoipa::path(post, path = "/me/password", tag = "account", request_body = PasswordInput,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn password(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<PasswordInput>,
) -> AppResult<StatusCode> {
    mamori_app::accounts::change_password(&state, &auth, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/me/mfa/setup", tag = "account",
    responses((status = 200, body = MfaSetup)))]
pub async fn mfa_setup(auth: Auth) -> AppResult<Json<MfaSetup>> {
    mamori_app::access::interactive(&auth)?;
    if auth.user.mfa_enabled {
        return Err(AppError::BadRequest("error-mfa-already-enabled"));
    }
    let secret = auth::totp::new_secret();
    let otpauth_uri = auth::totp::uri(&secret, &auth.user.email).unwrap_or_default();
    Ok(Json(MfaSetup {
        secret,
        otpauth_uri,
    }))
}

#[utoipa::path(post, path = "/me/mfa", tag = "account", request_body = MfaEnableInput,
    responses((status = 200, body = RecoveryCodes), (status = 422, body = ErrorBody)))]
pub async fn mfa_enable(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<MfaEnableInput>,
) -> AppResult<Json<RecoveryCodes>> {
    let recovery_codes = mamori_app::accounts::enable_mfa(state.store(), &auth, input).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

#[utoipa::path(delete, path = "/me/mfa", tag = "account", request_body = CodeInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn mfa_disable(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<CodeInput>,
) -> AppResult<StatusCode> {
    mamori_app::accounts::disable_mfa(&state, &auth, &input.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/me/sign-out-everywhere", tag = "account",
    responses((status = 200, body = SignedOut)))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<SignedOut>> {
    mamori_app::access::interactive(&auth)?;
    let sessions = state
        .store()
        .delete_user_sessions(&auth.actor(), &auth.user.id)
        .await?;
    Ok(Json(SignedOut { sessions }))
}

#[utoipa::path(get, path = "/me/tokens", tag = "account",
    responses((status = 200, body = Vec<ApiTokenView>)))]
pub async fn tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<ApiTokenView>>> {
    Ok(Json(
        state
            .store()
            .tokens(&auth.user.id)
            .await?
            .iter()
            .map(ApiTokenView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/me/tokens", tag = "account", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<TokenInput>,
) -> AppResult<(StatusCode, Json<CreatedToken>)> {
    mamori_app::access::interactive(&auth)?;
    let t = mamori_app::accounts::create_token(state.store(), &auth.actor(), &auth.user.id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "account",
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    mamori_app::access::interactive(&auth)?;
    state
        .store()
        .revoke_token(&auth.actor(), &auth.user.id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/institutions", tag = "institutions", params(PageQuery),
    responses((status = 200, body = Page<InstitutionView>)))]
pub async fn institutions(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<Page<InstitutionView>>> {
    if auth.principal.platform_admin {
        let page = q.page.unwrap_or(1).clamp(1, MAX_PAGE);
        let (list, total) = state
            .store()
            .list_institutions((page - 1) * PAGE, PAGE)
            .await?;
        return Ok(Json(Page {
            items: list.into_iter().map(Into::into).collect(),
            total,
        }));
    }
    let list = my_institutions(state.store(), &auth).await?;
    let total = list.len() as i64;
    Ok(Json(Page {
        items: list.into_iter().map(Into::into).collect(),
        total,
    }))
}

#[utoipa::path(post, path = "/institutions", tag = "institutions", request_body = NewInstitutionInput,
    responses((status = 201, body = InstitutionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_institution(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<NewInstitutionInput>,
) -> AppResult<(StatusCode, Json<InstitutionView>)> {
    let i = mamori_app::accounts::create_institution(state.store(), &auth, input).await?;
    Ok((StatusCode::CREATED, Json(i.into())))
}

#[utoipa::path(get, path = "/institutions/{code}", tag = "institutions",
    params(("code" = String, Path, description = "医療機関コード")),
    responses((status = 200, body = InstitutionView), (status = 404, body = ErrorBody)))]
pub async fn institution(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<InstitutionView>> {
    let i = institution_for(state.store(), &auth, &code, Action::ViewDashboard).await?;
    Ok(Json(i.into()))
}

#[utoipa::path(patch, path = "/institutions/{code}", tag = "institutions", request_body = SettingsInput,
    params(("code" = String, Path)),
    responses((status = 200, body = InstitutionView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_institution(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<SettingsInput>,
) -> AppResult<Json<InstitutionView>> {
    let inst = institution_for(state.store(), &auth, &code, Action::ManageSettings).await?;
    Ok(Json(
        mamori_app::accounts::update_settings(state.store(), &auth, &inst, input)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/institutions/{code}/members", tag = "members",
    params(("code" = String, Path)), responses((status = 200, body = Vec<MemberView>)))]
pub async fn members(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<MemberView>>> {
    let inst = institution_for(state.store(), &auth, &code, Action::ViewMembers).await?;
    Ok(Json(
        state
            .store()
            .members(&inst.id)
            .await?
            .iter()
            .map(MemberView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/institutions/{code}/members", tag = "members", request_body = AddMemberInput,
    params(("code" = String, Path)), responses((status = 201, body = AddedMember), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<AddMemberInput>,
) -> AppResult<(StatusCode, Json<AddedMember>)> {
    let inst = institution_for(state.store(), &auth, &code, Action::ManageMembers).await?;
    Ok((
        StatusCode::CREATED,
        Json(mamori_app::accounts::add_member(state.store(), &auth, &inst, input).await?),
    ))
}

fn parse_role(role: &str) -> AppResult<Role> {
    role.parse().map_err(|_| AppError::NotFound)
}

#[utoipa::path(put, path = "/institutions/{code}/members/{user_id}/roles/{role}", tag = "members",
    request_body = RoleInput, params(("code" = String, Path), ("user_id" = String, Path), ("role" = Role, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant_role(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, user_id, role)): Path<(String, String, String)>,
    ApiJson(input): ApiJson<RoleInput>,
) -> AppResult<StatusCode> {
    let inst = institution_for(state.store(), &auth, &code, Action::ManageMembers).await?;
    mamori_app::accounts::grant_role(
        state.store(),
        &auth,
        &inst,
        &user_id,
        parse_role(&role)?,
        input.expires_at,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/institutions/{code}/members/{user_id}/roles/{role}", tag = "members",
    params(("code" = String, Path), ("user_id" = String, Path), ("role" = Role, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke_role(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, user_id, role)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let inst = institution_for(state.store(), &auth, &code, Action::ManageMembers).await?;
    mamori_app::accounts::revoke_role(state.store(), &auth, &inst, &user_id, parse_role(&role)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/institutions/{code}/audit", tag = "audit",
    params(("code" = String, Path), AuditQuery), responses((status = 200, body = Vec<AuditEventView>)))]
pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<Vec<AuditEventView>>> {
    let inst = institution_for(state.store(), &auth, &code, Action::ViewAudit).await?;
    let events = audit_events(state.store(), &inst, &q).await?;
    let tr = crate::i18n::Tr::new(auth.meta.lang);
    let described = mamori_app::audit_log::describe(&state, &tr, &events).await?;
    Ok(Json(
        events
            .into_iter()
            .zip(described)
            .map(|(e, d)| AuditEventView {
                description: Some(d),
                ..e.into()
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/institutions/{code}/audit.csv", tag = "audit",
    params(("code" = String, Path), AuditQuery), responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn audit_csv(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let inst = institution_for(state.store(), &auth, &code, Action::ExportAudit).await?;
    let bytes = mamori_app::audit_log::audit_csv(&state, &auth, &inst, &q, auth.meta.lang).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        bytes,
    )
        .into_response())
}

#[utoipa::path(get, path = "/vendors", tag = "vendors", responses((status = 200, body = Vec<VendorView>)))]
pub async fn vendors(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<VendorView>>> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    Ok(Json(
        state
            .store()
            .list_vendors()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/vendors", tag = "vendors", request_body = VendorInput,
    responses((status = 201, body = VendorView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_vendor(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<VendorInput>,
) -> AppResult<(StatusCode, Json<VendorView>)> {
    let v = mamori_app::accounts::create_vendor(state.store(), &auth, &input.name).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}
