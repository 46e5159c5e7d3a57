//! Pages: systems, contracts, one contract's role-sharing checklist (both parties), the
//! cross-vendor matrix, and the vendor portal.

use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::role_sharing::{self as rsw, StepInput};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::role_sharing::{ItemState, Party};
use mamori_domain::Institution;
use mamori_store::{Contract, NewContract, NewSystem, RoleSharingItem};
use serde::Deserialize;

pub const SYSTEM_CATEGORIES: [&str; 5] = ["ehr", "receipt", "pacs", "departmental", "other"];
pub const HOSTINGS: [&str; 3] = ["on_premise", "cloud", "hybrid"];
pub const CONTRACT_KINDS: [&str; 5] = [
    "introduction",
    "maintenance",
    "cloud",
    "external_storage",
    "other",
];

fn label(tr: &Tr, prefix: &str, value: &str) -> String {
    tr.t(&format!("{prefix}-{}", value.replace('_', "-")))
}

fn is_date(s: &str) -> bool {
    mamori_domain::role_sharing::valid_date(s)
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
#[template(path = "systems.html")]
struct SystemsPage {
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

async fn systems_view(
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
            category: label(&tr, "system-category", &s.category),
            hosting: label(&tr, "system-hosting", &s.hosting),
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
            categories: SYSTEM_CATEGORIES
                .iter()
                .map(|c| (c.to_string(), label(&tr, "system-category", c)))
                .collect(),
            hostings: HOSTINGS
                .iter()
                .map(|c| (c.to_string(), label(&tr, "system-hosting", c)))
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
    let tr = Tr::new(auth.meta.lang);
    let name = form.name.trim();
    let problem = if name.is_empty() || name.chars().count() > 100 {
        Some("error-system-name")
    } else if !SYSTEM_CATEGORIES.contains(&form.category.as_str())
        || !HOSTINGS.contains(&form.hosting.as_str())
    {
        Some("error-rs-bad-value")
    } else {
        None
    };
    if let Some(key) = problem {
        return systems_view(
            &state,
            &auth,
            &inst,
            form,
            Some(tr.t(key)),
            &Flash::default(),
        )
        .await;
    }
    let r = state
        .store()
        .create_system(
            &auth.actor(),
            &NewSystem {
                institution_id: inst.id.clone(),
                name: name.to_string(),
                category: form.category.clone(),
                hosting: form.hosting.clone(),
                holds_medical_info: form.holds_medical_info.is_some(),
                note: form.note.trim().to_string(),
            },
        )
        .await;
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/i/{code}/systems?ok=flash-system-added")).into_response())
        }
        Err(mamori_store::StoreError::Duplicate(_)) => {
            let msg = tr.t("error-system-duplicate");
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
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageContracts)
            .await?;
    let r = state
        .store()
        .link_systems(&auth.actor(), &inst.id, &form.a, &form.b)
        .await;
    let to = match r {
        Ok(()) => "ok=flash-systems-linked",
        Err(mamori_store::StoreError::Duplicate(_)) => "err=error-systems-already-linked",
        Err(mamori_store::StoreError::NotFound(_)) => "err=error-systems-link",
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
#[template(path = "contracts.html")]
struct ContractsPage {
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
    let agreed = mine.clone().filter(|r| r.state == "agreed").count();
    let negotiating = mine.filter(|r| r.state == "negotiating").count();
    (agreed, negotiating, total)
}

async fn contracts_view(
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
        store.institution_role_sharing_items(&inst.id),
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
                kind: label(&tr, "contract-kind", &c.kind),
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
                let status = if i.used_at.is_some() {
                    tr.t("invite-status-used")
                } else if i.expires_at <= auth.now {
                    tr.t("invite-status-expired")
                } else {
                    tr.t("invite-status-open")
                };
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
            kinds: CONTRACT_KINDS
                .iter()
                .map(|k| (k.to_string(), label(&tr, "contract-kind", k)))
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
    let tr = Tr::new(auth.meta.lang);
    let title = form.title.trim().to_string();
    let starts = form.starts_on.trim().to_string();
    let ends = form.ends_on.trim().to_string();
    let problem = if title.is_empty() || title.chars().count() > 200 {
        Some("error-contract-title")
    } else if form.vendor_id.is_empty() {
        Some("error-contract-vendor")
    } else if !CONTRACT_KINDS.contains(&form.kind.as_str()) {
        Some("error-rs-bad-value")
    } else if (!starts.is_empty() && !is_date(&starts)) || (!ends.is_empty() && !is_date(&ends)) {
        Some("error-rs-bad-date")
    } else if !starts.is_empty() && !ends.is_empty() && ends < starts {
        Some("error-contract-dates")
    } else {
        None
    };
    if let Some(key) = problem {
        return contracts_view(
            &state,
            &auth,
            &inst,
            form,
            Some(tr.t(key)),
            &Flash::default(),
        )
        .await;
    }
    let catalog_id = rsw::current_catalog(&state)
        .ok_or_else(|| AppError::Internal("no role-sharing catalog".into()))?;
    let r = state
        .store()
        .create_contract(
            &auth.actor(),
            &NewContract {
                institution_id: inst.id.clone(),
                vendor_id: form.vendor_id.clone(),
                title,
                kind: form.kind.clone(),
                starts_on: Some(starts).filter(|s| !s.is_empty()),
                ends_on: Some(ends).filter(|s| !s.is_empty()),
                catalog_id,
                system_ids: form.system.clone(),
            },
        )
        .await;
    match r {
        Ok(c) => Ok(
            Redirect::to(&format!("/contracts/{}?ok=flash-contract-added", c.id)).into_response(),
        ),
        Err(mamori_store::StoreError::NotFound(_)) => {
            let msg = tr.t("error-contract-vendor");
            contracts_view(&state, &auth, &inst, form, Some(msg), &Flash::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ one contract

pub struct HistoryRow {
    pub at: String,
    pub who: String,
    pub party: String,
    pub step: String,
    pub state: String,
    pub note: String,
}

pub struct ChecklistItem {
    pub id: String,
    pub number: String,
    pub text: String,
    pub part2: bool,
    pub answerable: bool,
    pub version: i64,
    pub state: String,
    pub state_label: String,
    pub responsibility: String,
    pub responsibility_label: String,
    pub other_vendor_id: String,
    pub other_vendor: String,
    pub na_reason: String,
    pub agreed_content: String,
    pub written_in: String,
    pub first_check: String,
    pub first_checked_on: String,
    pub completed_on: String,
    pub remarks: String,
    pub proposed_by: String,
    /// The viewer may accept the current proposal.
    pub can_accept: bool,
    /// The viewer may propose (not agreed, and the viewer's side may answer).
    pub can_propose: bool,
    pub can_reopen: bool,
    pub your_turn: bool,
    pub error: Option<String>,
    pub history: Vec<HistoryRow>,
}

pub struct ChecklistSection {
    pub number: String,
    pub title: String,
    pub items: Vec<ChecklistItem>,
}

#[derive(Template)]
#[template(path = "contract.html")]
struct ContractPage {
    page: PageCtx,
    c: Contract,
    party: String,
    party_label: String,
    kind: String,
    systems: String,
    catalog_title: String,
    sections: Vec<ChecklistSection>,
    responsibilities: Vec<(String, String)>,
    vendors: Vec<(String, String)>,
    agreed: usize,
    negotiating: usize,
    total: usize,
    your_turn: usize,
    documents: Vec<DocRow>,
    doc_kinds: Vec<(String, String)>,
    subcontractors: Vec<SubRow>,
    certs: Vec<crate::ui::records::CertRow>,
    /// The vendor's contacts: (name, e-mail).
    contacts: Vec<(String, String)>,
    can_approve: bool,
    max_mb: usize,
}

pub struct DocRow {
    pub href: String,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub size: String,
    pub party: String,
    pub at: String,
}

pub struct SubRow {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub approved: Option<String>,
}

/// The form values shown again with an error (nothing typed is lost).
struct Redo<'a> {
    item_id: &'a str,
    input: &'a StepInput,
    error: String,
}

async fn contract_view(
    state: &AppState,
    auth: &Auth,
    c: Contract,
    party: Party,
    redo: Option<Redo<'_>>,
    flash: &Flash,
) -> AppResult<Response> {
    let store = state.store();
    let inst = store
        .institution(&c.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = (party == Party::Institution).then_some(&inst);
    let page = PageCtx::signed_in(
        state,
        auth,
        if party == Party::Institution {
            "contracts"
        } else {
            "vendor"
        },
        current,
        &format!("/contracts/{}", c.id),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let (catalogs, catalog_id) = rsw::catalog_of(state, &c)?;
    let cat = &catalogs.catalogs[&catalog_id];
    let (rows, history, systems, contracts) = tokio::try_join!(
        store.role_sharing_items(&c.id),
        store.role_sharing_history(&c.id, None),
        store.systems(&c.institution_id),
        store.contracts(&c.institution_id)
    )?;
    let (docs, subs, certs, contacts) = tokio::try_join!(
        store.contract_documents(&c.id),
        store.subcontractors(&c.institution_id),
        store.certifications(std::slice::from_ref(&c.vendor_id)),
        store.vendor_contacts(
            &c.vendor_id,
            (party == Party::Institution).then_some(c.institution_id.as_str())
        )
    )?;
    let contacts = contacts
        .into_iter()
        .map(|u| (u.display_name, u.email))
        .collect();
    let documents = docs
        .iter()
        .map(|d| DocRow {
            href: format!("/contract-documents/{}", d.id),
            kind: label(&tr, "doc-kind", &d.kind),
            file_name: d.file_name.clone(),
            sha256: d.sha256.chars().take(16).collect(),
            size: format!("{:.1} KB", d.size as f64 / 1024.0),
            party: label(&tr, "rs-party", &d.uploaded_party),
            at: mamori_domain::time::timestamp_jst(d.uploaded_at),
        })
        .collect();
    let subcontractors = subs
        .iter()
        .filter(|x| x.contract_id == c.id)
        .map(|x| SubRow {
            id: x.id.clone(),
            name: x.name.clone(),
            scope: x.scope.clone(),
            approved: x.approved_at.map(mamori_domain::time::timestamp_jst),
        })
        .collect();
    let vendor_label = c.vendor_name.clone();
    let certs = crate::ui::records::cert_rows(&tr, &certs, |_| vendor_label.clone());
    let can_approve = party == Party::Institution
        && mamori_app::access::may(
            auth,
            Action::ManageContracts,
            Scope::Institution(&c.institution_id),
        );
    let vendor_name = |id: &str| {
        contracts
            .iter()
            .find(|x| x.vendor_id == id)
            .map(|x| x.vendor_name.clone())
            .unwrap_or_default()
    };
    let mut sections: Vec<ChecklistSection> = Vec::new();
    let (mut your_turn_total, mut agreed, mut negotiating, mut total) = (0, 0, 0, 0);
    for s in &cat.sections {
        let items: Vec<ChecklistItem> = cat
            .items
            .iter()
            .filter(|i| i.section == s.id)
            .map(|i| {
                let part2 = rsw::is_part2(i);
                let answerable = rsw::answerable(i);
                let row = rows.iter().find(|r| r.item_id == i.id);
                let st = rsw::standing(row);
                let may = part2 || party == Party::Institution;
                let your_turn = st.state == ItemState::Negotiating
                    && st.proposed_by.is_some_and(|p| p != party);
                if answerable {
                    total += 1;
                    match st.state {
                        ItemState::Agreed => agreed += 1,
                        ItemState::Negotiating => negotiating += 1,
                        ItemState::Unconfirmed => {}
                    }
                    if your_turn {
                        your_turn_total += 1;
                    }
                }
                let state_key = match (part2, st.state) {
                    (false, ItemState::Agreed) => "rs-state-answered".to_string(),
                    (false, _) => "rs-state-unanswered".to_string(),
                    (true, s) => format!("rs-state-{}", s.as_str()),
                };
                let mut item = ChecklistItem {
                    id: i.id.clone(),
                    number: i.number.clone(),
                    text: i.text.clone(),
                    part2,
                    answerable,
                    version: row.map(|r| r.version).unwrap_or(0),
                    state: st.state.as_str().to_string(),
                    state_label: tr.t(&state_key),
                    responsibility: row
                        .and_then(|r| r.responsibility.clone())
                        .unwrap_or_default(),
                    responsibility_label: row
                        .and_then(|r| r.responsibility.as_deref())
                        .map(|r| label(&tr, "rs-resp", r))
                        .unwrap_or_default(),
                    other_vendor_id: row
                        .and_then(|r| r.other_vendor_id.clone())
                        .unwrap_or_default(),
                    other_vendor: row
                        .and_then(|r| r.other_vendor_id.as_deref())
                        .map(vendor_name)
                        .unwrap_or_default(),
                    na_reason: row.map(|r| r.na_reason.clone()).unwrap_or_default(),
                    agreed_content: row.map(|r| r.agreed_content.clone()).unwrap_or_default(),
                    written_in: row.map(|r| r.written_in.clone()).unwrap_or_default(),
                    first_check: row.and_then(|r| r.first_check.clone()).unwrap_or_default(),
                    first_checked_on: row
                        .and_then(|r| r.first_checked_on.clone())
                        .unwrap_or_default(),
                    completed_on: row.and_then(|r| r.completed_on.clone()).unwrap_or_default(),
                    remarks: row.map(|r| r.remarks.clone()).unwrap_or_default(),
                    proposed_by: st
                        .proposed_by
                        .map(|p| label(&tr, "rs-party", p.as_str()))
                        .unwrap_or_default(),
                    can_accept: answerable && part2 && your_turn,
                    can_propose: answerable && may && st.state != ItemState::Agreed,
                    can_reopen: answerable && may && st.state == ItemState::Agreed,
                    your_turn,
                    error: None,
                    history: history
                        .iter()
                        .filter(|h| h.item_id == i.id)
                        .map(|h| HistoryRow {
                            at: mamori_domain::time::timestamp_jst(h.at),
                            who: h.actor_label.clone(),
                            party: label(&tr, "rs-party", &h.party),
                            step: label(&tr, "rs-step", &h.step),
                            state: tr.t(&format!("rs-state-{}", h.state)),
                            note: h.note.clone(),
                        })
                        .collect(),
                };
                if let Some(r) = &redo {
                    if r.item_id == i.id {
                        let f = r.input;
                        item.error = Some(r.error.clone());
                        item.responsibility = f.responsibility.clone();
                        item.other_vendor_id = f.other_vendor_id.clone();
                        item.na_reason = f.na_reason.clone();
                        item.agreed_content = f.agreed_content.clone();
                        item.written_in = f.written_in.clone();
                        item.first_check = f.first_check.clone();
                        item.first_checked_on = f.first_checked_on.clone();
                        item.completed_on = f.completed_on.clone();
                        item.remarks = f.remarks.clone();
                    }
                }
                item
            })
            .collect();
        if items.is_empty() && s.title.is_empty() {
            continue;
        }
        sections.push(ChecklistSection {
            number: s.number.clone(),
            title: s.title.clone(),
            items,
        });
    }
    let systems = systems
        .iter()
        .filter(|s| c.system_ids.contains(&s.id))
        .map(|s| s.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    let vendors = {
        let mut v: Vec<(String, String)> = contracts
            .iter()
            .filter(|x| x.vendor_id != c.vendor_id)
            .map(|x| (x.vendor_id.clone(), x.vendor_name.clone()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let status = crate::ui::page_status(redo.is_some());
    Ok((
        status,
        render(&ContractPage {
            party: party.as_str().to_string(),
            party_label: label(&tr, "rs-party", party.as_str()),
            kind: label(&tr, "contract-kind", &c.kind),
            systems,
            catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
            sections,
            responsibilities: mamori_domain::role_sharing::Responsibility::ALL
                .iter()
                .map(|r| (r.as_str().to_string(), label(&tr, "rs-resp", r.as_str())))
                .collect(),
            vendors,
            agreed,
            negotiating,
            total,
            your_turn: your_turn_total,
            documents,
            doc_kinds: mamori_domain::codes::DocumentKind::ALL
                .iter()
                .map(|k| (k.to_string(), label(&tr, "doc-kind", k.as_str())))
                .collect(),
            subcontractors,
            certs,
            contacts,
            can_approve,
            max_mb: state.cfg().max_upload_bytes / (1024 * 1024),
            c,
            page,
        })?,
    )
        .into_response())
}

pub async fn contract(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let (c, party) = rsw::contract_for(state.store(), &auth, &id, Action::ViewContracts).await?;
    contract_view(&state, &auth, c, party, None, &flash).await
}

pub async fn item_step(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item_id)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> AppResult<Response> {
    let (c, party) =
        rsw::contract_for(state.store(), &auth, &id, Action::AnswerRoleSharing).await?;
    match rsw::apply_step(&state, &auth, &c, party, &item_id, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/contracts/{id}?ok=flash-rs-{}#item-{item_id}",
            match input.step.as_str() {
                "accept" => "accepted",
                "reopen" => "reopened",
                _ => "proposed",
            }
        ))
        .into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let tr = Tr::new(auth.meta.lang);
            let error = tr.t(e.info().key);
            let redo = Redo {
                item_id: &item_id,
                input: &input,
                error,
            };
            let mut r =
                contract_view(&state, &auth, c, party, Some(redo), &Flash::default()).await?;
            if matches!(e, AppError::Conflict(_)) {
                *r.status_mut() = axum::http::StatusCode::CONFLICT;
            }
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ matrix

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage {
    page: PageCtx,
    m: rsw::Matrix,
    filter: String,
    filters: Vec<(String, String, usize)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MatrixQuery {
    #[serde(default)]
    pub flag: String,
}

pub async fn matrix(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<MatrixQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewContracts)
            .await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "matrix",
        Some(&inst),
        &format!("/i/{code}/matrix"),
    )
    .await?;
    let tr = page.tr;
    let mut m = rsw::matrix(&state, &inst).await?;
    let codes = [
        "gap",
        "overlap",
        "disagreement",
        "no-without-completion",
        "coordinate",
    ];
    let filter = if codes.contains(&q.flag.as_str()) {
        q.flag.clone()
    } else {
        String::new()
    };
    if !filter.is_empty() {
        for g in &mut m.groups {
            g.rows.retain(|r| r.flags.iter().any(|f| f.code == filter));
        }
        m.groups.retain(|g| !g.rows.is_empty());
    }
    let filters = codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                tr.t(&format!("matrix-flag-{c}")),
                m.counts.get(*c).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(render(&MatrixPage {
        page,
        m,
        filter,
        filters,
    })?
    .into_response())
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
#[template(path = "vendor_portal.html")]
struct PortalPage {
    page: PageCtx,
    rows: Vec<PortalRow>,
    institutions: usize,
    your_turn: usize,
    /// (link, institution, fiscal year, contract, `submitted` / `returned` / `requested`)
    sheets: Vec<(String, String, String, String, &'static str)>,
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
            kind: label(&tr, "contract-kind", &c.kind),
            agreed,
            negotiating,
            total,
            your_turn,
        });
    }
    let sheets = store
        .vendor_sheets_of(&auth.principal.vendor_ids)
        .await?
        .into_iter()
        .map(|x| {
            let st = mamori_app::assessments::sheet_standing(&x).as_str();
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
        sheets,
        page,
        rows,
        institutions: institutions.len(),
        your_turn: your_turn_total,
    })?
    .into_response())
}

// ------------------------------------------------------------------ exports

use crate::http::download::{date_style, download, ExportQuery, XLSX};

async fn record_export(
    state: &AppState,
    auth: &Auth,
    institution_id: &str,
    target: (&str, &str),
    what: &str,
) -> AppResult<()> {
    state
        .store()
        .record(
            &auth.actor(),
            mamori_store::AuditDraft::new(
                Some(institution_id),
                "role_sharing.export",
                target.0,
                target.1,
                serde_json::json!({"export": what}),
            ),
        )
        .await?;
    Ok(())
}

pub async fn contract_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let (c, _) = rsw::contract_for(state.store(), &auth, &id, Action::ViewContracts).await?;
    let dates = date_style(&q)?;
    let sheet = rsw::checklist_sheet(&state, &c).await?;
    let bytes = mamori_export::checklist_xlsx(&sheet, dates)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    record_export(
        &state,
        &auth,
        &c.institution_id,
        ("contract", &c.id),
        "checklist.xlsx",
    )
    .await?;
    Ok(download(
        bytes,
        XLSX,
        &format!(
            "role-sharing-{}-{}.xlsx",
            c.institution_code,
            mamori_domain::time::today_jst()
        ),
        &format!(
            "役割分担確認表_{}_{}.xlsx",
            c.institution_name, c.vendor_name
        ),
    ))
}

pub async fn matrix_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewContracts)
            .await?;
    let dates = date_style(&q)?;
    let m = rsw::matrix(&state, &inst).await?;
    let bytes = mamori_export::matrix_xlsx(&rsw::matrix_sheet(&inst, &m), dates)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    record_export(
        &state,
        &auth,
        &inst.id,
        ("institution", &inst.id),
        "matrix.xlsx",
    )
    .await?;
    Ok(download(
        bytes,
        XLSX,
        &format!(
            "role-matrix-{code}-{}.xlsx",
            mamori_domain::time::today_jst()
        ),
        &format!("役割分担マトリクス_{}.xlsx", inst.name),
    ))
}

#[derive(Template)]
#[template(path = "contract_print.html")]
struct PrintPage {
    sheet: mamori_export::ChecklistSheet,
    rows: Vec<(mamori_export::ChecklistRow, String, String)>,
    exported_on: String,
}

/// The checklist laid out for printing (A4 landscape), in Japanese as the official form.
pub async fn contract_print(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let (c, _) = rsw::contract_for(state.store(), &auth, &id, Action::ViewContracts).await?;
    let dates = date_style(&q)?;
    let sheet = rsw::checklist_sheet(&state, &c).await?;
    let rows = sheet
        .rows
        .iter()
        .map(|r| {
            (
                r.clone(),
                mamori_export::first_check_cell(r, dates),
                if r.completed_on.is_empty() {
                    String::new()
                } else {
                    dates.date(&r.completed_on)
                },
            )
        })
        .collect();
    Ok(render(&PrintPage {
        exported_on: dates.date(&sheet.exported_on),
        rows,
        sheet,
    })?
    .into_response())
}

// ------------------------------------------------------------------ dashboard signals

/// What the dashboard shows of contracts and role sharing.
pub struct Signals {
    /// (contract href, "vendor — title", open items)
    pub open: Vec<(String, String, usize)>,
    /// (vendor, certification, expiry, expired?)
    pub certs: Vec<(String, String, String, bool)>,
    /// (contract href, "vendor — title")
    pub no_checklist: Vec<(String, String)>,
    /// (contract href, subcontractor, vendor)
    pub unapproved: Vec<(String, String, String)>,
    pub contracts: usize,
    pub gaps: usize,
    pub overlaps: usize,
}

#[derive(Template)]
#[template(path = "panels/role_sharing.html")]
struct Panel<'a> {
    tr: &'a Tr,
    code: &'a str,
    sg: Signals,
}

/// The role-sharing panel on the institution dashboard (for those who may see contracts).
pub async fn dashboard_panel(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Option<String>> {
    if !mamori_app::access::may(auth, Action::ViewContracts, Scope::Institution(&inst.id)) {
        return Ok(None);
    }
    let sg = signals(state, inst, tr).await?;
    Ok(Some(
        render(&Panel {
            tr,
            code: &inst.code,
            sg,
        })?
        .0,
    ))
}

pub async fn signals(state: &AppState, inst: &Institution, _tr: &Tr) -> AppResult<Signals> {
    let store = state.store();
    let (contracts, items, subs) = tokio::try_join!(
        store.contracts(&inst.id),
        store.institution_role_sharing_items(&inst.id),
        store.subcontractors(&inst.id)
    )?;
    let mut vendor_ids: Vec<String> = contracts.iter().map(|c| c.vendor_id.clone()).collect();
    vendor_ids.sort();
    vendor_ids.dedup();
    let certs = store.certifications(&vendor_ids).await?;
    let today = mamori_domain::time::today_jst();
    let name = |c: &Contract| format!("{} — {}", c.vendor_name, c.title);
    let mut open = Vec::new();
    let mut no_checklist = Vec::new();
    for c in &contracts {
        let (agreed, negotiating, total) = progress(state, c, &items);
        if agreed + negotiating == 0 {
            no_checklist.push((format!("/contracts/{}", c.id), name(c)));
        } else if total > agreed {
            open.push((format!("/contracts/{}", c.id), name(c), total - agreed));
        }
    }
    let vendor_name = |id: &str| {
        contracts
            .iter()
            .find(|c| c.vendor_id == id)
            .map(|c| c.vendor_name.clone())
            .unwrap_or_default()
    };
    let certs = certs
        .iter()
        .filter_map(|c| {
            let w = crate::ui::records::cert_warning(c.expires_on.as_deref(), &today);
            (!w.is_empty()).then(|| {
                (
                    vendor_name(&c.vendor_id),
                    c.name.clone(),
                    c.expires_on.clone().unwrap_or_default(),
                    w == "expired",
                )
            })
        })
        .collect();
    let unapproved = subs
        .iter()
        .filter(|s| s.approved_at.is_none())
        .map(|s| {
            let c = contracts.iter().find(|c| c.id == s.contract_id);
            (
                format!("/contracts/{}#subcontractors", s.contract_id),
                s.name.clone(),
                c.map(|c| c.vendor_name.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let n_contracts = contracts.len();
    let m = rsw::matrix_of(state, inst, contracts, items).await?;
    Ok(Signals {
        open,
        certs,
        no_checklist,
        unapproved,
        contracts: n_contracts,
        gaps: m.counts.get("gap").copied().unwrap_or(0),
        overlaps: m.counts.get("overlap").copied().unwrap_or(0),
    })
}
