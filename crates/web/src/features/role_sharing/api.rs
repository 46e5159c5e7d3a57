//! `/api/v1` for contracts and role-sharing checklists: the same service, policy and audit
//! as the pages.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mamori_app::access::institution_for;
use mamori_app::contracts::ContractInput;
use mamori_app::role_sharing::{self as rsw, Matrix, StepInput};
use mamori_app::systems::{LinkInput, SystemInput};
use mamori_domain::policy::{Action, Scope};
use mamori_store::{Contract, RoleSharingItem};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ContractView {
    pub id: String,
    pub institution_code: String,
    pub institution_name: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub title: String,
    /// `introduction`, `maintenance`, `cloud`, `external_storage`, `other`
    pub kind: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// The role-sharing catalog version its checklist follows.
    pub catalog_id: String,
    pub system_ids: Vec<String>,
}

impl From<Contract> for ContractView {
    fn from(c: Contract) -> Self {
        ContractView {
            id: c.id,
            institution_code: c.institution_code,
            institution_name: c.institution_name,
            vendor_id: c.vendor_id,
            vendor_name: c.vendor_name,
            title: c.title,
            kind: c.kind.as_str().to_string(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            catalog_id: c.catalog_id,
            system_ids: c.system_ids,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ItemView {
    pub item_id: String,
    /// The number as printed (`Part2 A11`).
    pub number: String,
    pub text: String,
    /// Part 2 items are agreed by both parties; Part 1 items are the institution's.
    pub part2: bool,
    /// `unconfirmed`, `negotiating`, `agreed`.
    pub state: String,
    /// `institution` or `vendor`.
    pub proposed_by: Option<String>,
    /// Send this back with the next step (0: never answered).
    pub version: i64,
    pub responsibility: Option<String>,
    pub other_vendor_id: Option<String>,
    pub na_reason: String,
    pub agreed_content: String,
    pub written_in: String,
    pub first_check: Option<String>,
    pub first_checked_on: Option<String>,
    pub completed_on: Option<String>,
    pub remarks: String,
}

fn item_view(item: &mamori_catalog::Item, row: Option<&RoleSharingItem>) -> ItemView {
    let r = row.cloned().unwrap_or_default();
    ItemView {
        item_id: item.id.clone(),
        number: item.number.clone(),
        text: item.text.clone(),
        part2: rsw::is_part2(item),
        // An item never answered is unconfirmed (the row's default).
        state: r.state.to_string(),
        proposed_by: r.proposed_by.map(|p| p.to_string()),
        version: r.version,
        responsibility: r.responsibility.map(|x| x.to_string()),
        other_vendor_id: r.other_vendor_id,
        na_reason: r.na_reason,
        agreed_content: r.agreed_content,
        written_in: r.written_in,
        first_check: r.first_check.map(|c| c.to_string()),
        first_checked_on: r.first_checked_on,
        completed_on: r.completed_on,
        remarks: r.remarks,
    }
}

#[utoipa::path(get, path = "/institutions/{code}/contracts", tag = "role-sharing",
    params(("code" = String, Path)), responses((status = 200, body = Vec<ContractView>)))]
pub async fn contracts(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<ContractView>>> {
    let inst = institution_for(state.store(), &auth, &code, Action::ViewContracts).await?;
    Ok(Json(
        state
            .store()
            .contracts(&inst.id)
            .await?
            .into_iter()
            .map(ContractView::from)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/vendor/contracts", tag = "role-sharing",
    responses((status = 200, body = Vec<ContractView>)))]
pub async fn vendor_contracts(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<ContractView>>> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    Ok(Json(
        state
            .store()
            .vendor_contracts(&auth.principal.vendor_ids)
            .await?
            .into_iter()
            .map(ContractView::from)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/contracts/{id}/items", tag = "role-sharing",
    params(("id" = String, Path)), responses((status = 200, body = Vec<ItemView>)))]
pub async fn items(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ItemView>>> {
    let (c, _) = rsw::contract_for(state.store(), &auth, &id, Action::ViewContracts).await?;
    let (catalogs, catalog_id) = rsw::catalog_of(&state, &c)?;
    let rows = state.store().role_sharing_items(&c.id).await?;
    Ok(Json(
        catalogs.catalogs[&catalog_id]
            .items
            .iter()
            .filter(|i| rsw::answerable(i))
            .map(|i| item_view(i, rows.iter().find(|r| r.item_id == i.id)))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/contracts/{id}/items/{item}", tag = "role-sharing",
    request_body = StepInput, params(("id" = String, Path), ("item" = String, Path)),
    responses((status = 200, body = ItemView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<StepInput>,
) -> AppResult<Json<ItemView>> {
    let (c, party) =
        rsw::contract_for(state.store(), &auth, &id, Action::AnswerRoleSharing).await?;
    let saved = rsw::apply_step(&state, &auth, &c, party, &item_id, &input).await?;
    let (catalogs, catalog_id) = rsw::catalog_of(&state, &c)?;
    let item = catalogs.catalogs[&catalog_id]
        .item(&item_id)
        .ok_or(crate::http::error::AppError::NotFound)?;
    Ok(Json(item_view(item, Some(&saved))))
}

#[utoipa::path(get, path = "/institutions/{code}/role-sharing-matrix", tag = "role-sharing",
    params(("code" = String, Path)), responses((status = 200, body = Matrix)))]
pub async fn matrix(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Matrix>> {
    let inst = institution_for(state.store(), &auth, &code, Action::ViewContracts).await?;
    Ok(Json(rsw::matrix(&state, &inst).await?))
}

#[derive(Serialize, ToSchema)]
pub struct SystemView {
    pub id: String,
    pub name: String,
    /// `ehr`, `receipt`, `pacs`, `departmental`, `other`
    pub category: String,
    /// `on_premise`, `cloud`, `hybrid`
    pub hosting: String,
    pub holds_medical_info: bool,
    pub note: String,
    pub version: i64,
}

impl From<mamori_store::System> for SystemView {
    fn from(s: mamori_store::System) -> Self {
        SystemView {
            id: s.id,
            name: s.name,
            category: s.category.as_str().to_string(),
            hosting: s.hosting.as_str().to_string(),
            holds_medical_info: s.holds_medical_info,
            note: s.note,
            version: s.version,
        }
    }
}

/// The institution's systems.
#[utoipa::path(get, path = "/institutions/{code}/systems", tag = "role-sharing",
    params(("code" = String, Path)), responses((status = 200, body = Vec<SystemView>)))]
pub async fn systems(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<SystemView>>> {
    let list = mamori_app::systems::list(&state, &auth, &code).await?;
    Ok(Json(list.into_iter().map(SystemView::from).collect()))
}

/// Add a system (security officer or planning manager). A name used already is refused (422).
#[utoipa::path(post, path = "/institutions/{code}/systems", tag = "role-sharing",
    params(("code" = String, Path)), request_body = SystemInput,
    responses((status = 201, body = SystemView), (status = 422, body = ErrorBody)))]
pub async fn add_system(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<SystemInput>,
) -> AppResult<(StatusCode, Json<SystemView>)> {
    let s = mamori_app::systems::add(&state, &auth, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Record that two of the institution's systems connect (the matrix then checks that their
/// vendors coordinate).
#[utoipa::path(post, path = "/institutions/{code}/systems/links", tag = "role-sharing",
    params(("code" = String, Path)), request_body = LinkInput,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn link_systems(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<LinkInput>,
) -> AppResult<StatusCode> {
    mamori_app::systems::link(&state, &auth, &code, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make a contract with a vendor (security officer or planning manager); its checklist
/// follows the latest role-sharing catalog version. The same rules as the page: 422 names
/// the field.
#[utoipa::path(post, path = "/institutions/{code}/contracts", tag = "role-sharing",
    params(("code" = String, Path)), request_body = ContractInput,
    responses((status = 201, body = ContractView), (status = 422, body = ErrorBody)))]
pub async fn create_contract(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<ContractInput>,
) -> AppResult<(StatusCode, Json<ContractView>)> {
    let c = mamori_app::contracts::create(&state, &auth, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}
