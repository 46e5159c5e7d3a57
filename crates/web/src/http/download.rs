//! Files sent to the browser: always downloads (never shown inline), with the name in
//! ASCII and in UTF-8, never cached.

use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// How dates are written: `wareki` (令和6年7月1日, the default) or `seireki`
    /// (2024-07-01).
    #[serde(default)]
    pub dates: String,
}

/// A file as an API answer's body (a download or an export): the bytes as they are.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBody(pub Vec<u8>);

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file name reduced to ASCII letters, digits and `.-_` (the fallback name of a download).
pub fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A download, never shown inline; the name is given in ASCII and in UTF-8 (RFC 6266).
pub fn download(bytes: Vec<u8>, mime: &'static str, ascii_name: &str, name: &str) -> Response {
    use axum::http::{header, HeaderValue};
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// The export's date style from the query (`wareki` by default).
pub fn date_style(
    q: &ExportQuery,
) -> Result<mamori_export::DateStyle, crate::http::error::AppError> {
    mamori_export::DateStyle::parse(&q.dates).ok_or(crate::http::error::AppError::Invalid {
        field: "dates",
        key: "error-rs-bad-value",
    })
}
