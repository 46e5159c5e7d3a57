//! End of support (EOS) of the ledger's assets: the feed data as the app reads it (cached per
//! import), an asset's effective end of support — the product cycle a person confirmed
//! (`asset_eos_links`), else the ledger's manual `eos_on` (YAMAHA routers, NAS, medical
//! devices: products without public lifecycle data) — and its standing on the day:
//! サポート終了 (passed) or 180日以内 (within). Suggestions come from the OS text and CPE
//! (`mamori_feeds::eos::suggest`) and are confirmed by a person. Reading is `ViewAssets`,
//! linking `ManageAssets`.

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use chrono::NaiveDate;
use mamori_domain::codes::EosStanding;
use mamori_domain::policy::Action;
use mamori_feeds::eos::{
    suggest, EosCycle, EosIndex, EosProduct, EosSource, EosStatus, Suggestion, Support,
};
use mamori_store::{Asset, AssetEosLink, EosCycleRecord, EosProductRecord, FeedImport, FeedStore};
use std::collections::HashMap;
use std::sync::Arc;

/// The warning window: an end of support this many days ahead or fewer is shown.
pub const WINDOW_DAYS: i64 = 180;

/// The attribution texts to show wherever EOS data is shown (endoflife.date, MIT;
/// distro-info-data, ISC).
pub fn attributions() -> Vec<&'static str> {
    mamori_feeds::attribution()
        .iter()
        .map(|(_, t)| *t)
        .collect()
}

/// The feed data as read, with the suggestion index; built once per import.
pub struct EosData {
    pub products: Vec<EosProduct>,
    pub index: EosIndex,
    /// The number of imports recorded when this was read.
    pub generation: i64,
}

impl EosData {
    pub fn cycle(&self, product: &str, cycle: &str) -> Option<(&EosProduct, &EosCycle)> {
        let p = self.index.product(product)?;
        Some((p, p.cycle(cycle)?))
    }
}

fn support_text(s: &Support) -> String {
    match s {
        Support::On(d) => d.format("%Y-%m-%d").to_string(),
        Support::Ended => "ended".into(),
        Support::NotEnded => "not_ended".into(),
    }
}

fn support_of(s: &str) -> Support {
    match s {
        "ended" => Support::Ended,
        "not_ended" => Support::NotEnded,
        d => date(d).map_or(Support::NotEnded, Support::On),
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn source_text(s: EosSource) -> &'static str {
    match s {
        EosSource::EndoflifeMd => "endoflife_md",
        EosSource::EndoflifeApi => "endoflife_api",
        EosSource::DistroInfo => "distro_info",
    }
}

fn source_of(s: &str) -> EosSource {
    match s {
        "endoflife_api" => EosSource::EndoflifeApi,
        "distro_info" => EosSource::DistroInfo,
        _ => EosSource::EndoflifeMd,
    }
}

/// A product as the feed store keeps it.
pub fn record_of(p: &EosProduct) -> EosProductRecord {
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    EosProductRecord {
        id: p.id.clone(),
        title: p.title.clone(),
        category: p.category.clone(),
        cpes: p.cpes.clone(),
        source: source_text(p.source).into(),
        cycles: p
            .cycles
            .iter()
            .map(|c| EosCycleRecord {
                cycle: c.cycle.clone(),
                label: c.label.clone(),
                codename: c.codename.clone(),
                release_on: day(c.release),
                eoas: c.eoas.as_ref().map(support_text),
                eol: support_text(&c.eol),
                eoes: c.eoes.as_ref().map(support_text),
                latest: c.latest.clone(),
                lts: c.lts,
                lts_from: day(c.lts_from),
                source: source_text(c.source).into(),
            })
            .collect(),
    }
}

/// A stored product in the feeds' model.
pub fn product_of(r: EosProductRecord) -> EosProduct {
    EosProduct {
        source: source_of(&r.source),
        cycles: r
            .cycles
            .into_iter()
            .map(|c| EosCycle {
                release: c.release_on.as_deref().and_then(date),
                eoas: c.eoas.as_deref().map(support_of),
                eol: support_of(&c.eol),
                eoes: c.eoes.as_deref().map(support_of),
                lts_from: c.lts_from.as_deref().and_then(date),
                source: source_of(&c.source),
                cycle: c.cycle,
                label: c.label,
                codename: c.codename,
                latest: c.latest,
                lts: c.lts,
            })
            .collect(),
        id: r.id,
        title: r.title,
        category: r.category,
        cpes: r.cpes,
    }
}

/// The feed data, read again when an import was recorded since the last read.
pub async fn data(ctx: &Ctx) -> Result<Arc<EosData>> {
    let feeds = ctx.feeds();
    let generation = feeds.feed_generation().await?;
    if let Some(d) = ctx.eos_cached().filter(|d| d.generation == generation) {
        return Ok(d);
    }
    let products: Vec<EosProduct> = feeds
        .eos_products()
        .await?
        .into_iter()
        .map(product_of)
        .collect();
    let index = EosIndex::new(&products);
    let d = Arc::new(EosData {
        products,
        index,
        generation,
    });
    ctx.set_eos_cache(d.clone());
    Ok(d)
}

/// The latest import of the end-of-support feed, if any.
pub async fn latest_import(feeds: &dyn FeedStore) -> Result<Option<FeedImport>> {
    Ok(feeds
        .feed_imports(mamori_domain::codes::FeedKind::Eos.as_str(), 1)
        .await?
        .into_iter()
        .next())
}

/// Today in Japan, from the context's clock.
pub fn today(ctx: &Ctx) -> NaiveDate {
    date(&mamori_domain::time::date_jst(ctx.now())).unwrap_or_default()
}

/// An asset's effective end of support.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AssetEos {
    /// `passed`, `within`, `supported` or `unknown`.
    #[schema(value_type = String)]
    pub standing: EosStanding,
    /// The end of security support (`YYYY-MM-DD`), when there is a date.
    pub eos_on: Option<String>,
    /// Days left, when within the window.
    pub days_left: Option<i64>,
    /// `link` (a confirmed product cycle), `manual` (the ledger's date) or `none`.
    pub basis: String,
    /// The product cycle, for people (`Windows Server 2012 R2`), when linked.
    pub cycle_label: Option<String>,
    pub product: Option<String>,
    pub cycle: Option<String>,
    /// The attribution of the data the date comes from (linked cycles only).
    pub attribution: Option<String>,
}

impl AssetEos {
    /// Passed, or within the window.
    pub fn needs_attention(&self) -> bool {
        matches!(self.standing, EosStanding::Passed | EosStanding::Within)
    }

    /// The badge's text: サポート終了, 180日以内(あと N 日), サポート中, 不明.
    pub fn badge(&self, tr: &mamori_i18n::Tr) -> String {
        match self.standing {
            EosStanding::Passed => tr.t("eos-passed"),
            EosStanding::Within => tr.t1("eos-within", "days", self.days_left.unwrap_or(0)),
            EosStanding::Supported => tr.t("eos-supported"),
            EosStanding::Unknown => tr.t("eos-unknown"),
        }
    }

    /// The badge's class: `danger` (passed), `warn` (within), empty otherwise.
    pub fn badge_class(&self) -> &'static str {
        match self.standing {
            EosStanding::Passed => "danger",
            EosStanding::Within => "warn",
            _ => "",
        }
    }
}

fn standing(status: EosStatus) -> (EosStanding, Option<i64>) {
    match status {
        EosStatus::Passed => (EosStanding::Passed, None),
        EosStatus::Within(d) => (EosStanding::Within, Some(d)),
        EosStatus::Supported => (EosStanding::Supported, None),
        EosStatus::Unknown => (EosStanding::Unknown, None),
    }
}

/// The effective end of support of `asset`: its confirmed link's cycle when the feed data
/// has it, else the manual date; unknown otherwise.
pub fn effective(
    asset: &Asset,
    link: Option<&AssetEosLink>,
    data: &EosData,
    today: NaiveDate,
) -> AssetEos {
    if let Some(l) = link {
        if let Some((p, c)) = data.cycle(&l.product, &l.cycle) {
            let (standing, days_left) = standing(c.status(today, WINDOW_DAYS));
            return AssetEos {
                standing,
                eos_on: c.eol.date().map(|d| d.format("%Y-%m-%d").to_string()),
                days_left,
                basis: "link".into(),
                cycle_label: Some(c.display(&p.title)),
                product: Some(l.product.clone()),
                cycle: Some(l.cycle.clone()),
                attribution: Some(c.source.attribution().to_string()),
            };
        }
    }
    let manual = asset.eos_on.as_deref().and_then(date);
    let (standing, days_left) = match manual {
        Some(d) => standing(Support::On(d).status(today, WINDOW_DAYS)),
        None => (EosStanding::Unknown, None),
    };
    AssetEos {
        standing,
        eos_on: manual.map(|d| d.format("%Y-%m-%d").to_string()),
        days_left,
        basis: if manual.is_some() { "manual" } else { "none" }.into(),
        cycle_label: None,
        product: link.map(|l| l.product.clone()),
        cycle: link.map(|l| l.cycle.clone()),
        attribution: None,
    }
}

/// Every asset's effective end of support in an institution (the ledger list, the
/// dashboard): asset id → standing. The caller must have been authorised for the ledger.
pub async fn of_institution(
    ctx: &Ctx,
    institution_id: &str,
    assets: &[Asset],
) -> Result<HashMap<String, AssetEos>> {
    let data = data(ctx).await?;
    let links: HashMap<String, AssetEosLink> = ctx
        .store()
        .asset_eos_links(institution_id)
        .await?
        .into_iter()
        .map(|l| (l.asset_id.clone(), l))
        .collect();
    let today = today(ctx);
    Ok(assets
        .iter()
        .map(|a| (a.id.clone(), effective(a, links.get(&a.id), &data, today)))
        .collect())
}

/// The assets of an institution whose end of support has passed or is within the window,
/// passed first, then by date (the dashboard's list). Retired assets are left out.
pub async fn attention(ctx: &Ctx, caller: &Caller, code: &str) -> Result<Vec<(Asset, AssetEos)>> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewAssets).await?;
    let assets: Vec<Asset> = ctx
        .store()
        .assets(&inst.id)
        .await?
        .into_iter()
        .filter(|a| a.status != mamori_domain::assets::AssetStatus::Retired)
        .collect();
    let mut eos = of_institution(ctx, &inst.id, &assets).await?;
    let mut out: Vec<(Asset, AssetEos)> = assets
        .into_iter()
        .filter_map(|a| {
            let e = eos.remove(&a.id)?;
            e.needs_attention().then_some((a, e))
        })
        .collect();
    out.sort_by(|(a, x), (b, y)| {
        (x.standing, &x.eos_on, &a.name).cmp(&(y.standing, &y.eos_on, &b.name))
    });
    Ok(out)
}

/// What the asset page's EOS section shows.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EosSection {
    pub asset_id: String,
    pub eos: AssetEos,
    /// The confirmed link's version (to change or remove it), when there is one.
    pub link_version: Option<i64>,
    pub confirmed_label: Option<String>,
    pub confirmed_at: Option<i64>,
    /// Suggestions from the OS text and CPE, best first (none once linked to one of them).
    #[schema(value_type = Vec<Object>)]
    pub suggestions: Vec<Suggestion>,
    /// Whether any feed data has been imported.
    pub has_data: bool,
    pub attributions: Vec<String>,
}

/// The asset's EOS section (ViewAssets).
pub async fn section(ctx: &Ctx, caller: &Caller, asset_id: &str) -> Result<(Asset, EosSection)> {
    let (asset, _) = crate::assets::get(ctx, caller, asset_id, Action::ViewAssets).await?;
    let data = data(ctx).await?;
    let link = ctx.store().asset_eos_link(&asset.id).await?;
    let eos = effective(&asset, link.as_ref(), &data, today(ctx));
    let text = format!("{} {}", asset.os, asset.os_version);
    let cpe = Some(asset.os_cpe.trim()).filter(|c| !c.is_empty());
    let suggestions = suggest(text.trim(), cpe, &data.index)
        .into_iter()
        .filter(|s| {
            link.as_ref()
                .is_none_or(|l| l.product != s.product || l.cycle != s.cycle)
        })
        .collect();
    Ok((
        asset.clone(),
        EosSection {
            asset_id: asset.id.clone(),
            eos,
            link_version: link.as_ref().map(|l| l.version),
            confirmed_label: link.as_ref().map(|l| l.confirmed_label.clone()),
            confirmed_at: link.as_ref().map(|l| l.confirmed_at),
            suggestions,
            has_data: !data.products.is_empty(),
            attributions: attributions().into_iter().map(str::to_string).collect(),
        },
    ))
}

/// Confirm a product cycle for the asset (ManageAssets): a new link (`version` none) or
/// the link at `version` replaced. A product or cycle the feed data does not have is
/// refused (`error-eos-unknown-cycle`).
pub async fn confirm(
    ctx: &Ctx,
    caller: &Caller,
    asset_id: &str,
    product: &str,
    cycle: &str,
    version: Option<i64>,
) -> Result<AssetEosLink> {
    let (asset, inst) = crate::assets::get(ctx, caller, asset_id, Action::ManageAssets).await?;
    let data = data(ctx).await?;
    if data.cycle(product.trim(), cycle.trim()).is_none() {
        return Err(Error::Invalid {
            field: "cycle",
            key: "error-eos-unknown-cycle",
        });
    }
    let link = AssetEosLink {
        asset_id: asset.id,
        institution_id: inst.id,
        product: product.trim().to_string(),
        cycle: cycle.trim().to_string(),
        confirmed_by: None,
        confirmed_label: String::new(),
        confirmed_at: 0,
        version: 0,
    };
    ctx.store()
        .link_asset_eos(&caller.actor(), &link, version)
        .await
        .map_err(Error::from)
}

/// Remove the asset's link at `version` (ManageAssets); the manual date applies again.
pub async fn remove(ctx: &Ctx, caller: &Caller, asset_id: &str, version: i64) -> Result<()> {
    let (asset, inst) = crate::assets::get(ctx, caller, asset_id, Action::ManageAssets).await?;
    ctx.store()
        .unlink_asset_eos(&caller.actor(), &inst.id, &asset.id, version)
        .await
        .map_err(Error::from)
}
