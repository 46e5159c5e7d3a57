//! Many files at once: a report per file, the skipped files with a reason, the merged
//! products. [`read_dir_eos`] walks a directory within [`WalkLimits`].

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::{EosError, EosWarning};
use super::{detect, merge_into, parse_file, skip_reason, EosFormat, EosProduct, Identifier};

/// Bounds of a directory walk. A file over `max_file_bytes` is refused (recorded as failed,
/// not read); going past any other bound stops the walk with [`EosError::Limit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkLimits {
    /// Largest file read: [`super::MAX_FILE_BYTES`] (16 MiB).
    pub max_file_bytes: u64,
    /// Most files looked at (read or skipped): 10,000.
    pub max_files: usize,
    /// Deepest directory below the root: 8.
    pub max_depth: usize,
    /// Most bytes read in all: 256 MiB.
    pub max_total_bytes: u64,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_file_bytes: super::MAX_FILE_BYTES as u64,
            max_files: 10_000,
            max_depth: 8,
            max_total_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub path: String,
    pub format: EosFormat,
    pub products: usize,
    pub cycles: usize,
    pub identifiers: usize,
    pub warnings: usize,
}

/// A file that was not read, and why (`licence text`, `OpenAPI document …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Files gathered into one catalog.
#[derive(Debug, Default)]
pub struct EosBatch {
    /// Products of every file, merged by id ([`super::merge`]), sorted by id.
    pub products: Vec<EosProduct>,
    /// Identifiers from every file (front matter, API, identifiers TSV).
    pub identifiers: Vec<Identifier>,
    /// One report per file read, in the order read.
    pub files: Vec<FileReport>,
    pub skipped: Vec<Skipped>,
    /// Files refused (too large, broken YAML, …): the batch goes on without them.
    pub failed: Vec<EosError>,
    /// Entries skipped inside files that were read.
    pub warnings: Vec<EosWarning>,
}

impl EosBatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Read one file into the batch (never fails: the outcome is recorded).
    pub fn add(&mut self, path: &str, bytes: &[u8]) {
        let Some(format) = detect(path, bytes) else {
            self.skipped.push(Skipped {
                path: path.to_string(),
                reason: skip_reason(path, bytes),
            });
            return;
        };
        match parse_file(path, bytes) {
            Err(e) => self.failed.push(e),
            Ok(parsed) => {
                self.files.push(FileReport {
                    path: path.to_string(),
                    format,
                    products: parsed.products.len(),
                    cycles: parsed.products.iter().map(|p| p.cycles.len()).sum(),
                    identifiers: parsed.identifiers.len(),
                    warnings: parsed.warnings.len(),
                });
                for p in parsed.products {
                    merge_into(&mut self.products, p);
                }
                self.products.sort_by(|a, b| a.id.cmp(&b.id));
                self.identifiers.extend(parsed.identifiers);
                self.warnings.extend(parsed.warnings);
            }
        }
    }

    /// Products after the merge.
    pub fn product_count(&self) -> usize {
        self.products.len()
    }

    /// Cycles after the merge.
    pub fn cycle_count(&self) -> usize {
        self.products.iter().map(|p| p.cycles.len()).sum()
    }

    /// One line for a command line's summary.
    pub fn summary(&self) -> String {
        format!(
            "{} products, {} cycles from {} files ({} identifiers); {} skipped, {} failed, {} warnings",
            self.product_count(),
            self.cycle_count(),
            self.files.len(),
            self.identifiers.len(),
            self.skipped.len(),
            self.failed.len(),
            self.warnings.len()
        )
    }
}

/// Read a file, or every file under a directory, with the default [`WalkLimits`].
pub fn read_dir_eos(path: impl AsRef<Path>) -> Result<EosBatch, EosError> {
    read_dir_eos_with(path, &WalkLimits::default(), |_| {})
}

/// Read a file, or every file under a directory (sorted by name, depth first; entries whose
/// name starts with `.` and symbolic links are not followed). `progress` is called with
/// each file's path before it is read.
pub fn read_dir_eos_with(
    path: impl AsRef<Path>,
    limits: &WalkLimits,
    mut progress: impl FnMut(&str),
) -> Result<EosBatch, EosError> {
    let root = path.as_ref();
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| EosError::Io { path, source }
    };
    let mut batch = EosBatch::new();
    let mut seen = 0usize;
    let mut total = 0u64;
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_path_buf(), 0)];
    while let Some((p, depth)) = stack.pop() {
        let meta = fs::symlink_metadata(&p).map_err(io(&p))?;
        let shown = p.display().to_string();
        if meta.file_type().is_symlink() {
            batch.skipped.push(Skipped {
                path: shown,
                reason: "symbolic link (not followed)".into(),
            });
            continue;
        }
        if meta.is_dir() {
            if depth > limits.max_depth {
                return Err(EosError::Limit {
                    path: shown,
                    message: format!("deeper than {} directories", limits.max_depth),
                });
            }
            let mut entries = Vec::new();
            for entry in fs::read_dir(&p).map_err(io(&p))? {
                let entry = entry.map_err(io(&p))?;
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                entries.push(entry.path());
            }
            entries.sort();
            stack.extend(entries.into_iter().rev().map(|e| (e, depth + 1)));
            continue;
        }
        seen += 1;
        if seen > limits.max_files {
            return Err(EosError::Limit {
                path: root.display().to_string(),
                message: format!("more than {} files", limits.max_files),
            });
        }
        progress(&shown);
        if meta.len() > limits.max_file_bytes {
            batch.failed.push(EosError::TooLarge {
                file: shown,
                size: meta.len(),
                limit: limits.max_file_bytes,
            });
            continue;
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        fs::File::open(&p)
            .map_err(io(&p))?
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(io(&p))?;
        if bytes.len() as u64 > limits.max_file_bytes {
            batch.failed.push(EosError::TooLarge {
                file: shown,
                size: bytes.len() as u64,
                limit: limits.max_file_bytes,
            });
            continue;
        }
        total += bytes.len() as u64;
        if total > limits.max_total_bytes {
            return Err(EosError::Limit {
                path: root.display().to_string(),
                message: format!("more than {} bytes in all", limits.max_total_bytes),
            });
        }
        batch.add(&shown, &bytes);
    }
    Ok(batch)
}
