//! The rules of a contract's record: a title, a vendor, a kind, and dates in order.

use crate::codes::ContractKind;
use crate::role_sharing::valid_date;
use crate::validate::FieldError;

/// A contract's terms as checked: the title trimmed, the kind typed, empty dates absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub title: String,
    pub kind: ContractKind,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// Check a contract's terms: a title of 1–200 characters, a vendor named, a known kind,
/// dates as `YYYY-MM-DD` (or none), the end not before the start.
pub fn check_terms(
    title: &str,
    vendor_id: &str,
    kind: &str,
    starts_on: &str,
    ends_on: &str,
) -> Result<Terms, FieldError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(err("title", "error-contract-title"));
    }
    if vendor_id.trim().is_empty() {
        return Err(err("vendor_id", "error-contract-vendor"));
    }
    let kind = ContractKind::parse(kind).ok_or(err("kind", "error-rs-bad-value"))?;
    let date = |field: &'static str, s: &str| -> Result<Option<String>, FieldError> {
        let s = s.trim();
        match s {
            "" => Ok(None),
            d if valid_date(d) => Ok(Some(d.to_string())),
            _ => Err(err(field, "error-rs-bad-date")),
        }
    };
    let starts_on = date("starts_on", starts_on)?;
    let ends_on = date("ends_on", ends_on)?;
    if let (Some(s), Some(e)) = (&starts_on, &ends_on) {
        if e < s {
            return Err(err("ends_on", "error-contract-dates"));
        }
    }
    Ok(Terms {
        title: title.to_string(),
        kind,
        starts_on,
        ends_on,
    })
}

/// Check a subcontractor (再委託先) as the vendor declares it: a name of 1–200 characters
/// and a scope of at most 2,000; both trimmed.
pub fn check_subcontractor(name: &str, scope: &str) -> Result<(String, String), FieldError> {
    let (name, scope) = (name.trim(), scope.trim());
    if name.is_empty() || name.chars().count() > 200 {
        return Err(err("name", "error-subcontractor-name"));
    }
    if scope.chars().count() > 2000 {
        return Err(err("scope", "error-subcontractor-name"));
    }
    Ok((name.to_string(), scope.to_string()))
}

/// Check a contract document as it is uploaded: a known kind, a file that is not empty and
/// a name of at most 200 characters (the name is already made safe by the upload reader).
pub fn check_document(
    kind: &str,
    file_name: &str,
    size: usize,
) -> Result<crate::codes::DocumentKind, FieldError> {
    let kind = crate::codes::DocumentKind::parse(kind).ok_or(err("kind", "error-rs-bad-value"))?;
    if size == 0 || file_name.trim().is_empty() {
        return Err(err("file", "import-error-no-file"));
    }
    if file_name.chars().count() > 200 {
        return Err(err("file", "error-document-name"));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_checked_field_by_field() {
        let ok = check_terms(" 保守契約 ", "v", "maintenance", "2026-04-01", "2027-03-31").unwrap();
        assert_eq!(ok.title, "保守契約");
        assert_eq!(ok.kind, ContractKind::Maintenance);
        let field = |r: Result<Terms, FieldError>| r.unwrap_err().field;
        assert_eq!(field(check_terms(" ", "v", "other", "", "")), "title");
        assert_eq!(
            field(check_terms(&"長".repeat(201), "v", "other", "", "")),
            "title"
        );
        assert_eq!(field(check_terms("t", "", "other", "", "")), "vendor_id");
        assert_eq!(field(check_terms("t", "v", "lease", "", "")), "kind");
        assert_eq!(
            field(check_terms("t", "v", "other", "2026-02-30", "")),
            "starts_on"
        );
        assert_eq!(
            field(check_terms("t", "v", "other", "", "R8.4.1")),
            "ends_on"
        );
        assert_eq!(
            check_terms("t", "v", "other", "2026-04-01", "2026-03-31").unwrap_err(),
            FieldError {
                field: "ends_on",
                key: "error-contract-dates"
            }
        );
        let open = check_terms("t", "v", "cloud", "2026-04-01", "").unwrap();
        assert_eq!(open.ends_on, None);
        assert_eq!(
            check_subcontractor(" X DC ", " 保管 ").unwrap(),
            ("X DC".to_string(), "保管".to_string())
        );
        assert_eq!(check_subcontractor(" ", "").unwrap_err().field, "name");
        assert_eq!(
            check_subcontractor("x", &"a".repeat(2001))
                .unwrap_err()
                .field,
            "scope"
        );
    }

    #[test]
    fn documents() {
        assert!(check_document("sla", "a.pdf", 3).is_ok());
        assert_eq!(check_document("x", "a.pdf", 3).unwrap_err().field, "kind");
        assert_eq!(
            check_document("sla", "a.pdf", 0).unwrap_err().key,
            "import-error-no-file"
        );
        assert_eq!(
            check_document("sla", &"長".repeat(201), 1).unwrap_err().key,
            "error-document-name"
        );
    }
}
