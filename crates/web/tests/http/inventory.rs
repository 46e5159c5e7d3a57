//! Inventory checks (棚卸, issue 13) over HTTP: started on the page (one at a time), each
//! asset recorded on its row or its own form and in the API under the domain's rules, the
//! close refused while assets are unchecked unless the person says so, then every move and
//! correction in the ledger with the check as the reason; another institution sees nothing.

use crate::common::*;

fn id_after(to: &str, prefix: &str) -> String {
    to.trim_start_matches(prefix)
        .split(['?', '/', '#'])
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_check_is_walked_recorded_and_closed_into_the_ledger() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let inst = demo_institution(&app).await;
    let assets = app.store.assets(&inst.id).await.unwrap();
    assert!(assets.len() >= 3, "the demo ledger");
    let by_name = |n: &str| assets.iter().find(|a| a.name == n).unwrap().clone();
    let (server, vpn, pc) = (
        by_name("電子カルテサーバ"),
        by_name("VPN装置(レセコン保守用)"),
        by_name("受付PC-01"),
    );

    // The demo's check is closed: the list shows its day and offers a new one, named for
    // the year.
    let html = so
        .get(&app, "/i/1311234569/checks")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("最終棚卸") && html.contains("棚卸（デモ）"),
        "{html}"
    );
    assert!(html.contains("年度 棚卸"));
    let demo_checks = app.store.inventory_checks(&inst.id).await.unwrap().len();
    let r = so
        .form(&app, "/i/1311234569/checks", &[("name", " ")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("棚卸の名前を200文字以内"));
    assert_eq!(
        app.store.inventory_checks(&inst.id).await.unwrap().len(),
        demo_checks
    );
    let r = so
        .form(&app, "/i/1311234569/checks", &[("name", "2026年度 棚卸")])
        .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.ends_with("?ok=flash-check-started"), "{to}");
    let check = id_after(&to, "/checks/");
    let r = so
        .form(&app, "/i/1311234569/checks", &[("name", "二つ目")])
        .await;
    assert_eq!(r.status(), 422, "one open check at a time");
    assert!(r.text().await.unwrap().contains("実施中の棚卸があります"));

    // The check lists the assets to confirm; 確認済 on a row comes back to the same list.
    let page = so
        .get(&app, &format!("/checks/{check}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("{} 台中 0 台を確認", assets.len())),
        "{page}"
    );
    let r = so
        .form(
            &app,
            &format!("/checks/{check}/assets/{}", server.id),
            &[
                ("outcome", "found"),
                ("version", "0"),
                ("back", "unchecked=1&evil=//x.example"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let back = location(&r);
    assert!(
        back.starts_with(&format!(
            "/checks/{check}?unchecked=1&ok=flash-check-recorded#a-"
        )),
        "the list's own query only: {back}"
    );
    let left = so
        .get(&app, &format!("/checks/{check}?unchecked=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!left.contains(&format!("/ledger/{}\"", server.id)) && left.contains(&pc.name));

    // A move without a place: the form comes back with the message, nothing recorded.
    let url = format!("/checks/{check}/assets/{}", pc.id);
    let r = so
        .form(
            &app,
            &url,
            &[("outcome", "moved"), ("moved_to", ""), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("移動先を入力してください"));
    let r = so
        .form(
            &app,
            &url,
            &[
                ("outcome", "moved"),
                ("moved_to", "本館 2F 病棟"),
                ("version", "0"),
                ("note", "病棟へ移設"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);

    // The API: a change with a bad address is 422 and records nothing; then a good one.
    let api = format!("/api/v1/inventory-checks/{check}/assets/{}", vpn.id);
    let r = so
        .json(
            &app,
            Method::PUT,
            &api,
            Some(json!({"outcome": "changed", "ip_addresses": "192.168.20.300"})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let rows: Value = so
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/inventory-checks/{check}/assets?unchecked=1"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["asset_id"] == vpn.id.as_str()));
    let r = so
        .json(&app, Method::PUT, &api, Some(json!({"outcome": "changed", "ip_addresses": "192.168.20.2", "antivirus": "対象外(専用機)"})))
        .await;
    assert_eq!(r.status(), 200);
    let rec: Value = r.json().await.unwrap();
    assert_eq!(rec["version"], 1);
    assert_eq!(rec["changes"][0], json!(["ip_addresses", "192.168.20.2"]));
    // Sent again at version 0: someone recorded first.
    let r = so
        .json(
            &app,
            Method::PUT,
            &api,
            Some(json!({"outcome": "found", "version": 0})),
        )
        .await;
    assert_eq!(r.status(), 409);

    // Another institution's officer sees nothing of it.
    let (stranger, _) = officer_elsewhere(&app, "1399999991", "so@yoso.example.jp").await;
    assert_eq!(
        stranger
            .get(&app, &format!("/checks/{check}"))
            .await
            .status(),
        404
    );
    let r = stranger
        .json(
            &app,
            Method::PUT,
            &api,
            Some(json!({"outcome": "found", "version": 1})),
        )
        .await;
    assert_eq!(r.status(), 404);

    // The close: a plan of two ledger changes; refused while assets are unchecked …
    let plan: Value = so
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/inventory-checks/{check}/close"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["changes"].as_array().unwrap().len(), 2, "{plan}");
    let unchecked = plan["counts"]["unchecked"].as_i64().unwrap();
    if unchecked > 0 {
        let r = so
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/inventory-checks/{check}/close"),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = so
            .get(&app, &format!("/checks/{check}/close"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("未確認の機器を残したまま完了する"), "{html}");
    }
    assert_eq!(
        app.store.asset(&pc.id).await.unwrap().unwrap().version,
        pc.version,
        "nothing written"
    );
    // … and closed on the page when the person says so.
    let r = so
        .form(
            &app,
            &format!("/checks/{check}/close"),
            &[("accept_unchecked", "on")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        format!("/checks/{check}?ok=flash-check-closed")
    );
    let moved = app.store.asset(&pc.id).await.unwrap().unwrap();
    assert_eq!(moved.location, "本館 2F 病棟");
    let changed = app.store.asset(&vpn.id).await.unwrap().unwrap();
    assert_eq!(
        (changed.addresses(), changed.antivirus.as_str()),
        (vec!["192.168.20.2".to_string()], "対象外(専用機)")
    );
    let page = so
        .get(&app, &format!("/ledger/{}", pc.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("棚卸「2026年度 棚卸」"),
        "the history's reason"
    );
    assert!(
        page.contains("2026年度 棚卸") && page.contains("移動"),
        "the asset's checks"
    );
    let ledger = so
        .get(&app, "/i/1311234569/ledger")
        .await
        .text()
        .await
        .unwrap();
    assert!(ledger.contains("最終棚卸"), "the last check on the ledger");

    // Closed: a record is 409, the API says closed.
    let r = so
        .json(
            &app,
            Method::PUT,
            &api,
            Some(json!({"outcome": "found", "version": 1})),
        )
        .await;
    assert_eq!(r.status(), 409);
    let got: Value = so
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/inventory-checks/{check}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (got["status"].as_str(), got["counts"]["moved"].as_i64()),
        (Some("closed"), Some(1))
    );
}

/// The checklist's 「台帳管理を行っている」 (R6 2-(1)) gets a suggestion per device class from
/// the ledger — はい where the class is recorded with OS and address and a check closed
/// within a year, いいえ with the gaps otherwise — and taking one saves that class's answer
/// through the usual path.
#[tokio::test]
async fn the_ledger_suggests_the_checklists_ledger_item() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let a = new_assessment(&app).await;
    let html = so
        .get(&app, &format!("/assessments/{}", a.id))
        .await
        .text()
        .await
        .unwrap();
    let item = |html: &str| {
        let start = html.find(r#"data-item="2-1""#).unwrap();
        let block = &html[start..];
        block[..block.find("</article>").unwrap()].to_string()
    };
    let block = item(&html);
    assert!(
        block.contains(r#"data-testid="suggestion""#)
            && block.contains("最終棚卸")
            && block.contains("/i/1311234569/ledger"),
        "{block}"
    );
    assert!(
        block.contains("accept-suggestion"),
        "はい can be taken: {block}"
    );

    // A terminal without an OS: the item now says いいえ and why.
    let r = so
        .form(
            &app,
            "/i/1311234569/ledger",
            &[
                ("name", "予備PC"),
                ("kind", "terminal"),
                ("ip_addresses", "192.168.10.120"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = so
        .get(&app, &format!("/assessments/{}", a.id))
        .await
        .text()
        .await
        .unwrap();
    let block = item(&html);
    assert!(
        block.contains("端末PC: OS・バージョンが未記録の機器が 1 台あります"),
        "{block}"
    );

    // Taking a suggestion saves the answer through the usual path.
    let r = so
        .form(
            &app,
            &format!("/assessments/{}/answers", a.id),
            &[
                ("item_id", "2-1"),
                ("slot", "all"),
                ("version", "0"),
                ("check1", "yes"),
                ("check1_on", "2026-03-01"),
                ("note", "機器台帳に 1 台を登録"),
            ],
        )
        .await;
    assert!(
        r.status().is_redirection() || r.status() == 200,
        "{}",
        r.status()
    );
    let answers = app.store.assessment_answers(&a.id).await.unwrap();
    assert!(
        answers
            .iter()
            .any(|x| x.item_id == "2-1" && x.slot.as_str() == "all"),
        "saved"
    );

    // 課題① (resources not grasped) leads to the ledger, for those who may read it only.
    let url = "/catalogs/mhlw/role-sharing-challenges@2024-06/items/challenge-1";
    let html = so.get(&app, url).await.text().await.unwrap();
    assert!(html.contains(r#"href="/i/1311234569/ledger""#), "{html}");
    let staff = login(&app, "shokuin@sakura.example.jp").await;
    let html = staff.get(&app, url).await.text().await.unwrap();
    assert!(
        !html.contains("item-ledger"),
        "no link to a page staff may not open"
    );
}
