//! Accounts: users, their second factor, sessions and API tokens (global identities).

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::User;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub platform_admin: bool,
    pub locale: String,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct UserAuth {
    pub user: User,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    /// SHA-256 of the cookie value: the database never holds a usable session id.
    pub id_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub mfa_verified: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// The first characters of the token, to recognise it in a list.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl ApiToken {
    /// Where the token stands at `now` (the one rule of every grant).
    pub fn standing(&self, now: i64) -> mamori_domain::grants::GrantStanding {
        mamori_domain::grants::standing(self.expires_at, self.revoked_at, now)
    }
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// True when the database holds no institution and no user (first start).
    async fn is_empty(&self) -> Result<bool>;
    async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User>;
    async fn user(&self, id: &str) -> Result<Option<User>>;
    async fn user_auth(&self, id: &str) -> Result<Option<UserAuth>>;
    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>>;
    async fn update_profile(
        &self,
        actor: &Actor,
        user_id: &str,
        expected_version: i64,
        display_name: &str,
        locale: &str,
    ) -> Result<User>;
    /// Set a new password hash and end the user's other sessions (all but `keep_session`).
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()>;
    /// Enrol TOTP; refused with `Conflict` when a secret is already set.
    async fn enable_totp(
        &self,
        actor: &Actor,
        user_id: &str,
        secret: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
    ) -> Result<()>;
    async fn disable_totp(&self, actor: &Actor, user_id: &str) -> Result<()>;
    /// Record a used TOTP time step; false when that step (or a later one) was already used.
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> Result<bool>;
    /// Spend a recovery code; false when unknown or already used.
    async fn use_recovery_code(
        &self,
        actor: &Actor,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool>;
    async fn unused_recovery_codes(&self, user_id: &str) -> Result<i64>;
    async fn create_session(&self, actor: &Actor, session: &SessionRecord) -> Result<()>;
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    /// Mark a session as having passed the second factor, rotating its id and CSRF token
    /// (a session id known before the second factor is worthless after it).
    async fn verify_session_mfa(
        &self,
        actor: &Actor,
        old_id_hash: &str,
        new_id_hash: &str,
        new_csrf_token: &str,
    ) -> Result<()>;
    async fn delete_session(&self, actor: &Actor, id_hash: &str) -> Result<()>;
    async fn delete_user_sessions(&self, actor: &Actor, user_id: &str) -> Result<u64>;
    async fn purge_expired_sessions(&self, now: i64) -> Result<u64>;
    async fn create_token(&self, actor: &Actor, token: &ApiToken, token_hash: &str) -> Result<()>;
    async fn tokens(&self, user_id: &str) -> Result<Vec<ApiToken>>;
    async fn revoke_token(&self, actor: &Actor, user_id: &str, token_id: &str) -> Result<()>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>>;
    async fn touch_token(&self, token_id: &str, now: i64) -> Result<()>;
}
