//! A certification's certificate as a file (issue 12, item 6): the vendor attaches it on
//! its page or through the API (a PDF, PNG or JPEG; anything else refused and nothing
//! kept); the vendor and the institutions it has contracts with download it; another
//! vendor and another institution learn nothing.

use crate::common::*;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test]
async fn a_certificate_file_is_kept_with_its_certification_and_shown_to_the_contract() {
    let app = start().await;
    let a_id = vendor_id(&app, "A社").await;
    let cert = app
        .store
        .certifications(std::slice::from_ref(&a_id))
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("A社 has a certification in the demo");
    let va = login(&app, "tanto@a-sha.example.jp").await;
    let vb = login(&app, "tanto@b-sha.example.jp").await;
    let vd = login(&app, "tanto@d-sha.example.jp").await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let (elsewhere, _) = officer_elsewhere(&app, "1311111110", "so@elsewhere.example.jp").await;
    let page = format!("/vendor/certifications/{}/file", cert.id);
    let download = format!("/certifications/{}/file", cert.id);

    // Not a certificate: refused, nothing kept.
    let r = va
        .post_file(&app, &page, &[], "memo.txt", b"just text".to_vec())
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        location(&r).contains("err=error-cert-file-type"),
        "{}",
        location(&r)
    );
    assert_eq!(so.get(&app, &download).await.status(), 404, "no file yet");
    // Another vendor cannot attach to A社's certification.
    let r = vb
        .post_file(&app, &page, &[], "isms.pdf", PDF.to_vec())
        .await;
    assert_eq!(r.status(), 404);

    // A社 attaches the certificate on its page.
    let r = va
        .post_file(&app, &page, &[], "ISMS認証書.pdf", PDF.to_vec())
        .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).contains("ok=flash-cert-file-added"));
    let listed = va
        .get(&app, "/vendor/certifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains("ISMS認証書.pdf"), "the page shows the file");

    // A社 and the hospital under contract download it; others learn nothing.
    for s in [&va, &so] {
        let r = s.get(&app, &download).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    }
    for s in [&vb, &vd, &elsewhere] {
        assert_eq!(s.get(&app, &download).await.status(), 404);
    }
    // The hospital's contract page links it.
    let contract = demo_contract(&app, "A社").await;
    let html = so
        .get(&app, &format!("/contracts/{}", contract.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&download),
        "the contract page links the certificate"
    );

    // The API replaces it with the renewed one (PNG), audited; another vendor: 404.
    let png = {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0u8; 32]);
        b
    };
    let put = |s: &Session, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("renewed.png"),
        );
        s.c.put(format!(
            "{}/api/v1/vendor/certifications/{}/file",
            app.base, cert.id
        ))
        .header("x-csrf-token", &s.csrf)
        .multipart(form)
        .send()
    };
    let heads = app.store.audit_heads().await.unwrap();
    assert_eq!(put(&vb, png.clone()).await.unwrap().status(), 404);
    assert_eq!(
        app.store.audit_heads().await.unwrap(),
        heads,
        "a refusal writes nothing"
    );
    let r = put(&va, png.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["file_name"], "renewed.png");
    assert_eq!(v["media_type"], "image/png");
    let r = so
        .get(&app, &format!("/api/v1/certifications/{}/file", cert.id))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);
    assert_ne!(
        app.store.audit_heads().await.unwrap(),
        heads,
        "the attachment is audited"
    );
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}
