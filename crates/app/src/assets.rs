//! The asset ledger (機器台帳): list, read, add and change an institution's entries, each
//! change a version with its reason and history. Reading is for the institution's
//! executive, officer, planning manager and system operators; changing for the last three.

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assets::{check_asset, RawAsset};
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use mamori_store::{Asset, AssetVersion};
use serde::Deserialize;

/// A field as JSON may send it: text, or what a read of the entry gave — null, a yes/no
/// boolean, a list of addresses, a list of software — so that an entry read, changed and
/// sent back is taken as it is.
pub(crate) fn lenient<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<String, D::Error> {
    use serde_json::Value;
    let v = Value::deserialize(d)?;
    let line = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => {
                let get = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
                Some(mamori_domain::assets::software_text(&[
                    mamori_domain::assets::Software {
                        name: get("name").to_string(),
                        version: get("version").to_string(),
                        cpe: get("cpe").to_string(),
                    },
                ]))
            }
            _ => None,
        }
    };
    match &v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(if *b { "yes" } else { "no" }.into()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Array(items) => {
            let lines: Option<Vec<String>> = items.iter().map(line).collect();
            let lines = lines.ok_or_else(|| serde::de::Error::custom("a list of text"))?;
            let sep = if items.iter().any(Value::is_object) {
                "\n"
            } else {
                ", "
            };
            Ok(lines.join(sep))
        }
        Value::Object(_) => Err(serde::de::Error::custom("text expected")),
    }
}

/// An entry as a form or JSON sends it (every field text; empty means not known). JSON
/// may also send back what a read gave (nulls, a boolean, lists).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AssetInput {
    /// 1–200 characters.
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// `server`, `terminal`, `router`, `switch`, `firewall`, `vpn`, `wireless_ap`,
    /// `medical_device`, `storage`, `mobile` or `other`.
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub manufacturer: String,
    #[serde(deserialize_with = "lenient")]
    pub model: String,
    #[serde(deserialize_with = "lenient")]
    pub serial: String,
    /// Building, floor, room.
    #[serde(deserialize_with = "lenient")]
    pub location: String,
    #[serde(deserialize_with = "lenient")]
    pub department: String,
    /// 使用用途.
    #[serde(deserialize_with = "lenient")]
    pub purpose: String,
    /// OS or firmware, and its version.
    #[serde(deserialize_with = "lenient")]
    pub os: String,
    #[serde(deserialize_with = "lenient")]
    pub os_version: String,
    /// The CPE 2.3 name of the OS or firmware (`cpe:2.3:o:…`), when known.
    #[serde(deserialize_with = "lenient")]
    pub os_cpe: String,
    /// Installed software, one per line: `name | version | CPE 2.3 name` (version and
    /// CPE may be left out).
    #[serde(deserialize_with = "lenient")]
    pub software: String,
    /// IPv4 or IPv6 addresses, separated by commas or spaces.
    #[serde(deserialize_with = "lenient")]
    pub ip_addresses: String,
    #[serde(deserialize_with = "lenient")]
    pub mac: String,
    /// Used with an administrator login: `yes`, `no`, or empty (not known).
    #[serde(deserialize_with = "lenient")]
    pub admin_login: String,
    /// Who logs in as administrator.
    #[serde(deserialize_with = "lenient")]
    pub admin_users: String,
    /// Anti-virus product and its state.
    #[serde(deserialize_with = "lenient")]
    pub antivirus: String,
    /// Remote maintenance: vendor, method, connection path, who may connect.
    #[serde(deserialize_with = "lenient")]
    pub remote_maintenance: String,
    /// `purchase`, `lease`, `vendor_cloud` or empty.
    #[serde(deserialize_with = "lenient")]
    pub ownership: String,
    /// `in_use` (default), `spare` or `retired`.
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    #[serde(deserialize_with = "lenient")]
    pub introduced_on: String,
    /// The end of the warranty or maintenance contract (`YYYY-MM-DD`).
    #[serde(deserialize_with = "lenient")]
    pub warranty_on: String,
    /// End of support (`YYYY-MM-DD`).
    #[serde(deserialize_with = "lenient")]
    pub eos_on: String,
    /// The day it was retired (a retired asset only).
    #[serde(deserialize_with = "lenient")]
    pub retired_on: String,
    #[serde(deserialize_with = "lenient")]
    pub notes: String,
    /// The network zone's id, or empty. The addresses must fall in its ranges, and no
    /// other entry in use in the zone may have one of them.
    #[serde(deserialize_with = "lenient")]
    pub zone: String,
    /// The version read (editing); a stale one is a conflict.
    pub version: i64,
    /// Why it is added or changed (kept in the history; at most 2,000 characters).
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

impl AssetInput {
    fn raw(&self) -> RawAsset<'_> {
        RawAsset {
            name: &self.name,
            kind: &self.kind,
            manufacturer: &self.manufacturer,
            model: &self.model,
            serial: &self.serial,
            location: &self.location,
            department: &self.department,
            purpose: &self.purpose,
            os: &self.os,
            os_version: &self.os_version,
            os_cpe: &self.os_cpe,
            software: &self.software,
            ip_addresses: &self.ip_addresses,
            mac: &self.mac,
            admin_login: &self.admin_login,
            admin_users: &self.admin_users,
            antivirus: &self.antivirus,
            remote_maintenance: &self.remote_maintenance,
            ownership: &self.ownership,
            status: &self.status,
            introduced_on: &self.introduced_on,
            warranty_on: &self.warranty_on,
            eos_on: &self.eos_on,
            retired_on: &self.retired_on,
            notes: &self.notes,
            zone: &self.zone,
        }
    }

    /// The form of a stored entry (to edit it).
    pub fn of(a: &Asset) -> Self {
        AssetInput {
            name: a.name.clone(),
            kind: a.kind.to_string(),
            manufacturer: a.manufacturer.clone(),
            model: a.model.clone(),
            serial: a.serial.clone(),
            location: a.location.clone(),
            department: a.department.clone(),
            purpose: a.purpose.clone(),
            os: a.os.clone(),
            os_version: a.os_version.clone(),
            os_cpe: a.os_cpe.clone(),
            software: mamori_domain::assets::software_text(&a.software_list()),
            ip_addresses: a.addresses().join(", "),
            mac: a.mac.clone(),
            admin_login: match a.admin_login {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            admin_users: a.admin_users.clone(),
            antivirus: a.antivirus.clone(),
            remote_maintenance: a.remote_maintenance.clone(),
            ownership: a.ownership.map(|o| o.to_string()).unwrap_or_default(),
            status: a.status.to_string(),
            introduced_on: a.introduced_on.clone().unwrap_or_default(),
            warranty_on: a.warranty_on.clone().unwrap_or_default(),
            eos_on: a.eos_on.clone().unwrap_or_default(),
            retired_on: a.retired_on.clone().unwrap_or_default(),
            notes: a.notes.clone(),
            zone: a.zone_id.clone().unwrap_or_default(),
            version: a.version,
            reason: String::new(),
        }
    }
}

/// The label of a kind, state or ownership code: `asset-kind` + `wireless_ap` →
/// the message `asset-kind-wireless-ap`.
pub fn code_label(tr: &mamori_i18n::Tr, prefix: &str, code: &str) -> String {
    tr.t(&format!("{prefix}-{}", code.replace('_', "-")))
}

fn reason(input: &AssetInput) -> Result<String> {
    let r = input.reason.trim();
    if r.chars().count() > 2000 || r.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::Invalid {
            field: "reason",
            key: "error-asset-text",
        });
    }
    Ok(r.to_string())
}

/// What a ledger list asks for: text, kind and state to keep, and the page.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct LedgerQuery {
    /// Text in the name, serial, place, department, purpose, OS or addresses.
    pub q: String,
    /// A kind's code (`server`, `terminal` …), or empty for every kind.
    pub kind: String,
    /// `in_use`, `spare`, `retired`, or empty for every state.
    pub status: String,
    /// Entries to skip (0 by default).
    pub offset: i64,
    /// Entries to list: 1–1,000 (100 by default).
    pub limit: i64,
}

impl LedgerQuery {
    /// The store's filter for this query (kind, state and text checked).
    pub fn filter(&self) -> Result<mamori_store::AssetFilter> {
        let bad = |field| Error::Invalid {
            field,
            key: "error-rs-bad-value",
        };
        let kind = match self.kind.trim() {
            "" => None,
            k => Some(mamori_domain::assets::AssetKind::parse(k).ok_or(bad("kind"))?),
        };
        let status = match self.status.trim() {
            "" => None,
            k => Some(mamori_domain::assets::AssetStatus::parse(k).ok_or(bad("status"))?),
        };
        if self.q.chars().count() > 200 {
            return Err(bad("q"));
        }
        Ok(mamori_store::AssetFilter {
            kind,
            status,
            text: self.q.trim().to_string(),
            check: None,
        })
    }
}

/// A page of the institution's ledger with the number of entries the filter keeps.
pub async fn page(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    query: &LedgerQuery,
) -> Result<(Institution, Vec<Asset>, i64)> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewAssets).await?;
    let filter = query.filter()?;
    let limit = if query.limit == 0 { 100 } else { query.limit };
    if !(1..=1000).contains(&limit) || query.offset < 0 {
        return Err(Error::Invalid {
            field: "limit",
            key: "error-rs-bad-value",
        });
    }
    let (assets, total) = ctx
        .store()
        .assets_page(&inst.id, &filter, query.offset, limit)
        .await?;
    Ok((inst, assets, total))
}

/// One entry, if the caller may take `action` on its institution's ledger (404 for one
/// with no role there, 403 for a member without the right).
pub async fn get(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    action: Action,
) -> Result<(Asset, Institution)> {
    let a = ctx.store().asset(id).await?.ok_or(Error::NotFound)?;
    let inst =
        crate::access::record_institution(ctx.store(), caller, &a.institution_id, action).await?;
    Ok((a, inst))
}

/// Add an entry to the ledger (the domain's rules; audited; version 1 in its history).
pub async fn create(ctx: &Ctx, caller: &Caller, code: &str, input: &AssetInput) -> Result<Asset> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    let fields = check_asset(&input.raw()).map_err(Error::invalid)?;
    let why = reason(input)?;
    crate::network::check_entry(ctx, &inst.id, &fields).await?;
    Ok(ctx
        .store()
        .create_asset(&caller.actor(), &Asset::new(&inst.id, fields), &why)
        .await?)
}

/// Change an entry read at `input.version` (stale: a conflict, nothing overwritten).
pub async fn update(ctx: &Ctx, caller: &Caller, id: &str, input: &AssetInput) -> Result<Asset> {
    let (current, inst) = get(ctx, caller, id, Action::ManageAssets).await?;
    let fields = check_asset(&input.raw()).map_err(Error::invalid)?;
    let why = reason(input)?;
    crate::network::check_entry(ctx, &inst.id, &fields).await?;
    let changed = Asset {
        id: current.id.clone(),
        ..Asset::new(&inst.id, fields)
    };
    Ok(ctx
        .store()
        .update_asset(&caller.actor(), &changed, input.version, &why)
        .await?)
}

/// An entry's versions, newest first.
pub async fn history(ctx: &Ctx, caller: &Caller, id: &str) -> Result<Vec<AssetVersion>> {
    let (a, _) = get(ctx, caller, id, Action::ViewAssets).await?;
    Ok(ctx.store().asset_history(&a.id).await?)
}

/// How the ledger is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Xlsx,
    Pdf,
}

/// The ledger as the export crate lays it out (labels in Japanese, dates as stored).
pub fn ledger_sheet(
    inst: &Institution,
    assets: &[Asset],
    zones: &[mamori_store::NetworkZone],
    today: &str,
) -> mamori_export::LedgerSheet {
    let tr = mamori_i18n::Tr::new(mamori_i18n::Lang::Ja);
    let label = |prefix: &str, code: &str| code_label(&tr, prefix, code);
    let rows = assets
        .iter()
        .map(|a| {
            [
                a.name.clone(),
                label("asset-kind", a.kind.as_str()),
                a.manufacturer.clone(),
                a.model.clone(),
                a.serial.clone(),
                a.location.clone(),
                a.department.clone(),
                a.purpose.clone(),
                a.os.clone(),
                a.os_version.clone(),
                a.os_cpe.clone(),
                mamori_domain::assets::software_text(&a.software_list()),
                a.addresses().join(", "),
                a.mac.clone(),
                match a.admin_login {
                    Some(true) => "はい".into(),
                    Some(false) => "いいえ".into(),
                    None => String::new(),
                },
                a.admin_users.clone(),
                a.antivirus.clone(),
                a.remote_maintenance.clone(),
                a.ownership
                    .map(|o| label("asset-ownership", o.as_str()))
                    .unwrap_or_default(),
                label("asset-status", a.status.as_str()),
                a.introduced_on.clone().unwrap_or_default(),
                a.warranty_on.clone().unwrap_or_default(),
                a.eos_on.clone().unwrap_or_default(),
                a.retired_on.clone().unwrap_or_default(),
                a.notes.clone(),
                a.zone_id
                    .as_ref()
                    .and_then(|z| zones.iter().find(|x| &x.id == z))
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    mamori_export::LedgerSheet {
        institution: format!("{}({})", inst.name, inst.code),
        exported_on: today.to_string(),
        rows,
    }
}

/// Write the ledger of `inst` (xlsx with every column, or PDF for paper), audited as
/// `actor`'s export.
pub async fn write_ledger(
    ctx: &Ctx,
    actor: &mamori_store::Actor,
    inst: &Institution,
    dates: &str,
    format: LedgerFormat,
) -> Result<crate::exports::Export> {
    let style = mamori_export::DateStyle::parse(dates).ok_or(Error::Invalid {
        field: "dates",
        key: "error-rs-bad-value",
    })?;
    let assets = ctx.store().assets(&inst.id).await?;
    let today = mamori_domain::time::date_jst(ctx.now());
    let zones = ctx.store().zones(&inst.id).await?;
    let sheet = ledger_sheet(inst, &assets, &zones, &today);
    let (bytes, media_type, ext) = match format {
        LedgerFormat::Xlsx => (
            mamori_export::ledger_xlsx(&sheet, style)
                .map_err(|e| Error::Internal(format!("export: {e}")))?,
            crate::exports::XLSX,
            "xlsx",
        ),
        LedgerFormat::Pdf => (
            mamori_pdf::ledger_pdf(&sheet, style)
                .map_err(|e| Error::Internal(format!("export: {e}")))?,
            "application/pdf",
            "pdf",
        ),
    };
    ctx.store()
        .record(
            actor,
            mamori_store::AuditDraft::new(
                Some(&inst.id),
                "asset.export",
                "institution",
                &inst.id,
                serde_json::json!({"export": format!("ledger.{ext}"), "assets": assets.len()}),
            ),
        )
        .await?;
    Ok(crate::exports::Export {
        bytes,
        media_type,
        ascii_name: format!("assets-{}.{ext}", inst.code),
        name: format!("機器台帳_{}.{ext}", inst.name),
    })
}

/// The ledger as xlsx (the BCP 手引き's columns; `dates`: `wareki` or empty, or
/// `seireki`) or PDF, for whoever reads the ledger. Audited.
pub async fn export(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    dates: &str,
    format: LedgerFormat,
) -> Result<crate::exports::Export> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewAssets).await?;
    write_ledger(ctx, &caller.actor(), &inst, dates, format).await
}
