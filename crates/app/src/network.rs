//! The network of an institution: zones with their address ranges, links between zones,
//! external connection points with the vendor responsible; and the zone rules of a ledger
//! entry (its zone is the institution's, its addresses in the zone's ranges, no address
//! twice in one zone). Reading is for whoever reads the ledger; changing for whoever
//! changes it.

use crate::access::institution_for;
use crate::assets::lenient;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assets::{AssetFields, AssetStatus};
use mamori_domain::network::{check_connection, check_zone, RawConnection, RawZone};
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use mamori_store::{ConnectionPoint, NetworkZone, ZoneLink};
use serde::Deserialize;

/// A zone as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ZoneInput {
    /// 1–100 characters, unique in the institution.
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// `his`, `internet`, `dmz`, `medical`, `management`, `guest` or `other`.
    #[serde(deserialize_with = "lenient")]
    pub purpose: String,
    /// CIDR ranges (`10.10.0.0/16`), separated by commas, spaces or new lines; a list is
    /// taken too. No range may overlap another zone's.
    #[serde(deserialize_with = "lenient")]
    pub ranges: String,
    #[serde(deserialize_with = "lenient")]
    pub notes: String,
    /// The version read (editing); a stale one is a conflict.
    pub version: i64,
}

impl ZoneInput {
    pub fn of(z: &NetworkZone) -> Self {
        ZoneInput {
            name: z.name.clone(),
            purpose: z.purpose.to_string(),
            ranges: z.range_list().join(", "),
            notes: z.notes.clone(),
            version: z.version,
        }
    }
}

/// A link between two zones as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LinkInput {
    /// A zone's id.
    pub from_zone: String,
    /// Another zone's id.
    pub to_zone: String,
    /// The ledger entry (firewall, router) the link goes through, or empty.
    #[serde(deserialize_with = "lenient")]
    pub via_asset: String,
}

/// An external connection point as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PointInput {
    /// `internet`, `vpn`, `regional` (地域医療連携), `online_qualification`
    /// (オンライン資格確認), `maintenance` (保守回線) or `cloud`.
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// Who or what is on the other side (1–200 characters).
    #[serde(deserialize_with = "lenient")]
    pub counterpart: String,
    /// The ledger entry it goes through, or empty.
    #[serde(deserialize_with = "lenient")]
    pub via_asset: String,
    /// The vendor responsible (a vendor under contract with the institution), or empty.
    #[serde(deserialize_with = "lenient")]
    pub vendor_id: String,
    /// A remote-maintenance path: `yes` / `true` / `on`, or a boolean.
    #[serde(deserialize_with = "lenient")]
    pub maintenance: String,
    #[serde(deserialize_with = "lenient")]
    pub notes: String,
    /// The version read (editing, deleting); a stale one is a conflict.
    pub version: i64,
}

impl PointInput {
    pub fn of(c: &ConnectionPoint) -> Self {
        PointInput {
            kind: c.kind.to_string(),
            counterpart: c.counterpart.clone(),
            via_asset: c.via_asset.clone().unwrap_or_default(),
            vendor_id: c.vendor_id.clone().unwrap_or_default(),
            maintenance: if c.maintenance { "yes" } else { "" }.into(),
            notes: c.notes.clone(),
            version: c.version,
        }
    }
}

/// Everything of an institution's network.
pub struct Network {
    pub institution: Institution,
    pub zones: Vec<NetworkZone>,
    pub links: Vec<ZoneLink>,
    pub points: Vec<ConnectionPoint>,
    /// The ledger entries not retired (what links and points may go through).
    pub assets: Vec<mamori_store::Asset>,
    /// The vendors under contract with the institution: (id, name).
    pub vendors: Vec<(String, String)>,
}

/// The vendors under contract with the institution, by name.
pub async fn contract_vendors(ctx: &Ctx, institution_id: &str) -> Result<Vec<(String, String)>> {
    let mut v: Vec<(String, String)> = ctx
        .store()
        .contracts(institution_id)
        .await?
        .into_iter()
        .map(|c| (c.vendor_id, c.vendor_name))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    v.dedup_by(|a, b| a.0 == b.0);
    Ok(v)
}

/// The network of the institution `code`.
pub async fn network(ctx: &Ctx, caller: &Caller, code: &str) -> Result<Network> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewAssets).await?;
    load(ctx, inst).await
}

pub(crate) async fn load(ctx: &Ctx, inst: Institution) -> Result<Network> {
    let s = ctx.store();
    let mut assets = s.assets(&inst.id).await?;
    assets.retain(|a| a.status != AssetStatus::Retired);
    Ok(Network {
        zones: s.zones(&inst.id).await?,
        links: s.zone_links(&inst.id).await?,
        points: s.connection_points(&inst.id).await?,
        vendors: contract_vendors(ctx, &inst.id).await?,
        assets,
        institution: inst,
    })
}

/// A zone, if the caller may take `action` on its institution's ledger.
pub async fn zone(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    action: Action,
) -> Result<(NetworkZone, Institution)> {
    let z = ctx.store().zone(id).await?.ok_or(Error::NotFound)?;
    let inst =
        crate::access::record_institution(ctx.store(), caller, &z.institution_id, action).await?;
    Ok((z, inst))
}

fn zone_rules(
    zones: &[NetworkZone],
    id: Option<&str>,
    f: &mamori_domain::network::ZoneFields,
) -> Result<()> {
    let refs: Vec<_> = zones.iter().map(NetworkZone::zone_ref).collect();
    mamori_domain::network::check_against(id, f, &refs).map_err(|(e, _)| Error::invalid(e))
}

/// Add a zone (its name unique, its ranges overlapping no other zone's).
pub async fn create_zone(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &ZoneInput,
) -> Result<NetworkZone> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    let f = check_zone(&raw_zone(input)).map_err(Error::invalid)?;
    zone_rules(&ctx.store().zones(&inst.id).await?, None, &f)?;
    Ok(ctx
        .store()
        .create_zone(&caller.actor(), &NetworkZone::new(&inst.id, f))
        .await?)
}

fn raw_zone(input: &ZoneInput) -> RawZone<'_> {
    RawZone {
        name: &input.name,
        purpose: &input.purpose,
        ranges: &input.ranges,
        notes: &input.notes,
    }
}

/// Change a zone read at `input.version`: the same rules, and the entries in the zone keep
/// their addresses inside its ranges.
pub async fn update_zone(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    input: &ZoneInput,
) -> Result<NetworkZone> {
    let (current, inst) = zone(ctx, caller, id, Action::ManageAssets).await?;
    let f = check_zone(&raw_zone(input)).map_err(Error::invalid)?;
    zone_rules(&ctx.store().zones(&inst.id).await?, Some(id), &f)?;
    let ranges = f.ranges.clone();
    let assets = ctx.store().assets(&inst.id).await?;
    if assets.iter().any(|a| {
        a.zone_id.as_deref() == Some(id)
            && mamori_domain::network::outside(&a.addresses(), &ranges).is_some()
    }) {
        return Err(Error::Invalid {
            field: "ranges",
            key: "error-zone-assets-outside",
        });
    }
    let changed = NetworkZone {
        id: current.id.clone(),
        ..NetworkZone::new(&inst.id, f)
    };
    Ok(ctx
        .store()
        .update_zone(&caller.actor(), &changed, input.version)
        .await?)
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Is `id` (if any) a ledger entry of the network (not retired)?
fn own_asset(
    n: &Network,
    id: &Option<String>,
    field: &'static str,
    key: &'static str,
) -> Result<()> {
    match id {
        Some(id) if !n.assets.iter().any(|a| &a.id == id) => Err(Error::Invalid { field, key }),
        _ => Ok(()),
    }
}

/// Link two zones of the institution (through an entry of its ledger, where one is named).
pub async fn create_link(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &LinkInput,
) -> Result<ZoneLink> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    let n = load(ctx, inst).await?;
    let known = |z: &str| n.zones.iter().any(|x| x.id == z.trim());
    if !known(&input.from_zone) {
        return Err(Error::Invalid {
            field: "from_zone",
            key: "error-link-zone",
        });
    }
    if !known(&input.to_zone) {
        return Err(Error::Invalid {
            field: "to_zone",
            key: "error-link-zone",
        });
    }
    if input.from_zone.trim() == input.to_zone.trim() {
        return Err(Error::Invalid {
            field: "to_zone",
            key: "error-link-same",
        });
    }
    let via = optional(&input.via_asset);
    own_asset(&n, &via, "via_asset", "error-network-asset")?;
    let l = ZoneLink {
        id: String::new(),
        institution_id: n.institution.id.clone(),
        from_zone: input.from_zone.trim().to_string(),
        to_zone: input.to_zone.trim().to_string(),
        via_asset: via,
        version: 0,
        created_at: 0,
        created_by: None,
        created_label: String::new(),
    };
    Ok(ctx.store().create_zone_link(&caller.actor(), &l).await?)
}

/// Remove a link between zones (the institution's own; another's is not found).
pub async fn delete_link(ctx: &Ctx, caller: &Caller, code: &str, id: &str) -> Result<()> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    Ok(ctx
        .store()
        .delete_zone_link(&caller.actor(), &inst.id, id)
        .await?)
}

/// A connection point, if the caller may take `action` on its institution's ledger.
pub async fn point(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    action: Action,
) -> Result<(ConnectionPoint, Institution)> {
    let c = ctx
        .store()
        .connection_point(id)
        .await?
        .ok_or(Error::NotFound)?;
    let inst =
        crate::access::record_institution(ctx.store(), caller, &c.institution_id, action).await?;
    Ok((c, inst))
}

async fn checked_point(
    ctx: &Ctx,
    inst: Institution,
    input: &PointInput,
) -> Result<ConnectionPoint> {
    let f = check_connection(&RawConnection {
        kind: &input.kind,
        counterpart: &input.counterpart,
        notes: &input.notes,
    })
    .map_err(Error::invalid)?;
    let maintenance = match input.maintenance.trim() {
        "" | "no" | "false" | "off" => false,
        "yes" | "true" | "on" => true,
        _ => {
            return Err(Error::Invalid {
                field: "maintenance",
                key: "error-rs-bad-value",
            })
        }
    };
    let n = load(ctx, inst).await?;
    let via = optional(&input.via_asset);
    own_asset(&n, &via, "via_asset", "error-network-asset")?;
    let vendor = optional(&input.vendor_id);
    if let Some(v) = &vendor {
        if !n.vendors.iter().any(|(id, _)| id == v) {
            return Err(Error::Invalid {
                field: "vendor_id",
                key: "error-connection-vendor",
            });
        }
    }
    Ok(ConnectionPoint {
        id: String::new(),
        institution_id: n.institution.id.clone(),
        kind: f.kind,
        counterpart: f.counterpart,
        via_asset: via,
        vendor_id: vendor,
        maintenance,
        notes: f.notes,
        version: 0,
        created_at: 0,
        updated_at: 0,
        updated_by: None,
        updated_label: String::new(),
    })
}

/// Add an external connection point.
pub async fn create_point(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &PointInput,
) -> Result<ConnectionPoint> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    let c = checked_point(ctx, inst, input).await?;
    Ok(ctx
        .store()
        .create_connection_point(&caller.actor(), &c)
        .await?)
}

/// Change a connection point read at `input.version`.
pub async fn update_point(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    input: &PointInput,
) -> Result<ConnectionPoint> {
    let (current, inst) = point(ctx, caller, id, Action::ManageAssets).await?;
    let c = ConnectionPoint {
        id: current.id,
        ..checked_point(ctx, inst, input).await?
    };
    Ok(ctx
        .store()
        .update_connection_point(&caller.actor(), &c, input.version)
        .await?)
}

/// Remove a connection point read at `version`.
pub async fn delete_point(ctx: &Ctx, caller: &Caller, id: &str, version: i64) -> Result<()> {
    let (current, inst) = point(ctx, caller, id, Action::ManageAssets).await?;
    Ok(ctx
        .store()
        .delete_connection_point(&caller.actor(), &inst.id, &current.id, version)
        .await?)
}

/// The zone rules of a ledger entry about to be saved: its zone is
/// one of the institution's and its addresses fall in the zone's ranges (the store checks
/// both again inside its transaction, with the rule that no other entry in use in the same
/// zone — entries without a zone count as one — has one of its addresses).
pub async fn check_entry(ctx: &Ctx, institution_id: &str, f: &AssetFields) -> Result<()> {
    if let Some(z) = &f.zone {
        let zone = ctx
            .store()
            .zone(z)
            .await?
            .filter(|x| x.institution_id == institution_id)
            .ok_or(Error::Invalid {
                field: "zone",
                key: "error-asset-zone",
            })?;
        mamori_domain::network::check_in_zone(&f.ip_addresses, &zone.range_list())
            .map_err(Error::invalid)?;
    }
    // No address twice in one zone: checked by the store inside the writing transaction
    // (`ConflictKind::AddressTaken`, the same 422).
    Ok(())
}
