//! The rules of a vendor's certification record.

use crate::codes::CertKind;
use crate::role_sharing::valid_date;
use crate::validate::FieldError;

/// A certification as checked: a known kind, a name of 1–200 characters, an expiry date
/// as `YYYY-MM-DD` or none.
pub fn check_certification(
    kind: &str,
    name: &str,
    expires_on: &str,
) -> Result<(CertKind, String, Option<String>), FieldError> {
    let err = |field, key| FieldError { field, key };
    let kind = CertKind::parse(kind).ok_or(err("kind", "error-certification"))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(err("name", "error-certification"));
    }
    let exp = expires_on.trim();
    if !exp.is_empty() && !valid_date(exp) {
        return Err(err("expires_on", "error-certification"));
    }
    Ok((
        kind,
        name.to_string(),
        Some(exp.to_string()).filter(|e| !e.is_empty()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certifications_are_checked_field_by_field() {
        let (k, n, e) = check_certification("jisq27001", " ISMS ", "2027-03-31").unwrap();
        assert_eq!(
            (k, n.as_str(), e.as_deref()),
            (CertKind::JisQ27001, "ISMS", Some("2027-03-31"))
        );
        assert_eq!(check_certification("other", "x", "").unwrap().2, None);
        let field = |k: &str, n: &str, e: &str| check_certification(k, n, e).unwrap_err().field;
        let long = "長".repeat(201);
        assert_eq!(field("iso", "x", ""), "kind");
        assert_eq!(field("other", " ", ""), "name");
        assert_eq!(field("other", &long, ""), "name");
        assert_eq!(field("other", "x", "2027-02-30"), "expires_on");
    }
}
