//! More of the demo: A社's other clients, and the first entries of the hospital's asset
//! ledger (kept apart from `demo.rs` to keep each file short).

use mamori_domain::codes::ContractKind;
use mamori_domain::InstitutionKind;
use mamori_store::{Actor, NewInstitution, Store};

/// A社's other clients: a clinic and a pharmacy that also use its receipt computer, each
/// with its 令和6年度 checklist and A社's 事業者確認用 sheet outstanding — so the vendor's
/// portal shows several institutions waiting, and its standard answers have somewhere to go.
/// Nobody signs in for them in the demo.
pub const OTHER_CLIENTS: [(&str, &str, InstitutionKind, &str); 2] = [
    (
        "1317654323",
        "みどり内科クリニック",
        InstitutionKind::Clinic,
        "mhlw/cyber-checklist-institution@R6",
    ),
    (
        "1345551111",
        "さくら通り薬局",
        InstitutionKind::Pharmacy,
        "mhlw/cyber-checklist-pharmacy@R6",
    ),
];

pub(crate) async fn other_clients(
    store: &dyn Store,
    actor: &Actor,
    a_sha: &str,
) -> anyhow::Result<()> {
    use mamori_store::{Assessment, NewContract};
    for (code, name, kind, checklist) in OTHER_CLIENTS {
        let inst = store
            .create_institution(
                actor,
                NewInstitution {
                    code: code.into(),
                    name: name.into(),
                    kind,
                    prefecture: code[..2].into(),
                    beds: 0,
                    mfa_required: false,
                },
            )
            .await?;
        let c = store
            .create_contract(
                actor,
                &NewContract {
                    institution_id: inst.id.clone(),
                    vendor_id: a_sha.into(),
                    title: "レセコン保守契約".into(),
                    kind: ContractKind::Maintenance,
                    starts_on: Some("2021-04-01".into()),
                    ends_on: None,
                    catalog_id: "mhlw/role-sharing@2024-06".into(),
                    system_ids: vec![],
                },
            )
            .await?;
        let a = store
            .create_assessment(actor, &Assessment::draft(&inst.id, 2024, checklist), &[])
            .await?;
        store
            .request_vendor_sheets(
                actor,
                &a,
                &[(c.id, a_sha.to_string())],
                "mhlw/cyber-checklist-vendor@R6",
                &[],
            )
            .await?;
    }
    Ok(())
}

/// The first entries of the hospital's asset ledger (issue 13): the EHR server, the VPN
/// device A社 maintains the receipt computer through, a terminal PC, the firewall; and its
/// network (three zones, their links, the Internet and A社's maintenance line).
pub(crate) async fn ledger(
    store: &dyn Store,
    actor: &Actor,
    inst: &str,
    a_sha: &str,
) -> anyhow::Result<()> {
    use mamori_domain::assets::{check_asset, RawAsset};
    let zones = crate::demo_network::zones(store, actor, inst).await?;
    let zone = |name: &str| {
        zones
            .iter()
            .find(|z| z.name == name)
            .map(|z| z.id.clone())
            .unwrap_or_default()
    };
    let (his, dmz, net) = (zone("電子カルテ系"), zone("DMZ"), zone("インターネット系"));
    let entries = [
        RawAsset {
            name: "電子カルテサーバ",
            kind: "server",
            manufacturer: "B社",
            os: "Windows Server",
            os_version: "2019",
            ip_addresses: "192.168.10.5",
            zone: &his,
            location: "本館 2F サーバ室",
            purpose: "電子カルテ",
            admin_login: "yes",
            admin_users: "B社 保守担当、システム運用担当者",
            antivirus: "導入済(定義ファイル自動更新)",
            introduced_on: "2024-10-01",
            ..Default::default()
        },
        RawAsset {
            name: "VPN装置(レセコン保守用)",
            kind: "vpn",
            manufacturer: "ヤマハ",
            model: "RTX1210",
            ip_addresses: "192.168.20.1",
            zone: &dmz,
            location: "本館 2F サーバ室",
            purpose: "A社のリモート保守",
            remote_maintenance: "A社 IPsec VPN(常時接続)",
            ownership: "lease",
            introduced_on: "2019-04-01",
            ..Default::default()
        },
        RawAsset {
            name: "受付PC-01",
            kind: "terminal",
            os: "Windows",
            os_version: "11",
            ip_addresses: "192.168.10.101",
            zone: &his,
            location: "本館 1F 受付",
            department: "医事課",
            admin_login: "no",
            ..Default::default()
        },
        RawAsset {
            name: "ファイアウォール(UTM)",
            kind: "firewall",
            manufacturer: "フォーティネット",
            model: "FortiGate 60F",
            ip_addresses: "192.168.30.1",
            zone: &net,
            location: "本館 2F サーバ室",
            purpose: "インターネットとの境界",
            introduced_on: "2022-04-01",
            ..Default::default()
        },
    ];
    let mut saved = Vec::new();
    for raw in entries {
        let fields = check_asset(&raw).map_err(|e| anyhow::anyhow!("demo asset: {}", e.key))?;
        saved.push(
            store
                .create_asset(actor, &mamori_store::Asset::new(inst, fields), "デモの台帳")
                .await?,
        );
    }
    crate::demo_network::paths(store, actor, inst, &zones, &saved, a_sha).await?;
    // A completed inventory check: every entry found where the ledger says.
    use mamori_domain::inventory::{check_record, RawRecord};
    let check = store.start_check(actor, inst, "棚卸（デモ）").await?;
    for a in store
        .assets(inst)
        .await?
        .into_iter()
        .filter(|a| a.status != mamori_domain::assets::AssetStatus::Retired)
    {
        let found = RawRecord {
            outcome: "found",
            ..Default::default()
        };
        let rec = check_record(&found, &a.fields())
            .map_err(|e| anyhow::anyhow!("demo check: {}", e.key))?;
        store.record_check(actor, &check.id, &a.id, &rec, 0).await?;
    }
    let counts = store.check_counts(&check.id).await?;
    store
        .close_check(
            actor,
            &check.id,
            counts.records,
            &[],
            &counts,
            "棚卸（デモ）",
        )
        .await?;
    Ok(())
}
