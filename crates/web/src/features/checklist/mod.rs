//! The yearly cybersecurity checklist: the institution's sheet, vendor sheets, evidence,
//! approval and revisions, inspector links and the official exports.

pub mod api;
pub mod pages;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/assessments", pages::list)
        .page(POST, "/i/{code}/assessments", pages::start)
        .page(GET, "/assessments/{id}", pages::sheet)
        .page(POST, "/assessments/{id}/answers", pages::answer)
        .twin("POST /api/v1/assessments/{id}/answers")
        .page(POST, "/assessments/{id}/approve", pages::approve)
        .twin("POST /api/v1/assessments/{id}/approve")
        .page(
            POST,
            "/assessments/{id}/vendor-sheets",
            pages::request_sheets,
        )
        .page(GET, "/vendor-sheets/{id}", pages::vendor_sheet)
        .page(
            POST,
            "/assessments/{id}/inspector-links",
            pages::create_inspector_link,
        )
        .page(
            POST,
            "/assessments/{id}/inspector-links/{link}/revoke",
            pages::revoke_inspector_link,
        )
        .page(GET, "/inspect/{token}", pages::inspect)
        .page(
            GET,
            "/inspect/{token}/evidence/{ev}",
            pages::inspect_evidence,
        )
        .page(GET, "/assessments/{id}/evidence/{ev}", pages::evidence_file)
        .page(GET, "/assessments/{id}/export.xlsx", pages::export_xlsx)
        .page(GET, "/assessments/{id}/export.pdf", pages::export_pdf)
        .page(GET, "/assessments/{id}/bundle.zip", pages::bundle)
        .page(GET, "/inspect/{token}/bundle.zip", pages::inspect_bundle)
        .page(
            POST,
            "/vendor-sheets/{id}/answers",
            pages::vendor_sheet_answer,
        )
        .page(
            POST,
            "/vendor-sheets/{id}/return",
            pages::return_vendor_sheet,
        )
        .page(
            POST,
            "/vendor-sheets/{id}/submit",
            pages::submit_vendor_sheet,
        )
        .page(POST, "/vendor-sheets/{id}/copy", pages::copy_vendor_sheet)
        .page(POST, "/assessments/{id}/reopen", pages::reopen)
        .page(GET, "/assessments/{id}/revisions/{n}", pages::revision)
        .upload(POST, "/assessments/{id}/evidence", pages::add_evidence)
        .upload(
            POST,
            "/assessments/{id}/evidence/{ev}/withdraw",
            pages::withdraw_evidence,
        )
        .api(routes!(api::list))
        .api(routes!(api::sheet))
        .api(routes!(api::answer))
        .api(routes!(api::approve))
}
