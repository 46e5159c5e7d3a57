//! The probes of the checklist's API operations (starting a year, reopening, inspector
//! links, evidence, exports) and of the role-sharing workbooks.

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
        p(
            Method::POST,
            "/api/v1/institutions/1311234567/assessments",
            Some(json!({"fiscal_year": 1999, "catalog_id": "x"})),
            ANSWER_ASSESSMENT,
            422,
        ),
        // The demo sheet is a draft: nothing to reopen.
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/reopen",
            Some(json!({"version": 999, "reason": "x"})),
            ANSWER_ASSESSMENT,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/inspector-links",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/inspector-links",
            Some(json!({"label": "", "days": 7})),
            ANSWER_ASSESSMENT,
            422,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/inspector-links/{my_api_link}/revoke",
            None,
            ANSWER_ASSESSMENT,
            204,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/inspector-links/unknown/revoke",
            None,
            ANSWER_ASSESSMENT,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/evidence",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        // Not multipart: read only once the caller is allowed.
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/evidence",
            None,
            ANSWER_ASSESSMENT,
            400,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/evidence/{my_api_evidence}/withdraw",
            Some(json!({"reason": "x"})),
            ANSWER_ASSESSMENT,
            204,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/evidence/unknown/withdraw",
            Some(json!({"reason": "x"})),
            ANSWER_ASSESSMENT,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/evidence/{evidence}/download",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/evidence/unknown/download",
            None,
            VIEW_ASSESSMENTS,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/export.xlsx",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/export.pdf?dates=seireki",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/export.xlsx?dates=bogus",
            None,
            VIEW_ASSESSMENTS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/bundle.zip",
            None,
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/contracts/{contract_b}/export.xlsx",
            None,
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/matrix.xlsx?dates=seireki",
            None,
            VIEW_CONTRACTS,
            200,
        ),
    ]
}
