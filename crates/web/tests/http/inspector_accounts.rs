//! The inspector's account: signing in lands on a home page listing the checklists shared
//! with it (by its inspector role, or by a link mailed to its address) with their expiry;
//! each opens read-only with its summary, the bundle downloads, every opening is audited;
//! nobody else reaches them. A link mailed to an address is opened as the link. On SQLite and PostgreSQL.

use crate::common::*;

const INSPECTOR: &str = "kensa@pref.tokyo.example.jp";

#[tokio::test]
async fn the_inspector_lands_on_its_shared_checklists_not_on_a_refusal() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let inspector = login(&app, INSPECTOR).await;
        let r = inspector.get(&app, "/").await;
        assert_eq!(r.status(), 200, "the home page, not a redirect to a 403");
        let home = r.text().await.unwrap();
        assert!(
            home.contains(r#"data-testid="shared-checklists""#),
            "{home}"
        );
        assert!(home.contains(&format!("/inspections/{}", a.id)));
        assert!(home.contains("/logout"), "a way to sign out");
        assert!(
            !home.contains(&format!("href=\"/i/{DEMO_CODE}\"")),
            "no dashboard it may not open"
        );

        let heads = app.store.audit_heads().await.unwrap();
        let r = inspector.get(&app, &format!("/inspections/{}", a.id)).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"data-testid="inspect-summary""#));
        assert!(page.contains(r#"data-testid="inspect-sheet""#));
        assert_ne!(
            app.store.audit_heads().await.unwrap(),
            heads,
            "the opening is audited"
        );
        let r = inspector
            .get(&app, &format!("/inspections/{}/bundle.zip", a.id))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");

        // It still cannot answer, approve or open the officer's pages.
        for path in [
            format!("/assessments/{}", a.id),
            format!("/i/{DEMO_CODE}"),
            format!("/i/{DEMO_CODE}/assessments"),
        ] {
            let r = inspector.get(&app, &path).await;
            assert!(
                matches!(r.status().as_u16(), 403 | 404),
                "{path}: {}",
                r.status()
            );
        }
        // A vendor and a member of another institution reach nothing.
        let vendor = login(&app, "tanto@a-sha.example.jp").await;
        let r = vendor.get(&app, &format!("/inspections/{}", a.id)).await;
        assert_eq!(r.status(), 404);
        let (other, _) = officer_elsewhere(&app, "1399999999", "so@other.example.jp").await;
        let r = other
            .get(&app, &format!("/inspections/{}/bundle.zip", a.id))
            .await;
        assert_eq!(r.status(), 404);
    }
}

#[tokio::test]
async fn a_link_mailed_to_an_address_opens_as_a_link_not_by_the_address() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let officer = login(&app, OFFICER_EMAIL).await;
        // A bad address is refused and changes nothing.
        let url = format!("/api/v1/assessments/{}/inspector-links", a.id);
        let r = officer
            .json(
                &app,
                Method::POST,
                &url,
                Some(json!({"label": "県 医療安全課", "days": 7, "recipient": "not-an-address"})),
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(app.store.inspector_links(&a.id).await.unwrap().is_empty());

        new_user(&app, "hoken@pref.example.jp").await;
        let r = officer
            .json(
                &app,
                Method::POST,
                &url,
                Some(json!({"label": "県 医療安全課", "days": 7,
                            "recipient": "Hoken@pref.example.jp"})),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        // The mail to the address carries the link itself.
        let mail = outbox_for(&app, "hoken@pref.example.jp").await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].0, "inspector_link_shared");
        assert!(mail[0].1.starts_with("/inspect/"));

        // The address alone opens nothing: an account with that address (here one that an
        // officer could have made) neither lists nor opens the sheet; the mailed link does.
        let hoken = login(&app, "hoken@pref.example.jp").await;
        let home = get_text(&app, &hoken.c, "/home").await;
        assert!(!home.contains(&format!("/inspections/{}", a.id)), "{home}");
        let r = hoken.get(&app, &format!("/inspections/{}", a.id)).await;
        assert_eq!(r.status(), 404);
        let r = client()
            .get(format!("{}{}", app.base, mail[0].1))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "the mailed link opens the sheet");

        // The account that opened the link keeps it: its home lists the sheet, which opens
        // (with its bundle) without the secret — that sheet only, not the institution's
        // others; nobody else gains anything.
        // The button on the link's page, with the token that page carries (the session's).
        let page = hoken.get(&app, &mail[0].1).await.text().await.unwrap();
        assert!(page.contains(r#"data-testid="inspect-keep""#));
        let token = csrf_of(&page);
        let r = hoken
            .c
            .post(format!("{}{}/keep", app.base, mail[0].1))
            .form(&[("_csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "the page's own form is accepted");
        assert_eq!(
            location(&r),
            format!("/inspections/{}?ok=flash-inspector-kept", a.id)
        );
        let home = get_text(&app, &hoken.c, "/home").await;
        assert!(
            home.contains(&format!("/inspections/{}", a.id)),
            "kept: {home}"
        );
        assert_eq!(
            hoken
                .get(&app, &format!("/inspections/{}", a.id))
                .await
                .status(),
            200
        );
        let zip = hoken
            .get(&app, &format!("/inspections/{}/bundle.zip", a.id))
            .await;
        assert_eq!(zip.status(), 200);
        let demo_sheet = app
            .store
            .assessments(&a.institution_id)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id != a.id)
            .unwrap();
        assert_eq!(
            hoken
                .get(&app, &format!("/inspections/{}", demo_sheet.id))
                .await
                .status(),
            404,
            "a link reaches its own sheet only"
        );
        // Keeping through the API again changes nothing; a bad token is 404.
        let again = hoken
            .json(
                &app,
                Method::POST,
                &format!("/api/v1{}/keep", mail[0].1),
                None,
            )
            .await;
        assert_eq!(again.status(), 200);
        let kept: Value = again.json().await.unwrap();
        assert_eq!(kept["href"], format!("/inspections/{}", a.id));
        assert_eq!(
            hoken
                .json(&app, Method::POST, "/api/v1/inspect/not-a-token/keep", None)
                .await
                .status(),
            404
        );
        // Revoked: gone from the home, and closed.
        let links = app.store.inspector_links(&a.id).await.unwrap();
        let first = links.iter().find(|l| l.label == "県 医療安全課").unwrap();
        let r = officer
            .json(
                &app,
                Method::POST,
                &format!("{url}/{}/revoke", first.id),
                None,
            )
            .await;
        assert!(r.status().is_success());
        let home = get_text(&app, &hoken.c, "/home").await;
        assert!(!home.contains(&format!("/inspections/{}", a.id)), "{home}");
        assert_eq!(
            hoken
                .get(&app, &format!("/inspections/{}", a.id))
                .await
                .status(),
            404
        );
        assert_eq!(
            hoken
                .form(&app, &format!("{}/keep", mail[0].1), &[])
                .await
                .status(),
            404,
            "a revoked link cannot be kept"
        );

        // Revoked while its mail still waits (no relay here): the mail is withdrawn and the
        // link (a credential) is no longer kept in the outbox.
        let second = officer
            .json(
                &app,
                Method::POST,
                &url,
                Some(json!({"label": "再送", "days": 7, "recipient": "later@pref.example.jp"})),
            )
            .await;
        assert_eq!(second.status(), 201);
        let id: Value = second.json().await.unwrap();
        let id = id["link"]["id"].as_str().unwrap().to_string();
        assert_eq!(outbox_for(&app, "later@pref.example.jp").await.len(), 1);
        let r = officer
            .json(&app, Method::POST, &format!("{url}/{id}/revoke"), None)
            .await;
        assert!(r.status().is_success(), "{}", r.status());
        assert!(
            outbox_for(&app, "later@pref.example.jp").await.is_empty(),
            "the waiting mail is withdrawn"
        );
        // Not sent later either, and counted as given up, not waiting.
        let counts = app.store.outbox_counts().await.unwrap();
        // Both links are revoked now, and neither mail was sent (no relay): both withdrawn.
        assert_eq!(
            counts.failed, 2,
            "the withdrawn mails are given up: {counts:?}"
        );
    }
}

const OFFICER_EMAIL: &str = "anzen@sakura.example.jp";
