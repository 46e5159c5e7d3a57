//! The kinds of caller the matrix signs in, who is allowed what, and what a refused caller
//! is answered.

use crate::common::*;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Who {
    Anonymous,
    Role(Role),
    VendorNoContract,
    /// B社: the vendor of the contract the probes open.
    ContractVendor,
    /// A社: a vendor with a contract at the institution, but not this one.
    OtherContractVendor,
    PlatformAdmin,
    OtherInstitutionOfficer,
}

pub(super) const EVERYONE: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::Role(Role::Staff),
    Who::Role(Role::Inspector),
    Who::VendorNoContract,
    Who::ContractVendor,
    Who::OtherContractVendor,
    Who::PlatformAdmin,
    Who::OtherInstitutionOfficer,
];
pub(super) const DASHBOARD: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::Role(Role::Staff),
];
pub(super) const VIEW_MEMBERS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::PlatformAdmin,
];
pub(super) const MANAGE_MEMBERS: &[Who] = &[Who::Role(Role::SecurityOfficer), Who::PlatformAdmin];
pub(super) const AUDIT: &[Who] = &[Who::Role(Role::Executive), Who::Role(Role::SecurityOfficer)];
pub(super) const SETTINGS: &[Who] = &[Who::Role(Role::SecurityOfficer)];
pub(super) const PLATFORM: &[Who] = &[Who::PlatformAdmin];
pub(super) const VIEW_CONTRACTS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
pub(super) const MANAGE_CONTRACTS: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
];
pub(super) const CONTRACT_VIEW: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::ContractVendor,
];
pub(super) const CONTRACT_ANSWER: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::ContractVendor,
];
pub(super) const VIEW_ASSESSMENTS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
pub(super) const ANSWER_ASSESSMENT: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
pub(super) const APPROVE_ASSESSMENT: &[Who] = &[Who::Role(Role::Executive)];
pub(super) const VIEW_ASSETS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
pub(super) const MANAGE_ASSETS: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
/// Send a requested sheet back: the executive, or those who answer withdrawing it.
pub(super) const SEND_BACK: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
/// The inspector account's read-only view (by its role at the institution).
pub(super) const INSPECT: &[Who] = &[Who::Role(Role::Inspector)];
pub(super) const SHEET_B_VIEW: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::ContractVendor,
];
pub(super) const VENDOR_B_ADMIN: &[Who] = &[Who::ContractVendor, Who::PlatformAdmin];
pub(super) const VENDOR_PORTAL: &[Who] = &[
    Who::VendorNoContract,
    Who::ContractVendor,
    Who::OtherContractVendor,
];

/// The status a signed-in caller outside `allowed` gets: 404 where he has no role (he
/// learns nothing of the record), 403 where he has a role lacking the permission. "There" is
/// the institution for its pages and checklists, the institution and the vendor for a
/// contract or a vendor sheet, the vendor for its members; the platform administrator
/// oversees institutions (403 there) but is party to no contract. A page naming no record
/// answers 403 to everyone signed in who lacks the permission.
pub(super) fn refusal(who: Who, path: &str) -> u16 {
    let member = matches!(who, Who::Role(_));
    let scoped = |prefixes: &[&str]| prefixes.iter().any(|p| path.starts_with(p));
    let role_there = if scoped(&["/ledger-imports/unknown", "/api/v1/asset-imports/unknown"]) {
        // A ledger import that does not exist: nobody learns more than that.
        false
    } else if scoped(&[
        "/i/",
        "/api/v1/institutions/",
        "/assessments/",
        "/api/v1/assessments/",
        "/ledger/",
        "/api/v1/assets/",
        "/ledger-imports/",
        "/api/v1/asset-imports/",
        "/checks/",
        "/api/v1/inventory-checks/",
        "/network/",
        "/api/v1/zones/",
        "/api/v1/connection-points/",
    ]) {
        member || who == Who::PlatformAdmin
    } else if scoped(&[
        "/contracts/{contract_b}",
        "/api/v1/contracts/{contract_b}",
        "/contract-documents/",
        "/vendor-sheets/{sheet_b}",
        "/api/v1/vendor-sheets/{sheet_b}",
    ]) {
        member || who == Who::ContractVendor
    } else if scoped(&[
        "/contracts/",
        "/api/v1/contracts/",
        "/vendor-sheets/",
        "/api/v1/vendor-sheets/",
    ]) {
        // C社's contract, A社's vendor sheet
        member || (path.contains("{sheet_a}") && who == Who::OtherContractVendor)
    } else if scoped(&["/inspections/"]) {
        // The inspector's view tells nobody else the sheet exists.
        false
    } else if scoped(&["/certifications/", "/api/v1/certifications/"]) {
        // B社's certificate: the hospital under contract with B社 knows of it.
        member
    } else if scoped(&["/vendors/", "/api/v1/vendors/"]) {
        who == Who::ContractVendor
    } else {
        // Pages that name no record (/admin, catalog imports, the vendor list, new
        // institutions, the vendor portal): there is nothing to hide, and every signed-in
        // user is on the platform.
        true
    };
    if role_there {
        403
    } else {
        404
    }
}
