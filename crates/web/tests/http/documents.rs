//! Contract documents through the API: a multipart upload under the same rules, limits,
//! policy and audit as the contract page's upload form.

use crate::common::*;

fn form(kind: &str, name: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("kind", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        )
}

/// POST a multipart form to `path` with the bearer `token` (or none).
async fn post(
    app: &App,
    token: Option<&str>,
    path: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    let mut r = client().post(format!("{}{path}", app.base)).multipart(form);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

async fn envelope(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");
    (status, body["error"].clone())
}

#[tokio::test]
async fn documents_through_the_api_follow_the_upload_forms_rules() {
    for app in start_each().await {
        let cb = demo_contract(&app, "B社").await;
        let path = format!("/api/v1/contracts/{}/documents", cb.id);
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let (_, b_token) = b.new_token(&app, "docs").await;
        let (_, a_token) = login(&app, "tanto@a-sha.example.jp")
            .await
            .new_token(&app, "docs")
            .await;
        let (_, staff_token) = login(&app, "shokuin@sakura.example.jp")
            .await
            .new_token(&app, "docs")
            .await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let pdf = b"%PDF-1.7 contract".to_vec();

        // Refusals, each with the error envelope, none writing anything: not signed in,
        // another vendor (404), a member without the permission (403), a browser session
        // without its CSRF token, a body that is not a form, and the form's rules.
        let heads = app.store.audit_heads().await.unwrap();
        let docs_before = app.store.contract_documents(&cb.id).await.unwrap();
        let sla = || form("sla", "sla.pdf", pdf.clone());
        assert_eq!(envelope(post(&app, None, &path, sla()).await).await.0, 401);
        assert_eq!(
            envelope(post(&app, Some(&a_token), &path, sla()).await)
                .await
                .0,
            404
        );
        assert_eq!(
            envelope(post(&app, Some(&staff_token), &path, sla()).await)
                .await
                .0,
            403
        );
        let r =
            so.c.post(format!("{}{path}", app.base))
                .multipart(sla())
                .send()
                .await
                .unwrap();
        let (status, e) = envelope(r).await;
        assert_eq!((status, e["code"].as_str()), (403, Some("csrf")));
        let r = client()
            .post(format!("{}{path}", app.base))
            .bearer_auth(&b_token)
            .json(&json!({"kind": "sla"}))
            .send()
            .await
            .unwrap();
        assert_eq!(envelope(r).await.0, 400);
        for (f, field, what) in [
            (form("nda", "a.pdf", pdf.clone()), "kind", "unknown kind"),
            (form("sla", "empty.pdf", vec![]), "file", "empty file"),
            (
                form("sla", "blob.bin", vec![0, 1, 2, 0]),
                "file",
                "unknown type",
            ),
        ] {
            let (status, e) = envelope(post(&app, Some(&b_token), &path, f).await).await;
            assert_eq!(
                (status, e["field"].as_str()),
                (422, Some(field)),
                "{what}: {e}"
            );
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(
            app.store.contract_documents(&cb.id).await.unwrap(),
            docs_before
        );

        // Kept: the vendor with its token, the institution with its session and CSRF
        // header; each side recorded, audited, listed for both parties.
        let r = post(
            &app,
            Some(&b_token),
            &path,
            form("sla", "../SLA 2026.pdf", pdf.clone()),
        )
        .await;
        assert_eq!(r.status(), 201);
        let d: Value = r.json().await.unwrap();
        assert_eq!(
            (
                d["kind"].as_str(),
                d["file_name"].as_str(),
                d["media_type"].as_str(),
                d["uploaded_party"].as_str(),
                d["size"].as_i64()
            ),
            (
                Some("sla"),
                Some("SLA 2026.pdf"),
                Some("application/pdf"),
                Some("vendor"),
                Some(pdf.len() as i64)
            )
        );
        let r =
            so.c.post(format!("{}{path}", app.base))
                .header("x-csrf-token", &so.csrf)
                .multipart(form("contract", "契約書.txt", "契約書".as_bytes().to_vec()))
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 201);
        let d2: Value = r.json().await.unwrap();
        assert_eq!(d2["uploaded_party"], "institution");
        assert_ne!(app.store.audit_heads().await.unwrap(), heads);
        let inst_id = cb.institution_id.clone();
        let events = app
            .store
            .audit_events(&mamori_store::AuditFilter {
                institution_id: inst_id,
                action_prefix: Some("contract.document.add".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        for doc in [&d, &d2] {
            assert!(
                events
                    .iter()
                    .any(|e| e.changes.contains(doc["id"].as_str().unwrap())
                        || e.changes.contains(doc["sha256"].as_str().unwrap())),
                "audited: {doc}"
            );
        }
        let listed: Vec<Value> = b.get(&app, &path).await.json().await.unwrap();
        assert!(listed.iter().any(|x| x["id"] == d["id"]));
        assert!(listed.iter().any(|x| x["id"] == d2["id"]));
        let r = client()
            .get(format!("{}{path}", app.base))
            .bearer_auth(&a_token)
            .send()
            .await
            .unwrap();
        assert_eq!(envelope(r).await.0, 404);
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}

#[tokio::test]
async fn an_api_upload_over_the_limit_is_refused_and_nothing_is_kept() {
    let app = start_with(WebConfig {
        max_upload_bytes: 2048,
        ..WebConfig::default()
    })
    .await;
    let cb = demo_contract(&app, "B社").await;
    let (_, token) = login(&app, "tanto@b-sha.example.jp")
        .await
        .new_token(&app, "docs")
        .await;
    let before = app.store.contract_documents(&cb.id).await.unwrap().len();
    let heads = app.store.audit_heads().await.unwrap();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(8192, b' ');
    let path = format!("/api/v1/contracts/{}/documents", cb.id);
    let (status, e) =
        envelope(post(&app, Some(&token), &path, form("contract", "big.pdf", pdf)).await).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    assert_eq!(
        app.store.contract_documents(&cb.id).await.unwrap().len(),
        before
    );
    assert_eq!(app.store.audit_heads().await.unwrap(), heads);
}
