//! Control characters in every query parameter and in form and JSON fields: refused with
//! 422 and a clear message, never a 5xx, never a search that matches everything, and
//! nothing changed. The outside test found `q=abc%00def` answering 500 and `q=%00`
//! matching every item. Every C0 control, DEL and the C1 range is tried at every
//! parameter each parser reads (exhaustive over the control characters, so no sampling).

use crate::common::*;

/// Every control character a field could carry, percent-encoded as UTF-8.
fn controls() -> Vec<String> {
    (0u32..0x20)
        .chain([0x7f, 0x85, 0x9b])
        .filter_map(char::from_u32)
        .map(|c| {
            let mut b = [0u8; 4];
            c.encode_utf8(&mut b)
                .bytes()
                .map(|x| format!("%{x:02X}"))
                .collect::<String>()
        })
        .collect()
}

#[tokio::test]
async fn every_query_parser_refuses_control_characters() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let vendor = login(&app, "tanto@b-sha.example.jp").await;
    let admin = login_with_totp(&app, "admin@mamori.example").await;
    let inst = demo_institution(&app).await;
    let contract = app.store.contracts(&inst.id).await.unwrap()[0].id.clone();
    // (who, path with `{}` where the parameter value goes)
    let officer_paths = [
        "/catalogs/search?q=abc{}def".to_string(),
        "/api/v1/catalogs/search?q={}".to_string(),
        format!("/i/{DEMO_CODE}/audit?action={{}}"),
        format!("/i/{DEMO_CODE}/audit?actor=a{{}}"),
        format!("/i/{DEMO_CODE}/audit?from=2026-01-01{{}}"),
        format!("/i/{DEMO_CODE}/audit.csv?to={{}}"),
        format!("/api/v1/institutions/{DEMO_CODE}/audit?actor={{}}"),
        format!("/api/v1/institutions/{DEMO_CODE}/audit.csv?action={{}}"),
        format!("/i/{DEMO_CODE}/matrix?flag=gap{{}}"),
        format!("/contracts/{contract}/export.xlsx?dates=seireki{{}}"),
        format!("/i/{DEMO_CODE}/members?ok=flash-role-revoked{{}}"),
        "/profile?err={}".to_string(),
        "/api/v1/institutions?page=1{}".to_string(),
    ];
    let mut checked = 0;
    let mut failures = vec![];
    for ctl in controls() {
        let mut cases: Vec<(&Session, String)> = officer_paths
            .iter()
            .map(|p| (&so, p.replace("{}", &ctl)))
            .collect();
        cases.push((&vendor, format!("/vendor/standard-answers?product=X{ctl}")));
        cases.push((&admin, format!("/admin?page=1{ctl}")));
        for (who, path) in cases {
            let r = if path.starts_with("/api/") {
                who.json(&app, Method::GET, &path, None).await
            } else {
                who.get(&app, &path).await
            };
            let status = r.status();
            let body = r.text().await.unwrap();
            checked += 1;
            let clear = body.contains("制御文字");
            if status != 422 || !clear {
                failures.push(format!("{path}: {status}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The sign-in page's `next` is refused the same way, before anyone signs in.
    let r = client()
        .get(format!("{}/login?next=/home%00", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // A plain search still works.
    let r = so
        .json(
            &app,
            Method::GET,
            "/api/v1/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn form_and_json_fields_with_control_characters_change_nothing() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let inst = demo_institution(&app).await;
    let before = app.store.audit_heads().await.unwrap();
    for ctl in ["\u{0}", "\u{1b}", "\u{7f}", "\u{8}"] {
        let name = format!("新しい名前{ctl}");
        let r = post_demo_settings(
            &so,
            &app,
            &[("version", "1"), ("name", &name), ("beds", "200")],
        )
        .await;
        assert_eq!(r.status(), 422, "{ctl:?}");
        assert!(r.text().await.unwrap().contains("制御文字"));
        let r = so
            .json(
                &app,
                Method::PATCH,
                &format!("/api/v1/institutions/{DEMO_CODE}"),
                Some(json!({"version": 1, "name": name, "beds": 200, "mfa_required": false})),
            )
            .await;
        assert_eq!(r.status(), 422, "{ctl:?}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "invalid");
        assert!(e["error"]["message"].as_str().unwrap().contains("制御文字"));
    }
    assert_eq!(app.store.audit_heads().await.unwrap(), before);
    let after = demo_institution(&app).await;
    assert_eq!(after.name, inst.name);
    // The same form without the control character is saved.
    let r = post_demo_settings(
        &so,
        &app,
        &[
            ("version", "1"),
            ("name", "さくら総合病院"),
            ("beds", "201"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// Every JSON content type axum accepts (`application/…+json`) is checked, and the
/// bidirectional overrides count as control characters.
#[tokio::test]
async fn json_of_any_flavour_and_bidi_overrides_are_refused() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let before = app.store.audit_heads().await.unwrap();
    for (kind, name) in [
        ("application/vnd.mamori+json", "名前\u{0}"),
        ("application/json; charset=utf-8", "名前\u{1b}[2J"),
        ("application/json", "請求書\u{202e}fdp.exe"),
    ] {
        let body = json!({"version": 1, "name": name, "beds": 200, "mfa_required": false});
        let r =
            so.c.patch(format!("{}/api/v1/institutions/{DEMO_CODE}", app.base))
                .header("x-csrf-token", &so.csrf)
                .header(CONTENT_TYPE, kind)
                .body(body.to_string())
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 422, "{kind} {name:?}");
    }
    assert_eq!(app.store.audit_heads().await.unwrap(), before);
}
