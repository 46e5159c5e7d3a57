//! The catalogs' API probes and the catalog imports' (the platform administrator's pages
//! and API).

use super::callers::*;
use super::probes::{f, j, p, Probe};
use crate::common::*;

pub(super) fn catalog_import_probes() -> Vec<Probe> {
    vec![
        p(Method::GET, "/api/v1/catalogs", EVERYONE, 200),
        p(
            Method::GET,
            "/api/v1/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
            EVERYONE,
            200,
        ),
        p(Method::GET, "/catalog-imports", PLATFORM, 200),
        f("/catalog-imports", &[("document", "x")], PLATFORM, 400),
        p(Method::GET, "/catalog-imports/{import_a}", PLATFORM, 200),
        f("/catalog-imports/{import_a}/confirm", &[], PLATFORM, 303)
            .to("/catalogs/mhlw/cyber-checklist-institution@M9"),
        f("/catalog-imports/{import_b}/discard", &[], PLATFORM, 303).to("/catalog-imports"),
        // Unknown ids: 404 for the allowed, the refusal for everyone else.
        p(Method::GET, "/catalog-imports/unknown", PLATFORM, 404),
        f("/catalog-imports/unknown/confirm", &[], PLATFORM, 404),
        f("/catalog-imports/unknown/discard", &[], PLATFORM, 404),
        p(Method::GET, "/api/v1/catalog-imports", PLATFORM, 200),
        j(
            Method::POST,
            "/api/v1/catalog-imports",
            json!({}),
            PLATFORM,
            400,
        ),
        p(
            Method::GET,
            "/api/v1/catalog-imports/{import_c}",
            PLATFORM,
            200,
        ),
        p(
            Method::POST,
            "/api/v1/catalog-imports/{import_c}/confirm",
            PLATFORM,
            200,
        ),
        p(
            Method::POST,
            "/api/v1/catalog-imports/{import_d}/discard",
            PLATFORM,
            204,
        ),
        p(
            Method::GET,
            "/api/v1/catalog-imports/unknown",
            PLATFORM,
            404,
        ),
        p(
            Method::POST,
            "/api/v1/catalog-imports/unknown/confirm",
            PLATFORM,
            404,
        ),
        p(
            Method::POST,
            "/api/v1/catalog-imports/unknown/discard",
            PLATFORM,
            404,
        ),
    ]
}
