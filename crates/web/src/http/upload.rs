//! Uploaded files (contract documents, evidence, catalog imports): one guard that lets a
//! body in only from a signed-in caller with the CSRF token, one reader for the multipart
//! body, one clean file name, and one guess of the type from the content, never from the
//! name.

use crate::http::auth::{self, Auth};
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use std::collections::HashMap;

/// How much of a multipart body is read to find the CSRF field (the forms send it first).
const CSRF_PREFIX_BYTES: usize = 64 * 1024;

/// The upload routes' guard, in place of the CSRF guard of the other routes: the caller is
/// signed in (session or token, every sign-in step done) and, with a session, presents its
/// CSRF token — before the body is read. Of a multipart form only the start (up to 64 KiB)
/// is read to find the `_csrf` field; the rest streams on unread to the handler, which
/// authorises (administrator, contract party, sheet role) before it reads the file. Other
/// bodies on these routes are small forms, read within the ordinary body limit.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> AppResult<Response> {
    let (mut parts, body) = req.into_parts();
    // Cached in the request: the handler's own `Auth` reuses it.
    let auth = Auth::from_request_parts(&mut parts, &state).await?;
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // A bearer token carries no ambient credentials and needs no CSRF token.
    let expected = match &auth.session {
        Some(s) if !safe => s.csrf_token.clone(),
        _ => return Ok(next.run(Request::from_parts(parts, body)).await),
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let in_header = parts
        .headers
        .get(auth::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|h| auth::same(h, &expected));
    let multipart = content_type.starts_with("multipart/form-data");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if in_header == Some(false) || (in_header.is_none() && !multipart && !form) {
        return Err(AppError::Csrf);
    }
    let body = if multipart {
        let mut stream = body.into_data_stream();
        let mut prefix = Vec::new();
        if in_header.is_none() {
            while prefix.len() < CSRF_PREFIX_BYTES {
                match stream.next().await {
                    Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
                    Some(Err(_)) => return Err(AppError::PayloadTooLarge),
                    None => break,
                }
            }
            let token =
                multipart_text(&content_type, Bytes::from(prefix.clone()), auth::CSRF_FIELD).await;
            if !token.is_some_and(|v| auth::same(&v, &expected)) {
                return Err(AppError::Csrf);
            }
        }
        let head = futures_util::stream::once(futures_util::future::ready(Ok(Bytes::from(prefix))));
        Body::from_stream(head.chain(stream))
    } else {
        // A small form (confirm, discard, withdraw): read within the ordinary body limit.
        let bytes = axum::body::to_bytes(body, state.cfg().max_body_bytes)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        if in_header.is_none() {
            let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|f| f.into_iter().find(|(k, _)| k == auth::CSRF_FIELD));
            if !token.is_some_and(|(_, v)| auth::same(&v, &expected)) {
                return Err(AppError::Csrf);
            }
        }
        Body::from(bytes)
    };
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// A text field found in the start of a multipart body (fields cut off by its end are not).
async fn multipart_text(content_type: &str, prefix: Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let chunk = Ok::<_, std::convert::Infallible>(prefix);
    let mut form =
        multer::Multipart::new(futures_util::stream::once(async move { chunk }), boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// A multipart form: its text fields (trimmed) and its one file field, `file`.
#[derive(Debug, Default)]
pub struct Upload {
    fields: HashMap<String, String>,
    /// The file's name made safe by [`safe_file_name`] (empty when no file was sent).
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
            let sent = field.file_name().unwrap_or_default().to_string();
            up.bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
            up.file_name = if sent.is_empty() && up.bytes.is_empty() {
                String::new()
            } else {
                safe_file_name(&sent)
            };
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

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// A file name as it is stored and offered for download: the last path component only (a
/// browser or a script may send `../../etc/passwd` or `C:\\…`), without control characters
/// (TAB, CR, LF, NUL …) or bidirectional overrides (which disguise an extension), trimmed,
/// at most [`MAX_FILE_NAME_CHARS`] characters keeping a short extension; a name that is
/// empty or only dots (`.`, `..`) becomes `file`.
pub fn safe_file_name(sent: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let bidi = |c: char| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !bidi(*c))
        .collect();
    let clean = clean.trim();
    if clean.chars().all(|c| c == '.') {
        return "file".into();
    }
    if clean.chars().count() <= MAX_FILE_NAME_CHARS {
        return clean.to_string();
    }
    // Too long: keep the extension when it is short, cut the rest on a character boundary.
    let ext = clean
        .rfind('.')
        .map(|i| &clean[i..])
        .filter(|e| e.chars().count() <= 16)
        .unwrap_or_default();
    let keep = MAX_FILE_NAME_CHARS - ext.chars().count();
    let stem: String = clean.chars().take(keep).collect();
    format!("{stem}{ext}")
}

/// The media type of a file, from its first bytes (the use cases' rule).
pub use mamori_app::files::sniff;

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name("."), "file");
        assert_eq!(safe_file_name(""), "file");
        assert_eq!(safe_file_name(" \t "), "file");
        assert_eq!(safe_file_name("a\tb.pdf"), "ab.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_file_name("a/.."), "file");
        assert_eq!(safe_file_name("x\r\n\0y.xlsx"), "xy.xlsx");
        assert_eq!(safe_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(safe_file_name("契約書 2026.pdf"), "契約書 2026.pdf");
        let long = format!("{}.pdf", "長".repeat(1000));
        let safe = safe_file_name(&long);
        assert_eq!(safe.chars().count(), 200);
        assert!(safe.ends_with("長.pdf"));
        let no_ext = "x".repeat(1000);
        assert_eq!(safe_file_name(&no_ext).len(), 200);
    }
}
