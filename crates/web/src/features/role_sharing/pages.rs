//! Systems and their links, the contracts list and a new contract, and the vendor portal.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::role_sharing as rsw;
use mamori_domain::codes::{ContractKind, Hosting, SystemCategory, VendorSheetStanding};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::role_sharing::ItemState;
use mamori_domain::Institution;
use mamori_store::{Contract, RoleSharingItem};
use serde::Deserialize;

pub(crate) fn label(tr: &Tr, prefix: &str, value: &str) -> String {
    tr.t(&format!("{prefix}-{}", value.replace('_', "-")))
}

// ------------------------------------------------------------------ systems

pub struct SystemRow {
    pub name: String,
    pub category: String,
    pub hosting: String,
    pub medical: bool,
    pub connects: String,
    pub contracts: String,
}

#[derive(Template)]
#[template(path = "role_sharing/systems.html")]
pub(crate) struct SystemsPage {
    page: PageCtx,
    code: String,
    rows: Vec<SystemRow>,
    can_manage: bool,
    error: Option<String>,
    form: SystemForm,
    categories: Vec<(String, String)>,
    hostings: Vec<(String, String)>,
    systems: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SystemForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub hosting: String,
    #[serde(default)]
    pub holds_medical_info: Option<String>,
    #[serde(default)]
    pub note: String,
}

pub(crate) async fn systems_view(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    form: SystemForm,
    error: Option<String>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "contracts",
        Some(inst),
        &format!("/i/{}/systems", inst.code),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let store = state.store();
    let (systems, links, contracts) = tokio::try_join!(
        store.systems(&inst.id),
        store.system_links(&inst.id),
        store.contracts(&inst.id)
    )?;
    let name = |id: &str| {
        systems
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let rows = systems
        .iter()
        .map(|s| SystemRow {
            name: s.name.clone(),
            category: label(&tr, "system-category", s.category.as_str()),
            hosting: label(&tr, "system-hosting", s.hosting.as_str()),
            medical: s.holds_medical_info,
            connects: links
                .iter()
                .filter_map(|(a, b)| {
                    if *a == s.id {
                        Some(name(b))
                    } else if *b == s.id {
                        Some(name(a))
                    } else {
                        None
                    }
                })
                .collect::<Vec<_>>()
                .join("、"),
            contracts: contracts
                .iter()
                .filter(|c| c.system_ids.contains(&s.id))
                .map(|c| c.vendor_name.clone())
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let can_manage =
        mamori_app::access::may(auth, Action::ManageContracts, Scope::Institution(&inst.id));
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&SystemsPage {
            code: inst.code.clone(),
            rows,
            can_manage,
            error,
            form,
            categories: SystemCategory::ALL
                .iter()
                .map(|c| (c.to_string(), label(&tr, "system-category", c.as_str())))
                .collect(),
            hostings: Hosting::ALL
                .iter()
                .map(|c| (c.to_string(), label(&tr, "system-hosting", c.as_str())))
                .collect(),
            systems: systems
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
            page,
        })?,
    )
        .into_response())
}

pub async fn systems(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewContracts)
            .await?;
    systems_view(&state, &auth, &inst, SystemForm::default(), None, &flash).await
}

pub async fn add_system(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<SystemForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageContracts)
            .await?;
    let input = mamori_app::systems::SystemInput {
        name: form.name.clone(),
        category: form.category.clone(),
        hosting: form.hosting.clone(),
        holds_medical_info: form.holds_medical_info.is_some(),
        note: form.note.clone(),
    };
    match mamori_app::systems::add(&state, &auth, &code, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/i/{code}/systems?ok=flash-system-added")).into_response())
        }
        Err(mamori_app::Error::Invalid { key, .. }) => {
            let msg = Tr::new(auth.meta.lang).t(key);
            systems_view(&state, &auth, &inst, form, Some(msg), &Flash::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    pub a: String,
    pub b: String,
}

pub async fn link_systems(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let input = mamori_app::systems::LinkInput {
        a: form.a,
        b: form.b,
    };
    let to = match mamori_app::systems::link(&state, &auth, &code, &input).await {
        Ok(()) => "ok=flash-systems-linked".to_string(),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/i/{code}/systems?{to}")).into_response())
}

// ------------------------------------------------------------------ contracts

pub struct ContractRow {
    pub href: String,
    pub vendor: String,
    pub title: String,
    pub kind: String,
    pub period: String,
    pub systems: String,
    pub agreed: usize,
    pub negotiating: usize,
    pub total: usize,
    pub no_checklist: bool,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ContractForm {
    #[serde(default)]
    pub vendor_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// Repeated `system` fields (checkboxes).
    #[serde(default)]
    pub system: Vec<String>,
}

#[derive(Template)]
#[template(path = "role_sharing/contracts.html")]
pub(crate) struct ContractsPage {
    page: PageCtx,
    code: String,
    rows: Vec<ContractRow>,
    can_manage: bool,
    error: Option<String>,
    form: ContractForm,
    vendors: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    systems: Vec<(String, String)>,
    /// Vendors with a contract here: those whose contacts can be invited.
    contract_vendors: Vec<(String, String)>,
    invites: Vec<(String, String, String, String)>,
}

/// Progress of a contract's checklist: (agreed, negotiating, answerable items).
pub fn progress(state: &AppState, c: &Contract, rows: &[RoleSharingItem]) -> (usize, usize, usize) {
    let catalogs = state.catalogs();
    let total = catalogs
        .catalogs
        .get(&c.catalog_id)
        .map(|cat| cat.items.iter().filter(|i| rsw::answerable(i)).count())
        .unwrap_or(0);
    let mine = rows.iter().filter(|r| r.contract_id == c.id);
    let agreed = mine
        .clone()
        .filter(|r| r.state == ItemState::Agreed)
        .count();
    let negotiating = mine.filter(|r| r.state == ItemState::Negotiating).count();
    (agreed, negotiating, total)
}

pub(crate) async fn contracts_view(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    form: ContractForm,
    error: Option<String>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "contracts",
        Some(inst),
        &format!("/i/{}/contracts", inst.code),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let store = state.store();
    let (systems, contracts, items, vendors) = tokio::try_join!(
        store.systems(&inst.id),
        store.contracts(&inst.id),
        store.matrix_cells(&inst.id),
        store.list_vendors()
    )?;
    let rows = contracts
        .iter()
        .map(|c| {
            let (agreed, negotiating, total) = progress(state, c, &items);
            ContractRow {
                href: format!("/contracts/{}", c.id),
                vendor: c.vendor_name.clone(),
                title: c.title.clone(),
                kind: label(&tr, "contract-kind", c.kind.as_str()),
                period: format!(
                    "{} 〜 {}",
                    c.starts_on.clone().unwrap_or_default(),
                    c.ends_on.clone().unwrap_or_default()
                ),
                systems: systems
                    .iter()
                    .filter(|s| c.system_ids.contains(&s.id))
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
                agreed,
                negotiating,
                total,
                no_checklist: agreed + negotiating == 0,
            }
        })
        .collect();
    let can_manage =
        mamori_app::access::may(auth, Action::ManageContracts, Scope::Institution(&inst.id));
    let mut contract_vendors: Vec<(String, String)> = contracts
        .iter()
        .map(|c| (c.vendor_id.clone(), c.vendor_name.clone()))
        .collect();
    contract_vendors.sort();
    contract_vendors.dedup();
    let invites = if can_manage {
        store
            .invites(&inst.id)
            .await?
            .into_iter()
            .take(20)
            .map(|i| {
                let vendor = contract_vendors
                    .iter()
                    .find(|(v, _)| *v == i.vendor_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                let status = tr.t(&format!(
                    "invite-status-{}",
                    mamori_app::invitations::status(&i, auth.now)
                ));
                (
                    i.email,
                    vendor,
                    status,
                    mamori_domain::time::timestamp_jst(i.created_at),
                )
            })
            .collect()
    } else {
        vec![]
    };
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&ContractsPage {
            contract_vendors,
            invites,
            code: inst.code.clone(),
            rows,
            can_manage,
            error,
            form,
            vendors: vendors.into_iter().map(|v| (v.id, v.name)).collect(),
            kinds: ContractKind::ALL
                .iter()
                .map(|k| (k.to_string(), label(&tr, "contract-kind", k.as_str())))
                .collect(),
            systems: systems.into_iter().map(|s| (s.id, s.name)).collect(),
            page,
        })?,
    )
        .into_response())
}

pub async fn contracts(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewContracts)
            .await?;
    contracts_view(&state, &auth, &inst, ContractForm::default(), None, &flash).await
}

pub async fn add_contract(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<ContractForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageContracts)
            .await?;
    let input = mamori_app::contracts::ContractInput {
        vendor_id: form.vendor_id.clone(),
        title: form.title.clone(),
        kind: form.kind.clone(),
        starts_on: form.starts_on.clone(),
        ends_on: form.ends_on.clone(),
        system_ids: form.system.clone(),
    };
    match mamori_app::contracts::create(&state, &auth, &code, &input).await {
        Ok(c) => Ok(
            Redirect::to(&format!("/contracts/{}?ok=flash-contract-added", c.id)).into_response(),
        ),
        Err(mamori_app::Error::Invalid { key, .. }) => {
            let msg = Tr::new(auth.meta.lang).t(key);
            contracts_view(&state, &auth, &inst, form, Some(msg), &Flash::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ vendor portal

pub struct PortalRow {
    pub href: String,
    pub institution: String,
    pub code: String,
    pub vendor: String,
    pub title: String,
    pub kind: String,
    pub agreed: usize,
    pub negotiating: usize,
    pub total: usize,
    pub your_turn: usize,
}

#[derive(Template)]
#[template(path = "role_sharing/vendor_portal.html")]
pub(crate) struct PortalPage {
    page: PageCtx,
    rows: Vec<PortalRow>,
    institutions: usize,
    your_turn: usize,
    /// (link, institution, fiscal year, contract, `submitted` / `returned` / `requested`)
    sheets: Vec<(String, String, String, String, VendorSheetStanding)>,
    /// What each institution waits for from the vendor: (institution, [(what, where)]).
    waiting: Vec<(String, Vec<(String, String)>)>,
}

pub async fn vendor_portal(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    let page = PageCtx::signed_in(&state, &auth, "vendor", None, "/vendor").await?;
    let tr = page.tr;
    let store = state.store();
    let contracts = store.vendor_contracts(&auth.principal.vendor_ids).await?;
    let mut rows = Vec::new();
    let mut institutions = std::collections::BTreeSet::new();
    let mut your_turn_total = 0;
    let tallies = store
        .vendor_role_sharing_tallies(&auth.principal.vendor_ids)
        .await?;
    let catalogs = state.catalogs();
    for c in &contracts {
        let total = catalogs
            .catalogs
            .get(&c.catalog_id)
            .map(|cat| cat.items.iter().filter(|i| rsw::answerable(i)).count())
            .unwrap_or(0);
        let count = |state: &str, by: Option<&str>| -> usize {
            tallies
                .iter()
                .filter(|(cid, s, p, _)| {
                    *cid == c.id && s == state && by.is_none_or(|b| p.as_deref() == Some(b))
                })
                .map(|t| t.3 as usize)
                .sum()
        };
        let (agreed, negotiating) = (count("agreed", None), count("negotiating", None));
        let your_turn = count("negotiating", Some("institution"));
        your_turn_total += your_turn;
        institutions.insert(c.institution_id.clone());
        rows.push(PortalRow {
            href: format!("/contracts/{}", c.id),
            institution: c.institution_name.clone(),
            code: c.institution_code.clone(),
            vendor: c.vendor_name.clone(),
            title: c.title.clone(),
            kind: label(&tr, "contract-kind", c.kind.as_str()),
            agreed,
            negotiating,
            total,
            your_turn,
        });
    }
    let all_sheets = store.vendor_sheets_of(&auth.principal.vendor_ids).await?;
    // What each institution waits for: role-sharing items on the vendor's side, sheets
    // to answer or correct; in the order of the institutions' names.
    let mut waiting: std::collections::BTreeMap<String, Vec<(String, String)>> =
        std::collections::BTreeMap::new();
    for r in rows.iter().filter(|r| r.your_turn > 0) {
        waiting.entry(r.institution.clone()).or_default().push((
            tr.targs(
                "portal-waiting-items",
                &[
                    ("contract", r.title.clone()),
                    ("count", r.your_turn.to_string()),
                ],
            ),
            r.href.clone(),
        ));
    }
    for x in &all_sheets {
        let key = match mamori_app::assessments::sheet_standing(x) {
            VendorSheetStanding::Submitted => continue,
            VendorSheetStanding::Returned => "portal-waiting-returned",
            VendorSheetStanding::Requested => "portal-waiting-sheet",
        };
        waiting
            .entry(x.institution_name.clone())
            .or_default()
            .push((
                tr.targs(
                    key,
                    &[
                        (
                            "year",
                            mamori_domain::wareki::fiscal_year(x.fiscal_year as i32),
                        ),
                        ("on", mamori_domain::time::date_jst(x.requested_at)),
                        ("reason", x.returned_reason.clone()),
                    ],
                ),
                format!("/vendor-sheets/{}", x.id),
            ));
    }
    let sheets = all_sheets
        .into_iter()
        .map(|x| {
            let st = mamori_app::assessments::sheet_standing(&x);
            (
                format!("/vendor-sheets/{}", x.id),
                x.institution_name,
                mamori_domain::wareki::fiscal_year(x.fiscal_year as i32),
                x.contract_title,
                st,
            )
        })
        .collect();
    Ok(render(&PortalPage {
        waiting: waiting.into_iter().collect(),
        sheets,
        page,
        rows,
        institutions: institutions.len(),
        your_turn: your_turn_total,
    })?
    .into_response())
}
