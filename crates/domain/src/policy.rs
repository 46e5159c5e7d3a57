//! The one place where access is decided. Every HTTP route (HTML and JSON) names an
//! [`Action`] and a [`Scope`]; the web layer asks [`authorize`] and nothing else.

use crate::model::{Principal, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Own profile, password, MFA, sessions and API tokens.
    ManageOwnAccount,
    /// The institution's dashboard shell.
    ViewDashboard,
    /// The list of members and their roles.
    ViewMembers,
    /// Add members, grant and revoke roles.
    ManageMembers,
    /// Read the institution's audit events.
    ViewAudit,
    /// Export the institution's audit events (CSV).
    ExportAudit,
    /// Institution settings (e.g. mandatory MFA).
    ManageSettings,
    /// List every institution, create institutions and vendors (platform operation).
    AdministerPlatform,
    /// Read the official documents (catalogs) and their crosswalks: public texts.
    BrowseCatalogs,
    /// Systems, contracts, their role-sharing checklists and the cross-vendor matrix.
    /// On a contract, also the contract's vendor.
    ViewContracts,
    /// Register systems and contracts (the institution's side of vendor management).
    ManageContracts,
    /// Propose, accept and reopen role-sharing items: the institution's planning side, or
    /// on a contract the contract's vendor.
    AnswerRoleSharing,
    /// The vendor portal: the contracts of the vendors the user belongs to.
    UseVendorPortal,
    /// The institution's cybersecurity checklists (assessments) and their revisions.
    ViewAssessments,
    /// Start an assessment and answer its items.
    AnswerAssessment,
    /// Approve a completed assessment (経営層の承認).
    ApproveAssessment,
    /// Read the institution's checklists as the prefecture's inspector does (立入検査):
    /// the sheets, the submitted vendor sheets and the evidence, read-only, every opening
    /// audited.
    InspectAssessments,
    /// A vendor organisation's members: confirm pending memberships, add, promote, remove.
    /// The vendor's own administrators or a platform administrator; never an institution.
    ManageVendorMembers,
    /// The asset ledger (機器台帳) and each entry's history.
    ViewAssets,
    /// Add and change ledger entries (the system operators keep it; the officer and the
    /// planning manager too).
    ManageAssets,
}

impl Action {
    pub const ALL: [Action; 20] = [
        Action::ViewAssets,
        Action::ManageAssets,
        Action::ManageVendorMembers,
        Action::InspectAssessments,
        Action::BrowseCatalogs,
        Action::ViewAssessments,
        Action::AnswerAssessment,
        Action::ApproveAssessment,
        Action::ViewContracts,
        Action::ManageContracts,
        Action::AnswerRoleSharing,
        Action::UseVendorPortal,
        Action::ManageOwnAccount,
        Action::ViewDashboard,
        Action::ViewMembers,
        Action::ManageMembers,
        Action::ViewAudit,
        Action::ExportAudit,
        Action::ManageSettings,
        Action::AdministerPlatform,
    ];
}

/// What an action applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The signed-in user's own account.
    OwnAccount,
    /// One institution (by id).
    Institution(&'a str),
    /// The platform as a whole.
    Platform,
    /// One vendor organisation (by id).
    Vendor(&'a str),
    /// One contract: the institution's roles, or the contract's vendor.
    Contract {
        institution_id: &'a str,
        vendor_id: &'a str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

impl Decision {
    pub fn allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Which institution roles may perform an institution-scoped action.
pub fn institution_roles_for(action: Action) -> &'static [Role] {
    use Role::*;
    match action {
        Action::ViewDashboard => &[
            Executive,
            SecurityOfficer,
            PlanningManager,
            SystemOperator,
            Staff,
        ],
        Action::ViewMembers => &[Executive, SecurityOfficer, PlanningManager],
        Action::ManageMembers => &[SecurityOfficer],
        Action::ViewAudit | Action::ExportAudit => &[Executive, SecurityOfficer],
        Action::ManageSettings => &[SecurityOfficer],
        Action::ViewContracts => &[Executive, SecurityOfficer, PlanningManager, SystemOperator],
        Action::ManageContracts | Action::AnswerRoleSharing => &[SecurityOfficer, PlanningManager],
        Action::ViewAssessments => &[Executive, SecurityOfficer, PlanningManager, SystemOperator],
        Action::AnswerAssessment => &[SecurityOfficer, PlanningManager, SystemOperator],
        Action::ApproveAssessment => &[Executive],
        Action::InspectAssessments => &[Inspector],
        Action::ViewAssets => &[Executive, SecurityOfficer, PlanningManager, SystemOperator],
        Action::ManageAssets => &[SecurityOfficer, PlanningManager, SystemOperator],
        Action::ManageOwnAccount
        | Action::AdministerPlatform
        | Action::BrowseCatalogs
        | Action::UseVendorPortal
        | Action::ManageVendorMembers => &[],
    }
}

/// Decide whether `principal` may perform `action` on `scope` at time `now` (unix ms).
///
/// - Own-account actions are open to every signed-in user.
/// - Institution actions need a live role in that institution listed by
///   [`institution_roles_for`]. A platform administrator may view and manage members of
///   any institution (to appoint its first security officer) but reads none of its records.
/// - Vendor users and inspectors hold no institution permission in the foundation: vendor
///   access comes with contracts, inspector access with a linked assessment.
pub fn authorize(principal: &Principal, action: Action, scope: Scope<'_>, now: i64) -> Decision {
    let allow = match (action, scope) {
        (Action::ManageOwnAccount, Scope::OwnAccount) => true,
        (Action::BrowseCatalogs, Scope::Platform) => true,
        (Action::AdministerPlatform, Scope::Platform) => principal.platform_admin,
        (Action::UseVendorPortal, Scope::Platform) => !principal.vendor_ids.is_empty(),
        (Action::ManageVendorMembers, Scope::Vendor(id)) => {
            principal.platform_admin || principal.vendor_admin_ids.iter().any(|v| v == id)
        }
        (
            Action::ViewContracts | Action::AnswerRoleSharing,
            Scope::Contract {
                institution_id,
                vendor_id,
            },
        ) => contract_party(principal, action, institution_id, vendor_id, now).is_some(),
        (Action::ViewMembers | Action::ManageMembers, Scope::Institution(_))
            if principal.platform_admin =>
        {
            true
        }
        (_, Scope::Institution(id)) => {
            let needed = institution_roles_for(action);
            principal
                .roles_in(id, now)
                .iter()
                .any(|r| needed.contains(r))
        }
        _ => false,
    };
    if allow {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// On which side of a contract `principal` acts for `action`: the institution (a role that
/// allows it there) or the contract's vendor (a member of that vendor). None: neither.
pub fn contract_party(
    principal: &Principal,
    action: Action,
    institution_id: &str,
    vendor_id: &str,
    now: i64,
) -> Option<crate::role_sharing::Party> {
    let needed = institution_roles_for(action);
    if principal
        .roles_in(institution_id, now)
        .iter()
        .any(|r| needed.contains(r))
    {
        Some(crate::role_sharing::Party::Institution)
    } else if principal.vendor_ids.iter().any(|v| v == vendor_id) {
        Some(crate::role_sharing::Party::Vendor)
    } else {
        None
    }
}

/// Which roles a user with `granter_roles` may grant. Only a security officer (or a platform
/// administrator) grants roles; nobody grants platform or vendor roles through an institution.
pub fn may_grant(principal: &Principal, institution_id: &str, role: Role, now: i64) -> bool {
    role.is_institution_role()
        && authorize(
            principal,
            Action::ManageMembers,
            Scope::Institution(institution_id),
            now,
        )
        .allowed()
}

/// Whether a role may be granted to an existing account by its id: only to someone who
/// already holds a role in the institution, unless a platform administrator grants it. An
/// account of another institution joins only by its own acceptance of an invitation.
pub fn may_grant_to(granter: &Principal, target_is_member_here: bool) -> bool {
    granter.platform_admin || target_is_member_here
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RoleGrant;

    fn with_role(role: Role) -> Principal {
        Principal {
            user_id: "u".into(),
            platform_admin: false,
            grants: vec![RoleGrant {
                institution_id: "i1".into(),
                role,
                expires_at: None,
            }],
            vendor_ids: vec![],
            vendor_admin_ids: vec![],
        }
    }

    #[test]
    fn roles_are_confined_to_their_institution() {
        for role in Role::INSTITUTION {
            let p = with_role(role);
            for action in Action::ALL
                .into_iter()
                .filter(|a| *a != Action::BrowseCatalogs)
            {
                let other = authorize(&p, action, Scope::Institution("i2"), 0);
                assert_eq!(
                    other,
                    Decision::Deny,
                    "{role:?} {action:?} on another institution"
                );
            }
        }
    }

    #[test]
    fn expired_grant_gives_nothing() {
        let mut p = with_role(Role::SecurityOfficer);
        p.grants[0].expires_at = Some(10);
        assert!(authorize(&p, Action::ViewAudit, Scope::Institution("i1"), 5).allowed());
        assert!(!authorize(&p, Action::ViewAudit, Scope::Institution("i1"), 10).allowed());
    }

    #[test]
    fn vendor_without_contract_reaches_no_institution() {
        let p = Principal {
            user_id: "v".into(),
            vendor_ids: vec!["vendor-a".into()],
            ..Default::default()
        };
        for action in Action::ALL {
            assert!(!authorize(&p, action, Scope::Institution("i1"), 0).allowed());
            let b = Scope::Contract {
                institution_id: "i1",
                vendor_id: "vendor-b",
            };
            assert!(
                !authorize(&p, action, b, 0).allowed(),
                "{action:?} on B's contract"
            );
        }
        let a = Scope::Contract {
            institution_id: "i1",
            vendor_id: "vendor-a",
        };
        assert!(authorize(&p, Action::ViewContracts, a, 0).allowed());
        assert!(authorize(&p, Action::AnswerRoleSharing, a, 0).allowed());
        assert!(!authorize(&p, Action::ManageContracts, a, 0).allowed());
        assert!(authorize(&p, Action::UseVendorPortal, Scope::Platform, 0).allowed());
        assert!(authorize(&p, Action::BrowseCatalogs, Scope::Platform, 0).allowed());
        assert!(authorize(&p, Action::ManageOwnAccount, Scope::OwnAccount, 0).allowed());
    }

    #[test]
    fn only_a_vendors_admins_manage_its_members() {
        let member = Principal {
            user_id: "v".into(),
            vendor_ids: vec!["vendor-a".into()],
            ..Default::default()
        };
        let admin = Principal {
            vendor_admin_ids: vec!["vendor-a".into()],
            ..member.clone()
        };
        let a = Scope::Vendor("vendor-a");
        assert!(!authorize(&member, Action::ManageVendorMembers, a, 0).allowed());
        assert!(authorize(&admin, Action::ManageVendorMembers, a, 0).allowed());
        assert!(!authorize(
            &admin,
            Action::ManageVendorMembers,
            Scope::Vendor("vendor-b"),
            0
        )
        .allowed());
        // No institution role reaches a vendor's members, not even the security officer.
        for role in Role::INSTITUTION {
            assert!(!authorize(&with_role(role), Action::ManageVendorMembers, a, 0).allowed());
        }
        let pa = Principal {
            platform_admin: true,
            ..Default::default()
        };
        assert!(authorize(&pa, Action::ManageVendorMembers, a, 0).allowed());
    }

    #[test]
    fn only_security_officer_grants_and_never_platform_roles() {
        let so = with_role(Role::SecurityOfficer);
        assert!(may_grant(&so, "i1", Role::Staff, 0));
        assert!(!may_grant(&so, "i1", Role::PlatformAdmin, 0));
        assert!(!may_grant(&so, "i1", Role::VendorUser, 0));
        assert!(!may_grant(
            &with_role(Role::Executive),
            "i1",
            Role::Staff,
            0
        ));
    }
}
