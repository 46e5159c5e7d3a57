//! Accounts and institutions: members and their roles, institution settings, the platform
//! administrator's institutions and vendors, the audit log, and one's own account
//! (password, profile, API tokens, second factor).

use crate::access::{attempt, interactive, require};
use crate::credentials;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::audit::AuditRecord;
use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::{
    members, password, time, validate, Institution, InstitutionKind, Role, User, Vendor,
};
use mamori_store::{
    now_ms, ApiToken, AuditFilter, InstitutionSettings, Member, NewInstitution, NewUser, Store,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

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
) -> Result<(User, String)> {
    let pw = initial_password();
    let hash = credentials::hash_password_blocking(pw.clone()).await?;
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
fn check_self_grant(auth: &Caller, inst: &Institution, user_id: &str) -> Result<()> {
    let officer = auth
        .principal
        .roles_in(&inst.id, auth.now)
        .contains(&Role::SecurityOfficer);
    if user_id == auth.user.id && !officer {
        return Err(Error::Invalid {
            field: "role",
            key: "error-self-grant",
        });
    }
    Ok(())
}

/// Members holding a live (unexpired) security-officer grant.
async fn live_officers(store: &dyn Store, inst: &Institution, now: i64) -> Result<Vec<String>> {
    let rows = store.members(&inst.id).await?;
    let grants = rows
        .iter()
        .flat_map(|m| m.roles.iter().map(|(r, e)| (m.user.id.as_str(), *r, *e)));
    Ok(members::live_officers(grants, now)
        .into_iter()
        .map(String::from)
        .collect())
}

fn check_grant(
    auth: &Caller,
    inst: &Institution,
    role: Role,
    expires_at: Option<i64>,
) -> Result<()> {
    if !policy::may_grant(&auth.principal, &inst.id, role, auth.now) {
        return Err(Error::Invalid {
            field: "role",
            key: "error-role-not-grantable",
        });
    }
    match (role, expires_at) {
        (Role::Inspector, None) => Err(Error::Invalid {
            field: "expires_at",
            key: "error-inspector-needs-expiry",
        }),
        (_, Some(e)) if e <= auth.now => Err(Error::Invalid {
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
    auth: &Caller,
    inst: &Institution,
    input: AddMemberInput,
) -> Result<AddedMember> {
    let email = validate::email(&input.email).map_err(Error::invalid)?;
    let name = validate::name("display_name", &input.display_name).map_err(Error::invalid)?;
    check_grant(auth, inst, input.role, input.expires_at)?;
    let actor = auth.actor();
    let (user, initial_password) = match store.user_auth_by_email(&email).await? {
        // Linking an existing account shares its sign-in history with this institution:
        // only a platform administrator does that (the person's other institutions stay
        // invisible either way).
        Some(_) if !auth.principal.platform_admin => {
            return Err(Error::Invalid {
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
    auth: &Caller,
    inst: &Institution,
    user_id: &str,
    role: Role,
    expires_at: Option<i64>,
) -> Result<()> {
    check_grant(auth, inst, role, expires_at)?;
    check_self_grant(auth, inst, user_id)?;
    store.user(user_id).await?.ok_or(Error::NotFound)?;
    // By id, only someone who is already a member here gets another role: an account that
    // belongs elsewhere joins by accepting an invitation or through a platform
    // administrator (the same rule as adding by e-mail). Not a member: as if unknown.
    let member_here = store
        .members(&inst.id)
        .await?
        .iter()
        .any(|m| m.user.id == user_id);
    if !policy::may_grant_to(&auth.principal, member_here) {
        return Err(Error::NotFound);
    }
    if role == Role::SecurityOfficer && expires_at.is_some() {
        let live = live_officers(store, inst, auth.now).await?;
        if live == [user_id.to_string()] {
            return Err(Error::Invalid {
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
    auth: &Caller,
    inst: &Institution,
    user_id: &str,
    role: Role,
) -> Result<()> {
    if role == Role::SecurityOfficer {
        let live = live_officers(store, inst, auth.now).await?;
        let live: Vec<&str> = live.iter().map(String::as_str).collect();
        if members::removes_last_officer(&live, user_id, role) {
            return Err(Error::Invalid {
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
    auth: &Caller,
    inst: &Institution,
    input: SettingsInput,
) -> Result<Institution> {
    let name = validate::name("name", &input.name).map_err(Error::invalid)?;
    validate::beds(inst.kind, input.beds).map_err(Error::invalid)?;
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
    auth: &Caller,
    input: NewInstitutionInput,
) -> Result<Institution> {
    require(auth, Action::AdministerPlatform, Scope::Platform)?;
    let code = input.code.trim().to_string();
    let prefecture = input.prefecture.trim().to_string();
    validate::institution_code(&code, &prefecture, input.kind).map_err(Error::invalid)?;
    let name = validate::name("name", &input.name).map_err(Error::invalid)?;
    validate::beds(input.kind, input.beds).map_err(Error::invalid)?;
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

pub async fn create_vendor(store: &dyn Store, auth: &Caller, name: &str) -> Result<Vendor> {
    require(auth, Action::AdministerPlatform, Scope::Platform)?;
    let name = validate::name("name", name).map_err(Error::invalid)?;
    Ok(store.create_vendor(&auth.actor(), &name).await?)
}

// ------------------------------------------------------------------ audit

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Action prefix, e.g. `auth.` or `member.`.
    pub action: Option<String>,
    /// A feature (`accounts`, `contracts`, `checklists`, `evidence`, `exports`, `catalogs`,
    /// `vendors`): its actions only.
    pub feature: Option<String>,
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

fn jst_day_start(s: &str) -> Result<Option<i64>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    time::day_start_jst(s).map(Some).ok_or(Error::Invalid {
        field: "from",
        key: "error-invalid-date",
    })
}

impl AuditQuery {
    pub fn filter(&self, institution_id: &str, limit: i64) -> Result<AuditFilter> {
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
        let any_prefix = match nonempty(&self.feature) {
            None => vec![],
            Some(f) => mamori_domain::audit_log::Feature::parse(&f)
                .ok_or(Error::Invalid {
                    field: "feature",
                    key: "error-audit-feature",
                })?
                .prefixes()
                .iter()
                .map(|p| p.to_string())
                .collect(),
        };
        Ok(AuditFilter {
            institution_id: institution_id.to_string(),
            any_prefix,
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
) -> Result<Vec<AuditRecord>> {
    Ok(store.audit_events(&q.filter(&inst.id, AUDIT_PAGE)?).await?)
}

// ------------------------------------------------------------------ own account

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    pub current_password: String,
    pub new_password: String,
}

pub async fn change_password(ctx: &Ctx, auth: &Caller, input: PasswordInput) -> Result<()> {
    // Every other session of the user ends with the change.
    interactive(auth)?;
    let store = ctx.store();
    let key = format!("pw:{}", auth.user.id);
    attempt(ctx, &key).await?;
    let ua = store
        .user_auth(&auth.user.id)
        .await?
        .ok_or(Error::NotFound)?;
    if !credentials::verify_password_blocking(input.current_password, ua.password_hash).await {
        return Err(Error::Invalid {
            field: "current_password",
            key: "error-wrong-password",
        });
    }
    ctx.throttle().clear(&key).await?;
    password::check(&input.new_password, &auth.user.email).map_err(|e| Error::Invalid {
        field: "new_password",
        key: e.message_key(),
    })?;
    let hash = credentials::hash_password_blocking(input.new_password).await?;
    let keep = auth.session_id_hash.as_deref();
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

pub async fn update_profile(store: &dyn Store, auth: &Caller, input: ProfileInput) -> Result<User> {
    let name = validate::name("display_name", &input.display_name).map_err(Error::invalid)?;
    if mamori_i18n::Lang::parse(&input.locale).is_none() {
        return Err(Error::Invalid {
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
) -> Result<CreatedToken> {
    let name = validate::name("name", &input.name).map_err(Error::invalid)?;
    if let Some(d) = input.expires_in_days {
        if !(1..=365).contains(&d) {
            return Err(Error::Invalid {
                field: "expires_in_days",
                key: "error-token-expiry",
            });
        }
    }
    let issued = credentials::issue_secret(credentials::TOKEN_PREFIX);
    let secret = issued.secret;
    let now = now_ms();
    let token = ApiToken {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        name,
        prefix: secret
            .chars()
            .take(credentials::TOKEN_PREFIX.len() + 6)
            .collect(),
        created_at: now,
        last_used_at: None,
        // Every token expires: by default after TOKEN_DEFAULT_DAYS.
        expires_at: Some(mamori_domain::grants::expiry(
            now,
            input.expires_in_days.unwrap_or(TOKEN_DEFAULT_DAYS),
        )),
        revoked_at: None,
    };
    store.create_token(actor, &token, &issued.hash).await?;
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
    auth: &Caller,
    input: MfaEnableInput,
) -> Result<Vec<String>> {
    interactive(auth)?;
    if auth.user.mfa_enabled {
        return Err(Error::BadRequest("error-mfa-already-enabled"));
    }
    let secret = input.secret.trim().to_uppercase();
    if secret.len() < 26
        || data_encoding::BASE32_NOPAD
            .decode(secret.as_bytes())
            .is_err()
    {
        return Err(Error::Invalid {
            field: "secret",
            key: "error-invalid-secret",
        });
    }
    let step =
        credentials::totp::matching_step(&secret, &input.code, now_ms()).ok_or(Error::Invalid {
            field: "code",
            key: "error-wrong-code",
        })?;
    let (codes, hashes) = credentials::new_recovery_codes();
    store
        .enable_totp(&auth.actor(), &auth.user.id, &secret, step, &hashes)
        .await?;
    Ok(codes)
}

pub async fn disable_mfa(ctx: &Ctx, auth: &Caller, code: &str) -> Result<()> {
    interactive(auth)?;
    let store = ctx.store();
    let key = format!("mfa:{}", auth.user.id);
    attempt(ctx, &key).await?;
    let ua = store
        .user_auth(&auth.user.id)
        .await?
        .ok_or(Error::NotFound)?;
    let secret = ua
        .totp_secret
        .ok_or(Error::BadRequest("error-mfa-not-enabled"))?;
    let ids = auth.principal.institution_ids(auth.now);
    if auth.principal.platform_admin
        || store
            .institutions_by_ids(&ids)
            .await?
            .iter()
            .any(|i| i.mfa_required)
    {
        return Err(Error::BadRequest("error-mfa-mandatory"));
    }
    let step = credentials::totp::matching_step(&secret, code, now_ms()).ok_or(Error::Invalid {
        field: "code",
        key: "error-wrong-code",
    })?;
    if !store.accept_totp_step(&auth.user.id, step).await? {
        return Err(Error::Invalid {
            field: "code",
            key: "error-code-reused",
        });
    }
    ctx.throttle().clear(&key).await?;
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
