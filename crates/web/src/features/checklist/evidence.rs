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
use mamori_app::evidence::{File, NewEvidence};
use mamori_catalog::Catalog;
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use serde::Deserialize;

// ------------------------------------------------------------------ evidence

pub use mamori_app::evidence::{is_stale, STALE_DAYS};

/// The records evidence can point to: (value, kind, name). The name is what is stored as
/// the evidence's label; the kind is shown beside it.
pub async fn evidence_targets(
    state: &AppState,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Vec<(String, String, String)>> {
    Ok(mamori_app::evidence::targets(state, inst)
        .await?
        .into_iter()
        .map(|t| (t.value, tr.t(t.kind), t.name))
        .collect())
}

/// Where mamori's own data answers an item, the suggested first check and why:
/// (item, slot, check, why).
pub async fn suggestions(
    state: &AppState,
    inst: &Institution,
    cat: &Catalog,
    tr: &Tr,
) -> AppResult<Vec<(String, String, &'static str, String)>> {
    let store = state.store();
    let mut out = Vec::new();
    for i in &cat.items {
        if i.text.contains("台帳管理") {
            out.extend(ledger_suggestions(state, inst, i, tr).await?);
            continue;
        }
        let all = |(item, check, why): (String, &'static str, String)| {
            (item, "all".to_string(), check, why)
        };
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
            out.push(all(if officers.is_empty() {
                (i.id.clone(), "no", tr.t("sg-no-officer"))
            } else {
                (
                    i.id.clone(),
                    "yes",
                    tr.t1("sg-officer", "names", officers.join("、")),
                )
            }));
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
                    !docs.iter().any(|d| {
                        d.contract_id == c.id
                            && d.kind == mamori_domain::codes::DocumentKind::MdsSds
                    })
                })
                .map(|c| c.vendor_name.clone())
                .collect();
            out.push(all(if missing.is_empty() {
                (i.id.clone(), "yes", tr.t("sg-mds-all"))
            } else {
                (
                    i.id.clone(),
                    "no",
                    tr.t1("sg-mds-missing", "vendors", missing.join("、")),
                )
            }));
        }
    }
    Ok(out)
}

/// The ledger's suggestion for 「台帳管理を行っている」, one per device class the item asks
/// about (`domain::inventory::ledger_answer`): はい with what bears it out, or いいえ with
/// what is missing.
async fn ledger_suggestions(
    state: &AppState,
    inst: &Institution,
    item: &mamori_catalog::Item,
    tr: &Tr,
) -> AppResult<Vec<(String, String, &'static str, String)>> {
    use mamori_domain::inventory::{ledger_answer, LedgerGap};
    let facts = state.store().ledger_facts(&inst.id).await?;
    let last = mamori_app::inventory::last_closed(state, &inst.id).await?;
    let today = mamori_domain::time::date_jst(state.now());
    let describe = |yes: bool, total: i64, gaps: &[LedgerGap]| -> String {
        if yes {
            return tr.targs(
                "sg-ledger-yes",
                &[
                    ("count", total.to_string()),
                    (
                        "date",
                        last.as_ref().map(|l| l.0.clone()).unwrap_or_default(),
                    ),
                ],
            );
        }
        gaps.iter()
            .map(|g| match g {
                LedgerGap::NoEntries => tr.t("sg-ledger-none"),
                LedgerGap::MissingOs(n) => tr.t1("sg-ledger-no-os", "count", n),
                LedgerGap::MissingIp(n) => tr.t1("sg-ledger-no-ip", "count", n),
                LedgerGap::NoRecentCheck => tr.t("sg-ledger-no-check"),
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let last_day = last.as_ref().map(|l| l.0.as_str());
    let mut out = Vec::new();
    if item.devices.is_empty() {
        // Asked once for servers, PCs and network devices together: はい only when every
        // class bears it out; the reason names each class.
        let mut all_yes = true;
        let mut parts = Vec::new();
        for class in ["server", "terminal", "network"] {
            let Some((yes, total, gaps)) = ledger_answer(class, &facts, last_day, &today) else {
                continue;
            };
            all_yes &= yes;
            parts.push(format!(
                "{}: {}",
                tr.t(&format!("cy-slot-{class}")),
                describe(yes, total, &gaps)
            ));
        }
        out.push((
            item.id.clone(),
            "all".to_string(),
            if all_yes { "yes" } else { "no" },
            parts.join(" / "),
        ));
        return Ok(out);
    }
    for d in &item.devices {
        let class = mamori_app::assessments::slot_of(*d).as_str();
        let Some((yes, total, gaps)) = ledger_answer(class, &facts, last_day, &today) else {
            continue;
        };
        out.push((
            item.id.clone(),
            class.to_string(),
            if yes { "yes" } else { "no" },
            describe(yes, total, &gaps),
        ));
    }
    Ok(out)
}

/// An evidence upload as the page and the API read it: authorised before the body is read,
/// then the form's fields and the file (its type guessed from its content).
pub(crate) struct EvidenceUpload {
    pub item_id: String,
    target: String,
    effective_on: String,
    up: crate::http::upload::Upload,
}

impl EvidenceUpload {
    pub async fn read(
        state: &AppState,
        auth: &Auth,
        id: &str,
        req: axum::extract::Request,
    ) -> AppResult<Self> {
        assessment_for(state, auth, id, Action::AnswerAssessment).await?;
        let up = crate::http::upload::read(req, state).await?;
        Ok(EvidenceUpload {
            item_id: up.text("item_id"),
            target: up.text("target"),
            effective_on: up.text("effective_on"),
            up,
        })
    }

    pub fn new_evidence(&self) -> NewEvidence<'_> {
        NewEvidence {
            item_id: &self.item_id,
            target: &self.target,
            effective_on: &self.effective_on,
            file: Some(File {
                name: &self.up.file_name,
                bytes: &self.up.bytes,
                media_type: crate::http::upload::sniff(&self.up.bytes, &self.up.file_name),
            }),
        }
    }
}

/// Attach evidence: a file, or a link to a mamori record. Authorised before the body is read.
pub async fn add_evidence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let form = EvidenceUpload::read(&state, &auth, &id, req).await?;
    let (item_id, new) = (form.item_id.clone(), form.new_evidence());
    let q = match mamori_app::evidence::add(&state, &auth, &id, new).await {
        Ok(_) => "ok=flash-evidence-added".to_string(),
        // The redirects name the item: an unknown one is not there.
        Err(mamori_app::Error::Invalid {
            field: "item_id", ..
        }) => return Err(AppError::NotFound),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(mamori_app::Error::Conflict(_)) => "err=error-cy-locked".to_string(),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{q}#item-{item_id}")).into_response())
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
    let (item, q) = match mamori_app::evidence::withdraw(&state, &auth, &id, &ev, &f.reason).await {
        Ok(e) => (e.item_id, "ok=flash-evidence-withdrawn".to_string()),
        Err(err @ (mamori_app::Error::Invalid { .. } | mamori_app::Error::Conflict(_))) => {
            let q = match err {
                mamori_app::Error::Invalid { key, .. } => format!("err={key}"),
                _ => "err=error-cy-locked".to_string(),
            };
            // Authorised by now: the item it is on, for the redirect.
            let item = state
                .store()
                .evidence(&id)
                .await?
                .into_iter()
                .find(|e| e.id == ev)
                .map(|e| e.item_id)
                .unwrap_or_default();
            (item, q)
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{q}#item-{item}")).into_response())
}

/// A file of evidence, as a download (institution members who see the assessment).
pub async fn evidence_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let (e, bytes) = mamori_app::evidence::file(&state, &auth, &id, &ev).await?;
    Ok(evidence_download(e, bytes))
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
    Ok(evidence_download(e, content.ok_or(AppError::NotFound)?))
}

/// A file of evidence as an attachment, of one of the types kept.
pub(crate) fn evidence_download(e: mamori_store::Evidence, bytes: Vec<u8>) -> Response {
    let media = match e.media_type.as_deref() {
        Some("application/pdf") => "application/pdf",
        Some("image/png") => "image/png",
        Some("image/jpeg") => "image/jpeg",
        Some("text/plain") => "text/plain",
        _ => "application/octet-stream",
    };
    crate::http::download::download(
        bytes,
        media,
        &crate::http::download::ascii_name(&e.label),
        &e.label,
    )
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

/// A piece of evidence for an inspector account (by grant or by a link sent to its address).
pub async fn inspection_evidence(
    State(state): State<AppState>,
    auth: crate::http::auth::Auth,
    Path((id, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let what = format!("evidence:{ev}");
    let (a, _, _) = mamori_app::inspector::inspection(&state, &auth, &id, &what).await?;
    serve_evidence(&state, &a.id, &ev).await
}
