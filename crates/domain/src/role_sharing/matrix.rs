//! The role-sharing matrix: every contract's answer to every Part 2 item, per system, and
//! what it finds (gaps, overlaps, disagreements, いいえ without completion, coordination
//! between connected systems). Items about the institution as a whole (Part2 A-2
//! 「複数事業者間の役割分担」…) are judged once across every contract instead, under the
//! system id [`WHOLE`].

use super::{Check, ItemState, Responsibility};
use std::collections::{BTreeMap, BTreeSet};

/// One contract's answer to one item, as the matrix sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub responsibility: Option<Responsibility>,
    pub other_vendor_id: Option<String>,
    pub state: ItemState,
    pub first_check: Option<Check>,
    pub completed_on: Option<String>,
}

/// A contract as a column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub contract_id: String,
    pub vendor_id: String,
    pub system_ids: Vec<String>,
}

/// What an item is about (the catalog's `scope`), which decides how it is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemScope {
    /// Per system, over the contracts that cover it.
    #[default]
    System,
    /// Per system, and connected systems served by different vendors must agree on it.
    Connection,
    /// Once for the institution, over every contract.
    Institution,
}

/// The system id under which institution-wide items are judged and reported.
pub const WHOLE: &str = "";

/// What the matrix is computed from.
#[derive(Debug, Clone, Default)]
pub struct MatrixInput {
    /// Systems in display order.
    pub systems: Vec<String>,
    /// Pairs of systems that connect (either order).
    pub links: Vec<(String, String)>,
    pub columns: Vec<Column>,
    /// Part 2 items in catalog order.
    pub items: Vec<String>,
    /// Items whose scope is not [`ItemScope::System`].
    pub scopes: BTreeMap<String, ItemScope>,
    /// (contract id, item id) → answer; missing means 未確認.
    pub cells: BTreeMap<(String, String), Cell>,
}

/// A finding on one (system, item).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    /// No agreed answer on any contract of the system gives the item to a party.
    Gap,
    /// Two parties each claim the item alone (agreed answers): the claimants, `institution`
    /// or a vendor id.
    Overlap(Vec<String>),
    /// A contract names another vendor whose own contract for the system does not take the
    /// item: (contract naming, vendor named).
    Disagreement { contract_id: String, named: String },
    /// First check いいえ and no 完了日 yet, on this contract.
    NoWithoutCompletion(String),
    /// The system connects to another system served by a different vendor, and their
    /// agreements on an item about the connection differ (responsibility, or 該当なし on
    /// one side): (other system, other vendor).
    Coordinate {
        other_system: String,
        other_vendor: String,
    },
}

impl Flag {
    pub fn code(&self) -> &'static str {
        match self {
            Flag::Gap => "gap",
            Flag::Overlap(_) => "overlap",
            Flag::Disagreement { .. } => "disagreement",
            Flag::NoWithoutCompletion(_) => "no-without-completion",
            Flag::Coordinate { .. } => "coordinate",
        }
    }
}

fn takes(r: Option<Responsibility>) -> bool {
    matches!(r, Some(Responsibility::Vendor | Responsibility::Joint))
}

/// Every flag of every (system, item), keyed by (system id, item id); institution-wide items
/// under ([`WHOLE`], item id). Only systems with at least one contract are judged (a system
/// with none is reported by the caller).
pub fn analyse(m: &MatrixInput) -> BTreeMap<(String, String), Vec<Flag>> {
    let mut out: BTreeMap<(String, String), Vec<Flag>> = BTreeMap::new();
    let scope = |item: &str| m.scopes.get(item).copied().unwrap_or_default();
    let cols_of = |system: &str| -> Vec<&Column> {
        m.columns
            .iter()
            .filter(|c| c.system_ids.iter().any(|s| s == system))
            .collect()
    };
    let cell = |contract: &str, item: &str| m.cells.get(&(contract.to_string(), item.to_string()));
    let mut put = |system: &str, item: &str, flags: Vec<Flag>| {
        if !flags.is_empty() {
            out.insert((system.to_string(), item.to_string()), flags);
        }
    };
    let position = |system: &str| m.systems.iter().position(|s| s == system);
    let all: Vec<&Column> = m.columns.iter().collect();
    for item in m
        .items
        .iter()
        .filter(|i| scope(i) == ItemScope::Institution)
    {
        if !all.is_empty() {
            put(WHOLE, item, judge(&all, item, &cell));
        }
    }
    for system in &m.systems {
        let cols = cols_of(system);
        if cols.is_empty() {
            continue;
        }
        for item in &m.items {
            let scope = scope(item);
            if scope == ItemScope::Institution {
                continue;
            }
            let mut flags = judge(&cols, item, &cell);
            // Connected systems served by different vendors: their agreements on an item
            // about the connection must fit together. Flagged only where they differ (one
            // side the vendor, the other joint or the institution; one side 該当なし), once
            // per pair: on the system shown first, naming the other.
            if scope == ItemScope::Connection {
                for (a, b) in &m.links {
                    let other = if a == system {
                        b
                    } else if b == system {
                        a
                    } else {
                        continue;
                    };
                    if position(other) < position(system) {
                        continue;
                    }
                    for mine in &cols {
                        let Some(my) = cell(&mine.contract_id, item).and_then(|x| x.responsibility)
                        else {
                            continue;
                        };
                        for theirs in cols_of(other) {
                            let their =
                                cell(&theirs.contract_id, item).and_then(|x| x.responsibility);
                            if theirs.vendor_id != mine.vendor_id && their.is_some_and(|t| t != my)
                            {
                                let f = Flag::Coordinate {
                                    other_system: other.clone(),
                                    other_vendor: theirs.vendor_id.clone(),
                                };
                                if !flags.contains(&f) {
                                    flags.push(f);
                                }
                            }
                        }
                    }
                }
            }
            put(system, item, flags);
        }
    }
    out
}

/// The flags of one item over a group of contracts (a system's, or all of them): gap,
/// overlap, disagreement, いいえ without completion.
fn judge<'a>(
    cols: &[&Column],
    item: &str,
    cell: &impl Fn(&str, &str) -> Option<&'a Cell>,
) -> Vec<Flag> {
    let agreed = |contract: &str| cell(contract, item).filter(|c| c.state == ItemState::Agreed);
    let mut flags = Vec::new();
    let mut covered = false;
    let mut all_na = true;
    let mut sole: BTreeSet<String> = BTreeSet::new();
    for c in cols {
        let Some(a) = agreed(&c.contract_id) else {
            all_na = false;
            continue;
        };
        match a.responsibility {
            Some(Responsibility::Institution) => {
                covered = true;
                all_na = false;
                sole.insert("institution".into());
            }
            Some(Responsibility::Vendor) => {
                covered = true;
                all_na = false;
                sole.insert(c.vendor_id.clone());
            }
            Some(Responsibility::Joint) => {
                covered = true;
                all_na = false;
            }
            Some(Responsibility::OtherVendor) => {
                all_na = false;
                let named = a.other_vendor_id.clone().unwrap_or_default();
                let confirmed = cols.iter().any(|o| {
                    o.vendor_id == named
                        && agreed(&o.contract_id).is_some_and(|x| takes(x.responsibility))
                });
                if confirmed {
                    covered = true;
                } else {
                    flags.push(Flag::Disagreement {
                        contract_id: c.contract_id.clone(),
                        named,
                    });
                }
            }
            Some(Responsibility::NotApplicable) => {}
            None => all_na = false,
        }
    }
    if !covered && !all_na {
        flags.insert(0, Flag::Gap);
    }
    if sole.len() >= 2 {
        flags.push(Flag::Overlap(sole.into_iter().collect()));
    }
    for c in cols {
        if let Some(a) = cell(&c.contract_id, item) {
            if a.first_check == Some(Check::No) && a.completed_on.is_none() {
                flags.push(Flag::NoWithoutCompletion(c.contract_id.clone()));
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(id: &str, vendor: &str, systems: &[&str]) -> Column {
        Column {
            contract_id: id.into(),
            vendor_id: vendor.into(),
            system_ids: systems.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn agreed(r: Responsibility) -> Cell {
        Cell {
            responsibility: Some(r),
            other_vendor_id: None,
            state: ItemState::Agreed,
            first_check: Some(Check::Yes),
            completed_on: None,
        }
    }

    /// The seed's scenario: vendor A runs the receipt system, vendor B brings the EHR; they
    /// connect.
    fn ab() -> MatrixInput {
        MatrixInput {
            systems: vec!["receipt".into(), "ehr".into(), "pacs".into()],
            links: vec![("ehr".into(), "receipt".into())],
            columns: vec![
                col("ca", "A", &["receipt"]),
                col("cb", "B", &["ehr"]),
                col("cc", "C", &["ehr"]),
            ],
            items: vec!["i1".into(), "i2".into(), "i3".into(), "i4".into()],
            // i3 concerns the connection between systems.
            scopes: [("i3".to_string(), ItemScope::Connection)].into(),
            cells: BTreeMap::new(),
        }
    }

    fn put(m: &mut MatrixInput, contract: &str, item: &str, c: Cell) {
        m.cells.insert((contract.into(), item.into()), c);
    }

    #[test]
    fn gaps_overlaps_disagreements_and_coordination() {
        let mut m = ab();
        // i1: A takes it on the receipt system; on the EHR, B and C each claim it alone.
        put(&mut m, "ca", "i1", agreed(Responsibility::Vendor));
        put(&mut m, "cb", "i1", agreed(Responsibility::Vendor));
        put(&mut m, "cc", "i1", agreed(Responsibility::Vendor));
        // i2: joint on the EHR via B, C says not applicable; the receipt system: nobody.
        put(&mut m, "cb", "i2", agreed(Responsibility::Joint));
        let mut na = agreed(Responsibility::NotApplicable);
        na.first_check = Some(Check::No);
        put(&mut m, "cc", "i2", na);
        // i3: B points at C, but C's answer is only a proposal.
        let mut to_c = agreed(Responsibility::OtherVendor);
        to_c.other_vendor_id = Some("C".into());
        put(&mut m, "cb", "i3", to_c);
        let mut proposal = agreed(Responsibility::Vendor);
        proposal.state = ItemState::Negotiating;
        put(&mut m, "cc", "i3", proposal);
        put(&mut m, "ca", "i3", agreed(Responsibility::Institution));
        let f = analyse(&m);
        let at = |s: &str, i: &str| {
            f.get(&(s.to_string(), i.to_string()))
                .cloned()
                .unwrap_or_default()
        };

        // Every vendor of the connected systems takes i1 alike: nothing to coordinate.
        assert_eq!(
            at("ehr", "i1"),
            vec![Flag::Overlap(vec!["B".into(), "C".into()])]
        );
        assert!(at("receipt", "i1").is_empty());
        assert_eq!(at("receipt", "i2"), vec![Flag::Gap]);
        assert_eq!(
            at("ehr", "i2"),
            vec![Flag::NoWithoutCompletion("cc".into())]
        );
        assert_eq!(
            at("ehr", "i3"),
            vec![
                Flag::Gap,
                Flag::Disagreement {
                    contract_id: "cb".into(),
                    named: "C".into()
                },
            ],
            "the coordination with the receipt side is reported once, on the receipt system"
        );
        assert_eq!(
            at("receipt", "i3"),
            vec![
                Flag::Coordinate {
                    other_system: "ehr".into(),
                    other_vendor: "B".into()
                },
                Flag::Coordinate {
                    other_system: "ehr".into(),
                    other_vendor: "C".into()
                }
            ],
            "the institution covers it (no gap), but the connected EHR side gives it to vendors"
        );
        // i4: nobody answered anywhere: a gap on every system with a contract, none on PACS.
        assert_eq!(at("receipt", "i4"), vec![Flag::Gap]);
        assert_eq!(at("ehr", "i4"), vec![Flag::Gap]);
        assert!(at("pacs", "i4").is_empty());

        // Once C agrees to take i3, B's pointer holds and the gap closes; what is left is
        // the coordination, on the receipt side, which gives i3 to the institution.
        put(&mut m, "cc", "i3", agreed(Responsibility::Vendor));
        let f = analyse(&m);
        assert!(!f.contains_key(&("ehr".to_string(), "i3".to_string())));
        let left = &f[&("receipt".to_string(), "i3".to_string())];
        assert!(left.iter().all(|x| x.code() == "coordinate"), "{left:?}");

        // i1 is about each system: connected systems answering it differently is no flag.
        assert!(f[&("ehr".to_string(), "i1".to_string())]
            .iter()
            .all(|x| x.code() == "overlap"));
    }

    /// The clinic of the issue: V1's レセコン and V2's 電子カルテ connect. Both claim A-2
    /// (複数事業者間の役割分担, institution-wide) alone → one overlap for the institution;
    /// an item about the connection with differing agreements → one coordination flag;
    /// identical agreements → nothing; an item about each system that differs → nothing.
    #[test]
    fn the_clinic_case() {
        let mut m = MatrixInput {
            systems: vec!["receipt".into(), "ehr".into()],
            links: vec![("receipt".into(), "ehr".into())],
            columns: vec![col("c1", "V1", &["receipt"]), col("c2", "V2", &["ehr"])],
            items: ["a2", "route", "same", "each", "na"]
                .map(String::from)
                .to_vec(),
            scopes: [
                ("a2".to_string(), ItemScope::Institution),
                ("route".to_string(), ItemScope::Connection),
                ("same".to_string(), ItemScope::Connection),
                ("na".to_string(), ItemScope::Connection),
            ]
            .into(),
            cells: BTreeMap::new(),
        };
        for c in ["c1", "c2"] {
            put(&mut m, c, "a2", agreed(Responsibility::Vendor));
            put(&mut m, c, "same", agreed(Responsibility::Vendor));
        }
        put(&mut m, "c1", "route", agreed(Responsibility::Vendor));
        put(&mut m, "c2", "route", agreed(Responsibility::Joint));
        put(&mut m, "c1", "each", agreed(Responsibility::Vendor));
        put(&mut m, "c2", "each", agreed(Responsibility::Institution));
        put(&mut m, "c1", "na", agreed(Responsibility::Joint));
        put(&mut m, "c2", "na", agreed(Responsibility::NotApplicable));
        let f = analyse(&m);
        let count = |code: &str| f.values().flatten().filter(|x| x.code() == code).count();
        assert_eq!(
            f[&(WHOLE.to_string(), "a2".to_string())],
            vec![Flag::Overlap(vec!["V1".into(), "V2".into()])]
        );
        assert_eq!(count("overlap"), 1, "{f:?}");
        assert!(!f.contains_key(&("receipt".to_string(), "a2".to_string())));
        assert_eq!(
            f[&("receipt".to_string(), "route".to_string())],
            vec![Flag::Coordinate {
                other_system: "ehr".into(),
                other_vendor: "V2".into()
            }]
        );
        assert!(!f.contains_key(&("ehr".to_string(), "route".to_string())));
        assert!(!f.keys().any(|(_, i)| i == "same" || i == "each"), "{f:?}");
        // 該当なし on one side of the connection differs too.
        assert_eq!(count("coordinate"), 2, "{f:?}");

        // Nobody takes the institution-wide item on any contract: one gap, for the whole.
        for c in ["c1", "c2"] {
            put(&mut m, c, "a2", agreed(Responsibility::Institution));
        }
        assert!(!analyse(&m).contains_key(&(WHOLE.to_string(), "a2".to_string())));
        m.cells.retain(|(_, i), _| i != "a2");
        let f = analyse(&m);
        assert_eq!(f[&(WHOLE.to_string(), "a2".to_string())], vec![Flag::Gap]);
    }

    #[test]
    fn all_not_applicable_is_no_gap() {
        let mut m = ab();
        let mut na = agreed(Responsibility::NotApplicable);
        na.first_check = None;
        put(&mut m, "ca", "i1", na);
        assert!(!analyse(&m).contains_key(&("receipt".to_string(), "i1".to_string())));
    }
}
