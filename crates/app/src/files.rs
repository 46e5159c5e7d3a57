//! Files people upload (contract documents, evidence): what mamori keeps is judged from the
//! content, never from the name alone.

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

/// "読み込めません: <where>: <what>" for an uploaded file refused at a place, each a message
/// key with its arguments (catalog and ledger imports alike).
pub fn refused_at(
    tr: &mamori_i18n::Tr,
    (place, place_args): (&str, Vec<(&str, String)>),
    (problem, problem_args): (&str, Vec<(&str, String)>),
) -> String {
    format!(
        "{}: {}: {}",
        tr.t("import-error-refused"),
        tr.targs(place, &place_args),
        tr.targs(problem, &problem_args)
    )
}
