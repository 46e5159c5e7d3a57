//! The officer's home (issue 12, item 1): one to-do list, each entry linking to where to
//! act — the year's sheet, vendors' proposals waiting for the institution, certifications
//! running out — and none for the executive, who approves rather than answers.

use crate::common::*;

#[tokio::test]
async fn the_officer_home_lists_what_to_do_with_where() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let html = so.get(&app, "/i/1311234569").await.text().await.unwrap();
    let todo = html
        .split(r#"data-testid="officer-todo""#)
        .nth(1)
        .expect("the officer has a to-do list")
        .split("</section>")
        .next()
        .unwrap()
        .to_string();
    let a = app
        .store
        .assessments(&demo_institution(&app).await.id)
        .await
        .unwrap()[0]
        .clone();
    // The demo's sheet has unanswered items, and A社's ISMS runs out within 60 days.
    assert!(
        todo.contains(&format!(r##"href="/assessments/{}#cy-unmet""##, a.id)),
        "{todo}"
    );
    let a_contract = demo_contract(&app, "A社").await;
    assert!(
        todo.contains(&format!(r#"href="/contracts/{}""#, a_contract.id))
            && todo.contains("有効期限が近づいています"),
        "{todo}"
    );
    // B社 proposes an item: the officer is told it waits, with the contract to answer in.
    let b_contract = demo_contract(&app, "B社").await;
    let waiting_before = todo.contains("B社 の提案が回答を待っています");
    let vb = login(&app, "tanto@b-sha.example.jp").await;
    let items: Value = vb
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/contracts/{}/items", b_contract.id),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let open = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["part2"] == true
                && (i["state"] == "unconfirmed"
                    || (i["state"] == "negotiating" && i["proposed_by"] == "institution"))
        })
        .cloned();
    if let Some(item) = open {
        let r = vb
            .json(
                &app,
                Method::POST,
                &format!(
                    "/api/v1/contracts/{}/items/{}",
                    b_contract.id,
                    item["item_id"].as_str().unwrap()
                ),
                Some(json!({"step": "propose", "responsibility": "vendor", "version": item["version"]})),
            )
            .await;
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    } else {
        assert!(waiting_before, "the demo has B社 proposals waiting already");
    }
    let html = so.get(&app, "/i/1311234569").await.text().await.unwrap();
    assert!(
        html.contains("B社 の提案が回答を待っています")
            && html.contains(&format!(r#"href="/contracts/{}""#, b_contract.id)),
        "proposals waiting are on the list: {}",
        html.split(r#"data-testid="officer-todo""#)
            .nth(1)
            .unwrap_or("")
            .split("</section>")
            .next()
            .unwrap_or("")
    );
    // The executive approves; it has no to-do list of the officer's work.
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    let html = exec.get(&app, "/i/1311234569").await.text().await.unwrap();
    assert!(!html.contains(r#"data-testid="officer-todo""#));
}
