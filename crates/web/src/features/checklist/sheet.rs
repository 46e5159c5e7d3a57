//! The institution's sheet: showing it, answering, approving, reopening, revisions.

use super::{evidence::*, vendor_sheets::*};
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::assessments::{check_label, model, slot_of, to_domain};
use mamori_domain::assessment::{self as asm, Slot, YesNo};
use mamori_domain::codes::AssessmentStatus;
use mamori_domain::grants::GrantStanding;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::Institution;
use mamori_store::{Assessment, AssessmentAnswer};
use serde::Deserialize;

// ------------------------------------------------------------------ the sheet

pub struct SlotView {
    pub slot: String,
    pub label: String,
    pub version: i64,
    pub check1: String,
    pub check1_on: String,
    pub check2: String,
    pub check2_on: String,
    pub target_on: String,
    pub note: String,
    pub carried: bool,
    /// Last year's answer, for re-confirmation.
    pub carried_text: String,
    pub updated: String,
    pub overdue: bool,
    pub error: Option<String>,
    /// The field the error is about (`check1`, `check1_on`, `target_on`, …).
    pub error_field: String,
    /// Just saved (the slot says so where the user is).
    pub saved: bool,
}

pub struct EvRow {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub effective_on: String,
    pub stale: bool,
    pub href: Option<String>,
}

pub struct ItemView {
    pub evidence: Vec<EvRow>,
    /// mamori's suggested first check and why (a person confirms it).
    pub suggestion: Option<(String, String)>,
    /// Where the suggestion's data is kept (the ledger for its item): (link, label).
    pub suggestion_link: Option<(String, String)>,
    /// Suggestions for a device class each (the ledger's): (slot, its label, check, why).
    pub slot_suggestions: Vec<(String, String, String, String)>,
    pub id: String,
    pub number: String,
    pub text: String,
    pub gate: bool,
    pub applicable: bool,
    pub references: String,
    pub is_new: bool,
    pub slots: Vec<SlotView>,
}

/// An inspector link as the sheet lists it.
pub struct LinkRow {
    pub id: String,
    pub label: String,
    pub recipient: String,
    pub expires: String,
    pub last_access: String,
    pub active: bool,
}

pub struct SectionView {
    /// The section's id in the page (`sec-…`), for the outline's links.
    pub anchor: String,
    pub title: String,
    pub items: Vec<ItemView>,
}

#[derive(Template)]
#[template(path = "checklist/assessment.html")]
pub(crate) struct SheetPage {
    page: PageCtx,
    a: Assessment,
    approved: bool,
    fy_label: String,
    fy_range: (String, String),
    catalog_title: String,
    /// The notice of a partial catalog version, and the catalog's page.
    coverage: Option<(String, String)>,
    sections: Vec<SectionView>,
    done: usize,
    needed: usize,
    gate_no: bool,
    can_answer: bool,
    can_approve: bool,
    can_reopen: bool,
    /// The officer may ask for approval (a draft); `unmet` says whether it would be taken.
    can_request: bool,
    /// The executive may send a requested sheet back (with a reason).
    can_send_back: bool,
    /// The officer may withdraw the request.
    can_withdraw: bool,
    approval: Option<mamori_app::approvals::ApprovalBlock>,
    requested: bool,
    revisions: Vec<(i64, String, String, String)>,
    carried_from: Option<String>,
    sheets: Vec<SheetRow>,
    has_contracts: bool,
    links: Vec<LinkRow>,
    can_links: bool,
    /// (value, kind, name) of each record evidence can point to.
    targets: Vec<(String, String, String)>,
    today: String,
    /// What keeps the draft from approval: (item id, item number and slot, why).
    unmet: Vec<(String, String, String)>,
    answer_url: String,
    sheet_url: String,
    outline: Vec<super::slot::OutlineRow>,
    show: &'static str,
    /// Items shown by each filter: all, not answered, いいえ.
    counts: (usize, usize, usize),
    /// A refused save without JavaScript: the link to the field and the message.
    error_summary: Option<(String, String)>,
    /// The request to the vendors was sent: said where the list is, not at the top.
    vs_flash: Option<String>,
}

pub(crate) struct Redo<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) slot: &'a str,
    pub(crate) form: &'a AnswerForm,
    pub(crate) error: String,
    pub(crate) field: String,
}

pub(crate) async fn sheet_view(
    state: &AppState,
    auth: &Auth,
    a: Assessment,
    inst: &Institution,
    redo: Option<Redo<'_>>,
    flash: &Flash,
    q: &super::slot::SheetQuery,
) -> AppResult<Response> {
    // The vendors' requests are confirmed beside their list, where the button was.
    let mut flash = flash.clone();
    let vs_flash = flash
        .ok
        .take_if(|k| k == "flash-cy-requested")
        .map(|k| Tr::new(auth.meta.lang).t(&k));
    let flash = &flash;
    let page = PageCtx::signed_in(
        state,
        auth,
        "assessments",
        Some(inst),
        &format!("/assessments/{}", a.id),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let reg = state.catalogs();
    let cat = reg
        .catalogs
        .get(&a.catalog_id)
        .ok_or_else(|| AppError::Internal(format!("catalog {} not served", a.catalog_id)))?;
    let store = state.store();
    let answers = store.assessment_answers(&a.id).await?;
    // Each slot's answer, found by item and slot (a sheet has thousands of slots).
    let by_slot: std::collections::HashMap<(&str, asm::Slot), &AssessmentAnswer> = answers
        .iter()
        .map(|x| ((x.item_id.as_str(), x.slot), x))
        .collect();
    let m = model(cat, &answers);
    let today = mamori_domain::time::today_jst();
    // Items that are new in this version (no relation from the previous assessment's).
    let previous = match &a.previous_id {
        Some(p) => store.assessment(p).await?,
        None => None,
    };
    let new_items: Vec<String> = match &previous {
        Some(p) if p.catalog_id != a.catalog_id => cat
            .items
            .iter()
            .filter(|i| {
                !reg.crosswalks.values().any(|x| {
                    x.crosswalk.from == p.catalog_id
                        && x.crosswalk.to == a.catalog_id
                        && x.relations.iter().any(|r| r.to == i.id)
                })
            })
            .map(|i| i.id.clone())
            .collect(),
        _ => vec![],
    };
    let evidence = store.evidence(&a.id).await?;
    let suggested = if a.status == AssessmentStatus::Draft {
        suggestions(state, inst, cat, &tr).await?
    } else {
        vec![]
    };
    let targets = evidence_targets(state, inst, &tr).await?;
    let mut sections: Vec<SectionView> = Vec::new();
    for s in &cat.sections {
        let items: Vec<ItemView> = cat
            .items
            .iter()
            .filter(|i| i.section == s.id)
            .map(|i| {
                let applicable = i.gate || !m.gate_no;
                let slots = asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
                ItemView {
                    evidence: evidence
                        .iter()
                        .filter(|e| e.item_id == i.id)
                        .map(|e| EvRow {
                            id: e.id.clone(),
                            label: e.label.clone(),
                            kind: tr.t(&format!("ev-kind-{}", e.kind.as_str().replace('_', "-"))),
                            effective_on: e.effective_on.clone(),
                            stale: is_stale(&e.effective_on, &today),
                            href: e
                                .sha256
                                .as_ref()
                                .map(|_| format!("/assessments/{}/evidence/{}", a.id, e.id)),
                        })
                        .collect(),
                    suggestion: suggested
                        .iter()
                        .find(|(item, slot, _, _)| *item == i.id && slot == "all")
                        .map(|(_, _, check, why)| (check.to_string(), why.clone())),
                    suggestion_link: i
                        .text
                        .contains("台帳管理")
                        .then(|| (format!("/i/{}/ledger", inst.code), tr.t("asset-title"))),
                    slot_suggestions: suggested
                        .iter()
                        .filter(|(item, slot, _, _)| *item == i.id && slot != "all")
                        .map(|(_, slot, check, why)| {
                            (
                                slot.clone(),
                                tr.t(&format!("cy-slot-{slot}")),
                                check.to_string(),
                                why.clone(),
                            )
                        })
                        .collect(),
                    id: i.id.clone(),
                    number: i.number.clone(),
                    text: i.text.clone(),
                    gate: i.gate,
                    applicable,
                    references: i.references.join("、"),
                    is_new: new_items.contains(&i.id),
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
        if items.is_empty() {
            continue;
        }
        sections.push(SectionView {
            anchor: super::slot::section_anchor(&s.id),
            title: super::slot::section_title(&tr, &s.number, &s.title),
            items,
        });
    }
    q.apply(&mut sections);
    let counts = super::slot::filter_sections(&mut sections, q.show());
    let error_summary = super::slot::error_summary(&tr, cat, redo.as_ref());
    let can = |action: Action| {
        mamori_app::access::may(auth, action, Scope::Institution(&a.institution_id))
    };
    let draft = a.status == AssessmentStatus::Draft;
    let requested = a.status == AssessmentStatus::Requested;
    let revisions = store
        .assessment_revisions(&a.id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.revision,
                mamori_domain::time::timestamp_jst(r.approved_at),
                r.approved_label,
                r.reason,
            )
        })
        .collect();
    let sheets = sheet_rows(state, &a).await?;
    let links = store
        .inspector_links(&a.id)
        .await?
        .into_iter()
        .map(|l| LinkRow {
            active: l.standing(auth.now) == GrantStanding::Active,
            expires: mamori_domain::time::timestamp_jst(l.expires_at),
            last_access: l
                .last_access_at
                .map(mamori_domain::time::timestamp_jst)
                .unwrap_or_else(|| "—".into()),
            id: l.id,
            label: l.label,
            recipient: l.recipient,
        })
        .collect();
    let has_contracts = !store.contracts(&a.institution_id).await?.is_empty();
    let unmet = if a.status != AssessmentStatus::Approved {
        mamori_app::assessments::unmet(cat, &a, &answers, &today)
            .into_iter()
            .map(|u| {
                let place = if u.slot == Slot::All {
                    u.number
                } else {
                    format!("{} {}", u.number, tr.t(&format!("cy-slot-{}", u.slot)))
                };
                (u.item_id, place, tr.t(u.key))
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = crate::ui::page_status(redo.is_some());
    Ok((
        status,
        render(&SheetPage {
            answer_url: format!("/assessments/{}/answers", a.id),
            sheet_url: format!("/assessments/{}", a.id),
            outline: super::slot::outline(&tr, cat, &answers),
            show: q.show().as_str(),
            counts,
            error_summary,
            vs_flash,
            unmet,
            sheets,
            has_contracts,
            links,
            can_links: can(Action::AnswerAssessment),
            targets,
            today: today.clone(),
            fy_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
            fy_range: asm::fiscal_year_range(a.fiscal_year as i32),
            catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
            coverage: crate::ui::partial_notice(&tr, cat)
                .map(|n| (n, format!("/catalogs/{}", cat.catalog.id))),
            sections,
            done: m.done,
            needed: m.needed,
            gate_no: m.gate_no,
            can_answer: draft && can(Action::AnswerAssessment),
            can_approve: a.status != AssessmentStatus::Approved && can(Action::ApproveAssessment),
            can_reopen: a.status == AssessmentStatus::Approved && can(Action::AnswerAssessment),
            can_request: draft && can(Action::AnswerAssessment),
            can_send_back: requested && can(Action::ApproveAssessment),
            can_withdraw: requested
                && can(Action::AnswerAssessment)
                && !can(Action::ApproveAssessment),
            approval: mamori_app::approvals::approval_block(&tr, &a),
            requested,
            revisions,
            carried_from: previous
                .map(|p| mamori_domain::wareki::fiscal_year(p.fiscal_year as i32)),
            approved: a.status == AssessmentStatus::Approved,
            a,
            page,
        })?,
    )
        .into_response())
}

/// One answer field of a sheet as shown: the current answer (a carried one is shown as last
/// year's, for re-confirmation), or the values just sent back with their error.
pub(crate) fn slot_view(
    tr: &Tr,
    item_id: &str,
    slot: Slot,
    ans: Option<&AssessmentAnswer>,
    today: &str,
    redo: Option<&Redo<'_>>,
) -> SlotView {
    let carried = ans.is_some_and(|x| x.carried);
    let cur = ans.filter(|x| !x.carried);
    let g = |f: fn(&AssessmentAnswer) -> Option<String>| cur.and_then(f).unwrap_or_default();
    let mut v = SlotView {
        slot: slot.as_str().to_string(),
        label: tr.t(&format!("cy-slot-{}", slot.as_str())),
        version: ans.map(|x| x.version).unwrap_or(0),
        // Last year's はい/いいえ is offered again; its date is for this year to fill in.
        check1: ans
            .and_then(|x| x.check1)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        check1_on: g(|x| x.check1_on.clone()),
        check2: g(|x| x.check2.map(|c| c.to_string())),
        check2_on: g(|x| x.check2_on.clone()),
        target_on: g(|x| x.target_on.clone()),
        note: cur.map(|x| x.note.clone()).unwrap_or_default(),
        carried,
        carried_text: ans
            .filter(|x| x.carried)
            .map(|x| {
                format!(
                    "{} {}",
                    check_label(tr, x.check1),
                    x.check1_on.clone().unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        updated: cur
            .map(|x| {
                format!(
                    "{} {}",
                    mamori_domain::time::timestamp_jst(x.updated_at),
                    x.updated_label
                )
            })
            .unwrap_or_default(),
        overdue: cur.is_some_and(|x| asm::overdue(&to_domain(x), today)),
        error: None,
        error_field: String::new(),
        saved: false,
    };
    if let Some(r) = redo.filter(|r| r.item_id == item_id && r.slot == slot.as_str()) {
        v.error = Some(r.error.clone());
        v.error_field = r.field.clone();
        v.check1 = r.form.check1.clone();
        v.check1_on = r.form.check1_on.clone();
        v.check2 = r.form.check2.clone();
        v.check2_on = r.form.check2_on.clone();
        v.target_on = r.form.target_on.clone();
        v.note = r.form.note.clone();
    }
    v
}

/// The assessment, if the user may take `action` on it (404 outside the institution).
pub async fn assessment_for(
    state: &AppState,
    auth: &Auth,
    id: &str,
    action: Action,
) -> AppResult<(Assessment, Institution)> {
    let a = state
        .store()
        .assessment(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let inst = state
        .store()
        .institution(&a.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let inst = mamori_app::access::institution_for(state.store(), auth, &inst.code, action).await?;
    Ok((a, inst))
}

pub async fn sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
    Query(q): Query<super::slot::SheetQuery>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    sheet_view(&state, &auth, a, &inst, None, &flash, &q).await
}

pub use mamori_app::answers::AnswerForm;

/// Save one answer of the institution's sheet (the one answer path, `app::answers`).
pub async fn save_answer(
    state: &AppState,
    auth: &Auth,
    a: &Assessment,
    f: &AnswerForm,
) -> AppResult<AssessmentAnswer> {
    Ok(
        mamori_app::answers::save(state, auth, mamori_app::answers::Sheet::Assessment(a), f)
            .await?,
    )
}

/// Save one slot. With htmx the slot alone comes back (saved, or refused with what was
/// sent); without JavaScript the page does, at the slot, with the refusal summarised on
/// top.
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let result = save_answer(&state, &auth, &a, &f).await;
    let tr = Tr::new(auth.meta.lang);
    let (redo, status) = super::slot::outcome(&tr, result, &f)?;
    let here = format!("/assessments/{id}");
    if super::slot::is_htmx(&headers) {
        let answers = state.store().assessment_answers(&a.id).await?;
        return super::slot::htmx_reply(
            &state,
            tr,
            auth.csrf(),
            &a.catalog_id,
            &answers,
            &here,
            &f,
            a.fiscal_year,
            redo.as_ref(),
            status,
        );
    }
    let Some(redo) = redo else {
        return Ok(super::slot::saved_redirect(&here, &f));
    };
    let q = super::slot::SheetQuery::default();
    let mut r = sheet_view(&state, &auth, a, &inst, Some(redo), &Flash::default(), &q).await?;
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    pub version: i64,
    #[serde(default)]
    pub reason: String,
}

pub async fn approve(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let to = match mamori_app::assessments::approve(&state, &auth, &id, f.version).await {
        Ok(_) => "ok=flash-cy-approved",
        // The sheet lists what is unmet, with links to each item.
        Err(mamori_app::Error::Unmet(_)) => "err=error-cy-incomplete",
        Err(mamori_app::Error::Conflict(_)) => "err=error-conflict",
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{to}")).into_response())
}

pub async fn reopen(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let to = match mamori_app::assessments::reopen(&state, &auth, &id, f.version, &f.reason).await {
        Ok(_) => "ok=flash-cy-reopened",
        Err(mamori_app::Error::Invalid { key, .. }) => {
            return Ok(Redirect::to(&format!("/assessments/{id}?err={key}")).into_response())
        }
        Err(mamori_app::Error::Conflict(_)) => "err=error-conflict",
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{to}")).into_response())
}

#[derive(Template)]
#[template(path = "checklist/assessment_revision.html")]
pub(crate) struct RevisionPage {
    page: PageCtx,
    a: Assessment,
    fy_label: String,
    revision: i64,
    approved: String,
    reason: String,
    rows: Vec<(String, String, String, String, String, String)>,
}

pub async fn revision(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, n)): Path<(String, i64)>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    let r = state
        .store()
        .assessment_revisions(&id)
        .await?
        .into_iter()
        .find(|r| r.revision == n)
        .ok_or(AppError::NotFound)?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "assessments",
        Some(&inst),
        &format!("/assessments/{id}/revisions/{n}"),
    )
    .await?;
    let tr = page.tr;
    let answers: Vec<AssessmentAnswer> =
        serde_json::from_str::<Vec<serde_json::Value>>(&r.snapshot)
            .unwrap_or_default()
            .into_iter()
            .map(|v| AssessmentAnswer {
                item_id: v["item_id"].as_str().unwrap_or_default().into(),
                slot: v["slot"].as_str().and_then(Slot::parse).unwrap_or_default(),
                check1: v["check1"].as_str().and_then(YesNo::parse),
                check1_on: v["check1_on"].as_str().map(String::from),
                check2: v["check2"].as_str().and_then(YesNo::parse),
                check2_on: v["check2_on"].as_str().map(String::from),
                target_on: v["target_on"].as_str().map(String::from),
                carried: v["carried"].as_bool().unwrap_or(false),
                ..Default::default()
            })
            .collect();
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&a.catalog_id);
    let rows = answers
        .iter()
        .filter(|x| !x.carried)
        .map(|x| {
            (
                cat.and_then(|c| c.item(&x.item_id))
                    .map(|i| i.number.clone())
                    .unwrap_or_else(|| x.item_id.clone()),
                tr.t(&format!("cy-slot-{}", x.slot)),
                format!(
                    "{} {}",
                    check_label(&tr, x.check1),
                    x.check1_on.clone().unwrap_or_default()
                ),
                format!(
                    "{} {}",
                    check_label(&tr, x.check2),
                    x.check2_on.clone().unwrap_or_default()
                ),
                x.target_on.clone().unwrap_or_default(),
                String::new(),
            )
        })
        .collect();
    Ok(render(&RevisionPage {
        fy_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
        revision: r.revision,
        approved: format!(
            "{} {}",
            mamori_domain::time::timestamp_jst(r.approved_at),
            r.approved_label
        ),
        reason: r.reason,
        rows,
        a,
        page,
    })?
    .into_response())
}
