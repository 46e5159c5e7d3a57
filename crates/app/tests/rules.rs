//! The rules the checklist pages state (issue 11, item 3), enforced in the one place pages,
//! the API and the command line all pass through: the application layer, over the real
//! store on SQLite and PostgreSQL (the same suite on both). Every refusal names its rule and
//! changes nothing: no answer, no audit event.

use mamori_app::answers::{self, AnswerForm, Sheet};
use mamori_app::error::Error;
use mamori_app::{Caller, Ctx};
use mamori_domain::time::{date_jst, fiscal_year_of};
use mamori_store::{Actor, Assessment, PgStore, SqliteStore, Store};
use std::sync::Arc;

async fn backends() -> Vec<(&'static str, Arc<dyn Store>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let mut out: Vec<(&'static str, Arc<dyn Store>, Option<tempfile::TempDir>)> =
        vec![("sqlite", Arc::new(sqlite), Some(dir))];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = PgStore::connect_private_schema(&url).await.unwrap();
        out.push(("postgres", Arc::new(pg), None));
    } else if std::env::var("CI").is_ok() {
        panic!("CI runs the PostgreSQL part: set TEST_DATABASE_URL");
    }
    out
}

#[path = "rules/eos.rs"]
mod eos;

async fn caller(store: &dyn Store, email: &str) -> Caller {
    let user = store.user_auth_by_email(email).await.unwrap().unwrap().user;
    let principal = store.principal(&user.id).await.unwrap();
    Caller {
        user,
        principal,
        now: mamori_store::now_ms(),
        mfa_blocked: vec![],
        token_id: None,
        session_id_hash: None,
        request_id: None,
        client_addr: None,
    }
}

/// Everything a refusal must leave as it was: every audit chain's length, and the answers.
async fn state(store: &dyn Store, a: &Assessment) -> (i64, usize) {
    let heads = store.audit_heads().await.unwrap();
    (
        heads.iter().map(|h| h.seq).sum(),
        store.assessment_answers(&a.id).await.unwrap().len(),
    )
}

fn form(item: &str, check1: &str, on: &str) -> AnswerForm {
    AnswerForm {
        item_id: item.into(),
        slot: "all".into(),
        check1: check1.into(),
        check1_on: on.into(),
        ..Default::default()
    }
}

fn key(e: Error) -> String {
    match e {
        Error::Invalid { key, .. } => key.to_string(),
        other => panic!("expected a rule's refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn every_stated_rule_refuses_on_both_databases_and_changes_nothing() {
    for (name, store, _dir) in backends().await {
        assert!(mamori_app::demo::load(store.as_ref()).await.unwrap());
        let ctx = Ctx::new(store.clone());
        ctx.reload_catalogs().await.unwrap();
        let officer = caller(store.as_ref(), "anzen@sakura.example.jp").await;
        let executive = caller(store.as_ref(), "rijicho@sakura.example.jp").await;
        let today = date_jst(ctx.now());
        let fy = fiscal_year_of(&today).unwrap();
        let inst = store
            .institution_by_code(mamori_app::demo::DEMO_CODE)
            .await
            .unwrap()
            .unwrap();
        let catalog = "mhlw/cyber-checklist-institution@R6";
        let a = store
            .create_assessment(
                &Actor::system("test"),
                &Assessment::draft(&inst.id, fy as i64, catalog),
                &[],
            )
            .await
            .unwrap();
        let before = state(store.as_ref(), &a).await;
        let save = |f: AnswerForm| {
            let (ctx, officer, a) = (ctx.clone(), officer.clone(), a.clone());
            async move { answers::save(&ctx, &officer, Sheet::Assessment(&a), &f).await }
        };

        // いいえ at the first check needs a target date.
        let e = save(form("1-1", "no", &today)).await.unwrap_err();
        assert_eq!(key(e), "error-cy-target-required", "{name}");
        // A check date outside the sheet's fiscal year (the last day of the year before),
        // and a check date in the future (the year's last day, unless that is today).
        let e = save(form("1-1", "yes", &format!("{fy}-03-31")))
            .await
            .unwrap_err();
        assert_eq!(key(e), "error-cy-check-outside-fy", "{name}");
        let future = format!("{}-03-31", fy + 1);
        let e = save(form("1-1", "yes", &future)).await.unwrap_err();
        assert!(
            ["error-cy-check-future", "error-cy-check-outside-fy"].contains(&key(e).as_str()),
            "{name}"
        );
        // The second check needs the first.
        let e = save(AnswerForm {
            check2: "yes".into(),
            check2_on: today.clone(),
            ..form("1-1", "", "")
        })
        .await
        .unwrap_err();
        assert_eq!(key(e), "error-cy-second-without-first", "{name}");
        assert_eq!(
            state(store.as_ref(), &a).await,
            before,
            "{name}: refusals write nothing"
        );

        // Approval is refused while anything required is missing, naming the items.
        let e = mamori_app::assessments::approve(&ctx, &executive, &a.id, a.version)
            .await
            .unwrap_err();
        match e {
            Error::Unmet(items) => {
                assert!(!items.is_empty(), "{name}");
                assert!(items
                    .iter()
                    .all(|i| !i.number.is_empty() && !i.key.is_empty()));
            }
            other => panic!("{name}: expected Unmet, got {other:?}"),
        }
        assert_eq!(state(store.as_ref(), &a).await, before, "{name}");
    }
}

#[tokio::test]
async fn an_empty_role_sharing_answer_is_refused_on_both_databases() {
    for (name, store, _dir) in backends().await {
        assert!(mamori_app::demo::load(store.as_ref()).await.unwrap());
        let ctx = Ctx::new(store.clone());
        ctx.reload_catalogs().await.unwrap();
        let officer = caller(store.as_ref(), "anzen@sakura.example.jp").await;
        let inst = store
            .institution_by_code(mamori_app::demo::DEMO_CODE)
            .await
            .unwrap()
            .unwrap();
        let contract = store.contracts(&inst.id).await.unwrap()[0].clone();
        let heads = store.audit_heads().await.unwrap();
        let before = store.role_sharing_items(&contract.id).await.unwrap();
        let e = mamori_app::role_sharing::apply_step(
            &ctx,
            &officer,
            &contract,
            mamori_domain::role_sharing::Party::Institution,
            "part1-b-1",
            &mamori_app::role_sharing::StepInput {
                step: "propose".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(key(e), "error-rs-first-check-required", "{name}");
        assert_eq!(store.audit_heads().await.unwrap(), heads, "{name}");
        assert_eq!(
            store.role_sharing_items(&contract.id).await.unwrap(),
            before
        );
    }
}
