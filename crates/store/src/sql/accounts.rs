//! SQL of the accounts area (AccountStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{end_sign_ins, finish, This, Tx, UserRow, USER_COLS};
use crate::error::{dup, fk};
use crate::{
    new_id, now_ms, AccountStore, Actor, ApiToken, AuditDraft, ConflictKind, Entity, NewUser,
    Result, SessionRecord, StoreError, UserAuth,
};
use async_trait::async_trait;
use mamori_domain::User;
use serde_json::json;

/// Why a guarded update of a user changed no row: the user is missing, or the guard (a
/// version, an existing second factor) refused it.
async fn user_refusal(tx: &mut Tx, user_id: &str, guarded: ConflictKind) -> Result<StoreError> {
    let exists: Option<(i64,)> = sqlx::query_as("SELECT version FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match exists {
        Some(_) => StoreError::Conflict(guarded),
        None => StoreError::NotFound(Entity::User),
    })
}

impl This {
    async fn user_where(&self, column: &str, value: &str) -> Result<Option<UserAuth>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE {column} = $1");
        Ok(sqlx::query_as::<_, UserRow>(&sql)
            .bind(value)
            .fetch_optional(self.r())
            .await?
            .map(UserRow::into_auth))
    }
}

#[async_trait]
impl AccountStore for This {
    fn backend(&self) -> &'static str {
        This::backend_name()
    }

    async fn is_empty(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM institutions) + (SELECT COUNT(*) FROM users)",
        )
        .fetch_one(self.r())
        .await?;
        Ok(n == 0)
    }

    async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let user = User {
            id: new_id(),
            email: new.email,
            display_name: new.display_name,
            platform_admin: new.platform_admin,
            locale: new.locale,
            mfa_enabled: false,
            disabled: false,
            version: 1,
            created_at: now_ms(),
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, platform_admin, locale, \
             version, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&new.password_hash)
        .bind(user.platform_admin)
        .bind(&user.locale)
        .bind(user.version)
        .bind(user.created_at)
        .execute(&mut *tx)
        .await
        .map_err(dup(Entity::User))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.create",
                "user",
                &user.id,
                json!({"email": user.email, "display_name": user.display_name,
                       "platform_admin": user.platform_admin}),
            ),
        )
        .await?;
        Ok(user)
    }

    async fn user(&self, id: &str) -> Result<Option<User>> {
        Ok(self.user_where("id", id).await?.map(|a| a.user))
    }

    async fn user_auth(&self, id: &str) -> Result<Option<UserAuth>> {
        self.user_where("id", id).await
    }

    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>> {
        self.user_where("email", email).await
    }

    async fn update_profile(
        &self,
        actor: &Actor,
        user_id: &str,
        expected_version: i64,
        display_name: &str,
        locale: &str,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE users SET display_name = $1, locale = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
        )
        .bind(display_name)
        .bind(locale)
        .bind(user_id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(user_refusal(&mut tx, user_id, ConflictKind::StaleUser).await?);
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.update_profile",
                "user",
                user_id,
                json!({"display_name": display_name, "locale": locale}),
            ),
        )
        .await?;
        self.user(user_id)
            .await?
            .ok_or(StoreError::NotFound(Entity::User))
    }

    async fn set_password(
        &self,
        actor: &Actor,
        user_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n =
            sqlx::query("UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(Entity::User));
        }
        // A session or token made under the old password must not outlive it.
        let (ended, revoked) = end_sign_ins(&mut tx, user_id, keep_session).await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.password_change",
                "user",
                user_id,
                json!({"other_sessions_ended": ended, "tokens_revoked": revoked}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn enable_totp(
        &self,
        actor: &Actor,
        user_id: &str,
        secret: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_last_step = $2, version = version + 1 \
             WHERE id = $3 AND totp_secret IS NULL",
        )
        .bind(secret)
        .bind(first_step)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(user_refusal(&mut tx, user_id, ConflictKind::SecondFactorEnabled).await?);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for h in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(h)
                .execute(&mut *tx)
                .await?;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.mfa_enable",
                "user",
                user_id,
                json!({"recovery_codes": recovery_code_hashes.len()}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn disable_totp(&self, actor: &Actor, user_id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET totp_secret = NULL, version = version + 1 WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(None, "user.mfa_disable", "user", user_id, json!({})),
        )
        .await?;
        Ok(())
    }

    async fn accept_totp_step(&self, user_id: &str, step: i64) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.w())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn use_recovery_code(
        &self,
        actor: &Actor,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 \
             AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        finish(
            tx,
            actor,
            AuditDraft::new(None, "user.recovery_code_used", "user", user_id, json!({})),
        )
        .await?;
        Ok(true)
    }

    async fn unused_recovery_codes(&self, user_id: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.r())
        .await?;
        Ok(n)
    }

    async fn create_session(&self, actor: &Actor, s: &SessionRecord) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_verified, created_at, \
             last_seen_at, expires_at, client_addr, user_agent) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(&s.id_hash)
        .bind(&s.user_id)
        .bind(&s.csrf_token)
        .bind(s.mfa_verified)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(&s.client_addr)
        .bind(&s.user_agent)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::User))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "auth.sign_in",
                "user",
                &s.user_id,
                json!({"mfa_verified": s.mfa_verified, "user_agent": s.user_agent}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        self.one(
            "SELECT id_hash, user_id, csrf_token, mfa_verified, created_at, last_seen_at, \
             expires_at, client_addr, user_agent FROM sessions WHERE id_hash = $1",
            id_hash,
        )
        .await
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(self.w())
            .await?;
        Ok(())
    }

    async fn verify_session_mfa(
        &self,
        actor: &Actor,
        old_id_hash: &str,
        new_id_hash: &str,
        new_csrf_token: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let user: Option<(String,)> = sqlx::query_as(
            "UPDATE sessions SET mfa_verified = TRUE, id_hash = $1, csrf_token = $2 \
             WHERE id_hash = $3 RETURNING user_id",
        )
        .bind(new_id_hash)
        .bind(new_csrf_token)
        .bind(old_id_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id,) = user.ok_or(StoreError::NotFound(Entity::Session))?;
        finish(
            tx,
            actor,
            AuditDraft::new(None, "auth.mfa_verified", "user", &user_id, json!({})),
        )
        .await?;
        Ok(())
    }

    async fn delete_session(&self, actor: &Actor, id_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let user: Option<(String,)> =
            sqlx::query_as("DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id")
                .bind(id_hash)
                .fetch_optional(&mut *tx)
                .await?;
        match user {
            Some((user_id,)) => {
                let draft = AuditDraft::new(None, "auth.sign_out", "user", &user_id, json!({}));
                finish(tx, actor, draft).await?;
            }
            None => tx.commit().await?,
        }
        Ok(())
    }

    async fn delete_user_sessions(&self, actor: &Actor, user_id: &str) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "auth.sign_out_everywhere",
                "user",
                user_id,
                json!({"sessions": n}),
            ),
        )
        .await?;
        Ok(n)
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.w())
            .await?
            .rows_affected())
    }

    async fn create_token(&self, actor: &Actor, t: &ApiToken, token_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, \
             expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&t.id)
        .bind(&t.user_id)
        .bind(&t.name)
        .bind(token_hash)
        .bind(&t.prefix)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::User))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "token.create",
                "user",
                &t.user_id,
                json!({"token_id": t.id, "name": t.name, "prefix": t.prefix,
                       "expires_at": t.expires_at}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn tokens(&self, user_id: &str) -> Result<Vec<ApiToken>> {
        self.all(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC",
            user_id,
        )
        .await
    }

    async fn revoke_token(&self, actor: &Actor, user_id: &str, token_id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(Entity::ApiToken));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "token.revoke",
                "user",
                user_id,
                json!({"token_id": token_id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        self.one(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at \
             FROM api_tokens WHERE token_hash = $1",
            token_hash,
        )
        .await
    }

    async fn touch_token(&self, token_id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_id)
            .execute(self.w())
            .await?;
        Ok(())
    }
}
