//! Evidence behind the answers of a checklist: a file, or a link to a mamori record (a
//! contract, an agreed role-sharing item, the security officer). Attached and withdrawn
//! while the sheet is a draft; withdrawn evidence is kept, with who, when and why.

use crate::assessments::assessment_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assessment::check_reason;
use mamori_domain::codes::{AssessmentStatus, EvidenceKind};
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use mamori_store::Evidence;

/// Evidence older than this many days shows as stale.
pub const STALE_DAYS: i64 = 365;

/// Whether evidence effective on `effective_on` is more than a year old on `today`.
pub fn is_stale(effective_on: &str, today: &str) -> bool {
    match (
        chrono::NaiveDate::parse_from_str(effective_on, "%Y-%m-%d"),
        chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d"),
    ) {
        (Ok(e), Ok(t)) => (t - e).num_days() > STALE_DAYS,
        _ => false,
    }
}

/// A record evidence can point to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `contract:ID`, `rs:CONTRACT:ITEM` (an agreed role-sharing item) or `officer:USER`.
    pub value: String,
    /// The Fluent key of its kind.
    pub kind: &'static str,
    /// What is stored as the evidence's label.
    pub name: String,
}

/// The records of `inst` evidence can point to.
pub async fn targets(ctx: &Ctx, inst: &Institution) -> Result<Vec<Target>> {
    let store = ctx.store();
    let mut out = Vec::new();
    let contracts = store.contracts(&inst.id).await?;
    for c in &contracts {
        out.push(Target {
            value: format!("contract:{}", c.id),
            kind: "ev-contract",
            name: format!("{} — {}", c.vendor_name, c.title),
        });
    }
    let reg = ctx.catalogs();
    for r in store.institution_role_sharing_items(&inst.id).await? {
        if r.state != mamori_domain::role_sharing::ItemState::Agreed {
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
        out.push(Target {
            value: format!("rs:{}:{}", r.contract_id, r.item_id),
            kind: "ev-rs-item",
            name: format!("{number}({})", c.vendor_name),
        });
    }
    for m in store.members(&inst.id).await? {
        if m.roles.iter().any(|r| {
            r.0 == mamori_domain::Role::SecurityOfficer && r.1.is_none_or(|e| e > ctx.now())
        }) {
            out.push(Target {
                value: format!("officer:{}", m.user.id),
                kind: "ev-officer",
                name: m.user.display_name.clone(),
            });
        }
    }
    Ok(out)
}

/// A file as uploaded: its clean name, its content and the type its content shows (none
/// when it is not one of the kinds kept).
#[derive(Debug, Clone, Copy)]
pub struct File<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    pub media_type: Option<&'static str>,
}

/// Evidence as asked for: a file, or (without one) a record to point to.
#[derive(Debug, Clone, Copy)]
pub struct NewEvidence<'a> {
    pub item_id: &'a str,
    /// A [`Target`]'s value; read only when no file is sent.
    pub target: &'a str,
    /// `YYYY-MM-DD`: the day the evidence speaks for.
    pub effective_on: &'a str,
    pub file: Option<File<'a>>,
}

/// The current evidence of an assessment (whoever sees the sheet).
pub async fn list(ctx: &Ctx, caller: &Caller, assessment_id: &str) -> Result<Vec<Evidence>> {
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::ViewAssessments).await?;
    Ok(ctx.store().evidence(&a.id).await?)
}

/// Attach evidence to an item of a draft sheet (those who answer it). An unknown item or
/// record, a bad date or a file of another kind is invalid; an approved sheet is locked
/// (conflict).
pub async fn add(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
    new: NewEvidence<'_>,
) -> Result<Evidence> {
    let (a, inst) = assessment_for(ctx, caller, assessment_id, Action::AnswerAssessment).await?;
    let invalid = |field, key| Error::Invalid { field, key };
    let known = ctx
        .catalogs()
        .catalogs
        .get(&a.catalog_id)
        .is_some_and(|c| c.item(new.item_id).is_some());
    if !known {
        return Err(invalid("item_id", "error-rs-bad-value"));
    }
    if a.status != AssessmentStatus::Draft {
        return Err(Error::Conflict("locked"));
    }
    if !mamori_domain::role_sharing::valid_date(new.effective_on) {
        return Err(invalid("effective_on", "error-rs-bad-date"));
    }
    let mut e = Evidence {
        institution_id: inst.id.clone(),
        assessment_id: a.id.clone(),
        item_id: new.item_id.to_string(),
        effective_on: new.effective_on.to_string(),
        ..Default::default()
    };
    let content = match new.file.filter(|f| !f.bytes.is_empty()) {
        Some(f) => {
            let media = f.media_type.ok_or(invalid("file", "error-document-type"))?;
            e.kind = EvidenceKind::File;
            e.label = f.name.chars().take(200).collect();
            e.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(f.bytes)));
            e.media_type = Some(media.into());
            Some(f.bytes)
        }
        None => {
            let t = targets(ctx, &inst)
                .await?
                .into_iter()
                .find(|t| t.value == new.target)
                .ok_or(invalid("target", "error-evidence-target"))?;
            let (kind, rest) = t.value.split_once(':').unwrap_or(("", ""));
            e.kind = match kind {
                "contract" => EvidenceKind::Contract,
                "rs" => EvidenceKind::RoleSharingItem,
                _ => EvidenceKind::Officer,
            };
            e.ref_id = Some(rest.to_string());
            e.label = t.name;
            None
        }
    };
    Ok(ctx
        .store()
        .add_evidence(&caller.actor(), &e, content)
        .await?)
}

/// Withdraw evidence attached by mistake (取り下げ), with the reason, while the sheet is a
/// draft: it is no longer shown, listed for the inspector or served. Returns what was
/// withdrawn.
pub async fn withdraw(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
    evidence_id: &str,
    reason: &str,
) -> Result<Evidence> {
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::AnswerAssessment).await?;
    let e = ctx
        .store()
        .evidence(&a.id)
        .await?
        .into_iter()
        .find(|e| e.id == evidence_id)
        .ok_or(Error::NotFound)?;
    if a.status != AssessmentStatus::Draft {
        return Err(Error::Conflict("locked"));
    }
    let reason = check_reason(reason, "error-ev-withdraw-reason").map_err(Error::invalid)?;
    ctx.store()
        .withdraw_evidence(&caller.actor(), &a.id, &e.id, &reason)
        .await?;
    Ok(e)
}

/// A file of evidence and its content (whoever sees the sheet); a link to a record has no
/// file (not found).
pub async fn file(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
    evidence_id: &str,
) -> Result<(Evidence, Vec<u8>)> {
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::ViewAssessments).await?;
    let (e, content) = ctx
        .store()
        .evidence_file(evidence_id)
        .await?
        .filter(|(e, _)| e.assessment_id == a.id)
        .ok_or(Error::NotFound)?;
    Ok((e, content.ok_or(Error::NotFound)?))
}
