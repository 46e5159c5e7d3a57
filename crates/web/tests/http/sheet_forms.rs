//! The sheet's forms keep work and show errors (issue 12, item 4): a slot saved with htmx
//! comes back alone (the other rows are not touched) with the progress refreshed out of
//! band; a refusal comes back with what was sent, a summary linking to the field at fault
//! and the field marked invalid; without JavaScript the page does the same at the top with
//! focus; the filters show only unanswered or いいえ items.

use crate::common::*;

/// Post one slot of the demo's sheet, as htmx (`HX-Request`) or as a plain form.
async fn post_slot(
    app: &App,
    s: &Session,
    path: &str,
    htmx: bool,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut f: Vec<(&str, &str)> = fields.to_vec();
    f.push(("_csrf", &s.csrf));
    let mut req = s.c.post(format!("{}{path}/answers", app.base)).form(&f);
    if htmx {
        req = req.header("HX-Request", "true");
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_slot_saves_in_place_and_a_refusal_points_at_its_field() {
    let app = start().await;
    let inst = demo_institution(&app).await;
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    let so = login(&app, "anzen@sakura.example.jp").await;
    let path = format!("/assessments/{}", a.id);
    let version = |item: &'static str| {
        let store = app.store.clone();
        let id = a.id.clone();
        async move {
            store
                .assessment_answers(&id)
                .await
                .unwrap()
                .into_iter()
                .find(|x| x.item_id == item && x.slot.as_str() == "all")
                .map(|x| x.version)
                .unwrap_or(0)
                .to_string()
        }
    };
    let before = app.store.assessment_answers(&a.id).await.unwrap();

    // htmx, refused: 422, the slot alone, with the values sent and the field marked.
    let v = version("2-1").await;
    let r = post_slot(
        &app,
        &so,
        &path,
        true,
        &[
            ("item_id", "2-1"),
            ("slot", "all"),
            ("version", &v),
            ("check1", "no"),
            ("check1_on", "2024-07-01"),
            ("note", "送った備考"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<html"), "a fragment, not a page");
    assert!(html.contains(r#"id="slot-2-1-all""#), "{html}");
    assert!(html.contains(r#"data-testid="slot-error""#));
    assert!(
        html.contains(r##"href="#f-2-1-all-target_on""##),
        "the summary links to the field"
    );
    assert!(
        html.contains(r#"id="f-2-1-all-target_on" name="target_on" value="" min="2024-04-01" max="2025-03-31" aria-invalid="true""#),
        "the field at fault is marked: {html}"
    );
    assert!(html.contains("送った備考"), "what was sent is kept");
    assert!(
        html.contains(r#"hx-swap-oob="true""#),
        "the outline comes along"
    );
    assert_eq!(
        app.store.assessment_answers(&a.id).await.unwrap(),
        before,
        "nothing saved"
    );

    // htmx, taken: 200, the slot says it is saved, the progress is refreshed.
    let r = post_slot(
        &app,
        &so,
        &path,
        true,
        &[
            ("item_id", "2-1"),
            ("slot", "all"),
            ("version", &v),
            ("check1", "no"),
            ("check1_on", "2024-07-01"),
            ("target_on", "2025-03-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("保存しました。"), "{html}");
    assert!(html.contains(r#"<dd id="sheet-total" data-testid="cy-progress" hx-swap-oob="true">"#));
    assert!(html.contains(r#"value="2025-03-01""#));
    assert!(!html.contains("slot-error"));

    // htmx, stale: 409 with the slot, nothing overwritten.
    let r = post_slot(
        &app,
        &so,
        &path,
        true,
        &[
            ("item_id", "2-1"),
            ("slot", "all"),
            ("version", &v),
            ("check1", "yes"),
            ("check1_on", "2024-07-02"),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains(r#"data-testid="slot-error""#));
    let saved = app.store.assessment_answers(&a.id).await.unwrap();
    let row = saved.iter().find(|x| x.item_id == "2-1").unwrap();
    assert_eq!(
        row.target_on.as_deref(),
        Some("2025-03-01"),
        "the stale save changed nothing"
    );

    // Without JavaScript, refused: the whole page, 422, the summary on top taking focus,
    // linking to the field; the values sent kept in the slot.
    let v = version("2-2").await;
    let r = post_slot(
        &app,
        &so,
        &path,
        false,
        &[
            ("item_id", "2-2"),
            ("slot", "all"),
            ("version", &v),
            ("check1", "yes"),
            ("note", "日付を忘れた"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("<html"), "a page");
    let summary = html
        .split(r#"data-testid="error-summary""#)
        .nth(1)
        .expect("an error summary");
    assert!(html.contains(r#"role="alert" tabindex="-1" autofocus data-testid="error-summary""#));
    assert!(
        summary.contains(r##"href="#f-2-2-all-check1_on""##),
        "{summary}"
    );
    assert!(summary.contains("はい/いいえには確認日を入力してください。"));
    assert!(html.contains("日付を忘れた"));

    // Without JavaScript, taken: back to the slot, which says it is saved.
    let r = post_slot(
        &app,
        &so,
        &path,
        false,
        &[
            ("item_id", "2-2"),
            ("slot", "all"),
            ("version", &v),
            ("check1", "yes"),
            ("check1_on", "2024-07-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert_eq!(to, format!("{path}?saved=2-2:all#slot-2-2-all"));
    let html = so.get(&app, &to).await.text().await.unwrap();
    let slot = html.split(r#"id="slot-2-2-all""#).nth(1).unwrap();
    let status = slot.split(r#"data-testid="slot-status""#).nth(1).unwrap();
    assert!(
        status.starts_with(">保存しました。"),
        "{}",
        &status[..80.min(status.len())]
    );

    // Filters: only いいえ; only unanswered (the answered 2-1 and 2-2 are not among them).
    let no = so
        .get(&app, &format!("{path}?show=no"))
        .await
        .text()
        .await
        .unwrap();
    let open = so
        .get(&app, &format!("{path}?show=open"))
        .await
        .text()
        .await
        .unwrap();
    let all = so.get(&app, &path).await.text().await.unwrap();
    let items = |h: &str| h.matches(r#"data-testid="cy-item""#).count();
    assert!(no.contains(r#"id="item-2-1""#), "2-1 is いいえ");
    assert!(!no.contains(r#"id="item-2-2""#));
    assert!(!open.contains(r#"id="item-2-2""#), "2-2 is answered");
    assert!(items(&no) < items(&all) && items(&open) < items(&all));
    assert!(
        all.contains(r#"data-testid="cy-outline""#),
        "the outline of sections"
    );
    // An unknown filter is refused, not guessed.
    assert_eq!(
        so.get(&app, &format!("{path}?show=maybe")).await.status(),
        400
    );
}
