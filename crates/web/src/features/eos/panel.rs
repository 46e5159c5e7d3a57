//! The dashboard's end-of-support panel: the institution's assets whose end of support has
//! passed (サポート終了) or falls within 180 days, each linking to its entry (for those who
//! may read the ledger).

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::render;
use askama::Template;
use mamori_domain::codes::EosStanding;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::Institution;

/// One asset as the panel lists it.
pub struct Line {
    pub href: String,
    pub name: String,
    pub date: String,
    pub passed: bool,
    pub badge: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "eos/panel.html")]
struct Panel<'a> {
    tr: &'a Tr,
    code: &'a str,
    lines: Vec<Line>,
    attributions: Vec<&'static str>,
}

pub async fn dashboard_panel(
    state: &AppState,
    auth: &Auth,
    inst: &Institution,
    tr: &Tr,
) -> AppResult<Option<String>> {
    if !mamori_app::access::may(auth, Action::ViewAssets, Scope::Institution(&inst.id)) {
        return Ok(None);
    }
    let list = mamori_app::eos::attention(state, auth, &inst.code).await?;
    let lines = list
        .into_iter()
        .map(|(a, e)| Line {
            href: format!("/ledger/{}", a.id),
            name: a.name,
            date: e.eos_on.clone().unwrap_or_default(),
            passed: e.standing == EosStanding::Passed,
            badge: e.badge(tr),
            what: e.cycle_label.unwrap_or_else(|| tr.t("eos-basis-manual")),
        })
        .collect();
    Ok(Some(
        render(&Panel {
            tr,
            code: &inst.code,
            lines,
            attributions: mamori_app::eos::attributions(),
        })?
        .0,
    ))
}
