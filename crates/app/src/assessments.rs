//! The yearly cybersecurity checklist: which document an institution answers, carrying
//! answers into a new year, the sheet's progress, and the official sheets as exported.

use crate::access::institution_for;
use crate::error::{Error, Result, UnmetItem};
use crate::{Caller, Ctx};
use mamori_catalog::{Catalog, Device, Registry};
use mamori_domain::assessment::{self as asm, Slot, YesNo};
use mamori_domain::policy::Action;
use mamori_domain::time::current_fiscal_year;
use mamori_domain::{Institution, InstitutionKind};
use mamori_i18n::Tr;
use mamori_store::{Assessment, AssessmentAnswer};
use serde::Deserialize;

pub fn slot_of(d: Device) -> Slot {
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

/// A catalog's items as a sheet answers them: (item id, is the gate, its slots).
fn sheet_items(cat: &Catalog) -> impl Iterator<Item = (&str, bool, Vec<Slot>)> {
    cat.items.iter().map(|i| {
        (
            i.id.as_str(),
            i.gate,
            asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>()),
        )
    })
}

/// Progress of an assessment's sheet (first checks filled in, not carried over).
pub fn model(cat: &Catalog, answers: &[AssessmentAnswer]) -> asm::Progress {
    asm::progress(sheet_items(cat), |item, slot| {
        answers
            .iter()
            .find(|a| a.item_id == item && a.slot == slot && !a.carried)
            .and_then(|a| a.check1)
    })
}

/// Progress of each section of the sheet, in sheet order: (section id, done, needed).
/// Sections with nothing to answer (every item set aside by item 0's いいえ) count 0 / 0.
/// One pass over the items (the same rule as [`model`]).
pub fn section_progress(
    cat: &Catalog,
    answers: &[AssessmentAnswer],
) -> Vec<(String, usize, usize)> {
    let gate_no = model(cat, answers).gate_no;
    let checked: std::collections::HashSet<(&str, &str)> = answers
        .iter()
        .filter(|a| !a.carried && a.check1.is_some())
        .map(|a| (a.item_id.as_str(), a.slot.as_str()))
        .collect();
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for s in &cat.sections {
        if cat.items.iter().any(|i| i.section == s.id) {
            out.push((s.id.clone(), 0, 0));
        }
    }
    for i in &cat.items {
        if gate_no && !i.gate {
            continue;
        }
        let Some(row) = out.iter_mut().find(|(s, _, _)| *s == i.section) else {
            continue;
        };
        for slot in asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>()) {
            row.2 += 1;
            if checked.contains(&(i.id.as_str(), slot.as_str())) {
                row.1 += 1;
            }
        }
    }
    out
}

pub fn check_label(tr: &Tr, v: Option<YesNo>) -> String {
    match v {
        Some(YesNo::Yes) => tr.t("rs-check-yes"),
        Some(YesNo::No) => tr.t("rs-check-no"),
        None => String::new(),
    }
}

pub fn to_domain(x: &AssessmentAnswer) -> asm::Answer {
    asm::Answer {
        check1: x.check1,
        check1_on: x.check1_on.clone(),
        check2: x.check2,
        check2_on: x.check2_on.clone(),
        target_on: x.target_on.clone(),
        note: x.note.clone(),
    }
}

/// Rows of a sheet as the official form lays it out (項番, 項目, 対象, 1回目, 確認日, 目標日,
/// 2回目, 確認日, 備考; one row per device class), with its section headings: (index of
/// the first row under each, the heading).
pub fn official_rows(
    tr: &Tr,
    cat: &Catalog,
    answers: &[AssessmentAnswer],
    gate_no: bool,
) -> (Vec<[String; 9]>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut headings = Vec::new();
    let mut section = None;
    for i in &cat.items {
        if section != Some(&i.section) {
            section = Some(&i.section);
            if let Some(s) = cat.sections.iter().find(|s| s.id == i.section) {
                let heading = if s.title.trim().is_empty() {
                    tr.t1("cy-section-untitled", "number", &s.number)
                } else {
                    format!("{} {}", s.number, s.title)
                };
                headings.push((out.len(), heading));
            }
        }
        let slots = asm::slots(&i.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
        for (n, sl) in slots.iter().enumerate() {
            let a = answers
                .iter()
                .find(|x| x.item_id == i.id && x.slot == *sl && !x.carried);
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
                    check_label(tr, a.and_then(|x| x.check1))
                },
                a.and_then(|x| x.check1_on.clone()).unwrap_or_default(),
                a.and_then(|x| x.target_on.clone()).unwrap_or_default(),
                check_label(tr, a.and_then(|x| x.check2)),
                a.and_then(|x| x.check2_on.clone()).unwrap_or_default(),
                a.map(|x| x.note.clone()).unwrap_or_default(),
            ]);
        }
    }
    (out, headings)
}

/// Who filled in a sheet (記入者): the people who saved its current answers, most answers
/// first; three at most, then how many more.
pub fn filled_in_by(answers: &[AssessmentAnswer]) -> String {
    let mut count: Vec<(String, usize)> = Vec::new();
    for a in answers
        .iter()
        .filter(|a| !a.carried && !a.updated_label.is_empty())
    {
        match count.iter_mut().find(|(who, _)| *who == a.updated_label) {
            Some((_, n)) => *n += 1,
            None => count.push((a.updated_label.clone(), 1)),
        }
    }
    count.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let names: Vec<&str> = count.iter().take(3).map(|(w, _)| w.as_str()).collect();
    match count.len() {
        0 => String::new(),
        n if n > 3 => format!("{} ほか {} 名", names.join("、"), n - 3),
        _ => names.join("、"),
    }
}

/// The footer of the yearly checklist's sheets: their layout (the columns of 確認日 and
/// 目標日, the device rows) follows the best known form; the official Excel files were not
/// available to check it against (`../shared/sources/02`, "Sheet layout", marked ⚠).
pub const CHECK_SHEET_FOOTER: &str = "この様式は、公開資料から厚生労働省のチェックリストの配置を再現したものです。列の配置(確認日・目標日の欄、機器ごとの行)は公式の Excel 様式と照合できていません。提出の様式に指定がある場合は、そちらに従ってください。";

/// The institution sheet and every submitted vendor sheet, as the official form lays them
/// out (labels in Japanese).
pub async fn check_sheets(ctx: &Ctx, a: &Assessment) -> Result<Vec<mamori_export::CheckSheet>> {
    let tr = Tr::new(mamori_i18n::Lang::Ja);
    let store = ctx.store();
    let inst = store
        .institution(&a.institution_id)
        .await?
        .ok_or(Error::NotFound)?;
    let reg = ctx.catalogs();
    let fy = mamori_domain::wareki::fiscal_year(a.fiscal_year as i32);
    let mut out = Vec::new();
    if let Some(cat) = reg.catalogs.get(&a.catalog_id) {
        let answers = store.assessment_answers(&a.id).await?;
        let m = model(cat, &answers);
        let (rows, headings) = official_rows(&tr, cat, &answers, m.gate_no);
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
                ("記入者".into(), filled_in_by(&answers)),
                (
                    "状態".into(),
                    format!(
                        "{}(第{}版)",
                        tr.t(&format!("cy-status-{}", a.status)),
                        a.revision
                    ),
                ),
            ],
            rows,
            headings,
            footer: CHECK_SHEET_FOOTER.into(),
        });
        with_approval(&tr, a, out.last_mut());
        with_coverage(&tr, cat, out.last_mut());
    }
    for s in store.vendor_sheets(&a.id).await? {
        if s.status != mamori_domain::codes::VendorSheetStatus::Submitted {
            continue;
        }
        if let Some(cat) = reg.catalogs.get(&s.catalog_id) {
            let answers = store.vendor_sheet_answers(&s.id).await?;
            let (rows, headings) = official_rows(&tr, cat, &answers, false);
            out.push(mamori_export::CheckSheet {
                name: format!("事業者確認用 {}", s.vendor_name),
                title: cat.catalog.title.clone(),
                facts: vec![
                    ("医療機関".into(), format!("{}({})", inst.name, inst.code)),
                    ("年度".into(), fy.clone()),
                    ("事業者".into(), s.vendor_name.clone()),
                    ("契約".into(), s.contract_title.clone()),
                    ("記入者".into(), filled_in_by(&answers)),
                    (
                        "提出日".into(),
                        s.submitted_at
                            .map(mamori_domain::time::date_jst)
                            .and_then(|d| mamori_domain::wareki::wareki(&d))
                            .unwrap_or_default(),
                    ),
                ],
                rows,
                headings,
                footer: CHECK_SHEET_FOOTER.into(),
            });
            with_coverage(&tr, cat, out.last_mut());
        }
    }
    Ok(out)
}

/// The approval block among the facts: who approved (and as what) and on which day, or
/// who asked for approval and when.
fn with_approval(tr: &Tr, a: &Assessment, sheet: Option<&mut mamori_export::CheckSheet>) {
    let (Some(b), Some(sheet)) = (crate::approvals::approval_block(tr, a), sheet) else {
        return;
    };
    if b.approved {
        sheet
            .facts
            .push(("承認者".into(), format!("{}({})", b.approver, b.role)));
        sheet.facts.push(("承認日".into(), b.date));
    }
    if !b.requested_by.is_empty() {
        sheet.facts.push((
            "承認依頼".into(),
            format!("{} {}", b.requested_by, b.requested_on),
        ));
    }
}

/// A sheet on a partial catalog version says so among its facts.
fn with_coverage(tr: &Tr, cat: &Catalog, sheet: Option<&mut mamori_export::CheckSheet>) {
    if let (Some(note), Some(sheet)) = (crate::catalogs::partial_note(tr, cat), sheet) {
        sheet.facts.push(("収録範囲".into(), note));
    }
}

/// Where a vendor sheet stands, as lists show it.
pub fn sheet_standing(s: &mamori_store::VendorSheet) -> mamori_domain::codes::VendorSheetStanding {
    use mamori_domain::codes::VendorSheetStanding as S;
    if s.status == mamori_domain::codes::VendorSheetStatus::Submitted {
        S::Submitted
    } else if s.returned_reason.is_empty() {
        S::Requested
    } else {
        S::Returned
    }
}

/// The assessment, if the caller may take `action` on it: 404 for one with no role at its
/// institution, 403 for a member lacking the permission.
pub async fn assessment_for(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    action: Action,
) -> Result<(Assessment, Institution)> {
    let store = ctx.store();
    let a = store.assessment(id).await?.ok_or(Error::NotFound)?;
    let inst = store
        .institution(&a.institution_id)
        .await?
        .ok_or(Error::NotFound)?;
    let inst = institution_for(store, caller, &inst.code, action).await?;
    Ok((a, inst))
}

/// What starting a fiscal year's checklist takes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StartInput {
    /// The fiscal year as a Western year (2025 = 令和7年度): two years back to one ahead.
    pub fiscal_year: i64,
    /// The checklist version to answer (`mhlw/cyber-checklist-institution@R7`): a version
    /// of the institution's document (the pharmacy sheet for a pharmacy). A newer version
    /// than last year's carries the answers its crosswalk relates as equal.
    pub catalog_id: String,
}

/// Start a fiscal year's checklist on a version of the institution's document, carrying
/// the answers of the most recent earlier year for re-confirmation. A year that has one
/// already is a duplicate.
pub async fn start(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &StartInput,
) -> Result<Assessment> {
    let inst = institution_for(ctx.store(), caller, code, Action::AnswerAssessment).await?;
    let reg = ctx.catalogs();
    let bad = |field| Error::Invalid {
        field,
        key: "error-rs-bad-value",
    };
    let doc_ok = reg
        .catalogs
        .get(&input.catalog_id)
        .is_some_and(|c| c.catalog.document == document_for(&inst));
    if !doc_ok {
        return Err(bad("catalog_id"));
    }
    if !asm::startable_year(input.fiscal_year, current_fiscal_year()) {
        return Err(bad("fiscal_year"));
    }
    let store = ctx.store();
    // The most recent earlier assessment is the one its answers come from.
    let previous = store
        .assessments(&inst.id)
        .await?
        .into_iter()
        .filter(|a| a.fiscal_year < input.fiscal_year)
        .max_by_key(|a| a.fiscal_year);
    let carried = match &previous {
        Some(p) => carry(
            &reg,
            p,
            &store.assessment_answers(&p.id).await?,
            &input.catalog_id,
        ),
        None => vec![],
    };
    Ok(store
        .create_assessment(
            &caller.actor(),
            &Assessment {
                previous_id: previous.map(|p| p.id),
                ..Assessment::draft(&inst.id, input.fiscal_year, &input.catalog_id)
            },
            &carried,
        )
        .await?)
}

/// What stands between an assessment's sheet and its approval on `today` (see
/// [`asm::unmet`]); empty when it can be approved.
pub fn unmet(
    cat: &Catalog,
    a: &Assessment,
    answers: &[AssessmentAnswer],
    today: &str,
) -> Vec<UnmetItem> {
    asm::unmet(
        a.fiscal_year as i32,
        today,
        sheet_items(cat),
        |item, slot| {
            answers
                .iter()
                .find(|x| x.item_id == item && x.slot == slot && !x.carried)
                .map(to_domain)
        },
    )
    .into_iter()
    .map(|u| UnmetItem {
        number: cat
            .item(&u.item_id)
            .map(|i| i.number.clone())
            .unwrap_or_default(),
        item_id: u.item_id,
        slot: u.slot,
        key: u.problem.key(),
    })
    .collect()
}

/// Reopen an approved sheet for a change after approval, with the reason: a new revision
/// in draft. A stale version, or a sheet not approved, is a conflict.
pub use crate::approvals::approve;

pub async fn reopen(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    version: i64,
    reason: &str,
) -> Result<Assessment> {
    let (a, _) = assessment_for(ctx, caller, id, Action::AnswerAssessment).await?;
    let reason = asm::check_reason(reason, "error-rs-reason-required").map_err(Error::invalid)?;
    Ok(ctx
        .store()
        .reopen_assessment(&caller.actor(), &a.id, version, &reason)
        .await?)
}
