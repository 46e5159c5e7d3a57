//! The audit log: filters, member scoping, chains that detect alteration, removal and
//! reordering, and concurrent appends.

use super::*;

#[tokio::test]
async fn audit_log_filters_and_member_scoping() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1311234569").await;
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
    let i = new_inst(s, "1311234569").await;
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

/// Verifies a freshly seeded chain after `statements` (`{id}` names the chain) altered it.
async fn verify_altered(b: &Backend, statements: &[&str]) -> Result<(usize, usize), ChainBreak> {
    let id = seed_chain(b.store.as_ref()).await;
    for statement in statements {
        b.raw.exec(&statement.replace("{id}", &id)).await;
    }
    verify_audit(b.store.as_ref()).await.unwrap()
}

#[tokio::test]
async fn audit_chain_detects_removal_and_reordering() {
    type Found = fn(&Result<(usize, usize), ChainBreak>) -> bool;
    let cases: [(&[&str], Found); 4] = [
        (
            &["DELETE FROM audit_events WHERE chain = '{id}' AND seq = 2"],
            |r| matches!(r, Err(ChainBreak::Gap { seq: 3, .. })),
        ),
        // Swap the positions of events 2 and 3.
        (
            &[
                "UPDATE audit_events SET seq = 100 WHERE chain = '{id}' AND seq = 2",
                "UPDATE audit_events SET seq = 2 WHERE chain = '{id}' AND seq = 3",
                "UPDATE audit_events SET seq = 3 WHERE chain = '{id}' AND seq = 100",
            ],
            |r| matches!(r, Err(ChainBreak::Altered { seq: 2, .. })),
        ),
        (
            &["DELETE FROM audit_events WHERE chain = '{id}' AND seq = 5"],
            |r| {
                matches!(
                    r,
                    Err(ChainBreak::Truncated {
                        last_seq: 4,
                        head_seq: 5,
                        ..
                    })
                )
            },
        ),
        (&["DELETE FROM audit_heads WHERE chain = '{id}'"], |r| {
            matches!(r, Err(ChainBreak::MissingHead { .. }))
        }),
    ];
    for (statements, found) in cases {
        for b in backends().await {
            let r = verify_altered(&b, statements).await;
            assert!(found(&r), "{}: {statements:?}: {r:?}", b.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_keep_one_chain_and_concurrent_edits_have_one_winner() {
    for b in backends().await {
        let s = b.store.clone();
        let i = new_inst(s.as_ref(), "1311234569").await;
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
