//! Membership of a vendor organisation (PRODUCT.md, "Who may grant what"): granted only by
//! the vendor's own administrators or a platform administrator, never by an institution.
//! An institution's invitation creates a *pending* membership that gives access to nothing
//! until the vendor confirms it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::model::UnknownValue;

/// A member's role in the vendor organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VendorRole {
    /// Answers the vendor side of the contracts of its vendor.
    Member,
    /// Also confirms, adds and removes the vendor's members.
    Admin,
}

/// Whether a membership gives access yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    /// Confirmed by the vendor (or a platform administrator): the vendor's contracts are visible.
    Active,
    /// Asked for by an institution's invitation; waits for the vendor's confirmation.
    Pending,
}

macro_rules! code {
    ($t:ty, $($v:ident => $s:literal),+) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $t {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($s => Ok(Self::$v),)+ _ => Err(UnknownValue(s.to_string())) }
            }
        }
    };
}
code!(VendorRole, Member => "member", Admin => "admin");
code!(MembershipStatus, Active => "active", Pending => "pending");

/// One membership as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub user_id: String,
    pub role: VendorRole,
    pub status: MembershipStatus,
}

/// Why a change of membership is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipRefusal {
    /// The change would leave the vendor without an active administrator; only a platform
    /// administrator may do that (e.g. to hand the vendor over).
    #[error("the vendor's last administrator cannot be removed")]
    LastAdmin,
    /// An administrator does not confirm or promote himself.
    #[error("one's own membership is changed by another administrator")]
    SelfChange,
}

impl MembershipRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            MembershipRefusal::LastAdmin => "error-vendor-last-admin",
            MembershipRefusal::SelfChange => "error-vendor-self-change",
        }
    }
}

/// Check a change of `target`'s membership to `new` (None: removed) by `actor_user_id`.
pub fn check_change(
    members: &[Membership],
    actor_user_id: &str,
    actor_is_platform_admin: bool,
    target: &str,
    new: Option<(VendorRole, MembershipStatus)>,
) -> Result<(), MembershipRefusal> {
    if actor_is_platform_admin {
        return Ok(());
    }
    let current = members.iter().find(|m| m.user_id == target);
    let is_active_admin =
        |m: &Membership| m.role == VendorRole::Admin && m.status == MembershipStatus::Active;
    if target == actor_user_id {
        // Stepping down is allowed while another administrator remains; anything that
        // raises one's own rights is not.
        let raises = match (current, new) {
            (Some(c), Some((role, status))) => {
                (role == VendorRole::Admin && c.role != VendorRole::Admin)
                    || (status == MembershipStatus::Active && c.status != MembershipStatus::Active)
            }
            (None, Some(_)) => true,
            _ => false,
        };
        if raises {
            return Err(MembershipRefusal::SelfChange);
        }
    }
    let stays_admin = matches!(new, Some((VendorRole::Admin, MembershipStatus::Active)));
    if current.is_some_and(is_active_admin) && !stays_admin {
        let others = members
            .iter()
            .filter(|m| m.user_id != target && is_active_admin(m))
            .count();
        if others == 0 {
            return Err(MembershipRefusal::LastAdmin);
        }
    }
    Ok(())
}

/// An institution's invitation of a vendor contact: a valid e-mail address (trimmed and
/// lower-cased) and a name of 1–100 characters (trimmed).
pub fn check_invitee(
    email: &str,
    display_name: &str,
) -> Result<(String, String), crate::validate::FieldError> {
    use crate::validate::FieldError;
    let email = crate::validate::email(email).map_err(|_| FieldError {
        field: "email",
        key: "error-invite-email",
    })?;
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldError {
            field: "display_name",
            key: "error-invite-name",
        });
    }
    Ok((email, name.to_string()))
}

/// Whether an institution's invitation may name an account that exists already: only one
/// the vendor itself made its active member (the invitation then links it as the contact
/// and grants nothing). Any other account — one with roles elsewhere, or a member of
/// another vendor — is refused: an institution never attaches an account to a vendor.
pub fn may_name_existing(memberships: &[(String, MembershipStatus)], vendor_id: &str) -> bool {
    memberships
        .iter()
        .any(|(v, s)| v == vendor_id && *s == MembershipStatus::Active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MembershipStatus::*;
    use VendorRole::*;

    fn m(id: &str, role: VendorRole, status: MembershipStatus) -> Membership {
        Membership {
            user_id: id.into(),
            role,
            status,
        }
    }

    #[test]
    fn last_admin_stays_unless_platform_admin() {
        let ms = [m("a", Admin, Active), m("b", Member, Active)];
        assert_eq!(
            check_change(&ms, "a", false, "a", None),
            Err(MembershipRefusal::LastAdmin)
        );
        assert_eq!(
            check_change(&ms, "a", false, "a", Some((Member, Active))),
            Err(MembershipRefusal::LastAdmin)
        );
        assert!(check_change(&ms, "p", true, "a", None).is_ok());
        // With a second administrator the first may step down.
        let ms2 = [m("a", Admin, Active), m("b", Admin, Active)];
        assert!(check_change(&ms2, "a", false, "a", Some((Member, Active))).is_ok());
        assert!(check_change(&ms2, "a", false, "b", None).is_ok());
    }

    #[test]
    fn nobody_raises_his_own_membership() {
        let ms = [m("a", Admin, Active), m("b", Member, Pending)];
        assert_eq!(
            check_change(&ms, "b", false, "b", Some((Member, Active))),
            Err(MembershipRefusal::SelfChange)
        );
        assert_eq!(
            check_change(&ms, "b", false, "b", Some((Admin, Pending))),
            Err(MembershipRefusal::SelfChange)
        );
        assert!(check_change(&ms, "a", false, "b", Some((Member, Active))).is_ok());
        // A pending member may withdraw his own request.
        assert!(check_change(&ms, "b", false, "b", None).is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for r in [Member, Admin] {
            assert_eq!(r.as_str().parse::<VendorRole>(), Ok(r));
        }
        for s in [Active, Pending] {
            assert_eq!(s.as_str().parse::<MembershipStatus>(), Ok(s));
        }
        assert!("owner".parse::<VendorRole>().is_err());
    }

    #[test]
    fn invitees() {
        assert_eq!(
            check_invitee(" Yamada@B-sha.example.jp ", " 山田 ").unwrap(),
            ("yamada@b-sha.example.jp".to_string(), "山田".to_string())
        );
        assert_eq!(check_invitee("bad", "x").unwrap_err().field, "email");
        assert_eq!(
            check_invitee("a@b.jp", " ").unwrap_err().key,
            "error-invite-name"
        );
        assert!(check_invitee("a@b.jp", &"名".repeat(101)).is_err());
        let mine = vec![("v1".to_string(), Active), ("v2".to_string(), Pending)];
        assert!(may_name_existing(&mine, "v1"));
        assert!(!may_name_existing(&mine, "v2"));
        assert!(!may_name_existing(&[], "v1"));
    }
}
