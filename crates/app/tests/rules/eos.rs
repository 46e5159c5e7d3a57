//! End of support through the application layer, on SQLite and PostgreSQL (the feed data in
//! its own database: an in-memory SQLite one, a private `feeds_t_…` schema): the committed
//! fixtures imported, a Windows Server 2012 R2 entry linked to windows-server/2012-r2 has
//! passed, a RHEL 9 one linked to rhel/9 has not, a NAS without public data takes its
//! manual date; an unknown cycle and a caller without ManageAssets are refused and change
//! nothing.

use super::{backends, caller};
use mamori_app::error::Error;
use mamori_app::Ctx;
use mamori_domain::assets::{check_asset, RawAsset};
use mamori_domain::codes::EosStanding;
use mamori_store::{Actor, Asset};

async fn asset(ctx: &Ctx, inst: &str, name: &str, os: &str, version: &str, eos_on: &str) -> Asset {
    let f = check_asset(&RawAsset {
        name,
        kind: "server",
        os,
        os_version: version,
        eos_on,
        ..Default::default()
    })
    .unwrap();
    ctx.store()
        .create_asset(&Actor::system("test"), &Asset::new(inst, f), "test")
        .await
        .unwrap()
}

#[tokio::test]
async fn eos_of_linked_and_manual_entries_on_both_databases() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../feeds/tests/fixtures/eos");
    for (name, store, _dir) in backends().await {
        mamori_app::demo::load(store.as_ref()).await.unwrap();
        let ctx = Ctx::new(store.clone());
        if name == "postgres" {
            let url = std::env::var("TEST_DATABASE_URL").unwrap();
            let feeds = mamori_store::PgFeedStore::connect_private_schema(&url)
                .await
                .unwrap();
            ctx.set_feeds(std::sync::Arc::new(feeds));
        }
        let (batch, digest) = mamori_app::feed_imports::read_path(&fixtures, |_| {}).unwrap();
        let report = mamori_app::feed_imports::import_batch(
            &ctx,
            &Actor::system("test"),
            batch,
            &fixtures.display().to_string(),
            digest,
            false,
        )
        .await
        .unwrap();
        assert!(report.written, "{name}: {report:?}");
        assert_eq!(report.products, 6, "{name}");
        let inst = store
            .institution_by_code(mamori_app::demo::DEMO_CODE)
            .await
            .unwrap()
            .unwrap();
        let so = caller(store.as_ref(), "anzen@sakura.example.jp").await;
        let win = asset(
            &ctx,
            &inst.id,
            "旧画像サーバ",
            "Windows Server",
            "2012 R2",
            "",
        )
        .await;
        let rhel = asset(
            &ctx,
            &inst.id,
            "検査サーバ",
            "Red Hat Enterprise Linux",
            "9.4",
            "",
        )
        .await;
        let nas = asset(&ctx, &inst.id, "NAS", "", "", "2026-12-01").await;

        let (_, s) = mamori_app::eos::section(&ctx, &so, &win.id).await.unwrap();
        assert_eq!(
            (
                s.suggestions[0].product.as_str(),
                s.suggestions[0].cycle.as_str()
            ),
            ("windows-server", "2012-r2"),
            "{name}"
        );
        mamori_app::eos::confirm(&ctx, &so, &win.id, "windows-server", "2012-r2", None)
            .await
            .unwrap();
        mamori_app::eos::confirm(&ctx, &so, &rhel.id, "rhel", "9", None)
            .await
            .unwrap();

        let heads = store.audit_heads().await.unwrap();
        let e = mamori_app::eos::confirm(&ctx, &so, &nas.id, "rhel", "99", None)
            .await
            .unwrap_err();
        assert!(matches!(
            e,
            Error::Invalid {
                key: "error-eos-unknown-cycle",
                ..
            }
        ));
        let staff = caller(store.as_ref(), "shokuin@sakura.example.jp").await;
        let e = mamori_app::eos::confirm(&ctx, &staff, &nas.id, "rhel", "9", None)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden), "{name}: {e:?}");
        assert_eq!(store.audit_heads().await.unwrap(), heads, "{name}");

        let all = store.assets(&inst.id).await.unwrap();
        let eos = mamori_app::eos::of_institution(&ctx, &inst.id, &all)
            .await
            .unwrap();
        assert_eq!(eos[&win.id].standing, EosStanding::Passed, "{name}");
        assert_eq!(eos[&win.id].eos_on.as_deref(), Some("2023-10-10"));
        assert_eq!(eos[&rhel.id].standing, EosStanding::Supported);
        assert_eq!(eos[&rhel.id].eos_on.as_deref(), Some("2032-05-31"));
        assert_eq!(eos[&nas.id].basis, "manual");
        let attention = mamori_app::eos::attention(&ctx, &so, &inst.code)
            .await
            .unwrap();
        let names: Vec<&str> = attention.iter().map(|(a, _)| a.name.as_str()).collect();
        assert!(
            names.contains(&"旧画像サーバ") && !names.contains(&"検査サーバ"),
            "{names:?}"
        );
    }
}
