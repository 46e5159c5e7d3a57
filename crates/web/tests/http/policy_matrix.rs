//! The policy matrix: every route, every kind of caller.

use crate::common::*;

mod asset_probes;
mod callers;
mod catalog_probes;
mod checklist_probes;
mod fixtures;
mod network_probes;
mod notice_probes;
mod probes;
mod vendor_probes;
mod vendor_sheet_probes;
use callers::*;
use fixtures::*;
use probes::*;

/// The ids a snapshot reads.
struct Ids {
    inst: String,
    contract_b: String,
    assessment: String,
    sheet_a: String,
    vendors: Vec<String>,
}

/// What a refused request must leave alone, one line per source: the head of every audit
/// chain (every change writes its event in the same transaction) and, for a refused change
/// (`rows`), the rows of the institution, its contracts, checklist, vendor sheets and vendors.
async fn snapshot(app: &App, ids: &Ids, rows: bool) -> Vec<String> {
    let s = &app.store;
    let mut out = vec![format!("audit heads: {:?}", s.audit_heads().await.unwrap())];
    if !rows {
        return out;
    }
    out.extend([
        format!("institution: {:?}", s.institution(&ids.inst).await.unwrap()),
        format!("members: {:?}", s.members(&ids.inst).await.unwrap()),
        format!("systems: {:?}", s.systems(&ids.inst).await.unwrap()),
        format!(
            "system links: {:?}",
            s.system_links(&ids.inst).await.unwrap()
        ),
        format!("contracts: {:?}", s.contracts(&ids.inst).await.unwrap()),
        format!(
            "role sharing B: {:?}",
            s.role_sharing_items(&ids.contract_b).await.unwrap()
        ),
        format!(
            "documents B: {:?}",
            s.contract_documents(&ids.contract_b).await.unwrap()
        ),
        format!(
            "subcontractors: {:?}",
            s.subcontractors(&ids.inst).await.unwrap()
        ),
        format!("invites: {:?}", s.invites(&ids.inst).await.unwrap()),
        format!("assessments: {:?}", s.assessments(&ids.inst).await.unwrap()),
        format!(
            "answers: {:?}",
            s.assessment_answers(&ids.assessment).await.unwrap()
        ),
        format!(
            "vendor sheets: {:?}",
            s.vendor_sheets(&ids.assessment).await.unwrap()
        ),
        format!(
            "sheet A answers: {:?}",
            s.vendor_sheet_answers(&ids.sheet_a).await.unwrap()
        ),
        format!(
            "inspector links: {:?}",
            s.inspector_links(&ids.assessment).await.unwrap()
        ),
        format!("evidence: {:?}", s.evidence(&ids.assessment).await.unwrap()),
        format!("vendors: {:?}", s.list_vendors().await.unwrap()),
        format!(
            "certifications: {:?}",
            s.certifications(&ids.vendors).await.unwrap()
        ),
        format!(
            "catalog imports: {:?}",
            s.catalog_imports(100).await.unwrap()
        ),
    ]);
    for v in &ids.vendors {
        out.push(format!(
            "standard answers {v}: {:?}",
            s.standard_answers(v).await.unwrap()
        ));
        out.push(format!(
            "vendor members {v}: {:?}",
            s.vendor_members(v).await.unwrap()
        ));
    }
    out
}

/// The lines of two snapshots that differ.
fn diff(before: &[String], after: &[String]) -> String {
    before
        .iter()
        .zip(after)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  before: {a}\n  after:  {b}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Routes outside the matrix, each with the test that covers it.
const COVERED_ELSEWHERE: &[&str] = &[
    "/api/v1/me/sign-out-everywhere", // idle_and_absolute_session_timeouts_and_sign_out_everywhere (HTML twin)
];

#[tokio::test]
async fn policy_matrix_every_route_every_role() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        // A second institution with its own security officer.
        let other = new_institution(&app, "2712345678", "なにわ診療所").await;
        let o = new_user(&app, "officer@naniwa.example.jp").await;
        app.store
            .grant_role(
                &Actor::system("test"),
                &other.id,
                &o,
                Role::SecurityOfficer,
                None,
            )
            .await
            .unwrap();
        let inspector = user_id(&app, "kensa@pref.tokyo.example.jp").await;
        let staff = user_id(&app, "shokuin@sakura.example.jp").await;

        let contract_b = demo_contract(&app, "B社").await.id;
        let contract_c = demo_contract(&app, "C社").await.id;
        let sub_c = app.store.subcontractors(&inst.id).await.unwrap()[0]
            .id
            .clone();
        // An entry of the demo hospital's asset ledger.
        let asset = app
            .store
            .create_asset(
                &Actor::system("test"),
                &mamori_store::Asset::new(
                    &inst.id,
                    mamori_domain::assets::check_asset(&mamori_domain::assets::RawAsset {
                        name: "matrix server",
                        kind: "server",
                        ..Default::default()
                    })
                    .unwrap(),
                ),
                "",
            )
            .await
            .unwrap()
            .id;
        // An open inventory check of the demo hospital (the close probe is refused: its
        // assets are unchecked).
        let check = app
            .store
            .start_check(&Actor::system("test"), &inst.id, "matrix check")
            .await
            .unwrap()
            .id;
        // The demo hospital's network: a zone and a connection point.
        let zone = app.store.zones(&inst.id).await.unwrap()[0].id.clone();
        let point = app.store.connection_points(&inst.id).await.unwrap()[0]
            .id
            .clone();
        let doc_b = app.store.contract_documents(&contract_b).await.unwrap()[0]
            .id
            .clone();
        // B社's certification with its certificate file.
        let cert_b = {
            let b = vendor_id(&app, "B社").await;
            let c = app
                .store
                .add_certification(
                    &mamori_store::Actor::system("test"),
                    &mamori_store::Certification {
                        id: String::new(),
                        vendor_id: b.clone(),
                        kind: mamori_domain::codes::CertKind::Other,
                        name: "matrix-file".into(),
                        expires_on: None,
                        created_at: 0,
                        file_name: None,
                        sha256: None,
                        media_type: None,
                        file_size: None,
                    },
                )
                .await
                .unwrap();
            app.store
                .attach_certification_file(
                    &mamori_store::Actor::system("test"),
                    &b,
                    &c.id,
                    "cert.pdf",
                    "application/pdf",
                    b"%PDF-1.4 test",
                )
                .await
                .unwrap();
            c.id
        };
        let assessment = app.store.assessments(&inst.id).await.unwrap()[0].id.clone();
        let sheets = app.store.vendor_sheets(&assessment).await.unwrap();
        let sheet_of = |v: &str| {
            sheets
                .iter()
                .find(|s| s.vendor_name == v)
                .unwrap()
                .id
                .clone()
        };
        let (sheet_a, sheet_b) = (sheet_of("A社"), sheet_of("B社"));
        let vendor_b = vendor_id(&app, "B社").await;
        let b_user = user_id(&app, "tanto@b-sha.example.jp").await;
        let email_of = |w: Who| match w {
            Who::Role(Role::Executive) => "rijicho@sakura.example.jp",
            Who::Role(Role::SecurityOfficer) => "anzen@sakura.example.jp",
            Who::Role(Role::PlanningManager) => "kikaku@sakura.example.jp",
            Who::Role(Role::SystemOperator) => "unyo@sakura.example.jp",
            Who::Role(Role::Staff) => "shokuin@sakura.example.jp",
            Who::Role(Role::Inspector) => "kensa@pref.tokyo.example.jp",
            Who::VendorNoContract => "tanto@d-sha.example.jp",
            Who::ContractVendor => "tanto@b-sha.example.jp",
            Who::OtherContractVendor => "tanto@a-sha.example.jp",
            Who::PlatformAdmin => "admin@mamori.example",
            Who::OtherInstitutionOfficer => "officer@naniwa.example.jp",
            _ => unreachable!(),
        };
        // Evidence and inspector links the probes act on, added by the officer: one file every
        // reader fetches, and for each caller one file to withdraw and one link to revoke.
        let officer = login(&app, "anzen@sakura.example.jp").await;
        let evidence = add_evidence(&app, &officer, &assessment).await;
        let (_, inspect) = add_inspector_link(&app, &officer, &assessment).await;
        let ids = Ids {
            inst: inst.id.clone(),
            contract_b: contract_b.clone(),
            assessment: assessment.clone(),
            sheet_a: sheet_a.clone(),
            vendors: app
                .store
                .list_vendors()
                .await
                .unwrap()
                .into_iter()
                .map(|v| v.id)
                .collect(),
        };
        let vendor_named: Vec<(String, String)> = app
            .store
            .list_vendors()
            .await
            .unwrap()
            .into_iter()
            .map(|v| (v.name, v.id))
            .collect();
        let mut whos = vec![Who::Anonymous];
        whos.extend_from_slice(EVERYONE);
        let mut failures = Vec::new();
        let mut checked = 0;
        let mut refused_mutations = 0;
        for (whos_seen, who) in whos.into_iter().enumerate() {
            let session = match who {
                Who::Anonymous => {
                    let c = client();
                    let csrf = csrf_of(&login_page(&app, &c).await);
                    Session { c, csrf }
                }
                Who::PlatformAdmin => login_with_totp(&app, email_of(who)).await,
                w => login(&app, email_of(w)).await,
            };
            // People the officer invited for B社 who accepted, pending its confirmation: one
            // for each membership probe, so an allowed caller acts on a real request (a
            // refused one is shown B社's own member).
            let mut pending = Vec::new();
            for n in 0..4 {
                pending.push(if VENDOR_B_ADMIN.contains(&who) {
                    let email = format!("pending{n}-{whos_seen}@b-sha.example.jp");
                    pending_vendor_member(&app, &officer, &vendor_b, &email).await
                } else {
                    b_user.clone()
                });
            }
            // Catalog imports staged by the administrator himself, to view, confirm and
            // discard (before he signs in, the others are shown ids that do not exist yet).
            let (import_a, import_b, import_c, import_d) = if who == Who::PlatformAdmin {
                (
                    stage_import(&app, &session, "mhlw/cyber-checklist-institution", "M9").await,
                    stage_import(&app, &session, "mhlw/bcp-checklist", "2099-01").await,
                    stage_import(&app, &session, "mhlw/cyber-checklist-institution", "M10").await,
                    stage_import(&app, &session, "mhlw/bcp-checklist", "2099-02").await,
                )
            } else {
                let unknown = || "unknown".to_string();
                (unknown(), unknown(), unknown(), unknown())
            };
            // Ledger imports of the demo institution staged for each caller: to review,
            // choose columns and confirm (a wrong digest), and to discard.
            let mut ledger = Vec::new();
            for n in 0..4 {
                ledger.push(stage_ledger_import(&app, &inst.id, n).await);
            }
            let (my_evidence, my_api_evidence, my_link, my_api_link) = (
                add_evidence(&app, &officer, &assessment).await,
                add_evidence(&app, &officer, &assessment).await,
                add_inspector_link(&app, &officer, &assessment).await.0,
                add_inspector_link(&app, &officer, &assessment).await.0,
            );
            // Real ids for the probes that revoke one's own tokens (anonymous has none).
            let (my_token, my_api_token) = if who == Who::Anonymous {
                ("unknown".to_string(), "unknown".to_string())
            } else {
                (
                    session.new_token(&app, "matrix-html").await.0["token"]["id"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    session.new_token(&app, "matrix-api").await.0["token"]["id"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            };
            // The caller's own vendor, for the portal's forms (others name none).
            let vendor_name = match who {
                Who::VendorNoContract => "D社",
                Who::ContractVendor => "B社",
                Who::OtherContractVendor => "A社",
                _ => "",
            };
            let my_vendor = vendor_named
                .iter()
                .find(|(n, _)| n == vendor_name)
                .map(|(_, id)| id.clone())
                .unwrap_or_else(|| "x".into());
            // A certification of the caller's own vendor, for the delete probe.
            let my_cert = own_certification(&app, &session, &my_vendor, "matrix").await;
            // Another, for the API's delete probe.
            let my_api_cert = own_certification(&app, &session, &my_vendor, "matrix-api").await;
            // A third, kept, for the certificate-file probes.
            let my_file_cert =
                own_certification(&app, &session, &my_vendor, "matrix-file-own").await;
            for probe in probes() {
                let fill = |s: &str| {
                    s.replace("{inspector}", &inspector)
                        .replace("{staff}", &staff)
                        .replace("{contract_b}", &contract_b)
                        .replace("{contract_c}", &contract_c)
                        .replace("{sub_c}", &sub_c)
                        .replace("{doc_b}", &doc_b)
                        .replace("{check_asset}", &asset)
                        .replace("{check}", &check)
                        .replace("{asset}", &asset)
                        .replace("{zone}", &zone)
                        .replace("{point}", &point)
                        .replace("{ledger_import}", &ledger[0])
                        .replace("{ledger_discard}", &ledger[1])
                        .replace("{api_ledger_import}", &ledger[2])
                        .replace("{api_ledger_discard}", &ledger[3])
                        .replace("{cert_b}", &cert_b)
                        .replace("{assessment}", &assessment)
                        .replace("{sheet_a}", &sheet_a)
                        .replace("{sheet_b}", &sheet_b)
                        .replace("{vendor_b}", &vendor_b)
                        .replace("{b_user}", &b_user)
                        .replace("{my_token}", &my_token)
                        .replace("{my_api_token}", &my_api_token)
                        .replace("{my_vendor}", &my_vendor)
                        .replace("{my_evidence}", &my_evidence)
                        .replace("{my_api_evidence}", &my_api_evidence)
                        .replace("{my_link}", &my_link)
                        .replace("{my_api_link}", &my_api_link)
                        .replace("{my_cert}", &my_cert)
                        .replace("{my_api_cert}", &my_api_cert)
                        .replace("{my_file_cert}", &my_file_cert)
                        .replace("{import_a}", &import_a)
                        .replace("{import_b}", &import_b)
                        .replace("{import_c}", &import_c)
                        .replace("{import_d}", &import_d)
                        .replace("{pending_confirm}", &pending[0])
                        .replace("{pending_remove}", &pending[1])
                        .replace("{pending_put}", &pending[2])
                        .replace("{pending_delete}", &pending[3])
                        .replace("{evidence}", &evidence)
                        .replace("{inspect}", &inspect)
                };
                let path = fill(probe.path);
                let public = probe.allowed.is_empty();
                let expected_ok = public || probe.allowed.contains(&who);
                let mutation = probe.method != Method::GET;
                // Around every refusal: the audit chains (every change writes its event in the
                // same transaction), and for a refused change the rows it could touch.
                let before = if expected_ok {
                    None
                } else {
                    Some(snapshot(&app, &ids, mutation).await)
                };
                let r = if !probe.form.is_empty()
                    || (probe.method == Method::POST && !path.starts_with("/api/"))
                {
                    let form: Vec<(&str, String)> =
                        probe.form.iter().map(|(k, v)| (*k, fill(v))).collect();
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    session.form(&app, &path, &form).await
                } else {
                    session
                        .json(
                            &app,
                            probe.method.clone(),
                            &path,
                            // Placeholders in a JSON body are filled like the path's.
                            probe
                                .body
                                .as_ref()
                                .map(|b| serde_json::from_str(&fill(&b.to_string())).unwrap()),
                        )
                        .await
                };
                let status = r.status().as_u16();
                let to = location(&r);
                // The platform administrator has a second factor (it is required of him), so the
                // enrolment endpoints answer "already set up".
                let ok = if who == Who::PlatformAdmin
                    && path.starts_with("/api/v1/me/mfa")
                    && probe.method == Method::POST
                {
                    400
                } else {
                    probe.ok
                };
                let (pass, expected) = if public {
                    (status == ok, ok.to_string())
                } else if who == Who::Anonymous {
                    if path.starts_with("/api/") {
                        (status == 401, "401".into())
                    } else {
                        (
                            status == 303 && to.starts_with("/login"),
                            "303 to /login".into(),
                        )
                    }
                } else if expected_ok {
                    (status == ok, ok.to_string())
                } else {
                    let want = refusal(who, probe.path);
                    (status == want, want.to_string())
                };
                checked += 1;
                if !pass {
                    failures.push(format!(
                        "{who:?} {} {path}: got {status}, expected {expected}",
                        probe.method
                    ));
                }
                // An allowed 303 goes where the probe says.
                if expected_ok && who != Who::Anonymous && status == 303 {
                    let want = fill(probe.to);
                    if probe.to.is_empty() || !to.starts_with(&want) {
                        failures.push(format!(
                            "{who:?} {} {path}: redirected to {to:?}, expected {want:?}",
                            probe.method
                        ));
                    }
                }
                if let Some(before) = before {
                    if mutation {
                        refused_mutations += 1;
                    }
                    let after = snapshot(&app, &ids, mutation).await;
                    if before != after {
                        failures.push(format!(
                            "{who:?} {} {path}: refused ({status}) but changed the data:\n{}",
                            probe.method,
                            diff(&before, &after)
                        ));
                    }
                }
                // Restore what an allowed probe changed.
                if status == 204 || status == 303 {
                    app.store
                        .grant_role(
                            &Actor::system("test"),
                            &inst.id,
                            &inspector,
                            Role::Inspector,
                            Some(now_ms() + 86_400_000),
                        )
                        .await
                        .unwrap();
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {checked} checks failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(refused_mutations >= 300, "{refused_mutations}");
        assert!(checked >= 400, "{checked}");

        // Every API path of the OpenAPI document is in the matrix or covered elsewhere.
        let doc: Value = client()
            .get(format!("{}/api/v1/openapi.json", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let probed: Vec<String> = probes()
            .iter()
            .map(|p| {
                p.path
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .replace("1311234569", "{code}")
                    .replace("{inspector}", "{user_id}")
                    .replace("{staff}", "{user_id}")
                    .replace("/roles/inspector", "/roles/{role}")
                    .replace("/roles/staff", "/roles/{role}")
                    .replace("/tokens/unknown", "/tokens/{id}")
                    .replace("{my_api_token}", "{id}")
                    .replace("{my_api_cert}", "{id}")
                    .replace("{cert_b}", "{id}")
                    .replace("{check_asset}", "{asset_id}")
                    .replace("{check}", "{id}")
                    .replace("{asset}", "{id}")
                    .replace("{zone}", "{id}")
                    .replace("{point}", "{id}")
                    .replace("/zone-links/unknown", "/zone-links/{id}")
                    .replace("{ledger_import}", "{id}")
                    .replace("{ledger_discard}", "{id}")
                    .replace("{api_ledger_import}", "{id}")
                    .replace("{api_ledger_discard}", "{id}")
                    .replace("{my_file_cert}", "{id}")
                    .replace("{pending_put}", "{user_id}")
                    .replace("{pending_delete}", "{user_id}")
                    .replace("{contract_b}", "{id}")
                    .replace("{contract_c}", "{id}")
                    .replace("{sub_c}", "{sub}")
                    .replace("{import_c}", "{id}")
                    .replace("{import_d}", "{id}")
                    .replace("{assessment}", "{id}")
                    .replace("{my_api_link}", "{link}")
                    .replace("/inspector-links/unknown/", "/inspector-links/{link}/")
                    .replace("{my_api_evidence}", "{ev}")
                    .replace("{evidence}", "{ev}")
                    .replace("/evidence/unknown/", "/evidence/{ev}/")
                    .replace("/notifications/unknown/", "/notifications/{id}/")
                    .replace("/items/part2-a-1", "/items/{item}")
                    .replace("{vendor_b}", "{vendor_id}")
                    .replace("{b_user}", "{user_id}")
                    .replace("{sheet_a}", "{id}")
                    .replace("{sheet_b}", "{id}")
                    .replace("/members/{staff}", "/members/{user_id}")
                    .replace("/invitations/not-a-token/", "/invitations/{token}/")
                    .replace("/inspect/not-a-token/", "/inspect/{token}/")
            })
            .collect();
        for path in doc["paths"].as_object().unwrap().keys() {
            assert!(
                probed.contains(path) || COVERED_ELSEWHERE.contains(&path.as_str()),
                "{path} is not in the policy matrix"
            );
        }
        // Every route the router declares — HTML pages and forms as well as the API — has a
        // probe (or is covered elsewhere, with the test named).
        let missing = unprobed(declared_routes());
        assert!(
            missing.is_empty(),
            "routes without a probe:\n{}",
            missing.join("\n")
        );
    }
}

/// The routes of `routes` that no probe reaches and no entry of `UNPROBED_ROUTES` explains.
fn unprobed(routes: Vec<(Method, String)>) -> Vec<String> {
    let probes = probes();
    routes
        .into_iter()
        .filter(|(method, pattern)| {
            let probed = probes.iter().any(|p| {
                p.method == *method
                    && route_matches(pattern, p.path.split('?').next().unwrap_or(""))
            });
            let explained = COVERED_ELSEWHERE.contains(&pattern.as_str())
                || UNPROBED_ROUTES
                    .iter()
                    .any(|(m, r, _)| *m == method.as_str() && r == pattern);
            !probed && !explained
        })
        .map(|(m, p)| format!("{m} {p}"))
        .collect()
}

/// Routes the matrix does not probe, each with why and the test that covers it.
const UNPROBED_ROUTES: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/",
        "redirects to the user's home: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "GET",
        "/login",
        "public sign-in page: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "POST",
        "/login",
        "public sign-in: sign_in_is_throttled_per_account_and_per_address",
    ),
    (
        "GET",
        "/login/mfa",
        "second sign-in step: totp_enrolment_sign_in_replay_and_recovery_codes",
    ),
    (
        "POST",
        "/login/mfa",
        "second sign-in step: totp_enrolment_sign_in_replay_and_recovery_codes",
    ),
    (
        "POST",
        "/logout",
        "ends one's own session: idle_and_absolute_session_timeouts_and_sign_out_everywhere",
    ),
    (
        "POST",
        "/logout/all",
        "ends one's own sessions: idle_and_absolute_session_timeouts_and_sign_out_everywhere",
    ),
    ("POST", "/lang", "language cookie: language_switch"),
    (
        "GET",
        "/healthz",
        "public health check: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "GET",
        "/assets/{file}",
        "public embedded assets: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "GET",
        "/api/v1/openapi.json",
        "public document: openapi_document_is_stable",
    ),
];

/// `(method, path)` of every route `mamori_web::router` serves (`mamori_web::route_table`):
/// a route added without a probe fails the matrix.
fn declared_routes() -> Vec<(Method, String)> {
    // The router's own table: the same declarations build the router and this list.
    mamori_web::route_table()
        .into_iter()
        .map(|r| (Method::from_bytes(r.method.as_bytes()).unwrap(), r.path))
        .collect()
}

/// Whether a concrete probe path (placeholders like `{contract_b}` allowed) matches a route
/// pattern with `{param}` segments.
fn route_matches(pattern: &str, path: &str) -> bool {
    let a: Vec<&str> = pattern.split('/').collect();
    let b: Vec<&str> = path.split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| (x.starts_with('{') && x.ends_with('}') && !y.is_empty()) || x == y)
}

#[test]
fn the_route_table_is_read_from_the_router() {
    let routes = declared_routes();
    assert!(routes.contains(&(Method::GET, "/i/{code}/members".into())));
    assert!(routes.contains(&(Method::POST, "/i/{code}/members".into())));
    assert!(routes.contains(&(
        Method::PUT,
        "/api/v1/institutions/{code}/members/{user_id}/roles/{role}".into()
    )));
    assert!(routes.contains(&(Method::DELETE, "/api/v1/me/tokens/{id}".into())));
    assert!(routes.len() > 100, "{}", routes.len());
    assert!(route_matches(
        "/contracts/{id}/items/{item}",
        "/contracts/{contract_b}/items/part2-a-1"
    ));
    assert!(!route_matches(
        "/contracts/{id}",
        "/contracts/{contract_b}/print"
    ));
    // A route nobody probes is reported; every declared route is probed or explained, and
    // every explanation names a route that exists.
    let fake = vec![(Method::POST, "/i/{code}/nothing/{id}".to_string())];
    assert_eq!(
        unprobed(fake),
        vec!["POST /i/{code}/nothing/{id}".to_string()]
    );
    assert_eq!(unprobed(routes.clone()), Vec::<String>::new());
    for (m, r, why) in UNPROBED_ROUTES {
        assert!(
            routes.iter().any(|(rm, rp)| rm.as_str() == *m && rp == r),
            "{m} {r} ({why}) is not a route"
        );
    }
}
