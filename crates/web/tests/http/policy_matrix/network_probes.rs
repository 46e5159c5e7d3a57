//! The probes of the network (zones, links, connection points) and its diagram: who reads
//! them and who changes them (a refused change is 422 or 409 for those allowed, nothing
//! saved); the diagram is also for the vendors under contract with the hospital (their part).

use super::callers::*;
use super::probes::{f, j, p, Probe};
use crate::common::*;

/// Readers of the ledger and the vendors under contract with the demo hospital.
const VIEW_DIAGRAM: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::ContractVendor,
    Who::OtherContractVendor,
];

pub(super) fn probes() -> Vec<Probe> {
    vec![
        p(Method::GET, "/i/1311234569/network", VIEW_ASSETS, 200),
        f(
            "/i/1311234569/network/zones",
            &[("name", ""), ("purpose", "his")],
            MANAGE_ASSETS,
            422,
        ),
        p(Method::GET, "/network/zones/{zone}", VIEW_ASSETS, 200),
        f(
            "/network/zones/{zone}",
            &[("name", "x"), ("purpose", "his"), ("ranges", "10.0.0.0/33")],
            MANAGE_ASSETS,
            422,
        ),
        f(
            "/i/1311234569/network/links",
            &[("from_zone", "{zone}"), ("to_zone", "{zone}")],
            MANAGE_ASSETS,
            422,
        ),
        f(
            "/i/1311234569/network/links/unknown/delete",
            &[],
            MANAGE_ASSETS,
            404,
        ),
        f(
            "/i/1311234569/network/connections",
            &[("kind", "vpn"), ("counterpart", "")],
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::GET,
            "/network/connections/{point}",
            VIEW_ASSETS,
            200,
        ),
        f(
            "/network/connections/{point}",
            &[("kind", "toaster"), ("counterpart", "x")],
            MANAGE_ASSETS,
            422,
        ),
        f(
            "/network/connections/{point}/delete",
            &[("version", "0")],
            MANAGE_ASSETS,
            409,
        ),
        p(
            Method::GET,
            "/i/1311234569/network/diagram",
            VIEW_DIAGRAM,
            200,
        ),
        p(
            Method::GET,
            "/i/1311234569/network/diagram.svg",
            VIEW_DIAGRAM,
            200,
        ),
        p(
            Method::GET,
            "/i/1311234569/network/diagram.pdf",
            VIEW_DIAGRAM,
            200,
        ),
        p(
            Method::GET,
            "/i/1311234569/network/diagram.dot",
            VIEW_DIAGRAM,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/zones",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/zones",
            json!({"name": "x", "purpose": "his", "ranges": "192.168.10.0/25"}),
            MANAGE_ASSETS,
            422,
        ),
        p(Method::GET, "/api/v1/zones/{zone}", VIEW_ASSETS, 200),
        j(
            Method::PUT,
            "/api/v1/zones/{zone}",
            json!({"name": "", "purpose": "his"}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/zone-links",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/zone-links",
            json!({"from_zone": "{zone}", "to_zone": "unknown"}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::DELETE,
            "/api/v1/institutions/1311234569/zone-links/unknown",
            MANAGE_ASSETS,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/connection-points",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234569/connection-points",
            json!({"kind": "vpn", "counterpart": "x", "vendor_id": "unknown"}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/connection-points/{point}",
            VIEW_ASSETS,
            200,
        ),
        j(
            Method::PUT,
            "/api/v1/connection-points/{point}",
            json!({"kind": "vpn", "counterpart": ""}),
            MANAGE_ASSETS,
            422,
        ),
        p(
            Method::DELETE,
            "/api/v1/connection-points/{point}?version=0",
            MANAGE_ASSETS,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/diagram.svg",
            VIEW_DIAGRAM,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/diagram.pdf",
            VIEW_DIAGRAM,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234569/diagram.dot",
            VIEW_DIAGRAM,
            200,
        ),
    ]
}
