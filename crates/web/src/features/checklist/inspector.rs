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
}

#[derive(Template)]
#[template(path = "checklist/inspector_link_created.html")]
pub(crate) struct LinkCreated {
    page: PageCtx,
    assessment_id: String,
    link: String,
    label: String,
    expires: String,
}

pub async fn create_inspector_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let input = mamori_app::inspector::LinkInput {
        label: f.label,
        days: f.days,
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
    let link = match &state.cfg().public_url {
        Some(base) => format!("{base}/inspect/{}", made.token),
        None => format!("/inspect/{}", made.token),
    };
    Ok(render(&LinkCreated {
        page,
        assessment_id: made.link.assessment_id,
        link,
        label: made.link.label,
        expires: mamori_domain::time::timestamp_jst(made.link.expires_at),
    })?
    .into_response())
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
    pub rows: Vec<[String; 9]>,
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
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (page, jar) = PageCtx::anonymous(&meta, &jar, &format!("/inspect/{token}"));
    let tr = page.tr;
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
    let reg = state.catalogs();
    let mut sheets = Vec::new();
    if let Some(cat) = reg.catalogs.get(&a.catalog_id) {
        let answers = store.assessment_answers(&a.id).await?;
        let m = model(cat, &answers);
        sheets.push(InspectSheet {
            title: cat.catalog.title.clone(),
            subtitle: inst.name.clone(),
            coverage: crate::ui::partial_notice(&tr, cat),
            rows: official_rows(&tr, cat, &answers, m.gate_no),
        });
    }
    let mut outstanding = Vec::new();
    for s in store.vendor_sheets(&a.id).await? {
        if s.status != mamori_domain::codes::VendorSheetStatus::Submitted {
            outstanding.push(s.vendor_name.clone());
            continue;
        }
        if let Some(cat) = reg.catalogs.get(&s.catalog_id) {
            let answers = store.vendor_sheet_answers(&s.id).await?;
            sheets.push(InspectSheet {
                title: cat.catalog.title.clone(),
                subtitle: format!("{}({})", s.vendor_name, s.contract_title),
                coverage: crate::ui::partial_notice(&tr, cat),
                rows: official_rows(&tr, cat, &answers, false),
            });
        }
    }
    let today = mamori_domain::time::today_jst();
    let evidence = store
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
                    .map(|_| format!("/inspect/{token}/evidence/{}", e.id)),
            )
        })
        .collect();
    let body = render(&InspectPage {
        evidence,
        institution: format!("{}({})", inst.name, inst.code),
        fy_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
        status: tr.t(&format!("cy-status-{}", a.status)),
        expires: mamori_domain::time::timestamp_jst(link.expires_at),
        sheets,
        outstanding,
        page,
    })?;
    Ok((jar, [(axum::http::header::CACHE_CONTROL, "no-store")], body).into_response())
}
