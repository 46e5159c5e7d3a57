//! Role sharing on a contract: both parties propose, accept, reopen; bad input changes nothing.

use crate::common::*;

#[tokio::test]
async fn role_sharing_both_parties_propose_accept_reopen_and_bad_input_changes_nothing() {
    for app in start_each().await {
        let cb = demo_contract(&app, "B社").await;
        let d_vendor = app
            .store
            .list_vendors()
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.name == "D社")
            .unwrap()
            .id;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let a = login(&app, "tanto@a-sha.example.jp").await;
        let d = login(&app, "tanto@d-sha.example.jp").await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let path = format!("/contracts/{}", cb.id);
        let step = |item: &str| format!("{path}/items/{item}");

        // The vendor sees its contract and what awaits it; other vendors see nothing of it.
        let page = b.get(&app, &path).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("あなたの承認待ち 1"),
            "B must accept Part2 A2"
        );
        for other in [&a, &d] {
            assert_eq!(other.get(&app, &path).await.status(), 404);
            let r = other
                .form(
                    &app,
                    &step("part2-a-2"),
                    &[("step", "accept"), ("version", "1")],
                )
                .await;
            assert_eq!(r.status(), 404, "another vendor cannot answer B's contract");
        }
        let portal = b.get(&app, "/vendor").await.text().await.unwrap();
        assert!(portal.contains("さくら総合病院") && portal.contains(&cb.title));
        assert!(
            !portal.contains("レセコン保守契約"),
            "A's contract is not in B's portal"
        );

        // B accepts the institution's proposal on A2.
        let r = b
            .form(
                &app,
                &step("part2-a-2"),
                &[("step", "accept"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            item_row(&app, &cb.id, "part2-a-2")
                .await
                .unwrap()
                .state
                .as_str(),
            "agreed"
        );
        // An agreed item is not edited without reopening.
        let r = b
            .form(
                &app,
                &step("part2-a-2"),
                &[
                    ("step", "propose"),
                    ("version", "2"),
                    ("responsibility", "vendor"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("再協議"));

        // Bad input: dates out of order, a vendor without a contract, a Part 1 item.
        let before = item_row(&app, &cb.id, "part2-a-12").await.unwrap();
        let bad = [
            vec![
                ("step", "propose"),
                ("version", "1"),
                ("responsibility", "vendor"),
                ("agreed_content", "年1回、見直し案を提出する。"),
                ("first_check", "no"),
                ("first_checked_on", "2024-10-15"),
                ("completed_on", "2024-10-01"),
            ],
            vec![
                ("step", "propose"),
                ("version", "1"),
                ("responsibility", "other_vendor"),
                ("other_vendor_id", d_vendor.as_str()),
            ],
            vec![
                ("step", "propose"),
                ("version", "1"),
                ("responsibility", "vendor"),
                ("first_checked_on", "2024-02-30"),
            ],
        ];
        let expected = ["初回確認日より前", "契約がありません", "実在する日"];
        for (fields, msg) in bad.iter().zip(expected) {
            let r = b.form(&app, &step("part2-a-12"), fields).await;
            assert_eq!(r.status(), 422, "{msg}");
            let html = r.text().await.unwrap();
            assert!(html.contains(msg), "{msg}");
            if fields.iter().any(|(k, _)| *k == "agreed_content") {
                assert!(
                    html.contains("年1回、見直し案を提出する。"),
                    "typed text kept"
                );
            }
        }
        assert_eq!(
            item_row(&app, &cb.id, "part2-a-12").await.unwrap(),
            before,
            "nothing changed"
        );
        let r = b
            .form(
                &app,
                &step("part1-a-2-1"),
                &[("step", "propose"), ("version", "0")],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Part1"));

        // The institution's Part 1 answer with nothing in it is refused, in the page and the
        // API alike, naming the 初回確認; nothing is saved.
        let heads = app.store.audit_heads().await.unwrap();
        let before = item_row(&app, &cb.id, "part1-a-2-1").await;
        let r = so
            .form(
                &app,
                &step("part1-a-2-1"),
                &[("step", "propose"), ("version", "0")],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("初回確認(はい/いいえ)と確認日を入力してください"));
        let r = so
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/contracts/{}/items/part1-a-2-1", cb.id),
                Some(json!({"step": "propose", "version": 0, "remarks": "  "})),
            )
            .await;
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            v["error"]["message"],
            json!(i18n::Tr::new(i18n::Lang::Ja).t("error-rs-first-check-required"))
        );
        assert_eq!(item_row(&app, &cb.id, "part1-a-2-1").await, before);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // B corrects A12; the institution accepts; a stale accept is refused.
        let r = b
            .form(
                &app,
                &step("part2-a-12"),
                &[
                    ("step", "propose"),
                    ("version", "1"),
                    ("responsibility", "vendor"),
                    ("agreed_content", "年1回、見直し案を提出する。"),
                    ("written_in", "保守契約書 第10条"),
                    ("first_check", "no"),
                    ("first_checked_on", "2024-10-15"),
                    ("completed_on", "2024-12-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            so.form(
                &app,
                &step("part2-a-12"),
                &[("step", "accept"), ("version", "1")]
            )
            .await
            .status(),
            409,
            "accepting what was read before B's change is refused"
        );
        assert_eq!(
            b.form(
                &app,
                &step("part2-a-12"),
                &[("step", "accept"), ("version", "2")]
            )
            .await
            .status(),
            422,
            "B cannot accept its own proposal"
        );
        let r = so
            .form(
                &app,
                &step("part2-a-12"),
                &[("step", "accept"), ("version", "2")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let row = item_row(&app, &cb.id, "part2-a-12").await.unwrap();
        assert_eq!((row.state.as_str(), row.version), ("agreed", 3));

        // Reopen needs a reason; both parties read the history.
        assert_eq!(
            so.form(
                &app,
                &step("part2-a-12"),
                &[("step", "reopen"), ("version", "3")]
            )
            .await
            .status(),
            422
        );
        let r = so
            .form(
                &app,
                &step("part2-a-12"),
                &[
                    ("step", "reopen"),
                    ("version", "3"),
                    ("reason", "契約更新のため"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let history = app
            .store
            .role_sharing_history(&cb.id, Some("part2-a-12"))
            .await
            .unwrap();
        let steps: Vec<&str> = history.iter().map(|h| h.step.as_str()).collect();
        assert_eq!(steps, ["propose", "propose", "accept", "reopen"]);
        let html = b.get(&app, &path).await.text().await.unwrap();
        assert!(
            html.contains("契約更新のため"),
            "the vendor reads the reason"
        );

        // The matrix: A and B both claim A11 alone on the receipt computer.
        let m = so.get(&app, "/i/1311234569/matrix?flag=overlap").await;
        assert_eq!(m.status(), 200);
        let html = m.text().await.unwrap();
        assert!(
            html.contains("重複:A社・B社"),
            "the overlap names both vendors"
        );
        assert!(!html.contains("Part2 A12"), "filtered to overlaps");
        assert!(
            html.contains("どちらが担当するか(または共同か)を決め直してください"),
            "the flag says what to do"
        );
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}

#[tokio::test]
async fn systems_through_the_api_follow_the_page_rules() {
    for app in start_each().await {
        let so = login(&app, "anzen@sakura.example.jp").await;
        let base = "/api/v1/institutions/1311234569/systems";
        let (_, secret) = so.new_token(&app, "systems").await;
        let api = |m: Method, path: &str, body: Value| {
            client()
                .request(m, format!("{}{path}", app.base))
                .bearer_auth(&secret)
                .json(&body)
                .send()
        };
        let before: Vec<Value> = api(Method::GET, base, json!(null))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();

        // A new system, with a token: 201 and the record, audited.
        let heads = app.store.audit_heads().await.unwrap();
        let r = api(
            Method::POST,
            base,
            json!({"name": " 検査システム ", "category": "departmental", "hosting": "on_premise",
                   "holds_medical_info": true}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 201);
        let lab: Value = r.json().await.unwrap();
        assert_eq!(lab["name"], "検査システム");
        assert_eq!(lab["category"], "departmental");
        assert_ne!(app.store.audit_heads().await.unwrap(), heads);

        // The page's rules, in the API: a name used already, an unknown category, an empty
        // name — 422 naming the field, and nothing written.
        let heads = app.store.audit_heads().await.unwrap();
        for (body, field) in [
            (
                json!({"name": "検査システム", "category": "ehr", "hosting": "cloud"}),
                "name",
            ),
            (
                json!({"name": "新", "category": "robot", "hosting": "cloud"}),
                "category",
            ),
            (
                json!({"name": "新", "category": "ehr", "hosting": "moon"}),
                "hosting",
            ),
            (
                json!({"name": "  ", "category": "ehr", "hosting": "cloud"}),
                "name",
            ),
        ] {
            let r = api(Method::POST, base, body).await.unwrap();
            assert_eq!(r.status(), 422);
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["field"], field, "{e}");
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        let after: Vec<Value> = api(Method::GET, base, json!(null))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(after.len(), before.len() + 1);

        // Linking: 204 once, 422 when already linked or for a system of nobody's.
        let links = format!("{base}/links");
        let ehr = before[0]["id"].as_str().unwrap();
        let lab_id = lab["id"].as_str().unwrap();
        let r = api(Method::POST, &links, json!({"a": ehr, "b": lab_id}))
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        for body in [
            json!({"a": lab_id, "b": ehr}),
            json!({"a": ehr, "b": "no-such-system"}),
        ] {
            assert_eq!(api(Method::POST, &links, body).await.unwrap().status(), 422);
        }

        // Who may: staff sees (403 to change), another institution's officer learns nothing.
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        assert_eq!(staff.get(&app, base).await.status(), 403);
        let r = staff
            .json(
                &app,
                Method::POST,
                base,
                Some(json!({"name": "x", "category": "ehr", "hosting": "cloud"})),
            )
            .await;
        assert_eq!(r.status(), 403);
        let (other, other_code) =
            officer_elsewhere(&app, "2712345670", "anzen@yoso.example.jp").await;
        let heads = app.store.audit_heads().await.unwrap();
        assert_eq!(other.get(&app, base).await.status(), 404);
        let r = other
            .json(
                &app,
                Method::POST,
                base,
                Some(json!({"name": "x", "category": "ehr", "hosting": "cloud"})),
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        let own = format!("/api/v1/institutions/{other_code}/systems");
        assert_eq!(other.get(&app, &own).await.status(), 200);
    }
}

#[tokio::test]
async fn contracts_through_the_api_follow_the_page_rules() {
    for app in start_each().await {
        let so = login(&app, "anzen@sakura.example.jp").await;
        let base = "/api/v1/institutions/1311234569/contracts";
        let d_sha = vendor_id(&app, "D社").await;
        let systems: Vec<Value> = so
            .get(&app, "/api/v1/institutions/1311234569/systems")
            .await
            .json()
            .await
            .unwrap();
        let ehr = systems[0]["id"].as_str().unwrap().to_string();

        // The page's rules, field by field: 422 naming the field, nothing written.
        let heads = app.store.audit_heads().await.unwrap();
        let good = json!({"vendor_id": d_sha, "title": "D社 ネットワーク保守", "kind": "maintenance",
                          "starts_on": "2026-04-01", "ends_on": "2027-03-31", "system_ids": [ehr]});
        for (field, value, expected) in [
            ("title", json!(" "), "title"),
            ("vendor_id", json!("no-such-vendor"), "vendor_id"),
            ("kind", json!("lease"), "kind"),
            ("starts_on", json!("2026-02-30"), "starts_on"),
            ("ends_on", json!("2026-03-31"), "ends_on"),
        ] {
            let mut body = good.clone();
            body[field] = value;
            let r = so.json(&app, Method::POST, base, Some(body)).await;
            assert_eq!(r.status(), 422, "{field}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["field"], expected, "{e}");
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // Another institution's officer learns nothing and writes nothing.
        let (other, _) = officer_elsewhere(&app, "2712345671", "anzen@yoso-iin.example.jp").await;
        let heads = app.store.audit_heads().await.unwrap();
        let r = other
            .json(&app, Method::POST, base, Some(good.clone()))
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // Made: 201, in the institution's list, and in D社's portal.
        let r = so.json(&app, Method::POST, base, Some(good.clone())).await;
        assert_eq!(r.status(), 201);
        let made: Value = r.json().await.unwrap();
        assert_eq!(made["title"], "D社 ネットワーク保守");
        assert_eq!(made["system_ids"], json!([ehr]));
        assert_ne!(app.store.audit_heads().await.unwrap(), heads);
        let list: Vec<Value> = so.get(&app, base).await.json().await.unwrap();
        assert!(list.iter().any(|c| c["id"] == made["id"]));
        let d = login(&app, "tanto@d-sha.example.jp").await;
        let portal: Vec<Value> = d
            .get(&app, "/api/v1/vendor/contracts")
            .await
            .json()
            .await
            .unwrap();
        assert!(portal.iter().any(|c| c["id"] == made["id"]));
    }
}
