//! What stands behind a contract, in the browser: documents (uploaded, kept by hash, served
//! only as downloads), subcontractors and their approval, the vendor's certifications,
//! invitations of vendor contacts, and a vendor's standard answers applied to many
//! contracts.

use crate::http::auth::Auth;
use crate::http::download::download;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::records::{cert_rows, CertRow};
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::role_sharing::{self as rsw, StepInput};
use mamori_domain::codes::{CertKind, DocumentKind};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::role_sharing::Party;
use mamori_domain::vendor_members::MembershipStatus;
use mamori_store::{Certification, ContractDocument, Invite, StandardAnswer, Subcontractor};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A vendor-portal action on one of the user's own vendors (another vendor: not found).
fn own_vendor(auth: &Auth, vendor_id: &str) -> AppResult<()> {
    mamori_app::access::require(auth, Action::UseVendorPortal, Scope::Platform)?;
    if auth.principal.vendor_ids.iter().any(|v| v == vendor_id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn back(contract_id: &str, q: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/contracts/{contract_id}?{q}#{anchor}")).into_response()
}

// ------------------------------------------------------------------ documents

/// Upload a document to a contract (either party). Authorised before the body is read.
pub async fn upload_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (c, party) =
        rsw::contract_for(state.store(), &auth, &id, Action::AnswerRoleSharing).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let (kind, file_name, bytes) = (up.text("kind"), up.file_name, up.bytes);
    let problem = if DocumentKind::parse(&kind).is_none() {
        Some("error-rs-bad-value")
    } else if bytes.is_empty() || file_name.trim().is_empty() {
        Some("import-error-no-file")
    } else if file_name.chars().count() > 200 {
        Some("error-document-name")
    } else {
        None
    };
    if let Some(key) = problem {
        return Ok(back(&c.id, &format!("err={key}"), "documents"));
    }
    let Some(media_type) = crate::http::upload::sniff(&bytes, &file_name) else {
        return Ok(back(&c.id, "err=error-document-type", "documents"));
    };
    state
        .store()
        .add_contract_document(
            &auth.actor(),
            &ContractDocument {
                id: String::new(),
                institution_id: c.institution_id.clone(),
                contract_id: c.id.clone(),
                kind,
                file_name,
                sha256: hex::encode(Sha256::digest(&bytes)),
                size: 0,
                media_type: media_type.into(),
                uploaded_by: None,
                uploaded_party: party.as_str().into(),
                uploaded_at: 0,
            },
            &bytes,
        )
        .await?;
    Ok(back(&c.id, "ok=flash-document-added", "documents"))
}

/// A document, always as a download.
pub async fn document(
    State(state): State<AppState>,
    auth: Auth,
    Path(doc_id): Path<String>,
) -> AppResult<Response> {
    let (d, bytes) = state
        .store()
        .contract_document(&doc_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Access follows the contract's.
    rsw::contract_for(state.store(), &auth, &d.contract_id, Action::ViewContracts).await?;
    let media: &'static str = DOCUMENT_MEDIA
        .iter()
        .find(|m| **m == d.media_type)
        .copied()
        .unwrap_or("application/octet-stream");
    Ok(download(
        bytes,
        media,
        &crate::http::download::ascii_name(&d.file_name),
        &d.file_name,
    ))
}

const DOCUMENT_MEDIA: [&str; 7] = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/zip",
    "image/png",
    "image/jpeg",
    "text/plain",
];

// ------------------------------------------------------------------ subcontractors

#[derive(Debug, Deserialize)]
pub struct SubcontractorForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub scope: String,
}

pub async fn declare_subcontractor(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<SubcontractorForm>,
) -> AppResult<Response> {
    let (c, _) = rsw::contract_for(state.store(), &auth, &id, Action::AnswerRoleSharing).await?;
    let name = form.name.trim();
    let scope = form.scope.trim();
    if name.is_empty() || name.chars().count() > 200 || scope.chars().count() > 2000 {
        return Ok(back(
            &c.id,
            "err=error-subcontractor-name",
            "subcontractors",
        ));
    }
    state
        .store()
        .declare_subcontractor(
            &auth.actor(),
            &Subcontractor {
                id: String::new(),
                institution_id: c.institution_id.clone(),
                contract_id: c.id.clone(),
                name: name.into(),
                scope: scope.into(),
                declared_by: None,
                declared_at: 0,
                approved_by: None,
                approved_at: None,
            },
        )
        .await?;
    Ok(back(
        &c.id,
        "ok=flash-subcontractor-declared",
        "subcontractors",
    ))
}

/// Only the institution approves a subcontractor (prior approval of 再委託).
pub async fn approve_subcontractor(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, sub_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (c, _) = rsw::contract_for(state.store(), &auth, &id, Action::ViewContracts).await?;
    let manages = mamori_app::access::may(
        &auth,
        Action::ManageContracts,
        Scope::Institution(&c.institution_id),
    );
    if !manages {
        return Err(AppError::Forbidden);
    }
    let subs = state.store().subcontractors(&c.institution_id).await?;
    if !subs.iter().any(|s| s.id == sub_id && s.contract_id == c.id) {
        return Err(AppError::NotFound);
    }
    match state
        .store()
        .approve_subcontractor(&auth.actor(), &c.institution_id, &sub_id)
        .await
    {
        Ok(()) => Ok(back(
            &c.id,
            "ok=flash-subcontractor-approved",
            "subcontractors",
        )),
        Err(mamori_store::StoreError::Conflict(_)) => Ok(back(
            &c.id,
            "err=error-subcontractor-approved",
            "subcontractors",
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ certifications

#[derive(Template)]
#[template(path = "vendor_certifications.html")]
struct CertsPage {
    page: PageCtx,
    rows: Vec<CertRow>,
    vendors: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

pub async fn certifications(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    let page = PageCtx::signed_in(&state, &auth, "vendor", None, "/vendor/certifications")
        .await?
        .with_flash(&flash);
    let tr = page.tr;
    let vendors: Vec<(String, String)> = state
        .store()
        .list_vendors()
        .await?
        .into_iter()
        .filter(|v| auth.principal.vendor_ids.contains(&v.id))
        .map(|v| (v.id, v.name))
        .collect();
    let certs = state
        .store()
        .certifications(&auth.principal.vendor_ids)
        .await?;
    let rows = cert_rows(&tr, &certs, |id| {
        vendors
            .iter()
            .find(|(v, _)| v == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    });
    Ok(render(&CertsPage {
        rows,
        vendors,
        kinds: CertKind::ALL
            .iter()
            .map(|k| (k.to_string(), tr.t(&format!("cert-kind-{k}"))))
            .collect(),
        page,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CertForm {
    pub vendor_id: String,
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub expires_on: String,
}

pub async fn add_certification(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<CertForm>,
) -> AppResult<Response> {
    own_vendor(&auth, &form.vendor_id)?;
    let name = form.name.trim();
    let exp = form.expires_on.trim();
    let bad = CertKind::parse(&form.kind).is_none()
        || name.is_empty()
        || name.chars().count() > 200
        || (!exp.is_empty() && !mamori_domain::role_sharing::valid_date(exp));
    if bad {
        return Ok(Redirect::to("/vendor/certifications?err=error-certification").into_response());
    }
    state
        .store()
        .add_certification(
            &auth.actor(),
            &Certification {
                id: String::new(),
                vendor_id: form.vendor_id.clone(),
                kind: form.kind.clone(),
                name: name.into(),
                expires_on: Some(exp.to_string()).filter(|s| !s.is_empty()),
                created_at: 0,
            },
        )
        .await?;
    Ok(Redirect::to("/vendor/certifications?ok=flash-certification-added").into_response())
}

pub async fn delete_certification(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    let certs = state
        .store()
        .certifications(&auth.principal.vendor_ids)
        .await?;
    let c = certs
        .iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    state
        .store()
        .delete_certification(&auth.actor(), &c.vendor_id, &id)
        .await?;
    Ok(Redirect::to("/vendor/certifications?ok=flash-certification-deleted").into_response())
}

// ------------------------------------------------------------------ invitations

#[derive(Debug, Deserialize, Default, Clone)]
pub struct InviteForm {
    #[serde(default)]
    pub vendor_id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
}

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

#[derive(Template)]
#[template(path = "invite_created.html")]
struct InviteCreated {
    page: PageCtx,
    code: String,
    /// Shown when the link was not mailed.
    link: Option<String>,
    /// The mail could not be sent (the link is shown instead).
    mail_error: bool,
    /// The person is already the vendor's member: named as the contact, no link.
    linked: bool,
    email: String,
    vendor: String,
    expires: String,
}

pub async fn create_invite(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageContracts)
            .await?;
    let email = form.email.trim().to_lowercase();
    let name = form.display_name.trim();
    let contracts = state.store().contracts(&inst.id).await?;
    let vendor = contracts
        .iter()
        .find(|c| c.vendor_id == form.vendor_id)
        .map(|c| c.vendor_name.clone());
    let key = if vendor.is_none() {
        Some("error-invite-vendor")
    } else if mamori_domain::validate::email(&email).is_err() {
        Some("error-invite-email")
    } else if name.is_empty() || name.chars().count() > 100 {
        Some("error-invite-name")
    } else {
        None
    };
    // An existing account is never attached to the vendor by an institution: when the
    // vendor has already made it a member, the invitation names it as the contact and
    // grants nothing; otherwise the vendor's administrator must add that person.
    let linked = match (key, state.store().user_auth_by_email(&email).await?) {
        (None, Some(existing)) => {
            let member = state
                .store()
                .memberships_of(&existing.user.id)
                .await?
                .iter()
                .any(|m| m.vendor_id == form.vendor_id && m.status == MembershipStatus::Active);
            if !member {
                return Ok(Redirect::to(&format!(
                    "/i/{code}/contracts?err=error-invite-exists#invite"
                ))
                .into_response());
            }
            Some(existing.user.id)
        }
        _ => None,
    };
    if let Some(k) = key {
        return Ok(Redirect::to(&format!("/i/{code}/contracts?err={k}#invite")).into_response());
    }
    let token = crate::http::auth::random_token(32);
    let token_hash = hex::encode(Sha256::digest(token.as_bytes()));
    let expires_at = auth.now + INVITE_DAYS * 86_400_000;
    state
        .store()
        .create_invite(
            &auth.actor(),
            &Invite {
                id: mamori_store::new_id(),
                institution_id: inst.id.clone(),
                vendor_id: form.vendor_id.clone(),
                email: email.clone(),
                display_name: name.into(),
                created_by: None,
                created_at: 0,
                expires_at,
                used_at: linked.as_ref().map(|_| auth.now),
                user_id: linked.clone(),
            },
            &token_hash,
        )
        .await?;
    let path = format!("/invite/{token}");
    let cfg = state.cfg();
    let (link, mail_error) = match (&cfg.smtp_url, &cfg.public_url) {
        _ if linked.is_some() => (None, false),
        (Some(_), Some(base)) => {
            let tr = Tr::new(crate::i18n::Lang::Ja);
            let body = format!(
                "{}\n\n{} {}\n{} {}\n\n{base}{path}\n\n{}\n",
                tr.t("invite-mail-lead"),
                tr.t("contracts-institution"),
                inst.name,
                tr.t("invite-expires"),
                mamori_domain::time::timestamp_jst(expires_at),
                tr.t("invite-mail-foot"),
            );
            match mamori_app::mail::send(state.mail(), &email, &tr.t("invite-mail-subject"), &body)
                .await
            {
                Ok(()) => (None, false),
                Err(e) => {
                    tracing::warn!(error = %e, "invitation mail not sent");
                    (Some(path), true)
                }
            }
        }
        _ => (Some(path), false),
    };
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "contracts",
        Some(&inst),
        &format!("/i/{code}/contracts"),
    )
    .await?;
    Ok(render(&InviteCreated {
        page,
        code,
        link,
        mail_error,
        linked: linked.is_some(),
        email,
        vendor: vendor.unwrap_or_default(),
        expires: mamori_domain::time::timestamp_jst(expires_at),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "invite_accept.html")]
struct InviteAccept {
    page: PageCtx,
    invite: Option<Invite>,
    vendor: String,
    token: String,
    error: Option<String>,
}

async fn invite_view(
    state: &AppState,
    meta: &crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    token: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let (page, jar) = PageCtx::anonymous(meta, &jar, &format!("/invite/{token}"));
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    let invite = state
        .store()
        .invite_by_token(&hash)
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > mamori_store::now_ms());
    let vendor = match &invite {
        Some(i) => state
            .store()
            .list_vendors()
            .await?
            .into_iter()
            .find(|v| v.id == i.vendor_id)
            .map(|v| v.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let status = if invite.is_none() {
        axum::http::StatusCode::GONE
    } else if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        jar,
        render(&InviteAccept {
            page,
            invite,
            vendor,
            token: token.to_string(),
            error,
        })?,
    )
        .into_response())
}

pub async fn invite_page(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    Path(token): Path<String>,
) -> AppResult<Response> {
    invite_view(&state, &meta, jar, &token, None).await
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    pub password: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    jar: axum_extra::extract::CookieJar,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let tr = Tr::new(meta.lang);
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    let Some(invite) = state.store().invite_by_token(&hash).await? else {
        return invite_view(&state, &meta, jar, &token, None).await;
    };
    if let Err(e) = mamori_domain::password::check(&form.password, &invite.email) {
        let msg = tr.t(e.message_key());
        return invite_view(&state, &meta, jar, &token, Some(msg)).await;
    }
    let pw = crate::http::auth::hash_password_blocking(form.password.clone()).await?;
    let actor = mamori_store::Actor {
        user_id: None,
        label: invite.email.clone(),
        request_id: Some(meta.request_id.clone()),
        client_addr: meta.client_addr.clone(),
    };
    match state
        .store()
        .accept_invite(&actor, &hash, &pw, mamori_store::now_ms())
        .await
    {
        Ok(_) => Ok(Redirect::to("/login?ok=flash-invite-pending").into_response()),
        Err(mamori_store::StoreError::Duplicate(_)) => {
            let msg = tr.t("error-invite-exists");
            invite_view(&state, &meta, jar, &token, Some(msg)).await
        }
        Err(mamori_store::StoreError::Conflict(_) | mamori_store::StoreError::NotFound(_)) => {
            invite_view(&state, &meta, jar, &token, None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ standard answers

pub struct StdItem {
    pub id: String,
    pub number: String,
    pub text: String,
    pub responsibility: String,
    pub agreed_content: String,
    pub written_in: String,
    pub remarks: String,
}

#[derive(Template)]
#[template(path = "vendor_standard.html")]
struct StandardPage {
    page: PageCtx,
    vendors: Vec<(String, String)>,
    vendor_id: String,
    products: Vec<String>,
    product: String,
    items: Vec<StdItem>,
    responsibilities: Vec<(String, String)>,
    contracts: Vec<(String, String)>,
    result: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct StandardQuery {
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub ok: Option<String>,
    #[serde(default)]
    pub err: Option<String>,
    #[serde(default)]
    pub applied: Option<usize>,
    #[serde(default)]
    pub skipped: Option<usize>,
}

pub async fn standard_answers(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<StandardQuery>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    let flash = Flash {
        ok: q.ok.clone(),
        err: q.err.clone(),
    };
    let page = PageCtx::signed_in(&state, &auth, "vendor", None, "/vendor/standard-answers")
        .await?
        .with_flash(&flash);
    let tr = page.tr;
    let vendors: Vec<(String, String)> = state
        .store()
        .list_vendors()
        .await?
        .into_iter()
        .filter(|v| auth.principal.vendor_ids.contains(&v.id))
        .map(|v| (v.id, v.name))
        .collect();
    let vendor_id = if vendors.iter().any(|(v, _)| *v == q.vendor) {
        q.vendor.clone()
    } else {
        vendors.first().map(|(v, _)| v.clone()).unwrap_or_default()
    };
    let answers = state.store().standard_answers(&vendor_id).await?;
    let mut products: Vec<String> = answers.iter().map(|a| a.product.clone()).collect();
    products.dedup();
    let product = if q.product.trim().is_empty() {
        products.first().cloned().unwrap_or_default()
    } else {
        q.product.trim().to_string()
    };
    let catalog_id = rsw::current_catalog(&state).unwrap_or_default();
    let catalogs = state.catalogs();
    let items = catalogs
        .catalogs
        .get(&catalog_id)
        .map(|cat| {
            cat.items
                .iter()
                .filter(|i| rsw::is_part2(i) && rsw::answerable(i))
                .map(|i| {
                    let a = answers
                        .iter()
                        .find(|a| a.product == product && a.item_id == i.id);
                    StdItem {
                        id: i.id.clone(),
                        number: i.number.clone(),
                        text: i.text.clone(),
                        responsibility: a.map(|a| a.responsibility.clone()).unwrap_or_default(),
                        agreed_content: a.map(|a| a.agreed_content.clone()).unwrap_or_default(),
                        written_in: a.map(|a| a.written_in.clone()).unwrap_or_default(),
                        remarks: a.map(|a| a.remarks.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let contracts = state
        .store()
        .vendor_contracts(std::slice::from_ref(&vendor_id))
        .await?
        .into_iter()
        .map(|c| (c.id, format!("{} — {}", c.institution_name, c.title)))
        .collect();
    let result = match (q.applied, q.skipped) {
        (Some(a), Some(s)) => Some(format!(
            "{} {}",
            tr.t1("std-applied", "count", a),
            tr.t1("std-skipped", "count", s)
        )),
        _ => None,
    };
    Ok(render(&StandardPage {
        vendors,
        vendor_id,
        products,
        product,
        items,
        responsibilities: [
            mamori_domain::role_sharing::Responsibility::Vendor,
            mamori_domain::role_sharing::Responsibility::Joint,
            mamori_domain::role_sharing::Responsibility::Institution,
        ]
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                tr.t(&format!("rs-resp-{}", r.as_str().replace('_', "-"))),
            )
        })
        .collect(),
        contracts,
        result,
        page,
    })?
    .into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct StandardForm {
    pub vendor_id: String,
    pub product: String,
    pub item_id: String,
    #[serde(default)]
    pub responsibility: String,
    #[serde(default)]
    pub agreed_content: String,
    #[serde(default)]
    pub written_in: String,
    #[serde(default)]
    pub remarks: String,
}

pub async fn save_standard_answer(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<StandardForm>,
) -> AppResult<Response> {
    own_vendor(&auth, &f.vendor_id)?;
    let product = f.product.trim();
    let catalog_id = rsw::current_catalog(&state).unwrap_or_default();
    let known_item = state
        .catalogs()
        .catalogs
        .get(&catalog_id)
        .and_then(|c| c.item(&f.item_id).map(rsw::is_part2))
        .unwrap_or(false);
    let enc =
        |s: &str| serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string();
    let here = format!(
        "/vendor/standard-answers?vendor={}&product={}",
        enc(&f.vendor_id),
        enc(product)
    );
    let bad = product.is_empty()
        || product.chars().count() > 100
        || !known_item
        || !["vendor", "joint", "institution"].contains(&f.responsibility.as_str())
        || [&f.agreed_content, &f.written_in, &f.remarks]
            .iter()
            .any(|t| t.chars().count() > 4000);
    if bad {
        return Ok(Redirect::to(&format!("{here}&err=error-standard-answer")).into_response());
    }
    state
        .store()
        .save_standard_answer(
            &auth.actor(),
            &StandardAnswer {
                vendor_id: f.vendor_id.clone(),
                product: product.into(),
                catalog_id,
                item_id: f.item_id.clone(),
                responsibility: f.responsibility.clone(),
                agreed_content: f.agreed_content.trim().into(),
                written_in: f.written_in.trim().into(),
                remarks: f.remarks.trim().into(),
                updated_at: 0,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("{here}&ok=flash-standard-saved#std-{}", f.item_id)).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct ApplyForm {
    pub vendor_id: String,
    pub product: String,
    #[serde(default)]
    pub contract: Vec<String>,
}

/// Propose the product's standard answers in each chosen contract. Agreed items, and
/// items where the vendor's side already made a proposal, are left as they are.
pub async fn apply_standard_answers(
    State(state): State<AppState>,
    auth: Auth,
    axum_extra::extract::Form(f): axum_extra::extract::Form<ApplyForm>,
) -> AppResult<Response> {
    own_vendor(&auth, &f.vendor_id)?;
    let answers: Vec<StandardAnswer> = state
        .store()
        .standard_answers(&f.vendor_id)
        .await?
        .into_iter()
        .filter(|a| a.product == f.product)
        .collect();
    let (mut applied, mut skipped) = (0usize, 0usize);
    for cid in &f.contract {
        let (c, party) =
            rsw::contract_for(state.store(), &auth, cid, Action::AnswerRoleSharing).await?;
        if party != Party::Vendor || c.vendor_id != f.vendor_id {
            return Err(AppError::NotFound);
        }
        let rows = state.store().role_sharing_items(&c.id).await?;
        for a in answers.iter().filter(|a| a.catalog_id == c.catalog_id) {
            let row = rows.iter().find(|r| r.item_id == a.item_id);
            let st = rsw::standing(row);
            let mine = st.proposed_by == Some(Party::Vendor)
                && st.state == mamori_domain::role_sharing::ItemState::Negotiating;
            if st.state == mamori_domain::role_sharing::ItemState::Agreed || mine {
                skipped += 1;
                continue;
            }
            let input = StepInput {
                step: "propose".into(),
                version: row.map(|r| r.version).unwrap_or(0),
                responsibility: a.responsibility.clone(),
                agreed_content: a.agreed_content.clone(),
                written_in: a.written_in.clone(),
                remarks: a.remarks.clone(),
                first_check: row.and_then(|r| r.first_check.clone()).unwrap_or_default(),
                first_checked_on: row
                    .and_then(|r| r.first_checked_on.clone())
                    .unwrap_or_default(),
                completed_on: row.and_then(|r| r.completed_on.clone()).unwrap_or_default(),
                ..Default::default()
            };
            match rsw::apply_step(&state, &auth, &c, party, &a.item_id, &input)
                .await
                .map_err(AppError::from)
            {
                Ok(_) => applied += 1,
                Err(AppError::Invalid { .. } | AppError::Conflict(_) | AppError::NotFound) => {
                    skipped += 1
                }
                Err(e) => return Err(e),
            }
        }
    }
    let enc =
        |s: &str| serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string();
    Ok(Redirect::to(&format!(
        "/vendor/standard-answers?vendor={}&product={}&applied={applied}&skipped={skipped}",
        enc(&f.vendor_id),
        enc(&f.product)
    ))
    .into_response())
}
