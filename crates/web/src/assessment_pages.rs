//! The cybersecurity checklist of a fiscal year in the browser: start (from last year's or
//! on a newer version through the crosswalk), answer per item or device class, executive
//! approval that locks the sheet, reopening with a reason, and every approved revision.

use crate::auth::Auth;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, Flash, PageCtx};
use crate::service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_catalog::{Catalog, Device, Registry};
use mamori_domain::assessment::{self as asm, Slot, YesNo};
use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::{Institution, InstitutionKind};
use mamori_store::{Assessment, AssessmentAnswer};
use serde::Deserialize;

pub(crate) fn slot_of(d: Device) -> Slot {
    match d {
        Device::Server => Slot::Server,
        Device::Terminal => Slot::Terminal,
        Device::Network => Slot::Network,
    }
}

/// The document an institution answers: the pharmacy sheet for a pharmacy.
pub fn document_for(inst: &Institution) -> &'static str {
    if inst.kind == InstitutionKind::Pharmacy {
        "cyber-checklist-pharmacy"
    } else {
        "cyber-checklist-institution"
    }
}

/// The versions of that document, newest first.
pub fn versions<'a>(reg: &'a Registry, document: &str) -> Vec<&'a Catalog> {
    let mut v: Vec<&Catalog> = reg
        .catalogs
        .values()
        .filter(|c| c.catalog.publisher == "mhlw" && c.catalog.document == document)
        .collect();
    v.sort_by(|a, b| b.catalog.published.cmp(&a.catalog.published));
    v
}

/// The current fiscal year (April–March, Japan time).
pub fn current_fiscal_year() -> i32 {
    asm::fiscal_year_of(&crate::role_sharing::today()).unwrap_or(2024)
}

/// Answers of `prev` carried into an assessment on `to`: all of them on the same version;
/// through the crosswalk's `equal` relations on a newer one.
pub fn carry(
    reg: &Registry,
    prev: &Assessment,
    answers: &[AssessmentAnswer],
    to: &str,
) -> Vec<AssessmentAnswer> {
    let map: Vec<(String, String)> = if prev.catalog_id == to {
        answers
            .iter()
            .map(|a| (a.item_id.clone(), a.item_id.clone()))
            .collect()
    } else {
        reg.crosswalks
            .values()
            .filter(|x| x.crosswalk.from == prev.catalog_id && x.crosswalk.to == to)
            .flat_map(|x| x.relations.iter())
            .filter(|r| r.kind == mamori_catalog::RelationKind::Equal)
            .map(|r| (r.from.clone(), r.to.clone()))
            .collect()
    };
    answers
        .iter()
        .filter(|a| !a.carried)
        .filter_map(|a| {
            let (_, to_item) = map.iter().find(|(f, _)| *f == a.item_id)?;
            Some(AssessmentAnswer {
                item_id: to_item.clone(),
                ..a.clone()
            })
        })
        .collect()
}

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
#[template(path = "assessments.html")]
struct ListPage {
    page: PageCtx,
    code: String,
    rows: Vec<AssessmentRow>,
    can_start: bool,
    years: Vec<(i32, String)>,
    catalogs: Vec<(String, String)>,
    error: Option<String>,
}

/// The sheet as answered: per item, its slots and answers.
pub struct SheetModel {
    pub gate_no: bool,
    pub done: usize,
    pub needed: usize,
}

/// Progress of an assessment (first checks filled in, not carried).
pub fn model(cat: &Catalog, answers: &[AssessmentAnswer]) -> SheetModel {
    let current = |item: &str, slot: Slot| {
        answers
            .iter()
            .find(|a| a.item_id == item && a.slot == slot.as_str() && !a.carried)
    };
    let gate = cat.items.iter().find(|i| i.gate);
    let gate_no = gate
        .and_then(|g| current(&g.id, Slot::All))
        .and_then(|a| a.check1.as_deref())
        == Some("no");
    let mut needed = 0;
    let mut done = 0;
    for i in &cat.items {
        if gate_no && !i.gate {
            continue;
        }
        let slots = asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
        for s in slots {
            needed += 1;
            if current(&i.id, s).is_some_and(|a| a.check1.is_some()) {
                done += 1;
            }
        }
    }
    SheetModel {
        gate_no,
        done,
        needed,
    }
}

async fn list_view(
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
            approved: a.status == "approved",
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
    let catalogs = versions(&reg, document_for(inst))
        .into_iter()
        .map(|c| {
            (
                c.catalog.id.clone(),
                format!("{}({})", c.catalog.title, c.catalog.version),
            )
        })
        .collect();
    let can_start = service::may(auth, Action::AnswerAssessment, Scope::Institution(&inst.id));
    let status = crate::pages::page_status(error.is_some());
    Ok((
        status,
        render(&ListPage {
            code: inst.code.clone(),
            rows,
            can_start,
            years,
            catalogs,
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
        service::institution_for(state.store(), &auth, &code, Action::ViewAssessments).await?;
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
    let inst =
        service::institution_for(state.store(), &auth, &code, Action::AnswerAssessment).await?;
    let tr = Tr::new(auth.meta.lang);
    let reg = state.catalogs();
    let doc_ok = reg
        .catalogs
        .get(&form.catalog_id)
        .is_some_and(|c| c.catalog.document == document_for(&inst));
    let fy = current_fiscal_year();
    if !doc_ok || !(fy - 2..=fy + 1).contains(&form.fiscal_year) {
        return list_view(&state, &auth, &inst, Some(tr.t("error-rs-bad-value"))).await;
    }
    // The most recent earlier assessment is the one its answers come from.
    let previous = state
        .store()
        .assessments(&inst.id)
        .await?
        .into_iter()
        .filter(|a| a.fiscal_year < form.fiscal_year as i64)
        .max_by_key(|a| a.fiscal_year);
    let carried = match &previous {
        Some(p) => carry(
            &reg,
            p,
            &state.store().assessment_answers(&p.id).await?,
            &form.catalog_id,
        ),
        None => vec![],
    };
    let r = state
        .store()
        .create_assessment(
            &auth.actor(),
            &Assessment {
                id: String::new(),
                institution_id: inst.id.clone(),
                fiscal_year: form.fiscal_year as i64,
                catalog_id: form.catalog_id.clone(),
                status: String::new(),
                revision: 1,
                previous_id: previous.map(|p| p.id),
                approved_at: None,
                approved_by: None,
                reopen_reason: String::new(),
                version: 0,
                created_at: 0,
            },
            &carried,
        )
        .await;
    match r {
        Ok(a) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(mamori_store::StoreError::Duplicate(_)) => {
            list_view(&state, &auth, &inst, Some(tr.t("error-cy-exists"))).await
        }
        Err(e) => Err(e.into()),
    }
}

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
    pub id: String,
    pub number: String,
    pub text: String,
    pub gate: bool,
    pub applicable: bool,
    pub references: String,
    pub is_new: bool,
    pub slots: Vec<SlotView>,
}

pub struct SectionView {
    pub title: String,
    pub items: Vec<ItemView>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct SheetPage {
    page: PageCtx,
    a: Assessment,
    fy_label: String,
    fy_range: (String, String),
    catalog_title: String,
    sections: Vec<SectionView>,
    done: usize,
    needed: usize,
    gate_no: bool,
    can_answer: bool,
    can_approve: bool,
    can_reopen: bool,
    revisions: Vec<(i64, String, String, String)>,
    carried_from: Option<String>,
    sheets: Vec<SheetRow>,
    has_contracts: bool,
    /// (id, label, expires, active)
    links: Vec<(String, String, String, bool)>,
    can_links: bool,
    /// (value, kind, name) of each record evidence can point to.
    targets: Vec<(String, String, String)>,
    today: String,
}

fn check_label(tr: &Tr, v: Option<&str>) -> String {
    match v {
        Some("yes") => tr.t("rs-check-yes"),
        Some("no") => tr.t("rs-check-no"),
        _ => String::new(),
    }
}

struct Redo<'a> {
    item_id: &'a str,
    slot: &'a str,
    form: &'a AnswerForm,
    error: String,
}

async fn sheet_view(
    state: &AppState,
    auth: &Auth,
    a: Assessment,
    inst: &Institution,
    redo: Option<Redo<'_>>,
    flash: &Flash,
) -> AppResult<Response> {
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
    let m = model(cat, &answers);
    let today = crate::role_sharing::today();
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
    let suggested = if a.status == "draft" {
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
                            kind: tr.t(&format!("ev-kind-{}", e.kind.replace('_', "-"))),
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
                        .find(|(item, _, _)| *item == i.id)
                        .map(|(_, check, why)| (check.to_string(), why.clone())),
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
                            let ans = answers
                                .iter()
                                .find(|x| x.item_id == i.id && x.slot == sl.as_str());
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
            title: format!("{} {}", s.number, s.title).trim().to_string(),
            items,
        });
    }
    let can = |action: Action| service::may(auth, action, Scope::Institution(&a.institution_id));
    let draft = a.status == "draft";
    let revisions = store
        .assessment_revisions(&a.id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.revision,
                service::jst(r.approved_at),
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
        .map(|l| {
            let active = l.revoked_at.is_none() && l.expires_at > auth.now;
            (l.id, l.label, service::jst(l.expires_at), active)
        })
        .collect();
    let has_contracts = !store.contracts(&a.institution_id).await?.is_empty();
    let status = crate::pages::page_status(redo.is_some());
    Ok((
        status,
        render(&SheetPage {
            sheets,
            has_contracts,
            links,
            can_links: can(Action::AnswerAssessment),
            targets,
            today: today.clone(),
            fy_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
            fy_range: asm::fiscal_year_range(a.fiscal_year as i32),
            catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
            sections,
            done: m.done,
            needed: m.needed,
            gate_no: m.gate_no,
            can_answer: draft && can(Action::AnswerAssessment),
            can_approve: draft && can(Action::ApproveAssessment),
            can_reopen: !draft && can(Action::AnswerAssessment),
            revisions,
            carried_from: previous
                .map(|p| mamori_domain::wareki::fiscal_year(p.fiscal_year as i32)),
            a,
            page,
        })?,
    )
        .into_response())
}

/// One answer field of a sheet as shown: the current answer (a carried one is shown as last
/// year's, for re-confirmation), or the values just sent back with their error.
fn slot_view(
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
        check1: ans.and_then(|x| x.check1.clone()).unwrap_or_default(),
        check1_on: g(|x| x.check1_on.clone()),
        check2: g(|x| x.check2.clone()),
        check2_on: g(|x| x.check2_on.clone()),
        target_on: g(|x| x.target_on.clone()),
        note: cur.map(|x| x.note.clone()).unwrap_or_default(),
        carried,
        carried_text: ans
            .filter(|x| x.carried)
            .map(|x| {
                format!(
                    "{} {}",
                    check_label(tr, x.check1.as_deref()),
                    x.check1_on.clone().unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        updated: cur
            .map(|x| format!("{} {}", service::jst(x.updated_at), x.updated_label))
            .unwrap_or_default(),
        overdue: cur.is_some_and(|x| asm::overdue(&to_domain(x), today)),
        error: None,
    };
    if let Some(r) = redo.filter(|r| r.item_id == item_id && r.slot == slot.as_str()) {
        v.error = Some(r.error.clone());
        v.check1 = r.form.check1.clone();
        v.check1_on = r.form.check1_on.clone();
        v.check2 = r.form.check2.clone();
        v.check2_on = r.form.check2_on.clone();
        v.target_on = r.form.target_on.clone();
        v.note = r.form.note.clone();
    }
    v
}

pub(crate) fn to_domain(x: &AssessmentAnswer) -> asm::Answer {
    asm::Answer {
        check1: x.check1.as_deref().and_then(YesNo::parse),
        check1_on: x.check1_on.clone(),
        check2: x.check2.as_deref().and_then(YesNo::parse),
        check2_on: x.check2_on.clone(),
        target_on: x.target_on.clone(),
        note: x.note.clone(),
    }
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
    let inst = service::institution_for(state.store(), auth, &inst.code, action).await?;
    Ok((a, inst))
}

pub async fn sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    sheet_view(&state, &auth, a, &inst, None, &flash).await
}

/// One answer as a form or the API sends it; empty (or, in JSON, null) means not answered,
/// so a row read from the API can be sent back as it is.
#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct AnswerForm {
    pub item_id: String,
    /// `all`, or the device class the item asks about: `server`, `terminal`, `network`.
    pub slot: String,
    /// The answer's version as read (0: never answered); a stale one gets 409.
    #[serde(default)]
    pub version: i64,
    /// 1回目: `yes` or `no`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub check1: String,
    /// Date of the first check (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub check1_on: String,
    /// 2回目: `yes` or `no`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub check2: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub check2_on: String,
    /// For a first `no`: the target date, within the fiscal year.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub target_on: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub note: String,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The slot and the answer a form sends (values, not yet the rules).
fn parse_answer(f: &AnswerForm) -> AppResult<(Slot, asm::Answer)> {
    let slot = Slot::parse(&f.slot).ok_or(AppError::Invalid {
        field: "slot",
        key: "error-cy-wrong-slot",
    })?;
    let check = |v: &str| -> AppResult<Option<YesNo>> {
        match opt(v) {
            None => Ok(None),
            Some(v) => YesNo::parse(&v).map(Some).ok_or(AppError::Invalid {
                field: "check",
                key: "error-rs-bad-value",
            }),
        }
    };
    Ok((
        slot,
        asm::Answer {
            check1: check(&f.check1)?,
            check1_on: opt(&f.check1_on),
            check2: check(&f.check2)?,
            check2_on: opt(&f.check2_on),
            target_on: opt(&f.target_on),
            note: f.note.trim().to_string(),
        },
    ))
}

/// The row a checked answer is stored as (`sheet`: the assessment's or vendor sheet's id).
fn answer_row(
    institution_id: &str,
    sheet: &str,
    item_id: &str,
    slot: Slot,
    answer: asm::Answer,
) -> AssessmentAnswer {
    AssessmentAnswer {
        institution_id: institution_id.into(),
        assessment_id: sheet.into(),
        item_id: item_id.into(),
        slot: slot.as_str().into(),
        check1: answer.check1.map(|c| c.as_str().into()),
        check1_on: answer.check1_on,
        check2: answer.check2.map(|c| c.as_str().into()),
        check2_on: answer.check2_on,
        target_on: answer.target_on,
        note: answer.note,
        ..Default::default()
    }
}

/// Save one answer: the rules are the domain's; the store refuses a stale version and a
/// locked (approved) sheet.
pub async fn save_answer(
    state: &AppState,
    auth: &Auth,
    a: &Assessment,
    f: &AnswerForm,
) -> AppResult<AssessmentAnswer> {
    if a.status != "draft" {
        return Err(AppError::Invalid {
            field: "assessment",
            key: asm::AnswerError::Locked.key(),
        });
    }
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&a.catalog_id).ok_or(AppError::NotFound)?;
    let item = cat.item(&f.item_id).ok_or(AppError::NotFound)?;
    let (slot, answer) = parse_answer(f)?;
    let answers = state.store().assessment_answers(&a.id).await?;
    let gate_no = model(cat, &answers).gate_no;
    let item_slots = asm::slots(&item.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
    asm::check_answer(
        a.fiscal_year as i32,
        item.gate || !gate_no,
        &item_slots,
        slot,
        &answer,
    )
    .map_err(|e| AppError::Invalid {
        field: "answer",
        key: e.key(),
    })?;
    let current = answers
        .iter()
        .find(|x| x.item_id == f.item_id && x.slot == slot.as_str())
        .map(|x| x.version)
        .unwrap_or(0);
    if current != f.version {
        return Err(AppError::Conflict("assessment answer"));
    }
    let saved = state
        .store()
        .save_assessment_answer(
            &auth.actor(),
            &answer_row(&a.institution_id, &a.id, &f.item_id, slot, answer),
            f.version,
        )
        .await
        .map_err(|e| match e {
            mamori_store::StoreError::Conflict("approved assessment") => AppError::Invalid {
                field: "assessment",
                key: asm::AnswerError::Locked.key(),
            },
            other => other.into(),
        })?;
    Ok(saved)
}

pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    match save_answer(&state, &auth, &a, &f).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/assessments/{id}?ok=flash-cy-saved#item-{}",
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
            let mut r = sheet_view(&state, &auth, a, &inst, Some(redo), &Flash::default()).await?;
            if matches!(e, AppError::Conflict(_)) {
                *r.status_mut() = axum::http::StatusCode::CONFLICT;
            }
            Ok(r)
        }
        Err(e) => Err(e),
    }
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
    let (a, _) = assessment_for(&state, &auth, &id, Action::ApproveAssessment).await?;
    match approve_checked(&state, &auth, &a, f.version).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/assessments/{id}?ok=flash-cy-approved")).into_response())
        }
        Err(AppError::Invalid { key, .. }) => {
            Ok(Redirect::to(&format!("/assessments/{id}?err={key}")).into_response())
        }
        Err(AppError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/assessments/{id}?err=error-conflict")).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Approve a complete sheet at `version` (the caller holds the approval right): an
/// incomplete sheet is refused, a stale version is a conflict.
pub async fn approve_checked(
    state: &AppState,
    auth: &Auth,
    a: &Assessment,
    version: i64,
) -> AppResult<Assessment> {
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&a.catalog_id).ok_or(AppError::NotFound)?;
    let m = model(cat, &state.store().assessment_answers(&a.id).await?);
    if m.done < m.needed {
        return Err(AppError::Invalid {
            field: "assessment",
            key: "error-cy-incomplete",
        });
    }
    Ok(state
        .store()
        .approve_assessment(&auth.actor(), &a.id, version)
        .await?)
}

pub async fn reopen(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let (_, _) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Ok(
            Redirect::to(&format!("/assessments/{id}?err=error-rs-reason-required"))
                .into_response(),
        );
    }
    match state
        .store()
        .reopen_assessment(&auth.actor(), &id, f.version, reason)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/assessments/{id}?ok=flash-cy-reopened")).into_response())
        }
        Err(mamori_store::StoreError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/assessments/{id}?err=error-conflict")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "assessment_revision.html")]
struct RevisionPage {
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
                slot: v["slot"].as_str().unwrap_or_default().into(),
                check1: v["check1"].as_str().map(String::from),
                check1_on: v["check1_on"].as_str().map(String::from),
                check2: v["check2"].as_str().map(String::from),
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
                    check_label(&tr, x.check1.as_deref()),
                    x.check1_on.clone().unwrap_or_default()
                ),
                format!(
                    "{} {}",
                    check_label(&tr, x.check2.as_deref()),
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
        approved: format!("{} {}", service::jst(r.approved_at), r.approved_label),
        reason: r.reason,
        rows,
        a,
        page,
    })?
    .into_response())
}

// ------------------------------------------------------------------ dashboard

/// What the dashboard shows of the checklist: the latest fiscal year's sheet.
pub struct Signals {
    pub href: String,
    pub fiscal_year: String,
    pub approved: bool,
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
    let today = crate::role_sharing::today();
    let no_items: Vec<(String, String, String, bool)> = answers
        .iter()
        .filter(|x| !x.carried && x.check1.as_deref() == Some("no"))
        .filter(|x| x.check2.as_deref() != Some("yes"))
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
    let outstanding = state
        .store()
        .vendor_sheets(&a.id)
        .await?
        .into_iter()
        .filter(|s| s.status != "submitted")
        .map(|s| s.vendor_name)
        .collect();
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
        approved: a.status == "approved",
        done: m.done,
        needed: m.needed,
        overdue: no_items.iter().filter(|x| x.3).count(),
        no_items,
    }))
}

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

/// A vendor sheet's state for lists: `submitted`, `returned` or `requested`.
pub fn sheet_state(s: &mamori_store::VendorSheet) -> &'static str {
    if s.status == "submitted" {
        "submitted"
    } else if s.returned_reason.is_empty() {
        "requested"
    } else {
        "returned"
    }
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
            state: sheet_state(&s),
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
async fn sheet_for(
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
struct VendorSheetPage {
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

async fn vendor_sheet_view(
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
    let today = crate::role_sharing::today();
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
    let status = crate::pages::page_status(redo.is_some());
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
                && service::may(
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

async fn save_sheet_answer(
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
            mamori_store::StoreError::Conflict("submitted vendor sheet") => AppError::Invalid {
                field: "sheet",
                key: "error-cy-submitted",
            },
            other => other.into(),
        })?;
    Ok(saved)
}

fn vendor_only(party: mamori_domain::role_sharing::Party) -> AppResult<()> {
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
    service::require(
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

// ------------------------------------------------------------------ inspector links

/// Longest validity of an inspector link (days).
pub const INSPECTOR_MAX_DAYS: i64 = 30;

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub days: i64,
}

#[derive(Template)]
#[template(path = "inspector_link_created.html")]
struct LinkCreated {
    page: PageCtx,
    assessment_id: String,
    link: String,
    label: String,
    expires: String,
}

pub async fn create_inspector_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let label = f.label.trim();
    if label.is_empty()
        || label.chars().count() > 200
        || !(1..=INSPECTOR_MAX_DAYS).contains(&f.days)
    {
        return Ok(Redirect::to(&format!(
            "/assessments/{id}?err=error-inspector-link#inspector"
        ))
        .into_response());
    }
    let token = crate::auth::random_token(32);
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    let expires_at = auth.now + f.days * 86_400_000;
    state
        .store()
        .create_inspector_link(
            &auth.actor(),
            &mamori_store::InspectorLink {
                id: mamori_store::new_id(),
                institution_id: a.institution_id.clone(),
                assessment_id: a.id.clone(),
                label: label.into(),
                expires_at,
                revoked_at: None,
                created_by: None,
                created_at: 0,
            },
            &hash,
        )
        .await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "assessments",
        Some(&inst),
        &format!("/assessments/{id}"),
    )
    .await?;
    let link = match &state.cfg().public_url {
        Some(base) => format!("{base}/inspect/{token}"),
        None => format!("/inspect/{token}"),
    };
    Ok(render(&LinkCreated {
        page,
        assessment_id: a.id,
        link,
        label: label.into(),
        expires: service::jst(expires_at),
    })?
    .into_response())
}

pub async fn revoke_inspector_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, link)): Path<(String, String)>,
) -> AppResult<Response> {
    let (a, _) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    match state
        .store()
        .revoke_inspector_link(&auth.actor(), &a.id, &link)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/assessments/{id}?ok=flash-inspector-revoked#inspector"
        ))
        .into_response()),
        Err(mamori_store::StoreError::Conflict(_)) => Ok(Redirect::to(&format!(
            "/assessments/{id}?err=error-inspector-revoked#inspector"
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// Rows of a sheet as the official form lays it out: 項番, 項目, 対象, 1回目, 確認日, 目標日,
/// 2回目, 確認日, 備考.
pub fn official_rows(
    tr: &Tr,
    cat: &Catalog,
    answers: &[AssessmentAnswer],
    gate_no: bool,
) -> Vec<[String; 9]> {
    let mut out = Vec::new();
    for i in &cat.items {
        let slots = asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
        for (n, sl) in slots.iter().enumerate() {
            let a = answers
                .iter()
                .find(|x| x.item_id == i.id && x.slot == sl.as_str() && !x.carried);
            let na = gate_no && !i.gate;
            out.push([
                if n == 0 {
                    i.number.clone()
                } else {
                    String::new()
                },
                if n == 0 {
                    i.text.clone()
                } else {
                    String::new()
                },
                tr.t(&format!("cy-slot-{}", sl.as_str())),
                if na {
                    tr.t("cy-not-applicable")
                } else {
                    check_label(tr, a.and_then(|x| x.check1.as_deref()))
                },
                a.and_then(|x| x.check1_on.clone()).unwrap_or_default(),
                a.and_then(|x| x.target_on.clone()).unwrap_or_default(),
                check_label(tr, a.and_then(|x| x.check2.as_deref())),
                a.and_then(|x| x.check2_on.clone()).unwrap_or_default(),
                a.map(|x| x.note.clone()).unwrap_or_default(),
            ]);
        }
    }
    out
}

/// The inspector link behind `token`, if it is neither expired nor revoked.
async fn live_link(
    state: &AppState,
    token: &str,
) -> AppResult<Option<mamori_store::InspectorLink>> {
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    let now = mamori_store::now_ms();
    Ok(state
        .store()
        .inspector_link_by_token(&hash)
        .await?
        .filter(|l| l.revoked_at.is_none() && l.expires_at > now))
}

/// Every use of an inspector link is an audit event of the institution.
async fn record_inspection(
    state: &AppState,
    meta: &crate::auth::Meta,
    link: &mamori_store::InspectorLink,
    details: serde_json::Value,
) -> AppResult<()> {
    state
        .store()
        .record(
            &mamori_store::Actor {
                user_id: None,
                label: format!("inspector:{}", link.label),
                request_id: Some(meta.request_id.clone()),
                client_addr: meta.client_addr.clone(),
            },
            mamori_store::AuditDraft::new(
                Some(&link.institution_id),
                "inspector.access",
                "assessment",
                &link.assessment_id,
                details,
            ),
        )
        .await?;
    Ok(())
}

pub struct InspectSheet {
    pub title: String,
    pub subtitle: String,
    pub rows: Vec<[String; 9]>,
}

#[derive(Template)]
#[template(path = "inspect.html")]
struct InspectPage {
    page: PageCtx,
    /// (item number, label, effective on, stale, download href)
    evidence: Vec<(String, String, String, bool, Option<String>)>,
    institution: String,
    fy_label: String,
    status: String,
    expires: String,
    sheets: Vec<InspectSheet>,
    outstanding: Vec<String>,
}

#[derive(Template)]
#[template(path = "inspect_gone.html")]
struct InspectGone {
    page: PageCtx,
}

/// The inspector's read-only view of one assessment: the institution sheet and the submitted
/// vendor sheets, as the official form lays them out, and nothing else. Every access is an
/// audit event.
pub async fn inspect(
    State(state): State<AppState>,
    meta: crate::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (page, jar) = PageCtx::anonymous(&meta, &jar, &format!("/inspect/{token}"));
    let tr = page.tr;
    let store = state.store();
    let Some(link) = live_link(&state, &token).await? else {
        return Ok((
            axum::http::StatusCode::GONE,
            jar,
            render(&InspectGone { page })?,
        )
            .into_response());
    };
    let a = store
        .assessment(&link.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let inst = store
        .institution(&a.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    record_inspection(&state, &meta, &link, serde_json::json!({"link": link.id})).await?;
    let reg = state.catalogs();
    let mut sheets = Vec::new();
    if let Some(cat) = reg.catalogs.get(&a.catalog_id) {
        let answers = store.assessment_answers(&a.id).await?;
        let m = model(cat, &answers);
        sheets.push(InspectSheet {
            title: cat.catalog.title.clone(),
            subtitle: inst.name.clone(),
            rows: official_rows(&tr, cat, &answers, m.gate_no),
        });
    }
    let mut outstanding = Vec::new();
    for s in store.vendor_sheets(&a.id).await? {
        if s.status != "submitted" {
            outstanding.push(s.vendor_name.clone());
            continue;
        }
        if let Some(cat) = reg.catalogs.get(&s.catalog_id) {
            let answers = store.vendor_sheet_answers(&s.id).await?;
            sheets.push(InspectSheet {
                title: cat.catalog.title.clone(),
                subtitle: format!("{}({})", s.vendor_name, s.contract_title),
                rows: official_rows(&tr, cat, &answers, false),
            });
        }
    }
    let today = crate::role_sharing::today();
    let evidence = store
        .evidence(&a.id)
        .await?
        .into_iter()
        .map(|e| {
            (
                reg.catalogs
                    .get(&a.catalog_id)
                    .and_then(|c| c.item(&e.item_id))
                    .map(|i| i.number.clone())
                    .unwrap_or_else(|| e.item_id.clone()),
                e.label.clone(),
                e.effective_on.clone(),
                is_stale(&e.effective_on, &today),
                e.sha256
                    .as_ref()
                    .map(|_| format!("/inspect/{token}/evidence/{}", e.id)),
            )
        })
        .collect();
    let body = render(&InspectPage {
        evidence,
        institution: format!("{}({})", inst.name, inst.code),
        fy_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
        status: tr.t(&format!("cy-status-{}", a.status)),
        expires: service::jst(link.expires_at),
        sheets,
        outstanding,
        page,
    })?;
    Ok((jar, [(axum::http::header::CACHE_CONTROL, "no-store")], body).into_response())
}

// ------------------------------------------------------------------ exports

/// The institution sheet and every submitted vendor sheet, as the official form lays them
/// out (labels in Japanese).
pub async fn check_sheets(
    state: &AppState,
    a: &Assessment,
) -> AppResult<Vec<mamori_export::CheckSheet>> {
    let tr = Tr::new(crate::i18n::Lang::Ja);
    let store = state.store();
    let inst = store
        .institution(&a.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reg = state.catalogs();
    let fy = mamori_domain::wareki::fiscal_year(a.fiscal_year as i32);
    let mut out = Vec::new();
    if let Some(cat) = reg.catalogs.get(&a.catalog_id) {
        let answers = store.assessment_answers(&a.id).await?;
        let m = model(cat, &answers);
        out.push(mamori_export::CheckSheet {
            name: if inst.kind == InstitutionKind::Pharmacy {
                "薬局確認用".into()
            } else {
                "医療機関確認用".into()
            },
            title: cat.catalog.title.clone(),
            facts: vec![
                ("医療機関".into(), format!("{}({})", inst.name, inst.code)),
                ("年度".into(), fy.clone()),
                (
                    "状態".into(),
                    format!(
                        "{}(第{}版)",
                        tr.t(&format!("cy-status-{}", a.status)),
                        a.revision
                    ),
                ),
            ],
            rows: official_rows(&tr, cat, &answers, m.gate_no),
        });
    }
    for s in store.vendor_sheets(&a.id).await? {
        if s.status != "submitted" {
            continue;
        }
        if let Some(cat) = reg.catalogs.get(&s.catalog_id) {
            let answers = store.vendor_sheet_answers(&s.id).await?;
            out.push(mamori_export::CheckSheet {
                name: format!("事業者確認用 {}", s.vendor_name),
                title: cat.catalog.title.clone(),
                facts: vec![
                    ("医療機関".into(), format!("{}({})", inst.name, inst.code)),
                    ("年度".into(), fy.clone()),
                    ("事業者".into(), s.vendor_name.clone()),
                    ("契約".into(), s.contract_title.clone()),
                ],
                rows: official_rows(&tr, cat, &answers, false),
            });
        }
    }
    Ok(out)
}

/// The two official exports of a checklist (both sheets).
#[derive(Clone, Copy)]
enum Export {
    Xlsx,
    Pdf,
}

/// The checklist (institution and submitted vendor sheets) as a download, audited.
async fn export_checklist(
    state: &AppState,
    auth: &Auth,
    id: &str,
    q: &crate::contract_pages::ExportQuery,
    format: Export,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(state, auth, id, Action::ViewAssessments).await?;
    let dates = mamori_export::DateStyle::parse(&q.dates).ok_or(AppError::Invalid {
        field: "dates",
        key: "error-rs-bad-value",
    })?;
    let sheets = check_sheets(state, &a).await?;
    let (bytes, media_type, ext) = match format {
        Export::Xlsx => (
            mamori_export::checklist_workbook(&sheets, dates).map_err(|e| e.to_string()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        Export::Pdf => (
            mamori_pdf::checklist_pdf(&sheets, dates).map_err(|e| e.to_string()),
            "application/pdf",
            "pdf",
        ),
    };
    let bytes = bytes.map_err(AppError::Internal)?;
    state
        .store()
        .record(
            &auth.actor(),
            mamori_store::AuditDraft::new(
                Some(&a.institution_id),
                "assessment.export",
                "assessment",
                &a.id,
                serde_json::json!({ "export": format!("checklist.{ext}") }),
            ),
        )
        .await?;
    Ok(crate::contract_pages::download(
        bytes,
        media_type,
        &format!("checklist-{}-{}.{ext}", inst.code, a.fiscal_year),
        &format!(
            "サイバーセキュリティ対策チェックリスト_{}_{}.{ext}",
            inst.name,
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<crate::contract_pages::ExportQuery>,
) -> AppResult<Response> {
    export_checklist(&state, &auth, &id, &q, Export::Xlsx).await
}

// ------------------------------------------------------------------ evidence

/// Evidence older than this many days shows as stale.
pub const STALE_DAYS: i64 = 365;

pub fn is_stale(effective_on: &str, today: &str) -> bool {
    match (
        chrono::NaiveDate::parse_from_str(effective_on, "%Y-%m-%d"),
        chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d"),
    ) {
        (Ok(e), Ok(t)) => (t - e).num_days() > STALE_DAYS,
        _ => false,
    }
}

/// The mamori records an answer can point at: (value, label). Values are `contract:ID`,
/// `rs:CONTRACT:ITEM` (an agreed role-sharing item) and `officer:USER`.
/// The records evidence can point to: (value, kind, name). The name is what is stored as
/// the evidence's label; the kind is shown beside it.
pub async fn evidence_targets(
    state: &AppState,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Vec<(String, String, String)>> {
    let store = state.store();
    let mut out = Vec::new();
    let contracts = store.contracts(&inst.id).await?;
    for c in &contracts {
        out.push((
            format!("contract:{}", c.id),
            tr.t("ev-contract"),
            format!("{} — {}", c.vendor_name, c.title),
        ));
    }
    let reg = state.catalogs();
    for r in store.institution_role_sharing_items(&inst.id).await? {
        if r.state != "agreed" {
            continue;
        }
        let Some(c) = contracts.iter().find(|c| c.id == r.contract_id) else {
            continue;
        };
        let number = reg
            .catalogs
            .get(&c.catalog_id)
            .and_then(|cat| cat.item(&r.item_id))
            .map(|i| i.number.clone())
            .unwrap_or_else(|| r.item_id.clone());
        out.push((
            format!("rs:{}:{}", r.contract_id, r.item_id),
            tr.t("ev-rs-item"),
            format!("{number}({})", c.vendor_name),
        ));
    }
    for m in store.members(&inst.id).await? {
        if m.roles.iter().any(|r| {
            r.0 == mamori_domain::Role::SecurityOfficer
                && r.1.is_none_or(|e| e > mamori_store::now_ms())
        }) {
            out.push((
                format!("officer:{}", m.user.id),
                tr.t("ev-officer"),
                m.user.display_name.clone(),
            ));
        }
    }
    Ok(out)
}

/// Where mamori's own data answers an item, the suggested first check and why.
pub async fn suggestions(
    state: &AppState,
    inst: &Institution,
    cat: &Catalog,
    tr: &Tr,
) -> AppResult<Vec<(String, &'static str, String)>> {
    let store = state.store();
    let mut out = Vec::new();
    for i in &cat.items {
        if i.text.contains("安全管理責任者を設置") {
            let officers: Vec<String> = store
                .members(&inst.id)
                .await?
                .into_iter()
                .filter(|m| {
                    m.roles.iter().any(|r| {
                        r.0 == mamori_domain::Role::SecurityOfficer
                            && r.1.is_none_or(|e| e > mamori_store::now_ms())
                    })
                })
                .map(|m| m.user.display_name)
                .collect();
            out.push(if officers.is_empty() {
                (i.id.clone(), "no", tr.t("sg-no-officer"))
            } else {
                (
                    i.id.clone(),
                    "yes",
                    tr.t1("sg-officer", "names", officers.join("、")),
                )
            });
        } else if i.text.contains("MDS") {
            let contracts = store.contracts(&inst.id).await?;
            if contracts.is_empty() {
                continue;
            }
            // One query for the institution's documents, not one per contract.
            let docs = store.institution_documents(&inst.id).await?;
            let missing: Vec<String> = contracts
                .iter()
                .filter(|c| {
                    !docs
                        .iter()
                        .any(|d| d.contract_id == c.id && d.kind == "mds_sds")
                })
                .map(|c| c.vendor_name.clone())
                .collect();
            out.push(if missing.is_empty() {
                (i.id.clone(), "yes", tr.t("sg-mds-all"))
            } else {
                (
                    i.id.clone(),
                    "no",
                    tr.t1("sg-mds-missing", "vendors", missing.join("、")),
                )
            });
        }
    }
    Ok(out)
}

/// Attach evidence: a file, or a link to a mamori record. Authorised before the body is read.
pub async fn add_evidence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let up = crate::upload::read(req, &state).await?;
    let (item_id, target, effective_on) = (
        up.text("item_id"),
        up.text("target"),
        up.text("effective_on"),
    );
    let (file_name, bytes) = (up.file_name, up.bytes);
    // The item is checked first: the redirects below name it in the URL.
    let reg = state.catalogs();
    if reg
        .catalogs
        .get(&a.catalog_id)
        .and_then(|c| c.item(&item_id))
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let back = |q: &str| {
        Ok(Redirect::to(&format!("/assessments/{id}?{q}#item-{item_id}")).into_response())
    };
    if a.status != "draft" {
        return back("err=error-cy-locked");
    }
    if !mamori_domain::role_sharing::valid_date(&effective_on) {
        return back("err=error-rs-bad-date");
    }
    let tr = Tr::new(crate::i18n::Lang::Ja);
    let mut e = mamori_store::Evidence {
        institution_id: inst.id.clone(),
        assessment_id: a.id.clone(),
        item_id: item_id.clone(),
        effective_on,
        ..Default::default()
    };
    let content = if !bytes.is_empty() {
        let Some(media) = crate::upload::sniff(&bytes, &file_name) else {
            return back("err=error-document-type");
        };
        e.kind = "file".into();
        e.label = file_name.chars().take(200).collect();
        e.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)));
        e.media_type = Some(media.into());
        Some(bytes.as_slice())
    } else {
        let targets = evidence_targets(&state, &inst, &tr).await?;
        let Some((value, _, label)) = targets.into_iter().find(|(v, _, _)| *v == target) else {
            return back("err=error-evidence-target");
        };
        let (kind, rest) = value.split_once(':').unwrap_or(("", ""));
        e.kind = match kind {
            "contract" => "contract",
            "rs" => "role_sharing_item",
            _ => "officer",
        }
        .into();
        e.ref_id = Some(rest.to_string());
        e.label = label;
        None
    };
    state
        .store()
        .add_evidence(&auth.actor(), &e, content)
        .await?;
    back("ok=flash-evidence-added")
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reason: String,
}

/// Withdraw evidence attached by mistake (取り下げ), with a reason, while the sheet is a
/// draft: it is no longer shown, listed for the inspector or served; the row and the audit
/// event keep what it was.
pub async fn withdraw_evidence(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
    Form(f): Form<WithdrawForm>,
) -> AppResult<Response> {
    let (a, _) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let current = state.store().evidence(&a.id).await?;
    let e = current
        .iter()
        .find(|e| e.id == ev)
        .ok_or(AppError::NotFound)?;
    let back = |q: &str| {
        Ok(Redirect::to(&format!("/assessments/{id}?{q}#item-{}", e.item_id)).into_response())
    };
    if a.status != "draft" {
        return back("err=error-cy-locked");
    }
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return back("err=error-ev-withdraw-reason");
    }
    match state
        .store()
        .withdraw_evidence(&auth.actor(), &a.id, &e.id, reason)
        .await
    {
        Ok(()) => back("ok=flash-evidence-withdrawn"),
        Err(mamori_store::StoreError::Conflict(_)) => back("err=error-cy-locked"),
        Err(other) => Err(other.into()),
    }
}

/// A file of evidence, as a download (institution members who see the assessment).
pub async fn evidence_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let (a, _) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    serve_evidence(&state, &a.id, &ev).await
}

async fn serve_evidence(state: &AppState, assessment_id: &str, ev: &str) -> AppResult<Response> {
    let (e, content) = state
        .store()
        .evidence_file(ev)
        .await?
        .filter(|(e, _)| e.assessment_id == assessment_id)
        .ok_or(AppError::NotFound)?;
    let bytes = content.ok_or(AppError::NotFound)?;
    let media = match e.media_type.as_deref() {
        Some("application/pdf") => "application/pdf",
        Some("image/png") => "image/png",
        Some("image/jpeg") => "image/jpeg",
        Some("text/plain") => "text/plain",
        _ => "application/octet-stream",
    };
    Ok(crate::contract_pages::download(
        bytes,
        media,
        &crate::contract_pages::ascii_name(&e.label),
        &e.label,
    ))
}

/// An evidence file through an inspector link (audited like every inspector access).
pub async fn inspect_evidence(
    State(state): State<AppState>,
    meta: crate::auth::Meta,
    Path((token, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let link = live_link(&state, &token).await?.ok_or(AppError::NotFound)?;
    let r = serve_evidence(&state, &link.assessment_id, &ev).await?;
    record_inspection(
        &state,
        &meta,
        &link,
        serde_json::json!({"link": link.id, "evidence": ev}),
    )
    .await?;
    Ok(r)
}

pub async fn export_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<crate::contract_pages::ExportQuery>,
) -> AppResult<Response> {
    export_checklist(&state, &auth, &id, &q, Export::Pdf).await
}

// ------------------------------------------------------------------ the inspection bundle

/// Everything the inspection needs in one file: the sheets as xlsx and PDF, the evidence
/// index (CSV) and the evidence files.
pub async fn bundle_bytes(state: &AppState, a: &Assessment) -> AppResult<Vec<u8>> {
    use std::io::Write;
    let internal = |e: String| AppError::Internal(e);
    let sheets = check_sheets(state, a).await?;
    let xlsx = mamori_export::checklist_workbook(&sheets, mamori_export::DateStyle::Wareki)
        .map_err(|e| internal(e.to_string()))?;
    let pdf = mamori_pdf::checklist_pdf(&sheets, mamori_export::DateStyle::Wareki)
        .map_err(|e| internal(e.to_string()))?;
    let store = state.store();
    let reg = state.catalogs();
    let today = crate::role_sharing::today();
    let mut index = String::from("\u{feff}項番,根拠,種類,有効日,1年以上前,SHA-256,ファイル\r\n");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, e) in store.evidence(&a.id).await?.into_iter().enumerate() {
        let number = reg
            .catalogs
            .get(&a.catalog_id)
            .and_then(|c| c.item(&e.item_id))
            .map(|i| i.number.clone())
            .unwrap_or_else(|| e.item_id.clone());
        let file = if e.sha256.is_some() {
            let name = format!(
                "evidence/{:03}_{}",
                n + 1,
                e.label.replace(['/', '\\'], "_")
            );
            if let Some((_, Some(bytes))) = store.evidence_file(&e.id).await? {
                files.push((name.clone(), bytes));
            }
            name
        } else {
            String::new()
        };
        let cell = |s: &str| format!("\"{}\"", crate::service::csv_safe(s).replace('"', "\"\""));
        index.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            cell(&number),
            cell(&e.label),
            cell(&e.kind),
            cell(&e.effective_on),
            if is_stale(&e.effective_on, &today) {
                "はい"
            } else {
                ""
            },
            cell(e.sha256.as_deref().unwrap_or("")),
            cell(&file)
        ));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut add = |name: &str, bytes: &[u8]| -> AppResult<()> {
        zip.start_file(name, opts)
            .map_err(|e| internal(e.to_string()))?;
        zip.write_all(bytes).map_err(|e| internal(e.to_string()))?;
        Ok(())
    };
    add("checklist.xlsx", &xlsx)?;
    add("checklist.pdf", &pdf)?;
    add("evidence-index.csv", index.as_bytes())?;
    for (name, bytes) in &files {
        add(name, bytes)?;
    }
    Ok(zip
        .finish()
        .map_err(|e| internal(e.to_string()))?
        .into_inner())
}

pub async fn bundle(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    let bytes = bundle_bytes(&state, &a).await?;
    state
        .store()
        .record(
            &auth.actor(),
            mamori_store::AuditDraft::new(
                Some(&a.institution_id),
                "assessment.export",
                "assessment",
                &a.id,
                serde_json::json!({"export": "bundle.zip"}),
            ),
        )
        .await?;
    Ok(crate::contract_pages::download(
        bytes,
        "application/zip",
        &format!("inspection-{}-{}.zip", inst.code, a.fiscal_year),
        &format!(
            "立入検査_{}_{}.zip",
            inst.name,
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}

pub async fn inspect_bundle(
    State(state): State<AppState>,
    meta: crate::auth::Meta,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let link = live_link(&state, &token).await?.ok_or(AppError::NotFound)?;
    let a = state
        .store()
        .assessment(&link.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = bundle_bytes(&state, &a).await?;
    record_inspection(
        &state,
        &meta,
        &link,
        serde_json::json!({"link": link.id, "export": "bundle.zip"}),
    )
    .await?;
    Ok(crate::contract_pages::download(
        bytes,
        "application/zip",
        &format!("inspection-{}.zip", a.fiscal_year),
        &format!(
            "立入検査_{}.zip",
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}
