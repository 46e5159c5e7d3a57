//! Sign-in and sessions, one's own account (profile, password, second factor, API
//! tokens), institutions with their members, settings and audit log, and the platform
//! administrator's pages.

pub mod account_pages;
pub mod api;
pub mod institution_pages;
pub mod session;

#[allow(unused_imports)]
use crate::http::routes::{Routes, DELETE, GET, PATCH, POST, PUT};
use utoipa_axum::routes;

/// This feature's pages, uploads and API operations.
pub fn routes(r: Routes) -> Routes {
    r.page(GET, "/", session::root)
        .page(GET, "/home", session::home)
        .page(GET, "/login", session::login_page)
        .page(POST, "/login", session::login_submit)
        .page(GET, "/login/mfa", session::mfa_page)
        .page(POST, "/login/mfa", session::mfa_submit)
        .page(POST, "/logout", session::logout)
        .page(POST, "/logout/all", session::logout_all)
        .page(POST, "/lang", session::set_lang)
        .page(GET, "/profile", account_pages::profile)
        .page(POST, "/profile", account_pages::save_profile)
        .page(POST, "/profile/password", account_pages::change_password)
        .page(GET, "/profile/mfa", account_pages::mfa_setup)
        .page(POST, "/profile/mfa", account_pages::mfa_enable)
        .page(POST, "/profile/mfa/disable", account_pages::mfa_disable)
        .page(GET, "/profile/tokens", account_pages::tokens)
        .page(POST, "/profile/tokens", account_pages::create_token)
        .page(
            POST,
            "/profile/tokens/{id}/revoke",
            account_pages::revoke_token,
        )
        .page(GET, "/admin", account_pages::admin)
        .page(
            POST,
            "/admin/institutions",
            account_pages::admin_create_institution,
        )
        .page(POST, "/admin/vendors", account_pages::admin_create_vendor)
        .page(GET, "/i/{code}", institution_pages::dashboard)
        .page(GET, "/i/{code}/members", institution_pages::members)
        .page(POST, "/i/{code}/members", institution_pages::add_member)
        .page(
            POST,
            "/i/{code}/members/{user_id}/roles/{role}/revoke",
            institution_pages::revoke_role,
        )
        .page(GET, "/i/{code}/settings", institution_pages::settings)
        .page(POST, "/i/{code}/settings", institution_pages::save_settings)
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
