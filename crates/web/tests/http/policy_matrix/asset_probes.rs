//! The probes of the asset ledger: who reads it and who changes it (a refused entry is
//! 422 for those allowed, nothing saved), on the pages and in the API.

use super::callers::*;
use super::probes::{f, j, p, Probe};
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    vec![
        p(Method::GET, "/i/1311234569/ledger", VIEW_ASSETS, 200),
        f("/i/1311234569/ledger", &[("name", "")], MANAGE_ASSETS, 422),
        p(Method::GET, "/ledger/{asset}", VIEW_ASSETS, 200),
        f("/ledger/{asset}", &[("name", "")], MANAGE_ASSETS, 422),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/assets",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/assets",
            json!({"name": ""}),
            MANAGE_ASSETS,
            422,
        ),
        p(Method::GET, "/api/v1/assets/{asset}", VIEW_ASSETS, 200),
        j(
            Method::PUT,
            "/api/v1/assets/{asset}",
            json!({"name": ""}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/assets/{asset}/history",
            VIEW_ASSETS,
            200,
        ),
        p(
            Method::GET,
            "/i/1311234569/ledger/export.xlsx",
            VIEW_ASSETS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/assets/export.xlsx",
            VIEW_ASSETS,
            200,
        ),
    ]
}
