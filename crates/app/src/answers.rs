//! Answering a checklist sheet, the institution's own or a vendor's (事業者確認用): one path
//! for both, parameterised by whose sheet it is — the same policy question, the same
//! domain rules (`domain::assessment::check_sheet_answer`) and the same versioned, audited
//! write in the store.

use crate::assessments::{model, slot_of};
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assessment::{self as asm, RawAnswer, SheetOwner};
use mamori_domain::codes::AssessmentStatus;
use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::role_sharing::Party;
use mamori_store::{Assessment, AssessmentAnswer, ConflictKind, StoreError, VendorSheet};
use serde::Deserialize;

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

impl AnswerForm {
    /// The form of a stored answer copied into a sheet of `fiscal_year` on `today`, with
    /// that year's dates ([`asm::copied_answer`]).
    pub fn copied(x: &AssessmentAnswer, fiscal_year: i64, today: &str) -> Self {
        let a = asm::copied_answer(fiscal_year as i32, today, &crate::assessments::to_domain(x));
        AnswerForm {
            item_id: x.item_id.clone(),
            slot: x.slot.to_string(),
            version: 0,
            check1: a.check1.map(|c| c.to_string()).unwrap_or_default(),
            check1_on: a.check1_on.unwrap_or_default(),
            check2: a.check2.map(|c| c.to_string()).unwrap_or_default(),
            check2_on: a.check2_on.unwrap_or_default(),
            target_on: a.target_on.unwrap_or_default(),
            note: a.note,
        }
    }

    fn raw(&self) -> RawAnswer<'_> {
        RawAnswer {
            slot: &self.slot,
            check1: &self.check1,
            check1_on: &self.check1_on,
            check2: &self.check2,
            check2_on: &self.check2_on,
            target_on: &self.target_on,
            note: &self.note,
        }
    }
}

/// The sheet an answer goes into.
#[derive(Debug, Clone, Copy)]
pub enum Sheet<'a> {
    /// The institution's checklist: answered by its members who may answer it.
    Assessment(&'a Assessment),
    /// A vendor sheet: answered by the vendor's members only (the institution reads it).
    Vendor(&'a VendorSheet),
}

impl Sheet<'_> {
    fn owner(&self) -> SheetOwner {
        match self {
            Sheet::Assessment(_) => SheetOwner::Institution,
            Sheet::Vendor(_) => SheetOwner::Vendor,
        }
    }
}

/// Save one answer of `sheet`: the caller must be the sheet's answering side (the
/// institution's members who may answer its checklist; the vendor's members for a vendor
/// sheet), the sheet open (a draft; not submitted), the item one of its catalog's, the
/// answer within the domain's rules; a stale `version` is a conflict. The store writes
/// the answer and its audit event together.
pub async fn save(
    ctx: &Ctx,
    caller: &Caller,
    sheet: Sheet<'_>,
    f: &AnswerForm,
) -> Result<AssessmentAnswer> {
    let store = ctx.store();
    let owner = sheet.owner();
    let (institution_id, sheet_id, catalog_id, fiscal_year, open) = match sheet {
        Sheet::Assessment(a) => {
            if !caller.may(
                Action::AnswerAssessment,
                Scope::Institution(&a.institution_id),
            ) {
                return Err(Error::Forbidden);
            }
            (
                &a.institution_id,
                &a.id,
                &a.catalog_id,
                a.fiscal_year,
                a.status == AssessmentStatus::Draft,
            )
        }
        Sheet::Vendor(s) => {
            // The institution reads its vendors' sheets; it does not answer them.
            let party = policy::contract_party(
                &caller.principal,
                Action::ViewAssessments,
                &s.institution_id,
                &s.vendor_id,
                caller.now,
            );
            if party != Some(Party::Vendor) {
                return Err(Error::Forbidden);
            }
            (
                &s.institution_id,
                &s.id,
                &s.catalog_id,
                s.fiscal_year,
                s.status == mamori_domain::codes::VendorSheetStatus::Requested,
            )
        }
    };
    if !open {
        return Err(Error::invalid(owner.closed()));
    }
    let (slot, answer, answers) = validated(ctx, sheet, catalog_id, fiscal_year, f).await?;
    let current = answers
        .iter()
        .find(|x| x.item_id == f.item_id && x.slot == slot)
        .map(|x| x.version)
        .unwrap_or(0);
    if current != f.version {
        return Err(Error::Conflict(
            match owner {
                SheetOwner::Institution => ConflictKind::StaleAssessmentAnswer,
                SheetOwner::Vendor => ConflictKind::StaleVendorSheetAnswer,
            }
            .as_str(),
        ));
    }
    let row = AssessmentAnswer {
        institution_id: institution_id.clone(),
        assessment_id: sheet_id.clone(),
        item_id: f.item_id.clone(),
        slot,
        check1: answer.check1,
        check1_on: answer.check1_on,
        check2: answer.check2,
        check2_on: answer.check2_on,
        target_on: answer.target_on,
        note: answer.note,
        ..Default::default()
    };
    let actor = caller.actor();
    let saved = match sheet {
        Sheet::Assessment(_) => store.save_assessment_answer(&actor, &row, f.version).await,
        Sheet::Vendor(_) => {
            store
                .save_vendor_sheet_answer(&actor, &row, f.version)
                .await
        }
    };
    saved.map_err(|e| match e {
        // Approved or submitted meanwhile: refused as a closed sheet is.
        StoreError::Conflict(
            ConflictKind::AssessmentApproved | ConflictKind::VendorSheetSubmitted,
        ) => Error::invalid(owner.closed()),
        other => other.into(),
    })
}

/// The answer `f` as it would be kept in `sheet` (its catalog and fiscal year), checked
/// under the domain's rules, with the sheet's current answers; nothing is written.
async fn validated(
    ctx: &Ctx,
    sheet: Sheet<'_>,
    catalog_id: &str,
    fiscal_year: i64,
    f: &AnswerForm,
) -> Result<(asm::Slot, asm::Answer, Vec<AssessmentAnswer>)> {
    let store = ctx.store();
    let answers = match sheet {
        Sheet::Assessment(a) => store.assessment_answers(&a.id).await?,
        Sheet::Vendor(s) => store.vendor_sheet_answers(&s.id).await?,
    };
    let (slot, answer) = checked(ctx, catalog_id, fiscal_year, &answers, f)?;
    Ok((slot, answer, answers))
}

/// `f` checked against a sheet's catalog, fiscal year and current `answers` (no I/O).
fn checked(
    ctx: &Ctx,
    catalog_id: &str,
    fiscal_year: i64,
    answers: &[AssessmentAnswer],
    f: &AnswerForm,
) -> Result<(asm::Slot, asm::Answer)> {
    let reg = ctx.catalogs();
    let cat = reg.catalogs.get(catalog_id).ok_or(Error::NotFound)?;
    let item = cat.item(&f.item_id).ok_or(Error::NotFound)?;
    // Item 0 answered いいえ leaves nothing else to answer (no vendor sheet has an item 0).
    let applicable = item.gate || !model(cat, answers).gate_no;
    let item_slots = asm::slots(&item.devices.iter().map(|d| slot_of(*d)).collect::<Vec<_>>());
    let today = mamori_domain::time::date_jst(ctx.now());
    asm::check_sheet_answer(
        fiscal_year as i32,
        &today,
        applicable,
        item.gate,
        &item_slots,
        &f.raw(),
    )
    .map_err(Error::invalid)
}

/// Would `sheet`, holding `answers` now, take `f`? The Fluent key of the rule it breaks,
/// or none. The caller's right to answer is the caller's to check; nothing is read or
/// written.
pub fn check_only(
    ctx: &Ctx,
    sheet: Sheet<'_>,
    answers: &[AssessmentAnswer],
    f: &AnswerForm,
) -> Result<Option<&'static str>> {
    let (catalog_id, fiscal_year) = match sheet {
        Sheet::Assessment(a) => (&a.catalog_id, a.fiscal_year),
        Sheet::Vendor(s) => (&s.catalog_id, s.fiscal_year),
    };
    match checked(ctx, catalog_id, fiscal_year, answers, f) {
        Ok(_) => Ok(None),
        Err(Error::Invalid { key, .. }) => Ok(Some(key)),
        Err(e) => Err(e),
    }
}
