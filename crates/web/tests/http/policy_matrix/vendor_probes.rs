//! The probes of the vendor side: subcontractors, documents, invitations, the vendor
//! portal's certifications and standard answers.

use super::callers::*;
use super::probes::{f, j, p, Probe};
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    vec![
        f(
            "/contracts/{contract_b}/subcontractors",
            &[("name", "")],
            CONTRACT_ANSWER,
            303,
        )
        .to("/contracts/{contract_b}"),
        f(
            "/contracts/{contract_c}/subcontractors/{sub_c}/approve",
            &[],
            MANAGE_CONTRACTS,
            303,
        )
        .to("/contracts/{contract_c}"),
        // The page's approval above runs first for every caller: the API finds it approved.
        p(
            Method::POST,
            "/api/v1/contracts/{contract_c}/subcontractors/{sub_c}/approve",
            MANAGE_CONTRACTS,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/contracts/{contract_b}/subcontractors",
            CONTRACT_VIEW,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/contracts/{contract_b}/subcontractors",
            json!({"name": ""}),
            CONTRACT_ANSWER,
            422,
        ),
        p(
            Method::GET,
            "/contract-documents/{doc_b}",
            CONTRACT_VIEW,
            200,
        ),
        f(
            "/contracts/{contract_b}/documents",
            &[("kind", "sla")],
            CONTRACT_ANSWER,
            400,
        ),
        // Not a multipart form: refused once the caller is known to be allowed.
        p(
            Method::POST,
            "/api/v1/contracts/{contract_b}/documents",
            CONTRACT_ANSWER,
            400,
        ),
        p(
            Method::GET,
            "/api/v1/contracts/{contract_b}/documents",
            CONTRACT_VIEW,
            200,
        ),
        f(
            "/i/1311234569/invites",
            &[("vendor_id", "x"), ("email", "bad"), ("display_name", "x")],
            MANAGE_CONTRACTS,
            303,
        )
        .to("/i/1311234569/contracts"),
        p(Method::GET, "/invite/not-a-token", &[], 410),
        f("/invite/not-a-token", &[("password", "x")], &[], 410),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/invitations",
            MANAGE_CONTRACTS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/invitations",
            json!({"vendor_id": "x", "email": "bad", "display_name": "x"}),
            MANAGE_CONTRACTS,
            422,
        ),
        // Public: the link is the credential (anyone, signed in or not, is answered alike).
        j(
            Method::POST,
            "/api/v1/invitations/not-a-token/accept",
            json!({"password": "x"}),
            &[],
            404,
        ),
        p(Method::GET, "/vendor/certifications", VENDOR_PORTAL, 200),
        f(
            "/vendor/certifications",
            &[
                ("vendor_id", "{my_vendor}"),
                ("kind", "other"),
                ("name", "x"),
            ],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/certifications"),
        f(
            "/vendor/certifications/{my_cert}/delete",
            &[],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/certifications"),
        p(
            Method::GET,
            "/api/v1/vendor/certifications",
            VENDOR_PORTAL,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/vendor/certifications",
            json!({"vendor_id": "{my_vendor}", "kind": "other", "name": "x"}),
            VENDOR_PORTAL,
            201,
        ),
        p(
            Method::DELETE,
            "/api/v1/vendor/certifications/{my_api_cert}",
            VENDOR_PORTAL,
            204,
        ),
        // Not a multipart form: refused once the caller is known to own the certification.
        f(
            "/vendor/certifications/{my_file_cert}/file",
            &[],
            VENDOR_PORTAL,
            400,
        ),
        p(
            Method::PUT,
            "/api/v1/vendor/certifications/{my_file_cert}/file",
            VENDOR_PORTAL,
            400,
        ),
        p(
            Method::GET,
            "/certifications/{cert_b}/file",
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/certifications/{cert_b}/file",
            CONTRACT_VIEW,
            200,
        ),
        p(Method::GET, "/vendor/standard-answers", VENDOR_PORTAL, 200),
        f(
            "/vendor/standard-answers",
            &[
                ("vendor_id", "{my_vendor}"),
                ("product", "p"),
                ("item_id", "part2-a-1"),
            ],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/standard-answers"),
        f(
            "/vendor/standard-answers/apply",
            &[("vendor_id", "{my_vendor}"), ("product", "p")],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/standard-answers"),
        p(
            Method::GET,
            "/api/v1/vendor/standard-answers",
            VENDOR_PORTAL,
            200,
        ),
        j(
            Method::PUT,
            "/api/v1/vendor/standard-answers",
            json!({"vendor_id": "{my_vendor}", "product": "p", "item_id": "part2-a-1",
                   "responsibility": "none"}),
            VENDOR_PORTAL,
            422,
        ),
        j(
            Method::POST,
            "/api/v1/vendor/standard-answers/apply",
            json!({"vendor_id": "{my_vendor}", "product": "p", "contracts": []}),
            VENDOR_PORTAL,
            200,
        ),
        f(
            "/vendor/sheet-standards",
            &[
                ("vendor_id", "{my_vendor}"),
                ("product", "p"),
                ("item_id", "1-1"),
                ("slot", "all"),
                ("check1", "yes"),
            ],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/standard-answers"),
        f(
            "/vendor/sheet-standards/preview",
            &[("vendor_id", "{my_vendor}"), ("product", "p")],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/standard-answers"),
        f(
            "/vendor/sheet-standards/apply",
            &[("vendor_id", "{my_vendor}"), ("product", "p")],
            VENDOR_PORTAL,
            303,
        )
        .to("/vendor/standard-answers"),
        p(
            Method::GET,
            "/api/v1/vendor/sheet-standards",
            VENDOR_PORTAL,
            200,
        ),
        j(
            Method::PUT,
            "/api/v1/vendor/sheet-standards",
            json!({"vendor_id": "{my_vendor}", "product": "p", "item_id": "1-1",
                   "slot": "all", "check1": "maybe"}),
            VENDOR_PORTAL,
            422,
        ),
        j(
            Method::POST,
            "/api/v1/vendor/sheet-standards/preview",
            json!({"vendor_id": "{my_vendor}", "product": "p", "sheets": []}),
            VENDOR_PORTAL,
            422,
        ),
        j(
            Method::POST,
            "/api/v1/vendor/sheet-standards/apply",
            json!({"vendor_id": "{my_vendor}", "product": "p", "sheets": []}),
            VENDOR_PORTAL,
            422,
        ),
    ]
}
