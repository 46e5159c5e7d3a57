//! The probes of the vendor sheets' API operations (request, list, read, answer, submit,
//! return, copy).

use super::callers::*;
use super::probes::Probe;
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    let p = |method: Method, path: &'static str, body: Option<Value>, allowed, ok| Probe {
        method,
        path,
        body,
        form: &[],
        allowed,
        ok,
        to: "",
    };
    vec![
        // Vendor sheets in the API: the institution asks again (nobody new to ask) and
        // reads; A社 answers and submits its own sheet (stale, incomplete) and cannot copy
        // B社's; the institution cannot send B社's back at a stale version.
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/vendor-sheets",
            None,
            ANSWER_ASSESSMENT,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/vendor-sheets",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/vendor/sheets",
            None,
            VENDOR_PORTAL,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/vendor-sheets/{sheet_b}",
            None,
            SHEET_B_VIEW,
            200,
        ),
        p(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_a}/answers",
            Some(json!({"item_id": "1-1", "slot": "all", "version": 999})),
            &[Who::OtherContractVendor],
            409,
        ),
        p(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_a}/submit",
            Some(json!({"version": 999})),
            &[Who::OtherContractVendor],
            422,
        ),
        p(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_a}/copy",
            Some(json!({"from": "{sheet_b}"})),
            &[Who::OtherContractVendor],
            404,
        ),
        p(
            Method::POST,
            "/api/v1/vendor-sheets/{sheet_b}/return",
            Some(json!({"version": 999, "reason": "x"})),
            ANSWER_ASSESSMENT,
            409,
        ),
    ]
}
