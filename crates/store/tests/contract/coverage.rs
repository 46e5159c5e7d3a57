//! Store methods that no other contract test called: each is run here on both backends.

use super::{actor, assessment, backends, events, maintenance_contract, new_inst, user};
use mamori_domain::codes::{Hosting, SystemCategory};
use mamori_domain::role_sharing::{ItemState, Party, Responsibility, StepKind};
use mamori_store::{
    now_ms, ConflictKind, Entity, InspectorLink, NewContract, NewSystem, RoleSharingItem,
    RoleSharingStep, StoreError, StoredCheckpoint,
};

#[tokio::test]
async fn backend_names_itself() {
    for b in backends().await {
        assert_eq!(b.store.backend(), b.name);
    }
}

#[tokio::test]
async fn vendors_systems_contracts_and_role_sharing_tallies() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1311111111").await;
        let other = new_inst(s, "1322222222").await;
        assert!(s.list_vendors().await.unwrap().is_empty());
        let vb = s.create_vendor(&actor(), "B社").await.unwrap();
        let va = s.create_vendor(&actor(), "A社").await.unwrap();
        let names: Vec<String> = s
            .list_vendors()
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(names, ["A社", "B社"], "{}: by name", b.name);

        assert!(s.systems(&i.id).await.unwrap().is_empty());
        let new_system = |inst: &str, name: &str| NewSystem {
            institution_id: inst.into(),
            name: name.into(),
            category: SystemCategory::Ehr,
            hosting: Hosting::Cloud,
            holds_medical_info: true,
            note: "本館".into(),
        };
        let ehr = s
            .create_system(&actor(), &new_system(&i.id, "電子カルテ"))
            .await
            .unwrap();
        let pacs = s
            .create_system(&actor(), &new_system(&i.id, "PACS"))
            .await
            .unwrap();
        s.create_system(&actor(), &new_system(&other.id, "レセコン"))
            .await
            .unwrap();
        let systems = s.systems(&i.id).await.unwrap();
        assert_eq!(systems, vec![ehr.clone(), pacs.clone()], "{}", b.name);
        assert_eq!(systems[0].note, "本館");
        assert_eq!(s.systems(&other.id).await.unwrap().len(), 1);

        let c = s
            .create_contract(
                &actor(),
                &NewContract {
                    starts_on: Some("2024-04-01".into()),
                    ends_on: Some("2027-03-31".into()),
                    system_ids: vec![pacs.id.clone(), ehr.id.clone()],
                    ..maintenance_contract(&i.id, &va.id)
                },
            )
            .await
            .unwrap();
        let read = s.contract(&c.id).await.unwrap().unwrap();
        assert_eq!(read.title, "保守契約");
        assert_eq!(read.vendor_name, "A社");
        assert_eq!(read.ends_on.as_deref(), Some("2027-03-31"));
        let mut covered = read.system_ids.clone();
        covered.sort();
        let mut expected = vec![pacs.id.clone(), ehr.id.clone()];
        expected.sort();
        assert_eq!(covered, expected, "{}", b.name);
        assert!(s.contract("no-such-contract").await.unwrap().is_none());

        assert!(s
            .role_sharing_item(&c.id, "part2-a-1")
            .await
            .unwrap()
            .is_none());
        let step = |item_id: &str, state: ItemState, by: Party| RoleSharingStep {
            item: RoleSharingItem {
                institution_id: i.id.clone(),
                contract_id: c.id.clone(),
                item_id: item_id.into(),
                responsibility: Some(Responsibility::Vendor),
                state,
                proposed_by: Some(by),
                ..Default::default()
            },
            expected_version: 0,
            party: by,
            step: StepKind::Propose,
            note: String::new(),
            notices: vec![],
        };
        for (item, state, by) in [
            ("part2-a-1", ItemState::Negotiating, Party::Vendor),
            ("part2-a-2", ItemState::Negotiating, Party::Vendor),
            ("part2-a-3", ItemState::Negotiating, Party::Institution),
        ] {
            s.save_role_sharing_item(&actor(), &step(item, state, by))
                .await
                .unwrap();
        }
        let one = s
            .role_sharing_item(&c.id, "part2-a-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (one.responsibility, one.version),
            (Some(Responsibility::Vendor), 1)
        );
        assert!(s
            .role_sharing_item(&c.id, "part2-z-9")
            .await
            .unwrap()
            .is_none());

        let mut tallies = s
            .vendor_role_sharing_tallies(&[va.id.clone(), vb.id.clone()])
            .await
            .unwrap();
        tallies.sort();
        assert_eq!(
            tallies,
            vec![
                (
                    c.id.clone(),
                    "negotiating".to_string(),
                    Some("institution".to_string()),
                    1
                ),
                (
                    c.id.clone(),
                    "negotiating".to_string(),
                    Some("vendor".to_string()),
                    2
                ),
            ],
            "{}",
            b.name
        );
        assert!(s
            .vendor_role_sharing_tallies(std::slice::from_ref(&vb.id))
            .await
            .unwrap()
            .is_empty());
        assert!(s.vendor_role_sharing_tallies(&[]).await.unwrap().is_empty());
        // The same counts, read for the institution (its dashboard's to-do list).
        let mut mine = s
            .institution_role_sharing_tallies(&c.institution_id)
            .await
            .unwrap();
        mine.sort();
        assert_eq!(mine, tallies, "{}", b.name);
        assert!(s
            .institution_role_sharing_tallies("no-such-institution")
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn inspector_links_are_created_found_by_token_listed_and_revoked_once() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1355555555").await;
        let other = new_inst(s, "1366666666").await;
        let a = s
            .create_assessment(&actor(), &assessment(&i.id), &[])
            .await
            .unwrap();
        let expires = now_ms() + 86_400_000;
        let link = |id: &str, label: &str, institution_id: &str| InspectorLink {
            id: id.into(),
            institution_id: institution_id.into(),
            assessment_id: a.id.clone(),
            label: label.into(),
            expires_at: expires,
            revoked_at: None,
            created_by: None,
            created_at: 0,
            recipient: String::new(),
            last_access_at: None,
        };
        assert!(s.inspector_links(&a.id).await.unwrap().is_empty());
        s.create_inspector_link(&actor(), &link("l1", "監査法人", &i.id), "hash-1", &[])
            .await
            .unwrap();
        s.create_inspector_link(&actor(), &link("l2", "保健所", &i.id), "hash-2", &[])
            .await
            .unwrap();
        // Another institution cannot attach a link to this assessment.
        assert!(matches!(
            s.create_inspector_link(&actor(), &link("l3", "x", &other.id), "hash-3", &[])
                .await,
            Err(StoreError::NotFound(Entity::Assessment))
        ));
        let found = s.inspector_link_by_token("hash-1").await.unwrap().unwrap();
        assert_eq!(
            (
                found.id.as_str(),
                found.label.as_str(),
                found.institution_id.as_str()
            ),
            ("l1", "監査法人", i.id.as_str()),
            "{}",
            b.name
        );
        assert_eq!(found.created_by.as_deref(), Some("tester"));
        assert_eq!((found.expires_at, found.revoked_at), (expires, None));
        assert!(s.inspector_link_by_token("hash-3").await.unwrap().is_none());
        assert!(s.inspector_link_by_token("nope").await.unwrap().is_none());
        let mut ids: Vec<String> = s
            .inspector_links(&a.id)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        ids.sort();
        assert_eq!(ids, ["l1", "l2"]);

        s.revoke_inspector_link(&actor(), &a.id, "l1")
            .await
            .unwrap();
        let revoked = s.inspector_link_by_token("hash-1").await.unwrap().unwrap();
        assert!(revoked.revoked_at.is_some(), "{}", b.name);
        assert!(matches!(
            s.revoke_inspector_link(&actor(), &a.id, "l1").await,
            Err(StoreError::Conflict(ConflictKind::InspectorLinkRevoked))
        ));
        assert!(matches!(
            s.revoke_inspector_link(&actor(), &a.id, "no-such-link")
                .await,
            Err(StoreError::NotFound(Entity::InspectorLink))
        ));
        assert!(s
            .inspector_link_by_token("hash-2")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none());
        // An account keeps the live link l2 (twice: once kept); l1, revoked, is not listed.
        let holder = s
            .create_user(&actor(), user("holder@example.jp"))
            .await
            .unwrap();
        let l2 = s.inspector_link_by_token("hash-2").await.unwrap().unwrap();
        let l1 = s.inspector_link_by_token("hash-1").await.unwrap().unwrap();
        for _ in 0..2 {
            s.keep_inspector_link(&actor(), &l2, &holder.id)
                .await
                .unwrap();
        }
        s.keep_inspector_link(&actor(), &l1, &holder.id)
            .await
            .unwrap();
        let kept: Vec<String> = s
            .kept_inspector_links(&holder.id, now_ms())
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        assert_eq!(kept, ["l2"], "{}", b.name);
        // After the link's expiry nothing is kept.
        assert!(s
            .kept_inspector_links(&holder.id, expires + 1)
            .await
            .unwrap()
            .is_empty());
        // An unknown account cannot keep a link.
        assert!(s
            .keep_inspector_link(&actor(), &l2, "no-such-user")
            .await
            .is_err());
        let ev = events(s, &i.id).await;
        assert_eq!(
            ev.iter().filter(|e| *e == "inspector.link.keep").count(),
            2,
            "kept twice once, and the revoked l1 (the app refuses it; the store records it)"
        );
        assert_eq!(
            ev.iter().filter(|e| *e == "inspector.link.create").count(),
            2
        );
        assert_eq!(
            ev.iter().filter(|e| *e == "inspector.link.revoke").count(),
            1
        );
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn checkpoints_are_kept_listed_and_recorded_in_the_global_chain() {
    for b in backends().await {
        let s = b.store.as_ref();
        assert_eq!(s.latest_checkpoint_at().await.unwrap(), None);
        assert!(s.audit_checkpoints(0, 10).await.unwrap().is_empty());
        let i = new_inst(s, "1311234569").await;
        let mut names = s.audit_chain_names().await.unwrap();
        names.sort();
        let mut expected = vec![mamori_domain::audit::GLOBAL_CHAIN.to_string(), i.id.clone()];
        expected.sort();
        assert_eq!(names, expected, "{}", b.name);

        let cp = |id: &str, at: i64| StoredCheckpoint {
            id: id.into(),
            created_at: at,
            digest: format!("digest-{id}"),
            body: format!("checkpoint {id}\n"),
        };
        let rec = s
            .record_checkpoint(&actor(), &cp("c1", 1_000), 2)
            .await
            .unwrap();
        assert_eq!(
            (
                rec.chain.as_str(),
                rec.action.as_str(),
                rec.target_id.as_str()
            ),
            (mamori_domain::audit::GLOBAL_CHAIN, "audit.checkpoint", "c1")
        );
        assert!(rec.changes.contains("digest-c1"), "{}", rec.changes);
        s.record_checkpoint(&actor(), &cp("c2", 2_000), 2)
            .await
            .unwrap();
        assert!(matches!(
            s.record_checkpoint(&actor(), &cp("c1", 3_000), 2).await,
            Err(StoreError::Duplicate(Entity::Checkpoint))
        ));
        assert_eq!(s.latest_checkpoint_at().await.unwrap(), Some(2_000));
        assert_eq!(
            s.audit_checkpoints(0, 10).await.unwrap(),
            vec![cp("c1", 1_000), cp("c2", 2_000)],
            "{}: oldest first",
            b.name
        );
        assert_eq!(
            s.audit_checkpoints(1, 10).await.unwrap(),
            vec![cp("c2", 2_000)]
        );
        assert_eq!(
            s.audit_checkpoints(0, 1).await.unwrap(),
            vec![cp("c1", 1_000)]
        );
        // The refused duplicate left no event behind.
        let global = s
            .audit_chain(mamori_domain::audit::GLOBAL_CHAIN, 0, 1000)
            .await
            .unwrap();
        assert_eq!(
            global
                .iter()
                .filter(|e| e.action == "audit.checkpoint")
                .count(),
            2
        );
    }
}

#[tokio::test]
async fn throttle_clear_all_forgets_every_key() {
    for b in backends().await {
        let s = b.store.as_ref();
        assert_eq!(s.throttle_clear_all().await.unwrap(), 0);
        for key in ["a", "b"] {
            for t in 0..3 {
                assert_eq!(s.throttle_attempt(key, 3, 60_000, t).await.unwrap(), Ok(()));
            }
            assert!(s
                .throttle_attempt(key, 3, 60_000, 5)
                .await
                .unwrap()
                .is_err());
        }
        assert_eq!(s.throttle_clear_all().await.unwrap(), 2, "{}", b.name);
        for key in ["a", "b"] {
            assert_eq!(
                s.throttle_attempt(key, 3, 60_000, 6).await.unwrap(),
                Ok(()),
                "{}",
                b.name
            );
        }
    }
}

#[tokio::test]
async fn mail_carrying_a_dead_inspector_link_is_withdrawn() {
    use mamori_domain::notifications::{Audience, NoticeDraft, NotificationKind};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777777").await;
        let a = s
            .create_assessment(&actor(), &assessment(&i.id), &[])
            .await
            .unwrap();
        let expires = now_ms() + 86_400_000;
        let mailed = |id: &str, to: &str| {
            (
                InspectorLink {
                    id: id.into(),
                    institution_id: i.id.clone(),
                    assessment_id: a.id.clone(),
                    label: id.into(),
                    expires_at: expires,
                    revoked_at: None,
                    created_by: None,
                    created_at: 0,
                    recipient: to.into(),
                    last_access_at: None,
                },
                NoticeDraft::new(
                    NotificationKind::InspectorLinkShared,
                    Some(&i.id),
                    Audience::Address(to.into()),
                    format!("/inspect/secret-of-{id}"),
                    serde_json::json!({"label": id, "link_id": id}),
                ),
            )
        };
        let waiting = |to: &'static str| async move {
            s.due_mail(i64::MAX, 1000)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.to_address == to)
                .count()
        };
        for (id, to) in [("m1", "one@pref.example.jp"), ("m2", "two@pref.example.jp")] {
            let (link, notice) = mailed(id, to);
            s.create_inspector_link(&actor(), &link, &format!("hash-{id}"), &[notice])
                .await
                .unwrap();
        }
        assert_eq!(
            (
                waiting("one@pref.example.jp").await,
                waiting("two@pref.example.jp").await
            ),
            (1, 1)
        );
        // Live links: nothing withdrawn.
        assert_eq!(
            s.withdraw_dead_link_mail(now_ms()).await.unwrap(),
            0,
            "{}",
            b.name
        );
        // Revoking m1 withdraws its mail in the same transaction; m2's stays.
        s.revoke_inspector_link(&actor(), &a.id, "m1")
            .await
            .unwrap();
        assert_eq!(waiting("one@pref.example.jp").await, 0, "{}", b.name);
        assert_eq!(waiting("two@pref.example.jp").await, 1);
        // Once m2 has expired, its mail is withdrawn too.
        assert_eq!(
            s.withdraw_dead_link_mail(expires + 1).await.unwrap(),
            1,
            "{}",
            b.name
        );
        assert_eq!(waiting("two@pref.example.jp").await, 0);
        assert_eq!(s.outbox_counts().await.unwrap().failed, 2);
    }
}
