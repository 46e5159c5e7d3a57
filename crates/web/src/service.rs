//! Operations shared by the HTML pages and the JSON API: each checks the policy, validates
//! its input, and calls the store (which audits the change in the same transaction).

use crate::auth::{self, AnyAuth, Auth};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use mamori_domain::audit::AuditRecord;
use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::{password, validate, Institution, InstitutionKind, Role, User, Vendor};
use mamori_store::{
    now_ms, ApiToken, AuditDraft, AuditFilter, InstitutionSettings, Member, NewInstitution,
    NewUser, Store,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Resolve an institution by its 医療機関コード and check `action` on it. Someone with no
/// role there learns nothing (404); a member lacking the permission is refused (403).
pub async fn institution_for(
    store: &dyn Store,
    auth: &Auth,
    code: &str,
    action: Action,
) -> AppResult<Institution> {
    let inst = store
        .institution_by_code(code)
        .await?
        .ok_or(AppError::NotFound)?;
    if may(auth, action, Scope::Institution(&inst.id)) {
        return Ok(inst);
    }
    if auth.mfa_blocked.contains(&inst.id) {
        // A member whose roles here wait for a second factor: enrol first.
        return Err(AppError::EnrolRequired);
    }
    let member = !auth.principal.roles_in(&inst.id, auth.now).is_empty();
    Err(if member || auth.principal.platform_admin {
        AppError::Forbidden
    } else {
        AppError::NotFound
    })
}

/// Credentials (password, second factor, API tokens) are managed in a signed-in browser
/// session only: a stolen API token must not be able to entrench itself.
pub fn interactive(auth: &AnyAuth) -> AppResult<()> {
    if auth.token_id.is_some() {
        Err(AppError::BadRequest("error-needs-session"))
    } else {
        Ok(())
    }
}

/// Count an attempt at a secret check (current password, TOTP code) against `key`.
pub async fn attempt(state: &AppState, key: &str) -> AppResult<()> {
    state
        .0
        .throttle
        .begin(key, state.cfg().login_max_per_account, now_ms())
        .await
}

/// Whether the signed-in user may take `action` in `scope` (what a page offers).
pub fn may(auth: &AnyAuth, action: Action, scope: Scope<'_>) -> bool {
    policy::authorize(&auth.principal, action, scope, auth.now).allowed()
}

pub fn require(auth: &AnyAuth, action: Action, scope: Scope<'_>) -> AppResult<()> {
    if may(auth, action, scope) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The institutions the user may open, in code order.
pub async fn my_institutions(store: &dyn Store, auth: &AnyAuth) -> AppResult<Vec<Institution>> {
    Ok(store
        .institutions_by_ids(&auth.principal.institution_ids(auth.now))
        .await?)
}

// ------------------------------------------------------------------ members

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AddMemberInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Unix ms; required for the inspector role (its access is time-limited).
    #[serde(default)]
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AddedMember {
    pub user: UserView,
    /// Set when a new account was created: shown once, to hand to the person.
    pub initial_password: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub mfa_enabled: bool,
    pub platform_admin: bool,
    pub locale: String,
    pub version: i64,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id.clone(),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            mfa_enabled: u.mfa_enabled,
            platform_admin: u.platform_admin,
            locale: u.locale.clone(),
            version: u.version,
        }
    }
}

/// Create an account for someone new, with a one-time initial password (returned, to be
/// shown once to whoever adds the person).
pub async fn create_account(
    store: &dyn Store,
    actor: &mamori_store::Actor,
    email: String,
    display_name: String,
) -> AppResult<(User, String)> {
    let pw = initial_password();
    let hash = auth::hash_password_blocking(pw.clone()).await?;
    let user = store
        .create_user(
            actor,
            NewUser {
                email,
                display_name,
                password_hash: hash,
                platform_admin: false,
                locale: "ja".into(),
            },
        )
        .await?;
    Ok((user, pw))
}

pub fn initial_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A platform administrator manages members but does not make himself one: a role for
/// oneself comes from the institution's own security officer.
fn check_self_grant(auth: &Auth, inst: &Institution, user_id: &str) -> AppResult<()> {
    let officer = auth
        .principal
        .roles_in(&inst.id, auth.now)
        .contains(&Role::SecurityOfficer);
    if user_id == auth.user.id && !officer {
        return Err(AppError::Invalid {
            field: "role",
            key: "error-self-grant",
        });
    }
    Ok(())
}

/// Members holding a live (unexpired) security-officer grant.
async fn live_officers(store: &dyn Store, inst: &Institution, now: i64) -> AppResult<Vec<String>> {
    Ok(store
        .members(&inst.id)
        .await?
        .into_iter()
        .filter(|m| {
            m.roles
                .iter()
                .any(|(r, e)| *r == Role::SecurityOfficer && e.is_none_or(|e| e > now))
        })
        .map(|m| m.user.id)
        .collect())
}

fn check_grant(
    auth: &Auth,
    inst: &Institution,
    role: Role,
    expires_at: Option<i64>,
) -> AppResult<()> {
    if !policy::may_grant(&auth.principal, &inst.id, role, auth.now) {
        return Err(AppError::Invalid {
            field: "role",
            key: "error-role-not-grantable",
        });
    }
    match (role, expires_at) {
        (Role::Inspector, None) => Err(AppError::Invalid {
            field: "expires_at",
            key: "error-inspector-needs-expiry",
        }),
        (_, Some(e)) if e <= auth.now => Err(AppError::Invalid {
            field: "expires_at",
            key: "error-expiry-in-past",
        }),
        _ => Ok(()),
    }
}

/// Add a person to the institution with a role. An existing account (same e-mail) gets the
/// role; otherwise an account is created with a one-time initial password.
pub async fn add_member(
    store: &dyn Store,
    auth: &Auth,
    inst: &Institution,
    input: AddMemberInput,
) -> AppResult<AddedMember> {
    let email = validate::email(&input.email).map_err(AppError::invalid)?;
    let name = validate::name("display_name", &input.display_name).map_err(AppError::invalid)?;
    check_grant(auth, inst, input.role, input.expires_at)?;
    let actor = auth.actor();
    let (user, initial_password) = match store.user_auth_by_email(&email).await? {
        // Linking an existing account shares its sign-in history with this institution:
        // only a platform administrator does that (the person's other institutions stay
        // invisible either way).
        Some(_) if !auth.principal.platform_admin => {
            return Err(AppError::Invalid {
                field: "email",
                key: "error-account-exists",
            })
        }
        Some(existing) => {
            check_self_grant(auth, inst, &existing.user.id)?;
            (existing.user, None)
        }
        None => {
            let (user, pw) = create_account(store, &actor, email, name).await?;
            (user, Some(pw))
        }
    };
    store
        .grant_role(&actor, &inst.id, &user.id, input.role, input.expires_at)
        .await?;
    Ok(AddedMember {
        user: UserView::from(&user),
        initial_password,
    })
}

pub async fn grant_role(
    store: &dyn Store,
    auth: &Auth,
    inst: &Institution,
    user_id: &str,
    role: Role,
    expires_at: Option<i64>,
) -> AppResult<()> {
    check_grant(auth, inst, role, expires_at)?;
    check_self_grant(auth, inst, user_id)?;
    store.user(user_id).await?.ok_or(AppError::NotFound)?;
    // By id, only someone who is already a member here gets another role: an account that
    // belongs elsewhere joins by accepting an invitation or through a platform
    // administrator (the same rule as adding by e-mail). Not a member: as if unknown.
    let member_here = store
        .members(&inst.id)
        .await?
        .iter()
        .any(|m| m.user.id == user_id);
    if !policy::may_grant_to(&auth.principal, member_here) {
        return Err(AppError::NotFound);
    }
    if role == Role::SecurityOfficer && expires_at.is_some() {
        let live = live_officers(store, inst, auth.now).await?;
        if live == [user_id.to_string()] {
            return Err(AppError::Invalid {
                field: "expires_at",
                key: "error-last-security-officer",
            });
        }
    }
    Ok(store
        .grant_role(&auth.actor(), &inst.id, user_id, role, expires_at)
        .await?)
}

/// Revoke a role. The institution's last security officer cannot be removed: nobody could
/// manage its members afterwards.
pub async fn revoke_role(
    store: &dyn Store,
    auth: &Auth,
    inst: &Institution,
    user_id: &str,
    role: Role,
) -> AppResult<()> {
    if role == Role::SecurityOfficer {
        let live = live_officers(store, inst, auth.now).await?;
        if live.len() <= 1 && live.iter().any(|u| u == user_id) {
            return Err(AppError::Invalid {
                field: "role",
                key: "error-last-security-officer",
            });
        }
    }
    Ok(store
        .revoke_role(&auth.actor(), &inst.id, user_id, role)
        .await?)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub user: UserView,
    pub roles: Vec<RoleView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleView {
    pub role: Role,
    pub expires_at: Option<i64>,
}

impl From<&Member> for MemberView {
    fn from(m: &Member) -> Self {
        MemberView {
            user: UserView::from(&m.user),
            roles: m
                .roles
                .iter()
                .map(|(role, expires_at)| RoleView {
                    role: *role,
                    expires_at: *expires_at,
                })
                .collect(),
        }
    }
}

// ------------------------------------------------------------------ institutions

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SettingsInput {
    /// The version you read; a stale version is refused with 409.
    pub version: i64,
    pub name: String,
    pub beds: i64,
    pub mfa_required: bool,
}

pub async fn update_settings(
    store: &dyn Store,
    auth: &Auth,
    inst: &Institution,
    input: SettingsInput,
) -> AppResult<Institution> {
    let name = validate::name("name", &input.name).map_err(AppError::invalid)?;
    validate::beds(inst.kind, input.beds).map_err(AppError::invalid)?;
    Ok(store
        .update_institution(
            &auth.actor(),
            &inst.id,
            input.version,
            InstitutionSettings {
                name,
                beds: input.beds,
                mfa_required: input.mfa_required,
            },
        )
        .await?)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewInstitutionInput {
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub prefecture: String,
    #[serde(default)]
    pub beds: i64,
    #[serde(default)]
    pub mfa_required: bool,
}

pub async fn create_institution(
    store: &dyn Store,
    auth: &Auth,
    input: NewInstitutionInput,
) -> AppResult<Institution> {
    require(auth, Action::AdministerPlatform, Scope::Platform)?;
    let code = input.code.trim().to_string();
    let prefecture = input.prefecture.trim().to_string();
    validate::institution_code(&code, &prefecture).map_err(AppError::invalid)?;
    let name = validate::name("name", &input.name).map_err(AppError::invalid)?;
    validate::beds(input.kind, input.beds).map_err(AppError::invalid)?;
    Ok(store
        .create_institution(
            &auth.actor(),
            NewInstitution {
                code,
                name,
                kind: input.kind,
                prefecture,
                beds: input.beds,
                mfa_required: input.mfa_required,
            },
        )
        .await?)
}

pub async fn create_vendor(store: &dyn Store, auth: &Auth, name: &str) -> AppResult<Vendor> {
    require(auth, Action::AdministerPlatform, Scope::Platform)?;
    let name = validate::name("name", name).map_err(AppError::invalid)?;
    Ok(store.create_vendor(&auth.actor(), &name).await?)
}

// ------------------------------------------------------------------ audit

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Action prefix, e.g. `auth.` or `member.`.
    pub action: Option<String>,
    /// Part of the actor's e-mail.
    pub actor: Option<String>,
    /// From this date (YYYY-MM-DD, Japan time), inclusive.
    pub from: Option<String>,
    /// To this date (YYYY-MM-DD, Japan time), inclusive.
    pub to: Option<String>,
    pub page: Option<i64>,
}

pub const AUDIT_PAGE: i64 = 50;
/// Highest page number accepted anywhere (keeps offsets far from overflow).
pub const MAX_PAGE: i64 = 100_000;

fn jst_day_start(s: &str) -> AppResult<Option<i64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::Invalid {
        field: "from",
        key: "error-invalid-date",
    })?;
    let t = d
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - 9 * 3600 * 1000);
    Ok(t)
}

impl AuditQuery {
    pub fn filter(&self, institution_id: &str, limit: i64) -> AppResult<AuditFilter> {
        let from = self
            .from
            .as_deref()
            .map(jst_day_start)
            .transpose()?
            .flatten();
        let to = self
            .to
            .as_deref()
            .map(jst_day_start)
            .transpose()?
            .flatten()
            .map(|t| t + 24 * 3600 * 1000);
        let page = self.page.unwrap_or(1).clamp(1, MAX_PAGE);
        let nonempty = |o: &Option<String>| {
            o.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Ok(AuditFilter {
            institution_id: institution_id.to_string(),
            action_prefix: nonempty(&self.action),
            actor: nonempty(&self.actor),
            from,
            to,
            limit,
            offset: (page - 1) * limit,
        })
    }
}

pub async fn audit_events(
    store: &dyn Store,
    inst: &Institution,
    q: &AuditQuery,
) -> AppResult<Vec<AuditRecord>> {
    Ok(store.audit_events(&q.filter(&inst.id, AUDIT_PAGE)?).await?)
}

/// Format unix ms as Japan time, `2026-11-22 13:27:14`.
pub fn jst(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 9 * 3600 * 1000)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The whole filtered log as CSV (UTF-8 with BOM, which Japanese Excel opens correctly).
/// The export is itself audited.
pub async fn audit_csv(
    store: &dyn Store,
    auth: &Auth,
    inst: &Institution,
    q: &AuditQuery,
) -> AppResult<Vec<u8>> {
    let mut f = q.filter(&inst.id, 100_000)?;
    f.offset = 0;
    let events = store.audit_events(&f).await?;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = [
        "occurred_at_jst",
        "chain",
        "seq",
        "action",
        "actor",
        "actor_user_id",
        "target_kind",
        "target_id",
        "changes",
        "request_id",
        "client_addr",
        "hash",
    ];
    w.write_record(header)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let cell = |v: &str| csv_safe(v);
    for e in &events {
        let seq = e.seq.to_string();
        w.write_record(
            [
                jst(e.occurred_at).as_str(),
                e.chain.as_str(),
                seq.as_str(),
                e.action.as_str(),
                e.actor_label.as_str(),
                e.actor_user_id.as_deref().unwrap_or(""),
                e.target_kind.as_str(),
                e.target_id.as_str(),
                e.changes.as_str(),
                e.request_id.as_deref().unwrap_or(""),
                e.client_addr.as_deref().unwrap_or(""),
                e.hash.as_str(),
            ]
            .map(cell),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    store
        .record(
            &auth.actor(),
            AuditDraft::new(
                Some(&inst.id),
                "audit.export",
                "institution",
                &inst.id,
                serde_json::json!({"events": events.len(), "action": f.action_prefix,
                                   "actor": f.actor, "from": f.from, "to": f.to}),
            ),
        )
        .await?;
    Ok(bytes)
}

// ------------------------------------------------------------------ own account

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    pub current_password: String,
    pub new_password: String,
}

pub async fn change_password(state: &AppState, auth: &Auth, input: PasswordInput) -> AppResult<()> {
    // Every other session of the user ends with the change.
    interactive(auth)?;
    let store = state.store();
    let key = format!("pw:{}", auth.user.id);
    attempt(state, &key).await?;
    let ua = store
        .user_auth(&auth.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !auth::verify_password_blocking(input.current_password, ua.password_hash).await {
        return Err(AppError::Invalid {
            field: "current_password",
            key: "error-wrong-password",
        });
    }
    state.0.throttle.clear(&key).await?;
    password::check(&input.new_password, &auth.user.email).map_err(|e| AppError::Invalid {
        field: "new_password",
        key: e.message_key(),
    })?;
    let hash = auth::hash_password_blocking(input.new_password).await?;
    let keep = auth.session.as_ref().map(|s| s.id_hash.as_str());
    Ok(store
        .set_password(&auth.actor(), &auth.user.id, &hash, keep)
        .await?)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ProfileInput {
    pub version: i64,
    pub display_name: String,
    pub locale: String,
}

pub async fn update_profile(
    store: &dyn Store,
    auth: &Auth,
    input: ProfileInput,
) -> AppResult<User> {
    let name = validate::name("display_name", &input.display_name).map_err(AppError::invalid)?;
    if crate::i18n::Lang::parse(&input.locale).is_none() {
        return Err(AppError::Invalid {
            field: "locale",
            key: "error-invalid-locale",
        });
    }
    Ok(store
        .update_profile(
            &auth.actor(),
            &auth.user.id,
            input.version,
            &name,
            &input.locale,
        )
        .await?)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    pub name: String,
    /// Days until the token expires (1–365); 90 when not given. No token is without expiry.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: ApiTokenView,
    /// The secret, shown once. Send it as `Authorization: Bearer …`.
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiTokenView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<&ApiToken> for ApiTokenView {
    fn from(t: &ApiToken) -> Self {
        ApiTokenView {
            id: t.id.clone(),
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// How long a token lives when its creator names no expiry.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;

pub async fn create_token(
    store: &dyn Store,
    actor: &mamori_store::Actor,
    user_id: &str,
    input: TokenInput,
) -> AppResult<CreatedToken> {
    let name = validate::name("name", &input.name).map_err(AppError::invalid)?;
    if let Some(d) = input.expires_in_days {
        if !(1..=365).contains(&d) {
            return Err(AppError::Invalid {
                field: "expires_in_days",
                key: "error-token-expiry",
            });
        }
    }
    let secret = format!("{}{}", auth::TOKEN_PREFIX, auth::random_token(32));
    let now = now_ms();
    let token = ApiToken {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        name,
        prefix: secret.chars().take(auth::TOKEN_PREFIX.len() + 6).collect(),
        created_at: now,
        last_used_at: None,
        // Every token expires: by default after TOKEN_DEFAULT_DAYS.
        expires_at: Some(now + input.expires_in_days.unwrap_or(TOKEN_DEFAULT_DAYS) * 86_400_000),
        revoked_at: None,
    };
    store
        .create_token(actor, &token, &auth::sha256_hex(&secret))
        .await?;
    Ok(CreatedToken {
        token: ApiTokenView::from(&token),
        secret,
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MfaEnableInput {
    /// The base32 secret from the set-up step.
    pub secret: String,
    /// A current code from the authenticator app.
    pub code: String,
}

/// Enrol TOTP: the first code proves the authenticator holds the secret; returns the
/// recovery codes, shown once.
pub async fn enable_mfa(
    store: &dyn Store,
    auth: &AnyAuth,
    input: MfaEnableInput,
) -> AppResult<Vec<String>> {
    interactive(auth)?;
    if auth.user.mfa_enabled {
        return Err(AppError::BadRequest("error-mfa-already-enabled"));
    }
    let secret = input.secret.trim().to_uppercase();
    if secret.len() < 26
        || data_encoding::BASE32_NOPAD
            .decode(secret.as_bytes())
            .is_err()
    {
        return Err(AppError::Invalid {
            field: "secret",
            key: "error-invalid-secret",
        });
    }
    let step =
        auth::totp::matching_step(&secret, &input.code, now_ms()).ok_or(AppError::Invalid {
            field: "code",
            key: "error-wrong-code",
        })?;
    let (codes, hashes) = auth::new_recovery_codes();
    store
        .enable_totp(&auth.actor(), &auth.user.id, &secret, step, &hashes)
        .await?;
    Ok(codes)
}

pub async fn disable_mfa(state: &AppState, auth: &Auth, code: &str) -> AppResult<()> {
    interactive(auth)?;
    let store = state.store();
    let key = format!("mfa:{}", auth.user.id);
    attempt(state, &key).await?;
    let ua = store
        .user_auth(&auth.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let secret = ua
        .totp_secret
        .ok_or(AppError::BadRequest("error-mfa-not-enabled"))?;
    let ids = auth.principal.institution_ids(auth.now);
    if auth.principal.platform_admin
        || store
            .institutions_by_ids(&ids)
            .await?
            .iter()
            .any(|i| i.mfa_required)
    {
        return Err(AppError::BadRequest("error-mfa-mandatory"));
    }
    let step = auth::totp::matching_step(&secret, code, now_ms()).ok_or(AppError::Invalid {
        field: "code",
        key: "error-wrong-code",
    })?;
    if !store.accept_totp_step(&auth.user.id, step).await? {
        return Err(AppError::Invalid {
            field: "code",
            key: "error-code-reused",
        });
    }
    state.0.throttle.clear(&key).await?;
    Ok(store.disable_totp(&auth.actor(), &auth.user.id).await?)
}

/// A CSV cell that starts like a formula is prefixed so that Excel shows it as text.
pub fn csv_safe(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}
