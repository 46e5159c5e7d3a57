//! A vendor's standard answers: its answers to the role-sharing checklist's Part 2 items,
//! per product, proposed in many contracts at once.

/// A vendor's standard answer (per product, applied to many contracts): a product name of
/// 1–100 characters, a responsibility the vendor can propose alone (vendor, joint or
/// institution) and texts of at most 4,000 characters each. Returns the product and the
/// texts trimmed.
pub fn check_standard_answer(
    product: &str,
    responsibility: &str,
    texts: [&str; 3],
) -> Result<(String, [String; 3]), crate::validate::FieldError> {
    let bad = |field| crate::validate::FieldError {
        field,
        key: "error-standard-answer",
    };
    let product = product.trim();
    if product.is_empty() || product.chars().count() > 100 {
        return Err(bad("product"));
    }
    if !["vendor", "joint", "institution"].contains(&responsibility) {
        return Err(bad("responsibility"));
    }
    for (field, t) in ["agreed_content", "written_in", "remarks"]
        .into_iter()
        .zip(texts)
    {
        if t.chars().count() > 4000 {
            return Err(bad(field));
        }
    }
    Ok((product.to_string(), texts.map(|t| t.trim().to_string())))
}

/// A vendor's standard answer to one slot of the 事業者確認用 sheet, as checked before it
/// is kept: the product as above; the first check はい or いいえ; a いいえ with the date by
/// which the measure will be taken (as on the sheet), a はい without one; a note of at most
/// 4,000 characters. The date of the check is each sheet's own, given when applied.
pub struct SheetStandard {
    pub product: String,
    pub check1: crate::assessment::YesNo,
    pub target_on: Option<String>,
    pub note: String,
}

pub fn check_sheet_standard(
    product: &str,
    check1: &str,
    target_on: &str,
    note: &str,
) -> Result<SheetStandard, crate::validate::FieldError> {
    use crate::assessment::{AnswerError, YesNo};
    let err = |field, key| crate::validate::FieldError { field, key };
    let product = product.trim();
    if product.is_empty() || product.chars().count() > 100 {
        return Err(err("product", "error-standard-answer"));
    }
    let check1 = YesNo::parse(check1.trim()).ok_or(err("check1", "error-rs-bad-value"))?;
    let target_on = Some(target_on.trim())
        .filter(|t| !t.is_empty())
        .map(String::from);
    if target_on
        .as_deref()
        .is_some_and(|t| !crate::role_sharing::valid_date(t))
    {
        return Err(err("target_on", AnswerError::BadDate.key()));
    }
    match (check1, &target_on) {
        (YesNo::No, None) => return Err(err("target_on", AnswerError::TargetRequired.key())),
        (YesNo::Yes, Some(_)) => return Err(err("target_on", AnswerError::TargetWithoutNo.key())),
        _ => {}
    }
    if note.chars().count() > 4000 {
        return Err(err("note", AnswerError::TooLong.key()));
    }
    Ok(SheetStandard {
        product: product.to_string(),
        check1,
        target_on,
        note: note.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_standards() {
        use crate::assessment::YesNo;
        let s = check_sheet_standard(" 電子カルテ ", "no", "2025-03-01", " 更新で対応 ").unwrap();
        assert_eq!(
            (
                s.product.as_str(),
                s.check1,
                s.target_on.as_deref(),
                s.note.as_str()
            ),
            ("電子カルテ", YesNo::No, Some("2025-03-01"), "更新で対応")
        );
        let field = |p, c, t, n| {
            check_sheet_standard(p, c, t, n)
                .err()
                .map(|e| (e.field, e.key))
        };
        assert_eq!(field("p", "yes", "", ""), None);
        assert_eq!(
            field("", "yes", "", ""),
            Some(("product", "error-standard-answer"))
        );
        assert_eq!(
            field("p", "maybe", "", ""),
            Some(("check1", "error-rs-bad-value"))
        );
        assert_eq!(
            field("p", "no", "", ""),
            Some(("target_on", "error-cy-target-required"))
        );
        assert_eq!(
            field("p", "yes", "2025-03-01", ""),
            Some(("target_on", "error-cy-target-without-no"))
        );
        assert_eq!(
            field("p", "no", "2025-02-30", ""),
            Some(("target_on", "error-rs-bad-date"))
        );
        assert_eq!(
            field("p", "yes", "", &"長".repeat(4001)),
            Some(("note", "error-rs-too-long"))
        );
    }

    #[test]
    fn standard_answers() {
        let (product, texts) =
            check_standard_answer(" 電子カルテ ", "joint", [" a ", "", "b"]).unwrap();
        assert_eq!(product, "電子カルテ");
        assert_eq!(texts, ["a".to_string(), String::new(), "b".to_string()]);
        assert_eq!(
            check_standard_answer(" ", "joint", ["", "", ""])
                .unwrap_err()
                .field,
            "product"
        );
        assert_eq!(
            check_standard_answer("p", "other_vendor", ["", "", ""])
                .unwrap_err()
                .field,
            "responsibility"
        );
        let long = "a".repeat(4001);
        assert_eq!(
            check_standard_answer("p", "vendor", ["", "", &long])
                .unwrap_err()
                .field,
            "remarks"
        );
    }
}
