//! 承認依頼 and approval: the officer asks for approval of a complete sheet, the executive
//! approves it or sends it back with a reason; who is told; the approval block that the
//! sheet, its exports and the inspector's view print.

use crate::assessments::{assessment_for, unmet};
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assessment as asm;
use mamori_domain::codes::AssessmentStatus;
use mamori_domain::notifications::{Audience, NoticeDraft, NotificationKind};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::{Institution, Role};
use mamori_i18n::Tr;
use mamori_store::Assessment;
use serde::Serialize;

/// What stands between the sheet and its approval today, checked on the server (the same
/// rule for the request and the approval): `Unmet` naming each item.
async fn check_complete(ctx: &Ctx, a: &Assessment) -> Result<()> {
    let reg = ctx.catalogs();
    let cat = reg.catalogs.get(&a.catalog_id).ok_or(Error::NotFound)?;
    let answers = ctx.store().assessment_answers(&a.id).await?;
    let today = mamori_domain::time::date_jst(ctx.now());
    let open = unmet(cat, a, &answers, &today);
    if open.is_empty() {
        Ok(())
    } else {
        Err(Error::Unmet(open))
    }
}

/// The values every notice about a sheet's approval names.
fn approval_params(caller: &Caller, inst: &Institution, a: &Assessment) -> serde_json::Value {
    serde_json::json!({"actor": caller.user.display_name, "institution": inst.name,
                       "fiscal_year": a.fiscal_year})
}

/// The notices of a step on a sheet: to everyone holding `role`, and to `requester` (who
/// asked for approval, whatever their role); each told once.
fn told(
    kind: NotificationKind,
    inst: &Institution,
    a: &Assessment,
    role: Role,
    requester: Option<&str>,
    params: serde_json::Value,
) -> Vec<NoticeDraft> {
    let link = format!("/assessments/{}", a.id);
    let mut audiences = vec![Audience::Role(role)];
    audiences.extend(requester.map(|u| Audience::User(u.to_string())));
    audiences
        .into_iter()
        .map(|to| NoticeDraft::new(kind, Some(&inst.id), to, link.clone(), params.clone()))
        .collect()
}

/// 承認依頼: the officer asks the executives to approve a complete draft (refused naming
/// every unmet item); the sheet is locked until approved or sent back, and every
/// executive is told.
pub async fn request_approval(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    version: i64,
) -> Result<Assessment> {
    let (a, inst) = assessment_for(ctx, caller, id, Action::AnswerAssessment).await?;
    if a.status != AssessmentStatus::Draft || a.version != version {
        return Err(Error::Conflict("stale_assessment"));
    }
    check_complete(ctx, &a).await?;
    let notice = NoticeDraft::new(
        NotificationKind::ApprovalRequested,
        Some(&inst.id),
        Audience::Role(Role::Executive),
        format!("/assessments/{}", a.id),
        approval_params(caller, &inst, &a),
    );
    Ok(ctx
        .store()
        .request_approval(&caller.actor(), &a.id, version, &[notice])
        .await?)
}

/// Send a requested sheet back to draft: the executive, with the reason (required), or
/// the officer withdrawing the request. The other side is told.
pub async fn send_back(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    version: i64,
    reason: &str,
) -> Result<Assessment> {
    let (a, inst) = match assessment_for(ctx, caller, id, Action::ApproveAssessment).await {
        Ok(found) => found,
        Err(Error::Forbidden) => assessment_for(ctx, caller, id, Action::AnswerAssessment).await?,
        Err(e) => return Err(e),
    };
    let executive = caller.may(Action::ApproveAssessment, Scope::Institution(&inst.id));
    let reason = if executive {
        asm::check_reason(reason, "error-send-back-reason").map_err(Error::invalid)?
    } else {
        reason.trim().chars().take(2000).collect()
    };
    if a.status != AssessmentStatus::Requested {
        return Err(Error::Conflict("stale_assessment"));
    }
    let mut params = approval_params(caller, &inst, &a);
    params["reason"] = serde_json::json!(reason);
    // The executive tells the officers and whoever asked; an officer withdrawing tells the
    // executives.
    let (role, requester) = if executive {
        (Role::SecurityOfficer, a.requested_by.as_deref())
    } else {
        (Role::Executive, None)
    };
    let notices = told(
        NotificationKind::ApprovalReturned,
        &inst,
        &a,
        role,
        requester,
        params,
    );
    Ok(ctx
        .store()
        .send_back_assessment(&caller.actor(), &a.id, version, &reason, &notices)
        .await?)
}

/// Approve an assessment at `version` (the executive, or whoever holds the approval
/// right), requested or not: refused while anything is unmet, naming each item; a stale
/// version is a conflict. The officers and whoever asked are told.
pub async fn approve(ctx: &Ctx, caller: &Caller, id: &str, version: i64) -> Result<Assessment> {
    let (a, inst) = assessment_for(ctx, caller, id, Action::ApproveAssessment).await?;
    check_complete(ctx, &a).await?;
    let notices = told(
        NotificationKind::Approved,
        &inst,
        &a,
        Role::SecurityOfficer,
        a.requested_by.as_deref(),
        approval_params(caller, &inst, &a),
    );
    Ok(ctx
        .store()
        .approve_assessment(&caller.actor(), &a.id, version, &notices)
        .await?)
}

/// The approval block as printed: who approved, in which role, on which day (和暦), and
/// who asked for it; or, while requested, who asked and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApprovalBlock {
    pub approved: bool,
    pub approver: String,
    /// The approver's role (経営層): only the executive approves.
    pub role: String,
    /// The approval day in 和暦 (令和7年6月10日), or in the Western calendar in English.
    pub date: String,
    pub requested_by: String,
    pub requested_on: String,
}

fn day(tr: &Tr, ms: i64) -> String {
    let d = mamori_domain::time::date_jst(ms);
    match tr.lang {
        mamori_i18n::Lang::Ja => mamori_domain::wareki::wareki(&d).unwrap_or(d),
        mamori_i18n::Lang::En => d,
    }
}

/// The block of an approved or requested sheet; none for a draft.
pub fn approval_block(tr: &Tr, a: &Assessment) -> Option<ApprovalBlock> {
    let requested = (
        a.requested_by_name.clone().unwrap_or_default(),
        a.requested_at.map(|t| day(tr, t)).unwrap_or_default(),
    );
    match a.status {
        AssessmentStatus::Draft => None,
        AssessmentStatus::Requested => Some(ApprovalBlock {
            requested_by: requested.0,
            requested_on: requested.1,
            ..Default::default()
        }),
        AssessmentStatus::Approved => Some(ApprovalBlock {
            approved: true,
            approver: a.approved_by_name.clone().unwrap_or_default(),
            role: tr.t("approval-block-executive"),
            date: a.approved_at.map(|t| day(tr, t)).unwrap_or_default(),
            requested_by: requested.0,
            requested_on: requested.1,
        }),
    }
}
