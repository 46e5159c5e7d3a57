//! The escalation suite: for every path by which a principal gains access (invitations,
//! role grants by id and by e-mail, vendor membership, inspector links, token creation, the
//! MFA requirement), a principal of another tenant tries to use it to reach data outside
//! its tenant. Every attempt must fail and change nothing. Runs on SQLite and PostgreSQL.

use crate::common::*;
use mamori_domain::vendor_members::{MembershipStatus, VendorRole};
use mamori_domain::Institution;
use mamori_store::NewContract;

/// A second institution ("なにわ診療所") with its own officer, and a contract there with
/// the demo's B社: the data an attacker at the demo hospital must never reach.
struct Other {
    inst: Institution,
    officer: String,
    contract: String,
}

async fn other_tenant(app: &App) -> Other {
    let sys = Actor::system("test");
    let inst = new_institution(app, "2712345678", "なにわ診療所").await;
    let officer = new_user(app, "officer@naniwa.example.jp").await;
    app.store
        .grant_role(&sys, &inst.id, &officer, Role::SecurityOfficer, None)
        .await
        .unwrap();
    let contract = app
        .store
        .create_contract(
            &sys,
            &NewContract {
                institution_id: inst.id.clone(),
                vendor_id: vendor_id(app, "B社").await,
                title: "なにわ 電子カルテ保守".into(),
                kind: mamori_domain::codes::ContractKind::Maintenance,
                starts_on: Some("2024-04-01".into()),
                ends_on: None,
                catalog_id: "mhlw/role-sharing@2024-06".into(),
                system_ids: vec![],
            },
        )
        .await
        .unwrap()
        .id;
    Other {
        inst,
        officer,
        contract,
    }
}

/// Sign in with a given password (`login` uses the demo's).
async fn login_as(app: &App, email: &str, password: &str) -> Session {
    let c = client();
    let r = try_login(app, &c, email, password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {email}");
    let profile = c.get(format!("{}/profile", app.base)).send().await.unwrap();
    let csrf = csrf_of(&profile.text().await.unwrap());
    Session { c, csrf }
}

/// The length of every audit chain: a refused attempt appends nothing anywhere.
async fn chain_lengths(app: &App) -> Vec<(String, i64)> {
    app.store
        .audit_heads()
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.chain, h.seq))
        .collect()
}

/// The invitation page's one-time link, from the page shown to the inviter.
fn invite_link(html: &str) -> String {
    let marker = "data-testid=\"invite-link\">";
    let start = html.find(marker).expect("the page shows the link") + marker.len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

/// The critical escalation of the outside test: an officer makes a contract with any
/// vendor, invites his own second address and accepts. Before: the new account was a
/// member of the vendor and read its contracts at every hospital. Now: a pending request
/// that reaches nothing until the vendor's own administrator confirms it.
#[tokio::test]
async fn an_institution_cannot_make_anyone_a_member_of_a_vendor() {
    for app in start_each().await {
        let other = other_tenant(&app).await;
        let b = vendor_id(&app, "B社").await;
        let d = vendor_id(&app, "D社").await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        // 1. A contract with D社 (any vendor on the platform may be picked by name).
        let r = so
            .form(
                &app,
                &format!("/i/{DEMO_CODE}/contracts"),
                &[
                    ("vendor_id", &d),
                    ("title", "偽の契約"),
                    ("kind", "maintenance"),
                    ("starts_on", "2026-04-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // The contract tells him nothing of who works for D社: an institution sees only the
        // contacts it named itself.
        let page = so.get(&app, &location(&r)).await.text().await.unwrap();
        assert!(!page.contains("tanto@d-sha.example.jp"));
        let other_officer = login(&app, "officer@naniwa.example.jp").await;
        let page = other_officer
            .get(&app, &format!("/contracts/{}", other.contract))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("なにわ 電子カルテ保守") && !page.contains("tanto@b-sha.example.jp"));
        // 2. Invitations for B社 (existing contract) and D社, to the officer's own addresses.
        let mut links = vec![];
        for (vendor, email) in [
            (&b, "attacker+b@sakura.example.jp"),
            (&d, "attacker+d@sakura.example.jp"),
        ] {
            let r = so
                .form(
                    &app,
                    &format!("/i/{DEMO_CODE}/invites"),
                    &[
                        ("vendor_id", vendor),
                        ("email", email),
                        ("display_name", "攻撃者"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 200);
            let html = r.text().await.unwrap();
            assert!(html.contains("承認するまでは契約を見られません"));
            links.push((email, invite_link(&html)));
        }
        // 3. Accept both.
        for (email, link) in &links {
            let r = accept_invite(&app, link).await;
            assert_eq!(location(&r), "/login?ok=flash-invite-pending", "{email}");
        }
        // 4. The new accounts reach nothing of B社 or D社.
        let attacker = login(&app, "attacker+b@sakura.example.jp").await;
        let before = chain_lengths(&app).await;
        let home = attacker.get(&app, "/home").await.text().await.unwrap();
        assert!(
            home.contains("承認待ち"),
            "the home page says it is pending"
        );
        for path in [
            "/vendor".to_string(),
            format!("/contracts/{}", other.contract),
            format!("/contracts/{}/export.xlsx", other.contract),
            format!("/contracts/{}/print", other.contract),
            format!("/vendors/{b}/members"),
        ] {
            let s = attacker.get(&app, &path).await.status();
            assert!(s == 403 || s == 404, "{path}: {s}");
        }
        for path in [
            "/api/v1/vendor/contracts".to_string(),
            format!("/api/v1/contracts/{}/items", other.contract),
            format!("/api/v1/vendors/{b}/members"),
        ] {
            let s = attacker.json(&app, Method::GET, &path, None).await.status();
            assert!(s == 403 || s == 404, "{path}: {s}");
        }
        // Declaring a subcontractor on the other hospital's contract: refused, nothing written.
        let r = attacker
            .form(
                &app,
                &format!("/contracts/{}/subcontractors", other.contract),
                &[("name", "再委託先"), ("scope", "x")],
            )
            .await;
        assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
        // The attacker cannot confirm himself, by page or API.
        let me = user_id(&app, "attacker+b@sakura.example.jp").await;
        let r = attacker
            .form(&app, &format!("/vendors/{b}/members/{me}/confirm"), &[])
            .await;
        assert!(matches!(r.status().as_u16(), 403 | 404));
        let r = attacker
            .json(
                &app,
                Method::PUT,
                &format!("/api/v1/vendors/{b}/members/{me}"),
                Some(json!({"role": "admin", "status": "active"})),
            )
            .await;
        assert!(matches!(r.status().as_u16(), 403 | 404));
        // Nor can the inviting officer (an institution role reaches no vendor's members).
        for path in [
            format!("/vendors/{b}/members"),
            format!("/vendors/{d}/members"),
        ] {
            assert_eq!(so.get(&app, &path).await.status(), 404, "{path}");
        }
        let r = so
            .json(
                &app,
                Method::PUT,
                &format!("/api/v1/vendors/{b}/members/{me}"),
                Some(json!({"role": "member", "status": "active"})),
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(chain_lengths(&app).await, before, "refusals change nothing");
        assert!(app
            .store
            .principal(&me)
            .await
            .unwrap()
            .vendor_ids
            .is_empty());

        // 5. B社's own administrator sees the request, with the inviting institution, and
        //    turns it down; D社's administrator confirms his (a real new colleague).
        let b_admin = login(&app, "tanto@b-sha.example.jp").await;
        let page = b_admin.get(&app, &format!("/vendors/{b}/members")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("attacker+b@sakura.example.jp") && html.contains("さくら総合病院"));
        let r = b_admin
            .form(&app, &format!("/vendors/{b}/members/{me}/remove"), &[])
            .await;
        assert_eq!(
            location(&r),
            format!("/vendors/{b}/members?ok=flash-vendor-member-removed")
        );
        assert!(app.store.memberships_of(&me).await.unwrap().is_empty());
        // B社's administrator cannot manage D社's members.
        assert_eq!(
            b_admin
                .get(&app, &format!("/vendors/{d}/members"))
                .await
                .status(),
            404
        );
        let d_user = user_id(&app, "attacker+d@sakura.example.jp").await;
        // The attacker, still pending, signs in with the password he set and makes a token.
        let pending = login(&app, "attacker+d@sakura.example.jp").await;
        let (_, pending_token) = pending.new_token(&app, "x").await;
        let d_admin = login(&app, "tanto@d-sha.example.jp").await;
        let r = d_admin
            .json(
                &app,
                Method::PUT,
                &format!("/api/v1/vendors/{d}/members/{d_user}"),
                Some(json!({"role": "member", "status": "active"})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let issued: Value = r.json().await.unwrap();
        let fresh = issued["initial_password"].as_str().unwrap().to_string();
        // Confirmation replaced what the link's holder set: his password, session and
        // token no longer work; only the password D社 hands over does.
        assert_eq!(
            pending.get(&app, "/home").await.status(),
            StatusCode::SEE_OTHER
        );
        let r = client()
            .get(format!("{}/api/v1/vendor/contracts", app.base))
            .bearer_auth(&pending_token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = try_login(
            &app,
            &client(),
            "attacker+d@sakura.example.jp",
            DEMO_PASSWORD,
        )
        .await;
        assert_eq!(r.status(), 200, "the old password is refused");
        // Confirmed by D社: the view is D社's contracts only — never B社's.
        let d_member = login_as(&app, "attacker+d@sakura.example.jp", &fresh).await;
        let list: Value = d_member
            .json(&app, Method::GET, "/api/v1/vendor/contracts", None)
            .await
            .json()
            .await
            .unwrap();
        let vendors: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["vendor_name"].as_str().unwrap_or_default())
            .collect();
        assert!(
            !vendors.is_empty() && vendors.iter().all(|v| *v == "D社"),
            "{vendors:?}"
        );
        assert_eq!(
            d_member
                .get(&app, &format!("/contracts/{}", other.contract))
                .await
                .status(),
            404
        );
    }
}

/// An invitation naming an account that already exists never attaches it: it records the
/// contact when the vendor already made that account its member, and is refused otherwise.
#[tokio::test]
async fn an_invitation_never_attaches_an_existing_account() {
    for app in start_each().await {
        let other = other_tenant(&app).await;
        let b = vendor_id(&app, "B社").await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let before = chain_lengths(&app).await;
        // Another institution's officer, and a vendor user of another vendor.
        for email in ["officer@naniwa.example.jp", "tanto@a-sha.example.jp"] {
            let r = so
                .form(
                    &app,
                    &format!("/i/{DEMO_CODE}/invites"),
                    &[("vendor_id", &b), ("email", email), ("display_name", "x")],
                )
                .await;
            assert_eq!(
                location(&r),
                format!("/i/{DEMO_CODE}/contracts?err=error-invite-exists#invite"),
                "{email}"
            );
        }
        assert_eq!(chain_lengths(&app).await, before);
        assert!(app
            .store
            .memberships_of(&other.officer)
            .await
            .unwrap()
            .is_empty());
        // B社's own member: recorded as the contact, nothing granted, no link issued.
        let r = so
            .form(
                &app,
                &format!("/i/{DEMO_CODE}/invites"),
                &[
                    ("vendor_id", &b),
                    ("email", "tanto@b-sha.example.jp"),
                    ("display_name", "B社 担当"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("data-testid=\"invite-linked\"") && !html.contains("invite-link\""));
    }
}

/// A vendor's administrator adds new people only; an account that exists elsewhere is
/// linked by a platform administrator alone.
#[tokio::test]
async fn a_vendor_admin_cannot_pull_in_another_tenants_account() {
    for app in start_each().await {
        let other = other_tenant(&app).await;
        let a = vendor_id(&app, "A社").await;
        let a_admin = login(&app, "tanto@a-sha.example.jp").await;
        let before = chain_lengths(&app).await;
        for email in ["officer@naniwa.example.jp", "anzen@sakura.example.jp"] {
            let r = a_admin
                .json(
                    &app,
                    Method::POST,
                    &format!("/api/v1/vendors/{a}/members"),
                    Some(json!({"email": email, "display_name": "x", "role": "admin"})),
                )
                .await;
            assert_eq!(r.status(), 422, "{email}");
            assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "email");
        }
        assert_eq!(chain_lengths(&app).await, before);
        assert!(app
            .store
            .principal(&other.officer)
            .await
            .unwrap()
            .vendor_ids
            .is_empty());
        // A new person: an account with a one-time password, an active member at once.
        let r = a_admin
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/vendors/{a}/members"),
                Some(json!({"email": "new@a-sha.example.jp", "display_name": "A社 新人", "role": "member"})),
            )
            .await;
        assert_eq!(r.status(), 201);
        let added: Value = r.json().await.unwrap();
        assert!(added["initial_password"]
            .as_str()
            .is_some_and(|p| p.len() >= 12));
        let id = user_id(&app, "new@a-sha.example.jp").await;
        assert_eq!(
            app.store.principal(&id).await.unwrap().vendor_ids,
            vec![a.clone()]
        );
        // The last administrator cannot leave the vendor without one.
        let me = user_id(&app, "tanto@a-sha.example.jp").await;
        let r = a_admin
            .json(
                &app,
                Method::DELETE,
                &format!("/api/v1/vendors/{a}/members/{me}"),
                None,
            )
            .await;
        assert_eq!(r.status(), 422);
        // A platform administrator may link an existing account, as an administrator.
        let admin = login_with_totp(&app, "admin@mamori.example").await;
        let r = admin
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/vendors/{a}/members"),
                Some(json!({"email": "officer@naniwa.example.jp", "display_name": "x", "role": "admin"})),
            )
            .await;
        assert_eq!(r.status(), 201);
        let p = app.store.principal(&other.officer).await.unwrap();
        assert_eq!(p.vendor_admin_ids, vec![a.clone()]);
        let m = app.store.vendor_members(&a).await.unwrap();
        assert!(m.iter().any(|m| m.user.id == other.officer
            && m.role == VendorRole::Admin
            && m.status == MembershipStatus::Active));
    }
}

/// Granting a role by id to an account of another institution was accepted before; the
/// e-mail route refused it. Both refuse now, and nothing changes.
#[tokio::test]
async fn roles_are_not_granted_to_another_tenants_account() {
    for app in start_each().await {
        let other = other_tenant(&app).await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let before = chain_lengths(&app).await;
        let vendor_user = user_id(&app, "tanto@b-sha.example.jp").await;
        for target in [&other.officer, &vendor_user] {
            let r = so
                .json(
                    &app,
                    Method::PUT,
                    &format!("/api/v1/institutions/{DEMO_CODE}/members/{target}/roles/staff"),
                    Some(json!({})),
                )
                .await;
            assert_eq!(r.status(), 404, "{target}");
        }
        let r = so
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/institutions/{DEMO_CODE}/members"),
                Some(json!({"email": "officer@naniwa.example.jp", "display_name": "x", "role": "staff"})),
            )
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(chain_lengths(&app).await, before);
        let p = app.store.principal(&other.officer).await.unwrap();
        assert!(p.roles_in(&other.inst.id, now_ms()) == vec![Role::SecurityOfficer]);
        assert_eq!(p.institution_ids(now_ms()), vec![other.inst.id.clone()]);
        // The other officer cannot reach this institution through his own routes either.
        let o = login(&app, "officer@naniwa.example.jp").await;
        let staff = user_id(&app, "shokuin@sakura.example.jp").await;
        let r = o
            .json(
                &app,
                Method::PUT,
                &format!("/api/v1/institutions/{DEMO_CODE}/members/{staff}/roles/security_officer"),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status(), 404);
        // Granting by id to someone already a member here still works.
        let r = so
            .json(
                &app,
                Method::PUT,
                &format!("/api/v1/institutions/{DEMO_CODE}/members/{staff}/roles/system_operator"),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status(), 204);
    }
}

/// An institution that requires MFA holds back its own roles until the member enrols; the
/// member's other institution is not locked.
#[tokio::test]
async fn an_mfa_requirement_locks_its_own_institution_only() {
    for app in start_each().await {
        let other = other_tenant(&app).await;
        // Someone who works at both: staff at the demo hospital, staff at なにわ.
        let staff = user_id(&app, "shokuin@sakura.example.jp").await;
        app.store
            .grant_role(
                &Actor::system("test"),
                &other.inst.id,
                &staff,
                Role::Staff,
                None,
            )
            .await
            .unwrap();
        let o = login(&app, "officer@naniwa.example.jp").await;
        // The officer of なにわ cannot set the requirement on the demo hospital.
        let r = o
            .json(
                &app,
                Method::PATCH,
                &format!("/api/v1/institutions/{DEMO_CODE}"),
                Some(json!({"version": 1, "name": "x", "beds": 1, "mfa_required": true})),
            )
            .await;
        assert_eq!(r.status(), 404);
        let r = o
            .form(
                &app,
                "/i/2712345678/settings",
                &[
                    ("version", "1"),
                    ("name", "なにわ診療所"),
                    ("beds", "0"),
                    ("mfa_required", "true"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let s = login(&app, "shokuin@sakura.example.jp").await;
        assert_eq!(
            s.get(&app, &format!("/i/{DEMO_CODE}")).await.status(),
            200,
            "not locked out of the demo hospital"
        );
        let r = s.get(&app, "/i/2712345678").await;
        assert_eq!(location(&r), "/profile/mfa");
        let home = s.get(&app, "/home").await.text().await.unwrap();
        assert!(home.contains("data-testid=\"mfa-blocked\"") && home.contains("なにわ診療所"));
        let api = s
            .json(&app, Method::GET, "/api/v1/institutions/2712345678", None)
            .await;
        assert_eq!(api.status(), 403);
        assert_eq!(
            api.json::<Value>().await.unwrap()["error"]["code"],
            "mfa_enrolment_required"
        );
        assert_eq!(
            s.json(&app, Method::GET, "/api/v1/me", None).await.status(),
            200
        );
        // The officer himself, whose only institution now requires it, enrols first.
        let r = o.get(&app, "/i/2712345678").await;
        assert_eq!(location(&r), "/profile/mfa");
    }
}

/// A token never mints a token, ends sessions or reaches a page; a token of one tenant
/// reaches nothing of another.
#[tokio::test]
async fn tokens_do_not_mint_tokens_or_cross_tenants() {
    for app in start_each().await {
        let other = other_tenant(&app).await;
        let o = login(&app, "officer@naniwa.example.jp").await;
        let (created, token) = o.new_token(&app, "連携").await;
        // Every token expires (90 days when none is named).
        let exp = created["token"]["expires_at"].as_i64().expect("an expiry");
        assert!((exp - now_ms() - 90 * 86_400_000).abs() < 60_000);
        let tokens_before = app.store.tokens(&other.officer).await.unwrap().len();
        let sessions_page = o.get(&app, "/profile").await.status();
        assert_eq!(sessions_page, 200);
        let c = client();
        // The pages that manage credentials refuse a Bearer token, whatever their path.
        for (path, form) in [
            (
                "/profile/tokens",
                vec![("name", "minted"), ("expires_in_days", "365")],
            ),
            ("/logout/all", vec![]),
            (
                "/profile/password",
                vec![
                    ("current_password", DEMO_PASSWORD),
                    ("new_password", "とても長い新しいパスワード2026"),
                ],
            ),
            ("/profile/mfa/disable", vec![("code", "000000")]),
        ] {
            let r = c
                .post(format!("{}{path}", app.base))
                .bearer_auth(&token)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{path}");
        }
        assert_eq!(
            c.get(format!("{}/profile", app.base))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        for (m, path) in [
            (Method::POST, "/api/v1/me/sign-out-everywhere"),
            (Method::POST, "/api/v1/me/tokens"),
        ] {
            let r = c
                .request(m, format!("{}{path}", app.base))
                .bearer_auth(&token)
                .json(&json!({"name": "x"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{path}");
        }
        let id = created["token"]["id"].as_str().unwrap();
        let r = c
            .delete(format!("{}/api/v1/me/tokens/{id}", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(
            app.store.tokens(&other.officer).await.unwrap().len(),
            tokens_before
        );
        assert_eq!(
            o.get(&app, "/profile").await.status(),
            200,
            "the browser session lives on"
        );
        // The token reaches its own institution, and nothing of the demo hospital.
        let get = |path: String| {
            c.get(format!("{}{path}", app.base))
                .bearer_auth(&token)
                .send()
        };
        assert_eq!(
            get("/api/v1/institutions/2712345678".into())
                .await
                .unwrap()
                .status(),
            200
        );
        for path in [
            format!("/api/v1/institutions/{DEMO_CODE}"),
            format!("/api/v1/institutions/{DEMO_CODE}/members"),
            format!("/api/v1/institutions/{DEMO_CODE}/contracts"),
            format!("/api/v1/institutions/{DEMO_CODE}/assessments"),
        ] {
            assert_eq!(get(path.clone()).await.unwrap().status(), 404, "{path}");
        }
        // A password change revokes every token.
        let r = o
            .json(
                &app,
                Method::POST,
                "/api/v1/me/password",
                Some(json!({"current_password": DEMO_PASSWORD, "new_password": "とても長い新しいパスワード2026"})),
            )
            .await;
        assert_eq!(r.status(), 204);
        assert_eq!(get("/api/v1/me".into()).await.unwrap().status(), 401);
    }
}

/// An inspector link opens one assessment of one institution; another institution's
/// officer can neither issue, list nor revoke it.
#[tokio::test]
async fn inspector_links_stay_inside_their_institution() {
    for app in start_each().await {
        let _other = other_tenant(&app).await;
        let inst = demo_institution(&app).await;
        let assessment = app.store.assessments(&inst.id).await.unwrap()[0].id.clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let r = so
            .form(
                &app,
                &format!("/assessments/{assessment}/inspector-links"),
                &[("label", "東京都 立入検査"), ("days", "7")],
            )
            .await;
        assert_eq!(r.status(), 200);
        let links = app.store.inspector_links(&assessment).await.unwrap();
        assert_eq!(links.len(), 1);
        let o = login(&app, "officer@naniwa.example.jp").await;
        let before = chain_lengths(&app).await;
        for path in [
            format!("/assessments/{assessment}/inspector-links"),
            format!(
                "/assessments/{assessment}/inspector-links/{}/revoke",
                links[0].id
            ),
        ] {
            let r = o.form(&app, &path, &[("label", "x"), ("days", "7")]).await;
            assert_eq!(r.status(), 404, "{path}");
        }
        assert_eq!(
            o.get(&app, &format!("/assessments/{assessment}"))
                .await
                .status(),
            404
        );
        assert_eq!(chain_lengths(&app).await, before);
        assert!(app.store.inspector_links(&assessment).await.unwrap()[0]
            .revoked_at
            .is_none());
    }
}
