//! Importing feed data (end of support now): from files, offline — a file or a directory on
//! the command line (`mamori feeds import --kind eos PATH`), a single file or a zip through
//! the platform administrator's upload page and the API. One path for all three: the files
//! are read into an [`EosBatch`] (`mamori_feeds`), then written to the feed database in one
//! transaction (a product brought again unchanged keeps its rows, so a re-import is
//! idempotent), then the import is audited in the global chain (`feed.import`).
//!
//! A file that fails to read (broken YAML, too large, …) refuses the whole import — nothing
//! is written — unless the caller asks to skip bad files (`--skip-bad`, `skip_bad=1`): then
//! the good files are imported and the failed ones reported.

use crate::access::require;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::codes::FeedKind;
use mamori_domain::policy::{Action, Scope};
use mamori_feeds::eos::{EosBatch, WalkLimits, MAX_FILE_BYTES};
use mamori_store::{Actor, AuditDraft, FeedImport, NewFeedImport};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Most entries of an uploaded zip looked at.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Most bytes read out of an uploaded zip in all (its files unpacked).
/// (The whole endoflife.date repository's product pages are under 5 MiB; the bound keeps an
/// upload's unpacked files, held until they are parsed, small.)
pub const MAX_ZIP_BYTES: u64 = 64 * 1024 * 1024;

/// One file read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileLine {
    pub path: String,
    /// `endoflife_md`, `endoflife_api`, `distro_info_csv` or `identifiers_tsv`.
    pub format: String,
    pub products: usize,
    pub cycles: usize,
    pub warnings: usize,
}

/// A file not read, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SkippedLine {
    pub path: String,
    pub reason: String,
}

/// What an import read and did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// `eos`.
    pub kind: String,
    pub files: Vec<FileLine>,
    pub skipped: Vec<SkippedLine>,
    /// Files refused, each with where and why.
    pub failed: Vec<String>,
    /// Entries skipped inside files that were read (file, line, field, why).
    pub warnings: Vec<String>,
    /// Products and cycles after the merge.
    pub products: usize,
    pub cycles: usize,
    /// Whether anything was written (false when refused).
    pub written: bool,
    /// Why nothing was written (a message key: `error-feed-nothing`, `error-feed-failed`,
    /// `error-feed-zip`, `error-feed-no-file`), when refused.
    pub refused: Option<String>,
    /// The recorded import, when written: its id, products rewritten (0 when the data was
    /// already there), the files' SHA-256.
    pub import_id: Option<String>,
    pub changed: Option<i64>,
    pub sha256: String,
}

impl ImportReport {
    fn of(batch: &EosBatch, root: &str) -> ImportReport {
        let rel = |p: &str| relative(p, root);
        ImportReport {
            kind: FeedKind::Eos.as_str().into(),
            files: batch
                .files
                .iter()
                .map(|f| FileLine {
                    path: rel(&f.path),
                    format: serde_json::to_value(f.format)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    products: f.products,
                    cycles: f.cycles,
                    warnings: f.warnings,
                })
                .collect(),
            skipped: batch
                .skipped
                .iter()
                .map(|s| SkippedLine {
                    path: rel(&s.path),
                    reason: s.reason.clone(),
                })
                .collect(),
            failed: batch.failed.iter().map(|e| e.to_string()).collect(),
            warnings: batch.warnings.iter().map(|w| w.to_string()).collect(),
            products: batch.product_count(),
            cycles: batch.cycle_count(),
            written: false,
            refused: None,
            import_id: None,
            changed: None,
            sha256: String::new(),
        }
    }

    fn refused(mut self, key: &str) -> Self {
        self.refused = Some(key.to_string());
        self
    }

    /// The summary line for the command line.
    pub fn summary(&self) -> String {
        format!(
            "{} products, {} cycles from {} files; {} skipped, {} failed, {} warnings",
            self.products,
            self.cycles,
            self.files.len(),
            self.skipped.len(),
            self.failed.len(),
            self.warnings.len()
        )
    }
}

/// A path shown relative to the directory imported (`products/rhel.md`).
fn relative(path: &str, root: &str) -> String {
    path.strip_prefix(root)
        .map(|p| p.trim_start_matches(['/', '\\']))
        .filter(|p| !p.is_empty())
        .unwrap_or(path)
        .to_string()
}

/// Write a batch read from files (see the module doc for when nothing is written), and
/// audit it in the global chain as `actor`'s. `digest` is the SHA-256 of the files read.
pub async fn import_batch(
    ctx: &Ctx,
    actor: &Actor,
    batch: EosBatch,
    root: &str,
    digest: String,
    skip_bad: bool,
) -> Result<ImportReport> {
    let mut report = ImportReport::of(&batch, root);
    report.sha256 = digest.clone();
    if !batch.failed.is_empty() && !skip_bad {
        return Ok(report.refused("error-feed-failed"));
    }
    if batch.products.is_empty() {
        return Ok(report.refused("error-feed-nothing"));
    }
    let EosBatch {
        mut products,
        identifiers,
        ..
    } = batch;
    // The identifiers file's CPEs of the products imported go with them (suggestions by CPE).
    for id in identifiers.iter().filter(|i| i.kind == "cpe") {
        if let Some(p) = products.iter_mut().find(|p| p.id == id.product) {
            if !p.cpes.contains(&id.value) {
                p.cpes.push(id.value.clone());
            }
        }
    }
    let records: Vec<_> = products.iter().map(crate::eos::record_of).collect();
    let new = NewFeedImport {
        kind: FeedKind::Eos.as_str().into(),
        files: report.files.iter().map(|f| f.path.clone()).collect(),
        skipped: report.skipped.len() as i64,
        warnings: report.warnings.len() as i64,
        sha256: digest,
        imported_by: actor.user_id.clone(),
        imported_label: actor.label.clone(),
    };
    let rec = ctx.feeds().import_eos(&new, &records).await?;
    audit(ctx, actor, &rec).await?;
    report.written = true;
    report.import_id = Some(rec.id);
    report.changed = Some(rec.changed);
    Ok(report)
}

/// The import's event in the global chain (after the feed database committed: the two
/// databases share no transaction; the event carries the import's id and SHA-256).
async fn audit(ctx: &Ctx, actor: &Actor, rec: &FeedImport) -> Result<()> {
    ctx.store()
        .record(
            actor,
            AuditDraft::new(
                None,
                "feed.import",
                "feed_import",
                &rec.id,
                json!({
                    "kind": rec.kind,
                    "files": rec.file_names().len(),
                    "products": rec.products,
                    "cycles": rec.cycles,
                    "changed": rec.changed,
                    "sha256": rec.sha256,
                }),
            ),
        )
        .await?;
    Ok(())
}

/// SHA-256 over each file's name and content, in the order read.
fn digest_of<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut h = Sha256::new();
    for (name, bytes) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(Sha256::digest(bytes));
    }
    hex::encode(h.finalize())
}

/// Read a file or a directory (the command line), calling `progress` with each file's path
/// before it is read. Bounded by `mamori_feeds`' [`WalkLimits`]. Blocking: call it off an
/// async runtime's workers.
pub fn read_path(
    path: &Path,
    progress: impl FnMut(&str),
) -> std::result::Result<(EosBatch, String), String> {
    let batch = mamori_feeds::eos::read_dir_eos_with(path, &WalkLimits::default(), progress)
        .map_err(|e| e.to_string())?;
    // The digest of the files read (read again: the walk keeps no bytes).
    let mut contents = Vec::with_capacity(batch.files.len());
    for f in &batch.files {
        let bytes = std::fs::read(&f.path).map_err(|e| format!("{}: {e}", f.path))?;
        contents.push((relative(&f.path, &path.display().to_string()), bytes));
    }
    let digest = digest_of(contents.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    Ok((batch, digest))
}

/// Read an upload: a zip (each entry a file; bounded by [`MAX_ZIP_ENTRIES`],
/// [`MAX_ZIP_BYTES`] and 16 MiB a file) or a single file. `Err` holds the refusal's key.
pub fn read_upload(
    file_name: &str,
    bytes: &[u8],
) -> std::result::Result<(EosBatch, String), &'static str> {
    let mut batch = EosBatch::new();
    if !bytes.starts_with(b"PK\x03\x04") {
        batch.add(file_name, bytes);
        return Ok((batch, digest_of(std::iter::once((file_name, bytes)))));
    }
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| "error-feed-zip")?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err("error-feed-zip-limits");
    }
    let mut total = 0u64;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| "error-feed-zip")?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().replace('\\', "/");
        if name
            .split('/')
            .any(|part| part.starts_with('.') || part == "__MACOSX")
        {
            continue;
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut content)
            .map_err(|_| "error-feed-zip")?;
        total += content.len() as u64;
        if total > MAX_ZIP_BYTES {
            return Err("error-feed-zip-limits");
        }
        files.push((name, content));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, content) in &files {
        if content.len() > MAX_FILE_BYTES {
            batch.failed.push(mamori_feeds::eos::EosError::TooLarge {
                file: name.clone(),
                size: content.len() as u64,
                limit: MAX_FILE_BYTES as u64,
            });
            continue;
        }
        batch.add(name, content);
    }
    let digest = digest_of(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    Ok((batch, digest))
}

/// An upload from the platform administrator (page or API): authorised before anything is
/// read, read off the async workers, imported.
pub async fn upload(
    ctx: &Ctx,
    caller: &Caller,
    file_name: String,
    bytes: Vec<u8>,
    skip_bad: bool,
) -> Result<ImportReport> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    let empty = || ImportReport::of(&EosBatch::new(), "");
    if bytes.is_empty() {
        return Ok(empty().refused("error-feed-no-file"));
    }
    let read = tokio::task::spawn_blocking(move || read_upload(&file_name, &bytes))
        .await
        .map_err(|e| Error::Internal(format!("feed import task: {e}")))?;
    match read {
        Err(key) => Ok(empty().refused(key)),
        Ok((batch, digest)) => {
            import_batch(ctx, &caller.actor(), batch, "", digest, skip_bad).await
        }
    }
}

/// The feed's state for the administrator: the latest imports, newest first, and what the
/// feed database holds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedStatus {
    pub kind: String,
    pub products: usize,
    pub cycles: usize,
    #[schema(value_type = Vec<Object>)]
    pub imports: Vec<FeedImport>,
    pub attributions: Vec<String>,
}

pub async fn status(ctx: &Ctx, caller: &Caller) -> Result<FeedStatus> {
    require(caller, Action::AdministerPlatform, Scope::Platform)?;
    let data = crate::eos::data(ctx).await?;
    Ok(FeedStatus {
        kind: FeedKind::Eos.as_str().into(),
        products: data.products.len(),
        cycles: data.products.iter().map(|p| p.cycles.len()).sum(),
        imports: ctx.feeds().feed_imports(FeedKind::Eos.as_str(), 20).await?,
        attributions: crate::eos::attributions()
            .into_iter()
            .map(str::to_string)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, usize)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let chunk = vec![b' '; 1024 * 1024];
        for (name, mib) in files {
            w.start_file(*name, opts).unwrap();
            for _ in 0..*mib {
                w.write_all(&chunk).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_that_unpacks_past_the_bound_is_refused_while_a_big_file_is_named() {
        // Five files of 15 MiB of spaces: a small upload that unpacks to 75 MiB.
        let bomb = zip_of(&[
            ("a.md", 15),
            ("b.md", 15),
            ("c.md", 15),
            ("d.md", 15),
            ("e.md", 15),
        ]);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        assert_eq!(
            read_upload("eos.zip", &bomb).err(),
            Some("error-feed-zip-limits")
        );
        // One file over 16 MiB: read no further than the bound, and named as too large.
        let big = zip_of(&[("big.md", 17)]);
        let (batch, _) = read_upload("eos.zip", &big).unwrap();
        assert!(matches!(
            batch.failed.as_slice(),
            [mamori_feeds::eos::EosError::TooLarge { .. }]
        ));
    }
}
