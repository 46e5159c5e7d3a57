//! A new version of a document from the official Excel or CSV: upload → mapping preview and
//! diff against the latest version → confirm or discard. Nothing becomes a catalog before
//! the confirmation; a confirmed version is served at once and at every later start. The
//! platform administrator's work (the command line imports as the system).

use crate::access::require;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_catalog::import::{self, Diff, ImportError, Plan, Request};
use mamori_catalog::{Catalog, Document};
use mamori_domain::codes::ImportStatus;
use mamori_domain::policy::{Action, Scope};
use mamori_store::{Actor, CatalogImport};
use sha2::{Digest, Sha256};

/// What the person importing says about the file.
#[derive(Debug, Clone, Default)]
pub struct ImportInput {
    /// `publisher/document` of an existing document.
    pub document: String,
    pub version: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub published: String,
    /// The sheet to read (the first one when empty).
    pub sheet: String,
    /// Further sheets of the same workbook, each a new version (the same `version`) of its
    /// own document: (document, sheet). 令和8年度版 comes as one workbook with the sheets
    /// 医療機関・薬局確認用 and 事業者確認用.
    pub more: Vec<(String, String)>,
    /// The person says the file holds every item of the document; otherwise the version
    /// is partial, and `missing` says what is missing.
    pub complete: bool,
    pub missing: String,
    /// Corrections to how the sheet is read: the header row (from 1), the columns
    /// (letters), and headings as `5=part2, 12=reference`.
    pub header_row: String,
    pub number_col: String,
    pub title_col: String,
    pub text_col: String,
    pub headings: String,
}

impl ImportInput {
    /// The sheets to read, as (document, sheet), the first one first.
    pub fn targets(&self) -> Vec<(String, String)> {
        std::iter::once((self.document.clone(), self.sheet.clone()))
            .chain(
                self.more
                    .iter()
                    .filter(|(d, s)| !d.trim().is_empty() || !s.trim().is_empty())
                    .cloned(),
            )
            .collect()
    }

    /// The request for one sheet; the corrections belong to the first (they name its rows
    /// and columns).
    fn request(
        &self,
        document: &str,
        sheet: &str,
        first: bool,
    ) -> std::result::Result<Request, ImportError> {
        if self.missing.chars().count() > 4000 {
            return Err(ImportError {
                place: import::Place::Coverage,
                problem: import::Problem::TooLong { max: 4000 },
            });
        }
        if !first {
            return Ok(Request {
                id: format!("{}@{}", document.trim(), self.version.trim()),
                published: self.published.trim().to_string(),
                sheet: Some(sheet.trim().to_string()),
                complete: self.complete,
                missing: self.missing.clone(),
                ..Default::default()
            });
        }
        let header_row = match self.header_row.trim() {
            "" => None,
            h => Some(
                h.parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(ImportError {
                        place: import::Place::Columns,
                        problem: import::Problem::ColumnOverride {
                            given: h.to_string(),
                        },
                    })?,
            ),
        };
        let col = |c: &str| Some(c.trim().to_string()).filter(|c| !c.is_empty());
        Ok(Request {
            id: format!("{}@{}", document.trim(), self.version.trim()),
            title: if self.more.is_empty() {
                self.title.clone()
            } else {
                String::new()
            },
            published: self.published.trim().to_string(),
            sheet: Some(sheet.trim().to_string()).filter(|s| !s.is_empty()),
            complete: self.complete,
            missing: self.missing.clone(),
            overrides: import::Overrides {
                header_row,
                number: col(&self.number_col),
                title: col(&self.title_col),
                text: col(&self.text_col),
                headings: import::Overrides::parse_headings(&self.headings)?,
            },
        })
    }
}

/// Why an uploaded file does not become a staged import.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// No file, or an empty one.
    NoFile,
    /// The file could not be read (where and what, as Fluent keys).
    Unreadable(ImportError),
    /// It was read, but breaks the catalog's rules.
    Problems(Vec<String>),
}

/// An upload's outcome: staged (one import per sheet read), or refused with the reason
/// (nothing stored).
#[derive(Debug)]
pub enum Staged {
    Staged(Vec<CatalogImport>),
    Refused(Refusal),
}

/// Read the file into a plan per sheet: the new version, the version it is compared with,
/// the diff and how the sheet was read. Reading a hostile file takes a while (up to the
/// reader's limits), so callers on an async runtime run this off its workers.
pub fn plan(
    ctx: &Ctx,
    input: &ImportInput,
    file_name: &str,
    bytes: &[u8],
) -> std::result::Result<Vec<Plan>, ImportError> {
    let catalogs = ctx.catalogs();
    let targets = input.targets();
    // A further sheet needs its own name, and each sheet its own document.
    for (n, (document, sheet)) in targets.iter().enumerate().skip(1) {
        let other =
            |(d, s): &(String, String)| d.trim() == document.trim() || s.trim() == sheet.trim();
        if sheet.trim().is_empty() || targets[..n].iter().any(other) {
            return Err(ImportError {
                place: import::Place::Sheets,
                problem: import::Problem::SheetTargets,
            });
        }
    }
    targets
        .iter()
        .enumerate()
        .map(|(n, (document, sheet))| {
            let req = input.request(document, sheet, n == 0)?;
            import::plan(&catalogs, file_name, bytes, &req)
        })
        .collect()
}

/// The staged record of a plan (status pending).
pub fn record(
    plan: &Plan,
    file_name: String,
    bytes: &[u8],
    created_by: Option<String>,
) -> Result<CatalogImport> {
    Ok(CatalogImport {
        id: mamori_store::new_id(),
        catalog_id: plan.catalog.catalog.id.clone(),
        based_on: plan.based_on.clone(),
        file_name,
        file_sha256: hex::encode(Sha256::digest(bytes)),
        mapping: plan.mapping.describe(),
        body: plan
            .catalog
            .to_toml()
            .map_err(|e| Error::Internal(format!("catalog toml: {e}")))?,
        status: ImportStatus::Pending,
        created_by,
        created_at: 0,
        decided_at: None,
    })
}

/// Upload a file: authorised before anything is read, then planned off the async workers;
/// a refused file stores nothing (with several sheets: nothing unless every sheet reads).
pub async fn stage(
    ctx: &Ctx,
    caller: &Caller,
    input: ImportInput,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Staged> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    if bytes.is_empty() {
        return Ok(Staged::Refused(Refusal::NoFile));
    }
    let worker = ctx.clone();
    let (planned, file_name, bytes) = tokio::task::spawn_blocking(move || {
        let p = plan(&worker, &input, &file_name, &bytes);
        (p, file_name, bytes)
    })
    .await
    .map_err(|e| Error::Internal(format!("import task: {e}")))?;
    let plans = match planned {
        Ok(p) => p,
        Err(e) => return Ok(Staged::Refused(Refusal::Unreadable(e))),
    };
    let problems: Vec<String> = plans
        .iter()
        .flat_map(|p| p.problems.iter().map(|x| x.to_string()))
        .collect();
    if !problems.is_empty() {
        return Ok(Staged::Refused(Refusal::Problems(problems)));
    }
    let mut staged = Vec::new();
    for plan in &plans {
        let r = record(
            plan,
            file_name.clone(),
            &bytes,
            Some(caller.user.id.clone()),
        )?;
        ctx.store()
            .stage_catalog_import(&caller.actor(), &r)
            .await?;
        staged.push(r);
    }
    Ok(Staged::Staged(staged))
}

/// The latest imports, newest first (without their bodies).
pub async fn list(ctx: &Ctx, caller: &Caller, limit: i64) -> Result<Vec<CatalogImport>> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    Ok(ctx.store().catalog_imports(limit).await?)
}

/// Why a pending import cannot be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// The version exists meanwhile.
    Exists,
    /// The version it was compared with is not served any more.
    NoBase,
}

impl Blocked {
    pub fn code(self) -> &'static str {
        match self {
            Blocked::Exists => "exists",
            Blocked::NoBase => "no_base",
        }
    }
    /// The Fluent message that says why.
    pub fn message_key(self) -> &'static str {
        match self {
            Blocked::Exists => "import-blocked-exists",
            Blocked::NoBase => "import-blocked-no-base",
        }
    }
}

/// An import as the preview shows it: the new version, the one it is compared with, the
/// diff, and why it cannot be confirmed, if it cannot.
pub struct Preview {
    pub import: CatalogImport,
    pub new: Catalog,
    pub base: Option<Catalog>,
    pub diff: Diff,
    pub blocked: Option<Blocked>,
}

fn parse_body(import: &CatalogImport) -> Result<Catalog> {
    match mamori_catalog::parse(&import.catalog_id, &import.body) {
        Ok(Document::Catalog(c)) => Ok(c),
        _ => Err(Error::Internal(format!(
            "stored import {} is not a catalog",
            import.id
        ))),
    }
}

async fn find(ctx: &Ctx, id: &str) -> Result<CatalogImport> {
    ctx.store().catalog_import(id).await?.ok_or(Error::NotFound)
}

/// One import with its diff against the version it was compared with.
pub async fn preview(ctx: &Ctx, caller: &Caller, id: &str) -> Result<Preview> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    let import = find(ctx, id).await?;
    let new = parse_body(&import)?;
    let catalogs = ctx.catalogs();
    let base = catalogs.catalogs.get(&import.based_on).cloned();
    let diff = base
        .as_ref()
        .map(|old| import::diff(old, &new))
        .unwrap_or_default();
    let blocked = if import.status != ImportStatus::Pending {
        None
    } else if catalogs.catalogs.contains_key(&import.catalog_id) {
        Some(Blocked::Exists)
    } else if base.is_none() {
        Some(Blocked::NoBase)
    } else {
        None
    };
    Ok(Preview {
        import,
        new,
        base,
        diff,
        blocked,
    })
}

/// Confirm a pending import: it becomes a catalog version, served at once. A decided
/// import is a conflict; a version that exists meanwhile is a duplicate.
pub async fn confirm(ctx: &Ctx, caller: &Caller, id: &str) -> Result<CatalogImport> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    let import = find(ctx, id).await?;
    parse_body(&import)?;
    if import.status != ImportStatus::Pending {
        return Err(Error::Conflict("catalog import"));
    }
    decide(ctx, &caller.actor(), &import, true).await?;
    Ok(CatalogImport {
        status: ImportStatus::Confirmed,
        ..import
    })
}

/// Discard a pending import (a decided one is a conflict).
pub async fn discard(ctx: &Ctx, caller: &Caller, id: &str) -> Result<()> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    let import = find(ctx, id).await?;
    decide(ctx, &caller.actor(), &import, false).await
}

/// Record the decision and, for a confirmation, serve the new version now (reloaded from
/// the store as a restart would, and indexed for search).
async fn decide(ctx: &Ctx, actor: &Actor, import: &CatalogImport, confirm: bool) -> Result<()> {
    if confirm && ctx.catalogs().catalogs.contains_key(&import.catalog_id) {
        return Err(Error::Duplicate("catalog version"));
    }
    ctx.store()
        .decide_catalog_import(actor, &import.id, confirm)
        .await?;
    if confirm {
        ctx.reload_catalogs().await?;
    }
    Ok(())
}

/// The command line's import: stage and confirm at once, as the system (the operator at
/// the server's console answered the preview with `--yes`).
pub async fn import_confirmed(ctx: &Ctx, record: &CatalogImport) -> Result<()> {
    let actor = Actor::system("cli");
    ctx.store().stage_catalog_import(&actor, record).await?;
    decide(ctx, &actor, record, true).await
}
