//! The fixture hospital: three zones, thirteen devices (one without a zone), a firewall
//! between 電子カルテ系 and インターネット系, a VPN device for B社's remote maintenance.

use mamori_diagram::{Connection, Device, Diagram, Labels, Vendor, Zone, ZoneLink};

pub const HIS: &str = "7d1c2a4e-0001-4000-8000-000000000001";
pub const NET: &str = "7d1c2a4e-0001-4000-8000-000000000002";
pub const MED: &str = "7d1c2a4e-0001-4000-8000-000000000003";
pub const FW: &str = "dev-fw";
pub const VPN: &str = "dev-vpn";
pub const SCRIPT: &str = "<script>&\"";

pub fn labels() -> Labels {
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

fn device(
    id: &str,
    name: &str,
    kind: &str,
    zone: Option<&str>,
    addr: &str,
    vendor: Option<&str>,
) -> Device {
    Device {
        id: id.into(),
        name: name.into(),
        kind: kind.into(),
        zone: zone.map(Into::into),
        addresses: if addr.is_empty() {
            vec![]
        } else {
            vec![addr.into()]
        },
        vendor: vendor.map(Into::into),
        href: Some(format!("/assets/{id}")),
    }
}

pub fn hospital() -> Diagram {
    let (a, b) = (Some("vendor-a"), Some("vendor-b"));
    Diagram {
        title: "さくら総合病院 ネットワーク構成図".into(),
        description: "電子カルテ系・インターネット系・医療機器系の3ゾーンと外部接続2件".into(),
        zones: vec![
            Zone {
                id: HIS.into(),
                name: "電子カルテ系 HIS".into(),
                purpose: "電子カルテ・オーダリング・部門システム".into(),
                ranges: vec!["10.1.0.0/16".into()],
            },
            Zone {
                id: NET.into(),
                name: "インターネット系".into(),
                purpose: "メール・Web閲覧".into(),
                ranges: vec!["192.168.10.0/24".into()],
            },
            Zone {
                id: MED.into(),
                name: "医療機器系".into(),
                purpose: "画像診断装置・モダリティ".into(),
                ranges: vec!["10.20.0.0/24".into()],
            },
        ],
        devices: vec![
            device(
                "dev-his-db",
                "電子カルテサーバ",
                "サーバ",
                Some(HIS),
                "10.1.0.10",
                a,
            ),
            device(
                "dev-his-ap",
                "部門システムサーバ",
                "サーバ",
                Some(HIS),
                "10.1.0.11",
                a,
            ),
            device(
                "dev-pacs",
                "PACSサーバ",
                "サーバ",
                Some(HIS),
                "10.1.0.20",
                b,
            ),
            device(
                "dev-t1",
                "電子カルテ端末 外来1",
                "端末",
                Some(HIS),
                "10.1.10.1",
                a,
            ),
            device(
                "dev-t2",
                "電子カルテ端末 病棟3階ナースステーション",
                "端末",
                Some(HIS),
                "10.1.10.2",
                a,
            ),
            device(
                "dev-t3",
                "電子カルテ端末 医事課",
                "端末",
                Some(HIS),
                "10.1.10.3",
                None,
            ),
            device(
                VPN,
                "保守用VPN装置 (UTM)",
                "UTM/VPN",
                Some(HIS),
                "10.1.0.254",
                b,
            ),
            device("dev-script", SCRIPT, "端末", Some(HIS), "10.1.10.99", None),
            device(
                FW,
                "境界ファイアウォール",
                "ファイアウォール",
                Some(NET),
                "192.168.10.1",
                a,
            ),
            device(
                "dev-mail",
                "メールサーバ",
                "サーバ",
                Some(NET),
                "192.168.10.20",
                a,
            ),
            device(
                "dev-web",
                "インターネット閲覧端末",
                "端末",
                Some(NET),
                "192.168.10.50",
                None,
            ),
            device("dev-ct", "CT装置", "医療機器", Some(MED), "10.20.0.5", b),
            device(
                "dev-ws",
                "画像ワークステーション",
                "医療機器",
                Some(MED),
                "10.20.0.6",
                b,
            ),
            device("dev-note", "予備ノートPC", "端末", None, "", None),
        ],
        zone_links: vec![
            ZoneLink {
                from_zone: HIS.into(),
                to_zone: NET.into(),
                via_device: Some(FW.into()),
            },
            ZoneLink {
                from_zone: HIS.into(),
                to_zone: MED.into(),
                via_device: Some("dev-pacs".into()),
            },
        ],
        connections: vec![
            Connection {
                id: "conn-internet".into(),
                kind: "インターネット".into(),
                counterpart: "光回線 (ISP)".into(),
                via_device: Some(FW.into()),
                vendor: a.map(Into::into),
                maintenance: false,
            },
            Connection {
                id: "conn-maint".into(),
                kind: "保守回線 VPN".into(),
                counterpart: "B社 リモート保守センター".into(),
                via_device: Some(VPN.into()),
                vendor: b.map(Into::into),
                maintenance: true,
            },
        ],
        vendors: vec![
            Vendor {
                id: "vendor-a".into(),
                name: "A社 (電子カルテ)".into(),
            },
            Vendor {
                id: "vendor-b".into(),
                name: "B社 (画像・保守)".into(),
            },
        ],
        labels: labels(),
    }
}
