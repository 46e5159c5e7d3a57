//! The probes of the checklist's API operations (starting a year, reopening, inspector
//! links, evidence, exports) and of the role-sharing workbooks.

use super::callers::*;
use super::probes::{j, p, Probe};
use crate::common::*;

pub(super) fn probes() -> Vec<Probe> {
    vec![
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/assessments",
            json!({"fiscal_year": 1999, "catalog_id": "x"}),
            ANSWER_ASSESSMENT,
            422,
        ),
        // The demo sheet is a draft: nothing to reopen.
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/reopen",
            json!({"version": 999, "reason": "x"}),
            ANSWER_ASSESSMENT,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/inspector-links",
            VIEW_ASSESSMENTS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/inspector-links",
            json!({"label": "", "days": 7}),
            ANSWER_ASSESSMENT,
            422,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/inspector-links/{my_api_link}/revoke",
            ANSWER_ASSESSMENT,
            204,
        ),
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/inspector-links/unknown/revoke",
            ANSWER_ASSESSMENT,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/evidence",
            VIEW_ASSESSMENTS,
            200,
        ),
        // Not multipart: read only once the caller is allowed.
        p(
            Method::POST,
            "/api/v1/assessments/{assessment}/evidence",
            ANSWER_ASSESSMENT,
            400,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/evidence/{my_api_evidence}/withdraw",
            json!({"reason": "x"}),
            ANSWER_ASSESSMENT,
            204,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/evidence/unknown/withdraw",
            json!({"reason": "x"}),
            ANSWER_ASSESSMENT,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/evidence/{evidence}/download",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/evidence/unknown/download",
            VIEW_ASSESSMENTS,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/export.xlsx",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/export.pdf?dates=seireki",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/export.xlsx?dates=bogus",
            VIEW_ASSESSMENTS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}/bundle.zip",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/contracts/{contract_b}/export.xlsx",
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/matrix.xlsx?dates=seireki",
            VIEW_CONTRACTS,
            200,
        ),
    ]
}
