//! The role-sharing panel on the institution dashboard.

use super::pages::*;
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::render;
use askama::Template;
use mamori_app::role_sharing::{self as rsw};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::Institution;
use mamori_store::Contract;

// ------------------------------------------------------------------ dashboard signals

/// What the dashboard shows of contracts and role sharing.
pub struct Signals {
    /// (contract href, "vendor — title", open items)
    pub open: Vec<(String, String, usize)>,
    /// (vendor, certification, expiry, expired?)
    pub certs: Vec<(String, String, String, bool)>,
    /// (contract href, "vendor — title")
    pub no_checklist: Vec<(String, String)>,
    /// (contract href, subcontractor, vendor)
    pub unapproved: Vec<(String, String, String)>,
    pub contracts: usize,
    pub gaps: usize,
    pub overlaps: usize,
}

#[derive(Template)]
#[template(path = "role_sharing/panel.html")]
pub(crate) struct Panel<'a> {
    tr: &'a Tr,
    code: &'a str,
    sg: Signals,
}

/// What the institution's side has to do in role sharing, each with where to act:
/// proposals of a vendor waiting for its answer (per contract), and vendors'
/// certifications expired or expiring within 60 days. For those who answer role sharing.
pub async fn todo_items(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Vec<(String, String)>> {
    use mamori_domain::role_sharing::{ItemState, Party};
    if !mamori_app::access::may(
        auth,
        Action::AnswerRoleSharing,
        Scope::Institution(&inst.id),
    ) {
        return Ok(vec![]);
    }
    let store = state.store();
    // Who proposed what, counted per contract in one grouped read.
    let (contracts, tallies) = tokio::try_join!(
        store.contracts(&inst.id),
        store.institution_role_sharing_tallies(&inst.id)
    )?;
    let mut out = Vec::new();
    for c in &contracts {
        let waiting: i64 = tallies
            .iter()
            .filter(|(cid, state, by, _)| {
                *cid == c.id
                    && state.as_str() == ItemState::Negotiating.as_str()
                    && by.as_deref() == Some(Party::Vendor.as_str())
            })
            .map(|t| t.3)
            .sum();
        if waiting > 0 {
            out.push((
                tr.targs(
                    "todo-proposals",
                    &[
                        ("vendor", c.vendor_name.clone()),
                        ("count", waiting.to_string()),
                    ],
                ),
                format!("/contracts/{}", c.id),
            ));
        }
    }
    let today = mamori_domain::time::today_jst();
    let mut vendor_ids: Vec<String> = contracts.iter().map(|c| c.vendor_id.clone()).collect();
    vendor_ids.sort();
    vendor_ids.dedup();
    for cert in store.certifications(&vendor_ids).await? {
        let standing = mamori_domain::codes::cert_standing(cert.expires_on.as_deref(), &today);
        if standing == mamori_domain::codes::CertStanding::Valid {
            continue;
        }
        let Some(c) = contracts.iter().find(|c| c.vendor_id == cert.vendor_id) else {
            continue;
        };
        let key = if standing == mamori_domain::codes::CertStanding::Expired {
            "todo-cert-expired"
        } else {
            "todo-cert-expiring"
        };
        out.push((
            tr.targs(
                key,
                &[
                    ("vendor", c.vendor_name.clone()),
                    ("name", cert.name.clone()),
                    ("date", cert.expires_on.clone().unwrap_or_default()),
                ],
            ),
            format!("/contracts/{}", c.id),
        ));
    }
    Ok(out)
}

/// The role-sharing panel on the institution dashboard (for those who may see contracts).
pub async fn dashboard_panel(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Option<String>> {
    if !mamori_app::access::may(auth, Action::ViewContracts, Scope::Institution(&inst.id)) {
        return Ok(None);
    }
    let sg = signals(state, inst, tr).await?;
    Ok(Some(
        render(&Panel {
            tr,
            code: &inst.code,
            sg,
        })?
        .0,
    ))
}

pub async fn signals(state: &AppState, inst: &Institution, _tr: &Tr) -> AppResult<Signals> {
    let store = state.store();
    let (contracts, items, subs) = tokio::try_join!(
        store.contracts(&inst.id),
        store.matrix_cells(&inst.id),
        store.subcontractors(&inst.id)
    )?;
    let mut vendor_ids: Vec<String> = contracts.iter().map(|c| c.vendor_id.clone()).collect();
    vendor_ids.sort();
    vendor_ids.dedup();
    let certs = store.certifications(&vendor_ids).await?;
    let today = mamori_domain::time::today_jst();
    let name = |c: &Contract| format!("{} — {}", c.vendor_name, c.title);
    let mut open = Vec::new();
    let mut no_checklist = Vec::new();
    for c in &contracts {
        let (agreed, negotiating, total) = progress(state, c, &items);
        if agreed + negotiating == 0 {
            no_checklist.push((format!("/contracts/{}", c.id), name(c)));
        } else if total > agreed {
            open.push((format!("/contracts/{}", c.id), name(c), total - agreed));
        }
    }
    let vendor_name = |id: &str| {
        contracts
            .iter()
            .find(|c| c.vendor_id == id)
            .map(|c| c.vendor_name.clone())
            .unwrap_or_default()
    };
    let certs = certs
        .iter()
        .filter_map(|c| {
            let w = mamori_domain::codes::cert_standing(c.expires_on.as_deref(), &today);
            (w != mamori_domain::codes::CertStanding::Valid).then(|| {
                (
                    vendor_name(&c.vendor_id),
                    c.name.clone(),
                    c.expires_on.clone().unwrap_or_default(),
                    w == mamori_domain::codes::CertStanding::Expired,
                )
            })
        })
        .collect();
    let unapproved = subs
        .iter()
        .filter(|s| s.approved_at.is_none())
        .map(|s| {
            let c = contracts.iter().find(|c| c.id == s.contract_id);
            (
                format!("/contracts/{}#subcontractors", s.contract_id),
                s.name.clone(),
                c.map(|c| c.vendor_name.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let n_contracts = contracts.len();
    let m = rsw::matrix_of(state, inst, contracts, items).await?;
    Ok(Signals {
        open,
        certs,
        no_checklist,
        unapproved,
        contracts: n_contracts,
        gaps: m.counts.get("gap").copied().unwrap_or(0),
        overlaps: m.counts.get("overlap").copied().unwrap_or(0),
    })
}
