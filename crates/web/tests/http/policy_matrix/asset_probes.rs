//! The probes of the asset ledger: who reads it and who changes it (a refused entry is
//! 422 for those allowed, nothing saved), on the pages and in the API.

use super::callers::*;
use super::probes::{f, j, p, Probe};
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    let mut all = vec![
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
        p(
            Method::GET,
            "/i/1311234569/ledger/export.pdf",
            VIEW_ASSETS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/assets/export.pdf",
            VIEW_ASSETS,
            200,
        ),
        // Importing: the upload (not multipart: refused once the caller is allowed), the
        // review, the columns, a confirmation with a stale digest, a discard.
        p(
            Method::GET,
            "/i/1311234569/ledger/import",
            MANAGE_ASSETS,
            200,
        ),
        f(
            "/i/1311234569/ledger/import",
            &[("x", "y")],
            MANAGE_ASSETS,
            400,
        ),
        p(
            Method::GET,
            "/ledger-imports/{ledger_import}",
            MANAGE_ASSETS,
            200,
        ),
        f(
            "/ledger-imports/{ledger_import}/columns",
            &[("heading-1", "種類"), ("col-1", "")],
            MANAGE_ASSETS,
            303,
        )
        .to("/ledger-imports/"),
        f(
            "/ledger-imports/{ledger_import}/confirm",
            &[("digest", "stale")],
            MANAGE_ASSETS,
            409,
        ),
        f(
            "/ledger-imports/{ledger_discard}/discard",
            &[],
            MANAGE_ASSETS,
            303,
        )
        .to("/i/1311234569/ledger?"),
        p(Method::GET, "/ledger-imports/unknown", MANAGE_ASSETS, 404),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/asset-imports",
            json!({}),
            MANAGE_ASSETS,
            400,
        ),
        p(
            Method::GET,
            "/api/v1/asset-imports/{api_ledger_import}",
            MANAGE_ASSETS,
            200,
        ),
        j(
            Method::PUT,
            "/api/v1/asset-imports/{api_ledger_import}/columns",
            json!({"choices": []}),
            MANAGE_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/asset-imports/{api_ledger_import}/confirm",
            json!({"digest": "stale"}),
            MANAGE_ASSETS,
            409,
        ),
        p(
            Method::POST,
            "/api/v1/asset-imports/{api_ledger_discard}/discard",
            MANAGE_ASSETS,
            204,
        ),
        p(
            Method::GET,
            "/api/v1/asset-imports/unknown",
            MANAGE_ASSETS,
            404,
        ),
    ];
    all.extend(check_probes());
    all
}

/// Inventory checks: who reads them, who records and closes (refusals are 422 for those
/// allowed: an empty name or outcome, a close with assets unchecked).
fn check_probes() -> Vec<Probe> {
    vec![
        p(Method::GET, "/i/1311234569/checks", VIEW_ASSETS, 200),
        f("/i/1311234569/checks", &[("name", "")], MANAGE_ASSETS, 422),
        p(Method::GET, "/checks/{check}", VIEW_ASSETS, 200),
        p(
            Method::GET,
            "/checks/{check}/assets/{check_asset}",
            MANAGE_ASSETS,
            200,
        ),
        f(
            "/checks/{check}/assets/{check_asset}",
            &[("outcome", "")],
            MANAGE_ASSETS,
            422,
        ),
        p(Method::GET, "/checks/{check}/close", VIEW_ASSETS, 200),
        f("/checks/{check}/close", &[], MANAGE_ASSETS, 422),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/inventory-checks",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/inventory-checks",
            json!({"name": ""}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/inventory-checks/{check}",
            VIEW_ASSETS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/inventory-checks/{check}/assets",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::PUT,
            "/api/v1/inventory-checks/{check}/assets/{check_asset}",
            json!({"outcome": ""}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/inventory-checks/{check}/close",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/inventory-checks/{check}/close",
            json!({}),
            MANAGE_ASSETS,
            422,
        ),
    ]
}

/// End of support: the platform administrator's feed page, upload and API (a body that is
/// not multipart: refused once the caller is allowed); an asset's link to a product cycle
/// (read: ViewAssets; a cycle the feed does not have is 422, removing a link that is not
/// there 409, for those who may change the ledger); the institution's list.
pub(super) fn eos_probes() -> Vec<Probe> {
    vec![
        p(Method::GET, "/admin/feeds", PLATFORM, 200),
        f("/admin/feeds/eos", &[("x", "y")], PLATFORM, 400),
        p(Method::GET, "/api/v1/feeds/eos", PLATFORM, 200),
        j(Method::POST, "/api/v1/feeds/eos", json!({}), PLATFORM, 400),
        f(
            "/ledger/{asset}/eos",
            &[("product", "nope"), ("cycle", "x")],
            MANAGE_ASSETS,
            422,
        ),
        f(
            "/ledger/{asset}/eos/remove",
            &[("version", "1")],
            MANAGE_ASSETS,
            409,
        ),
        p(Method::GET, "/api/v1/assets/{asset}/eos", VIEW_ASSETS, 200),
        j(
            Method::PUT,
            "/api/v1/assets/{asset}/eos",
            json!({"product": "nope", "cycle": "x"}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::DELETE,
            "/api/v1/assets/{asset}/eos?version=1",
            MANAGE_ASSETS,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/eos",
            VIEW_ASSETS,
            200,
        ),
    ]
}
