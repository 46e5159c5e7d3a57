//! Evidence attached to items of a sheet: upload, link, withdraw, download, and the
//! suggestions from the contract documents.

use super::{inspector::*, sheet::*};
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_catalog::Catalog;
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use serde::Deserialize;

// ------------------------------------------------------------------ evidence

/// Evidence older than this many days shows as stale.
pub const STALE_DAYS: i64 = 365;

pub fn is_stale(effective_on: &str, today: &str) -> bool {
    match (
        chrono::NaiveDate::parse_from_str(effective_on, "%Y-%m-%d"),
        chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d"),
    ) {
        (Ok(e), Ok(t)) => (t - e).num_days() > STALE_DAYS,
        _ => false,
    }
}

/// The mamori records an answer can point at: (value, label). Values are `contract:ID`,
/// `rs:CONTRACT:ITEM` (an agreed role-sharing item) and `officer:USER`.
/// The records evidence can point to: (value, kind, name). The name is what is stored as
/// the evidence's label; the kind is shown beside it.
pub async fn evidence_targets(
    state: &AppState,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Vec<(String, String, String)>> {
    let store = state.store();
    let mut out = Vec::new();
    let contracts = store.contracts(&inst.id).await?;
    for c in &contracts {
        out.push((
            format!("contract:{}", c.id),
            tr.t("ev-contract"),
            format!("{} — {}", c.vendor_name, c.title),
        ));
    }
    let reg = state.catalogs();
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
        out.push((
            format!("rs:{}:{}", r.contract_id, r.item_id),
            tr.t("ev-rs-item"),
            format!("{number}({})", c.vendor_name),
        ));
    }
    for m in store.members(&inst.id).await? {
        if m.roles.iter().any(|r| {
            r.0 == mamori_domain::Role::SecurityOfficer
                && r.1.is_none_or(|e| e > mamori_store::now_ms())
        }) {
            out.push((
                format!("officer:{}", m.user.id),
                tr.t("ev-officer"),
                m.user.display_name.clone(),
            ));
        }
    }
    Ok(out)
}

/// Where mamori's own data answers an item, the suggested first check and why.
pub async fn suggestions(
    state: &AppState,
    inst: &Institution,
    cat: &Catalog,
    tr: &Tr,
) -> AppResult<Vec<(String, &'static str, String)>> {
    let store = state.store();
    let mut out = Vec::new();
    for i in &cat.items {
        if i.text.contains("安全管理責任者を設置") {
            let officers: Vec<String> = store
                .members(&inst.id)
                .await?
                .into_iter()
                .filter(|m| {
                    m.roles.iter().any(|r| {
                        r.0 == mamori_domain::Role::SecurityOfficer
                            && r.1.is_none_or(|e| e > mamori_store::now_ms())
                    })
                })
                .map(|m| m.user.display_name)
                .collect();
            out.push(if officers.is_empty() {
                (i.id.clone(), "no", tr.t("sg-no-officer"))
            } else {
                (
                    i.id.clone(),
                    "yes",
                    tr.t1("sg-officer", "names", officers.join("、")),
                )
            });
        } else if i.text.contains("MDS") {
            let contracts = store.contracts(&inst.id).await?;
            if contracts.is_empty() {
                continue;
            }
            // One query for the institution's documents, not one per contract.
            let docs = store.institution_documents(&inst.id).await?;
            let missing: Vec<String> = contracts
                .iter()
                .filter(|c| {
                    !docs
                        .iter()
                        .any(|d| d.contract_id == c.id && d.kind == "mds_sds")
                })
                .map(|c| c.vendor_name.clone())
                .collect();
            out.push(if missing.is_empty() {
                (i.id.clone(), "yes", tr.t("sg-mds-all"))
            } else {
                (
                    i.id.clone(),
                    "no",
                    tr.t1("sg-mds-missing", "vendors", missing.join("、")),
                )
            });
        }
    }
    Ok(out)
}

/// Attach evidence: a file, or a link to a mamori record. Authorised before the body is read.
pub async fn add_evidence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let (item_id, target, effective_on) = (
        up.text("item_id"),
        up.text("target"),
        up.text("effective_on"),
    );
    let (file_name, bytes) = (up.file_name, up.bytes);
    // The item is checked first: the redirects below name it in the URL.
    let reg = state.catalogs();
    if reg
        .catalogs
        .get(&a.catalog_id)
        .and_then(|c| c.item(&item_id))
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let back = |q: &str| {
        Ok(Redirect::to(&format!("/assessments/{id}?{q}#item-{item_id}")).into_response())
    };
    if a.status != "draft" {
        return back("err=error-cy-locked");
    }
    if !mamori_domain::role_sharing::valid_date(&effective_on) {
        return back("err=error-rs-bad-date");
    }
    let tr = Tr::new(crate::i18n::Lang::Ja);
    let mut e = mamori_store::Evidence {
        institution_id: inst.id.clone(),
        assessment_id: a.id.clone(),
        item_id: item_id.clone(),
        effective_on,
        ..Default::default()
    };
    let content = if !bytes.is_empty() {
        let Some(media) = crate::http::upload::sniff(&bytes, &file_name) else {
            return back("err=error-document-type");
        };
        e.kind = "file".into();
        e.label = file_name.chars().take(200).collect();
        e.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)));
        e.media_type = Some(media.into());
        Some(bytes.as_slice())
    } else {
        let targets = evidence_targets(&state, &inst, &tr).await?;
        let Some((value, _, label)) = targets.into_iter().find(|(v, _, _)| *v == target) else {
            return back("err=error-evidence-target");
        };
        let (kind, rest) = value.split_once(':').unwrap_or(("", ""));
        e.kind = match kind {
            "contract" => "contract",
            "rs" => "role_sharing_item",
            _ => "officer",
        }
        .into();
        e.ref_id = Some(rest.to_string());
        e.label = label;
        None
    };
    state
        .store()
        .add_evidence(&auth.actor(), &e, content)
        .await?;
    back("ok=flash-evidence-added")
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reason: String,
}

/// Withdraw evidence attached by mistake (取り下げ), with a reason, while the sheet is a
/// draft: it is no longer shown, listed for the inspector or served; the row and the audit
/// event keep what it was.
pub async fn withdraw_evidence(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
    Form(f): Form<WithdrawForm>,
) -> AppResult<Response> {
    let (a, _) = assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let current = state.store().evidence(&a.id).await?;
    let e = current
        .iter()
        .find(|e| e.id == ev)
        .ok_or(AppError::NotFound)?;
    let back = |q: &str| {
        Ok(Redirect::to(&format!("/assessments/{id}?{q}#item-{}", e.item_id)).into_response())
    };
    if a.status != "draft" {
        return back("err=error-cy-locked");
    }
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return back("err=error-ev-withdraw-reason");
    }
    match state
        .store()
        .withdraw_evidence(&auth.actor(), &a.id, &e.id, reason)
        .await
    {
        Ok(()) => back("ok=flash-evidence-withdrawn"),
        Err(mamori_store::StoreError::Conflict(_)) => back("err=error-cy-locked"),
        Err(other) => Err(other.into()),
    }
}

/// A file of evidence, as a download (institution members who see the assessment).
pub async fn evidence_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let (a, _) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    serve_evidence(&state, &a.id, &ev).await
}

pub(crate) async fn serve_evidence(
    state: &AppState,
    assessment_id: &str,
    ev: &str,
) -> AppResult<Response> {
    let (e, content) = state
        .store()
        .evidence_file(ev)
        .await?
        .filter(|(e, _)| e.assessment_id == assessment_id)
        .ok_or(AppError::NotFound)?;
    let bytes = content.ok_or(AppError::NotFound)?;
    let media = match e.media_type.as_deref() {
        Some("application/pdf") => "application/pdf",
        Some("image/png") => "image/png",
        Some("image/jpeg") => "image/jpeg",
        Some("text/plain") => "text/plain",
        _ => "application/octet-stream",
    };
    Ok(crate::http::download::download(
        bytes,
        media,
        &crate::http::download::ascii_name(&e.label),
        &e.label,
    ))
}

/// An evidence file through an inspector link (audited like every inspector access).
pub async fn inspect_evidence(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    Path((token, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let link = live_link(&state, &token).await?.ok_or(AppError::NotFound)?;
    let r = serve_evidence(&state, &link.assessment_id, &ev).await?;
    record_inspection(
        &state,
        &meta,
        &link,
        serde_json::json!({"link": link.id, "evidence": ev}),
    )
    .await?;
    Ok(r)
}
