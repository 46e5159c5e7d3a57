//! The feeds crate's integration tests, one binary: end-of-support parsing over the
//! committed fixtures (and the shared folder when present), suggestions, and bounds.

mod common;

#[path = "eos/bounds.rs"]
mod bounds;
#[path = "eos/parse.rs"]
mod parse;
#[path = "eos/suggest.rs"]
mod suggest;
