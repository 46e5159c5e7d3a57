//! A vendor organisation's members (PRODUCT.md, "Who may grant what"): the vendor's own
//! administrators (or a platform administrator) confirm the memberships that institutions'
//! invitations ask for, add new accounts, promote and remove members. No institution role
//! reaches these pages; the page and the API call the same functions.

use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{page_status, render, see_other, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use mamori_app::accounts::{AddedMember, UserView};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::vendor_members::{MembershipStatus, VendorRole};
use mamori_domain::{validate, Vendor};
use mamori_store::{Store, VendorMember};
use serde::{Deserialize, Serialize};

/// Resolve a vendor the user may administer. Someone who is not its member learns nothing
/// (404); a member who is not its administrator is refused (403).
pub async fn vendor_for(store: &dyn Store, auth: &Auth, vendor_id: &str) -> AppResult<Vendor> {
    let vendor = store
        .list_vendors()
        .await?
        .into_iter()
        .find(|v| v.id == vendor_id)
        .ok_or(AppError::NotFound)?;
    if mamori_app::access::may(auth, Action::ManageVendorMembers, Scope::Vendor(&vendor.id)) {
        return Ok(vendor);
    }
    Err(if auth.principal.vendor_ids.contains(&vendor.id) {
        AppError::Forbidden
    } else {
        AppError::NotFound
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorMemberView {
    pub user: UserView,
    pub role: VendorRole,
    pub status: MembershipStatus,
    /// The 医療機関コード of the institution whose invitation asked for the membership.
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    pub created_at: i64,
}

impl From<&VendorMember> for VendorMemberView {
    fn from(m: &VendorMember) -> Self {
        VendorMemberView {
            user: UserView::from(&m.user),
            role: m.role,
            status: m.status,
            requested_by: m.requested_by_institution.clone(),
            requested_by_name: m.requested_by_name.clone(),
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AddVendorMemberInput {
    pub email: String,
    pub display_name: String,
    pub role: VendorRole,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VendorMemberInput {
    pub role: VendorRole,
    pub status: MembershipStatus,
}

/// Add a person to the vendor. A new account is created with a one-time initial password;
/// an existing account (which may hold roles elsewhere) is linked only by a platform
/// administrator: a vendor's administrator cannot pull in somebody else's account.
pub async fn add(
    store: &dyn Store,
    auth: &Auth,
    vendor: &Vendor,
    input: AddVendorMemberInput,
) -> AppResult<AddedMember> {
    let email = validate::email(&input.email).map_err(AppError::invalid)?;
    let name = validate::name("display_name", &input.display_name).map_err(AppError::invalid)?;
    let actor = auth.actor();
    let (user, initial_password) = match store.user_auth_by_email(&email).await? {
        Some(_) if !auth.principal.platform_admin => {
            return Err(AppError::Invalid {
                field: "email",
                key: "error-vendor-account-exists",
            })
        }
        Some(existing) => (existing.user, None),
        None => {
            let (user, pw) =
                mamori_app::accounts::create_account(store, &actor, email, name).await?;
            (user, Some(pw))
        }
    };
    if store
        .vendor_members(&vendor.id)
        .await?
        .iter()
        .any(|m| m.user.id == user.id)
    {
        return Err(AppError::Invalid {
            field: "email",
            key: "error-vendor-already-member",
        });
    }
    store
        .change_vendor_member(
            &actor,
            &vendor.id,
            &user.id,
            Some((input.role, MembershipStatus::Active)),
            auth.principal.platform_admin,
        )
        .await?;
    Ok(AddedMember {
        user: UserView::from(&user),
        initial_password,
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorMemberChanged {
    /// Set when a pending membership was confirmed: the person's new one-time password,
    /// shown once, to hand over in person. The password set from the invitation link (which
    /// the inviting institution may have seen) no longer works; sessions, tokens and any
    /// second factor of the account were removed.
    pub initial_password: Option<String>,
}

/// Set an existing membership's role and status. Confirming a pending one (status active)
/// replaces the account's credentials: see [`VendorMemberChanged`].
pub async fn change(
    store: &dyn Store,
    auth: &Auth,
    vendor: &Vendor,
    user_id: &str,
    input: VendorMemberInput,
) -> AppResult<VendorMemberChanged> {
    let current = store
        .vendor_members(&vendor.id)
        .await?
        .into_iter()
        .find(|m| m.user.id == user_id)
        .ok_or(AppError::NotFound)?;
    let actor = auth.actor();
    let admin = auth.principal.platform_admin;
    if current.status == MembershipStatus::Pending && input.status == MembershipStatus::Active {
        let pw = mamori_app::accounts::initial_password();
        let hash = crate::http::auth::hash_password_blocking(pw.clone()).await?;
        store
            .confirm_vendor_member(&actor, &vendor.id, user_id, input.role, &hash, admin)
            .await?;
        return Ok(VendorMemberChanged {
            initial_password: Some(pw),
        });
    }
    let change = Some((input.role, input.status));
    store
        .change_vendor_member(&actor, &vendor.id, user_id, change, admin)
        .await?;
    Ok(VendorMemberChanged {
        initial_password: None,
    })
}

/// Remove a membership (or turn down a pending one).
pub async fn remove(
    store: &dyn Store,
    auth: &Auth,
    vendor: &Vendor,
    user_id: &str,
) -> AppResult<()> {
    Ok(store
        .change_vendor_member(
            &auth.actor(),
            &vendor.id,
            user_id,
            None,
            auth.principal.platform_admin,
        )
        .await?)
}

// ------------------------------------------------------------------ JSON API

#[utoipa::path(get, path = "/vendors/{vendor_id}/members", tag = "vendors",
    params(("vendor_id" = String, Path)),
    responses((status = 200, body = Vec<VendorMemberView>), (status = 403, body = crate::http::api::ErrorBody), (status = 404, body = crate::http::api::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
    Path(vendor_id): Path<String>,
) -> AppResult<Json<Vec<VendorMemberView>>> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    let members = state.store().vendor_members(&vendor.id).await?;
    Ok(Json(members.iter().map(VendorMemberView::from).collect()))
}

#[utoipa::path(post, path = "/vendors/{vendor_id}/members", tag = "vendors",
    request_body = AddVendorMemberInput, params(("vendor_id" = String, Path)),
    responses((status = 201, body = AddedMember), (status = 403, body = crate::http::api::ErrorBody),
        (status = 404, body = crate::http::api::ErrorBody), (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn api_add(
    State(state): State<AppState>,
    auth: Auth,
    Path(vendor_id): Path<String>,
    crate::http::api::ApiJson(input): crate::http::api::ApiJson<AddVendorMemberInput>,
) -> AppResult<(StatusCode, Json<AddedMember>)> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    let added = add(state.store(), &auth, &vendor, input).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

#[utoipa::path(put, path = "/vendors/{vendor_id}/members/{user_id}", tag = "vendors",
    request_body = VendorMemberInput, params(("vendor_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = VendorMemberChanged), (status = 403, body = crate::http::api::ErrorBody),
        (status = 404, body = crate::http::api::ErrorBody), (status = 409, body = crate::http::api::ErrorBody),
        (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn api_change(
    State(state): State<AppState>,
    auth: Auth,
    Path((vendor_id, user_id)): Path<(String, String)>,
    crate::http::api::ApiJson(input): crate::http::api::ApiJson<VendorMemberInput>,
) -> AppResult<Json<VendorMemberChanged>> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    Ok(Json(
        change(state.store(), &auth, &vendor, &user_id, input).await?,
    ))
}

#[utoipa::path(delete, path = "/vendors/{vendor_id}/members/{user_id}", tag = "vendors",
    params(("vendor_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = crate::http::api::ErrorBody),
        (status = 404, body = crate::http::api::ErrorBody), (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn api_remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((vendor_id, user_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    remove(state.store(), &auth, &vendor, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ pages

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub mfa: bool,
    pub admin: bool,
    pub requested_by: String,
    pub since: String,
    pub is_self: bool,
}

#[derive(Template)]
#[template(path = "vendors/vendor_members.html")]
struct VendorMembersPage {
    page: PageCtx,
    vendor_id: String,
    vendor_name: String,
    active: Vec<MemberRow>,
    pending: Vec<MemberRow>,
    error: Option<String>,
    created_email: String,
    initial_password: Option<String>,
    form_email: String,
    form_name: String,
    form_admin: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    pub role: String,
}

fn row(m: &VendorMember, me: &str) -> MemberRow {
    MemberRow {
        id: m.user.id.clone(),
        name: m.user.display_name.clone(),
        email: m.user.email.clone(),
        mfa: m.user.mfa_enabled,
        admin: m.role == VendorRole::Admin,
        requested_by: m.requested_by_name.clone().unwrap_or_default(),
        since: mamori_domain::time::timestamp_jst(m.created_at)
            .chars()
            .take(10)
            .collect(),
        is_self: m.user.id == me,
    }
}

async fn view(
    state: &AppState,
    auth: &Auth,
    vendor: &Vendor,
    form: AddForm,
    error: Option<String>,
    created: Option<(String, String)>,
    flash: &Flash,
) -> AppResult<Response> {
    let path = format!("/vendors/{}/members", vendor.id);
    let page = PageCtx::signed_in(state, auth, "vendor-members", None, &path)
        .await?
        .with_flash(flash);
    let members = state.store().vendor_members(&vendor.id).await?;
    let (pending, active): (Vec<_>, Vec<_>) = members
        .iter()
        .partition(|m| m.status == MembershipStatus::Pending);
    let me = auth.user.id.as_str();
    let (initial_password, created_email) = created.map(|(e, p)| (Some(p), e)).unwrap_or_default();
    let body = render(&VendorMembersPage {
        page,
        vendor_id: vendor.id.clone(),
        vendor_name: vendor.name.clone(),
        active: active.into_iter().map(|m| row(m, me)).collect(),
        pending: pending.into_iter().map(|m| row(m, me)).collect(),
        error: error.clone(),
        created_email,
        initial_password,
        form_admin: form.role == "admin",
        form_email: form.email,
        form_name: form.display_name,
    })?;
    Ok((page_status(error.is_some()), body).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path(vendor_id): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    view(
        &state,
        &auth,
        &vendor,
        AddForm::default(),
        None,
        None,
        &flash,
    )
    .await
}

fn parse_role(s: &str) -> AppResult<VendorRole> {
    s.parse().map_err(|_| AppError::Invalid {
        field: "role",
        key: "error-vendor-role",
    })
}

pub async fn add_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(vendor_id): Path<String>,
    Form(form): Form<AddForm>,
) -> AppResult<Response> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    let tr = Tr::new(auth.meta.lang);
    let result = match parse_role(if form.role.is_empty() {
        "member"
    } else {
        &form.role
    }) {
        Ok(role) => {
            let input = AddVendorMemberInput {
                email: form.email.clone(),
                display_name: form.display_name.clone(),
                role,
            };
            add(state.store(), &auth, &vendor, input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(added) => {
            let created = added
                .initial_password
                .map(|p| (added.user.email.clone(), p));
            let flash = Flash {
                ok: Some("flash-vendor-member-added".into()),
                err: None,
            };
            view(
                &state,
                &auth,
                &vendor,
                AddForm::default(),
                None,
                created,
                &flash,
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Duplicate(_))) => {
            let msg = tr.t(e.info().key);
            view(
                &state,
                &auth,
                &vendor,
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

/// After a change: back to the page with its message, or the refusal named.
fn back(vendor_id: &str, r: AppResult<()>, ok: &str) -> AppResult<Response> {
    match r {
        Ok(()) => Ok(see_other(&format!("/vendors/{vendor_id}/members?ok={ok}"))),
        Err(AppError::Invalid { key, .. }) => Ok(see_other(&format!(
            "/vendors/{vendor_id}/members?err={key}"
        ))),
        Err(e) => Err(e),
    }
}

/// Confirm a pending request: the page shows the person's new one-time password once.
pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path((vendor_id, user_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    let member = state
        .store()
        .vendor_members(&vendor.id)
        .await?
        .into_iter()
        .find(|m| m.user.id == user_id)
        .ok_or(AppError::NotFound)?;
    if member.status != MembershipStatus::Pending {
        return Ok(see_other(&format!(
            "/vendors/{}/members?err=error-vendor-not-pending",
            vendor.id
        )));
    }
    let input = VendorMemberInput {
        role: VendorRole::Member,
        status: MembershipStatus::Active,
    };
    match change(state.store(), &auth, &vendor, &user_id, input).await {
        Ok(changed) => {
            let created = changed
                .initial_password
                .map(|p| (member.user.email.clone(), p));
            let flash = Flash {
                ok: Some("flash-vendor-member-confirmed".into()),
                err: None,
            };
            view(
                &state,
                &auth,
                &vendor,
                AddForm::default(),
                None,
                created,
                &flash,
            )
            .await
        }
        Err(e) => back(&vendor.id, Err(e), ""),
    }
}

pub async fn set_role(
    State(state): State<AppState>,
    auth: Auth,
    Path((vendor_id, user_id)): Path<(String, String)>,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    let role = parse_role(&form.role)?;
    let status = state
        .store()
        .vendor_members(&vendor.id)
        .await?
        .into_iter()
        .find(|m| m.user.id == user_id)
        .map(|m| m.status)
        .ok_or(AppError::NotFound)?;
    let r = change(
        state.store(),
        &auth,
        &vendor,
        &user_id,
        VendorMemberInput { role, status },
    )
    .await
    .map(|_| ());
    back(&vendor.id, r, "flash-vendor-member-changed")
}

pub async fn remove_page(
    State(state): State<AppState>,
    auth: Auth,
    Path((vendor_id, user_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let vendor = vendor_for(state.store(), &auth, &vendor_id).await?;
    let r = remove(state.store(), &auth, &vendor, &user_id).await;
    back(&vendor.id, r, "flash-vendor-member-removed")
}
