//! Server-rendered pages (askama + htmx). Every handler checks access through
//! `service`/`policy`; forms re-render with the user's input and a message on bad input.

use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::{Lang, Tr};
use crate::ui::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Form;
use mamori_app::accounts::{AddMemberInput, AuditQuery};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::time::timestamp_jst as jst;
use mamori_domain::{validate, Institution, Role};
use serde::Deserialize;

// ------------------------------------------------------------------ dashboard

/// An audit event as the log shows it: in a sentence, with the record's page, and what was
/// recorded (the action's code and values) for whoever needs the detail.
pub struct EventRow {
    pub time: String,
    pub actor: String,
    pub sentence: String,
    pub link: Option<String>,
    pub action: String,
    pub changes: String,
    pub addr: String,
}

async fn event_rows(
    state: &AppState,
    tr: &Tr,
    events: &[mamori_domain::audit::AuditRecord],
) -> AppResult<Vec<EventRow>> {
    let described = mamori_app::audit_log::describe(state, tr, events).await?;
    Ok(events
        .iter()
        .zip(described)
        .map(|(e, d)| EventRow {
            time: d.time,
            actor: d.who,
            sentence: d.sentence,
            link: d.link,
            action: e.action.clone(),
            changes: e.changes.clone(),
            addr: e.client_addr.clone().unwrap_or_default(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "accounts/dashboard.html")]
struct DashboardPage {
    page: PageCtx,
    inst: Institution,
    kind_label: String,
    prefecture: String,
    steps: Vec<(String, Option<String>)>,
    member_count: usize,
    mfa_summary: String,
    role_counts: Vec<(String, usize)>,
    recent: Vec<EventRow>,
    /// What the viewer has to do, each with where (`features::dashboard`).
    todo: Vec<(String, String)>,
    /// The other features' panels, rendered (`features::dashboard`).
    panels: Vec<String>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let store = state.store();
    let inst =
        mamori_app::access::institution_for(store, &auth, &code, Action::ViewDashboard).await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "dashboard",
        Some(&inst),
        &format!("/i/{code}"),
    )
    .await?;
    let tr = page.tr;
    let members = store.members(&inst.id).await?;
    let now = auth.now;
    let live = |r: &(Role, Option<i64>)| r.1.is_none_or(|e| e > now);
    let role_counts: Vec<(String, usize)> = Role::INSTITUTION
        .iter()
        .map(|role| {
            let n = members
                .iter()
                .filter(|m| m.roles.iter().any(|r| r.0 == *role && live(r)))
                .count();
            (role_label(&tr, *role), n)
        })
        .collect();
    let with_mfa = members.iter().filter(|m| m.user.mfa_enabled).count();
    let mut steps = Vec::new();
    let has_officer = members.iter().any(|m| {
        m.roles
            .iter()
            .any(|r| r.0 == Role::SecurityOfficer && live(r))
    });
    let can_manage = page.can_members;
    let link = |p: &str| can_manage.then(|| format!("/i/{code}/{p}"));
    if !has_officer {
        steps.push((tr.t("step-appoint-officer"), link("members")));
    }
    if !members
        .iter()
        .any(|m| m.roles.iter().any(|r| r.0 == Role::Executive && live(r)))
    {
        steps.push((tr.t("step-add-executive"), link("members")));
    }
    if !inst.mfa_required {
        steps.push((
            tr.t("step-require-mfa"),
            page.can_settings.then(|| format!("/i/{code}/settings")),
        ));
    }
    if with_mfa < members.len() {
        steps.push((
            tr.t1("step-mfa-missing", "count", members.len() - with_mfa),
            link("members"),
        ));
    }
    if !auth.user.mfa_enabled {
        steps.push((tr.t("step-own-mfa"), Some("/profile/mfa".into())));
    }
    let recent = if page.can_audit {
        let q = AuditQuery::default();
        let mut f = q.filter(&inst.id, 8)?;
        f.limit = 8;
        event_rows(&state, &tr, &store.audit_events(&f).await?).await?
    } else {
        vec![]
    };
    let (panels, todo) = crate::features::dashboard(&state, &auth, &inst, &tr).await?;
    let body = DashboardPage {
        panels,
        todo,
        kind_label: kind_label(&tr, inst.kind),
        prefecture: validate::prefecture_name(&inst.prefecture, tr.lang == Lang::Ja)
            .unwrap_or("")
            .to_string(),
        steps,
        member_count: members.len(),
        mfa_summary: tr.t1(
            "dashboard-mfa-summary",
            "count",
            format!("{with_mfa}/{}", members.len()),
        ),
        role_counts,
        recent,
        inst,
        page,
    };
    Ok(render(&body)?.into_response())
}

// ------------------------------------------------------------------ members

pub struct RoleCell {
    pub role: &'static str,
    pub label: String,
    pub expires: Option<String>,
    pub confirm: String,
    pub revoke_label: String,
}

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub mfa: bool,
    pub roles: Vec<RoleCell>,
}

#[derive(Template)]
#[template(path = "accounts/members.html")]
struct MembersPage {
    page: PageCtx,
    code: String,
    members: Vec<MemberRow>,
    can_manage: bool,
    role_options: Vec<(&'static str, String, bool)>,
    error: Option<String>,
    initial_password: Option<String>,
    created_email: String,
    form_email: String,
    form_name: String,
    form_expires: String,
}

#[derive(Deserialize, Default)]
pub struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires_on: String,
}

/// A date (YYYY-MM-DD) as the end of that day in Japan, in unix ms.
fn end_of_day_jst(s: &str) -> AppResult<Option<i64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::Invalid {
        field: "expires_at",
        key: "error-invalid-date",
    })?;
    Ok(d.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc().timestamp_millis() - 9 * 3600 * 1000))
}

async fn members_view(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    form: MemberForm,
    error: Option<String>,
    created: Option<(String, String)>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "members",
        Some(inst),
        &format!("/i/{}/members", inst.code),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let can_manage =
        mamori_app::access::may(auth, Action::ManageMembers, Scope::Institution(&inst.id));
    let members = state
        .store()
        .members(&inst.id)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            roles: m
                .roles
                .iter()
                .map(|(r, exp)| RoleCell {
                    role: r.as_str(),
                    label: role_label(&tr, *r),
                    expires: exp.map(|e| jst(e).chars().take(10).collect()),
                    confirm: tr.t1(
                        "members-revoke-confirm",
                        "name",
                        format!("{} / {}", m.user.display_name, role_label(&tr, *r)),
                    ),
                    revoke_label: format!("{} {}", tr.t("members-revoke"), role_label(&tr, *r)),
                })
                .collect(),
            id: m.user.id,
            name: m.user.display_name,
            email: m.user.email,
            mfa: m.user.mfa_enabled,
        })
        .collect();
    let chosen = if form.role.is_empty() {
        "staff"
    } else {
        form.role.as_str()
    };
    let role_options = Role::INSTITUTION
        .iter()
        .map(|r| (r.as_str(), role_label(&tr, *r), r.as_str() == chosen))
        .collect();
    let status = crate::ui::page_status(error.is_some());
    let (initial_password, created_email) = created.map(|(e, p)| (Some(p), e)).unwrap_or_default();
    let body = render(&MembersPage {
        page,
        code: inst.code.clone(),
        members,
        can_manage,
        role_options,
        error,
        initial_password,
        created_email,
        form_email: form.email,
        form_name: form.display_name,
        form_expires: form.expires_on,
    })?;
    Ok((status, body).into_response())
}

pub async fn members(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewMembers)
            .await?;
    members_view(
        &state,
        &auth,
        &inst,
        MemberForm::default(),
        None,
        None,
        &flash,
    )
    .await
}

pub async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<MemberForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageMembers)
            .await?;
    let tr = Tr::new(auth.meta.lang);
    let parsed = (|| {
        let role: Role = form.role.parse().map_err(|_| AppError::Invalid {
            field: "role",
            key: "error-role-not-grantable",
        })?;
        Ok::<_, AppError>(AddMemberInput {
            email: form.email.clone(),
            display_name: form.display_name.clone(),
            role,
            expires_at: end_of_day_jst(&form.expires_on)?,
        })
    })();
    let result = match parsed {
        Ok(input) => mamori_app::accounts::add_member(state.store(), &auth, &inst, input)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(added) => {
            let created = added
                .initial_password
                .map(|p| (added.user.email.clone(), p));
            members_view(
                &state,
                &auth,
                &inst,
                MemberForm::default(),
                None,
                created,
                &Flash::default(),
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Duplicate(_))) => {
            let msg = message(&tr, &e);
            members_view(
                &state,
                &auth,
                &inst,
                form,
                Some(msg),
                None,
                &Flash::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_role(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, user_id, role)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageMembers)
            .await?;
    let role: Role = role.parse().map_err(|_| AppError::NotFound)?;
    match mamori_app::accounts::revoke_role(state.store(), &auth, &inst, &user_id, role)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(see_other(&format!(
            "/i/{code}/members?ok=flash-role-revoked"
        ))),
        Err(AppError::Invalid { key, .. }) => {
            Ok(see_other(&format!("/i/{code}/members?err={key}")))
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ settings

#[derive(Template)]
#[template(path = "accounts/settings.html")]
struct SettingsPage {
    page: PageCtx,
    code: String,
    version: i64,
    name: String,
    beds: i64,
    mfa_required: bool,
    error: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageSettings)
            .await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "settings",
        Some(&inst),
        &format!("/i/{code}/settings"),
    )
    .await?
    .with_flash(&flash);
    Ok(render(&SettingsPage {
        page,
        code,
        version: inst.version,
        name: inst.name,
        beds: inst.beds,
        mfa_required: inst.mfa_required,
        error: None,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct SettingsForm {
    version: i64,
    name: String,
    beds: String,
    #[serde(default)]
    mfa_required: Option<String>,
}

pub async fn save_settings(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageSettings)
            .await?;
    let mfa_required = form.mfa_required.is_some();
    let result = match form.beds.trim().parse::<i64>() {
        Ok(beds) => mamori_app::accounts::update_settings(
            state.store(),
            &auth,
            &inst,
            mamori_app::accounts::SettingsInput {
                version: form.version,
                name: form.name.clone(),
                beds,
                mfa_required,
            },
        )
        .await
        .map_err(AppError::from),
        Err(_) => Err(AppError::Invalid {
            field: "beds",
            key: "invalid-beds",
        }),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/i/{code}/settings?ok=flash-saved"))),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let status = e.info().status;
            let page = PageCtx::signed_in(
                &state,
                &auth,
                "settings",
                Some(&inst),
                &format!("/i/{code}/settings"),
            )
            .await?;
            let error = Some(message(&page.tr, &e));
            let body = render(&SettingsPage {
                page,
                code,
                // After a conflict the form keeps the user's input but the current version,
                // so that saving again is a deliberate overwrite of what they now see.
                version: inst.version,
                name: form.name,
                beds: form.beds.trim().parse().unwrap_or(inst.beds),
                mfa_required,
                error,
            })?;
            Ok((status, body).into_response())
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------ audit

#[derive(Template)]
#[template(path = "accounts/audit.html")]
struct AuditPage {
    page: PageCtx,
    code: String,
    events: Vec<EventRow>,
    /// (value, label, selected) of each feature, `""` for all.
    feature_options: Vec<(&'static str, String, bool)>,
    q_actor: String,
    q_from: String,
    q_to: String,
    query: String,
    prev_page: Option<String>,
    next_page: Option<String>,
    error: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewAudit).await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "audit",
        Some(&inst),
        &format!("/i/{code}/audit"),
    )
    .await?;
    let tr = page.tr;
    let (events, error) = match mamori_app::accounts::audit_events(state.store(), &inst, &q)
        .await
        .map_err(AppError::from)
    {
        Ok(ev) => (ev, None),
        Err(e @ AppError::Invalid { .. }) => (vec![], Some(message(&tr, &e))),
        Err(e) => return Err(e),
    };
    let pageno = q.page.unwrap_or(1).clamp(1, mamori_app::accounts::MAX_PAGE);
    let base = |p: i64| {
        serde_urlencoded::to_string([
            ("action", q.action.clone().unwrap_or_default()),
            ("feature", q.feature.clone().unwrap_or_default()),
            ("actor", q.actor.clone().unwrap_or_default()),
            ("from", q.from.clone().unwrap_or_default()),
            ("to", q.to.clone().unwrap_or_default()),
            ("page", p.to_string()),
        ])
        .unwrap_or_default()
    };
    let full = events.len() as i64 == mamori_app::accounts::AUDIT_PAGE;
    let body = AuditPage {
        code,
        events: event_rows(&state, &tr, &events).await?,
        feature_options: std::iter::once("")
            .chain(
                mamori_domain::audit_log::Feature::ALL
                    .iter()
                    .map(|f| f.as_str()),
            )
            .map(|f| {
                let key = format!("audit-feature-{}", if f.is_empty() { "all" } else { f });
                (f, tr.t(&key), q.feature.as_deref().unwrap_or("") == f)
            })
            .collect(),
        q_actor: q.actor.clone().unwrap_or_default(),
        q_from: q.from.clone().unwrap_or_default(),
        q_to: q.to.clone().unwrap_or_default(),
        query: base(1),
        prev_page: (pageno > 1).then(|| base(pageno - 1)),
        next_page: full.then(|| base(pageno + 1)),
        error,
        page,
    };
    Ok(render(&body)?.into_response())
}

pub async fn audit_csv(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ExportAudit)
            .await?;
    let bytes = mamori_app::audit_log::audit_csv(&state, &auth, &inst, &q, auth.meta.lang).await?;
    let name = format!("attachment; filename=\"mamori-audit-{code}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}
