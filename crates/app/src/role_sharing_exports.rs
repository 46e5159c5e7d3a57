//! The role-sharing exports as xlsx: one contract's checklist (役割分担確認表) and the
//! institution's cross-vendor matrix. Every export is an audit event.

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::exports::{Export, XLSX};
use crate::role_sharing::{checklist_sheet, contract_for, matrix, matrix_sheet};
use crate::{Caller, Ctx};
use mamori_domain::policy::Action;
use mamori_store::AuditDraft;

fn dates(dates: &str) -> Result<mamori_export::DateStyle> {
    mamori_export::DateStyle::parse(dates).ok_or(Error::Invalid {
        field: "dates",
        key: "error-rs-bad-value",
    })
}

async fn audit(
    ctx: &Ctx,
    caller: &Caller,
    institution_id: &str,
    target: (&str, &str),
    what: &str,
) -> Result<()> {
    ctx.store()
        .record(
            &caller.actor(),
            AuditDraft::new(
                Some(institution_id),
                "role_sharing.export",
                target.0,
                target.1,
                serde_json::json!({ "export": what }),
            ),
        )
        .await?;
    Ok(())
}

/// A contract's role-sharing checklist as the official xlsx (either party).
pub async fn contract_xlsx(
    ctx: &Ctx,
    caller: &Caller,
    contract_id: &str,
    date_style: &str,
) -> Result<Export> {
    let (c, _) = contract_for(ctx.store(), caller, contract_id, Action::ViewContracts).await?;
    let style = dates(date_style)?;
    let sheet = checklist_sheet(ctx, &c).await?;
    let bytes = mamori_export::checklist_xlsx(&sheet, style)?;
    audit(
        ctx,
        caller,
        &c.institution_id,
        ("contract", &c.id),
        "checklist.xlsx",
    )
    .await?;
    Ok(Export {
        bytes,
        media_type: XLSX,
        ascii_name: format!(
            "role-sharing-{}-{}.xlsx",
            c.institution_code,
            mamori_domain::time::today_jst()
        ),
        name: format!(
            "役割分担確認表_{}_{}.xlsx",
            c.institution_name, c.vendor_name
        ),
    })
}

/// The institution's cross-vendor matrix as xlsx (those who see its contracts).
pub async fn matrix_xlsx(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    date_style: &str,
) -> Result<Export> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewContracts).await?;
    let style = dates(date_style)?;
    let m = matrix(ctx, &inst).await?;
    let bytes = mamori_export::matrix_xlsx(&matrix_sheet(&inst, &m), style)?;
    audit(
        ctx,
        caller,
        &inst.id,
        ("institution", &inst.id),
        "matrix.xlsx",
    )
    .await?;
    Ok(Export {
        bytes,
        media_type: XLSX,
        ascii_name: format!(
            "role-matrix-{}-{}.xlsx",
            inst.code,
            mamori_domain::time::today_jst()
        ),
        name: format!("役割分担マトリクス_{}.xlsx", inst.name),
    })
}
