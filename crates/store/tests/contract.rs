//! The Store contract suite: every test runs on SQLite and, when TEST_DATABASE_URL is set,
//! on PostgreSQL (each test in a private schema).

use mamori_domain::audit::ChainBreak;
use mamori_domain::vendor_members::{MembershipStatus, VendorRole};
use mamori_domain::{InstitutionKind, Role};
use mamori_store::{
    now_ms, verify_audit, Actor, ApiToken, AuditDraft, AuditFilter, InstitutionSettings,
    NewInstitution, NewUser, PgStore, SessionRecord, SqliteStore, Store, StoreError,
};
use std::sync::Arc;

#[path = "contract/audit_tamper.rs"]
mod audit_tamper;

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) {
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

struct Backend {
    name: &'static str,
    store: Arc<dyn Store>,
    raw: Raw,
    _dir: Option<tempfile::TempDir>,
}

async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let raw = Raw::Sqlite(sqlite.raw_pool().clone());
    let mut out = vec![Backend {
        name: "sqlite",
        store: Arc::new(sqlite),
        raw,
        _dir: Some(dir),
    }];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = PgStore::connect_private_schema(&url).await.unwrap();
        let raw = Raw::Pg(pg.raw_pool().clone());
        out.push(Backend {
            name: "postgres",
            store: Arc::new(pg),
            raw,
            _dir: None,
        });
    } else if std::env::var("CI").is_ok() {
        panic!("CI runs the PostgreSQL part: set TEST_DATABASE_URL");
    } else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL part skipped");
    }
    out
}

#[path = "contract/vendor_access.rs"]
mod vendor_access;

fn actor() -> Actor {
    Actor {
        user_id: Some("tester".into()),
        label: "tester@example.jp".into(),
        request_id: Some("req-1".into()),
        client_addr: Some("127.0.0.1".into()),
    }
}

fn inst(code: &str) -> NewInstitution {
    NewInstitution {
        code: code.into(),
        name: format!("病院 {code}"),
        kind: InstitutionKind::Hospital,
        prefecture: code[..2].into(),
        beds: 100,
        mfa_required: false,
    }
}

fn user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: format!("利用者 {email}"),
        password_hash: "$argon2id$placeholder".into(),
        platform_admin: false,
        locale: "ja".into(),
    }
}

async fn events(store: &dyn Store, institution_id: &str) -> Vec<String> {
    store
        .audit_events(&AuditFilter {
            institution_id: institution_id.into(),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn institutions_create_read_update_with_versions() {
    for b in backends().await {
        let s = b.store.as_ref();
        assert!(s.is_empty().await.unwrap(), "{}", b.name);
        let i = s
            .create_institution(&actor(), inst("1311234567"))
            .await
            .unwrap();
        assert!(!s.is_empty().await.unwrap());
        assert_eq!(i.version, 1);
        assert_eq!(
            s.institution_by_code("1311234567").await.unwrap().unwrap(),
            i
        );
        assert_eq!(
            s.institution(&i.id).await.unwrap().unwrap().name,
            "病院 1311234567"
        );
        let dup = s.create_institution(&actor(), inst("1311234567")).await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate(_))),
            "{}: {dup:?}",
            b.name
        );

        let settings = InstitutionSettings {
            name: "さくら総合病院".into(),
            beds: 200,
            mfa_required: true,
        };
        let updated = s
            .update_institution(&actor(), &i.id, 1, settings.clone())
            .await
            .unwrap();
        assert_eq!(
            (updated.version, updated.beds, updated.mfa_required),
            (2, 200, true)
        );
        // A stale version is refused and overwrites nothing.
        let stale = InstitutionSettings {
            name: "上書き".into(),
            beds: 1,
            mfa_required: false,
        };
        let r = s.update_institution(&actor(), &i.id, 1, stale).await;
        assert!(
            matches!(r, Err(StoreError::Conflict(_))),
            "{}: {r:?}",
            b.name
        );
        let now = s.institution(&i.id).await.unwrap().unwrap();
        assert_eq!((now.name.as_str(), now.version), ("さくら総合病院", 2));
        let missing = s.update_institution(&actor(), "nope", 1, settings).await;
        assert!(matches!(missing, Err(StoreError::NotFound(_))));

        for n in 0..5 {
            s.create_institution(&actor(), inst(&format!("140000000{n}")))
                .await
                .unwrap();
        }
        let (page, total) = s.list_institutions(2, 2).await.unwrap();
        assert_eq!(total, 6);
        assert_eq!(
            page.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
            ["1400000001", "1400000002"]
        );
        let ids = vec![i.id.clone(), "unknown".into()];
        assert_eq!(s.institutions_by_ids(&ids).await.unwrap().len(), 1);

        let ev = events(s, &i.id).await;
        assert_eq!(
            ev,
            ["institution.update", "institution.create"],
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn users_roles_and_principal() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = s
            .create_institution(&actor(), inst("1311234567"))
            .await
            .unwrap();
        let other = s
            .create_institution(&actor(), inst("2711111111"))
            .await
            .unwrap();
        let u = s.create_user(&actor(), user("a@example.jp")).await.unwrap();
        let dup = s.create_user(&actor(), user("a@example.jp")).await;
        assert!(matches!(dup, Err(StoreError::Duplicate(_))), "{}", b.name);
        assert_eq!(
            s.user_auth_by_email("a@example.jp")
                .await
                .unwrap()
                .unwrap()
                .user,
            u
        );

        s.grant_role(&actor(), &i.id, &u.id, Role::SecurityOfficer, None)
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &u.id, Role::Staff, None)
            .await
            .unwrap();
        let exp = now_ms() + 1000;
        s.grant_role(&actor(), &other.id, &u.id, Role::Inspector, Some(exp))
            .await
            .unwrap();
        // Granting again updates, not duplicates.
        s.grant_role(&actor(), &i.id, &u.id, Role::Staff, None)
            .await
            .unwrap();
        let p = s.principal(&u.id).await.unwrap();
        assert_eq!(
            p.roles_in(&i.id, now_ms()),
            vec![Role::SecurityOfficer, Role::Staff]
        );
        assert_eq!(p.roles_in(&other.id, exp + 1), vec![]);
        let members = s.members(&i.id).await.unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].roles.len(), 2);

        let unknown = s
            .grant_role(&actor(), &i.id, "no-such-user", Role::Staff, None)
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{}: {unknown:?}",
            b.name
        );
        s.revoke_role(&actor(), &i.id, &u.id, Role::Staff)
            .await
            .unwrap();
        let again = s.revoke_role(&actor(), &i.id, &u.id, Role::Staff).await;
        assert!(matches!(again, Err(StoreError::NotFound(_))));

        let v = s.create_vendor(&actor(), "A社").await.unwrap();
        assert!(matches!(
            s.create_vendor(&actor(), "A社").await,
            Err(StoreError::Duplicate(_))
        ));
        s.change_vendor_member(
            &actor(),
            &v.id,
            &u.id,
            Some((VendorRole::Member, MembershipStatus::Active)),
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            s.principal(&u.id).await.unwrap().vendor_ids,
            vec![v.id.clone()]
        );

        let updated = s
            .update_profile(&actor(), &u.id, 1, "新しい名前", "en")
            .await
            .unwrap();
        assert_eq!((updated.version, updated.locale.as_str()), (2, "en"));
        let stale = s.update_profile(&actor(), &u.id, 1, "古い", "ja").await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))));
        s.set_password(&actor(), &u.id, "$argon2id$new", None)
            .await
            .unwrap();
        assert_eq!(
            s.user_auth(&u.id).await.unwrap().unwrap().password_hash,
            "$argon2id$new"
        );

        let ev = events(s, &i.id).await;
        assert!(ev.contains(&"member.grant_role".to_string()));
        assert!(ev.contains(&"member.revoke_role".to_string()));
    }
}

#[tokio::test]
async fn second_factor_steps_and_recovery_codes_are_single_use() {
    for b in backends().await {
        let s = b.store.as_ref();
        let u = s.create_user(&actor(), user("m@example.jp")).await.unwrap();
        let hashes = vec!["h1".to_string(), "h2".to_string()];
        s.enable_totp(&actor(), &u.id, "SECRET", 100, &hashes)
            .await
            .unwrap();
        let ua = s.user_auth(&u.id).await.unwrap().unwrap();
        assert!(ua.user.mfa_enabled);
        assert_eq!(ua.totp_last_step, 100);
        assert!(
            !s.accept_totp_step(&u.id, 100).await.unwrap(),
            "{}: replay",
            b.name
        );
        assert!(s.accept_totp_step(&u.id, 101).await.unwrap());
        assert!(!s.accept_totp_step(&u.id, 101).await.unwrap());
        assert!(!s.accept_totp_step(&u.id, 99).await.unwrap());
        assert_eq!(s.unused_recovery_codes(&u.id).await.unwrap(), 2);
        assert!(s.use_recovery_code(&actor(), &u.id, "h1").await.unwrap());
        assert!(!s.use_recovery_code(&actor(), &u.id, "h1").await.unwrap());
        assert!(!s.use_recovery_code(&actor(), &u.id, "nope").await.unwrap());
        assert_eq!(s.unused_recovery_codes(&u.id).await.unwrap(), 1);
        let twice = s.enable_totp(&actor(), &u.id, "OTHER", 1, &[]).await;
        assert!(
            matches!(twice, Err(StoreError::Conflict(_))),
            "{}: an enrolled secret is never overwritten",
            b.name
        );
        s.disable_totp(&actor(), &u.id).await.unwrap();
        assert!(!s.user(&u.id).await.unwrap().unwrap().mfa_enabled);
        assert_eq!(s.unused_recovery_codes(&u.id).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn sessions_and_tokens() {
    for b in backends().await {
        let s = b.store.as_ref();
        let u = s.create_user(&actor(), user("s@example.jp")).await.unwrap();
        let v = s.create_user(&actor(), user("v@example.jp")).await.unwrap();
        let now = now_ms();
        let mk = |id: &str, expires_at: i64| SessionRecord {
            id_hash: id.into(),
            user_id: u.id.clone(),
            csrf_token: "c".into(),
            mfa_verified: false,
            created_at: now,
            last_seen_at: now,
            expires_at,
            client_addr: Some("127.0.0.1".into()),
            user_agent: None,
        };
        s.create_session(&actor(), &mk("s1", now + 10_000))
            .await
            .unwrap();
        s.create_session(&actor(), &mk("s2", now + 10_000))
            .await
            .unwrap();
        s.create_session(&actor(), &mk("old", now - 1))
            .await
            .unwrap();
        s.touch_session("s1", now + 5).await.unwrap();
        s.verify_session_mfa(&actor(), "s1", "s1b", "c2")
            .await
            .unwrap();
        assert!(
            s.session("s1").await.unwrap().is_none(),
            "the old id is gone"
        );
        let s1 = s.session("s1b").await.unwrap().unwrap();
        assert_eq!(s1.csrf_token, "c2");
        assert!(s1.mfa_verified);
        assert_eq!(s1.last_seen_at, now + 5);
        assert!(matches!(
            s.verify_session_mfa(&actor(), "zz", "zz2", "c").await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(
            s.purge_expired_sessions(now).await.unwrap(),
            1,
            "{}",
            b.name
        );
        s.delete_session(&actor(), "s1b").await.unwrap();
        assert!(s.session("s1b").await.unwrap().is_none());
        assert_eq!(s.delete_user_sessions(&actor(), &u.id).await.unwrap(), 1);
        s.create_session(&actor(), &mk("keep", now + 10_000))
            .await
            .unwrap();
        s.create_session(&actor(), &mk("other", now + 10_000))
            .await
            .unwrap();
        s.set_password(&actor(), &u.id, "$argon2id$x", Some("keep"))
            .await
            .unwrap();
        assert!(s.session("keep").await.unwrap().is_some());
        assert!(
            s.session("other").await.unwrap().is_none(),
            "{}: a password change ends other sessions",
            b.name
        );

        let t = ApiToken {
            id: "t1".into(),
            user_id: u.id.clone(),
            name: "連携".into(),
            prefix: "mamori_ab".into(),
            created_at: now,
            last_used_at: None,
            expires_at: None,
            revoked_at: None,
        };
        s.create_token(&actor(), &t, "hash1").await.unwrap();
        assert_eq!(s.token_by_hash("hash1").await.unwrap().unwrap().id, "t1");
        s.touch_token("t1", now + 1).await.unwrap();
        assert_eq!(
            s.tokens(&u.id).await.unwrap()[0].last_used_at,
            Some(now + 1)
        );
        // Another user cannot revoke it.
        assert!(matches!(
            s.revoke_token(&actor(), &v.id, "t1").await,
            Err(StoreError::NotFound(_))
        ));
        s.revoke_token(&actor(), &u.id, "t1").await.unwrap();
        assert!(s
            .token_by_hash("hash1")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some());
        assert!(matches!(
            s.revoke_token(&actor(), &u.id, "t1").await,
            Err(StoreError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn audit_log_filters_and_member_scoping() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = s
            .create_institution(&actor(), inst("1311234567"))
            .await
            .unwrap();
        let member = s
            .create_user(&actor(), user("member@example.jp"))
            .await
            .unwrap();
        let outsider = s
            .create_user(&actor(), user("outsider@example.jp"))
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &member.id, Role::Staff, None)
            .await
            .unwrap();
        let as_user = |id: &str, label: &str| Actor {
            user_id: Some(id.into()),
            label: label.into(),
            request_id: None,
            client_addr: None,
        };
        let about = |a: &str, who: &str| {
            AuditDraft::new(None, a, "user", who, serde_json::json!({"k": "値"}))
        };
        let as_member = as_user(&member.id, "member@example.jp");
        s.record(&as_member, about("auth.sign_in", &member.id))
            .await
            .unwrap();
        let as_outsider = as_user(&outsider.id, "outsider@example.jp");
        s.record(&as_outsider, about("auth.sign_in", &outsider.id))
            .await
            .unwrap();
        // What a member did to someone outside the institution is not shown either.
        s.record(&as_member, about("user.update_profile", &outsider.id))
            .await
            .unwrap();
        let all = events(s, &i.id).await;
        // The member's sign-in shows; the outsider's does not.
        assert_eq!(
            all.iter().filter(|a| *a == "auth.sign_in").count(),
            1,
            "{}: {all:?}",
            b.name
        );
        let f = |action: Option<&str>, actor: Option<&str>| AuditFilter {
            institution_id: i.id.clone(),
            action_prefix: action.map(Into::into),
            actor: actor.map(Into::into),
            limit: 100,
            ..Default::default()
        };
        let auth_only = s.audit_events(&f(Some("auth."), None)).await.unwrap();
        assert_eq!(auth_only.len(), 1);
        assert_eq!(auth_only[0].changes, r#"{"k":"値"}"#);
        let by_actor = s.audit_events(&f(None, Some("MEMBER@"))).await.unwrap();
        assert_eq!(by_actor.len(), 1);
        let updates = s
            .audit_events(&f(Some("user.update_profile"), None))
            .await
            .unwrap();
        assert!(updates.is_empty(), "{}: {updates:?}", b.name);
        assert!(s
            .audit_events(&f(Some("user.create"), None))
            .await
            .unwrap()
            .iter()
            .all(|e| e.target_id != outsider.id));
        let wildcard = s.audit_events(&f(None, Some("%"))).await.unwrap();
        assert!(wildcard.is_empty(), "LIKE wildcards are escaped");
        let future = AuditFilter {
            from: Some(now_ms() + 60_000),
            ..f(None, None)
        };
        assert!(s.audit_events(&future).await.unwrap().is_empty());
        let paged = AuditFilter {
            limit: 1,
            offset: 1,
            ..f(None, None)
        };
        assert_eq!(s.audit_events(&paged).await.unwrap().len(), 1);
    }
}

async fn seed_chain(s: &dyn Store) -> String {
    let i = s
        .create_institution(&actor(), inst("1311234567"))
        .await
        .unwrap();
    for n in 0..4 {
        s.record(
            &actor(),
            AuditDraft::new(
                Some(&i.id),
                "test.event",
                "n",
                &n.to_string(),
                serde_json::json!({"n": n}),
            ),
        )
        .await
        .unwrap();
    }
    i.id
}

#[tokio::test]
async fn audit_chain_detects_alteration() {
    for b in backends().await {
        let id = seed_chain(b.store.as_ref()).await;
        assert_eq!(
            verify_audit(b.store.as_ref()).await.unwrap(),
            Ok((2, 6)),
            "{}",
            b.name
        );
        b.raw
            .exec(&format!(
                "UPDATE audit_events SET actor_label = 'mallory' WHERE chain = '{id}' AND seq = 3"
            ))
            .await;
        let r = verify_audit(b.store.as_ref()).await.unwrap();
        assert!(
            matches!(r, Err(ChainBreak::Altered { seq: 3, .. })),
            "{}: {r:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn audit_chain_detects_removal_and_reordering() {
    for b in backends().await {
        let id = seed_chain(b.store.as_ref()).await;
        b.raw
            .exec(&format!(
                "DELETE FROM audit_events WHERE chain = '{id}' AND seq = 2"
            ))
            .await;
        let r = verify_audit(b.store.as_ref()).await.unwrap();
        assert!(
            matches!(r, Err(ChainBreak::Gap { seq: 3, .. })),
            "{}: {r:?}",
            b.name
        );
    }
    for b in backends().await {
        let id = seed_chain(b.store.as_ref()).await;
        // Swap the positions of events 2 and 3.
        b.raw
            .exec(&format!(
                "UPDATE audit_events SET seq = 100 WHERE chain = '{id}' AND seq = 2"
            ))
            .await;
        b.raw
            .exec(&format!(
                "UPDATE audit_events SET seq = 2 WHERE chain = '{id}' AND seq = 3"
            ))
            .await;
        b.raw
            .exec(&format!(
                "UPDATE audit_events SET seq = 3 WHERE chain = '{id}' AND seq = 100"
            ))
            .await;
        let r = verify_audit(b.store.as_ref()).await.unwrap();
        assert!(
            matches!(r, Err(ChainBreak::Altered { seq: 2, .. })),
            "{}: {r:?}",
            b.name
        );
    }
    for b in backends().await {
        let id = seed_chain(b.store.as_ref()).await;
        b.raw
            .exec(&format!(
                "DELETE FROM audit_events WHERE chain = '{id}' AND seq = 5"
            ))
            .await;
        let r = verify_audit(b.store.as_ref()).await.unwrap();
        assert!(
            matches!(
                r,
                Err(ChainBreak::Truncated {
                    last_seq: 4,
                    head_seq: 5,
                    ..
                })
            ),
            "{}: {r:?}",
            b.name
        );
    }
    for b in backends().await {
        let id = seed_chain(b.store.as_ref()).await;
        b.raw
            .exec(&format!("DELETE FROM audit_heads WHERE chain = '{id}'"))
            .await;
        let r = verify_audit(b.store.as_ref()).await.unwrap();
        assert!(
            matches!(r, Err(ChainBreak::MissingHead { .. })),
            "{}: {r:?}",
            b.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_keep_one_chain_and_concurrent_edits_have_one_winner() {
    for b in backends().await {
        let s = b.store.clone();
        let i = s
            .create_institution(&actor(), inst("1311234567"))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for n in 0..24 {
            let s = s.clone();
            let id = i.id.clone();
            tasks.push(tokio::spawn(async move {
                s.record(
                    &actor(),
                    AuditDraft::new(
                        Some(&id),
                        "test.concurrent",
                        "n",
                        &n.to_string(),
                        serde_json::json!({}),
                    ),
                )
                .await
                .map(|_| ())
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(
            verify_audit(s.as_ref()).await.unwrap(),
            Ok((2, 26)),
            "{}",
            b.name
        );

        let mut edits = Vec::new();
        for n in 0..8 {
            let s = s.clone();
            let id = i.id.clone();
            edits.push(tokio::spawn(async move {
                let settings = InstitutionSettings {
                    name: format!("版 {n}"),
                    beds: n,
                    mfa_required: false,
                };
                s.update_institution(&actor(), &id, 1, settings).await
            }));
        }
        let mut ok = 0;
        for e in edits {
            match e.await.unwrap() {
                Ok(_) => ok += 1,
                Err(StoreError::Conflict(_)) => {}
                Err(other) => panic!("{}: {other}", b.name),
            }
        }
        assert_eq!(
            ok, 1,
            "{}: exactly one of the concurrent edits wins",
            b.name
        );
        assert_eq!(s.institution(&i.id).await.unwrap().unwrap().version, 2);
    }
}

#[tokio::test]
async fn catalogs_load_once_and_japanese_search_finds_items() {
    use mamori_store::{CatalogItemRecord, CatalogRecord};
    for b in backends().await {
        let s = b.store.as_ref();
        let item = |id: &str, number: &str, text: &str| CatalogItemRecord {
            catalog_id: "mhlw/test@R6".into(),
            item_id: id.into(),
            kind: "item".into(),
            number: number.into(),
            section_title: "医療情報システムの管理・運用".into(),
            text: text.into(),
            extra: if id == "1-1" {
                "企画管理編 2.1".into()
            } else {
                String::new()
            },
            provenance: "verbatim".into(),
        };
        let mut c = CatalogRecord {
            id: "mhlw/test@R6".into(),
            document: "test".into(),
            version: "R6".into(),
            kind: "cyber_checklist".into(),
            title: "テスト".into(),
            complete: false,
            content_hash: "h1".into(),
            origin: "embedded".into(),
            items: vec![
                item("2-1", "2-(1)", "医療情報システム全般について、サーバ、端末PC、ネットワーク機器の台帳管理を行っている。"),
                item("2-2", "2-(2)", "リモートメンテナンスを利用している機器の有無を事業者等に確認した。"),
                item("1-1", "1-(1)", "医療情報システム安全管理責任者を設置している。"),
            ],
        };
        assert!(s.load_catalog(&actor(), &c).await.unwrap(), "{}", b.name);
        assert!(
            !s.load_catalog(&actor(), &c).await.unwrap(),
            "{}: same content is not loaded again",
            b.name
        );
        let find = |q: &str| {
            let words: Vec<String> = q.split_whitespace().map(String::from).collect();
            async move {
                let mut ids: Vec<String> = s
                    .search_catalog_items(&words, 50)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|i| i.item_id)
                    .collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(
            find("台帳").await,
            ["2-1"],
            "{}: two-character query",
            b.name
        );
        assert_eq!(find("リモートメンテナンス").await, ["2-2"]);
        assert_eq!(
            find("端末pc").await,
            ["2-1"],
            "{}: case-insensitive",
            b.name
        );
        assert_eq!(
            find("システム 責任者").await,
            ["1-1"],
            "every word must match"
        );
        assert_eq!(find("2-(2)").await, ["2-2"], "numbers are searchable");
        assert_eq!(
            find("管理・運用").await.len(),
            3,
            "section titles are searchable"
        );
        assert!(find("100%").await.is_empty(), "wildcards are literal");
        assert_eq!(
            find("企画管理編").await,
            ["1-1"],
            "references are searchable"
        );
        // A changed catalog replaces its items.
        c.content_hash = "h2".into();
        c.items.truncate(1);
        assert!(s.load_catalog(&actor(), &c).await.unwrap());
        assert!(find("リモートメンテナンス").await.is_empty());
        let loads = s
            .audit_chain("global", 0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "catalog.load")
            .count();
        assert_eq!(loads, 2);
    }
}

#[tokio::test]
async fn catalog_imports_are_staged_then_confirmed_or_discarded_once() {
    use mamori_store::{CatalogImport, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let admin = s
            .create_user(&actor(), user("import@example.jp"))
            .await
            .unwrap();
        let staged = |id: &str, catalog: &str| CatalogImport {
            id: id.into(),
            catalog_id: catalog.into(),
            based_on: "mhlw/cyber-checklist-institution@R7".into(),
            file_name: "r8.xlsx".into(),
            file_sha256: "ab".repeat(32),
            mapping: "見出し行 1: 項番 = A, 内容 = B".into(),
            body: "format = 1\n".into(),
            status: String::new(),
            created_by: Some(admin.id.clone()),
            created_at: 0,
            decided_at: None,
        };
        let r8 = "mhlw/cyber-checklist-institution@R8";
        s.stage_catalog_import(&actor(), &staged("i1", r8))
            .await
            .unwrap();
        s.stage_catalog_import(&actor(), &staged("i2", r8))
            .await
            .unwrap();
        s.stage_catalog_import(
            &actor(),
            &staged("i3", "mhlw/cyber-checklist-institution@R9"),
        )
        .await
        .unwrap();
        let got = s.catalog_import("i1").await.unwrap().unwrap();
        assert_eq!(got.status, "pending", "{}", b.name);
        assert_eq!(got.body, "format = 1\n");
        assert_eq!(got.created_by.as_deref(), Some(admin.id.as_str()));
        assert!(s.confirmed_catalog_imports().await.unwrap().is_empty());
        let list = s.catalog_imports(10).await.unwrap();
        assert_eq!(list.len(), 3, "{}", b.name);
        assert!(
            list.iter().all(|i| i.body.is_empty()),
            "lists carry no bodies"
        );

        s.decide_catalog_import(&actor(), "i1", true).await.unwrap();
        // Decided once only; a second version of the same id cannot be confirmed.
        assert!(matches!(
            s.decide_catalog_import(&actor(), "i1", false).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(
            matches!(
                s.decide_catalog_import(&actor(), "i2", true).await,
                Err(StoreError::Duplicate(_))
            ),
            "{}",
            b.name
        );
        assert_eq!(
            s.catalog_import("i2").await.unwrap().unwrap().status,
            "pending",
            "a refused confirmation changes nothing"
        );
        s.decide_catalog_import(&actor(), "i2", false)
            .await
            .unwrap();
        assert!(matches!(
            s.decide_catalog_import(&actor(), "nope", true).await,
            Err(StoreError::NotFound(_))
        ));
        let confirmed = s.confirmed_catalog_imports().await.unwrap();
        assert_eq!(confirmed.len(), 1);
        assert_eq!(confirmed[0].id, "i1");
        assert!(confirmed[0].decided_at.is_some());
        // Two administrators deciding at once: one wins.
        let who = actor();
        let (a, c) = tokio::join!(
            s.decide_catalog_import(&who, "i3", true),
            s.decide_catalog_import(&who, "i3", false)
        );
        assert!(
            a.is_ok() != c.is_ok(),
            "{}: exactly one decision wins",
            b.name
        );
        let heads = s
            .audit_chain(mamori_domain::audit::GLOBAL_CHAIN, 0, 1000)
            .await
            .unwrap();
        let actions: Vec<&str> = heads.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"catalog.import.stage"));
        assert!(actions.contains(&"catalog.import.confirm"));
        assert!(actions.contains(&"catalog.import.discard"));
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn systems_contracts_and_role_sharing_items_with_history_and_versions() {
    use mamori_store::{NewContract, NewSystem, RoleSharingItem, RoleSharingStep, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = s
            .create_institution(&actor(), inst("1311111111"))
            .await
            .unwrap();
        let other = s
            .create_institution(&actor(), inst("1322222222"))
            .await
            .unwrap();
        let va = s.create_vendor(&actor(), "A社").await.unwrap();
        let vb = s.create_vendor(&actor(), "B社").await.unwrap();
        let sys = |inst: &str, name: &str| NewSystem {
            institution_id: inst.into(),
            name: name.into(),
            category: "ehr".into(),
            hosting: "on_premise".into(),
            holds_medical_info: true,
            note: String::new(),
        };
        let ehr = s
            .create_system(&actor(), &sys(&i.id, "電子カルテ"))
            .await
            .unwrap();
        let rec = s
            .create_system(&actor(), &sys(&i.id, "レセコン"))
            .await
            .unwrap();
        let foreign = s
            .create_system(&actor(), &sys(&other.id, "電子カルテ"))
            .await
            .unwrap();
        assert!(matches!(
            s.create_system(&actor(), &sys(&i.id, "電子カルテ")).await,
            Err(StoreError::Duplicate(_))
        ));
        s.link_systems(&actor(), &i.id, &rec.id, &ehr.id)
            .await
            .unwrap();
        assert!(
            s.link_systems(&actor(), &i.id, &ehr.id, &foreign.id)
                .await
                .is_err(),
            "{}: cross-tenant link",
            b.name
        );
        assert_eq!(s.system_links(&i.id).await.unwrap().len(), 1);

        let contract = |vendor: &str, systems: Vec<String>| NewContract {
            institution_id: i.id.clone(),
            vendor_id: vendor.into(),
            title: "保守契約".into(),
            kind: "maintenance".into(),
            starts_on: Some("2024-04-01".into()),
            ends_on: None,
            catalog_id: "mhlw/role-sharing@2024-06".into(),
            system_ids: systems,
        };
        let cb = s
            .create_contract(&actor(), &contract(&vb.id, vec![ehr.id.clone()]))
            .await
            .unwrap();
        assert_eq!(cb.vendor_name, "B社");
        assert_eq!(cb.institution_code, "1311111111");
        assert_eq!(cb.system_ids, vec![ehr.id.clone()]);
        assert!(
            s.create_contract(&actor(), &contract(&va.id, vec![foreign.id.clone()]))
                .await
                .is_err(),
            "{}: a contract covers only the institution's own systems",
            b.name
        );
        assert_eq!(
            s.contracts(&i.id).await.unwrap().len(),
            1,
            "the refused contract left nothing"
        );
        let ca = s
            .create_contract(&actor(), &contract(&va.id, vec![rec.id.clone()]))
            .await
            .unwrap();
        assert_eq!(
            s.vendor_contracts(std::slice::from_ref(&va.id))
                .await
                .unwrap(),
            vec![ca.clone()]
        );
        assert!(s.contracts(&other.id).await.unwrap().is_empty());

        let item = RoleSharingItem {
            institution_id: i.id.clone(),
            contract_id: cb.id.clone(),
            item_id: "part2-a-2".into(),
            responsibility: Some("vendor".into()),
            state: "negotiating".into(),
            proposed_by: Some("vendor".into()),
            ..Default::default()
        };
        let step = |item: &RoleSharingItem, v: i64, name: &str| RoleSharingStep {
            item: item.clone(),
            expected_version: v,
            party: "vendor".into(),
            step: name.into(),
            note: String::new(),
        };
        let saved = s
            .save_role_sharing_item(&actor(), &step(&item, 0, "propose"))
            .await
            .unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(
            s.save_role_sharing_item(&actor(), &step(&item, 0, "propose"))
                .await,
            Err(StoreError::Conflict(_))
        ));
        let mut accepted = item.clone();
        accepted.state = "agreed".into();
        // Two saves from the same version: one wins, the other is refused.
        let who = actor();
        let (sa, sp) = (step(&accepted, 1, "accept"), step(&item, 1, "propose"));
        let (x, y) = tokio::join!(
            s.save_role_sharing_item(&who, &sa),
            s.save_role_sharing_item(&who, &sp)
        );
        assert!(
            x.is_ok() != y.is_ok(),
            "{}: one of two concurrent saves",
            b.name
        );
        let mut bad = item.clone();
        bad.other_vendor_id = Some("no-such-vendor".into());
        assert!(s
            .save_role_sharing_item(&actor(), &step(&bad, 2, "propose"))
            .await
            .is_err());
        let items = s.role_sharing_items(&cb.id).await.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].version, 2);
        assert_eq!(
            s.institution_role_sharing_items(&i.id).await.unwrap().len(),
            1
        );
        assert!(s
            .institution_role_sharing_items(&other.id)
            .await
            .unwrap()
            .is_empty());
        let h = s
            .role_sharing_history(&cb.id, Some("part2-a-2"))
            .await
            .unwrap();
        assert_eq!(h.len(), 2, "{}", b.name);
        assert_eq!(h[0].step, "propose");
        assert!(h[0].answer.contains("\"responsibility\":\"vendor\""));
        assert_eq!(s.role_sharing_history(&cb.id, None).await.unwrap().len(), 2);
        assert!(events(s, &i.id)
            .await
            .iter()
            .any(|e| e.starts_with("role_sharing.")));
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn certifications_documents_subcontractors_invites_and_standard_answers() {
    use mamori_store::{
        Certification, ContractDocument, Invite, NewContract, StandardAnswer, StoreError,
        Subcontractor,
    };
    for b in backends().await {
        let s = b.store.as_ref();
        let i = s
            .create_institution(&actor(), inst("1333333333"))
            .await
            .unwrap();
        let other = s
            .create_institution(&actor(), inst("1344444444"))
            .await
            .unwrap();
        let v = s.create_vendor(&actor(), "B社").await.unwrap();
        let cert = |name: &str, exp: Option<&str>| Certification {
            id: String::new(),
            vendor_id: v.id.clone(),
            kind: "jisq27001".into(),
            name: name.into(),
            expires_on: exp.map(String::from),
            created_at: 0,
        };
        let c1 = s
            .add_certification(&actor(), &cert("ISMS", Some("2027-01-10")))
            .await
            .unwrap();
        s.add_certification(&actor(), &cert("Pマーク", None))
            .await
            .unwrap();
        assert_eq!(
            s.certifications(std::slice::from_ref(&v.id))
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            s.delete_certification(&actor(), "other-vendor", &c1.id)
                .await,
            Err(StoreError::NotFound(_))
        ));
        s.delete_certification(&actor(), &v.id, &c1.id)
            .await
            .unwrap();
        assert_eq!(
            s.certifications(std::slice::from_ref(&v.id))
                .await
                .unwrap()
                .len(),
            1
        );

        let c = s
            .create_contract(
                &actor(),
                &NewContract {
                    institution_id: i.id.clone(),
                    vendor_id: v.id.clone(),
                    title: "保守契約".into(),
                    kind: "maintenance".into(),
                    catalog_id: "mhlw/role-sharing@2024-06".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let doc = |inst: &str| ContractDocument {
            id: String::new(),
            institution_id: inst.into(),
            contract_id: c.id.clone(),
            kind: "sla".into(),
            file_name: "SLA.pdf".into(),
            sha256: "ab".repeat(32),
            size: 0,
            media_type: "application/pdf".into(),
            uploaded_by: None,
            uploaded_party: "institution".into(),
            uploaded_at: 0,
        };
        let content = b"%PDF-1.4 test".to_vec();
        let d1 = s
            .add_contract_document(&actor(), &doc(&i.id), &content)
            .await
            .unwrap();
        s.add_contract_document(&actor(), &doc(&i.id), &content)
            .await
            .unwrap();
        assert!(
            s.add_contract_document(&actor(), &doc(&other.id), &content)
                .await
                .is_err(),
            "{}: a document goes only to the contract's own institution",
            b.name
        );
        assert_eq!(s.contract_documents(&c.id).await.unwrap().len(), 2);
        assert_eq!(s.institution_documents(&other.id).await.unwrap().len(), 0);
        let (got, bytes) = s.contract_document(&d1.id).await.unwrap().unwrap();
        assert_eq!((got.size, bytes), (content.len() as i64, content.clone()));

        let sc = s
            .declare_subcontractor(
                &actor(),
                &Subcontractor {
                    id: String::new(),
                    institution_id: i.id.clone(),
                    contract_id: c.id.clone(),
                    name: "X データセンター".into(),
                    scope: "バックアップの保管".into(),
                    declared_by: None,
                    declared_at: 0,
                    approved_by: None,
                    approved_at: None,
                },
            )
            .await
            .unwrap();
        assert!(matches!(
            s.approve_subcontractor(&actor(), &other.id, &sc.id).await,
            Err(StoreError::NotFound(_))
        ));
        s.approve_subcontractor(&actor(), &i.id, &sc.id)
            .await
            .unwrap();
        assert!(matches!(
            s.approve_subcontractor(&actor(), &i.id, &sc.id).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(s.subcontractors(&i.id).await.unwrap()[0]
            .approved_at
            .is_some());

        let now = now_ms();
        let invite = |id: &str, email: &str, expires: i64| Invite {
            id: id.into(),
            institution_id: i.id.clone(),
            vendor_id: v.id.clone(),
            email: email.into(),
            display_name: "B社 山田".into(),
            created_by: None,
            created_at: 0,
            expires_at: expires,
            used_at: None,
            user_id: None,
        };
        s.create_invite(
            &actor(),
            &invite("v1", "yamada@b.example.jp", now + 60_000),
            "h1",
        )
        .await
        .unwrap();
        s.create_invite(&actor(), &invite("v2", "old@b.example.jp", now - 1), "h2")
            .await
            .unwrap();
        let u = s
            .accept_invite(&actor(), "h1", "$argon2id$x", now)
            .await
            .unwrap();
        // An institution's invitation grants nothing: the membership waits for the vendor.
        assert!(s.principal(&u.id).await.unwrap().vendor_ids.is_empty());
        let m = s.memberships_of(&u.id).await.unwrap();
        assert_eq!(m.len(), 1, "{}", b.name);
        assert_eq!(m[0].status, MembershipStatus::Pending);
        assert_eq!(
            m[0].requested_by_institution.as_deref(),
            Some(i.id.as_str())
        );
        assert!(matches!(
            s.accept_invite(&actor(), "h1", "$argon2id$x", now).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            s.accept_invite(&actor(), "h2", "$argon2id$x", now).await,
            Err(StoreError::Conflict(_))
        ));
        s.create_invite(
            &actor(),
            &invite("v3", "yamada@b.example.jp", now + 60_000),
            "h3",
        )
        .await
        .unwrap();
        assert!(matches!(
            s.accept_invite(&actor(), "h3", "$argon2id$x", now).await,
            Err(StoreError::Duplicate(_))
        ));
        assert!(
            s.invite_by_token("h3")
                .await
                .unwrap()
                .unwrap()
                .used_at
                .is_none(),
            "nothing used"
        );
        assert_eq!(s.invites(&i.id).await.unwrap().len(), 3);

        let mut a = StandardAnswer {
            vendor_id: v.id.clone(),
            product: "電子カルテ X".into(),
            catalog_id: "mhlw/role-sharing@2024-06".into(),
            item_id: "part2-a-11".into(),
            responsibility: "vendor".into(),
            ..Default::default()
        };
        s.save_standard_answer(&actor(), &a).await.unwrap();
        a.agreed_content = "月次で提供する。".into();
        s.save_standard_answer(&actor(), &a).await.unwrap();
        let all = s.standard_answers(&v.id).await.unwrap();
        assert_eq!(all.len(), 1, "{}", b.name);
        assert_eq!(all[0].agreed_content, "月次で提供する。");
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn assessments_answers_approval_lock_and_revisions() {
    use mamori_store::{Assessment, AssessmentAnswer, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = s
            .create_institution(&actor(), inst("1355555555"))
            .await
            .unwrap();
        let other = s
            .create_institution(&actor(), inst("1366666666"))
            .await
            .unwrap();
        let new = |inst: &str, fy: i64| Assessment {
            id: String::new(),
            institution_id: inst.into(),
            fiscal_year: fy,
            catalog_id: "mhlw/cyber-checklist-institution@R6".into(),
            status: String::new(),
            revision: 1,
            previous_id: None,
            approved_at: None,
            approved_by: None,
            reopen_reason: String::new(),
            version: 0,
            created_at: 0,
        };
        let a = s
            .create_assessment(&actor(), &new(&i.id, 2024), &[])
            .await
            .unwrap();
        assert_eq!((a.status.as_str(), a.revision, a.version), ("draft", 1, 1));
        assert!(matches!(
            s.create_assessment(&actor(), &new(&i.id, 2024), &[]).await,
            Err(StoreError::Duplicate(_))
        ));
        let ans = |inst: &str, item: &str, slot: &str| AssessmentAnswer {
            institution_id: inst.into(),
            assessment_id: a.id.clone(),
            item_id: item.into(),
            slot: slot.into(),
            check1: Some("no".into()),
            check1_on: Some("2024-06-10".into()),
            target_on: Some("2024-12-01".into()),
            ..Default::default()
        };
        let saved = s
            .save_assessment_answer(&actor(), &ans(&i.id, "2-4", "server"), 0)
            .await
            .unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(
            s.save_assessment_answer(&actor(), &ans(&i.id, "2-4", "server"), 0)
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(
            matches!(
                s.save_assessment_answer(&actor(), &ans(&other.id, "2-4", "terminal"), 0)
                    .await,
                Err(StoreError::NotFound(_))
            ),
            "{}: another institution cannot write into it",
            b.name
        );
        let who = actor();
        let (x, y) = (ans(&i.id, "2-4", "server"), ans(&i.id, "2-4", "server"));
        let (r1, r2) = tokio::join!(
            s.save_assessment_answer(&who, &x, 1),
            s.save_assessment_answer(&who, &y, 1)
        );
        assert!(
            r1.is_ok() != r2.is_ok(),
            "{}: one of two concurrent saves",
            b.name
        );

        // Evidence: a file attached by mistake is withdrawn with a reason; it is no longer
        // listed or served; the other stays; once approved nothing can be withdrawn.
        let ev = |kind: &str, label: &str, sha: Option<String>| mamori_store::Evidence {
            id: String::new(),
            institution_id: i.id.clone(),
            assessment_id: a.id.clone(),
            item_id: "1-1".into(),
            kind: kind.into(),
            ref_id: None,
            label: label.into(),
            sha256: sha,
            media_type: Some("application/pdf".into()),
            effective_on: "2024-06-01".into(),
            created_by: None,
            created_label: String::new(),
            created_at: 0,
        };
        let content = b"%PDF-1.7 wrong file".to_vec();
        let hash = format!("{:064x}", 7u8);
        let wrong = s
            .add_evidence(
                &actor(),
                &ev("file", "別病院の規程.pdf", Some(hash)),
                Some(&content),
            )
            .await
            .unwrap();
        let kept = s
            .add_evidence(&actor(), &ev("officer", "安全管理責任者", None), None)
            .await
            .unwrap();
        assert!(matches!(
            s.withdraw_evidence(&actor(), "other-assessment", &wrong.id, "x")
                .await,
            Err(StoreError::NotFound(_))
        ));
        s.withdraw_evidence(&actor(), &a.id, &wrong.id, "別の病院の文書を誤って添付")
            .await
            .unwrap();
        let listed = s.evidence(&a.id).await.unwrap();
        assert_eq!(listed.len(), 1, "{}", b.name);
        assert_eq!(listed[0].id, kept.id);
        assert!(s.evidence_file(&wrong.id).await.unwrap().is_none());
        assert!(
            matches!(
                s.withdraw_evidence(&actor(), &a.id, &wrong.id, "again")
                    .await,
                Err(StoreError::NotFound(_))
            ),
            "{}: withdrawn once",
            b.name
        );
        assert!(events(s, &i.id)
            .await
            .iter()
            .any(|e| e == "assessment.evidence.withdraw"));

        let approved = s.approve_assessment(&actor(), &a.id, 1).await.unwrap();
        assert_eq!(approved.status, "approved");
        assert!(
            matches!(
                s.withdraw_evidence(&actor(), &a.id, &kept.id, "x").await,
                Err(StoreError::Conflict(_))
            ),
            "{}: evidence of an approved sheet stays",
            b.name
        );
        assert_eq!(s.evidence(&a.id).await.unwrap().len(), 1);
        assert!(
            matches!(
                s.save_assessment_answer(&actor(), &ans(&i.id, "1-1", "all"), 0)
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "an approved sheet is locked"
        );
        assert!(matches!(
            s.approve_assessment(&actor(), &a.id, approved.version)
                .await,
            Err(StoreError::Conflict(_))
        ));
        let reopened = s
            .reopen_assessment(&actor(), &a.id, approved.version, "機器の追加")
            .await
            .unwrap();
        assert_eq!((reopened.status.as_str(), reopened.revision), ("draft", 2));
        s.save_assessment_answer(&actor(), &ans(&i.id, "1-1", "all"), 0)
            .await
            .unwrap();
        s.approve_assessment(&actor(), &a.id, reopened.version)
            .await
            .unwrap();
        let revs = s.assessment_revisions(&a.id).await.unwrap();
        assert_eq!(revs.len(), 2);
        assert_eq!(revs[1].reason, "機器の追加");
        assert!(
            !revs[0].snapshot.contains("\"1-1\""),
            "revision 1 as it was approved"
        );
        assert!(revs[1].snapshot.contains("\"1-1\""));

        // The next year starts from this one, its answers carried for re-confirmation.
        let carried = s.assessment_answers(&a.id).await.unwrap();
        let mut next = new(&i.id, 2025);
        next.previous_id = Some(a.id.clone());
        let n = s
            .create_assessment(&actor(), &next, &carried)
            .await
            .unwrap();
        let got = s.assessment_answers(&n.id).await.unwrap();
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|x| x.carried));
        assert_eq!(s.assessments(&i.id).await.unwrap().len(), 2);
        assert!(s.assessments(&other.id).await.unwrap().is_empty());

        // An answer saved while the sheet is being approved either lands in the approved
        // revision or is refused: never after the approval, outside what was approved.
        let mut current = s.assessment(&a.id).await.unwrap().unwrap();
        for round in 0..6 {
            let reopened = s
                .reopen_assessment(&actor(), &a.id, current.version, "再確認")
                .await
                .unwrap();
            let item = format!("race-{round}");
            let x = ans(&i.id, &item, "all");
            let who = actor();
            let (saved, approved) = tokio::join!(
                s.save_assessment_answer(&who, &x, 0),
                s.approve_assessment(&who, &a.id, reopened.version)
            );
            current = approved.unwrap();
            let revs = s.assessment_revisions(&a.id).await.unwrap();
            let in_revision = revs
                .last()
                .unwrap()
                .snapshot
                .contains(&format!("\"{item}\""));
            let stored = s
                .assessment_answers(&a.id)
                .await
                .unwrap()
                .iter()
                .any(|y| y.item_id == item);
            match saved {
                Ok(_) => assert!(in_revision, "{}: saved, so approved with it", b.name),
                Err(StoreError::Conflict(_)) => assert!(!stored && !in_revision),
                Err(e) => panic!("{}: {e}", b.name),
            }
        }
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn vendor_sheets_requested_answered_and_submitted() {
    use mamori_store::{Assessment, AssessmentAnswer, NewContract, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = s
            .create_institution(&actor(), inst("1377777777"))
            .await
            .unwrap();
        let v = s.create_vendor(&actor(), "B社").await.unwrap();
        let c = s
            .create_contract(
                &actor(),
                &NewContract {
                    institution_id: i.id.clone(),
                    vendor_id: v.id.clone(),
                    title: "保守契約".into(),
                    kind: "maintenance".into(),
                    catalog_id: "mhlw/role-sharing@2024-06".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let a = s
            .create_assessment(
                &actor(),
                &Assessment {
                    id: String::new(),
                    institution_id: i.id.clone(),
                    fiscal_year: 2024,
                    catalog_id: "mhlw/cyber-checklist-institution@R6".into(),
                    status: String::new(),
                    revision: 1,
                    previous_id: None,
                    approved_at: None,
                    approved_by: None,
                    reopen_reason: String::new(),
                    version: 0,
                    created_at: 0,
                },
                &[],
            )
            .await
            .unwrap();
        let pair = vec![(c.id.clone(), v.id.clone())];
        let vendor_catalog = "mhlw/cyber-checklist-vendor@R6";
        assert_eq!(
            s.request_vendor_sheets(&actor(), &a, &pair, vendor_catalog)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            s.request_vendor_sheets(&actor(), &a, &pair, vendor_catalog)
                .await
                .unwrap(),
            0
        );
        let wrong = vec![(c.id.clone(), "other-vendor".to_string())];
        assert_eq!(
            s.request_vendor_sheets(&actor(), &a, &wrong, vendor_catalog)
                .await
                .unwrap(),
            0
        );
        let sheets = s.vendor_sheets(&a.id).await.unwrap();
        assert_eq!(sheets.len(), 1);
        let sh = &sheets[0];
        assert_eq!((sh.vendor_name.as_str(), sh.fiscal_year), ("B社", 2024));
        assert_eq!(
            s.vendor_sheets_of(std::slice::from_ref(&v.id))
                .await
                .unwrap()
                .len(),
            1
        );
        let ans = AssessmentAnswer {
            institution_id: i.id.clone(),
            assessment_id: sh.id.clone(),
            item_id: "1-1".into(),
            slot: "all".into(),
            check1: Some("yes".into()),
            check1_on: Some("2024-07-01".into()),
            ..Default::default()
        };
        let saved = s.save_vendor_sheet_answer(&actor(), &ans, 0).await.unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(
            s.save_vendor_sheet_answer(&actor(), &ans, 0).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.vendor_sheet_answers(&sh.id).await.unwrap().len(), 1);
        let all = s.vendor_sheet_answers_of_assessment(&a.id).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].assessment_id, sh.id, "each answer names its sheet");
        assert!(s
            .vendor_sheet_answers_of_assessment("unknown")
            .await
            .unwrap()
            .is_empty());
        s.submit_vendor_sheet(&actor(), &sh.id, sh.version)
            .await
            .unwrap();
        assert!(
            matches!(
                s.save_vendor_sheet_answer(&actor(), &ans, 1).await,
                Err(StoreError::Conflict(_))
            ),
            "{}: a submitted sheet is locked",
            b.name
        );
        let submitted = s.vendor_sheet(&sh.id).await.unwrap().unwrap();
        assert_eq!(submitted.status, "submitted");
        // 差し戻し: only a submitted sheet at its current version; it opens again with the
        // reason, and the next submission clears the reason.
        assert!(matches!(
            s.return_vendor_sheet(&actor(), &sh.id, submitted.version + 1, "備考が空")
                .await,
            Err(StoreError::Conflict(_))
        ));
        s.return_vendor_sheet(&actor(), &sh.id, submitted.version, "1-1 の確認日が誤り")
            .await
            .unwrap();
        let returned = s.vendor_sheet(&sh.id).await.unwrap().unwrap();
        assert_eq!(
            (returned.status.as_str(), returned.returned_reason.as_str()),
            ("requested", "1-1 の確認日が誤り")
        );
        assert_eq!(returned.submitted_at, None);
        assert!(
            matches!(
                s.return_vendor_sheet(&actor(), &sh.id, returned.version, "again")
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "{}: a sheet not submitted cannot be returned",
            b.name
        );
        let again = s.save_vendor_sheet_answer(&actor(), &ans, 1).await.unwrap();
        assert_eq!(again.version, 2, "answerable again after the return");
        s.submit_vendor_sheet(&actor(), &sh.id, returned.version)
            .await
            .unwrap();
        let resubmitted = s.vendor_sheet(&sh.id).await.unwrap().unwrap();
        assert_eq!(resubmitted.status, "submitted");
        assert_eq!(resubmitted.returned_reason, "");
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}
