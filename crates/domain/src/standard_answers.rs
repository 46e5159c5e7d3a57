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

#[cfg(test)]
mod tests {
    use super::*;

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
