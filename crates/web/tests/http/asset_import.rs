//! Importing a ledger (issue 13): a CP932 CSV with 機種依存文字 and an xlsx with a software
//! sheet go in through the dry run and the confirmation; a re-import shows the diff and
//! updates; errors are named by row and column and nothing is written half-way; a ledger
//! changed after the dry run is a conflict; hostile and broken files are refused; another
//! institution cannot see or confirm the import; the export reads back unchanged.

use crate::common::*;

const CP932: &[u8] = include_bytes!("../fixtures/ledger_cp932.csv");
const API: &str = "/api/v1/institutions/1311234569/asset-imports";

async fn stage(app: &App, token: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = api_upload(app, token, API, &[], name, bytes).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn confirm(app: &App, token: &str, p: &Value) -> reqwest::Response {
    api_call(
        app,
        token,
        Method::POST,
        &format!(
            "/api/v1/asset-imports/{}/confirm",
            p["id"].as_str().unwrap()
        ),
        Some(json!({"digest": p["digest"]})),
    )
    .await
}

fn xlsx(sheets: &[(&str, Vec<Vec<&str>>)], formula_at: Option<(u32, u16)>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        if let Some((r, c)) = formula_at {
            ws.write_formula(r, c, "=\"PC\"&\"9\"").unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn errors_of(p: &Value) -> Vec<(String, String)> {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["place"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_ledger_imports_through_a_dry_run_all_or_nothing() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let (_, token) = so.new_token(&app, "import").await;
    let inst = demo_institution(&app).await;
    let count = || async { app.store.assets(&inst.id).await.unwrap().len() };
    let before = count().await;

    // CP932 with 機種依存文字: read, planned, nothing written yet.
    let (status, p) = stage(&app, &token, "台帳.csv", CP932.to_vec()).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(errors_of(&p), Vec::<(String, String)>::new(), "{p}");
    assert_eq!(
        (p["added"].as_u64(), p["changed"].as_u64()),
        (Some(3), Some(0))
    );
    let names: Vec<&str> = p["added_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["電子カルテサーバ①", "受付PC(髙橋)", "VPN装置"]);
    assert!(p["columns"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["recognised"] == true));
    assert_eq!(count().await, before, "a dry run writes nothing");

    // A wrong digest is a conflict; the right one writes all three at once.
    let wrong = json!({"id": p["id"], "digest": "0".repeat(64)});
    assert_eq!(confirm(&app, &token, &wrong).await.status(), 409);
    assert_eq!(count().await, before);
    let r = confirm(&app, &token, &p).await;
    assert_eq!(r.status(), 200);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "confirmed");
    assert_eq!(done["result"]["added"], 3);
    assert_eq!(count().await, before + 3);
    let assets = app.store.assets(&inst.id).await.unwrap();
    let server = assets
        .iter()
        .find(|a| a.serial == "SN-0001")
        .expect("imported");
    assert_eq!(server.name, "電子カルテサーバ①");
    assert_eq!(server.location, "本館Ⅲ階 サーバ室");
    assert_eq!(server.introduced_on.as_deref(), Some("2019-05-01"));
    assert_eq!(server.admin_login, Some(true));
    let vpn = assets.iter().find(|a| a.serial == "SN-0003").unwrap();
    assert_eq!(vpn.purpose, "㈱保守会社のリモート保守");
    assert_eq!(vpn.kind.as_str(), "vpn");
    let h = app.store.asset_history(&server.id).await.unwrap();
    assert_eq!(h[0].reason, "取り込み: 台帳.csv");
    // Confirmed once: again is a conflict.
    assert_eq!(confirm(&app, &token, &p).await.status(), 409);

    // Re-import (UTF-8 this time): the diff first, columns the file lacks are kept.
    let csv = "機器名,種類,シリアル番号,設置場所\n電子カルテサーバ①,サーバ,SN-0001,別館1階 サーバ室\n受付PC(髙橋),端末PC,SN-0002,本館1階 受付\n";
    let (status, p) = stage(&app, &token, "台帳2.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(
        (
            p["added"].as_u64(),
            p["changed"].as_u64(),
            p["unchanged"].as_u64()
        ),
        (Some(0), Some(1), Some(1)),
        "{p}"
    );
    let change = &p["changed_rows"][0]["changes"][0];
    assert_eq!(change["field"], "設置場所");
    assert_eq!(change["before"], "本館Ⅲ階 サーバ室");
    assert_eq!(change["after"], "別館1階 サーバ室");
    // The entry changes after the dry run: confirming is a conflict, nothing written.
    let edited = json!({"name": "電子カルテサーバ①", "kind": "server", "serial": "SN-0001",
        "location": "本館Ⅲ階 サーバ室", "notes": "手で編集", "version": server.version,
        "reason": "手で編集"});
    let r = so
        .json(
            &app,
            Method::PUT,
            &format!("/api/v1/assets/{}", server.id),
            Some(edited),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(confirm(&app, &token, &p).await.status(), 409);
    let now = app.store.asset(&server.id).await.unwrap().unwrap();
    assert_eq!(now.location, "本館Ⅲ階 サーバ室");
    // Reviewed again, the plan now carries the note and confirms.
    let again: Value = api_call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/asset-imports/{}", p["id"].as_str().unwrap()),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(confirm(&app, &token, &again).await.status(), 200);
    let now = app.store.asset(&server.id).await.unwrap().unwrap();
    assert_eq!(
        (now.location.as_str(), now.notes.as_str()),
        ("別館1階 サーバ室", "手で編集")
    );
}

#[tokio::test]
async fn errors_are_named_by_row_and_column_and_nothing_is_written() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let (_, token) = so.new_token(&app, "import").await;
    let inst = demo_institution(&app).await;
    let before = app.store.assets(&inst.id).await.unwrap().len();

    // Unknown heading, duplicate serial, duplicate address, bad MAC, a formula.
    let bytes = xlsx(
        &[(
            "台帳",
            vec![
                vec![
                    "機器名",
                    "種類",
                    "シリアル番号",
                    "IPアドレス",
                    "MACアドレス",
                    "購入金額",
                ],
                vec!["PC1", "端末", "S-1", "10.9.0.1", "", "100000"],
                vec!["PC2", "端末", "S-1", "10.9.0.2", "", ""],
                vec!["PC3", "端末", "S-3", "10.9.0.1", "", ""],
                vec!["", "端末", "S-4", "", "00:11", ""],
            ],
        )],
        Some((4, 0)),
    );
    let (status, p) = stage(&app, &token, "誤り.xlsx", bytes).await;
    assert_eq!(status, 201, "{p}");
    let errors = errors_of(&p);
    let has =
        |place: &str, text: &str| errors.iter().any(|(pl, m)| pl == place && m.contains(text));
    assert!(has("F1", "見出し「購入金額」が分かりません"), "{errors:?}");
    assert!(has("C3", "S-1"), "{errors:?}");
    assert!(has("D4", "10.9.0.1"), "{errors:?}");
    assert!(has("E5", "MACアドレス"), "{errors:?}");
    assert!(has("A5", "数式"), "{errors:?}");
    assert_eq!(confirm(&app, &token, &p).await.status(), 422);
    assert_eq!(app.store.assets(&inst.id).await.unwrap().len(), before);

    // Leaving the unknown column out removes its error and keeps the others.
    let r = api_call(
        &app,
        &token,
        Method::PUT,
        &format!(
            "/api/v1/asset-imports/{}/columns",
            p["id"].as_str().unwrap()
        ),
        Some(json!({"choices": [["購入金額", "ignore"]]})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let p2: Value = r.json().await.unwrap();
    assert!(!errors_of(&p2).iter().any(|(pl, _)| pl == "F1"));
    assert_eq!(errors_of(&p2).len(), errors.len() - 1);
    let r = api_call(
        &app,
        &token,
        Method::PUT,
        &format!(
            "/api/v1/asset-imports/{}/columns",
            p["id"].as_str().unwrap()
        ),
        Some(json!({"choices": [["購入金額", "price"]]})),
    )
    .await;
    assert_eq!(r.status(), 422);

    // Broken CP932, an old .xls, a 100,000-row file, no headings: refused, nothing kept.
    let staged = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM asset_imports")
            .fetch_one(&pools(&app).pool)
            .await
            .unwrap()
    };
    let kept = staged().await;
    let mut broken = "機器名,種類\n".as_bytes().to_vec();
    broken.extend_from_slice(b"\x82\xa0\x81,\xff\xfe\n");
    let (status, e) = stage(&app, &token, "broken.csv", broken).await;
    assert_eq!(status, 422, "{e}");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("読み込めません"));
    let (status, _) = stage(&app, &token, "old.xls", b"\xD0\xCF\x11\xE0rest".to_vec()).await;
    assert_eq!(status, 422);
    let mut tall = String::from("機器名,種類\n");
    for n in 0..100_000 {
        tall.push_str(&format!("PC{n},端末\n"));
    }
    let (status, e) = stage(&app, &token, "tall.csv", tall.into_bytes()).await;
    assert_eq!(status, 422, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("行"),
        "{e}"
    );
    let (status, e) = stage(&app, &token, "none.csv", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(status, 422);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("見出しの行"));
    assert_eq!(staged().await, kept, "refused files are not stored");

    // Discarded: the ledger is unchanged and the import cannot be confirmed.
    let r = api_call(
        &app,
        &token,
        Method::POST,
        &format!(
            "/api/v1/asset-imports/{}/discard",
            p["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(confirm(&app, &token, &p2).await.status(), 409);
    assert_eq!(app.store.assets(&inst.id).await.unwrap().len(), before);
}

#[tokio::test]
async fn software_sheets_pages_other_tenants_and_the_export_round_trip() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let (_, token) = so.new_token(&app, "import").await;
    let inst = demo_institution(&app).await;

    // The export of the demo ledger reads back as it is (和暦 dates, words for codes).
    let r = so.get(&app, "/i/1311234569/ledger/export.xlsx").await;
    assert_eq!(r.status(), 200);
    let exported = r.bytes().await.unwrap().to_vec();
    let (status, p) = stage(&app, &token, "機器台帳.xlsx", exported).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(errors_of(&p), Vec::<(String, String)>::new());
    let n = app.store.assets(&inst.id).await.unwrap().len() as u64;
    assert_eq!(
        (
            p["added"].as_u64(),
            p["changed"].as_u64(),
            p["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(n)),
        "{p}"
    );

    // A software sheet: each asset's list with its CPE names; the OS CPE column.
    let bytes = xlsx(
        &[
            (
                "機器",
                vec![
                    vec!["機器名", "種類", "シリアル番号", "OS", "OS CPE"],
                    vec![
                        "検査サーバ",
                        "サーバ",
                        "SW-1",
                        "Red Hat Enterprise Linux 9",
                        "cpe:2.3:o:redhat:enterprise_linux:9.0:*:*:*:*:*:*:*",
                    ],
                ],
            ),
            (
                "ソフトウェア",
                vec![
                    vec!["シリアル番号", "ソフトウェア名", "バージョン", "CPE"],
                    vec![
                        "SW-1",
                        "PostgreSQL",
                        "16.4",
                        "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*",
                    ],
                    vec!["SW-1", "OpenSSH", "8.7", ""],
                ],
            ),
        ],
        None,
    );
    let (status, p) = stage(&app, &token, "software.xlsx", bytes).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(errors_of(&p), Vec::<(String, String)>::new());

    // Another institution's officer and a vendor: not found, not confirmable.
    let id = p["id"].as_str().unwrap().to_string();
    let (other, _) = officer_elsewhere(&app, "1312345678", "other-import@example.jp").await;
    for path in [
        format!("/ledger-imports/{id}"),
        format!("/api/v1/asset-imports/{id}"),
    ] {
        assert_eq!(other.get(&app, &path).await.status(), 404, "{path}");
    }
    let r = other
        .json(
            &app,
            Method::POST,
            &format!("/api/v1/asset-imports/{id}/confirm"),
            Some(json!({"digest": p["digest"]})),
        )
        .await;
    assert_eq!(r.status(), 404);
    let vendor = login(&app, "tanto@a-sha.example.jp").await;
    assert_eq!(
        vendor
            .get(&app, &format!("/api/v1/asset-imports/{id}"))
            .await
            .status(),
        404
    );
    // The operator may import; the executive may read the ledger but not import (403).
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    assert_eq!(
        exec.get(&app, &format!("/ledger-imports/{id}"))
            .await
            .status(),
        403
    );
    assert_eq!(
        exec.get(&app, "/i/1311234569/ledger/import").await.status(),
        403
    );

    // On the pages: the review lists the columns; confirming lands on the ledger.
    let page = so.get(&app, &format!("/ledger-imports/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("検査サーバ") && html.contains("認識済"),
        "{html}"
    );
    let r = so
        .form(
            &app,
            &format!("/ledger-imports/{id}/confirm"),
            &[("digest", p["digest"].as_str().unwrap())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        "/i/1311234569/ledger?ok=flash-ledger-import-confirmed"
    );
    let a = app
        .store
        .assets(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.serial == "SW-1")
        .unwrap();
    assert_eq!(
        a.os_cpe,
        "cpe:2.3:o:redhat:enterprise_linux:9.0:*:*:*:*:*:*:*"
    );
    let soft = a.software_list();
    assert_eq!(soft.len(), 2);
    assert_eq!(
        soft[0].cpe,
        "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*"
    );

    // The upload page, and a refusal on it (422 with the summary).
    assert_eq!(
        so.get(&app, "/i/1311234569/ledger/import").await.status(),
        200
    );
    let r = so
        .post_file(
            &app,
            "/i/1311234569/ledger/import",
            &[],
            "x.csv",
            b"a,b\n".to_vec(),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("見出しの行が見つかりません"));
    let r = so
        .post_file(
            &app,
            "/i/1311234569/ledger/import",
            &[],
            "台帳.csv",
            CP932.to_vec(),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/ledger-imports/"));
}
