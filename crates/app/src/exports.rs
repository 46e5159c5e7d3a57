//! The official exports of a checklist: the sheets as xlsx or PDF, and the inspection
//! bundle (both, the evidence index and the evidence files). Every export is an audit event.

use crate::assessments::{assessment_for, check_sheets};
use crate::error::{Error, Result};
use crate::evidence::is_stale;
use crate::{Caller, Ctx};
use mamori_domain::policy::Action;
use mamori_store::{Assessment, AuditDraft};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The two forms of the official sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Pdf,
}

/// An export: its bytes, its type, and its name (ASCII, and as a person reads it).
#[derive(Debug, Clone)]
pub struct Export {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
    pub ascii_name: String,
    pub name: String,
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("export: {e}"))
}

async fn audit(ctx: &Ctx, caller: &Caller, a: &Assessment, what: &str) -> Result<()> {
    ctx.store()
        .record(
            &caller.actor(),
            AuditDraft::new(
                Some(&a.institution_id),
                "assessment.export",
                "assessment",
                &a.id,
                serde_json::json!({ "export": what }),
            ),
        )
        .await?;
    Ok(())
}

/// The checklist (the institution's sheet and the submitted vendor sheets) as the official
/// form lays it out, for whoever sees the sheet. `dates`: `wareki` (or empty) or `seireki`.
pub async fn checklist(
    ctx: &Ctx,
    caller: &Caller,
    assessment_id: &str,
    dates: &str,
    format: Format,
) -> Result<Export> {
    let (a, inst) = assessment_for(ctx, caller, assessment_id, Action::ViewAssessments).await?;
    let dates = mamori_export::DateStyle::parse(dates).ok_or(Error::Invalid {
        field: "dates",
        key: "error-rs-bad-value",
    })?;
    let sheets = check_sheets(ctx, &a).await?;
    let (bytes, media_type, ext) = match format {
        Format::Xlsx => (
            mamori_export::checklist_workbook(&sheets, dates).map_err(internal)?,
            XLSX,
            "xlsx",
        ),
        Format::Pdf => (
            mamori_pdf::checklist_pdf(&sheets, dates).map_err(internal)?,
            "application/pdf",
            "pdf",
        ),
    };
    audit(ctx, caller, &a, &format!("checklist.{ext}")).await?;
    Ok(Export {
        bytes,
        media_type,
        ascii_name: format!("checklist-{}-{}.{ext}", inst.code, a.fiscal_year),
        name: format!(
            "サイバーセキュリティ対策チェックリスト_{}_{}.{ext}",
            inst.name,
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    })
}

/// Everything the inspection needs in one file, for whoever sees the sheet.
pub async fn bundle(ctx: &Ctx, caller: &Caller, assessment_id: &str) -> Result<Export> {
    let (a, inst) = assessment_for(ctx, caller, assessment_id, Action::ViewAssessments).await?;
    let bytes = bundle_bytes(ctx, &a).await?;
    audit(ctx, caller, &a, "bundle.zip").await?;
    Ok(Export {
        bytes,
        media_type: "application/zip",
        ascii_name: format!("inspection-{}-{}.zip", inst.code, a.fiscal_year),
        name: format!(
            "立入検査_{}_{}.zip",
            inst.name,
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    })
}

/// The inspection bundle of `a` (not authorised here: the caller has checked access, by
/// role or by a live inspector link): the sheets as xlsx and PDF, the evidence index (CSV)
/// and the evidence files.
pub async fn bundle_bytes(ctx: &Ctx, a: &Assessment) -> Result<Vec<u8>> {
    use std::io::Write;
    let sheets = check_sheets(ctx, a).await?;
    let xlsx = mamori_export::checklist_workbook(&sheets, mamori_export::DateStyle::Wareki)
        .map_err(internal)?;
    let pdf =
        mamori_pdf::checklist_pdf(&sheets, mamori_export::DateStyle::Wareki).map_err(internal)?;
    let store = ctx.store();
    let reg = ctx.catalogs();
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
        let cell = |s: &str| format!("\"{}\"", crate::accounts::csv_safe(s).replace('"', "\"\""));
        index.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            cell(&number),
            cell(&e.label),
            cell(e.kind.as_str()),
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
    let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
        zip.start_file(name, opts).map_err(internal)?;
        zip.write_all(bytes).map_err(internal)?;
        Ok(())
    };
    add("checklist.xlsx", &xlsx)?;
    add("checklist.pdf", &pdf)?;
    add("evidence-index.csv", index.as_bytes())?;
    for (name, bytes) in &files {
        add(name, bytes)?;
    }
    Ok(zip.finish().map_err(internal)?.into_inner())
}
