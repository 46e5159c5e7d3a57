//! Inspector links: issued for the prefecture's on-site inspection, read-only, time-limited,
//! every view audited.

use super::evidence::*;
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::assessments::{model, official_rows};
use mamori_domain::grants::GrantStanding;
use serde::Deserialize;

// ------------------------------------------------------------------ inspector links

/// Longest validity of an inspector link (days).
pub use mamori_domain::assessment::INSPECTOR_MAX_DAYS;

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub days: i64,
    #[serde(default)]
    pub recipient: String,
}

#[derive(Template)]
#[template(path = "checklist/inspector_link_created.html")]
pub(crate) struct LinkCreated {
    page: PageCtx,
    assessment_id: String,
    link: String,
    label: String,
    expires: String,
    recipient: String,
}

pub async fn create_inspector_link(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let input = mamori_app::inspector::LinkInput {
        label: f.label,
        days: f.days,
        recipient: f.recipient,
    };
    let made = match mamori_app::inspector::create(&state, &auth, &id, &input).await {
        Ok(made) => made,
        Err(mamori_app::Error::Invalid { .. }) => {
            return Ok(Redirect::to(&format!(
                "/assessments/{id}?err=error-inspector-link#inspector"
            ))
            .into_response())
        }
        Err(e) => return Err(e.into()),
    };
    let inst = state
        .store()
        .institution(&made.link.institution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "assessments",
        Some(&inst),
        &format!("/assessments/{id}"),
    )
    .await?;
    let link = format!("{}/inspect/{}", site_url(&state, &headers), made.token);
    Ok(render(&LinkCreated {
        page,
        assessment_id: made.link.assessment_id,
        link,
        label: made.link.label,
        expires: mamori_domain::time::timestamp_jst(made.link.expires_at),
        recipient: made.link.recipient,
    })?
    .into_response())
}

/// The address mamori is reached at: `public_url`, or else the scheme and host of the
/// request (what the officer's browser used), so a link handed over is whole.
pub(crate) fn site_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(base) = &state.cfg().public_url {
        return base.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.cfg().secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub async fn revoke_inspector_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, link)): Path<(String, String)>,
) -> AppResult<Response> {
    let to = match mamori_app::inspector::revoke(&state, &auth, &id, &link).await {
        Ok(()) => "ok=flash-inspector-revoked",
        Err(mamori_app::Error::Conflict(_)) => "err=error-inspector-revoked",
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{to}#inspector")).into_response())
}

/// The inspector link behind `token`, if it is neither expired nor revoked.
pub(crate) async fn live_link(
    state: &AppState,
    token: &str,
) -> AppResult<Option<mamori_store::InspectorLink>> {
    let hash = mamori_app::inspector::token_hash(token);
    let now = mamori_store::now_ms();
    Ok(state
        .store()
        .inspector_link_by_token(&hash)
        .await?
        .filter(|l| l.standing(now) == GrantStanding::Active))
}

/// Every use of an inspector link is an audit event of the institution.
pub(crate) async fn record_inspection(
    state: &AppState,
    meta: &crate::http::auth::Meta,
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
    /// The notice of a partial catalog version (the inspector is told what the sheet lacks).
    pub coverage: Option<String>,
    /// The sheet's lines: a section heading (true, its text alone) or a row's cells.
    pub rows: Vec<(bool, Vec<String>)>,
}

/// The official rows with their section headings placed, for the table.
fn lines(rows: Vec<[String; 9]>, headings: Vec<(usize, String)>) -> Vec<(bool, Vec<String>)> {
    let sheet = mamori_export::CheckSheet {
        rows,
        headings,
        ..Default::default()
    };
    mamori_export::check_lines(&sheet)
        .into_iter()
        .map(|l| match l {
            mamori_export::CheckLine::Heading(h) => (true, vec![h.to_string()]),
            mamori_export::CheckLine::Row(r, _) => (false, r.to_vec()),
        })
        .collect()
}

/// What the inspector reads before the sheet: the approval block, how complete the sheet
/// is, the いいえ items and their target dates, the vendor sheets and their dates, how much
/// evidence there is.
pub struct InspectSummary {
    pub approval: Option<mamori_app::approvals::ApprovalBlock>,
    pub done: usize,
    pub needed: usize,
    /// (item number and slot, target date, second check or "")
    pub no_items: Vec<(String, String, String)>,
    /// (vendor and contract, status, requested on, submitted on)
    pub vendor_sheets: Vec<(String, String, String, String)>,
    pub evidence_count: usize,
}

impl InspectSummary {
    pub fn approved(&self) -> bool {
        self.approval.as_ref().is_some_and(|b| b.approved)
    }
}

#[derive(Template)]
#[template(path = "checklist/inspect.html")]
pub(crate) struct InspectPage {
    page: PageCtx,
    /// (item number, label, effective on, stale, download href)
    evidence: Vec<(String, String, String, bool, Option<String>)>,
    institution: String,
    fy_label: String,
    status: String,
    expires: String,
    sheets: Vec<InspectSheet>,
    outstanding: Vec<String>,
    summary: InspectSummary,
    /// Where the bundle is downloaded (`…/bundle.zip`).
    base: String,
}

#[derive(Template)]
#[template(path = "checklist/inspect_gone.html")]
pub(crate) struct InspectGone {
    page: PageCtx,
}

/// The inspector's read-only view of one assessment: the institution sheet and the submitted
/// vendor sheets, as the official form lays them out, and nothing else. Every access is an
/// audit event.
pub async fn inspect(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    auth: Option<crate::http::auth::AnyAuth>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (mut page, jar) = PageCtx::anonymous(&meta, &jar, &format!("/inspect/{token}"));
    if let Some(a) = &auth {
        // Signed in: the CSRF guard expects the session's token (for 「登録する」).
        page.csrf = a.csrf();
    }
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
    store
        .touch_inspector_link(&link.id, mamori_store::now_ms())
        .await?;
    let base = format!("/inspect/{token}");
    let body = inspect_page(&state, page, &a, &inst, Some(link.expires_at), &base).await?;
    Ok((jar, [(axum::http::header::CACHE_CONTROL, "no-store")], body).into_response())
}

/// Keep the link for the signed-in account that opened it: its home lists the sheet until
/// the link ends, and `/inspections/{id}` opens it without the secret.
pub async fn keep_link(
    State(state): State<AppState>,
    auth: crate::http::auth::Auth,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let s = mamori_app::inspector::keep(&state, &auth, &token).await?;
    Ok(axum::response::Redirect::to(&format!(
        "/inspections/{}?ok=flash-inspector-kept",
        s.assessment.id
    ))
    .into_response())
}

/// The same view for an inspector account: by its inspector role at the institution, or a
/// link it keeps (`app::inspector::inspection`, which audits the opening).
pub async fn inspect_signed_in(
    State(state): State<AppState>,
    auth: crate::http::auth::Auth,
    Path(id): Path<String>,
    axum::extract::Query(flash): axum::extract::Query<crate::ui::Flash>,
) -> AppResult<Response> {
    let (a, inst, reach) = mamori_app::inspector::inspection(&state, &auth, &id, "sheet").await?;
    let base = format!("/inspections/{}", a.id);
    let page = PageCtx::signed_in(&state, &auth, "home", None, &base)
        .await?
        .with_flash(&flash);
    let body = inspect_page(&state, page, &a, &inst, reach.expires_at(), &base).await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], body).into_response())
}

/// Render the inspector's view; evidence downloads and the bundle live under `base`.
async fn inspect_page(
    state: &AppState,
    page: PageCtx,
    a: &mamori_store::Assessment,
    inst: &mamori_domain::Institution,
    expires: Option<i64>,
    base: &str,
) -> AppResult<axum::response::Html<String>> {
    let tr = page.tr;
    let store = state.store();
    let reg = state.catalogs();
    let mut sheets = Vec::new();
    let answers = store.assessment_answers(&a.id).await?;
    let mut summary = InspectSummary {
        approval: mamori_app::approvals::approval_block(&tr, a),
        done: 0,
        needed: 0,
        no_items: vec![],
        vendor_sheets: vec![],
        evidence_count: 0,
    };
    if let Some(cat) = reg.catalogs.get(&a.catalog_id) {
        let m = model(cat, &answers);
        summary.done = m.done;
        summary.needed = m.needed;
        for x in answers
            .iter()
            .filter(|x| !x.carried && x.check1 == Some(mamori_domain::assessment::YesNo::No))
        {
            let number = cat
                .item(&x.item_id)
                .map(|i| i.number.clone())
                .unwrap_or_else(|| x.item_id.clone());
            let place = if x.slot == mamori_domain::assessment::Slot::All {
                number
            } else {
                format!("{number} {}", tr.t(&format!("cy-slot-{}", x.slot)))
            };
            let second = match x.check2 {
                Some(c) => format!(
                    "{} {}",
                    mamori_app::assessments::check_label(&tr, Some(c)),
                    x.check2_on.clone().unwrap_or_default()
                ),
                None => String::new(),
            };
            summary
                .no_items
                .push((place, x.target_on.clone().unwrap_or_default(), second));
        }
        sheets.push(InspectSheet {
            title: cat.catalog.title.clone(),
            subtitle: inst.name.clone(),
            coverage: crate::ui::partial_notice(&tr, cat),
            rows: {
                let (rows, headings) = official_rows(&tr, cat, &answers, m.gate_no);
                lines(rows, headings)
            },
        });
    }
    let mut outstanding = Vec::new();
    for s in store.vendor_sheets(&a.id).await? {
        let submitted = s.status == mamori_domain::codes::VendorSheetStatus::Submitted;
        summary.vendor_sheets.push((
            format!("{}({})", s.vendor_name, s.contract_title),
            tr.t(if submitted {
                "vs-submitted"
            } else if s.returned_reason.is_empty() {
                "vs-requested"
            } else {
                "vs-returned"
            }),
            mamori_domain::time::date_jst(s.requested_at),
            s.submitted_at
                .map(mamori_domain::time::date_jst)
                .unwrap_or_default(),
        ));
        if !submitted {
            outstanding.push(s.vendor_name.clone());
            continue;
        }
        if let Some(cat) = reg.catalogs.get(&s.catalog_id) {
            let answers = store.vendor_sheet_answers(&s.id).await?;
            sheets.push(InspectSheet {
                title: cat.catalog.title.clone(),
                subtitle: format!("{}({})", s.vendor_name, s.contract_title),
                coverage: crate::ui::partial_notice(&tr, cat),
                rows: {
                    let (rows, headings) = official_rows(&tr, cat, &answers, false);
                    lines(rows, headings)
                },
            });
        }
    }
    let today = mamori_domain::time::today_jst();
    let evidence: Vec<_> = store
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
                    .map(|_| format!("{base}/evidence/{}", e.id)),
            )
        })
        .collect();
    summary.evidence_count = evidence.len();
    render(&InspectPage {
        evidence,
        institution: format!("{}({})", inst.name, inst.code),
        fy_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
        status: tr.t(&format!("cy-status-{}", a.status)),
        expires: expires
            .map(mamori_domain::time::timestamp_jst)
            .unwrap_or_else(|| tr.t("inspect-no-expiry")),
        sheets,
        outstanding,
        summary,
        base: base.to_string(),
        page,
    })
}
