//! Who asks: the signed-in user as every use case sees it, however the request came (a
//! browser session, an API token, the command line).

use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::{Principal, User};
use mamori_store::Actor;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    /// Roles and memberships in force (roles held back for a missing second factor are
    /// already removed).
    pub principal: Principal,
    /// The time the request is judged at (unix ms).
    pub now: i64,
    /// Institutions requiring a second factor this user has not enrolled: the roles there
    /// are held back until enrolment.
    pub mfa_blocked: Vec<String>,
    /// The API token the request came with, if it came with one.
    pub token_id: Option<String>,
    /// The hash of the browser session's id, if it came from one.
    pub session_id_hash: Option<String>,
    /// Request id and client address, recorded in audit events.
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl Caller {
    /// The actor recorded in the audit events of this caller's changes.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id.clone()),
            label: self.user.email.clone(),
            request_id: self.request_id.clone(),
            client_addr: self.client_addr.clone(),
        }
    }

    /// Whether the caller may take `action` in `scope` (what a page offers).
    pub fn may(&self, action: Action, scope: Scope<'_>) -> bool {
        policy::authorize(&self.principal, action, scope, self.now).allowed()
    }
}
