//! The audit log as people read it: each event in a sentence (who by name, what, which
//! named record, with its page), filtered by feature, the same sentences in the CSV; an
//! unknown feature is refused. On SQLite and PostgreSQL.

use crate::common::*;

#[tokio::test]
async fn events_read_as_sentences_and_filter_by_feature() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        complete_sheet(&app, &a).await;
        let officer = login(&app, "anzen@sakura.example.jp").await;
        let r = officer
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/request-approval", a.id),
                Some(json!({"version": a.version})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let base = format!("/api/v1/institutions/{DEMO_CODE}/audit");

        let r = exec
            .json(
                &app,
                Method::GET,
                &format!("{base}?feature=checklists"),
                None,
            )
            .await;
        assert_eq!(r.status(), 200);
        let events: Value = r.json().await.unwrap();
        let events = events.as_array().unwrap();
        assert!(!events.is_empty());
        for e in events {
            let action = e["action"].as_str().unwrap();
            assert!(
                ["assessment.", "vendor_sheet.", "inspector."]
                    .iter()
                    .any(|p| action.starts_with(p)),
                "{action} is not a checklist action"
            );
        }
        let asked = events
            .iter()
            .find(|e| e["action"] == "assessment.request_approval")
            .expect("the request is in the log");
        let d = &asked["description"];
        let sentence = d["sentence"].as_str().unwrap();
        assert!(sentence.starts_with("安藤 恵"), "{sentence}");
        assert!(
            sentence.contains("令和7年度のチェックリストの承認を依頼しました"),
            "{sentence}"
        );
        assert_eq!(d["link"], format!("/assessments/{}", a.id));
        assert!(
            !sentence.contains(&a.id),
            "no ids in the sentence: {sentence}"
        );

        // Accounts only: sign-ins, by name.
        let accounts: Value = exec
            .json(&app, Method::GET, &format!("{base}?feature=accounts"), None)
            .await
            .json()
            .await
            .unwrap();
        let accounts = accounts.as_array().unwrap();
        assert!(accounts
            .iter()
            .all(|e| !e["action"].as_str().unwrap().starts_with("assessment.")));
        assert!(accounts
            .iter()
            .any(|e| e["description"]["sentence"] == "桜井 一郎(理事長) さんがログインしました。"));

        // An unknown feature is refused, on the page and in the API.
        let r = exec
            .json(&app, Method::GET, &format!("{base}?feature=lottery"), None)
            .await;
        assert_eq!(r.status(), 422);
        let page = get_text(
            &app,
            &exec.c,
            &format!("/i/{DEMO_CODE}/audit?feature=lottery"),
        )
        .await;
        assert!(page.contains("機能の指定が正しくありません。"), "{page}");

        // The page reads the same, with links to the records.
        let page = get_text(
            &app,
            &exec.c,
            &format!("/i/{DEMO_CODE}/audit?feature=checklists"),
        )
        .await;
        assert!(page.contains("承認を依頼しました"));
        assert!(page.contains(&format!(r#"<a href="/assessments/{}">"#, a.id)));

        // The CSV carries the sentences.
        let r = exec
            .get(
                &app,
                &format!("/i/{DEMO_CODE}/audit.csv?feature=checklists"),
            )
            .await;
        assert_eq!(r.status(), 200);
        let csv = r.text().await.unwrap();
        let header = csv.lines().next().unwrap();
        assert!(header.ends_with(",description"), "{header}");
        assert!(csv.contains("令和7年度のチェックリストの承認を依頼しました"));
    }
}
