//! Sign-in and sessions, one's own account (profile, password, second factor, API
//! tokens), institutions with their members, settings and audit log, and the platform
//! administrator's pages.

pub mod account_pages;
pub mod api;
pub mod institution_pages;
pub mod session;

use crate::http::routes::{Routes, GET, POST};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/", session::root)
        .page(GET, "/home", session::home)
        .page(GET, "/login", session::login_page)
        .page(POST, "/login", session::login_submit)
        .html_only("sign-in sets a browser session; the API authenticates with a token")
        .page(GET, "/login/mfa", session::mfa_page)
        .page(POST, "/login/mfa", session::mfa_submit)
        .html_only("the second sign-in step of a browser session")
        .page(POST, "/logout", session::logout)
        .html_only(
            "ends this browser session; an API token is revoked with DELETE /api/v1/me/tokens/{id}",
        )
        .page(POST, "/logout/all", session::logout_all)
        .twin("POST /api/v1/me/sign-out-everywhere")
        .page(POST, "/lang", session::set_lang)
        .html_only("the page language cookie; the API answers in the language of Accept-Language")
        .page(GET, "/profile", account_pages::profile)
        .page(POST, "/profile", account_pages::save_profile)
        .twin("PATCH /api/v1/me")
        .page(POST, "/profile/password", account_pages::change_password)
        .twin("POST /api/v1/me/password")
        .page(GET, "/profile/mfa", account_pages::mfa_setup)
        .page(POST, "/profile/mfa", account_pages::mfa_enable)
        .twin("POST /api/v1/me/mfa")
        .page(POST, "/profile/mfa/disable", account_pages::mfa_disable)
        .twin("DELETE /api/v1/me/mfa")
        .page(GET, "/profile/tokens", account_pages::tokens)
        .page(POST, "/profile/tokens", account_pages::create_token)
        .twin("POST /api/v1/me/tokens")
        .page(
            POST,
            "/profile/tokens/{id}/revoke",
            account_pages::revoke_token,
        )
        .twin("DELETE /api/v1/me/tokens/{id}")
        .page(GET, "/admin", account_pages::admin)
        .page(
            POST,
            "/admin/institutions",
            account_pages::admin_create_institution,
        )
        .twin("POST /api/v1/institutions")
        .page(POST, "/admin/vendors", account_pages::admin_create_vendor)
        .twin("POST /api/v1/vendors")
        .page(GET, "/i/{code}", institution_pages::dashboard)
        .page(GET, "/i/{code}/members", institution_pages::members)
        .page(POST, "/i/{code}/members", institution_pages::add_member)
        .twin("POST /api/v1/institutions/{code}/members")
        .page(
            POST,
            "/i/{code}/members/{user_id}/roles/{role}/revoke",
            institution_pages::revoke_role,
        )
        .twin("DELETE /api/v1/institutions/{code}/members/{user_id}/roles/{role}")
        .page(GET, "/i/{code}/settings", institution_pages::settings)
        .page(POST, "/i/{code}/settings", institution_pages::save_settings)
        .twin("PATCH /api/v1/institutions/{code}")
        .page(GET, "/i/{code}/audit", institution_pages::audit)
        .page(GET, "/i/{code}/audit.csv", institution_pages::audit_csv)
        .api(routes!(api::me, api::update_me))
        .api(routes!(api::password))
        .api(routes!(api::mfa_setup))
        .api(routes!(api::mfa_enable, api::mfa_disable))
        .api(routes!(api::sign_out_everywhere))
        .api(routes!(api::tokens, api::create_token))
        .api(routes!(api::revoke_token))
        .api(routes!(api::institutions, api::create_institution))
        .api(routes!(api::institution, api::update_institution))
        .api(routes!(api::members, api::add_member))
        .api(routes!(api::grant_role, api::revoke_role))
        .api(routes!(api::audit))
        .api(routes!(api::audit_csv))
        .api(routes!(api::vendors, api::create_vendor))
}
