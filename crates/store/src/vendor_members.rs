//! Vendor organisations' members and the throttling of secret checks: two small areas of
//! the storage contract, each its own trait (combined into [`crate::Store`]).

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::vendor_members::{MembershipStatus, VendorRole};
use mamori_domain::User;

/// One membership of a vendor organisation, with the member's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorMember {
    pub vendor_id: String,
    pub vendor_name: String,
    pub user: User,
    pub role: VendorRole,
    pub status: MembershipStatus,
    /// The institution whose invitation asked for this membership, if any.
    pub requested_by_institution: Option<String>,
    pub requested_by_name: Option<String>,
    pub created_at: i64,
}

/// A change of one membership: `Some((role, status))` sets it (creating it when missing),
/// `None` removes it.
pub type MembershipChange = Option<(VendorRole, MembershipStatus)>;

#[async_trait]
pub trait VendorMemberStore: Send + Sync {
    /// Every membership of a vendor, active and pending, administrators first.
    async fn vendor_members(&self, vendor_id: &str) -> Result<Vec<VendorMember>>;
    /// Every membership a user holds or waits for.
    async fn memberships_of(&self, user_id: &str) -> Result<Vec<VendorMember>>;
    /// Change `user_id`'s membership of `vendor_id`, checked against the vendor's other
    /// members by [`mamori_domain::vendor_members::check_change`] inside the transaction
    /// (the vendor's row is held, so two changes cannot both remove "the other" admin).
    /// `NotFound` when removing a membership that does not exist;
    /// `StoreError::Membership` when the rule refuses.
    async fn change_vendor_member(
        &self,
        actor: &Actor,
        vendor_id: &str,
        user_id: &str,
        change: MembershipChange,
        by_platform_admin: bool,
    ) -> Result<()>;
    /// Confirm a pending membership (it becomes active with `role`). The account was made
    /// from an institution's invitation, whose link the inviter may have seen and used: in
    /// the same transaction its password becomes `password_hash` (a new one-time password
    /// the vendor's administrator hands to the person), and its second factor, recovery
    /// codes, sessions and API tokens are removed. `Conflict` when the membership is not
    /// pending; the same rules as `change_vendor_member` otherwise.
    async fn confirm_vendor_member(
        &self,
        actor: &Actor,
        vendor_id: &str,
        user_id: &str,
        role: VendorRole,
        password_hash: &str,
        by_platform_admin: bool,
    ) -> Result<()>;
}

#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Count an attempt for the key (already hashed by the caller) or refuse it with the
    /// seconds to wait when `max` attempts are already within `window_ms` before `now`.
    /// Checking and counting are one transaction: parallel requests and other processes
    /// cannot slip past the limit, and a restart forgets nothing.
    async fn throttle_attempt(
        &self,
        key_hash: &str,
        max: u32,
        window_ms: i64,
        now: i64,
    ) -> Result<std::result::Result<(), u64>>;
    /// Forget the latest attempt of the key (a success is not held against it).
    async fn throttle_forgive_one(&self, key_hash: &str) -> Result<()>;
    /// Forget every attempt of the key.
    async fn throttle_clear(&self, key_hash: &str) -> Result<()>;
    /// Forget every attempt of every key (`mamori throttle clear`, after a lock-out);
    /// returns how many keys were throttled.
    async fn throttle_clear_all(&self) -> Result<u64>;
}
