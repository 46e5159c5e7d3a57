//! ネットワーク構成図: a hospital's network drawn from its asset ledger — the network zones
//! with their address ranges, the devices inside them, the links between zones (through a
//! firewall or router where one is named), the external connection points at the edge
//! (インターネット, VPN, 地域医療連携, オンライン資格確認, 保守回線, クラウドサービス) with the
//! remote-maintenance paths marked, and each vendor's share in a colour of its own with its
//! name on every device it looks after.
//!
//! Pure: plain data in, a [`Layout`], an SVG document or Graphviz DOT text out. The caller
//! passes labels already in the reader's language ([`Labels`]); the crate knows no i18n.

mod dot;
mod layout;
mod place;
mod sample;
mod svg;
mod text;

pub use dot::dot;
pub use layout::{
    layout, Edge, EdgeKind, GroupBox, Layout, LegendItem, LegendKey, NodeBox, NodeKind, Rect,
};
pub use sample::sample;
pub use svg::{palette, svg, VendorColour};

use serde::Serialize;

/// Everything a diagram shows. Ids are opaque (uuids in practice); a reference to an id
/// that is not in the diagram is ignored (a device in an unknown zone is drawn unzoned).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diagram {
    pub title: String,
    /// One sentence on what the diagram shows, for the SVG's `<desc>` (the title if empty).
    pub description: String,
    pub zones: Vec<Zone>,
    pub devices: Vec<Device>,
    pub zone_links: Vec<ZoneLink>,
    pub connections: Vec<Connection>,
    pub vendors: Vec<Vendor>,
    pub labels: Labels,
}

/// A network zone (segment): 電子カルテ系, インターネット系, 医療機器系…
#[derive(Debug, Clone, Default, Serialize)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub purpose: String,
    /// Address ranges as CIDR text (10.1.0.0/16).
    pub ranges: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Device {
    pub id: String,
    pub name: String,
    /// The kind as a label (サーバ, 端末, ファイアウォール…).
    pub kind: String,
    /// The zone's id; `None` puts the device in the unzoned group.
    pub zone: Option<String>,
    pub addresses: Vec<String>,
    /// The responsible vendor's id.
    pub vendor: Option<String>,
    /// A link to the asset's page (a path or an http(s) URL; any other scheme is dropped).
    pub href: Option<String>,
}

/// Two zones connected, through a device (a firewall, a router) where one is named.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ZoneLink {
    pub from_zone: String,
    pub to_zone: String,
    pub via_device: Option<String>,
}

/// A connection to the outside: drawn at the outer edge, linked to the device it goes
/// through.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Connection {
    pub id: String,
    /// The kind as a label (インターネット, VPN, 保守回線…).
    pub kind: String,
    /// Who or what is on the other side (B社 リモート保守センター, 地域医療連携ネットワーク…).
    pub counterpart: String,
    pub via_device: Option<String>,
    pub vendor: Option<String>,
    /// A remote-maintenance path: drawn dashed red with the [`Labels::maintenance`] mark.
    pub maintenance: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Vendor {
    pub id: String,
    pub name: String,
}

/// The words the drawing needs, in the reader's language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Labels {
    /// The group of devices without a zone (ゾーン未設定).
    pub unzoned: String,
    /// The legend's heading (凡例).
    pub legend: String,
    /// The mark on a remote-maintenance path and its connection point (保守).
    pub maintenance: String,
    /// The legend entry of the maintenance line style (リモート保守経路).
    pub maintenance_path: String,
    /// The legend entry of an ordinary link (ネットワーク接続).
    pub link: String,
    /// The heading over the external connection points (外部接続).
    pub external: String,
    /// The legend entry of devices no vendor is responsible for (ベンダー未設定).
    pub no_vendor: String,
    /// Shown when there are neither zones nor devices (ゾーン・機器が登録されていません).
    pub empty: String,
}
