//! Inspector links: read-only, time-limited access to one assessment for the prefecture's
//! on-site inspection (立入検査). The secret is shown once, when the link is made; only its
//! hash is kept.

use crate::assessments::assessment_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assessment::check_inspector_link;
use mamori_domain::grants::GrantStanding;
use mamori_domain::notifications::{Audience, NoticeDraft, NotificationKind};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::{Institution, Role};
use mamori_store::{Assessment, InspectorLink};
use serde::Deserialize;

/// An inspector link as asked for.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    /// Who it is for (`東京都 医療安全課`): 1–200 characters.
    #[serde(default)]
    pub label: String,
    /// How many days it stays valid: 1–30.
    #[serde(default)]
    pub days: i64,
    /// The inspector's mail address: the link is mailed there (optional). An inspector
    /// account with this address also finds the sheet on its home page.
    #[serde(default)]
    pub recipient: String,
}

/// A link just made, with its secret (never shown again).
#[derive(Debug, Clone)]
pub struct NewLink {
    pub link: InspectorLink,
    pub token: String,
}

/// The hash an inspector link's secret is kept and found by.
pub fn token_hash(token: &str) -> String {
    crate::credentials::secret_hash(token)
}

/// The links of an assessment, revoked and expired ones included (whoever sees the sheet).
pub async fn list(ctx: &Ctx, caller: &Caller, assessment_id: &str) -> Result<Vec<InspectorLink>> {
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::ViewAssessments).await?;
    Ok(ctx.store().inspector_links(&a.id).await?)
}

/// Make a link to the assessment (those who answer the sheet).
pub async fn create(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
    input: &LinkInput,
) -> Result<NewLink> {
    let (a, inst) = assessment_for(ctx, caller, assessment_id, Action::AnswerAssessment).await?;
    let label = check_inspector_link(&input.label, input.days).map_err(Error::invalid)?;
    let recipient = match input.recipient.trim() {
        "" => String::new(),
        r => mamori_domain::validate::email(r).map_err(|_| Error::Invalid {
            field: "recipient",
            key: "error-inspector-recipient",
        })?,
    };
    let issued = crate::credentials::issue_secret("");
    let id = mamori_store::new_id();
    let link = InspectorLink {
        id: id.clone(),
        institution_id: a.institution_id.clone(),
        assessment_id: a.id.clone(),
        label,
        expires_at: mamori_domain::grants::expiry(caller.now, input.days),
        revoked_at: None,
        created_by: Some(caller.user.id.clone()),
        created_at: caller.now,
        recipient: recipient.clone(),
        last_access_at: None,
    };
    let notices: Vec<NoticeDraft> = if recipient.is_empty() {
        vec![]
    } else {
        vec![NoticeDraft::new(
            NotificationKind::InspectorLinkShared,
            Some(&inst.id),
            Audience::Address(recipient),
            format!("/inspect/{}", issued.secret),
            // `link_id`: the mail is withdrawn if the link is revoked or expires unsent.
            serde_json::json!({"institution": inst.name, "fiscal_year": a.fiscal_year,
                "label": link.label, "date": mamori_domain::time::date_jst(link.expires_at),
                "link_id": id}),
        )]
    };
    ctx.store()
        .create_inspector_link(&caller.actor(), &link, &issued.hash, &notices)
        .await?;
    // As stored (who made it and when are the store's).
    let link = ctx
        .store()
        .inspector_links(&a.id)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .unwrap_or(link);
    Ok(NewLink {
        link,
        token: issued.secret,
    })
}

/// Revoke a link of the assessment; revoking it twice is a conflict.
pub async fn revoke(ctx: &Ctx, caller: &Caller, assessment_id: &str, link_id: &str) -> Result<()> {
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::AnswerAssessment).await?;
    Ok(ctx
        .store()
        .revoke_inspector_link(&caller.actor(), &a.id, link_id)
        .await?)
}

/// How an inspector account reaches a sheet: its inspector role at the institution, or a
/// live link sent to its address. Either ends at a time (none: a grant without expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Grant { expires_at: Option<i64> },
    Link(InspectorLink),
}

impl Reach {
    pub fn expires_at(&self) -> Option<i64> {
        match self {
            Reach::Grant { expires_at } => *expires_at,
            Reach::Link(l) => Some(l.expires_at),
        }
    }
}

/// A sheet shared with the caller, for its home page.
#[derive(Debug, Clone)]
pub struct Shared {
    pub assessment: Assessment,
    pub institution: Institution,
    pub reach: Reach,
}

fn grant_expiry(caller: &Caller, institution_id: &str) -> Option<Option<i64>> {
    caller
        .principal
        .grants
        .iter()
        .filter(|g| g.institution_id == institution_id && g.role == Role::Inspector)
        .filter(|g| g.expires_at.is_none_or(|e| e > caller.now))
        .map(|g| g.expires_at)
        .max_by_key(|e| e.unwrap_or(i64::MAX))
}

/// Keep a live link for the signed-in account that opened it: its home then lists the
/// sheet until the link expires or is revoked, and opens it without the secret. Only the
/// holder of the link's secret can keep it (the same reach the link gives already); a
/// link no longer live: not found. Audited in the link's institution.
pub async fn keep(ctx: &Ctx, caller: &Caller, token: &str) -> Result<Shared> {
    let store = ctx.store();
    let link = store
        .inspector_link_by_token(&token_hash(token))
        .await?
        .filter(|l| l.standing(caller.now) == GrantStanding::Active)
        .ok_or(Error::NotFound)?;
    store
        .keep_inspector_link(&caller.actor(), &link, &caller.user.id)
        .await?;
    let assessment = store
        .assessment(&link.assessment_id)
        .await?
        .ok_or(Error::NotFound)?;
    let institution = store
        .institution(&link.institution_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Shared {
        assessment,
        institution,
        reach: Reach::Link(link),
    })
}

/// The live link the caller keeps for the assessment, if any.
async fn kept_link(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
) -> Result<Option<InspectorLink>> {
    Ok(ctx
        .store()
        .kept_inspector_links(&caller.user.id, caller.now)
        .await?
        .into_iter()
        .find(|l| l.assessment_id == assessment_id))
}

/// The sheets shared with the caller as an inspector: every checklist of the institutions
/// where it holds the inspector role, and the sheets of the live links it keeps.
pub async fn shared_with_me(ctx: &Ctx, caller: &Caller) -> Result<Vec<Shared>> {
    let store = ctx.store();
    let mut out = Vec::new();
    for link in store
        .kept_inspector_links(&caller.user.id, caller.now)
        .await?
    {
        let (Some(assessment), Some(institution)) = (
            store.assessment(&link.assessment_id).await?,
            store.institution(&link.institution_id).await?,
        ) else {
            continue;
        };
        out.push(Shared {
            assessment,
            institution,
            reach: Reach::Link(link),
        });
    }
    for inst in crate::access::my_institutions(store, caller).await? {
        if !caller.may(Action::InspectAssessments, Scope::Institution(&inst.id)) {
            continue;
        }
        let expires_at = grant_expiry(caller, &inst.id).flatten();
        for a in store.assessments(&inst.id).await? {
            // Reached by the grant: a kept link to it adds nothing.
            out.retain(|s: &Shared| s.assessment.id != a.id);
            out.push(Shared {
                assessment: a,
                institution: inst.clone(),
                reach: Reach::Grant { expires_at },
            });
        }
    }
    Ok(out)
}

/// The sheet for an inspector account (by grant or by a link sent to its address), every
/// opening recorded in the institution's audit log; 404 for anyone else.
pub async fn inspection(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
    what: &str,
) -> Result<(Assessment, Institution, Reach)> {
    let store = ctx.store();
    let a = store
        .assessment(assessment_id)
        .await?
        .ok_or(Error::NotFound)?;
    let inst = store
        .institution(&a.institution_id)
        .await?
        .ok_or(Error::NotFound)?;
    let reach = if caller.may(Action::InspectAssessments, Scope::Institution(&inst.id)) {
        Reach::Grant {
            expires_at: grant_expiry(caller, &inst.id).flatten(),
        }
    } else if let Some(link) = kept_link(ctx, caller, &a.id).await? {
        // A live link the account kept after opening it with its secret.
        store.touch_inspector_link(&link.id, caller.now).await?;
        Reach::Link(link)
    } else {
        // An address alone opens nothing: accounts are not verified by mail, and an officer
        // of another institution could make one with the address. The mailed link (kept by
        // the account that opened it) is the inspector's way in.
        return Err(Error::NotFound);
    };
    let via = match &reach {
        Reach::Grant { .. } => serde_json::json!({"via": "grant", "view": what}),
        Reach::Link(l) => serde_json::json!({"via": "link", "link": l.id, "view": what}),
    };
    store
        .record(
            &caller.actor(),
            mamori_store::AuditDraft::new(
                Some(&inst.id),
                "inspector.access",
                "assessment",
                &a.id,
                via,
            ),
        )
        .await?;
    Ok((a, inst, reach))
}
