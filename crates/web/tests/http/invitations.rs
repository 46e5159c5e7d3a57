//! Invitations of vendor contacts through the API: the same rules, policy and audit as the
//! contracts page's form and the invitation page.

use crate::common::*;

/// The error envelope's code and field.
async fn refusal(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
    (status, body["error"].clone())
}

/// Run raw SQL on the app's database (SQLite file or PostgreSQL schema).
async fn sql(app: &App, statement: &str) {
    match &app.pg {
        Some(pg) => {
            sqlx::query(statement).execute(pg).await.unwrap();
        }
        None => {
            sqlx::query(statement)
                .execute(&pools(app).pool)
                .await
                .unwrap();
        }
    }
}

async fn accept(app: &App, c: &Client, link: &str, password: &str) -> reqwest::Response {
    let token = link.trim_start_matches("/invite/");
    c.post(format!("{}/api/v1/invitations/{token}/accept", app.base))
        .json(&json!({ "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn invitations_through_the_api_follow_the_pages_rules() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let cb = demo_contract(&app, "B社").await;
        let d_sha = vendor_id(&app, "D社").await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let (elsewhere, _) =
            officer_elsewhere(&app, "2712345678", "officer@naniwa.example.jp").await;
        let base = format!("/api/v1/institutions/{DEMO_CODE}/invitations");
        let invite = |email: &str, vendor: &str| json!({"vendor_id": vendor, "email": email, "display_name": "B社 山田"});

        // Refusals: no role here (404), a role without the permission (403), and the form's
        // rules, each naming its field; none writes anything.
        let heads = app.store.audit_heads().await.unwrap();
        let new = invite("yamada@b-sha.example.jp", &cb.vendor_id);
        let r = elsewhere
            .json(&app, Method::POST, &base, Some(new.clone()))
            .await;
        assert_eq!(refusal(r).await.0, 404);
        let r = staff
            .json(&app, Method::POST, &base, Some(new.clone()))
            .await;
        assert_eq!(refusal(r).await.0, 403);
        let invites_before = app.store.invites(&inst.id).await.unwrap();
        let events = |prefix: &'static str| {
            let store = app.store.clone();
            let inst_id = inst.id.clone();
            async move {
                store
                    .audit_events(&mamori_store::AuditFilter {
                        institution_id: inst_id,
                        action_prefix: Some(prefix.into()),
                        limit: 100,
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.action == prefix)
                    .collect::<Vec<_>>()
            }
        };
        let (invited, linked_before, accepted) = (
            events("vendor.invite").await.len(),
            events("vendor.invite.link").await.len(),
            events("vendor.invite.accept").await.len(),
        );
        for (body, field) in [
            (invite("x@d-sha.example.jp", &d_sha), "vendor_id"),
            (invite("bad", &cb.vendor_id), "email"),
            (
                json!({"vendor_id": cb.vendor_id, "email": "a@b-sha.example.jp"}),
                "display_name",
            ),
            // An account with roles elsewhere, or a member of another vendor, is never
            // attached to a vendor by an institution.
            (invite("officer@naniwa.example.jp", &cb.vendor_id), "email"),
            (invite("tanto@a-sha.example.jp", &cb.vendor_id), "email"),
        ] {
            let (status, e) = refusal(so.json(&app, Method::POST, &base, Some(body)).await).await;
            assert_eq!((status, e["field"].as_str()), (422, Some(field)), "{e}");
            assert_eq!(e["code"], "invalid");
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(app.store.invites(&inst.id).await.unwrap(), invites_before);

        // Made: the link is returned once (no relay configured), audited in the
        // institution's chain.
        let r = so.json(&app, Method::POST, &base, Some(new.clone())).await;
        assert_eq!(r.status(), 201);
        let made: Value = r.json().await.unwrap();
        assert_eq!(made["invitation"]["status"], "open");
        assert_eq!(made["invitation"]["email"], "yamada@b-sha.example.jp");
        assert_eq!(made["vendor_name"], "B社");
        assert_eq!(
            (made["linked"].as_bool(), made["mail_error"].as_bool()),
            (Some(false), Some(false))
        );
        let link = made["link"].as_str().unwrap().to_string();
        assert!(link.starts_with("/invite/"), "{link}");
        let ev = events("vendor.invite").await;
        assert_eq!(ev.len(), invited + 1);
        assert_eq!(ev[0].actor_label, "anzen@sakura.example.jp");
        // The vendor's own member is linked as the contact at once: no link, nothing granted.
        let r = so
            .json(
                &app,
                Method::POST,
                &base,
                Some(invite("tanto@b-sha.example.jp", &cb.vendor_id)),
            )
            .await;
        assert_eq!(r.status(), 201);
        let linked: Value = r.json().await.unwrap();
        assert_eq!(linked["linked"], true);
        assert!(linked["link"].is_null());
        assert_eq!(linked["invitation"]["status"], "used");
        assert_eq!(events("vendor.invite.link").await.len(), linked_before + 1);

        // The list: those who manage the contracts.
        let list: Vec<Value> = so.get(&app, &base).await.json().await.unwrap();
        assert_eq!(list.len(), invites_before.len() + 2);
        assert_eq!(refusal(staff.get(&app, &base).await).await.0, 403);
        assert_eq!(refusal(elsewhere.get(&app, &base).await).await.0, 404);

        // Acceptance: no sign-in needed; a link that does not work is 404 (unknown), a
        // password the rules refuse is 422; neither writes anything.
        let guest = client();
        let heads = app.store.audit_heads().await.unwrap();
        let (status, e) = refusal(accept(&app, &guest, "/invite/not-a-token", "x").await).await;
        assert_eq!((status, e["code"].as_str()), (404, Some("not_found")));
        let (status, e) = refusal(accept(&app, &guest, &link, "short").await).await;
        assert_eq!((status, e["field"].as_str()), (422, Some("password")));
        let r = guest
            .post(format!(
                "{}/api/v1/invitations/{}/accept",
                app.base,
                link.trim_start_matches("/invite/")
            ))
            .body("password=x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "JSON only");
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(app
            .store
            .user_auth_by_email("yamada@b-sha.example.jp")
            .await
            .unwrap()
            .is_none());

        // The escalation: the officer of another tenant, with his own API token, uses the
        // link meant for B社's contact. He gets nothing: the account made is the invited
        // one (audited as itself), pending B社's confirmation, and his own rights are as
        // they were.
        let (_, secret) = elsewhere.new_token(&app, "escalation").await;
        let sub_path = format!("/api/v1/contracts/{}/subcontractors", cb.id);
        let bearer = |path: &str| {
            client()
                .get(format!("{}{path}", app.base))
                .bearer_auth(&secret)
                .send()
        };
        assert_eq!(bearer(&sub_path).await.unwrap().status(), 404);
        let token = link.trim_start_matches("/invite/");
        let r = client()
            .post(format!("{}/api/v1/invitations/{token}/accept", app.base))
            .bearer_auth(&secret)
            .json(&json!({ "password": DEMO_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let done: Value = r.json().await.unwrap();
        assert_eq!(done["email"], "yamada@b-sha.example.jp");
        assert_eq!(done["vendor_id"], cb.vendor_id.as_str());
        assert_eq!(done["membership"], "pending");
        let ev = events("vendor.invite.accept").await;
        assert_eq!(ev.len(), accepted + 1);
        assert_eq!(ev[0].actor_label, "yamada@b-sha.example.jp");
        assert_eq!(ev[0].actor_user_id.as_deref(), done["user_id"].as_str());
        assert_eq!(bearer(&sub_path).await.unwrap().status(), 404);
        let me: Value = bearer("/api/v1/me").await.unwrap().json().await.unwrap();
        assert_eq!(me["user"]["email"], "officer@naniwa.example.jp");
        // The account made reaches none of B社's contracts until B社 confirms it.
        let yamada = login(&app, "yamada@b-sha.example.jp").await;
        assert_eq!(yamada.get(&app, &sub_path).await.status(), 404);
        let memberships = app
            .store
            .memberships_of(done["user_id"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(memberships.len(), 1);
        assert_eq!(
            memberships[0].status,
            mamori_domain::vendor_members::MembershipStatus::Pending
        );

        // A used link, and an expired one, are refused like an unknown one.
        let heads = app.store.audit_heads().await.unwrap();
        let (status, _) = refusal(accept(&app, &guest, &link, DEMO_PASSWORD).await).await;
        assert_eq!(status, 404);
        let r = so
            .json(
                &app,
                Method::POST,
                &base,
                Some(invite("late@b-sha.example.jp", &cb.vendor_id)),
            )
            .await;
        let late: Value = r.json().await.unwrap();
        sql(
            &app,
            "UPDATE invites SET expires_at = 1 WHERE email = 'late@b-sha.example.jp'",
        )
        .await;
        let heads_late = app.store.audit_heads().await.unwrap();
        assert_ne!(heads, heads_late, "the second invitation was audited");
        let (status, _) =
            refusal(accept(&app, &guest, late["link"].as_str().unwrap(), DEMO_PASSWORD).await)
                .await;
        assert_eq!(status, 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads_late);
        let list: Vec<Value> = so.get(&app, &base).await.json().await.unwrap();
        let status_of = |email: &str| {
            list.iter()
                .find(|i| i["email"] == email)
                .map(|i| i["status"].as_str().unwrap().to_string())
        };
        assert_eq!(
            status_of("late@b-sha.example.jp").as_deref(),
            Some("expired")
        );
        assert_eq!(
            status_of("yamada@b-sha.example.jp").as_deref(),
            Some("used")
        );
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}
