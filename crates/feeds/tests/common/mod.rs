//! Paths and helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::NaiveDate;
use mamori_feeds::eos::{EosCycle, EosProduct};

/// The real shared folder (`/work/shared/feeds/eos` beside the repository), when present;
/// otherwise prints a note and gives `None` (the test then does nothing).
pub fn shared_eos(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/feeds/eos"
    ));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("note: {test} skipped: {} is absent", dir.display());
        None
    }
}

/// The small committed subset (see `tests/fixtures/eos/README.md`).
pub fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eos"))
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The day the acceptance cases are judged on.
pub fn today() -> NaiveDate {
    d("2026-11-25")
}

pub fn cycle<'a>(products: &'a [EosProduct], product: &str, cycle: &str) -> &'a EosCycle {
    products
        .iter()
        .find(|p| p.id == product)
        .unwrap_or_else(|| panic!("no product {product}"))
        .cycle(cycle)
        .unwrap_or_else(|| panic!("no cycle {product}/{cycle}"))
}
