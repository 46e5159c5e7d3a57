//! The probes of 承認依頼 (request, send back), the inspector account's view, and the
//! notices every signed-in user has.

use super::callers::*;
use super::probes::{f, j, p, Probe};
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    vec![
        // The demo sheet is a draft at another version: a conflict, after the policy.
        f(
            "/assessments/{assessment}/request-approval",
            &[("version", "999")],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/request-approval",
            json!({"version": 999}),
            ANSWER_ASSESSMENT,
            409,
        ),
        f(
            "/assessments/{assessment}/send-back",
            &[("version", "999"), ("reason", "x")],
            SEND_BACK,
            303,
        )
        .to("/assessments/{assessment}"),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/send-back",
            json!({"version": 999, "reason": "x"}),
            SEND_BACK,
            409,
        ),
        p(Method::GET, "/inspections/{assessment}", INSPECT, 200),
        p(
            Method::GET,
            "/inspections/{assessment}/bundle.zip",
            INSPECT,
            200,
        ),
        p(
            Method::GET,
            "/inspections/{assessment}/evidence/{evidence}",
            INSPECT,
            200,
        ),
        // Keeping an inspector link needs its secret: a token that is no link is 404 to
        // everyone signed in.
        f("/inspect/not-a-token/keep", &[], EVERYONE, 404),
        j(
            Method::POST,
            "/api/v1/inspect/not-a-token/keep",
            json!({}),
            EVERYONE,
            404,
        ),
        p(Method::GET, "/notifications", EVERYONE, 200),
        f("/notifications/read-all", &[], EVERYONE, 303).to("/notifications"),
        f("/notifications/unknown/read", &[], EVERYONE, 404),
        f(
            "/notifications/preferences",
            &[("mail", "approved")],
            EVERYONE,
            303,
        )
        .to("/notifications"),
        p(Method::GET, "/api/v1/notifications", EVERYONE, 200),
        p(
            Method::POST,
            "/api/v1/notifications/read-all",
            EVERYONE,
            200,
        ),
        p(
            Method::POST,
            "/api/v1/notifications/unknown/read",
            EVERYONE,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/notifications/preferences",
            EVERYONE,
            200,
        ),
        j(
            Method::PUT,
            "/api/v1/notifications/preferences",
            json!([{"kind": "approved", "mail": true}]),
            EVERYONE,
            200,
        ),
    ]
}
