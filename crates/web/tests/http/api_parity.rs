//! Every action a page offers exists in the JSON API under the same rules (issue 10): each
//! page or upload route that changes data names its API counterpart, which must exist, or
//! says why it stays a browser action. The actions still without a counterpart are listed
//! here by name, so the list can only shrink: a new page action without one fails, and an
//! action that gains one must leave the list.

use mamori_web::http::routes::{Surface, Twin};

/// Page actions whose API counterpart is not built yet (issue 10, item 6).
const NOT_YET_IN_THE_API: &[&str] = &[
    "POST /i/{code}/invites",
    "POST /invite/{token}",
    "POST /vendor/standard-answers",
    "POST /vendor/standard-answers/apply",
    "POST /assessments/{id}/vendor-sheets",
    "POST /vendor-sheets/{id}/answers",
    "POST /vendor-sheets/{id}/return",
    "POST /vendor-sheets/{id}/submit",
    "POST /vendor-sheets/{id}/copy",
    "POST /catalog-imports",
    "POST /catalog-imports/{id}/confirm",
    "POST /catalog-imports/{id}/discard",
    "POST /contracts/{id}/documents",
];

#[test]
fn every_page_action_has_its_api_counterpart_or_a_reason() {
    let table = mamori_web::route_table();
    let api: Vec<String> = table
        .iter()
        .filter(|r| r.surface == Surface::Api)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let mut without = vec![];
    let mut checked = 0;
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
                assert!(
                    !NOT_YET_IN_THE_API.contains(&name.as_str()),
                    "{name} has its counterpart now: take it off NOT_YET_IN_THE_API"
                );
                checked += 1;
            }
            Twin::HtmlOnly(reason) => {
                assert!(reason.len() > 20, "{name}: say why it stays HTML-only");
                checked += 1;
            }
            Twin::None => without.push(name),
        }
    }
    assert!(checked >= 20, "the declarations were read ({checked})");
    let unlisted: Vec<&String> = without
        .iter()
        .filter(|n| !NOT_YET_IN_THE_API.contains(&n.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "page actions without an API counterpart or a reason: {unlisted:?}"
    );
    for listed in NOT_YET_IN_THE_API {
        assert!(
            without.iter().any(|n| n == listed),
            "{listed} is not a page action without counterpart any more: take it off the list"
        );
    }
}
