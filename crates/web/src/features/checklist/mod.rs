//! The yearly cybersecurity checklist: the institution's sheet, vendor sheets, evidence,
//! approval and revisions, inspector links and the official exports.

pub mod api;
pub mod approval;
pub mod assessments_api;
pub mod evidence;
pub mod evidence_api;
pub mod exports;
pub mod exports_api;
pub mod inspector;
pub mod inspector_api;
pub mod pages;
pub mod sheet;
pub mod slot;
pub mod vendor_sheets;
pub mod vendor_sheets_api;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/i/{code}/assessments", pages::list)
        .page(POST, "/i/{code}/assessments", pages::start)
        .twin("POST /api/v1/institutions/{code}/assessments")
        .page(GET, "/assessments/{id}", sheet::sheet)
        .page(POST, "/assessments/{id}/answers", sheet::answer)
        .twin("POST /api/v1/assessments/{id}/answers")
        .page(POST, "/assessments/{id}/approve", sheet::approve)
        .twin("POST /api/v1/assessments/{id}/approve")
        .page(
            POST,
            "/assessments/{id}/vendor-sheets",
            vendor_sheets::request_sheets,
        )
        .twin("POST /api/v1/assessments/{id}/vendor-sheets")
        .page(GET, "/vendor-sheets/{id}", vendor_sheets::vendor_sheet)
        .page(
            POST,
            "/assessments/{id}/inspector-links",
            inspector::create_inspector_link,
        )
        .twin("POST /api/v1/assessments/{id}/inspector-links")
        .page(
            POST,
            "/assessments/{id}/inspector-links/{link}/revoke",
            inspector::revoke_inspector_link,
        )
        .twin("POST /api/v1/assessments/{id}/inspector-links/{link}/revoke")
        .page(GET, "/inspect/{token}", inspector::inspect)
        .page(POST, "/inspect/{token}/keep", inspector::keep_link)
        .twin("POST /api/v1/inspect/{token}/keep")
        .page(
            GET,
            "/inspect/{token}/evidence/{ev}",
            evidence::inspect_evidence,
        )
        .page(
            GET,
            "/assessments/{id}/evidence/{ev}",
            evidence::evidence_file,
        )
        .page(
            GET,
            "/assessments/{id}/export.xlsx",
            exports_api::export_xlsx,
        )
        .page(GET, "/assessments/{id}/export.pdf", exports_api::export_pdf)
        .page(GET, "/assessments/{id}/bundle.zip", exports_api::bundle)
        .page(GET, "/inspect/{token}/bundle.zip", exports::inspect_bundle)
        .page(GET, "/inspections/{id}", inspector::inspect_signed_in)
        .page(
            GET,
            "/inspections/{id}/bundle.zip",
            exports::inspection_bundle,
        )
        .page(
            GET,
            "/inspections/{id}/evidence/{ev}",
            evidence::inspection_evidence,
        )
        .page(
            POST,
            "/vendor-sheets/{id}/answers",
            vendor_sheets::vendor_sheet_answer,
        )
        .twin("POST /api/v1/vendor-sheets/{id}/answers")
        .page(
            POST,
            "/vendor-sheets/{id}/return",
            vendor_sheets::return_vendor_sheet,
        )
        .twin("POST /api/v1/vendor-sheets/{id}/return")
        .page(
            POST,
            "/vendor-sheets/{id}/submit",
            vendor_sheets::submit_vendor_sheet,
        )
        .twin("POST /api/v1/vendor-sheets/{id}/submit")
        .page(
            POST,
            "/vendor-sheets/{id}/copy",
            vendor_sheets::copy_vendor_sheet,
        )
        .twin("POST /api/v1/vendor-sheets/{id}/copy")
        .page(
            POST,
            "/assessments/{id}/request-approval",
            approval::request_page,
        )
        .twin("POST /api/v1/assessments/{id}/request-approval")
        .page(
            POST,
            "/assessments/{id}/send-back",
            approval::send_back_page,
        )
        .twin("POST /api/v1/assessments/{id}/send-back")
        .page(POST, "/assessments/{id}/reopen", sheet::reopen)
        .twin("POST /api/v1/assessments/{id}/reopen")
        .page(GET, "/assessments/{id}/revisions/{n}", sheet::revision)
        .upload(POST, "/assessments/{id}/evidence", evidence::add_evidence)
        .twin("POST /api/v1/assessments/{id}/evidence")
        .upload(
            POST,
            "/assessments/{id}/evidence/{ev}/withdraw",
            evidence::withdraw_evidence,
        )
        .twin("POST /api/v1/assessments/{id}/evidence/{ev}/withdraw")
        .api(routes!(api::list))
        .api(routes!(api::sheet))
        .api(routes!(api::answer))
        .api(routes!(api::approve))
        .api(routes!(approval::request_approval))
        .api(routes!(approval::send_back))
        .api(routes!(
            vendor_sheets_api::request,
            vendor_sheets_api::of_assessment
        ))
        .api(routes!(vendor_sheets_api::mine))
        .api(routes!(vendor_sheets_api::sheet))
        .api(routes!(vendor_sheets_api::answer))
        .api(routes!(vendor_sheets_api::submit))
        .api(routes!(vendor_sheets_api::return_sheet))
        .api(routes!(vendor_sheets_api::copy))
        .api(routes!(assessments_api::start))
        .api(routes!(assessments_api::reopen))
        .api(routes!(inspector_api::list, inspector_api::create))
        .api(routes!(inspector_api::revoke))
        .api(routes!(inspector_api::keep))
        .api_upload(routes!(evidence_api::list, evidence_api::upload))
        .api(routes!(evidence_api::withdraw))
        .api(routes!(evidence_api::download))
        .api(routes!(exports_api::export_xlsx))
        .api(routes!(exports_api::export_pdf))
        .api(routes!(exports_api::bundle))
}
