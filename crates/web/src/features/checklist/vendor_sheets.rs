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
use mamori_app::assessments::{model, slot_of};
use mamori_domain::assessment::{self as asm};
use mamori_domain::codes::VendorSheetStanding;
use mamori_domain::policy::{Action, Scope};
use mamori_store::{Assessment, AssessmentAnswer};
use serde::Deserialize;

// ------------------------------------------------------------------ vendor sheets

pub struct SheetRow {
    pub href: String,
    pub vendor: String,
    pub contract: String,
    /// Submitted, returned (sent back, awaiting resubmission) or requested.
    pub standing: VendorSheetStanding,
    pub done: usize,
    pub needed: usize,
    /// The day it was asked for, and the day it was submitted (empty until then).
    pub requested_on: String,
    pub submitted_on: String,
}

impl SheetRow {
    pub fn submitted(&self) -> bool {
        self.standing == VendorSheetStanding::Submitted
    }
    pub fn returned(&self) -> bool {
        self.standing == VendorSheetStanding::Returned
    }
}

/// The vendor sheets of an assessment, for its page.
pub async fn sheet_rows(state: &AppState, a: &Assessment) -> AppResult<Vec<SheetRow>> {
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
        let m = mamori_app::vendor_sheets::progress(
            state,
            &s,
            answers.get(&s.id).map(Vec::as_slice).unwrap_or(&[]),
        );
        rows.push(SheetRow {
            href: format!("/vendor-sheets/{}", s.id),
            standing: mamori_app::assessments::sheet_standing(&s),
            requested_on: mamori_domain::time::date_jst(s.requested_at),
            submitted_on: s
                .submitted_at
                .map(mamori_domain::time::date_jst)
                .unwrap_or_default(),
            vendor: s.vendor_name,
            contract: s.contract_title,
            done: m.done,
            needed: m.needed,
        });
    }
    Ok(rows)
}

pub async fn request_sheets(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let to = match mamori_app::vendor_sheets::request(&state, &auth, &id).await {
        Ok(_) => "ok=flash-cy-requested".to_string(),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{to}#vendor-sheets")).into_response())
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
    Ok(mamori_app::vendor_sheets::sheet_for(state, auth, id).await?)
}

#[derive(Template)]
#[template(path = "checklist/vendor_sheet.html")]
pub(crate) struct VendorSheetPage {
    page: PageCtx,
    s: mamori_store::VendorSheet,
    /// Submitted (otherwise requested: open to the vendor).
    submitted: bool,
    fy_label: String,
    fy_range: (String, String),
    catalog_title: String,
    /// The notice of a partial catalog version, and the catalog's page.
    coverage: Option<(String, String)>,
    sections: Vec<SectionView>,
    done: usize,
    needed: usize,
    can_answer: bool,
    can_submit: bool,
    /// The institution may send the submitted sheet back (差し戻し).
    can_return: bool,
    /// Earlier submitted sheets of this vendor to reuse answers from: (id, label).
    sources: Vec<(String, String)>,
    /// Read by the contract's vendor (its portal is the way back), not the institution
    /// (its checklist is).
    vendor_side: bool,
    requested_on: String,
    submitted_on: String,
    answer_url: String,
    sheet_url: String,
    outline: Vec<super::slot::OutlineRow>,
    show: &'static str,
    counts: (usize, usize, usize),
    error_summary: Option<(String, String)>,
}

pub(crate) async fn vendor_sheet_view(
    state: &AppState,
    auth: &Auth,
    s: mamori_store::VendorSheet,
    party: mamori_domain::role_sharing::Party,
    redo: Option<Redo<'_>>,
    flash: &Flash,
    q: &super::slot::SheetQuery,
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
    // Each slot's answer, found by item and slot (a sheet has thousands of slots).
    let by_slot: std::collections::HashMap<(&str, asm::Slot), &AssessmentAnswer> = answers
        .iter()
        .map(|x| ((x.item_id.as_str(), x.slot), x))
        .collect();
    let today = mamori_domain::time::today_jst();
    let mut sections: Vec<SectionView> = cat
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
                        slot_suggestions: Vec::new(),
                        suggestion_link: None,
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
                                let ans = by_slot.get(&(i.id.as_str(), *sl)).copied();
                                slot_view(&tr, &i.id, *sl, ans, &today, redo.as_ref())
                            })
                            .collect(),
                    }
                })
                .collect();
            (!items.is_empty()).then(|| SectionView {
                anchor: super::slot::section_anchor(&sec.id),
                title: super::slot::section_title(&tr, &sec.number, &sec.title),
                items,
            })
        })
        .collect();
    q.apply(&mut sections);
    let counts = super::slot::filter_sections(&mut sections, q.show());
    let error_summary = super::slot::error_summary(&tr, cat, redo.as_ref());
    let open = s.status == mamori_domain::codes::VendorSheetStatus::Requested;
    let sources = if party == Party::Vendor && open {
        mamori_app::vendor_sheets::copy_sources(state, &s)
            .await?
            .into_iter()
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
            requested_on: mamori_domain::time::date_jst(s.requested_at),
            submitted_on: s
                .submitted_at
                .map(mamori_domain::time::date_jst)
                .unwrap_or_default(),
            answer_url: format!("/vendor-sheets/{}/answers", s.id),
            sheet_url: format!("/vendor-sheets/{}", s.id),
            outline: super::slot::outline(&tr, cat, &answers),
            show: q.show().as_str(),
            counts,
            error_summary,
            fy_label: mamori_domain::wareki::fiscal_year(s.fiscal_year as i32),
            fy_range: asm::fiscal_year_range(s.fiscal_year as i32),
            catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
            coverage: crate::ui::partial_notice(&tr, cat)
                .map(|n| (n, format!("/catalogs/{}", cat.catalog.id))),
            sections,
            done: m.done,
            needed: m.needed,
            can_answer: open && party == Party::Vendor,
            can_submit: open && party == Party::Vendor && m.done >= m.needed,
            can_return: s.status == mamori_domain::codes::VendorSheetStatus::Submitted
                && party == Party::Institution
                && mamori_app::access::may(
                    auth,
                    Action::AnswerAssessment,
                    Scope::Institution(&s.institution_id),
                ),
            sources,
            submitted: !open,
            vendor_side: party == Party::Vendor,
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
    Query(q): Query<super::slot::SheetQuery>,
) -> AppResult<Response> {
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    vendor_sheet_view(&state, &auth, s, party, None, &flash, &q).await
}

/// Save one slot of the vendor's sheet: as the institution's sheet does
/// ([`super::sheet::answer`]), a fragment for htmx, the page otherwise.
pub async fn vendor_sheet_answer(
    State(state): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let result = mamori_app::vendor_sheets::answer(&state, &auth, &id, &f)
        .await
        .map_err(AppError::from);
    let tr = Tr::new(auth.meta.lang);
    let (redo, status) = super::slot::outcome(&tr, result, &f)?;
    let (s, party) = sheet_for(&state, &auth, &id).await?;
    let here = format!("/vendor-sheets/{id}");
    if super::slot::is_htmx(&headers) {
        let answers = state.store().vendor_sheet_answers(&s.id).await?;
        return super::slot::htmx_reply(
            &state,
            tr,
            auth.csrf(),
            &s.catalog_id,
            &answers,
            &here,
            &f,
            s.fiscal_year,
            redo.as_ref(),
            status,
        );
    }
    let Some(redo) = redo else {
        return Ok(super::slot::saved_redirect(&here, &f));
    };
    let q = super::slot::SheetQuery::default();
    let mut r =
        vendor_sheet_view(&state, &auth, s, party, Some(redo), &Flash::default(), &q).await?;
    *r.status_mut() = status;
    Ok(r)
}

/// Where a sheet's page goes after a move: the flash, or the refusal's message.
fn after_move<T>(id: &str, done: &str, r: mamori_app::Result<T>) -> AppResult<Response> {
    let to = match r {
        Ok(_) => format!("ok={done}"),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(mamori_app::Error::Conflict(_)) => "err=error-conflict".to_string(),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/vendor-sheets/{id}?{to}")).into_response())
}

pub async fn submit_vendor_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let r = mamori_app::vendor_sheets::submit(&state, &auth, &id, f.version).await;
    after_move(&id, "flash-cy-submitted", r)
}

/// The institution sends a submitted sheet back to its vendor with a reason (差し戻し):
/// the vendor can correct it and submit again.
pub async fn return_vendor_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let r = mamori_app::vendor_sheets::return_sheet(&state, &auth, &id, f.version, &f.reason).await;
    after_move(&id, "flash-vs-returned", r)
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
    match mamori_app::vendor_sheets::copy(&state, &auth, &id, &f.from).await {
        Ok(copied) => Ok(Redirect::to(&format!(
            "/vendor-sheets/{id}?ok=flash-cy-copied&copied={copied}"
        ))
        .into_response()),
        r @ Err(_) => after_move(&id, "", r),
    }
}
