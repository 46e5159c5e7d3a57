//! The yearly cybersecurity checklist (サイバーセキュリティ対策チェックリスト) of one
//! institution: answers per item and, where the item asks for it, per device class; the
//! item-0 rule; the 1回目 / 2回目 checks with their dates; a target date within the fiscal
//! year for an item first answered いいえ; approval and revisions.

use crate::validate::FieldError;
use serde::{Deserialize, Serialize};

crate::code_enum!(
    /// Where an answer goes: the item as a whole, or one device class of it.
    Slot {
        /// 医療情報システム全般 (items answered once)
        All = "all",
        /// サーバ
        Server = "server",
        /// 端末PC
        Terminal = "terminal",
        /// ネットワーク機器
        Network = "network",
    }
);

impl Default for Slot {
    /// The item as a whole.
    fn default() -> Self {
        Slot::All
    }
}

crate::code_enum!(
    /// はい / いいえ of one check.
    YesNo {
        Yes = "yes",
        No = "no",
    }
);

/// One answer (one item, one slot).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub check1: Option<YesNo>,
    /// YYYY-MM-DD
    pub check1_on: Option<String>,
    pub check2: Option<YesNo>,
    pub check2_on: Option<String>,
    /// 目標日, for an item whose first check is いいえ.
    pub target_on: Option<String>,
    pub note: String,
}

/// Why an answer is refused; each has a message key (`error-cy-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("item 0 is no: this item does not apply")]
    NotApplicable,
    #[error("the item is not answered per device, or not for this device")]
    WrongSlot,
    #[error("a check needs its date")]
    DateRequired,
    #[error("a date is not a valid date")]
    BadDate,
    #[error("a date is outside the fiscal year")]
    OutsideFiscalYear,
    #[error("a target date is only for a first check of no")]
    TargetWithoutNo,
    #[error("a first check of no needs its target date")]
    TargetRequired,
    #[error("the second check comes after the first")]
    SecondBeforeFirst,
    #[error("the second check needs a first check")]
    SecondWithoutFirst,
    #[error("the note is too long")]
    TooLong,
    #[error("a check is dated outside the fiscal year")]
    CheckOutsideFiscalYear,
    #[error("a check is dated in the future")]
    FutureCheck,
    #[error("no first check of this fiscal year")]
    Unanswered,
    #[error("the sheet is approved: a change needs a new revision")]
    Locked,
}

impl AnswerError {
    pub fn key(self) -> &'static str {
        match self {
            AnswerError::NotApplicable => "error-cy-not-applicable",
            AnswerError::WrongSlot => "error-cy-wrong-slot",
            AnswerError::DateRequired => "error-cy-date-required",
            AnswerError::BadDate => "error-rs-bad-date",
            AnswerError::OutsideFiscalYear => "error-cy-outside-fy",
            AnswerError::TargetWithoutNo => "error-cy-target-without-no",
            AnswerError::TargetRequired => "error-cy-target-required",
            AnswerError::SecondBeforeFirst => "error-cy-second-before-first",
            AnswerError::SecondWithoutFirst => "error-cy-second-without-first",
            AnswerError::TooLong => "error-rs-too-long",
            AnswerError::CheckOutsideFiscalYear => "error-cy-check-outside-fy",
            AnswerError::FutureCheck => "error-cy-check-future",
            AnswerError::Unanswered => "error-cy-unanswered",
            AnswerError::Locked => "error-cy-locked",
        }
    }
}

pub use crate::time::{fiscal_year_of, fiscal_year_range};

fn valid(d: &str) -> bool {
    crate::role_sharing::valid_date(d)
}

/// The slots an item is answered in: its device classes, or the item as a whole.
pub fn slots(devices: &[Slot]) -> Vec<Slot> {
    if devices.is_empty() {
        vec![Slot::All]
    } else {
        devices.to_vec()
    }
}

/// Check one answer given on `today` (`YYYY-MM-DD`, Japan). `applicable`: false when item
/// 0 is いいえ and this is not item 0. `item_slots`: the slots of the item.
///
/// The dates of the checks are this fiscal year's and not after today: the first check
/// within the fiscal year, the second from its start up to the day it is made (at the
/// on-site inspection, which may come after the year's end). A carried-over answer is
/// confirmed by saving it, so it too must carry a date of this year.
pub fn check_answer(
    fiscal_year: i32,
    today: &str,
    applicable: bool,
    gate: bool,
    item_slots: &[Slot],
    slot: Slot,
    a: &Answer,
) -> Result<(), AnswerError> {
    if !applicable {
        return Err(AnswerError::NotApplicable);
    }
    if !item_slots.contains(&slot) {
        return Err(AnswerError::WrongSlot);
    }
    if a.note.chars().count() > 4000 {
        return Err(AnswerError::TooLong);
    }
    for d in [&a.check1_on, &a.check2_on, &a.target_on]
        .into_iter()
        .flatten()
    {
        if !valid(d) {
            return Err(AnswerError::BadDate);
        }
    }
    if (a.check1.is_some() && a.check1_on.is_none())
        || (a.check2.is_some() && a.check2_on.is_none())
    {
        return Err(AnswerError::DateRequired);
    }
    if a.check2.is_some() && a.check1.is_none() {
        return Err(AnswerError::SecondWithoutFirst);
    }
    if let (Some(first), Some(second)) = (&a.check1_on, &a.check2_on) {
        if second < first {
            return Err(AnswerError::SecondBeforeFirst);
        }
    }
    let (from, to) = fiscal_year_range(fiscal_year);
    for d in [&a.check1_on, &a.check2_on].into_iter().flatten() {
        if d.as_str() > today {
            return Err(AnswerError::FutureCheck);
        }
        if d.as_str() < from.as_str() {
            return Err(AnswerError::CheckOutsideFiscalYear);
        }
    }
    if a.check1_on
        .as_ref()
        .is_some_and(|d| d.as_str() > to.as_str())
    {
        return Err(AnswerError::CheckOutsideFiscalYear);
    }
    // The official form: a first いいえ is given the date, within the fiscal year, by which
    // the measure will be taken. Item 0's いいえ (no such system) has nothing to take.
    if a.check1 == Some(YesNo::No) && a.target_on.is_none() && !gate {
        return Err(AnswerError::TargetRequired);
    }
    if let Some(t) = &a.target_on {
        if a.check1 != Some(YesNo::No) {
            return Err(AnswerError::TargetWithoutNo);
        }
        if t.as_str() < from.as_str() || t.as_str() > to.as_str() {
            return Err(AnswerError::OutsideFiscalYear);
        }
    }
    Ok(())
}

/// An answer copied into a sheet of `fiscal_year` on `today` (a vendor reusing an earlier
/// sheet): a first check dated outside that year becomes the copier's confirmation of
/// today (or of the year's last day, for a past year's sheet); a second check or a target
/// date outside the year is left for this year to fill in. What still breaks a rule (a
/// いいえ with no target) is refused when saved, like any answer.
pub fn copied_answer(fiscal_year: i32, today: &str, a: &Answer) -> Answer {
    let (from, to) = fiscal_year_range(fiscal_year);
    let within = |d: &Option<String>| {
        d.as_deref()
            .is_some_and(|d| d >= from.as_str() && d <= to.as_str())
    };
    let mut out = a.clone();
    if a.check1.is_some() && !within(&a.check1_on) {
        out.check1_on = Some(today.min(to.as_str()).to_string());
    }
    if a.check2.is_some() && !within(&a.check2_on) {
        out.check2 = None;
        out.check2_on = None;
    }
    if !within(&a.target_on) {
        out.target_on = None;
    }
    out
}

/// Is an answer's target date past (and the item still not settled by a second check of はい)?
pub fn overdue(a: &Answer, today: &str) -> bool {
    a.check1 == Some(YesNo::No)
        && a.check2 != Some(YesNo::Yes)
        && a.target_on.as_deref().is_some_and(|t| t < today)
}

/// Whose sheet an answer goes into: the institution's own checklist, or a vendor's sheet
/// (事業者確認用). Both take answers under the same rules ([`check_sheet_answer`]); each is
/// open until the institution approves its own or the vendor submits its sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetOwner {
    /// Open while a draft; approval locks it.
    Institution,
    /// Open until submitted (and again once the institution returns it).
    Vendor,
}

impl SheetOwner {
    /// The refusal of an answer to a closed sheet.
    pub fn closed(self) -> FieldError {
        match self {
            SheetOwner::Institution => FieldError {
                field: "assessment",
                key: AnswerError::Locked.key(),
            },
            SheetOwner::Vendor => FieldError {
                field: "sheet",
                key: "error-cy-submitted",
            },
        }
    }
}

/// One answer as a form or JSON sends it: text, empty meaning not answered.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawAnswer<'a> {
    pub slot: &'a str,
    pub check1: &'a str,
    pub check1_on: &'a str,
    pub check2: &'a str,
    pub check2_on: &'a str,
    pub target_on: &'a str,
    pub note: &'a str,
}

/// Read and check one answer of a sheet, whoever's: the slot and the checks must be known
/// values (`slot`, `check`), then every rule of [`check_answer`] holds (`answer`: dates
/// with their checks, a target date only for a first いいえ and within the fiscal year, the
/// second check after the first, the note's length, item 0's いいえ). `applicable` and
/// `item_slots` as for [`check_answer`].
pub fn check_sheet_answer(
    fiscal_year: i32,
    today: &str,
    applicable: bool,
    gate: bool,
    item_slots: &[Slot],
    raw: &RawAnswer<'_>,
) -> Result<(Slot, Answer), FieldError> {
    let slot = Slot::parse(raw.slot).ok_or(FieldError {
        field: "slot",
        key: AnswerError::WrongSlot.key(),
    })?;
    let text = |v: &str| {
        let t = v.trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    let check = |v: &str| match text(v) {
        None => Ok(None),
        Some(v) => YesNo::parse(&v).map(Some).ok_or(FieldError {
            field: "check",
            key: "error-rs-bad-value",
        }),
    };
    let answer = Answer {
        check1: check(raw.check1)?,
        check1_on: text(raw.check1_on),
        check2: check(raw.check2)?,
        check2_on: text(raw.check2_on),
        target_on: text(raw.target_on),
        note: raw.note.trim().to_string(),
    };
    check_answer(
        fiscal_year,
        today,
        applicable,
        gate,
        item_slots,
        slot,
        &answer,
    )
    .map_err(|e| {
        let (from, to) = fiscal_year_range(fiscal_year);
        FieldError {
            field: e.field(&answer, today, (&from, &to)),
            key: e.key(),
        }
    })?;
    Ok((slot, answer))
}

/// How far a sheet is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Item 0 (the gate) is answered いいえ: only the gate itself needs an answer.
    pub gate_no: bool,
    /// Slots whose first check is filled in.
    pub done: usize,
    /// Slots that need a first check.
    pub needed: usize,
}

/// Progress of a sheet. `items` are (item id, is the gate, its slots) in sheet order;
/// `first_check` gives an item slot's current (not carried-over) first check. When the
/// gate is いいえ, the other items need no answer.
pub fn progress<'a>(
    items: impl IntoIterator<Item = (&'a str, bool, Vec<Slot>)>,
    first_check: impl Fn(&str, Slot) -> Option<YesNo>,
) -> Progress {
    let items: Vec<_> = items.into_iter().collect();
    let gate_no = items
        .iter()
        .find(|(_, gate, _)| *gate)
        .is_some_and(|(id, _, _)| first_check(id, Slot::All) == Some(YesNo::No));
    let mut p = Progress {
        gate_no,
        ..Default::default()
    };
    for (id, gate, slots) in &items {
        if gate_no && !gate {
            continue;
        }
        for s in slots {
            p.needed += 1;
            if first_check(id, *s).is_some() {
                p.done += 1;
            }
        }
    }
    p
}

/// One thing that stands between a sheet and its approval: a slot with no first check of
/// this year, or an answer that breaks a rule (saved before the rule, or carried over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    pub item_id: String,
    pub slot: Slot,
    pub problem: AnswerError,
}

/// Everything that must be settled before approval, in sheet order. `items` and the gate
/// as for [`progress`]; `answer` gives an item slot's current (not carried-over) answer.
/// Each answer needed must have its first check, and every answer must hold under
/// [`check_answer`] on `today`.
pub fn unmet<'a>(
    fiscal_year: i32,
    today: &str,
    items: impl IntoIterator<Item = (&'a str, bool, Vec<Slot>)>,
    answer: impl Fn(&str, Slot) -> Option<Answer>,
) -> Vec<Unmet> {
    let items: Vec<_> = items.into_iter().collect();
    let gate_no = items
        .iter()
        .find(|(_, gate, _)| *gate)
        .is_some_and(|(id, _, _)| answer(id, Slot::All).and_then(|a| a.check1) == Some(YesNo::No));
    let mut out = Vec::new();
    for (id, gate, slots) in &items {
        if gate_no && !gate {
            continue;
        }
        for s in slots {
            let problem = match answer(id, *s) {
                Some(a) if a.check1.is_some() => {
                    check_answer(fiscal_year, today, true, *gate, slots, *s, &a).err()
                }
                _ => Some(AnswerError::Unanswered),
            };
            if let Some(problem) = problem {
                out.push(Unmet {
                    item_id: id.to_string(),
                    slot: *s,
                    problem,
                });
            }
        }
    }
    out
}

/// The fiscal years a checklist can be started for: two back to one ahead of `current`.
pub fn startable_year(fiscal_year: i64, current: i32) -> bool {
    (i64::from(current) - 2..=i64::from(current) + 1).contains(&fiscal_year)
}

/// A reason given for a change after the fact (reopening an approved sheet, withdrawing
/// evidence): 1–2,000 characters once trimmed; `key` says which message refuses it.
pub fn check_reason(
    reason: &str,
    key: &'static str,
) -> Result<String, crate::validate::FieldError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(crate::validate::FieldError {
            field: "reason",
            key,
        });
    }
    Ok(reason.to_string())
}

/// Longest validity of an inspector link (days).
pub const INSPECTOR_MAX_DAYS: i64 = 30;

/// An inspector link as asked for: a label (who it is for) of 1–200 characters and a
/// validity of 1–30 days.
pub fn check_inspector_link(label: &str, days: i64) -> Result<String, crate::validate::FieldError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return Err(crate::validate::FieldError {
            field: "label",
            key: "error-inspector-link",
        });
    }
    if !(1..=INSPECTOR_MAX_DAYS).contains(&days) {
        return Err(crate::validate::FieldError {
            field: "days",
            key: "error-inspector-link",
        });
    }
    Ok(label.to_string())
}

#[cfg(test)]
mod change_rules {
    use super::*;

    #[test]
    fn years_reasons_and_inspector_links() {
        assert!(startable_year(2024, 2025) && startable_year(2026, 2025));
        assert!(!startable_year(2022, 2025) && !startable_year(2027, 2025));
        assert!(!startable_year(i64::MAX, 2025) && !startable_year(i64::MIN, 2025));
        assert_eq!(check_reason(" 端末の追加 ", "k").unwrap(), "端末の追加");
        assert_eq!(check_reason("  ", "k").unwrap_err().key, "k");
        assert!(check_reason(&"長".repeat(2001), "k").is_err());
        assert_eq!(check_inspector_link(" 東京都 ", 7).unwrap(), "東京都");
        assert_eq!(check_inspector_link("", 7).unwrap_err().field, "label");
        assert_eq!(check_inspector_link("x", 0).unwrap_err().field, "days");
        assert_eq!(check_inspector_link("x", 31).unwrap_err().field, "days");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(check1: Option<YesNo>, on: Option<&str>) -> Answer {
        Answer {
            check1,
            check1_on: on.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn progress_counts_slots_and_stops_at_a_gate_answered_no() {
        let items = || {
            vec![
                ("g", true, vec![Slot::All]),
                ("a", false, vec![Slot::Server, Slot::Terminal]),
                ("b", false, vec![Slot::All]),
            ]
        };
        let none = progress(items(), |_, _| None);
        assert_eq!((none.gate_no, none.done, none.needed), (false, 0, 4));
        let some = progress(items(), |id, s| {
            (id == "a" && s == Slot::Server).then_some(YesNo::Yes)
        });
        assert_eq!((some.done, some.needed), (1, 4));
        let gate = progress(items(), |id, _| (id == "g").then_some(YesNo::No));
        assert_eq!((gate.gate_no, gate.done, gate.needed), (true, 1, 1));
    }

    /// A day after the fiscal year 2024 the tests answer for.
    const TODAY: &str = "2025-06-30";

    #[test]
    fn check_dates_are_this_years_and_not_in_the_future() {
        let all = [Slot::All];
        let on =
            |today: &str, x: &Answer| check_answer(2024, today, true, false, &all, Slot::All, x);
        let yes = |d: &str| a(Some(YesNo::Yes), Some(d));
        assert!(on(TODAY, &yes("2024-04-01")).is_ok());
        assert!(on(TODAY, &yes("2025-03-31")).is_ok());
        // Last year's date (a carried answer confirmed as it was) and next year's.
        assert_eq!(
            on(TODAY, &yes("2024-03-31")),
            Err(AnswerError::CheckOutsideFiscalYear)
        );
        assert_eq!(
            on(TODAY, &yes("2025-04-01")),
            Err(AnswerError::CheckOutsideFiscalYear)
        );
        assert_eq!(
            on("2024-06-10", &yes("2024-06-11")),
            Err(AnswerError::FutureCheck)
        );
        assert!(on("2024-06-10", &yes("2024-06-10")).is_ok());
        // The second check may be made at the inspection after the year's end, not later
        // than the day it is made.
        let mut s = yes("2024-06-10");
        s.check2 = Some(YesNo::Yes);
        s.check2_on = Some("2025-05-20".into());
        assert!(on(TODAY, &s).is_ok());
        assert_eq!(on("2025-05-19", &s), Err(AnswerError::FutureCheck));
    }

    #[test]
    fn unmet_names_each_slot_unanswered_or_breaking_a_rule() {
        let items = || {
            vec![
                ("0", true, vec![Slot::All]),
                ("1", false, vec![Slot::Server, Slot::Terminal]),
                ("2", false, vec![Slot::All]),
            ]
        };
        let given = |list: Vec<(&'static str, Slot, Answer)>| {
            move |id: &str, s: Slot| {
                list.iter()
                    .find(|(i, sl, _)| *i == id && *sl == s)
                    .map(|(_, _, x)| x.clone())
            }
        };
        let none = unmet(2024, TODAY, items(), given(vec![]));
        assert_eq!(none.len(), 4);
        assert!(none.iter().all(|u| u.problem == AnswerError::Unanswered));
        let yes = a(Some(YesNo::Yes), Some("2024-06-10"));
        // A いいえ saved before the target-date rule, and one slot still empty.
        let no_target = a(Some(YesNo::No), Some("2024-06-10"));
        let got = unmet(
            2024,
            TODAY,
            items(),
            given(vec![
                ("0", Slot::All, yes.clone()),
                ("1", Slot::Server, yes.clone()),
                ("2", Slot::All, no_target),
            ]),
        );
        let found: Vec<_> = got
            .iter()
            .map(|u| (u.item_id.as_str(), u.slot, u.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                ("1", Slot::Terminal, AnswerError::Unanswered),
                ("2", Slot::All, AnswerError::TargetRequired),
            ]
        );
        // Item 0 いいえ: nothing else is needed.
        let gate_no = a(Some(YesNo::No), Some("2024-06-10"));
        assert!(unmet(2024, TODAY, items(), given(vec![("0", Slot::All, gate_no)])).is_empty());
    }

    #[test]
    fn a_copied_answer_takes_this_years_dates() {
        let mut last = a(Some(YesNo::No), Some("2023-08-20"));
        last.target_on = Some("2024-03-01".into());
        last.check2 = Some(YesNo::Yes);
        last.check2_on = Some("2024-02-01".into());
        let got = copied_answer(2024, "2024-11-24", &last);
        assert_eq!(
            (
                got.check1_on.as_deref(),
                got.check2,
                got.target_on.as_deref()
            ),
            (Some("2024-11-24"), None, None)
        );
        let past = copied_answer(2024, "2026-11-24", &a(Some(YesNo::Yes), Some("2023-08-20")));
        assert_eq!(past.check1_on.as_deref(), Some("2025-03-31"));
        let this_year = a(Some(YesNo::Yes), Some("2024-08-20"));
        assert_eq!(copied_answer(2024, TODAY, &this_year), this_year);
    }

    #[test]
    fn answers_are_checked() {
        let all = [Slot::All];
        let ok = |x: &Answer| check_answer(2024, TODAY, true, false, &all, Slot::All, x);
        assert!(ok(&a(Some(YesNo::Yes), Some("2024-06-10"))).is_ok());
        assert_eq!(
            ok(&a(Some(YesNo::Yes), None)),
            Err(AnswerError::DateRequired)
        );
        assert_eq!(
            check_answer(2024, TODAY, false, false, &all, Slot::All, &a(None, None)),
            Err(AnswerError::NotApplicable)
        );
        assert_eq!(
            check_answer(2024, TODAY, true, false, &all, Slot::Server, &a(None, None)),
            Err(AnswerError::WrongSlot)
        );
        let mut n = a(Some(YesNo::No), Some("2024-06-10"));
        assert_eq!(ok(&n), Err(AnswerError::TargetRequired));
        assert!(
            check_answer(2024, TODAY, true, true, &all, Slot::All, &n).is_ok(),
            "item 0's いいえ has no target"
        );
        n.target_on = Some("2025-04-01".into());
        assert_eq!(ok(&n), Err(AnswerError::OutsideFiscalYear));
        n.target_on = Some("2025-03-31".into());
        assert!(ok(&n).is_ok());
        n.check1 = Some(YesNo::Yes);
        assert_eq!(ok(&n), Err(AnswerError::TargetWithoutNo));
        let mut s = a(Some(YesNo::No), Some("2024-06-10"));
        s.check2 = Some(YesNo::Yes);
        s.check2_on = Some("2024-06-01".into());
        assert_eq!(ok(&s), Err(AnswerError::SecondBeforeFirst));
        let mut s2 = a(None, None);
        s2.check2 = Some(YesNo::Yes);
        s2.check2_on = Some("2024-06-01".into());
        assert_eq!(ok(&s2), Err(AnswerError::SecondWithoutFirst));
        assert_eq!(
            ok(&a(Some(YesNo::Yes), Some("2024-13-01"))),
            Err(AnswerError::BadDate)
        );
    }

    #[test]
    fn fiscal_years_and_overdue() {
        assert_eq!(
            fiscal_year_range(2024),
            ("2024-04-01".into(), "2025-03-31".into())
        );
        assert_eq!(fiscal_year_of("2025-03-31"), Some(2024));
        assert_eq!(fiscal_year_of("2025-04-01"), Some(2025));
        let mut n = a(Some(YesNo::No), Some("2024-06-10"));
        n.target_on = Some("2024-09-30".into());
        assert!(overdue(&n, "2024-10-01"));
        assert!(!overdue(&n, "2024-09-30"));
        n.check2 = Some(YesNo::Yes);
        n.check2_on = Some("2024-09-20".into());
        assert!(!overdue(&n, "2024-10-01"), "settled at the second check");
    }

    #[test]
    fn item_zero_no_means_one_answer_is_enough() {
        let items = || {
            vec![
                ("0", true, vec![Slot::All]),
                ("1", false, vec![Slot::Server, Slot::Terminal]),
            ]
        };
        let gate = |answer| move |id: &str, _| (id == "0").then_some(answer);
        let no = progress(items(), gate(YesNo::No));
        assert_eq!((no.done, no.needed), (1, 1));
        let yes = progress(items(), gate(YesNo::Yes));
        assert_eq!((yes.done, yes.needed), (1, 3));
    }

    #[test]
    fn either_sheet_reads_and_checks_an_answer_the_same_way() {
        let all = [Slot::All];
        let raw = RawAnswer {
            slot: "all",
            check1: "no",
            check1_on: " 2024-06-10 ",
            target_on: "2025-03-31",
            note: " 対応中 ",
            ..Default::default()
        };
        let (slot, got) = check_sheet_answer(2024, TODAY, true, false, &all, &raw).unwrap();
        assert_eq!(slot, Slot::All);
        assert_eq!(
            (got.check1, got.check1_on.as_deref(), got.note.as_str()),
            (Some(YesNo::No), Some("2024-06-10"), "対応中")
        );
        let field =
            |r: RawAnswer<'_>| check_sheet_answer(2024, TODAY, true, false, &all, &r).unwrap_err();
        assert_eq!(
            field(RawAnswer {
                slot: "disk",
                ..raw
            })
            .field,
            "slot"
        );
        assert_eq!(
            field(RawAnswer {
                check1: "maybe",
                ..raw
            })
            .field,
            "check"
        );
        let late = field(RawAnswer {
            target_on: "2025-04-01",
            ..raw
        });
        assert_eq!((late.field, late.key), ("target_on", "error-cy-outside-fy"));

        assert_eq!(SheetOwner::Institution.closed().key, "error-cy-locked");
        assert_eq!(SheetOwner::Vendor.closed().key, "error-cy-submitted");
    }
}
