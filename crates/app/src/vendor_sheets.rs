//! Vendor sheets (事業者確認用) of an assessment: the institution requests them from its
//! contracts' vendors; each vendor answers and submits its own; the institution reads them
//! and may send a submitted one back with a reason (差し戻し); a vendor may reuse the
//! answers of an earlier sheet it submitted. Answers go through [`crate::answers`], the
//! path the institution's own sheet takes.

use crate::access::require;
use crate::answers::{self, AnswerForm, Sheet};
use crate::assessments::{assessment_for, model, versions};
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_catalog::Registry;
use mamori_domain::assessment::{self as asm, check_reason};
use mamori_domain::notifications::{Audience, NoticeDraft, NotificationKind};
use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::role_sharing::Party;
use mamori_domain::Role;
use mamori_store::{AssessmentAnswer, VendorSheet};
use serde::Deserialize;
use serde_json::json;

/// A move of a sheet at the version read (submit).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    /// The sheet's version as read; a stale one gets 409.
    pub version: i64,
}

/// Sending a submitted sheet back to its vendor (差し戻し).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReturnInput {
    /// The sheet's version as read; a stale one gets 409.
    pub version: i64,
    /// Why (1–2,000 characters): shown to the vendor.
    #[serde(default)]
    pub reason: String,
}

/// Reusing the answers of an earlier sheet.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CopyInput {
    /// An earlier sheet of the same vendor on the same checklist version, submitted.
    #[serde(default)]
    pub from: String,
}

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

/// The sheet and the side the caller is on: the vendor answers, the institution reads.
/// As for a contract: a member of the institution (without the right to view its
/// checklist) or of the vendor is refused (403); anyone else learns nothing (404).
pub async fn sheet_for(ctx: &Ctx, caller: &Caller, id: &str) -> Result<(VendorSheet, Party)> {
    let s = ctx.store().vendor_sheet(id).await?.ok_or(Error::NotFound)?;
    match policy::contract_party(
        &caller.principal,
        Action::ViewAssessments,
        &s.institution_id,
        &s.vendor_id,
        caller.now,
    ) {
        Some(p) => Ok((s, p)),
        None if !caller
            .principal
            .roles_in(&s.institution_id, caller.now)
            .is_empty()
            || caller.principal.vendor_ids.contains(&s.vendor_id) =>
        {
            Err(Error::Forbidden)
        }
        None => Err(Error::NotFound),
    }
}

/// The sheet, if the caller is its vendor (the institution reads it but does not answer,
/// submit or copy into it: 403).
async fn vendors_sheet(ctx: &Ctx, caller: &Caller, id: &str) -> Result<VendorSheet> {
    match sheet_for(ctx, caller, id).await? {
        (s, Party::Vendor) => Ok(s),
        _ => Err(Error::Forbidden),
    }
}

/// Request the vendor sheet from every contract's vendor that has none for this assessment
/// yet (who may answer the checklist): how many were requested. An institution without
/// contracts has nobody to ask (422).
pub async fn request(ctx: &Ctx, caller: &Caller, assessment_id: &str) -> Result<usize> {
    let (a, inst) = assessment_for(ctx, caller, assessment_id, Action::AnswerAssessment).await?;
    let all = ctx.store().contracts(&inst.id).await?;
    let notices: Vec<NoticeDraft> = all
        .iter()
        .map(|c| {
            NoticeDraft::new(
                NotificationKind::VendorSheetRequested,
                Some(&inst.id),
                Audience::VendorMembers(c.vendor_id.clone()),
                "/vendor",
                json!({"institution": inst.name, "fiscal_year": a.fiscal_year,
                       "contract": c.title}),
            )
        })
        .collect();
    let contracts: Vec<(String, String)> = all.into_iter().map(|c| (c.id, c.vendor_id)).collect();
    if contracts.is_empty() {
        return Err(Error::Invalid {
            field: "assessment",
            key: "error-cy-no-contracts",
        });
    }
    let catalog = vendor_catalog(&ctx.catalogs(), &a.catalog_id)
        .ok_or_else(|| Error::Internal("no vendor sheet catalog".into()))?;
    Ok(ctx
        .store()
        .request_vendor_sheets(&caller.actor(), &a, &contracts, &catalog, &notices)
        .await?)
}

/// The vendor sheets of an assessment (who may view the checklist).
pub async fn of_assessment(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
) -> Result<Vec<VendorSheet>> {
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::ViewAssessments).await?;
    Ok(ctx.store().vendor_sheets(&a.id).await?)
}

/// Every sheet requested from the caller's vendors, across institutions (the portal).
pub async fn mine(ctx: &Ctx, caller: &Caller) -> Result<Vec<VendorSheet>> {
    require(caller, Action::UseVendorPortal, Scope::Platform)?;
    Ok(ctx
        .store()
        .vendor_sheets_of(&caller.principal.vendor_ids)
        .await?)
}

/// How far a sheet is answered (a catalog no longer served counts as nothing to answer).
pub fn progress(ctx: &Ctx, s: &VendorSheet, answers: &[AssessmentAnswer]) -> asm::Progress {
    ctx.catalogs()
        .catalogs
        .get(&s.catalog_id)
        .map(|cat| model(cat, answers))
        .unwrap_or_default()
}

/// Whether `other` is a sheet `s`'s answers may be copied from: the same vendor's, on the
/// same checklist version, submitted.
pub fn copyable(s: &VendorSheet, other: &VendorSheet) -> bool {
    other.id != s.id
        && other.vendor_id == s.vendor_id
        && other.status == mamori_domain::codes::VendorSheetStatus::Submitted
        && other.catalog_id == s.catalog_id
}

/// The sheets `s`'s vendor may copy answers from.
pub async fn copy_sources(ctx: &Ctx, s: &VendorSheet) -> Result<Vec<VendorSheet>> {
    Ok(ctx
        .store()
        .vendor_sheets_of(std::slice::from_ref(&s.vendor_id))
        .await?
        .into_iter()
        .filter(|o| copyable(s, o))
        .collect())
}

/// Answer one item of a sheet: the vendor only, while not submitted; the rules and the
/// conflict check are those of the institution's own sheet.
pub async fn answer(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    f: &AnswerForm,
) -> Result<AssessmentAnswer> {
    let s = vendors_sheet(ctx, caller, id).await?;
    answers::save(ctx, caller, Sheet::Vendor(&s), f).await
}

/// Submit a sheet to the institution: the vendor only, every first check filled in (422
/// otherwise); a stale version, or a sheet submitted already, is a conflict.
pub async fn submit(ctx: &Ctx, caller: &Caller, id: &str, version: i64) -> Result<VendorSheet> {
    let s = vendors_sheet(ctx, caller, id).await?;
    let m = progress(ctx, &s, &ctx.store().vendor_sheet_answers(&s.id).await?);
    if m.done < m.needed {
        return Err(Error::Invalid {
            field: "sheet",
            key: "error-cy-incomplete",
        });
    }
    let notice = NoticeDraft::new(
        NotificationKind::VendorSheetSubmitted,
        Some(&s.institution_id),
        Audience::Role(Role::SecurityOfficer),
        format!("/vendor-sheets/{}", s.id),
        json!({"vendor": s.vendor_name, "fiscal_year": s.fiscal_year,
               "contract": s.contract_title}),
    );
    ctx.store()
        .submit_vendor_sheet(&caller.actor(), &s.id, version, &[notice])
        .await?;
    ctx.store()
        .vendor_sheet(&s.id)
        .await?
        .ok_or(Error::NotFound)
}

/// Send a submitted sheet back to its vendor with a reason (差し戻し): the institution's
/// members who may answer its checklist only; the vendor can correct it and submit again.
/// A stale version, or a sheet not submitted, is a conflict.
pub async fn return_sheet(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    version: i64,
    reason: &str,
) -> Result<VendorSheet> {
    let (s, party) = sheet_for(ctx, caller, id).await?;
    if party != Party::Institution {
        return Err(Error::Forbidden);
    }
    require(
        caller,
        Action::AnswerAssessment,
        Scope::Institution(&s.institution_id),
    )?;
    let reason = check_reason(reason, "error-vs-return-reason").map_err(Error::invalid)?;
    let notice = NoticeDraft::new(
        NotificationKind::VendorSheetReturned,
        Some(&s.institution_id),
        Audience::VendorMembers(s.vendor_id.clone()),
        format!("/vendor-sheets/{}", s.id),
        json!({"institution": s.institution_name, "fiscal_year": s.fiscal_year,
               "contract": s.contract_title, "reason": reason}),
    );
    ctx.store()
        .return_vendor_sheet(&caller.actor(), &s.id, version, &reason, &[notice])
        .await?;
    ctx.store()
        .vendor_sheet(&s.id)
        .await?
        .ok_or(Error::NotFound)
}

/// Reuse the answers of an earlier submitted sheet of the same vendor (another institution
/// or year): only slots not answered yet are filled, each through the one answer path, so
/// an answer that does not hold in this fiscal year (a target date) is left out. How many
/// were copied. The sheet must be open (422 once submitted).
pub async fn copy(ctx: &Ctx, caller: &Caller, id: &str, from: &str) -> Result<usize> {
    let s = vendors_sheet(ctx, caller, id).await?;
    let store = ctx.store();
    let from = store
        .vendor_sheet(from)
        .await?
        .filter(|o| copyable(&s, o))
        .ok_or(Error::NotFound)?;
    if s.status != mamori_domain::codes::VendorSheetStatus::Requested {
        return Err(Error::invalid(
            mamori_domain::assessment::SheetOwner::Vendor.closed(),
        ));
    }
    let have = store.vendor_sheet_answers(&s.id).await?;
    let today = mamori_domain::time::date_jst(ctx.now());
    let mut copied = 0;
    for x in store.vendor_sheet_answers(&from.id).await? {
        if have
            .iter()
            .any(|h| h.item_id == x.item_id && h.slot == x.slot)
        {
            continue;
        }
        match answers::save(
            ctx,
            caller,
            Sheet::Vendor(&s),
            &AnswerForm::copied(&x, s.fiscal_year, &today),
        )
        .await
        {
            Ok(_) => copied += 1,
            // Not valid here (or answered meanwhile): left for the vendor to answer.
            Err(Error::Invalid { .. } | Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(copied)
}
