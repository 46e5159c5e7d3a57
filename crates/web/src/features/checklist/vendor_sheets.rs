//! Vendor sheets: requested from the contracts' vendors, answered and submitted by
//! them, returned or copied by the institution.

use super::sheet::*;
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::assessments::{model, slot_of, versions};
use mamori_catalog::Registry;
use mamori_domain::assessment::{self as asm};
use mamori_domain::policy::{self, Action, Scope};
use mamori_store::{Assessment, AssessmentAnswer};
use serde::Deserialize;

// ------------------------------------------------------------------ vendor sheets

/// The vendor sheet version that goes with an assessment's catalog: the same version of
/// `cyber-checklist-vendor` when there is one, otherwise the newest.
pub fn vendor_catalog(reg: &Registry, assessment_catalog: &str) -> Option<String> {
    let version = reg
        .catalogs
        .get(assessment_catalog)
        .map(|c| c.catalog.version.clone())?;
    let all = versions(reg, "cyber-checklist-vendor");
    all.iter()
        .find(|c| c.catalog.version == version)
        .or(all.first())
        .map(|c| c.catalog.id.clone())
}

pub struct SheetRow {
    pub href: String,
    pub vendor: String,
    pub contract: String,
    /// `submitted`, `returned` (sent back, awaiting resubmission) or `requested`.
    pub state: &'static str,
    pub done: usize,
    pub needed: usize,
}

/// The vendor sheets of an assessment, for its page.
pub async fn sheet_rows(state: &AppState, a: &Assessment) -> AppResult<Vec<SheetRow>> {
    let reg = state.catalogs();
    let mut rows = Vec::new();
    // Two reads whatever the number of vendors: the sheets, and all their answers.
    let mut answers: std::collections::HashMap<String, Vec<AssessmentAnswer>> =
        std::collections::HashMap::new();
    for x in state
        .store()
        .vendor_sheet_answers_of_assessment(&a.id)
        .await?
    {
        answers.entry(x.assessment_id.clone()).or_default().push(x);
    }
    for s in state.store().vendor_sheets(&a.id).await? {
        let (done, needed) = match reg.catalogs.get(&s.catalog_id) {
            Some(cat) => {
                let m = model(cat, answers.get(&s.id).map(Vec::as_slice).unwrap_or(&[]));
                (m.done, m.needed)
            }
            None => (0, 0),
        };
        rows.push(SheetRow {
            href: format!("/vendor-sheets/{}", s.id),
            state: mamori_app::assessments::sheet_standing(&s).as_str(),
            vendor: s.vendor_name,
            contract: s.contract_title,
            done,
            needed,
        });
    }
    Ok(rows)
}

pub async fn request_sheets(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let contracts: Vec<(String, String)> = state
        .store()
        .contracts(&inst.id)
        .await?
        .into_iter()
        .map(|c| (c.id, c.vendor_id))
        .collect();
    if contracts.is_empty() {
        return Ok(Redirect::to(&format!(
            "/assessments/{id}?err=error-cy-no-contracts#vendor-sheets"
        ))
        .into_response());
    }
    let catalog = vendor_catalog(&state.catalogs(), &a.catalog_id)
        .ok_or_else(|| AppError::Internal("no vendor sheet catalog".into()))?;
    state
        .store()
        .request_vendor_sheets(&auth.actor(), &a, &contracts, &catalog)
        .await?;
    Ok(Redirect::to(&format!(
        "/assessments/{id}?ok=flash-cy-requested#vendor-sheets"
    ))
    .into_response())
}

/// The sheet and the side the user is on: the vendor answers, the institution reads.
pub(crate) async fn sheet_for(
    state: &AppState,
    auth: &Auth,
    id: &str,
) -> AppResult<(
    mamori_store::VendorSheet,
    mamori_domain::role_sharing::Party,
)> {
    let s = state
        .store()
        .vendor_sheet(id)
        .await?
        .ok_or(AppError::NotFound)?;
    match policy::contract_party(
        &auth.principal,
        Action::ViewAssessments,
        &s.institution_id,
        &s.vendor_id,
        auth.now,
    ) {
        Some(p) => Ok((s, p)),
        // As for a contract: a member of the institution or of the vendor is refused (403);
        // anyone else learns nothing (404).
        None if !auth
            .principal
            .roles_in(&s.institution_id, auth.now)
            .is_empty()
            || auth.principal.vendor_ids.contains(&s.vendor_id) =>
        {
            Err(AppError::Forbidden)
        }
        None => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "vendor_sheet.html")]
pub(crate) struct VendorSheetPage {
    page: PageCtx,
    s: mamori_store::VendorSheet,
    fy_label: String,
    fy_range: (String, String),
    catalog_title: String,
    sections: Vec<SectionView>,
    done: usize,
    needed: usize,
    can_answer: bool,
    can_submit: bool,
    /// The institution may send the submitted sheet back (差し戻し).
    can_return: bool,
    /// Earlier submitted sheets of this vendor to reuse answers from: (id, label).
    sources: Vec<(String, String)>,
}

pub(crate) async fn vendor_sheet_view(
    state: &AppState,
    auth: &Auth,
    s: mamori_store::VendorSheet,
    party: mamori_domain::role_sharing::Party,
    redo: Option<Redo<'_>>,
    flash: &Flash,
) -> AppResult<Response> {
    use mamori_domain::role_sharing::Party;
    let inst = state
        .store()
        .institution(&s.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = PageCtx::signed_in(
        state,
        auth,
        if party == Party::Vendor {
            "vendor"
        } else {
            "assessments"
        },
        (party == Party::Institution).then_some(&inst),
        &format!("/vendor-sheets/{}", s.id),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let reg = state.catalogs();
    let cat = reg
        .catalogs
        .get(&s.catalog_id)
        .ok_or_else(|| AppError::Internal(format!("catalog {} not served", s.catalog_id)))?;
    let answers = state.store().vendor_sheet_answers(&s.id).await?;
    let m = model(cat, &answers);
    let today = mamori_domain::time::today_jst();
    let sections = cat
        .sections
        .iter()
        .filter_map(|sec| {
            let items: Vec<ItemView> = cat
                .items
                .iter()
                .filter(|i| i.section == sec.id)
                .map(|i| {
                    let slots =
                        asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
                    ItemView {
                        evidence: vec![],
                        suggestion: None,
                        id: i.id.clone(),
                        number: i.number.clone(),
                        text: i.text.clone(),
                        gate: false,
                        applicable: true,
                        references: i.references.join("、"),
                        is_new: false,
                        slots: slots
                            .iter()
                            .map(|sl| {
                                let ans = answers
                                    .iter()
                                    .find(|x| x.item_id == i.id && x.slot == sl.as_str());
                                slot_view(&tr, &i.id, *sl, ans, &today, redo.as_ref())
                            })
                            .collect(),
                    }
                })
                .collect();
            (!items.is_empty()).then(|| SectionView {
                title: format!("{} {}", sec.number, sec.title).trim().to_string(),
                items,
            })
        })
        .collect();
    let open = s.status == "requested";
    let sources = if party == Party::Vendor && open {
        state
            .store()
            .vendor_sheets_of(std::slice::from_ref(&s.vendor_id))
            .await?
            .into_iter()
            .filter(|o| o.id != s.id && o.status == "submitted" && o.catalog_id == s.catalog_id)
            .map(|o| {
                (
                    o.id,
                    format!(
                        "{} {}",
                        mamori_domain::wareki::fiscal_year(o.fiscal_year as i32),
                        o.institution_name
                    ),
                )
            })
            .collect()
    } else {
        vec![]
    };
    let status = crate::ui::page_status(redo.is_some());
    Ok((
        status,
        render(&VendorSheetPage {
            fy_label: mamori_domain::wareki::fiscal_year(s.fiscal_year as i32),
            fy_range: asm::fiscal_year_range(s.fiscal_year as i32),
            catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
            sections,
            done: m.done,
            needed: m.needed,
            can_answer: open && party == Party::Vendor,
            can_submit: open && party == Party::Vendor && m.done >= m.needed,
            can_return: s.status == "submitted"
                && party == Party::Institution
                && mamori_app::access::may(
                    auth,
                    Action::AnswerAssessment,
                    Scope::Institution(&s.institution_id),
                ),
            sources,
            s,
            page,
        })?,
    )
        .into_response())
}

pub async fn vendor_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    vendor_sheet_view(&state, &auth, s, party, None, &flash).await
}

pub(crate) async fn save_sheet_answer(
    state: &AppState,
    auth: &Auth,
    s: &mamori_store::VendorSheet,
    f: &AnswerForm,
) -> AppResult<AssessmentAnswer> {
    if s.status != "requested" {
        return Err(AppError::Invalid {
            field: "sheet",
            key: "error-cy-submitted",
        });
    }
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&s.catalog_id).ok_or(AppError::NotFound)?;
    let item = cat.item(&f.item_id).ok_or(AppError::NotFound)?;
    let (slot, answer) = parse_answer(f)?;
    let item_slots = asm::slots(&item.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
    asm::check_answer(s.fiscal_year as i32, true, &item_slots, slot, &answer).map_err(|e| {
        AppError::Invalid {
            field: "answer",
            key: e.key(),
        }
    })?;
    let saved = state
        .store()
        .save_vendor_sheet_answer(
            &auth.actor(),
            &answer_row(&s.institution_id, &s.id, &f.item_id, slot, answer),
            f.version,
        )
        .await
        .map_err(|e| match e {
            mamori_store::StoreError::Conflict(
                mamori_store::ConflictKind::VendorSheetSubmitted,
            ) => AppError::Invalid {
                field: "sheet",
                key: "error-cy-submitted",
            },
            other => other.into(),
        })?;
    Ok(saved)
}

pub(crate) fn vendor_only(party: mamori_domain::role_sharing::Party) -> AppResult<()> {
    if party == mamori_domain::role_sharing::Party::Vendor {
        Ok(())
    } else {
        // The institution reads its vendors' sheets; it does not answer them.
        Err(AppError::Forbidden)
    }
}

pub async fn vendor_sheet_answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    vendor_only(party)?;
    match save_sheet_answer(&state, &auth, &s, &f).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/vendor-sheets/{id}?ok=flash-cy-saved#item-{}",
            f.item_id
        ))
        .into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let tr = Tr::new(auth.meta.lang);
            let redo = Redo {
                item_id: &f.item_id,
                slot: &f.slot,
                form: &f,
                error: tr.t(e.info().key),
            };
            let mut r =
                vendor_sheet_view(&state, &auth, s, party, Some(redo), &Flash::default()).await?;
            if matches!(e, AppError::Conflict(_)) {
                *r.status_mut() = axum::http::StatusCode::CONFLICT;
            }
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn submit_vendor_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    vendor_only(party)?;
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&s.catalog_id).ok_or(AppError::NotFound)?;
    let m = model(cat, &state.store().vendor_sheet_answers(&s.id).await?);
    if m.done < m.needed {
        return Ok(
            Redirect::to(&format!("/vendor-sheets/{id}?err=error-cy-incomplete")).into_response(),
        );
    }
    match state
        .store()
        .submit_vendor_sheet(&auth.actor(), &id, f.version)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/vendor-sheets/{id}?ok=flash-cy-submitted")).into_response())
        }
        Err(mamori_store::StoreError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/vendor-sheets/{id}?err=error-conflict")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The institution sends a submitted sheet back to its vendor with a reason (差し戻し):
/// the vendor can correct it and submit again.
pub async fn return_vendor_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    if party != mamori_domain::role_sharing::Party::Institution {
        return Err(AppError::Forbidden);
    }
    mamori_app::access::require(
        &auth,
        Action::AnswerAssessment,
        Scope::Institution(&s.institution_id),
    )?;
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Ok(
            Redirect::to(&format!("/vendor-sheets/{id}?err=error-vs-return-reason"))
                .into_response(),
        );
    }
    match state
        .store()
        .return_vendor_sheet(&auth.actor(), &id, f.version, reason)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/vendor-sheets/{id}?ok=flash-vs-returned")).into_response())
        }
        Err(mamori_store::StoreError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/vendor-sheets/{id}?err=error-conflict")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CopyForm {
    pub from: String,
}

/// Reuse the answers of an earlier submitted sheet of the same vendor (another institution
/// or year): only slots not answered yet are filled; dates are kept as they were given.
pub async fn copy_vendor_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CopyForm>,
) -> AppResult<Response> {
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    vendor_only(party)?;
    let from = state
        .store()
        .vendor_sheet(&f.from)
        .await?
        .filter(|o| {
            o.vendor_id == s.vendor_id && o.status == "submitted" && o.catalog_id == s.catalog_id
        })
        .ok_or(AppError::NotFound)?;
    let have = state.store().vendor_sheet_answers(&s.id).await?;
    let mut copied = 0;
    for x in state.store().vendor_sheet_answers(&from.id).await? {
        if have
            .iter()
            .any(|h| h.item_id == x.item_id && h.slot == x.slot)
        {
            continue;
        }
        let form = AnswerForm {
            item_id: x.item_id.clone(),
            slot: x.slot.clone(),
            version: 0,
            check1: x.check1.clone().unwrap_or_default(),
            check1_on: x.check1_on.clone().unwrap_or_default(),
            check2: x.check2.clone().unwrap_or_default(),
            check2_on: x.check2_on.clone().unwrap_or_default(),
            target_on: x.target_on.clone().unwrap_or_default(),
            note: x.note.clone(),
        };
        // An answer that does not hold in this fiscal year (a target date) is left out.
        if save_sheet_answer(&state, &auth, &s, &form).await.is_ok() {
            copied += 1;
        }
    }
    Ok(Redirect::to(&format!(
        "/vendor-sheets/{id}?ok=flash-cy-copied&copied={copied}"
    ))
    .into_response())
}
