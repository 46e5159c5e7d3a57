//! The page frame every page renders in (navigation, language switch, sign-out, flash
//! messages) and the labels pages share.

mod frame;
pub mod records;
pub use frame::*;

/// What a page says of a catalog version that holds only part of its official document
/// (`coverage.complete = false`): the notice, with its number of items. None when complete.
pub fn partial_notice(tr: &crate::i18n::Tr, cat: &mamori_catalog::Catalog) -> Option<String> {
    (!cat.catalog.coverage.complete).then(|| tr.t1("coverage-partial-notice", "n", cat.items.len()))
}
