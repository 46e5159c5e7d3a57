//! A synthetic diagram of any size, for benchmarks and tests.

use crate::{Connection, Device, Diagram, Labels, Vendor, Zone, ZoneLink};

const ZONE_NAMES: [&str; 10] = [
    "インターネット系",
    "電子カルテ系",
    "医療機器系",
    "部門システム系",
    "事務系",
    "検査系",
    "放射線系",
    "薬剤系",
    "リハビリ系",
    "管理系",
];
const KINDS: [&str; 6] = [
    "サーバ",
    "端末",
    "端末",
    "端末",
    "ネットワーク機器",
    "医療機器",
];
const CONNECTIONS: [&str; 6] = [
    "インターネット",
    "VPN",
    "地域医療連携",
    "オンライン資格確認",
    "保守回線",
    "クラウドサービス",
];

/// Japanese labels for the sample.
pub(crate) fn labels() -> Labels {
    Labels {
        unzoned: "ゾーン未設定".into(),
        legend: "凡例".into(),
        maintenance: "保守".into(),
        maintenance_path: "リモート保守経路".into(),
        link: "ネットワーク接続".into(),
        external: "外部接続".into(),
        no_vendor: "ベンダー未設定".into(),
        empty: "ゾーン・機器が登録されていません".into(),
    }
}

/// A deterministic synthetic hospital: `devices` devices spread over `zones` zones (device
/// `i` of zone `i` is its gateway, linking it to zone `(i - 1) / 2` as in a binary tree), five
/// vendors, and up to 20 external connections of every kind into the first four zones, most
/// through a device of their own, every fifth through the zone's gateway (the 保守回線 and
/// every other VPN are remote-maintenance paths).
pub fn sample(devices: usize, zones: usize) -> Diagram {
    let zone_list: Vec<Zone> = (0..zones)
        .map(|i| Zone {
            id: format!("zone-{i}"),
            name: ZONE_NAMES
                .get(i)
                .map_or_else(|| format!("ゾーン{i}"), |s| s.to_string()),
            purpose: format!("業務ネットワーク {i}"),
            ranges: vec![format!("10.{i}.0.0/16")],
        })
        .collect();
    let vendors: Vec<Vendor> = (0..5)
        .map(|k| Vendor {
            id: format!("vendor-{k}"),
            name: format!("{}社", char::from(b'A' + k as u8)),
        })
        .collect();
    let device_list: Vec<Device> = (0..devices)
        .map(|j| {
            let zone = (zones > 0).then(|| j % zones);
            let gateway = zone == Some(j);
            let kind = if gateway {
                if j == 0 {
                    "ルータ"
                } else {
                    "ファイアウォール"
                }
            } else {
                KINDS[j % KINDS.len()]
            };
            Device {
                id: format!("device-{j}"),
                name: format!("{kind}-{j:03}"),
                kind: kind.into(),
                zone: zone.map(|z| format!("zone-{z}")),
                addresses: vec![format!(
                    "10.{}.{}.{}",
                    zone.unwrap_or(0),
                    j / 250,
                    j % 250 + 1
                )],
                vendor: (j % 7 != 6).then(|| format!("vendor-{}", j % 5)),
                href: Some(format!("/assets/device-{j}")),
            }
        })
        .collect();
    let zone_links: Vec<ZoneLink> = (1..zones.min(devices))
        .map(|i| ZoneLink {
            from_zone: format!("zone-{i}"),
            to_zone: format!("zone-{}", (i - 1) / 2),
            via_device: Some(format!("device-{i}")),
        })
        .collect();
    let gateways = zones.clamp(1, 4).min(devices);
    let connections: Vec<Connection> = (0..20.min(devices))
        .map(|c| {
            let kind = CONNECTIONS[c % CONNECTIONS.len()];
            // Most lines end at a router of their own; every fifth at the zone's gateway.
            let own = zones.max(1) * (c + 1) + c % gateways;
            let via = if c % 5 == 0 || own >= devices {
                c % gateways
            } else {
                own
            };
            Connection {
                id: format!("connection-{c}"),
                kind: kind.into(),
                counterpart: format!("{kind} 接続先 {c}"),
                via_device: Some(format!("device-{via}")),
                vendor: Some(format!("vendor-{}", c % 5)),
                maintenance: kind == "保守回線" || (kind == "VPN" && c % 2 == 1),
            }
        })
        .collect();
    Diagram {
        title: format!("ネットワーク構成図（機器 {devices} 台・ゾーン {zones}）"),
        description: format!("{zones} のゾーンと {devices} 台の機器、外部接続の合成データ"),
        zones: zone_list,
        devices: device_list,
        zone_links,
        connections,
        vendors,
        labels: labels(),
    }
}
