//! One contract's page: its role-sharing checklist for both parties, documents,
//! subcontractors and certifications, and a step on an item.

use super::pages::*;
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
use mamori_store::Contract;

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
    pub state: ItemState,
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
#[template(path = "role_sharing/contract.html")]
pub(crate) struct ContractPage {
    page: PageCtx,
    c: Contract,
    party: Party,
    party_label: String,
    kind: String,
    systems: String,
    catalog_title: String,
    /// The notice of a partial catalog version, and the catalog's page.
    coverage: Option<(String, String)>,
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
pub(crate) struct Redo<'a> {
    item_id: &'a str,
    input: &'a StepInput,
    error: String,
}

pub(crate) async fn contract_view(
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
            kind: label(&tr, "doc-kind", d.kind.as_str()),
            file_name: d.file_name.clone(),
            sha256: d.sha256.chars().take(16).collect(),
            size: format!("{:.1} KB", d.size as f64 / 1024.0),
            party: label(&tr, "rs-party", d.uploaded_party.as_str()),
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
                    state: st.state,
                    state_label: tr.t(&state_key),
                    responsibility: row
                        .and_then(|r| r.responsibility)
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                    responsibility_label: row
                        .and_then(|r| r.responsibility)
                        .map(|r| label(&tr, "rs-resp", r.as_str()))
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
                    first_check: row
                        .and_then(|r| r.first_check)
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
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
                            party: label(&tr, "rs-party", h.party.as_str()),
                            step: label(&tr, "rs-step", h.step.as_str()),
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
            party,
            party_label: label(&tr, "rs-party", party.as_str()),
            kind: label(&tr, "contract-kind", c.kind.as_str()),
            systems,
            catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
            coverage: crate::ui::partial_notice(&tr, cat)
                .map(|n| (n, format!("/catalogs/{}", cat.catalog.id))),
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
