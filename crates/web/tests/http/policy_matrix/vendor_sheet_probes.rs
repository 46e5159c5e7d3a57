//! The probes of the vendor sheets' API operations (request, list, read, answer, submit,
//! return, copy).

use super::callers::*;
use super::probes::{j, p, Probe};
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    vec![
        // Vendor sheets in the API: the institution asks again (nobody new to ask) and
        // reads; A社 answers and submits its own sheet (stale, incomplete) and cannot copy
        // B社's; the institution cannot send B社's back at a stale version.
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/vendor-sheets",
            ANSWER_ASSESSMENT,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/vendor-sheets",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(Method::GET, "/api/v1/vendor/sheets", VENDOR_PORTAL, 200),
        p(
            Method::GET,
            "/api/v1/vendor-sheets/{sheet_b}",
            SHEET_B_VIEW,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_a}/answers",
            json!({"item_id": "1-1", "slot": "all", "version": 999}),
            &[Who::OtherContractVendor],
            409,
        ),
        j(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_a}/submit",
            json!({"version": 999}),
            &[Who::OtherContractVendor],
            422,
        ),
        j(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_a}/copy",
            json!({"from": "{sheet_b}"}),
            &[Who::OtherContractVendor],
            404,
        ),
        j(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_b}/return",
            json!({"version": 999, "reason": "x"}),
            ANSWER_ASSESSMENT,
            409,
        ),
    ]
}
