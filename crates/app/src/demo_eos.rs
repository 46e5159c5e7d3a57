//! The demo's end-of-support data (`serve --demo`): a sample of the feed (the endoflife.date
//! pages and the Ubuntu distro-info CSV committed as the feeds crate's test fixtures, with
//! their licences) and three ledger entries showing each standing — an old image server on
//! Windows Server 2012 R2 (サポート終了), a laboratory server on RHEL 9 (supported) and a NAS
//! without public lifecycle data whose manual date falls within 180 days.

use crate::Ctx;
use mamori_store::{Actor, AssetEosLink};

const SAMPLE: &[(&str, &[u8])] = &[
    (
        "windows-server.md",
        include_bytes!("../../feeds/tests/fixtures/eos/windows-server.md"),
    ),
    (
        "windows.md",
        include_bytes!("../../feeds/tests/fixtures/eos/windows.md"),
    ),
    (
        "rhel.md",
        include_bytes!("../../feeds/tests/fixtures/eos/rhel.md"),
    ),
    (
        "centos.md",
        include_bytes!("../../feeds/tests/fixtures/eos/centos.md"),
    ),
    (
        "fortios.md",
        include_bytes!("../../feeds/tests/fixtures/eos/fortios.md"),
    ),
    (
        "ubuntu.md",
        include_bytes!("../../feeds/tests/fixtures/eos/ubuntu.md"),
    ),
    (
        "ubuntu.csv",
        include_bytes!("../../feeds/tests/fixtures/eos/ubuntu.csv"),
    ),
];

/// Import the sample feed when the feed database is empty (true when it did).
pub async fn load_feed_sample(ctx: &Ctx) -> anyhow::Result<bool> {
    if ctx.feeds().feed_generation().await? > 0 {
        return Ok(false);
    }
    let mut batch = mamori_feeds::eos::EosBatch::new();
    for (name, bytes) in SAMPLE {
        batch.add(name, bytes);
    }
    let report = crate::feed_imports::import_batch(
        ctx,
        &Actor::system("demo"),
        batch,
        "",
        "demo-sample".into(),
        false,
    )
    .await?;
    Ok(report.written)
}

/// Add the demo's EOS entries to the institution's ledger, two of them linked.
pub async fn load_ledger(ctx: &Ctx, institution_id: &str) -> anyhow::Result<()> {
    use mamori_domain::assets::{check_asset, RawAsset};
    let actor = Actor::system("demo");
    let entries = [
        (
            RawAsset {
                name: "旧画像サーバ(PACS 参照用)",
                kind: "server",
                manufacturer: "C社",
                os: "Windows Server",
                os_version: "2012 R2",
                ip_addresses: "192.168.10.20",
                location: "本館 2F サーバ室",
                purpose: "過去画像の参照",
                introduced_on: "2015-04-01",
                ..Default::default()
            },
            Some(("windows-server", "2012-r2")),
        ),
        (
            RawAsset {
                name: "検査システムサーバ",
                kind: "server",
                os: "Red Hat Enterprise Linux",
                os_version: "9.4",
                ip_addresses: "192.168.10.30",
                location: "本館 2F サーバ室",
                purpose: "検査結果の管理",
                introduced_on: "2024-06-01",
                ..Default::default()
            },
            Some(("rhel", "9")),
        ),
        (
            RawAsset {
                name: "NAS(バックアップ用)",
                kind: "storage",
                manufacturer: "D社",
                model: "NAS-4000",
                ip_addresses: "192.168.10.40",
                location: "本館 2F サーバ室",
                purpose: "電子カルテのバックアップ",
                introduced_on: "2020-04-01",
                eos_on: "2027-03-31",
                ..Default::default()
            },
            None,
        ),
    ];
    for (raw, link) in entries {
        let fields = check_asset(&raw).map_err(|e| anyhow::anyhow!("demo asset: {}", e.key))?;
        let a = ctx
            .store()
            .create_asset(
                &actor,
                &mamori_store::Asset::new(institution_id, fields),
                "デモの台帳",
            )
            .await?;
        if let Some((product, cycle)) = link {
            let l = AssetEosLink {
                asset_id: a.id,
                institution_id: institution_id.to_string(),
                product: product.into(),
                cycle: cycle.into(),
                confirmed_by: None,
                confirmed_label: String::new(),
                confirmed_at: 0,
                version: 0,
            };
            ctx.store().link_asset_eos(&actor, &l, None).await?;
        }
    }
    Ok(())
}
