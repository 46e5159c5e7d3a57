//! Invitations of vendor contacts: an institution names a contact of a vendor it has a
//! contract with; the one-time link is mailed (or shown to the inviter) and accepted once,
//! by setting a password. The new account's membership of the vendor stays *pending* until
//! the vendor's administrator confirms it: an institution never grants vendor membership.

use crate::access::institution_for;
use crate::credentials::{hash_password_blocking, issue_secret, secret_hash};
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::grants::GrantStanding;
use mamori_domain::policy::Action;
use mamori_domain::vendor_members::{check_invitee, may_name_existing};
use mamori_domain::Institution;
use mamori_i18n::{Lang, Tr};
use mamori_store::{Actor, Invite, StoreError};
use serde::Deserialize;

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

/// An invitation, as the form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InviteInput {
    /// A vendor the institution has a contract with.
    #[serde(default)]
    pub vendor_id: String,
    /// The contact's e-mail address.
    #[serde(default)]
    pub email: String,
    /// The contact's name (1–100 characters).
    #[serde(default)]
    pub display_name: String,
}

/// An invitation made.
#[derive(Debug, Clone)]
pub struct Created {
    pub invite: Invite,
    pub institution: Institution,
    pub vendor_name: String,
    /// The one-time path (`/invite/{token}`) for the inviter to pass on: set when it was
    /// not mailed (no relay configured, or the relay failed) and no account was linked.
    pub link: Option<String>,
    /// The mail could not be sent (the link is given instead).
    pub mail_error: bool,
    /// The person is the vendor's member already: named as the contact, no link.
    pub linked: bool,
}

/// Where an invitation stands.
pub fn status(i: &Invite, now: i64) -> &'static str {
    match i.standing(now) {
        GrantStanding::Ended => "used",
        GrantStanding::Expired => "expired",
        GrantStanding::Active => "open",
    }
}

/// The invitations of an institution, newest first (those who manage its contracts).
pub async fn list(ctx: &Ctx, caller: &Caller, code: &str) -> Result<(Institution, Vec<Invite>)> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageContracts).await?;
    let invites = ctx.store().invites(&inst.id).await?;
    Ok((inst, invites))
}

/// Invite a contact of a vendor the institution has a contract with (those who manage its
/// contracts). An existing account is never attached to the vendor by an institution: one
/// the vendor already made its active member is linked as the contact (granting nothing);
/// any other is refused (`error-invite-exists`), and the vendor's administrator must add
/// that person. Audited in the institution's chain (`vendor.invite` / `vendor.invite.link`).
pub async fn create(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &InviteInput,
) -> Result<Created> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageContracts).await?;
    let vendor_name = ctx
        .store()
        .contracts(&inst.id)
        .await?
        .into_iter()
        .find(|c| c.vendor_id == input.vendor_id)
        .map(|c| c.vendor_name)
        .ok_or(Error::Invalid {
            field: "vendor_id",
            key: "error-invite-vendor",
        })?;
    let (email, name) = check_invitee(&input.email, &input.display_name).map_err(Error::invalid)?;
    let linked = match ctx.store().user_auth_by_email(&email).await? {
        Some(existing) => {
            let memberships: Vec<_> = ctx
                .store()
                .memberships_of(&existing.user.id)
                .await?
                .into_iter()
                .map(|m| (m.vendor_id, m.status))
                .collect();
            if !may_name_existing(&memberships, &input.vendor_id) {
                return Err(Error::Invalid {
                    field: "email",
                    key: "error-invite-exists",
                });
            }
            Some(existing.user.id)
        }
        None => None,
    };
    let issued = issue_secret("");
    let token = &issued.secret;
    let expires_at = mamori_domain::grants::expiry(caller.now, INVITE_DAYS);
    let invite = Invite {
        id: mamori_store::new_id(),
        institution_id: inst.id.clone(),
        vendor_id: input.vendor_id.clone(),
        email: email.clone(),
        display_name: name,
        created_by: None,
        created_at: caller.now,
        expires_at,
        used_at: linked.as_ref().map(|_| caller.now),
        user_id: linked.clone(),
    };
    ctx.store()
        .create_invite(&caller.actor(), &invite, &issued.hash)
        .await?;
    let path = format!("/invite/{token}");
    let mail = ctx.mail();
    let (link, mail_error) = match (&mail.smtp_url, &mail.public_url) {
        _ if linked.is_some() => (None, false),
        (Some(_), Some(base)) => {
            let tr = Tr::new(Lang::Ja);
            let body = format!(
                "{}\n\n{} {}\n{} {}\n\n{base}{path}\n\n{}\n",
                tr.t("invite-mail-lead"),
                tr.t("contracts-institution"),
                inst.name,
                tr.t("invite-expires"),
                mamori_domain::time::timestamp_jst(expires_at),
                tr.t("invite-mail-foot"),
            );
            match crate::mail::send(mail, &email, &tr.t("invite-mail-subject"), &body).await {
                Ok(()) => (None, false),
                Err(e) => {
                    tracing::warn!(error = %e, "invitation mail not sent");
                    (Some(path), true)
                }
            }
        }
        _ => (Some(path), false),
    };
    Ok(Created {
        invite,
        institution: inst,
        vendor_name,
        link,
        mail_error,
        linked: linked.is_some(),
    })
}

/// An invitation that can still be accepted (unknown, used and expired ones alike: none),
/// with the vendor's name.
pub async fn open(ctx: &Ctx, token: &str) -> Result<Option<(Invite, String)>> {
    let Some(invite) = ctx
        .store()
        .invite_by_token(&secret_hash(token))
        .await?
        .filter(|i| i.standing(ctx.now()) == GrantStanding::Active)
    else {
        return Ok(None);
    };
    let vendor = ctx
        .store()
        .list_vendors()
        .await?
        .into_iter()
        .find(|v| v.id == invite.vendor_id)
        .map(|v| v.name)
        .unwrap_or_default();
    Ok(Some((invite, vendor)))
}

/// Who accepts an invitation: nobody signed in (the link is the credential); the request's
/// id and address go into the audit event.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

/// The account an accepted invitation made: its membership of the vendor waits for the
/// vendor's administrator.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub user: mamori_domain::User,
    pub vendor_id: String,
}

/// Accept an invitation by setting a password: the account of the invited address is
/// created with a *pending* membership of the vendor, and the link is spent, in one
/// transaction with its audit event. Whoever holds the link may do it, signed in or not —
/// the account made is the invited one, never the caller's, and it sees nothing until the
/// vendor confirms it (which replaces the password). Refusals: `NotFound` for an unknown,
/// used or expired link (not told apart); `Invalid` (`password`) for a password the rules
/// refuse; `Invalid` (`email`, `error-invite-exists`) when the address has an account now.
pub async fn accept(ctx: &Ctx, origin: &Origin, token: &str, password: &str) -> Result<Accepted> {
    let hash = secret_hash(token);
    let invite = ctx
        .store()
        .invite_by_token(&hash)
        .await?
        .filter(|i| i.standing(ctx.now()) == GrantStanding::Active)
        .ok_or(Error::NotFound)?;
    mamori_domain::password::check(password, &invite.email).map_err(|e| Error::Invalid {
        field: "password",
        key: e.message_key(),
    })?;
    let pw = hash_password_blocking(password.to_string()).await?;
    let actor = Actor {
        user_id: None,
        label: invite.email.clone(),
        request_id: origin.request_id.clone(),
        client_addr: origin.client_addr.clone(),
    };
    match ctx
        .store()
        .accept_invite(&actor, &hash, &pw, ctx.now())
        .await
    {
        Ok(user) => Ok(Accepted {
            user,
            vendor_id: invite.vendor_id,
        }),
        Err(StoreError::Duplicate(_)) => Err(Error::Invalid {
            field: "email",
            key: "error-invite-exists",
        }),
        // Spent or expired meanwhile (a second acceptance racing this one).
        Err(StoreError::Conflict(_) | StoreError::NotFound(_)) => Err(Error::NotFound),
        Err(e) => Err(e.into()),
    }
}
