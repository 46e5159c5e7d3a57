//! The official exports of a checklist: xlsx, PDF, and the inspection bundle.

use super::{evidence::*, inspector::*, sheet::*};
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mamori_app::assessments::check_sheets;
use mamori_domain::policy::Action;
use mamori_store::Assessment;

// ------------------------------------------------------------------ exports

/// The two official exports of a checklist (both sheets).
#[derive(Clone, Copy)]
pub(crate) enum Export {
    Xlsx,
    Pdf,
}

/// The checklist (institution and submitted vendor sheets) as a download, audited.
pub(crate) async fn export_checklist(
    state: &AppState,
    auth: &Auth,
    id: &str,
    q: &crate::http::download::ExportQuery,
    format: Export,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(state, auth, id, Action::ViewAssessments).await?;
    let dates = mamori_export::DateStyle::parse(&q.dates).ok_or(AppError::Invalid {
        field: "dates",
        key: "error-rs-bad-value",
    })?;
    let sheets = check_sheets(state, &a).await?;
    let (bytes, media_type, ext) = match format {
        Export::Xlsx => (
            mamori_export::checklist_workbook(&sheets, dates).map_err(|e| e.to_string()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        Export::Pdf => (
            mamori_pdf::checklist_pdf(&sheets, dates).map_err(|e| e.to_string()),
            "application/pdf",
            "pdf",
        ),
    };
    let bytes = bytes.map_err(AppError::Internal)?;
    state
        .store()
        .record(
            &auth.actor(),
            mamori_store::AuditDraft::new(
                Some(&a.institution_id),
                "assessment.export",
                "assessment",
                &a.id,
                serde_json::json!({ "export": format!("checklist.{ext}") }),
            ),
        )
        .await?;
    Ok(crate::http::download::download(
        bytes,
        media_type,
        &format!("checklist-{}-{}.{ext}", inst.code, a.fiscal_year),
        &format!(
            "サイバーセキュリティ対策チェックリスト_{}_{}.{ext}",
            inst.name,
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<crate::http::download::ExportQuery>,
) -> AppResult<Response> {
    export_checklist(&state, &auth, &id, &q, Export::Xlsx).await
}

pub async fn export_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<crate::http::download::ExportQuery>,
) -> AppResult<Response> {
    export_checklist(&state, &auth, &id, &q, Export::Pdf).await
}

// ------------------------------------------------------------------ the inspection bundle

/// Everything the inspection needs in one file: the sheets as xlsx and PDF, the evidence
/// index (CSV) and the evidence files.
pub async fn bundle_bytes(state: &AppState, a: &Assessment) -> AppResult<Vec<u8>> {
    use std::io::Write;
    let internal = |e: String| AppError::Internal(e);
    let sheets = check_sheets(state, a).await?;
    let xlsx = mamori_export::checklist_workbook(&sheets, mamori_export::DateStyle::Wareki)
        .map_err(|e| internal(e.to_string()))?;
    let pdf = mamori_pdf::checklist_pdf(&sheets, mamori_export::DateStyle::Wareki)
        .map_err(|e| internal(e.to_string()))?;
    let store = state.store();
    let reg = state.catalogs();
    let today = mamori_domain::time::today_jst();
    let mut index = String::from("\u{feff}項番,根拠,種類,有効日,1年以上前,SHA-256,ファイル\r\n");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, e) in store.evidence(&a.id).await?.into_iter().enumerate() {
        let number = reg
            .catalogs
            .get(&a.catalog_id)
            .and_then(|c| c.item(&e.item_id))
            .map(|i| i.number.clone())
            .unwrap_or_else(|| e.item_id.clone());
        let file = if e.sha256.is_some() {
            let name = format!(
                "evidence/{:03}_{}",
                n + 1,
                e.label.replace(['/', '\\'], "_")
            );
            if let Some((_, Some(bytes))) = store.evidence_file(&e.id).await? {
                files.push((name.clone(), bytes));
            }
            name
        } else {
            String::new()
        };
        let cell = |s: &str| {
            format!(
                "\"{}\"",
                mamori_app::accounts::csv_safe(s).replace('"', "\"\"")
            )
        };
        index.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            cell(&number),
            cell(&e.label),
            cell(&e.kind),
            cell(&e.effective_on),
            if is_stale(&e.effective_on, &today) {
                "はい"
            } else {
                ""
            },
            cell(e.sha256.as_deref().unwrap_or("")),
            cell(&file)
        ));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut add = |name: &str, bytes: &[u8]| -> AppResult<()> {
        zip.start_file(name, opts)
            .map_err(|e| internal(e.to_string()))?;
        zip.write_all(bytes).map_err(|e| internal(e.to_string()))?;
        Ok(())
    };
    add("checklist.xlsx", &xlsx)?;
    add("checklist.pdf", &pdf)?;
    add("evidence-index.csv", index.as_bytes())?;
    for (name, bytes) in &files {
        add(name, bytes)?;
    }
    Ok(zip
        .finish()
        .map_err(|e| internal(e.to_string()))?
        .into_inner())
}

pub async fn bundle(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, inst) = assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    let bytes = bundle_bytes(&state, &a).await?;
    state
        .store()
        .record(
            &auth.actor(),
            mamori_store::AuditDraft::new(
                Some(&a.institution_id),
                "assessment.export",
                "assessment",
                &a.id,
                serde_json::json!({"export": "bundle.zip"}),
            ),
        )
        .await?;
    Ok(crate::http::download::download(
        bytes,
        "application/zip",
        &format!("inspection-{}-{}.zip", inst.code, a.fiscal_year),
        &format!(
            "立入検査_{}_{}.zip",
            inst.name,
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}

pub async fn inspect_bundle(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let link = live_link(&state, &token).await?.ok_or(AppError::NotFound)?;
    let a = state
        .store()
        .assessment(&link.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = bundle_bytes(&state, &a).await?;
    record_inspection(
        &state,
        &meta,
        &link,
        serde_json::json!({"link": link.id, "export": "bundle.zip"}),
    )
    .await?;
    Ok(crate::http::download::download(
        bytes,
        "application/zip",
        &format!("inspection-{}.zip", a.fiscal_year),
        &format!(
            "立入検査_{}.zip",
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}
