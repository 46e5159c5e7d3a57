//! Inspector links: read-only, time-limited access to one assessment for the prefecture's
//! on-site inspection (立入検査). The secret is shown once, when the link is made; only its
//! hash is kept.

use crate::assessments::assessment_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assessment::check_inspector_link;
use mamori_domain::policy::Action;
use mamori_store::InspectorLink;
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
    let (a, _) = assessment_for(ctx, caller, assessment_id, Action::AnswerAssessment).await?;
    let label = check_inspector_link(&input.label, input.days).map_err(Error::invalid)?;
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
    };
    ctx.store()
        .create_inspector_link(&caller.actor(), &link, &issued.hash)
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
