//! Who may do what, and one probe per route.

use super::callers::*;
use crate::common::*;

pub(super) struct Probe {
    pub(super) method: Method,
    pub(super) path: &'static str,
    pub(super) body: Option<Value>,
    pub(super) form: &'static [(&'static str, &'static str)],
    pub(super) allowed: &'static [Who],
    /// Status an allowed caller gets for this probe.
    pub(super) ok: u16,
    /// Where an allowed 303 leads (the start of `Location`, placeholders allowed).
    pub(super) to: &'static str,
}

impl Probe {
    pub(super) fn to(mut self, location: &'static str) -> Self {
        self.to = location;
        self
    }
}

pub(super) fn p(method: Method, path: &'static str, allowed: &'static [Who], ok: u16) -> Probe {
    Probe {
        method,
        path,
        body: None,
        form: &[],
        allowed,
        ok,
        to: "",
    }
}

pub(super) fn f(
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    allowed: &'static [Who],
    ok: u16,
) -> Probe {
    Probe {
        method: Method::POST,
        path,
        body: None,
        form,
        allowed,
        ok,
        to: "",
    }
}

pub(super) fn j(
    method: Method,
    path: &'static str,
    body: Value,
    allowed: &'static [Who],
    ok: u16,
) -> Probe {
    Probe {
        method,
        path,
        body: Some(body),
        form: &[],
        allowed,
        ok,
        to: "",
    }
}

pub(super) fn probes() -> Vec<Probe> {
    vec![
        // HTML pages
        p(Method::GET, "/home", EVERYONE, 200),
        p(Method::GET, "/profile", EVERYONE, 200),
        p(Method::GET, "/profile/mfa", EVERYONE, 200),
        p(Method::GET, "/profile/tokens", EVERYONE, 200),
        f(
            "/profile",
            &[("version", "0"), ("display_name", "x"), ("locale", "ja")],
            EVERYONE,
            409,
        ),
        f(
            "/profile/password",
            &[("current_password", "wrong"), ("new_password", "x")],
            EVERYONE,
            422,
        ),
        f(
            "/profile/mfa",
            &[("secret", "bad"), ("code", "1")],
            EVERYONE,
            422,
        ),
        f("/profile/mfa/disable", &[("code", "1")], EVERYONE, 422),
        f(
            "/profile/tokens",
            &[("name", ""), ("expires_in_days", "1")],
            EVERYONE,
            422,
        ),
        f("/profile/tokens/{my_token}/revoke", &[], EVERYONE, 303).to("/profile/tokens"),
        f("/profile/tokens/unknown/revoke", &[], EVERYONE, 404),
        p(Method::GET, "/admin", PLATFORM, 200),
        f(
            "/admin/institutions",
            &[
                ("code", "1"),
                ("name", "x"),
                ("kind", "clinic"),
                ("prefecture", "13"),
                ("beds", "0"),
            ],
            PLATFORM,
            422,
        ),
        f("/admin/vendors", &[("name", "")], PLATFORM, 422),
        p(Method::GET, "/i/1311234569", DASHBOARD, 200),
        p(Method::GET, "/i/1311234569/members", VIEW_MEMBERS, 200),
        f(
            "/i/1311234569/members",
            &[("email", "bad"), ("display_name", "x"), ("role", "staff")],
            MANAGE_MEMBERS,
            422,
        ),
        f(
            "/i/1311234569/members/{inspector}/roles/inspector/revoke",
            &[],
            MANAGE_MEMBERS,
            303,
        )
        .to("/i/1311234569/members"),
        p(Method::GET, "/i/1311234569/settings", SETTINGS, 200),
        f(
            "/i/1311234569/settings",
            &[("version", "0"), ("name", "x"), ("beds", "1")],
            SETTINGS,
            409,
        ),
        p(Method::GET, "/i/1311234569/audit", AUDIT, 200),
        p(Method::GET, "/i/1311234569/audit.csv", AUDIT, 200),
        // JSON API
        p(Method::GET, "/api/v1/me", EVERYONE, 200),
        j(
            Method::PATCH,
            "/api/v1/me",
            json!({"version": 0, "display_name": "x", "locale": "ja"}),
            EVERYONE,
            409,
        ),
        j(
            Method::POST,
            "/api/v1/me/password",
            json!({"current_password": "wrong", "new_password": "x"}),
            EVERYONE,
            422,
        ),
        p(Method::POST, "/api/v1/me/mfa/setup", EVERYONE, 200),
        j(
            Method::POST,
            "/api/v1/me/mfa",
            json!({"secret": "bad", "code": "1"}),
            EVERYONE,
            422,
        ),
        j(
            Method::DELETE,
            "/api/v1/me/mfa",
            json!({"code": "1"}),
            EVERYONE,
            400,
        ),
        p(Method::GET, "/api/v1/me/tokens", EVERYONE, 200),
        j(
            Method::POST,
            "/api/v1/me/tokens",
            json!({"name": ""}),
            EVERYONE,
            422,
        ),
        p(
            Method::DELETE,
            "/api/v1/me/tokens/{my_api_token}",
            EVERYONE,
            204,
        ),
        p(Method::DELETE, "/api/v1/me/tokens/unknown", EVERYONE, 404),
        p(Method::GET, "/api/v1/institutions", EVERYONE, 200),
        j(
            Method::POST,
            "/api/v1/institutions",
            json!({"code": "1", "name": "x", "kind": "clinic", "prefecture": "13"}),
            PLATFORM,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569",
            DASHBOARD,
            200,
        ),
        j(
            Method::PATCH,
            "/api/v1/institutions/1311234569",
            json!({"version": 0, "name": "x", "beds": 1, "mfa_required": false}),
            SETTINGS,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/members",
            VIEW_MEMBERS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/members",
            json!({"email": "bad", "display_name": "x", "role": "staff"}),
            MANAGE_MEMBERS,
            422,
        ),
        j(
            Method::PUT,
            "/api/v1/institutions/1311234569/members/{staff}/roles/staff",
            json!({}),
            MANAGE_MEMBERS,
            204,
        ),
        p(
            Method::DELETE,
            "/api/v1/institutions/1311234569/members/{inspector}/roles/inspector",
            MANAGE_MEMBERS,
            204,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/audit",
            AUDIT,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/audit.csv",
            AUDIT,
            200,
        ),
        p(Method::GET, "/api/v1/vendors", PLATFORM, 200),
        j(
            Method::POST,
            "/api/v1/vendors",
            json!({"name": ""}),
            PLATFORM,
            422,
        ),
        p(Method::GET, "/api/v1/openapi.json", &[], 200),
        p(Method::GET, "/catalogs", EVERYONE, 200),
        p(
            Method::GET,
            "/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
            EVERYONE,
            200,
        ),
        p(
            Method::GET,
            "/catalogs/mhlw/bcp-checklist@2024-06",
            EVERYONE,
            200,
        ),
        p(
            Method::GET,
            "/catalogs/mhlw/bcp-checklist@2024-06/items/1-1",
            EVERYONE,
            200,
        ),
        p(Method::GET, "/i/1311234569/systems", VIEW_CONTRACTS, 200),
        f(
            "/i/1311234569/systems",
            &[("name", ""), ("category", "ehr"), ("hosting", "cloud")],
            MANAGE_CONTRACTS,
            422,
        ),
        f(
            "/i/1311234569/systems/links",
            &[("a", "x"), ("b", "x")],
            MANAGE_CONTRACTS,
            303,
        )
        .to("/i/1311234569/systems"),
        p(Method::GET, "/i/1311234569/contracts", VIEW_CONTRACTS, 200),
        f(
            "/i/1311234569/contracts",
            &[("title", ""), ("vendor_id", ""), ("kind", "maintenance")],
            MANAGE_CONTRACTS,
            422,
        ),
        p(Method::GET, "/i/1311234569/matrix", VIEW_CONTRACTS, 200),
        p(Method::GET, "/contracts/{contract_b}", CONTRACT_VIEW, 200),
        f(
            "/contracts/{contract_b}/items/part2-a-1",
            &[("step", "accept"), ("version", "999")],
            CONTRACT_ANSWER,
            409,
        ),
        p(Method::GET, "/vendor", VENDOR_PORTAL, 200),
        // A vendor's members: its administrators (B社's person) and the platform admin.
        p(
            Method::GET,
            "/vendors/{vendor_b}/members",
            VENDOR_B_ADMIN,
            200,
        ),
        f(
            "/vendors/{vendor_b}/members",
            &[
                ("email", "not-an-address"),
                ("display_name", "x"),
                ("role", "member"),
            ],
            VENDOR_B_ADMIN,
            422,
        ),
        f(
            "/vendors/{vendor_b}/members/{pending_confirm}/confirm",
            &[],
            VENDOR_B_ADMIN,
            200,
        ),
        f(
            "/vendors/{vendor_b}/members/{b_user}/role",
            &[("role", "owner")],
            VENDOR_B_ADMIN,
            422,
        ),
        f(
            "/vendors/{vendor_b}/members/{pending_remove}/remove",
            &[],
            VENDOR_B_ADMIN,
            303,
        )
        .to("/vendors/{vendor_b}/members"),
        p(
            Method::GET,
            "/api/v1/vendors/{vendor_b}/members",
            VENDOR_B_ADMIN,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/vendors/{vendor_b}/members",
            json!({"email": "not-an-address", "display_name": "x", "role": "member"}),
            VENDOR_B_ADMIN,
            422,
        ),
        j(
            Method::PUT,
            "/api/v1/vendors/{vendor_b}/members/{pending_put}",
            json!({"role": "member", "status": "active"}),
            VENDOR_B_ADMIN,
            200,
        ),
        p(
            Method::DELETE,
            "/api/v1/vendors/{vendor_b}/members/{pending_delete}",
            VENDOR_B_ADMIN,
            204,
        ),
        p(
            Method::GET,
            "/i/1311234569/assessments",
            VIEW_ASSESSMENTS,
            200,
        ),
        f(
            "/i/1311234569/assessments",
            &[("fiscal_year", "1999"), ("catalog_id", "x")],
            ANSWER_ASSESSMENT,
            422,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}",
            VIEW_ASSESSMENTS,
            200,
        ),
        f(
            "/assessments/{assessment}/answers",
            &[("item_id", "1-1"), ("slot", "all"), ("version", "999")],
            ANSWER_ASSESSMENT,
            409,
        ),
        f(
            "/assessments/{assessment}/approve",
            &[("version", "999")],
            APPROVE_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        f(
            "/assessments/{assessment}/reopen",
            &[("version", "999"), ("reason", "x")],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        p(
            Method::GET,
            "/assessments/{assessment}/revisions/1",
            VIEW_ASSESSMENTS,
            404,
        ),
        f(
            "/assessments/{assessment}/vendor-sheets",
            &[],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        p(Method::GET, "/vendor-sheets/{sheet_b}", SHEET_B_VIEW, 200),
        f(
            "/vendor-sheets/{sheet_b}/return",
            &[("version", "999"), ("reason", "x")],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/vendor-sheets/{sheet_b}"),
        f(
            "/vendor-sheets/{sheet_a}/answers",
            &[("item_id", "1-1"), ("slot", "all"), ("version", "999")],
            &[Who::OtherContractVendor],
            409,
        ),
        f(
            "/vendor-sheets/{sheet_a}/submit",
            &[("version", "999")],
            &[Who::OtherContractVendor],
            303,
        )
        .to("/vendor-sheets/{sheet_a}"),
        f(
            "/assessments/{assessment}/inspector-links",
            &[("label", ""), ("days", "7")],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        f(
            "/assessments/{assessment}/inspector-links/{my_link}/revoke",
            &[],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        p(Method::GET, "/inspect/not-a-token", &[], 410),
        f(
            "/assessments/{assessment}/evidence",
            &[("item_id", "1-1")],
            ANSWER_ASSESSMENT,
            400,
        ),
        f(
            "/assessments/{assessment}/evidence/{my_evidence}/withdraw",
            &[("reason", "x")],
            ANSWER_ASSESSMENT,
            303,
        )
        .to("/assessments/{assessment}"),
        p(
            Method::GET,
            "/assessments/{assessment}/evidence/{evidence}",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(Method::GET, "/inspect/not-a-token/evidence/x", &[], 404),
        p(
            Method::GET,
            "/assessments/{assessment}/bundle.zip",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(Method::GET, "/inspect/not-a-token/bundle.zip", &[], 404),
        // A live link opens the sheets, its evidence and the bundle, to anyone who has it.
        p(Method::GET, "/inspect/{inspect}", &[], 200),
        p(
            Method::GET,
            "/inspect/{inspect}/evidence/{evidence}",
            &[],
            200,
        ),
        p(Method::GET, "/inspect/{inspect}/bundle.zip", &[], 200),
        p(
            Method::GET,
            "/assessments/{assessment}/export.xlsx",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}/export.pdf",
            VIEW_ASSESSMENTS,
            200,
        ),
        f(
            "/vendor-sheets/{sheet_a}/copy",
            &[("from", "none")],
            &[Who::OtherContractVendor],
            404,
        ),
        p(
            Method::GET,
            "/contracts/{contract_b}/export.xlsx",
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/contracts/{contract_b}/print",
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/i/1311234569/matrix.xlsx?dates=seireki",
            VIEW_CONTRACTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/systems",
            VIEW_CONTRACTS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/systems",
            json!({"name": "", "category": "ehr", "hosting": "cloud"}),
            MANAGE_CONTRACTS,
            422,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/systems/links",
            json!({"a": "x", "b": "x"}),
            MANAGE_CONTRACTS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/contracts",
            VIEW_CONTRACTS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/contracts",
            json!({"title": "", "vendor_id": "", "kind": "maintenance"}),
            MANAGE_CONTRACTS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/role-sharing-matrix",
            VIEW_CONTRACTS,
            200,
        ),
        p(Method::GET, "/api/v1/vendor/contracts", VENDOR_PORTAL, 200),
        p(
            Method::GET,
            "/api/v1/contracts/{contract_b}/items",
            CONTRACT_VIEW,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/contracts/{contract_b}/items/part2-a-1",
            json!({"step": "accept", "version": 999}),
            CONTRACT_ANSWER,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/assessments",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}",
            VIEW_ASSESSMENTS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/answers",
            json!({"item_id": "1-1", "slot": "all", "version": 999}),
            ANSWER_ASSESSMENT,
            409,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/approve",
            json!({"version": 999}),
            APPROVE_ASSESSMENT,
            422,
        ),
        f(
            "/vendors/{vendor_b}/members/{staff}/confirm",
            &[],
            VENDOR_B_ADMIN,
            404,
        ),
        f(
            "/vendors/{vendor_b}/members/{staff}/remove",
            &[],
            VENDOR_B_ADMIN,
            404,
        ),
        j(
            Method::PUT,
            "/api/v1/vendors/{vendor_b}/members/{staff}",
            json!({"role": "member", "status": "active"}),
            VENDOR_B_ADMIN,
            404,
        ),
        p(
            Method::DELETE,
            "/api/v1/vendors/{vendor_b}/members/{staff}",
            VENDOR_B_ADMIN,
            404,
        ),
        f(
            "/assessments/{assessment}/inspector-links/unknown/revoke",
            &[],
            ANSWER_ASSESSMENT,
            404,
        ),
        f(
            "/assessments/{assessment}/evidence/unknown/withdraw",
            &[("reason", "x")],
            ANSWER_ASSESSMENT,
            404,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}/evidence/unknown",
            VIEW_ASSESSMENTS,
            404,
        ),
        f(
            "/vendor/certifications",
            &[("vendor_id", "x"), ("kind", "other"), ("name", "x")],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/certifications/unknown/delete",
            &[],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/standard-answers",
            &[
                ("vendor_id", "x"),
                ("product", "p"),
                ("item_id", "part2-a-1"),
            ],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/standard-answers/apply",
            &[("vendor_id", "x"), ("product", "p")],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/sheet-standards",
            &[
                ("vendor_id", "x"),
                ("product", "p"),
                ("item_id", "1-1"),
                ("slot", "all"),
                ("check1", "yes"),
            ],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/sheet-standards/preview",
            &[("vendor_id", "x"), ("product", "p"), ("sheet", "s")],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/sheet-standards/apply",
            &[("vendor_id", "x"), ("product", "p"), ("sheet", "s")],
            VENDOR_PORTAL,
            404,
        ),
    ]
    .into_iter()
    .chain(super::catalog_probes::catalog_import_probes())
    .chain(super::vendor_probes::probes())
    .chain(super::vendor_sheet_probes::probes())
    .chain(super::checklist_probes::probes())
    .chain(super::notice_probes::probes())
    .chain(super::asset_probes::probes())
    .chain(super::asset_probes::eos_probes())
    .chain(super::network_probes::probes())
    .collect()
}
