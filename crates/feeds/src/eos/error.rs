//! Errors (a file is refused) and warnings (one entry of a file is skipped).

use std::fmt;

/// Why a file, or a directory walk, was refused. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum EosError {
    /// The file is larger than the limit ([`crate::eos::MAX_FILE_BYTES`] by default).
    #[error("{file}: {size} bytes is over the limit of {limit} bytes")]
    TooLarge { file: String, size: u64, limit: u64 },
    /// The file is not UTF-8.
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { file: String, offset: usize },
    /// [`crate::eos::detect`] does not know the format.
    #[error("{file}: not an end-of-support file this crate reads ({hint})")]
    UnknownFormat { file: String, hint: String },
    /// A product page without YAML front matter, or one that is not closed.
    #[error("{file}: {message}")]
    FrontMatter { file: String, message: String },
    /// The YAML front matter does not parse (line and column in the file).
    #[error("{file}:{line}:{column}: YAML: {message}")]
    Yaml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON does not parse (line and column in the file).
    #[error("{file}:{line}:{column}: JSON: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The CSV or TSV does not parse.
    #[error("{file}{}: {message}", at_line(*line))]
    Table {
        file: String,
        line: Option<u64>,
        message: String,
    },
    /// A field required for the whole file is missing or of the wrong type.
    #[error("{file}{}: field `{field}`: {message}", at_line(line.map(|l| l as u64)))]
    Field {
        file: String,
        line: Option<usize>,
        field: String,
        message: String,
    },
    /// Reading a file or a directory failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A directory walk went past one of its bounds ([`crate::eos::WalkLimits`]).
    #[error("{path}: {message}")]
    Limit { path: String, message: String },
}

fn at_line(line: Option<u64>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// One entry of a file that was skipped (or one value dropped), with where and why. The file
/// itself was read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EosWarning {
    pub file: String,
    /// Line in the file (1-based), when known.
    pub line: Option<usize>,
    /// The field concerned (`releases[3].eol`, `result[0].releases[2].eolFrom`).
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for EosWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}
