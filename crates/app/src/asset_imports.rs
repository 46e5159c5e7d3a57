//! Importing a ledger kept in Excel or CSV: upload → which column is which (known headings
//! recognised, the others chosen or left out) → a dry run listing every error by row and
//! column and every change → confirm, all or nothing. Re-importing updates the entries that
//! match (by serial number, else name and kind) and shows the diff first. The file is read
//! with bounded memory (`mamori-sheets`); nothing is written before the confirmation, and
//! the confirmation writes exactly the plan that was shown (a ledger changed in between is
//! a conflict, not a surprise).

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::asset_import::{find_header, map_columns, Column, Line, RowError, MAX_ROWS};
use mamori_domain::asset_plan::{plan, Current, Plan, SoftwareSheet, Step};
use mamori_domain::codes::ImportStatus;
use mamori_domain::policy::Action;
use mamori_domain::Institution;
pub use mamori_sheets::col_name;
use mamori_sheets::{Limits, SheetError};
use mamori_store::{Actor, Asset, AssetImport, ImportWrite};
use sha2::{Digest, Sha256};

/// How much of a ledger file is read: 20,000 entries (and a title block above the
/// headings), 60 columns; the software sheet up to 100,000 rows.
pub fn limits() -> Limits {
    Limits {
        max_rows: MAX_ROWS + 21,
        max_columns: 60,
        max_cells: 1_200_000,
        ..Limits::default()
    }
}

fn software_limits() -> Limits {
    Limits {
        max_rows: 100_000,
        max_columns: 20,
        max_cells: 500_000,
        ..Limits::default()
    }
}

/// Why a file is refused before any plan (nothing is stored).
#[derive(Debug)]
pub enum Refusal {
    NoFile,
    Unreadable(SheetError),
    /// No row among the first 20 has two known headings.
    NoHeader,
}

impl Refusal {
    /// Why, in `tr`'s language (pages, API and command line alike).
    pub fn message(&self, tr: &mamori_i18n::Tr) -> String {
        match self {
            Refusal::NoFile => tr.t("import-error-no-file"),
            Refusal::NoHeader => tr.t("error-import-no-header"),
            Refusal::Unreadable(e) => crate::files::refused_at(tr, e.place.key(), e.problem.key()),
        }
    }
}

/// Where an error is: the cell (`C12`) or the row, with the sheet when it is not the
/// ledger's own.
pub fn place_of(tr: &mamori_i18n::Tr, e: &RowError) -> String {
    let cell = match e.col {
        Some(c) => format!("{}{}", col_name(c + 1), e.line),
        None => tr.t1("import-row", "row", e.line),
    };
    if e.sheet.is_empty() {
        cell
    } else {
        format!("{} {cell}", e.sheet)
    }
}

/// What is wrong, in `tr`'s language.
pub fn message_of(tr: &mamori_i18n::Tr, e: &RowError) -> String {
    let args = [
        ("value", e.value.clone()),
        (
            "other",
            e.other_line.map(|l| l.to_string()).unwrap_or_default(),
        ),
    ];
    tr.targs(e.key, &args)
}

/// A file read: the ledger's rows (headings first), the software sheet if there is one,
/// and the cells that held formulas.
pub struct Read {
    pub lines: Vec<Line>,
    pub header: usize,
    pub formulas: Vec<(usize, usize)>,
    pub software: Option<SoftwareSheet>,
}

fn lines_of(sheet: &mamori_sheets::Sheet) -> Vec<Line> {
    sheet
        .rows
        .iter()
        .map(|r| Line {
            number: r.index + 1,
            cells: r
                .cells
                .iter()
                .map(|c| (c.col, c.value.text().trim().to_string()))
                .filter(|(_, t)| !t.is_empty())
                .collect(),
        })
        .filter(|l| !l.cells.is_empty())
        .collect()
}

/// Read a ledger file (xlsx: its first sheet and a sheet named ソフトウェア if any; CSV).
/// Slow on a hostile file (up to the limits), so async callers run it off their workers.
pub fn read(bytes: &[u8]) -> std::result::Result<Read, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::NoFile);
    }
    let kind = mamori_sheets::kind(bytes).map_err(Refusal::Unreadable)?;
    let sheet = mamori_sheets::read(bytes, None, &limits()).map_err(Refusal::Unreadable)?;
    let lines = lines_of(&sheet);
    let header = find_header(&lines).ok_or(Refusal::NoHeader)?;
    let mut software = None;
    if kind == mamori_sheets::Kind::Xlsx {
        for name in SoftwareSheet::NAMES {
            match mamori_sheets::read_xlsx(bytes, Some(name), &software_limits()) {
                Ok(s) if s.name != sheet.name => {
                    software = Some(SoftwareSheet::read(&s.name, &lines_of(&s)));
                    break;
                }
                Ok(_) => {}
                Err(e) if matches!(e.problem, mamori_sheets::Problem::NoSuchSheet { .. }) => {}
                Err(e) => return Err(Refusal::Unreadable(e)),
            }
        }
    }
    Ok(Read {
        lines,
        header,
        formulas: sheet.formulas,
        software,
    })
}

/// What an import would do, as the preview shows it.
pub struct Preview {
    pub import: AssetImport,
    pub institution: Institution,
    pub columns: Vec<Column>,
    pub plan: Plan,
    /// The heading row (from 1).
    pub header_line: usize,
    /// Data rows read.
    pub rows: usize,
    /// What the confirmation must quote: the plan shown, so that a ledger changed in
    /// between is a conflict.
    pub digest: String,
}

/// The person's choices for the columns (heading → field code or `ignore`).
pub type Choices = Vec<(String, String)>;

fn digest(p: &Plan) -> String {
    hex::encode(Sha256::digest(format!("{:?}", p.steps).as_bytes()))
}

/// Plan `read` against the ledger `current` with `choices`; the file names each entry's
/// zone by the name of one of `zones`.
pub fn plan_of(
    read: &Read,
    choices: &Choices,
    current: &[Asset],
    zones: &[mamori_store::NetworkZone],
) -> (Vec<Column>, Plan) {
    let header = &read.lines[read.header];
    let (columns, mut head_errors) = map_columns(header, choices);
    let data = &read.lines[read.header + 1..];
    let current: Vec<Current> = current
        .iter()
        .map(|a| {
            let mut fields = a.fields();
            // The plan compares zones by name, as the file gives them.
            fields.zone = a
                .zone_id
                .as_ref()
                .and_then(|z| zones.iter().find(|x| &x.id == z))
                .map(|x| x.name.clone());
            Current {
                id: a.id.clone(),
                version: a.version,
                fields,
            }
        })
        .collect();
    let mut p = plan(
        data,
        &columns,
        &read.formulas,
        read.software.as_ref(),
        &current,
    );
    let refs: Vec<_> = zones.iter().map(|z| z.zone_ref()).collect();
    mamori_domain::asset_plan::resolve_zones(&mut p, &columns, &refs);
    if data.len() > MAX_ROWS {
        head_errors.push(RowError {
            sheet: String::new(),
            line: header.number,
            col: None,
            field: String::new(),
            key: "error-import-too-many-rows",
            value: data.len().to_string(),
            other_line: None,
        });
    }
    if !head_errors.is_empty() {
        head_errors.append(&mut p.errors);
        p.errors = head_errors;
    }
    (columns, p)
}

async fn pending(ctx: &Ctx, caller: &Caller, id: &str) -> Result<(AssetImport, Institution)> {
    let i = ctx.store().asset_import(id).await?.ok_or(Error::NotFound)?;
    let inst = crate::access::record_institution(
        ctx.store(),
        caller,
        &i.institution_id,
        Action::ManageAssets,
    )
    .await?;
    Ok((i, inst))
}

/// A file just staged: the pending import's id and the file as read (so that its dry run
/// need not read it again).
pub struct Staged {
    pub id: String,
    read: Read,
}

/// Upload a ledger file to the institution `code`: authorised before anything is read; a
/// file that cannot be read is refused and nothing is stored.
pub async fn stage(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<std::result::Result<Staged, Refusal>> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    Ok(stage_as(ctx, &caller.actor(), &inst, file_name, bytes)
        .await?
        .map(|(id, read)| Staged { id, read }))
}

/// The dry run of a file just staged, from the rows already read.
pub async fn preview_staged(ctx: &Ctx, caller: &Caller, staged: Staged) -> Result<Preview> {
    let (i, inst) = pending(ctx, caller, &staged.id).await?;
    preview_with(ctx, i, inst, Some(staged.read)).await
}

async fn stage_as(
    ctx: &Ctx,
    actor: &Actor,
    inst: &Institution,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<std::result::Result<(String, Read), Refusal>> {
    let sha = hex::encode(Sha256::digest(&bytes));
    let (bytes, readable) = tokio::task::spawn_blocking(move || {
        let r = read(&bytes);
        (bytes, r)
    })
    .await
    .map_err(|e| Error::Internal(format!("import task: {e}")))?;
    let read = match readable {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let staged = ctx
        .store()
        .stage_asset_import(
            actor,
            &AssetImport {
                id: String::new(),
                institution_id: inst.id.clone(),
                file_name: if name.trim().is_empty() {
                    "ledger".into()
                } else {
                    name
                },
                file_sha256: sha,
                content: bytes,
                choices: "[]".into(),
                status: ImportStatus::Pending,
                result: "{}".into(),
                created_by: actor.user_id.clone(),
                created_label: actor.label.clone(),
                created_at: 0,
                decided_at: None,
            },
        )
        .await?;
    Ok(Ok((staged.id, read)))
}

async fn preview_of(ctx: &Ctx, import: AssetImport, inst: Institution) -> Result<Preview> {
    preview_with(ctx, import, inst, None).await
}

/// The dry run, reading the file unless it was just read (`read`).
async fn preview_with(
    ctx: &Ctx,
    import: AssetImport,
    inst: Institution,
    read_already: Option<Read>,
) -> Result<Preview> {
    let empty = |import, institution| Preview {
        import,
        institution,
        columns: Vec::new(),
        plan: Plan::default(),
        header_line: 0,
        rows: 0,
        digest: String::new(),
    };
    // A decided import has dropped its file: its record is what there is to show.
    if import.status != ImportStatus::Pending {
        return Ok(empty(import, inst));
    }
    let choices: Choices = serde_json::from_str(&import.choices).unwrap_or_default();
    let current = ctx.store().assets(&inst.id).await?;
    let zones = ctx.store().zones(&inst.id).await?;
    let bytes = if read_already.is_some() {
        Vec::new()
    } else {
        import.content.clone()
    };
    let planned = tokio::task::spawn_blocking(move || {
        read_already.or_else(|| read(&bytes).ok()).map(|r| {
            let (columns, plan) = plan_of(&r, &choices, &current, &zones);
            let header_line = r.lines[r.header].number;
            (columns, plan, header_line, r.lines.len() - r.header - 1)
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("import task: {e}")))?;
    // A pending import was readable when it was staged.
    let Some((columns, plan, header_line, rows)) = planned else {
        return Ok(empty(import, inst));
    };
    Ok(Preview {
        digest: digest(&plan),
        import,
        institution: inst,
        columns,
        plan,
        header_line,
        rows,
    })
}

/// The dry run of a pending import (or the record of a decided one).
pub async fn preview(ctx: &Ctx, caller: &Caller, id: &str) -> Result<Preview> {
    let (i, inst) = pending(ctx, caller, id).await?;
    preview_of(ctx, i, inst).await
}

/// Save the person's choices for the columns (each a known field's code or `ignore`;
/// at most 60) and show the dry run again.
pub async fn choose(ctx: &Ctx, caller: &Caller, id: &str, choices: Choices) -> Result<Preview> {
    let (i, _) = pending(ctx, caller, id).await?;
    if choices.len() > 60
        || choices.iter().any(|(h, c)| {
            h.chars().count() > 200
                || !(c.is_empty()
                    || c == "ignore"
                    || mamori_domain::asset_import::Field::parse(c).is_some())
        })
    {
        return Err(Error::Invalid {
            field: "choices",
            key: "error-import-bad-choice",
        });
    }
    let text = serde_json::to_string(&choices).map_err(|e| Error::Internal(e.to_string()))?;
    ctx.store().set_asset_import_choices(&i.id, &text).await?;
    preview(ctx, caller, id).await
}

/// Confirm a pending import whose dry run said `digest`: every row written at once, or
/// nothing (errors: 422 naming them; a ledger changed since the dry run: 409).
pub async fn confirm(ctx: &Ctx, caller: &Caller, id: &str, digest: &str) -> Result<Preview> {
    let (i, inst) = pending(ctx, caller, id).await?;
    let p = preview_of(ctx, i, inst).await?;
    commit(ctx, &caller.actor(), &p, digest).await?;
    preview(ctx, caller, id).await
}

async fn commit(ctx: &Ctx, actor: &Actor, p: &Preview, digest: &str) -> Result<()> {
    if p.import.status != ImportStatus::Pending {
        return Err(Error::Conflict("asset import"));
    }
    if !p.plan.errors.is_empty() {
        return Err(Error::Invalid {
            field: "file",
            key: "error-import-has-errors",
        });
    }
    if p.digest != digest.trim() {
        return Err(Error::Conflict("asset import plan"));
    }
    let mut write = ImportWrite::default();
    for s in &p.plan.steps {
        match s {
            Step::Create { fields, .. } => write
                .creates
                .push(Asset::new(&p.institution.id, fields.clone())),
            Step::Update {
                id,
                version,
                fields,
                ..
            } => write.updates.push((
                Asset {
                    id: id.clone(),
                    ..Asset::new(&p.institution.id, fields.clone())
                },
                *version,
            )),
            Step::Same { .. } => write.unchanged += 1,
        }
    }
    let reason = format!("取り込み: {}", p.import.file_name);
    ctx.store()
        .commit_asset_import(actor, &p.import.id, &write, &reason)
        .await?;
    Ok(())
}

/// Discard a pending import; the institution it was for.
pub async fn discard(ctx: &Ctx, caller: &Caller, id: &str) -> Result<Institution> {
    let (i, inst) = pending(ctx, caller, id).await?;
    ctx.store()
        .discard_asset_import(&caller.actor(), &i.id)
        .await?;
    Ok(inst)
}

/// The command line's import, as the system: stage and plan; with `yes`, confirm. The
/// preview is returned either way (its errors say why nothing was written).
pub async fn import_cli(
    ctx: &Ctx,
    code: &str,
    file_name: &str,
    bytes: Vec<u8>,
    yes: bool,
) -> Result<std::result::Result<Preview, Refusal>> {
    let inst = ctx
        .store()
        .institution_by_code(code)
        .await?
        .ok_or(Error::NotFound)?;
    let actor = Actor::system("cli");
    let staged = stage_as(ctx, &actor, &inst, file_name, bytes).await?;
    let (id, read) = match staged {
        Ok(staged) => staged,
        Err(r) => return Ok(Err(r)),
    };
    let i = ctx
        .store()
        .asset_import(&id)
        .await?
        .ok_or(Error::NotFound)?;
    let p = preview_with(ctx, i, inst.clone(), Some(read)).await?;
    if !yes || !p.plan.errors.is_empty() {
        return Ok(Ok(p));
    }
    commit(ctx, &actor, &p, &p.digest.clone()).await?;
    let i = ctx
        .store()
        .asset_import(&id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Ok(Preview { import: i, ..p }))
}

#[cfg(test)]
mod tests {
    use mamori_domain::asset_import::recognise;

    #[test]
    fn every_heading_of_the_export_reads_back_as_its_own_field() {
        let fields: Vec<_> = mamori_export::LEDGER_COLUMNS
            .iter()
            .map(|h| recognise(h).unwrap_or_else(|| panic!("{h} is not recognised")))
            .collect();
        let mut distinct = fields.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), fields.len());
        assert_eq!(
            fields.len(),
            mamori_domain::asset_import::Field::ALL.len(),
            "the export has a column for every field"
        );
    }
}
