//! Vendor membership (granted by the vendor, pending until confirmed, the last administrator
//! kept) and persistent throttling, on both backends.

use super::{actor, backends, new_inst, user};
use mamori_domain::vendor_members::{MembershipRefusal, MembershipStatus, VendorRole};
use mamori_store::prelude::*;
use mamori_store::{now_ms, Actor, Invite, SqliteStore, StoreError};
use std::sync::Arc;

fn as_user(id: &str) -> Actor {
    Actor {
        user_id: Some(id.into()),
        ..actor()
    }
}

async fn global_seq(s: &dyn Store) -> i64 {
    s.audit_heads()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.chain == mamori_domain::audit::GLOBAL_CHAIN)
        .map(|h| h.seq)
        .unwrap_or(0)
}

#[tokio::test]
async fn pending_memberships_give_nothing_until_the_vendor_confirms() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1355555555").await;
        let v = s.create_vendor(&actor(), "E社").await.unwrap();
        let admin = s
            .create_user(&actor(), user("admin@e.example.jp"))
            .await
            .unwrap();
        s.change_vendor_member(
            &actor(),
            &v.id,
            &admin.id,
            Some((VendorRole::Admin, MembershipStatus::Active)),
            true,
        )
        .await
        .unwrap();
        let p = s.principal(&admin.id).await.unwrap();
        assert_eq!(
            (p.vendor_ids.clone(), p.vendor_admin_ids),
            (vec![v.id.clone()], vec![v.id.clone()])
        );

        let invite = Invite {
            id: "inv".into(),
            institution_id: i.id.clone(),
            vendor_id: v.id.clone(),
            email: "new@e.example.jp".into(),
            display_name: "E社 新人".into(),
            created_by: None,
            created_at: 0,
            expires_at: now_ms() + 60_000,
            used_at: None,
            user_id: None,
        };
        s.create_invite(&actor(), &invite, "hh").await.unwrap();
        let newbie = s
            .accept_invite(&actor(), "hh", "$argon2id$x", now_ms())
            .await
            .unwrap();
        let p = s.principal(&newbie.id).await.unwrap();
        assert!(
            p.vendor_ids.is_empty() && p.vendor_admin_ids.is_empty(),
            "{}",
            b.name
        );
        assert!(s
            .vendor_contacts(&v.id, None)
            .await
            .unwrap()
            .iter()
            .all(|u| u.id != newbie.id));

        let before = global_seq(s).await;
        // The newcomer cannot confirm himself, and a pending membership is never activated
        // by a plain change (only by a confirmation, which replaces the credentials).
        let own = s
            .confirm_vendor_member(
                &as_user(&newbie.id),
                &v.id,
                &newbie.id,
                VendorRole::Member,
                "$argon2id$new",
                false,
            )
            .await;
        assert!(
            matches!(
                own,
                Err(StoreError::Membership(MembershipRefusal::SelfChange))
            ),
            "{}: {own:?}",
            b.name
        );
        let plain = s
            .change_vendor_member(
                &as_user(&admin.id),
                &v.id,
                &newbie.id,
                Some((VendorRole::Member, MembershipStatus::Active)),
                false,
            )
            .await;
        assert!(matches!(plain, Err(StoreError::Conflict(_))), "{plain:?}");
        assert!(s.principal(&newbie.id).await.unwrap().vendor_ids.is_empty());

        // The newcomer (or whoever holds the invitation link) signed in and made a token.
        let now = now_ms();
        s.create_session(
            &actor(),
            &mamori_store::SessionRecord {
                id_hash: "sess-newbie".into(),
                user_id: newbie.id.clone(),
                csrf_token: "c".into(),
                mfa_verified: false,
                created_at: now,
                last_seen_at: now,
                expires_at: now + 60_000,
                client_addr: None,
                user_agent: None,
            },
        )
        .await
        .unwrap();
        s.create_token(
            &actor(),
            &mamori_store::ApiToken {
                id: "tok-newbie".into(),
                user_id: newbie.id.clone(),
                name: "t".into(),
                prefix: "mamori_x".into(),
                created_at: now,
                last_used_at: None,
                expires_at: Some(now + 60_000),
                revoked_at: None,
            },
            "tokhash-newbie",
        )
        .await
        .unwrap();

        // The vendor's administrator confirms: a member now, with new credentials only.
        s.confirm_vendor_member(
            &as_user(&admin.id),
            &v.id,
            &newbie.id,
            VendorRole::Member,
            "$argon2id$new",
            false,
        )
        .await
        .unwrap();
        assert_eq!(
            s.principal(&newbie.id).await.unwrap().vendor_ids,
            vec![v.id.clone()]
        );
        let auth = s.user_auth(&newbie.id).await.unwrap().unwrap();
        assert_eq!(auth.password_hash, "$argon2id$new", "{}", b.name);
        assert!(auth.totp_secret.is_none());
        assert!(
            s.session("sess-newbie").await.unwrap().is_none(),
            "{}",
            b.name
        );
        let t = s.token_by_hash("tokhash-newbie").await.unwrap().unwrap();
        assert!(t.revoked_at.is_some(), "{}", b.name);
        // Confirming twice is refused.
        let again = s
            .confirm_vendor_member(
                &as_user(&admin.id),
                &v.id,
                &newbie.id,
                VendorRole::Member,
                "h",
                false,
            )
            .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))));
        let members = s.vendor_members(&v.id).await.unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].role, VendorRole::Admin, "administrators first");

        // The last administrator stays; a second one lets the first step down.
        let last = s
            .change_vendor_member(&as_user(&admin.id), &v.id, &admin.id, None, false)
            .await;
        assert!(matches!(
            last,
            Err(StoreError::Membership(MembershipRefusal::LastAdmin))
        ));
        s.change_vendor_member(
            &as_user(&admin.id),
            &v.id,
            &newbie.id,
            Some((VendorRole::Admin, MembershipStatus::Active)),
            false,
        )
        .await
        .unwrap();
        s.change_vendor_member(&as_user(&admin.id), &v.id, &admin.id, None, false)
            .await
            .unwrap();
        assert!(s.principal(&admin.id).await.unwrap().vendor_ids.is_empty());
        // Removing a membership that does not exist.
        assert!(matches!(
            s.change_vendor_member(&actor(), &v.id, &admin.id, None, true)
                .await,
            Err(StoreError::NotFound(_))
        ));
        // Every change made is in the (global) audit chain: session, token, confirm,
        // promote, remove.
        let after = global_seq(s).await;
        assert_eq!(after - before, 5, "{}", b.name);
    }
}

/// Two administrators each removing the other at once: the vendor's row is held, so one
/// wins and the vendor keeps an administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_cannot_remove_each_other_at_once() {
    for b in backends().await {
        for round in 0..5 {
            let s = b.store.clone();
            let v = s
                .create_vendor(&actor(), &format!("F社{round}"))
                .await
                .unwrap();
            let mut ids = vec![];
            for n in 0..2 {
                let u = s
                    .create_user(&actor(), user(&format!("a{n}.{round}@f.example.jp")))
                    .await
                    .unwrap();
                s.change_vendor_member(
                    &actor(),
                    &v.id,
                    &u.id,
                    Some((VendorRole::Admin, MembershipStatus::Active)),
                    true,
                )
                .await
                .unwrap();
                ids.push(u.id);
            }
            let barrier = Arc::new(tokio::sync::Barrier::new(2));
            let tasks: Vec<_> = [(0, 1), (1, 0)]
                .into_iter()
                .map(|(me, other)| {
                    let (s, barrier, ids, vid) =
                        (s.clone(), barrier.clone(), ids.clone(), v.id.clone());
                    tokio::spawn(async move {
                        barrier.wait().await;
                        s.change_vendor_member(&as_user(&ids[me]), &vid, &ids[other], None, false)
                            .await
                    })
                })
                .collect();
            let mut ok = 0;
            for t in tasks {
                if t.await.unwrap().is_ok() {
                    ok += 1;
                }
            }
            assert_eq!(ok, 1, "{} round {round}", b.name);
            let admins = s
                .vendor_members(&v.id)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.role == VendorRole::Admin)
                .count();
            assert_eq!(admins, 1, "{} round {round}", b.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn throttling_counts_every_attempt_and_survives_a_restart() {
    for b in backends().await {
        let s = b.store.as_ref();
        for t in 0..3 {
            assert_eq!(s.throttle_attempt("k", 3, 60_000, t).await.unwrap(), Ok(()));
        }
        assert_eq!(
            s.throttle_attempt("k", 3, 60_000, 10).await.unwrap(),
            Err(60)
        );
        assert_eq!(
            s.throttle_attempt("other", 3, 60_000, 10).await.unwrap(),
            Ok(())
        );
        s.throttle_forgive_one("k").await.unwrap();
        assert_eq!(
            s.throttle_attempt("k", 3, 60_000, 11).await.unwrap(),
            Ok(())
        );
        // Past the window the attempts are forgotten.
        assert_eq!(
            s.throttle_attempt("k", 3, 60_000, 60_011).await.unwrap(),
            Ok(())
        );
        s.throttle_clear("k").await.unwrap();
        assert_eq!(
            s.throttle_attempt("k", 1, 60_000, 60_012).await.unwrap(),
            Ok(())
        );
        assert!(s
            .throttle_attempt("k", 1, 60_000, 60_013)
            .await
            .unwrap()
            .is_err());

        // Parallel attempts are all counted: exactly `max` pass.
        let store = b.store.clone();
        let now = now_ms();
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let s = store.clone();
                tokio::spawn(async move { s.throttle_attempt("par", 5, 60_000, now).await })
            })
            .collect();
        let mut passed = 0;
        for t in tasks {
            if t.await.unwrap().unwrap().is_ok() {
                passed += 1;
            }
        }
        assert_eq!(passed, 5, "{}", b.name);
    }
    // A restart (a new process opening the same file) keeps the count.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let now = now_ms();
    {
        let s = SqliteStore::open(&path).await.unwrap();
        for _ in 0..2 {
            assert_eq!(
                s.throttle_attempt("acct", 2, 60_000, now).await.unwrap(),
                Ok(())
            );
        }
    }
    let s = SqliteStore::open(&path).await.unwrap();
    assert!(s
        .throttle_attempt("acct", 2, 60_000, now + 1)
        .await
        .unwrap()
        .is_err());
}
