//! The pure domain of mamori: who the users are, what they may do, and the rules the
//! product enforces. Nothing here performs I/O; storage, web and the binary build on it.

pub mod answer_fields;
pub mod assessment;
pub mod asset_import;
pub mod asset_plan;
pub mod assets;
pub mod audit;
pub mod audit_checkpoint;
pub mod audit_log;
pub mod certifications;
pub mod codes;
pub mod contracts;
pub mod grants;
pub mod inventory;
pub mod members;
pub mod model;
pub mod network;
pub mod notifications;
pub mod password;
pub mod policy;
pub mod role_sharing;
pub mod standard_answers;
pub mod text;
pub mod time;
pub mod validate;
pub mod vendor_members;
pub mod wareki;

pub use model::*;
