//! The role-sharing checklist (役割分担等に関する確認表) of one contract, and the
//! cross-vendor matrix over all the contracts of an institution.
//!
//! Part 1 items are answered by the institution alone. Each Part 2 item needs both parties:
//! one proposes an answer, the other accepts it (未確認 → 協議中 → 合意済); a change after
//! agreement reopens the item. The rules here are pure; the store keeps the rows and the
//! history, the web layer asks these functions before it writes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::code_enum!(
    /// Who carries out a Part 2 item for one contract.
    Responsibility {
        /// 医療機関
        Institution = "institution",
        /// この事業者
        Vendor = "vendor",
        /// 共同
        Joint = "joint",
        /// 他の事業者 (named)
        OtherVendor = "other_vendor",
        /// 該当なし (with a reason)
        NotApplicable = "not_applicable",
    }
);

crate::code_enum!(
    /// 未確認 → 協議中 → 合意済 (Part 1: 未回答 → 回答済, stored as `Agreed`).
    ItemState {
        Unconfirmed = "unconfirmed",
        Negotiating = "negotiating",
        Agreed = "agreed",
    }
);

/// An item never answered.
impl Default for ItemState {
    fn default() -> Self {
        ItemState::Unconfirmed
    }
}

crate::code_enum!(
    /// The two sides of a contract.
    Party {
        Institution = "institution",
        Vendor = "vendor",
    }
);

crate::code_enum!(
    /// 初回確認: はい / いいえ.
    Check {
        Yes = "yes",
        No = "no",
    }
);

crate::code_enum!(
    /// What a step on an item was, as its history keeps it.
    StepKind {
        Propose = "propose",
        Accept = "accept",
        Reopen = "reopen",
    }
);

/// The answer to one item of one contract's checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAnswer {
    pub responsibility: Option<Responsibility>,
    /// The vendor named by [`Responsibility::OtherVendor`].
    pub other_vendor_id: Option<String>,
    /// Why the item does not apply ([`Responsibility::NotApplicable`]).
    pub na_reason: String,
    /// 合意内容
    pub agreed_content: String,
    /// Where the agreement is written: document and clause (e.g. 保守契約書 第12条).
    pub written_in: String,
    /// 初回確認
    pub first_check: Option<Check>,
    /// Date of the first check (YYYY-MM-DD).
    pub first_checked_on: Option<String>,
    /// 完了日, for an item first answered いいえ (YYYY-MM-DD).
    pub completed_on: Option<String>,
    /// 備考
    pub remarks: String,
}

/// A step on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Part 1: the institution records its answer. Part 2: one party proposes an answer.
    Propose(ItemAnswer),
    /// Part 2: the other party accepts the current proposal as it stands.
    Accept,
    /// Reopen an agreed item (with the reason) so that it can be changed.
    Reopen(String),
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Propose(_) => StepKind::Propose,
            Step::Accept => StepKind::Accept,
            Step::Reopen(_) => StepKind::Reopen,
        }
    }
}

/// Why a step or an answer is refused. Each has a message key (`error-rs-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a Part 1 item is answered by the institution")]
    Part1InstitutionOnly,
    #[error("the item is agreed; reopen it first")]
    ReopenFirst,
    #[error("there is no proposal to accept")]
    NothingToAccept,
    #[error("a party cannot accept its own proposal")]
    OwnProposal,
    #[error("only an agreed item can be reopened")]
    NotAgreed,
    #[error("a reason is needed to reopen")]
    ReasonRequired,
    #[error("a Part 2 item needs a responsibility")]
    ResponsibilityRequired,
    #[error("name the other vendor")]
    OtherVendorRequired,
    #[error("the other vendor has no contract with this institution")]
    OtherVendorWithoutContract,
    #[error("the other vendor cannot be this contract's vendor")]
    OtherVendorIsThisVendor,
    #[error("say why the item does not apply")]
    NaReasonRequired,
    #[error("a Part 1 item is answered by its first check")]
    FirstCheckRequired,
    #[error("the first check needs its date")]
    FirstCheckDateRequired,
    #[error("a date is not a valid date")]
    BadDate,
    #[error("a completion date is only for an item first answered no")]
    CompletionWithoutNo,
    #[error("the completion date is before the first check")]
    CompletionBeforeFirstCheck,
    #[error("a text is too long")]
    TooLong,
}

impl RuleError {
    /// Fluent key of the message.
    pub fn key(self) -> &'static str {
        match self {
            RuleError::Part1InstitutionOnly => "error-rs-part1-institution",
            RuleError::ReopenFirst => "error-rs-reopen-first",
            RuleError::NothingToAccept => "error-rs-nothing-to-accept",
            RuleError::OwnProposal => "error-rs-own-proposal",
            RuleError::NotAgreed => "error-rs-not-agreed",
            RuleError::ReasonRequired => "error-rs-reason-required",
            RuleError::ResponsibilityRequired => "error-rs-responsibility-required",
            RuleError::OtherVendorRequired => "error-rs-other-vendor-required",
            RuleError::OtherVendorWithoutContract => "error-rs-other-vendor-no-contract",
            RuleError::OtherVendorIsThisVendor => "error-rs-other-vendor-self",
            RuleError::NaReasonRequired => "error-rs-na-reason",
            RuleError::FirstCheckDateRequired => "error-rs-first-check-date",
            RuleError::FirstCheckRequired => "error-rs-first-check-required",
            RuleError::BadDate => "error-rs-bad-date",
            RuleError::CompletionWithoutNo => "error-rs-completion-without-no",
            RuleError::CompletionBeforeFirstCheck => "error-rs-completion-before-first",
            RuleError::TooLong => "error-rs-too-long",
        }
    }
}

/// A calendar date written YYYY-MM-DD.
pub fn valid_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

const MAX_TEXT: usize = 4000;

/// Check an answer. `part2`: the item is a Part 2 item. `this_vendor`: the contract's
/// vendor; `vendors_with_contract`: every vendor with a contract at the institution.
pub fn check_answer(
    part2: bool,
    a: &ItemAnswer,
    this_vendor: &str,
    vendors_with_contract: &BTreeSet<String>,
) -> Result<(), RuleError> {
    for t in [&a.na_reason, &a.agreed_content, &a.written_in, &a.remarks] {
        if t.chars().count() > MAX_TEXT {
            return Err(RuleError::TooLong);
        }
    }
    if part2 {
        match a.responsibility {
            None => return Err(RuleError::ResponsibilityRequired),
            Some(Responsibility::OtherVendor) => match a.other_vendor_id.as_deref() {
                None | Some("") => return Err(RuleError::OtherVendorRequired),
                Some(v) if v == this_vendor => return Err(RuleError::OtherVendorIsThisVendor),
                Some(v) if !vendors_with_contract.contains(v) => {
                    return Err(RuleError::OtherVendorWithoutContract)
                }
                Some(_) => {}
            },
            Some(Responsibility::NotApplicable) if a.na_reason.trim().is_empty() => {
                return Err(RuleError::NaReasonRequired)
            }
            Some(_) => {}
        }
    }
    for d in [&a.first_checked_on, &a.completed_on].into_iter().flatten() {
        if !valid_date(d) {
            return Err(RuleError::BadDate);
        }
    }
    // A Part 1 item's one answer is its 初回確認 (はい/いいえ with its date): an answer
    // without it would count as 回答済 with nothing said.
    if !part2 && a.first_check.is_none() {
        return Err(RuleError::FirstCheckRequired);
    }
    if a.first_check.is_some() && a.first_checked_on.is_none() {
        return Err(RuleError::FirstCheckDateRequired);
    }
    if let Some(done) = &a.completed_on {
        if a.first_check != Some(Check::No) {
            return Err(RuleError::CompletionWithoutNo);
        }
        if let Some(first) = &a.first_checked_on {
            // Both are YYYY-MM-DD: the string order is the date order.
            if done < first {
                return Err(RuleError::CompletionBeforeFirstCheck);
            }
        }
    }
    Ok(())
}

/// Where an item stands: its state and who made the current proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub state: ItemState,
    pub proposed_by: Option<Party>,
}

impl Standing {
    pub const NEW: Standing = Standing {
        state: ItemState::Unconfirmed,
        proposed_by: None,
    };
}

/// The standing after `actor` takes `step` on an item in `now`.
pub fn transition(
    part2: bool,
    now: Standing,
    actor: Party,
    step: &Step,
) -> Result<Standing, RuleError> {
    if !part2 && actor != Party::Institution {
        return Err(RuleError::Part1InstitutionOnly);
    }
    match step {
        Step::Propose(_) => {
            if now.state == ItemState::Agreed {
                return Err(RuleError::ReopenFirst);
            }
            Ok(if part2 {
                Standing {
                    state: ItemState::Negotiating,
                    proposed_by: Some(actor),
                }
            } else {
                Standing {
                    state: ItemState::Agreed,
                    proposed_by: Some(actor),
                }
            })
        }
        Step::Accept => {
            if !part2 || now.state != ItemState::Negotiating {
                return Err(RuleError::NothingToAccept);
            }
            if now.proposed_by == Some(actor) {
                return Err(RuleError::OwnProposal);
            }
            Ok(Standing {
                state: ItemState::Agreed,
                proposed_by: now.proposed_by,
            })
        }
        Step::Reopen(reason) => {
            if now.state != ItemState::Agreed {
                return Err(RuleError::NotAgreed);
            }
            if reason.trim().is_empty() {
                return Err(RuleError::ReasonRequired);
            }
            Ok(if part2 {
                // The agreed answer stands as the reopener's proposal: the other party
                // accepts it again or proposes a change.
                Standing {
                    state: ItemState::Negotiating,
                    proposed_by: Some(actor),
                }
            } else {
                Standing::NEW
            })
        }
    }
}

mod matrix;
pub use matrix::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(r: Responsibility) -> ItemAnswer {
        ItemAnswer {
            responsibility: Some(r),
            ..Default::default()
        }
    }

    fn vendors(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn propose_accept_reopen() {
        let p = Step::Propose(answer(Responsibility::Vendor));
        let s = transition(true, Standing::NEW, Party::Vendor, &p).unwrap();
        assert_eq!(s.state, ItemState::Negotiating);
        assert_eq!(
            transition(true, s, Party::Vendor, &Step::Accept),
            Err(RuleError::OwnProposal)
        );
        // A counter-proposal changes who must accept.
        let s2 = transition(true, s, Party::Institution, &p).unwrap();
        assert_eq!(s2.proposed_by, Some(Party::Institution));
        let agreed = transition(true, s, Party::Institution, &Step::Accept).unwrap();
        assert_eq!(agreed.state, ItemState::Agreed);
        assert_eq!(
            transition(true, agreed, Party::Vendor, &p),
            Err(RuleError::ReopenFirst)
        );
        assert_eq!(
            transition(true, agreed, Party::Vendor, &Step::Reopen(" ".into())),
            Err(RuleError::ReasonRequired)
        );
        let reopened = transition(
            true,
            agreed,
            Party::Vendor,
            &Step::Reopen("契約更新".into()),
        )
        .unwrap();
        assert_eq!(reopened.state, ItemState::Negotiating);
        assert_eq!(
            transition(true, reopened, Party::Institution, &Step::Accept)
                .unwrap()
                .state,
            ItemState::Agreed
        );
        assert_eq!(
            transition(true, Standing::NEW, Party::Institution, &Step::Accept),
            Err(RuleError::NothingToAccept)
        );
        assert_eq!(
            transition(
                true,
                Standing::NEW,
                Party::Vendor,
                &Step::Reopen("x".into())
            ),
            Err(RuleError::NotAgreed)
        );
    }

    #[test]
    fn part1_is_the_institutions_alone() {
        let p = Step::Propose(ItemAnswer::default());
        assert_eq!(
            transition(false, Standing::NEW, Party::Vendor, &p),
            Err(RuleError::Part1InstitutionOnly)
        );
        let s = transition(false, Standing::NEW, Party::Institution, &p).unwrap();
        assert_eq!(s.state, ItemState::Agreed);
        assert_eq!(
            transition(false, s, Party::Institution, &p),
            Err(RuleError::ReopenFirst)
        );
    }

    #[test]
    fn answers_are_checked() {
        let v = vendors(&["a", "b"]);
        let ok = |a: &ItemAnswer| check_answer(true, a, "a", &v);
        assert_eq!(
            ok(&ItemAnswer::default()),
            Err(RuleError::ResponsibilityRequired)
        );
        // A Part 1 answer with nothing in it is refused, naming the 初回確認.
        assert_eq!(
            check_answer(false, &ItemAnswer::default(), "a", &v),
            Err(RuleError::FirstCheckRequired)
        );
        let part1 = ItemAnswer {
            first_check: Some(Check::Yes),
            first_checked_on: Some("2024-06-10".into()),
            ..Default::default()
        };
        assert!(check_answer(false, &part1, "a", &v).is_ok());
        let mut a = answer(Responsibility::OtherVendor);
        assert_eq!(ok(&a), Err(RuleError::OtherVendorRequired));
        a.other_vendor_id = Some("a".into());
        assert_eq!(ok(&a), Err(RuleError::OtherVendorIsThisVendor));
        a.other_vendor_id = Some("z".into());
        assert_eq!(ok(&a), Err(RuleError::OtherVendorWithoutContract));
        a.other_vendor_id = Some("b".into());
        assert!(ok(&a).is_ok());
        assert_eq!(
            ok(&answer(Responsibility::NotApplicable)),
            Err(RuleError::NaReasonRequired)
        );
        let mut d = answer(Responsibility::Joint);
        d.first_check = Some(Check::No);
        assert_eq!(ok(&d), Err(RuleError::FirstCheckDateRequired));
        d.first_checked_on = Some("2024-06-31".into());
        assert_eq!(ok(&d), Err(RuleError::BadDate));
        d.first_checked_on = Some("2024-06-10".into());
        d.completed_on = Some("2024-06-01".into());
        assert_eq!(ok(&d), Err(RuleError::CompletionBeforeFirstCheck));
        d.completed_on = Some("2024-07-01".into());
        assert!(ok(&d).is_ok());
        d.first_check = Some(Check::Yes);
        assert_eq!(ok(&d), Err(RuleError::CompletionWithoutNo));
    }
}
