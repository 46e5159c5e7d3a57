//! The list of a year's checklists, starting one, and the dashboard panel.

use super::evidence::*;
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::assessments::{document_for, model, to_domain, versions};
use mamori_domain::assessment::{self as asm, YesNo};
use mamori_domain::codes::AssessmentStatus;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::time::current_fiscal_year;
use mamori_domain::Institution;
use serde::Deserialize;

// ------------------------------------------------------------------ list and start

pub struct AssessmentRow {
    pub href: String,
    pub fiscal_year: String,
    pub catalog: String,
    pub status: String,
    pub approved: bool,
    pub revision: i64,
    pub done: usize,
    pub needed: usize,
}

#[derive(Template)]
#[template(path = "checklist/assessments.html")]
pub(crate) struct ListPage {
    page: PageCtx,
    code: String,
    rows: Vec<AssessmentRow>,
    can_start: bool,
    years: Vec<(i32, String)>,
    catalogs: Vec<(String, String)>,
    /// Some version offered holds only part of its official document.
    partial: bool,
    error: Option<String>,
}

pub(crate) async fn list_view(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    error: Option<String>,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "assessments",
        Some(inst),
        &format!("/i/{}/assessments", inst.code),
    )
    .await?;
    let tr = page.tr;
    let reg = state.catalogs();
    let list = state.store().assessments(&inst.id).await?;
    let mut rows = Vec::new();
    for a in &list {
        let (done, needed) = match reg.catalogs.get(&a.catalog_id) {
            Some(cat) => {
                let m = model(cat, &state.store().assessment_answers(&a.id).await?);
                (m.done, m.needed)
            }
            None => (0, 0),
        };
        rows.push(AssessmentRow {
            href: format!("/assessments/{}", a.id),
            fiscal_year: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
            catalog: reg
                .catalogs
                .get(&a.catalog_id)
                .map(|c| c.catalog.title.clone())
                .unwrap_or_else(|| a.catalog_id.clone()),
            status: tr.t(&format!("cy-status-{}", a.status)),
            approved: a.status == AssessmentStatus::Approved,
            revision: a.revision,
            done,
            needed,
        });
    }
    let fy = current_fiscal_year();
    let years = (fy - 2..=fy + 1)
        .rev()
        .map(|y| (y, mamori_domain::wareki::fiscal_year(y)))
        .collect();
    let offered = versions(&reg, document_for(inst));
    // Starting on a partial version asks first: its missing items are neither answered nor
    // exported.
    let partial = offered.iter().any(|c| !c.catalog.coverage.complete);
    let catalogs = offered
        .into_iter()
        .map(|c| {
            let mut label = format!("{}({})", c.catalog.title, c.catalog.version);
            if !c.catalog.coverage.complete {
                label.push(' ');
                label.push_str(&tr.t1("coverage-partial-option", "n", c.items.len()));
            }
            (c.catalog.id.clone(), label)
        })
        .collect();
    let can_start =
        mamori_app::access::may(auth, Action::AnswerAssessment, Scope::Institution(&inst.id));
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&ListPage {
            code: inst.code.clone(),
            rows,
            can_start,
            years,
            catalogs,
            partial,
            error,
            page,
        })?,
    )
        .into_response())
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewAssessments)
            .await?;
    list_view(&state, &auth, &inst, None).await
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    pub fiscal_year: i32,
    pub catalog_id: String,
}

pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let input = mamori_app::assessments::StartInput {
        fiscal_year: i64::from(form.fiscal_year),
        catalog_id: form.catalog_id,
    };
    let key = match mamori_app::assessments::start(&state, &auth, &code, &input).await {
        Ok(a) => return Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(mamori_app::Error::Invalid { key, .. }) => key,
        Err(mamori_app::Error::Duplicate(_)) => "error-cy-exists",
        Err(e) => return Err(e.into()),
    };
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::AnswerAssessment)
            .await?;
    let tr = Tr::new(auth.meta.lang);
    list_view(&state, &auth, &inst, Some(tr.t(key))).await
}

// ------------------------------------------------------------------ dashboard

/// What the dashboard shows of the checklist: the latest fiscal year's sheet.
pub struct Signals {
    pub href: String,
    pub fiscal_year: String,
    pub approved: bool,
    /// 承認依頼中: waiting for the executive.
    pub requested: bool,
    /// Who asked and when, while requested.
    pub requested_by: String,
    /// The viewer may approve it (the executive's call to act).
    pub awaiting_me: bool,
    /// Slots unanswered or breaking a rule (a sheet not yet approved).
    pub unmet: usize,
    /// Vendor sheets submitted (to read through).
    pub submitted: usize,
    pub draft: bool,
    pub returned_reason: String,
    pub done: usize,
    pub needed: usize,
    /// (item number, slot label, target date, overdue)
    pub no_items: Vec<(String, String, String, bool)>,
    pub overdue: usize,
    /// Vendors whose sheet is requested and not submitted.
    pub outstanding: Vec<String>,
    /// Evidence more than a year old.
    pub stale: usize,
}

#[derive(Template)]
#[template(path = "checklist/panel.html")]
pub(crate) struct Panel<'a> {
    tr: &'a Tr,
    cl: Signals,
}

/// The officer's to-do list of the year's sheet, each entry linking to where to act.
fn todo(cl: &Signals, tr: &Tr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if cl.draft && !cl.returned_reason.is_empty() {
        out.push((
            tr.t1("todo-returned", "reason", &cl.returned_reason),
            cl.href.clone(),
        ));
    }
    if cl.draft && cl.unmet > 0 {
        out.push((
            tr.t1("todo-unmet", "count", cl.unmet),
            format!("{}#cy-unmet", cl.href),
        ));
    } else if cl.draft {
        out.push((tr.t("todo-request"), cl.href.clone()));
    }
    if cl.overdue > 0 {
        out.push((tr.t1("todo-overdue", "count", cl.overdue), cl.href.clone()));
    }
    if cl.submitted > 0 {
        out.push((
            tr.t1("todo-submitted", "count", cl.submitted),
            format!("{}#vendor-sheets", cl.href),
        ));
    }
    if !cl.outstanding.is_empty() {
        out.push((
            tr.t1("todo-outstanding", "count", cl.outstanding.len()),
            format!("{}#vendor-sheets", cl.href),
        ));
    }
    if cl.stale > 0 {
        out.push((tr.t1("todo-stale", "count", cl.stale), cl.href.clone()));
    }
    out
}

/// The checklist's part of the institution dashboard, from one reading of the year's
/// sheet: its panel (for those who may see checklists) and what those who answer it have
/// to do, each with where to act.
pub async fn dashboard_part(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<(Option<String>, Vec<(String, String)>)> {
    let may = |action| mamori_app::access::may(auth, action, Scope::Institution(&inst.id));
    if !may(Action::ViewAssessments) {
        return Ok((None, vec![]));
    }
    let Some(mut cl) = signals(state, inst, tr).await? else {
        return Ok((None, vec![]));
    };
    let todo = if may(Action::AnswerAssessment) {
        todo(&cl, tr)
    } else {
        vec![]
    };
    cl.awaiting_me = cl.requested && may(Action::ApproveAssessment);
    Ok((Some(render(&Panel { tr, cl })?.0), todo))
}

pub async fn signals(state: &AppState, inst: &Institution, tr: &Tr) -> AppResult<Option<Signals>> {
    let Some(a) = state
        .store()
        .assessments(&inst.id)
        .await?
        .into_iter()
        .max_by_key(|a| a.fiscal_year)
    else {
        return Ok(None);
    };
    let reg = state.catalogs();
    let Some(cat) = reg.catalogs.get(&a.catalog_id) else {
        return Ok(None);
    };
    let answers = state.store().assessment_answers(&a.id).await?;
    let m = model(cat, &answers);
    let today = mamori_domain::time::today_jst();
    let no_items: Vec<(String, String, String, bool)> = answers
        .iter()
        .filter(|x| !x.carried && x.check1 == Some(YesNo::No))
        .filter(|x| x.check2 != Some(YesNo::Yes))
        .map(|x| {
            (
                cat.item(&x.item_id)
                    .map(|i| i.number.clone())
                    .unwrap_or_else(|| x.item_id.clone()),
                tr.t(&format!("cy-slot-{}", x.slot)),
                x.target_on.clone().unwrap_or_default(),
                asm::overdue(&to_domain(x), &today),
            )
        })
        .collect();
    let (submitted, outstanding): (Vec<_>, Vec<_>) = state
        .store()
        .vendor_sheets(&a.id)
        .await?
        .into_iter()
        .partition(|s| s.status == mamori_domain::codes::VendorSheetStatus::Submitted);
    let outstanding = outstanding.into_iter().map(|s| s.vendor_name).collect();
    let unmet = if a.status == AssessmentStatus::Approved {
        0
    } else {
        mamori_app::assessments::unmet(cat, &a, &answers, &today).len()
    };
    let stale = state
        .store()
        .evidence(&a.id)
        .await?
        .iter()
        .filter(|e| is_stale(&e.effective_on, &today))
        .count();
    Ok(Some(Signals {
        outstanding,
        stale,
        href: format!("/assessments/{}", a.id),
        fiscal_year: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
        approved: a.status == AssessmentStatus::Approved,
        requested: a.status == AssessmentStatus::Requested,
        requested_by: mamori_app::approvals::approval_block(tr, &a)
            .filter(|_| a.status == AssessmentStatus::Requested)
            .map(|b| format!("{} {}", b.requested_by, b.requested_on))
            .unwrap_or_default(),
        awaiting_me: false,
        unmet,
        submitted: submitted.len(),
        draft: a.status == AssessmentStatus::Draft,
        returned_reason: a.returned_reason.clone(),
        done: m.done,
        needed: m.needed,
        overdue: no_items.iter().filter(|x| x.3).count(),
        no_items,
    }))
}
