//! Uploaded files (contract documents, evidence, catalog imports): one reader for the
//! multipart body and one guess of the type from the content, never from the name.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{FromRequest, Multipart, Request};
use std::collections::HashMap;

/// A multipart form: its text fields (trimmed) and its one file field, `file`.
#[derive(Debug, Default)]
pub struct Upload {
    fields: HashMap<String, String>,
    /// The file's name without any directory part the browser sent.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// A text field, empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Read the body of `req` (after the caller has authorised it). A broken body is a bad
/// request; a file over the upload limit is refused as too large.
pub async fn read(req: Request, state: &AppState) -> AppResult<Upload> {
    let mut mp = Multipart::from_request(req, state)
        .await
        .map_err(|_| bad())?;
    let mut up = Upload::default();
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            up.file_name = field
                .file_name()
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                .unwrap_or_default();
            up.bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
        } else {
            let value = field.text().await.map_err(|_| bad())?;
            up.fields.insert(name, value.trim().to_string());
        }
    }
    Ok(up)
}

fn bad() -> AppError {
    AppError::BadRequest("error-upload-form")
}

/// The media type of a file, from its first bytes; None for kinds mamori does not keep.
pub fn sniff(bytes: &[u8], file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(if lower.ends_with(".xlsx") {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        } else if lower.ends_with(".docx") {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        } else {
            "application/zip"
        })
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        Some("text/plain")
    } else {
        None
    }
}
