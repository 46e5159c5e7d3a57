//! The page frame every page renders in (navigation, language switch, sign-out, flash
//! messages) and the labels pages share.

mod frame;
pub mod records;
pub use frame::*;
