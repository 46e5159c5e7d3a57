//! Every action a page offers exists in the JSON API under the same rules (issue 10): each
//! page or upload route that changes data names its API counterpart, which must exist, or
//! says why it stays a browser action. A new page action without either fails here.

use mamori_web::http::routes::{Surface, Twin};

#[test]
fn every_page_action_has_its_api_counterpart_or_a_reason() {
    let table = mamori_web::route_table();
    let api: Vec<String> = table
        .iter()
        .filter(|r| r.surface == Surface::Api)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let mut without = vec![];
    let (mut twins, mut html_only) = (0, 0);
    for r in table
        .iter()
        .filter(|r| r.surface != Surface::Api && r.method != "GET")
    {
        let name = format!("{} {}", r.method, r.path);
        match &r.twin {
            Twin::Api(op) => {
                assert!(
                    api.contains(&op.to_string()),
                    "{name} names {op}, which the API does not serve"
                );
                twins += 1;
            }
            Twin::HtmlOnly(reason) => {
                assert!(reason.len() > 20, "{name}: say why it stays HTML-only");
                html_only += 1;
            }
            Twin::None => without.push(name),
        }
    }
    assert!(
        without.is_empty(),
        "page actions without an API counterpart or a reason: {without:?}"
    );
    // The declarations were read: today 46 actions with a counterpart, a few browser-only.
    assert!(
        twins >= 40 && html_only >= 3,
        "{twins} twins, {html_only} HTML-only"
    );
}
