//! Notices: the caller's list and preferences, their text in the reader's language, the
//! mail sender that empties the outbox (with retries), and the daily reminders. The
//! notices themselves are written by the use cases that cause them, in their transaction.

use crate::{Caller, Ctx, Error, Result};
use mamori_domain::notifications::{
    days_between, reminder_threshold, retry_delay_ms, Audience, NoticeDraft, NotificationKind,
};
use mamori_domain::Role;
use mamori_i18n::{Lang, Tr};
use serde::Serialize;
use serde_json::json;

/// A notice as its reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: String,
    #[schema(value_type = String)]
    pub kind: NotificationKind,
    /// The notice in the reader's language.
    pub text: String,
    /// Where to act (a path of mamori).
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// One kind and whether the caller gets mail for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Preference {
    #[schema(value_type = String)]
    pub kind: NotificationKind,
    /// The kind's name in the reader's language.
    pub label: String,
    pub mail: bool,
}

/// The message arguments of a notice's values: strings and numbers as given, the fiscal
/// year as its name in `lang` (令和7年度 / FY2025).
fn args(params: &serde_json::Value, lang: Lang) -> Vec<(&'static str, String)> {
    const NAMES: [&str; 10] = [
        "actor",
        "institution",
        "reason",
        "contract",
        "vendor",
        "item",
        "date",
        "days",
        "label",
        "count",
    ];
    let mut out: Vec<(&'static str, String)> = NAMES
        .iter()
        .filter_map(|n| {
            let v = params.get(*n)?;
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((*n, s))
        })
        .collect();
    if let Some(y) = params.get("fiscal_year").and_then(|v| v.as_i64()) {
        let name = match lang {
            Lang::Ja => mamori_domain::wareki::fiscal_year(y as i32),
            Lang::En => format!("FY{y}"),
        };
        out.push(("year", name));
    }
    out
}

/// The message key of a notice: `notice-<kind>`, or its variant (`…-overdue`).
fn key(kind: NotificationKind, params: &serde_json::Value) -> String {
    match params.get("variant").and_then(|v| v.as_str()) {
        Some(v) if v.chars().all(|c| c.is_ascii_lowercase()) => {
            format!("notice-{}-{v}", kind.as_str())
        }
        _ => format!("notice-{}", kind.as_str()),
    }
}

/// The notice's sentence in `lang`.
pub fn text(kind: NotificationKind, params: &str, lang: Lang) -> String {
    let params: serde_json::Value = serde_json::from_str(params).unwrap_or_default();
    Tr::new(lang).targs(&key(kind, &params), &args(&params, lang))
}

/// The mail of a notice: subject and body (the sentence, the link to act at, how to
/// change what mail one gets).
pub fn mail_text(
    kind: NotificationKind,
    params: &str,
    link: &str,
    lang: Lang,
    public_url: Option<&str>,
) -> (String, String) {
    let tr = Tr::new(lang);
    let p: serde_json::Value = serde_json::from_str(params).unwrap_or_default();
    let subject = tr.targs(
        &format!("notice-{}-subject", kind.as_str()),
        &args(&p, lang),
    );
    let base = public_url.unwrap_or("").trim_end_matches('/');
    let mut body = text(kind, params, lang);
    body.push_str("\n\n");
    if !link.is_empty() {
        body.push_str(&tr.t1("notice-mail-link", "url", format!("{base}{link}")));
        body.push_str("\n\n");
    }
    body.push_str(&tr.t1("notice-mail-footer", "url", format!("{base}/notifications")));
    body.push('\n');
    (subject, body)
}

/// How many notices the list shows.
pub const LIST_LIMIT: i64 = 100;

/// The caller's notices, newest first, in `lang`.
pub async fn list(ctx: &Ctx, caller: &Caller, lang: Lang) -> Result<Vec<NoticeView>> {
    Ok(ctx
        .store()
        .notifications(&caller.user.id, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|n| NoticeView {
            text: text(n.kind, &n.params, lang),
            id: n.id,
            kind: n.kind,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect())
}

pub async fn unread(ctx: &Ctx, caller: &Caller) -> Result<i64> {
    Ok(ctx.store().unread_notifications(&caller.user.id).await?)
}

/// Mark one of the caller's notices read: 404 for anyone else's.
pub async fn mark_read(ctx: &Ctx, caller: &Caller, id: &str) -> Result<()> {
    if ctx
        .store()
        .mark_notification_read(&caller.user.id, id)
        .await?
    {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

pub async fn mark_all_read(ctx: &Ctx, caller: &Caller) -> Result<u64> {
    Ok(ctx
        .store()
        .mark_all_notifications_read(&caller.user.id)
        .await?)
}

/// Every kind with whether the caller gets mail for it.
pub async fn preferences(ctx: &Ctx, caller: &Caller, lang: Lang) -> Result<Vec<Preference>> {
    let off = ctx.store().mail_opt_outs(&caller.user.id).await?;
    let tr = Tr::new(lang);
    Ok(NotificationKind::ALL
        .iter()
        .map(|k| Preference {
            kind: *k,
            label: tr.t(&format!("notice-kind-{}", k.as_str())),
            mail: !off.contains(k),
        })
        .collect())
}

/// Set whether the caller gets mail for the kind named `kind`; an unknown kind is refused.
pub async fn set_preference(ctx: &Ctx, caller: &Caller, kind: &str, mail: bool) -> Result<()> {
    let kind = NotificationKind::parse(kind).ok_or(Error::Invalid {
        field: "kind",
        key: "error-notice-kind",
    })?;
    Ok(ctx
        .store()
        .set_mail_preference(&caller.actor(), &caller.user.id, kind, mail)
        .await?)
}

/// What one round of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// How long a sender holds a mail it took before another may try it (ms).
const LEASE_MS: i64 = 5 * 60_000;

/// Send the mail that is due (at most `limit`), each at most once across processes; a
/// failure is recorded and retried later with back-off. Without a relay nothing is sent
/// and the mail waits.
pub async fn deliver_due(ctx: &Ctx, limit: i64) -> Result<Delivery> {
    let cfg = ctx.mail();
    let mut done = Delivery::default();
    let store = ctx.store();
    let now = ctx.now();
    // An inspector link revoked or expired while its mail waited is never sent (and its
    // secret is not kept), relay or not.
    store.withdraw_dead_link_mail(now).await?;
    if cfg.smtp_url.is_none() {
        return Ok(done);
    }
    for m in store.due_mail(now, limit).await? {
        if !store
            .claim_mail(&m.id, m.next_attempt_at, now + LEASE_MS)
            .await?
        {
            continue;
        }
        let lang = Lang::parse(&m.locale).unwrap_or_default();
        let (subject, body) =
            mail_text(m.kind, &m.params, &m.link, lang, cfg.public_url.as_deref());
        match crate::mail::send(cfg, &m.to_address, &subject, &body).await {
            Ok(()) => {
                store.mail_sent(&m.id, ctx.now()).await?;
                done.sent += 1;
            }
            Err(e) => {
                tracing::warn!(error = %e, attempts = m.attempts + 1, "mail not sent; will retry");
                store
                    .mail_failed(
                        &m.id,
                        &e.to_string(),
                        ctx.now() + retry_delay_ms(m.attempts),
                    )
                    .await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// The daily reminders on `today` (JST date): target dates of いいえ answers within 30 or 7
/// days or passed (to the institution's security officers), certifications expiring (to
/// the vendor's members and the officers of the institutions it serves), inspector links
/// expiring within 7 days (to whoever issued them). Each reminder is written once per
/// threshold, so running the job twice, or after a missed day, repeats nothing.
pub async fn daily(ctx: &Ctx, today: &str) -> Result<usize> {
    let store = ctx.store();
    let horizon = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map_err(|_| Error::BadRequest("error-bad-date"))?
        + chrono::Duration::days(30);
    let until = horizon.format("%Y-%m-%d").to_string();
    let mut notices = Vec::new();
    let reg = ctx.catalogs();
    for a in store.due_answers(&until).await? {
        let Some(days) = days_between(today, &a.target_on) else {
            continue;
        };
        let Some(t) = reminder_threshold(days) else {
            continue;
        };
        let number = reg
            .catalogs
            .get(&a.catalog_id)
            .and_then(|c| c.item(&a.item_id))
            .map(|i| i.number.clone())
            .unwrap_or_else(|| a.item_id.clone());
        let mut params = json!({"institution": a.institution_name, "fiscal_year": a.fiscal_year,
            "item": number, "date": a.target_on, "days": days.max(0)});
        if t == 0 {
            params["variant"] = json!("overdue");
        }
        notices.push(
            NoticeDraft::new(
                NotificationKind::TargetDateDue,
                Some(&a.institution_id),
                Audience::Role(Role::SecurityOfficer),
                format!("/assessments/{}#item-{}", a.assessment_id, a.item_id),
                params,
            )
            .once(format!(
                "target:{}:{}:{}:{}",
                a.assessment_id, a.item_id, a.slot, t
            )),
        );
    }
    for c in store.expiring_certifications(&until).await? {
        let Some(t) = days_between(today, &c.expires_on).and_then(reminder_threshold) else {
            continue;
        };
        let mut params = json!({"label": c.name, "date": c.expires_on});
        if t == 0 {
            params["variant"] = json!("overdue");
        }
        notices.push(
            NoticeDraft::new(
                NotificationKind::CertificationExpiring,
                None,
                Audience::VendorMembers(c.vendor_id.clone()),
                "/vendor/certifications",
                params.clone(),
            )
            .once(format!("cert:{}:{t}", c.id)),
        );
        notices.push(
            NoticeDraft::new(
                NotificationKind::CertificationExpiring,
                Some(&c.institution_id),
                Audience::Role(Role::SecurityOfficer),
                String::new(),
                params,
            )
            .once(format!("cert:{}:{}:{t}", c.id, c.institution_id)),
        );
    }
    let now = ctx.now();
    for l in store
        .expiring_inspector_links(now, now + 7 * 86_400_000)
        .await?
    {
        notices.push(
            NoticeDraft::new(
                NotificationKind::InspectorLinkExpiring,
                Some(&l.institution_id),
                Audience::User(l.created_by.clone()),
                format!("/assessments/{}#inspector-links", l.assessment_id),
                json!({"label": l.label,
                       "date": mamori_domain::time::date_jst(l.expires_at)}),
            )
            .once(format!("link:{}", l.id)),
        );
    }
    let written = store
        .add_notices(&mamori_store::Actor::system("daily reminders"), &notices)
        .await?;
    Ok(written)
}

/// A proposal waits for the other party: tell it, once a day per contract (a session of
/// proposals is one notice, not one per item).
pub(crate) fn role_sharing_proposal(
    auth: &Caller,
    contract: &mamori_store::Contract,
    party: mamori_domain::role_sharing::Party,
) -> Vec<NoticeDraft> {
    use mamori_domain::role_sharing::Party;
    let params = serde_json::json!({"contract": contract.title, "actor": auth.user.display_name});
    let link = format!("/contracts/{}", contract.id);
    let day = mamori_domain::time::date_jst(auth.now);
    let draft = |audience: Audience, to: &str| {
        NoticeDraft::new(
            NotificationKind::RoleSharingProposal,
            Some(&contract.institution_id),
            audience,
            link.clone(),
            params.clone(),
        )
        .once(format!("rs:{}:{to}:{day}", contract.id))
    };
    match party {
        Party::Institution => vec![draft(
            Audience::VendorMembers(contract.vendor_id.clone()),
            "vendor",
        )],
        Party::Vendor => vec![
            draft(Audience::Role(Role::SecurityOfficer), "institution"),
            draft(Audience::Role(Role::PlanningManager), "institution"),
        ],
    }
}
