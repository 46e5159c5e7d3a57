//! The vendor side: the portal, standard answers, certifications, documents and
//! subcontractors, invitations, and the vendor's own members.

pub mod api;
pub mod cert_files;
pub mod invites;
pub mod members;
pub mod pages;
pub mod sheet_standards;
pub mod standard_answers;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(
        POST,
        "/contracts/{id}/subcontractors",
        pages::declare_subcontractor,
    )
    .twin("POST /api/v1/contracts/{id}/subcontractors")
    .page(
        POST,
        "/contracts/{id}/subcontractors/{sub}/approve",
        pages::approve_subcontractor,
    )
    .twin("POST /api/v1/contracts/{id}/subcontractors/{sub}/approve")
    .page(GET, "/contract-documents/{doc}", pages::document)
    .page(POST, "/i/{code}/invites", invites::create_invite)
    .twin("POST /api/v1/institutions/{code}/invitations")
    .page(GET, "/invite/{token}", invites::invite_page)
    .page(POST, "/invite/{token}", invites::accept_invite)
    .twin("POST /api/v1/invitations/{token}/accept")
    .page(GET, "/vendor/certifications", pages::certifications)
    .page(POST, "/vendor/certifications", pages::add_certification)
    .twin("POST /api/v1/vendor/certifications")
    .page(
        POST,
        "/vendor/certifications/{id}/delete",
        pages::delete_certification,
    )
    .twin("DELETE /api/v1/vendor/certifications/{id}")
    .page(
        GET,
        "/vendor/standard-answers",
        standard_answers::standard_answers,
    )
    .page(
        POST,
        "/vendor/standard-answers",
        standard_answers::save_standard_answer,
    )
    .twin("PUT /api/v1/vendor/standard-answers")
    .page(
        POST,
        "/vendor/standard-answers/apply",
        standard_answers::apply_standard_answers,
    )
    .twin("POST /api/v1/vendor/standard-answers/apply")
    .page(POST, "/vendor/sheet-standards", sheet_standards::save)
    .twin("PUT /api/v1/vendor/sheet-standards")
    .page(
        POST,
        "/vendor/sheet-standards/preview",
        sheet_standards::preview,
    )
    .twin("POST /api/v1/vendor/sheet-standards/preview")
    .page(
        POST,
        "/vendor/sheet-standards/apply",
        sheet_standards::apply,
    )
    .twin("POST /api/v1/vendor/sheet-standards/apply")
    .page(GET, "/vendors/{vendor_id}/members", members::page)
    .page(POST, "/vendors/{vendor_id}/members", members::add_page)
    .twin("POST /api/v1/vendors/{vendor_id}/members")
    .page(
        POST,
        "/vendors/{vendor_id}/members/{user_id}/confirm",
        members::confirm,
    )
    .twin("PUT /api/v1/vendors/{vendor_id}/members/{user_id}")
    .page(
        POST,
        "/vendors/{vendor_id}/members/{user_id}/role",
        members::set_role,
    )
    .twin("PUT /api/v1/vendors/{vendor_id}/members/{user_id}")
    .page(
        POST,
        "/vendors/{vendor_id}/members/{user_id}/remove",
        members::remove_page,
    )
    .twin("DELETE /api/v1/vendors/{vendor_id}/members/{user_id}")
    .upload(POST, "/vendor/certifications/{id}/file", cert_files::attach)
    .twin("PUT /api/v1/vendor/certifications/{id}/file")
    .page(GET, "/certifications/{id}/file", cert_files::file)
    .upload(POST, "/contracts/{id}/documents", pages::upload_document)
    .twin("POST /api/v1/contracts/{id}/documents")
    .api_upload(routes!(api::documents, api::add_document))
    .api_upload(routes!(cert_files::api_attach))
    .api(routes!(cert_files::api_file))
    .api(routes!(api::certifications, api::add_certification))
    .api(routes!(api::delete_certification))
    .api(routes!(api::subcontractors, api::declare_subcontractor))
    .api(routes!(api::approve_subcontractor))
    .api(routes!(invites::api_list, invites::api_create))
    .api(routes!(
        standard_answers::api_list,
        standard_answers::api_save
    ))
    .api(routes!(standard_answers::api_apply))
    .api(routes!(
        sheet_standards::api_list,
        sheet_standards::api_save
    ))
    .api(routes!(sheet_standards::api_preview))
    .api(routes!(sheet_standards::api_apply))
    .api(routes!(invites::api_accept))
    .api(routes!(members::api_list, members::api_add))
    .api(routes!(members::api_change, members::api_remove))
}
