//! Which field of an answer each answer rule is about, so a form can point at it and the
//! API can name it (`error.field`).

use crate::assessment::{Answer, AnswerError};

impl AnswerError {
    /// The field of `a` the error is about, for a form to point at (`check1`, `check1_on`,
    /// `check2`, `check2_on`, `target_on`, `note`; `slot` or `sheet` for the answer as a
    /// whole). `today` and the fiscal year's `range` decide which date is out of bounds.
    pub fn field(self, a: &Answer, today: &str, range: (&str, &str)) -> &'static str {
        let outside = |d: &Option<String>| {
            d.as_deref()
                .is_some_and(|d| d > today || d < range.0 || !crate::role_sharing::valid_date(d))
        };
        match self {
            AnswerError::NotApplicable | AnswerError::Locked => "sheet",
            AnswerError::WrongSlot => "slot",
            AnswerError::TooLong => "note",
            AnswerError::TargetWithoutNo
            | AnswerError::TargetRequired
            | AnswerError::OutsideFiscalYear => "target_on",
            AnswerError::SecondBeforeFirst => "check2_on",
            AnswerError::SecondWithoutFirst | AnswerError::Unanswered => "check1",
            AnswerError::DateRequired => {
                if a.check1.is_some() && a.check1_on.is_none() {
                    "check1_on"
                } else {
                    "check2_on"
                }
            }
            AnswerError::BadDate
            | AnswerError::CheckOutsideFiscalYear
            | AnswerError::FutureCheck => {
                let late_first = a.check1_on.as_deref().is_some_and(|d| d > range.1);
                if outside(&a.check1_on) || late_first {
                    "check1_on"
                } else if outside(&a.check2_on) {
                    "check2_on"
                } else {
                    "target_on"
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::assessment::{check_sheet_answer, RawAnswer, Slot};

    const TODAY: &str = "2025-06-30";

    #[test]
    fn each_refusal_names_its_field() {
        let all = [Slot::All];
        let raw = RawAnswer {
            slot: "all",
            check1: "no",
            check1_on: " 2024-06-10 ",
            target_on: "2025-03-31",
            note: " 対応中 ",
            ..Default::default()
        };
        let field =
            |r: RawAnswer<'_>| check_sheet_answer(2024, TODAY, true, false, &all, &r).unwrap_err();
        // Each refusal names the field a form points at.
        let at = |r: RawAnswer<'_>| {
            let e = field(r);
            (e.field, e.key)
        };
        assert_eq!(
            at(RawAnswer {
                target_on: "",
                ..raw
            }),
            ("target_on", "error-cy-target-required")
        );
        assert_eq!(
            at(RawAnswer {
                check1_on: "",
                ..raw
            }),
            ("check1_on", "error-cy-date-required")
        );
        assert_eq!(
            at(RawAnswer {
                check2: "yes",
                ..raw
            }),
            ("check2_on", "error-cy-date-required")
        );
        assert_eq!(
            at(RawAnswer {
                check2: "yes",
                check2_on: "2024-06-01",
                ..raw
            }),
            ("check2_on", "error-cy-second-before-first")
        );
        assert_eq!(
            at(RawAnswer {
                check1_on: "2099-01-01",
                ..raw
            }),
            ("check1_on", "error-cy-check-future")
        );
        assert_eq!(
            at(RawAnswer {
                check1: "",
                check1_on: "",
                check2: "yes",
                check2_on: "2024-06-01",
                target_on: "",
                ..raw
            }),
            ("check1", "error-cy-second-without-first")
        );
    }
}
