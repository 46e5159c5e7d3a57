//! The asset ledger's first slice (issue 13): entries added and changed on the pages and in
//! the API under the domain's rules, each change a version with its reason; refusals name
//! the field and save nothing; a stale edit is 409; who may read and change it.

use crate::common::*;

#[tokio::test]
async fn the_ledger_takes_entries_keeps_their_history_and_stays_in_its_institution() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let inst = demo_institution(&app).await;
    let count = || async { app.store.assets(&inst.id).await.unwrap().len() };
    let before = count().await;

    // A bad address: the page comes back (422) with the summary linking to the field.
    let r = so
        .form(
            &app,
            "/i/1311234569/ledger",
            &[
                ("name", "電子カルテサーバ"),
                ("kind", "server"),
                ("ip_addresses", "192.168.1.300"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r##"href="#asset-ip_addresses""##), "{html}");
    assert!(html.contains("IPアドレスの形式が正しくありません"));
    assert!(
        html.contains(r#"value="電子カルテサーバ""#),
        "what was sent is kept"
    );
    assert_eq!(count().await, before, "nothing saved");

    // Added on the page: the entry's page with its first version.
    let r = so
        .form(
            &app,
            "/i/1311234569/ledger",
            &[
                ("name", "電子カルテサーバ"),
                ("kind", "server"),
                ("os", "Windows Server"),
                ("os_version", "2019"),
                ("ip_addresses", "192.168.1.10"),
                ("location", "本館 2F サーバ室"),
                ("reason", "台帳の初回登録"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(
        to.starts_with("/ledger/") && to.ends_with("?ok=flash-asset-added"),
        "{to}"
    );
    let id = to
        .trim_start_matches("/ledger/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let page = so.get(&app, &to).await.text().await.unwrap();
    assert!(page.contains("台帳の初回登録") && page.contains("機器を登録しました。"));
    let list = so
        .get(&app, "/i/1311234569/ledger")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains(&format!(r#"href="/ledger/{id}""#)));

    // The API: read, change at version 1 with a reason; the stale version is refused.
    let url = format!("/api/v1/assets/{id}");
    let got: Value = so
        .json(&app, Method::GET, &url, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["ip_addresses"], json!(["192.168.1.10"]));
    let mut body = got.clone();
    body["status"] = json!("retired");
    body["retired_on"] = json!("2025-03-31");
    body["ip_addresses"] = json!("192.168.1.10");
    body["reason"] = json!("更新に伴い撤去");
    body["admin_login"] = json!("");
    body["ownership"] = json!("");
    body["introduced_on"] = json!("");
    body["eos_on"] = json!("");
    let r = so.json(&app, Method::PUT, &url, Some(body.clone())).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = so.json(&app, Method::PUT, &url, Some(body.clone())).await;
    assert_eq!(r.status(), 409, "a stale version overwrites nothing");
    // A retired entry without its day is refused, naming the field.
    body["version"] = json!(2);
    body["retired_on"] = json!("");
    let r = so.json(&app, Method::PUT, &url, Some(body)).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "retired_on");
    let history: Value = so
        .json(&app, Method::GET, &format!("{url}/history"), None)
        .await
        .json()
        .await
        .unwrap();
    let reasons: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["更新に伴い撤去", "台帳の初回登録"]);

    // Who may: the executive reads but does not change; staff and the inspector have no
    // ledger (403, members); a vendor and another institution's officer learn nothing.
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    assert_eq!(exec.get(&app, &format!("/ledger/{id}")).await.status(), 200);
    assert_eq!(
        exec.json(
            &app,
            Method::POST,
            "/api/v1/institutions/1311234569/assets",
            Some(json!({"name": "x", "kind": "server"}))
        )
        .await
        .status(),
        403
    );
    for who in ["shokuin@sakura.example.jp", "kensa@pref.tokyo.example.jp"] {
        let s = login(&app, who).await;
        assert_eq!(
            s.get(&app, &format!("/ledger/{id}")).await.status(),
            403,
            "{who}"
        );
    }
    let vendor = login(&app, "tanto@a-sha.example.jp").await;
    assert_eq!(
        vendor.get(&app, &format!("/ledger/{id}")).await.status(),
        404
    );
    let (elsewhere, _) = officer_elsewhere(&app, "1311111110", "so@elsewhere.example.jp").await;
    assert_eq!(
        elsewhere.get(&app, &format!("/ledger/{id}")).await.status(),
        404
    );
    assert_eq!(
        elsewhere
            .json(
                &app,
                Method::PUT,
                &url,
                Some(json!({"name": "x", "kind": "server", "version": 2}))
            )
            .await
            .status(),
        404
    );
    assert_eq!(count().await, before + 1);

    // The ledger as xlsx, read back: the BCP 手引き's columns, dates in 和暦 (or 西暦).
    use calamine::{Data, Reader, Xlsx};
    let r = so.get(&app, "/i/1311234569/ledger/export.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range("機器台帳")
        .unwrap()
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    o => o.to_string(),
                })
                .collect()
        })
        .collect();
    let head = mamori_export::LEDGER_HEADER_ROW as usize;
    assert_eq!(rows[head][..3], ["機器名", "種類", "メーカー"]);
    let row = rows
        .iter()
        .find(|r| r[0] == "電子カルテサーバ" && r[19] == "廃棄済")
        .expect("the entry, retired");
    assert_eq!(
        (row[1].as_str(), row[12].as_str()),
        ("サーバ", "192.168.1.10")
    );
    assert_eq!(row[23], "令和7年3月31日");
    let seireki = so
        .get(
            &app,
            "/api/v1/institutions/1311234569/assets/export.xlsx?dates=seireki",
        )
        .await;
    assert_eq!(seireki.status(), 200);
    assert_eq!(
        so.get(&app, "/i/1311234569/ledger/export.xlsx?dates=kouki")
            .await
            .status(),
        422,
        "an unknown date style is refused"
    );
    let vendor_export = vendor.get(&app, "/i/1311234569/ledger/export.xlsx").await;
    assert_eq!(vendor_export.status(), 404);
}

#[tokio::test]
async fn the_ledger_lists_a_page_at_a_time_with_filters() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let inst = demo_institution(&app).await;
    let before = app.store.assets(&inst.id).await.unwrap().len();
    for n in 0..120 {
        let f = mamori_domain::assets::check_asset(&mamori_domain::assets::RawAsset {
            name: &format!("病棟端末{n:03}"),
            kind: "terminal",
            location: "東病棟 3F",
            ..Default::default()
        })
        .unwrap();
        app.store
            .create_asset(
                &Actor::system("test"),
                &mamori_store::Asset::new(&inst.id, f),
                "",
            )
            .await
            .unwrap();
    }
    let total = before + 120;
    let html = so
        .get(&app, "/i/1311234569/ledger")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("{total} 台中 1–100 台目")), "{html}");
    assert!(html.contains(r#"href="/i/1311234569/ledger?offset=100" rel="next""#));
    let html = so
        .get(
            &app,
            "/i/1311234569/ledger?q=%E6%9D%B1%E7%97%85%E6%A3%9F&offset=100",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("条件に合う機器 120 台"), "{html}");
    assert!(html.contains("120 台中 101–120 台目"));
    assert!(html.contains("病棟端末119") && !html.contains("病棟端末099"));
    let r = so.get(&app, "/i/1311234569/ledger?kind=toaster").await;
    assert_eq!(r.status(), 422);

    // The API: a page, the total in a header, the filter.
    let r = so
        .get(
            &app,
            "/api/v1/institutions/1311234569/assets?kind=terminal&limit=5",
        )
        .await;
    assert_eq!(r.status(), 200);
    let count: usize = r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let terminals = app
        .store
        .assets(&inst.id)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.kind.as_str() == "terminal")
        .count();
    assert_eq!(count, terminals);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 5);
    let r = so
        .get(&app, "/api/v1/institutions/1311234569/assets?limit=1001")
        .await;
    assert_eq!(r.status(), 422);
}
