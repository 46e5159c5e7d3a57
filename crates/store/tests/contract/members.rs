//! The last-officer rule, checked by the store inside the transaction of a revocation (or of
//! a grant that sets an expiry): an institution always keeps a live security officer, even
//! when two officers are revoked at the same moment.

use super::{actor, backends, events, inst, new_inst, user};
use mamori_domain::Role;
use mamori_store::prelude::*;
use mamori_store::{now_ms, ConflictKind, StoreError};
use std::sync::Arc;
use tokio::sync::Barrier;

fn is_last_officer<T: std::fmt::Debug>(r: &Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict(ConflictKind::LastOfficer)))
}

async fn officers(s: &dyn Store, institution_id: &str) -> Vec<String> {
    let now = now_ms();
    s.members(institution_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.roles
                .iter()
                .any(|(r, e)| *r == Role::SecurityOfficer && e.is_none_or(|e| e > now))
        })
        .map(|m| m.user.id)
        .collect()
}

#[tokio::test]
async fn the_last_live_security_officer_can_be_neither_revoked_nor_given_an_expiry() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1311234569").await;
        let a = s.create_user(&actor(), user("a@example.jp")).await.unwrap();
        let lapsed = s.create_user(&actor(), user("l@example.jp")).await.unwrap();
        s.grant_role(&actor(), &i.id, &a.id, Role::SecurityOfficer, None)
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &a.id, Role::Staff, None)
            .await
            .unwrap();
        // An officer whose grant has lapsed does not count, and may be removed.
        s.grant_role(
            &actor(),
            &i.id,
            &lapsed.id,
            Role::SecurityOfficer,
            Some(now_ms() + 50),
        )
        .await
        .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;

        let before = events(s, &i.id).await.len();
        let r = s
            .revoke_role(&actor(), &i.id, &a.id, Role::SecurityOfficer)
            .await;
        assert!(is_last_officer(&r), "{}: {r:?}", b.name);
        assert_eq!(officers(s, &i.id).await, vec![a.id.clone()], "{}", b.name);
        assert_eq!(
            events(s, &i.id).await.len(),
            before,
            "{}: a refused revocation writes no event",
            b.name
        );
        // Other roles of the last officer, and a lapsed officer grant, go as before.
        s.revoke_role(&actor(), &i.id, &a.id, Role::Staff)
            .await
            .unwrap();
        s.revoke_role(&actor(), &i.id, &lapsed.id, Role::SecurityOfficer)
            .await
            .unwrap();
        // With a second live officer, the first may go; then the second is the last.
        let c = s.create_user(&actor(), user("c@example.jp")).await.unwrap();
        s.grant_role(&actor(), &i.id, &c.id, Role::SecurityOfficer, None)
            .await
            .unwrap();
        s.revoke_role(&actor(), &i.id, &a.id, Role::SecurityOfficer)
            .await
            .unwrap();
        let r = s
            .revoke_role(&actor(), &i.id, &c.id, Role::SecurityOfficer)
            .await;
        assert!(is_last_officer(&r), "{}: {r:?}", b.name);
        // Nor may the last officer's grant be given an expiry; a second officer's may.
        let r = s
            .grant_role(
                &actor(),
                &i.id,
                &c.id,
                Role::SecurityOfficer,
                Some(now_ms() + 86_400_000),
            )
            .await;
        assert!(is_last_officer(&r), "{}: {r:?}", b.name);
        assert_eq!(
            s.members(&i.id).await.unwrap()[0].roles,
            vec![(Role::SecurityOfficer, None)],
            "{}: the refused grant changed nothing",
            b.name
        );
        s.grant_role(&actor(), &i.id, &a.id, Role::SecurityOfficer, None)
            .await
            .unwrap();
        s.grant_role(
            &actor(),
            &i.id,
            &c.id,
            Role::SecurityOfficer,
            Some(now_ms() + 86_400_000),
        )
        .await
        .unwrap();
        s.revoke_role(&actor(), &i.id, &c.id, Role::SecurityOfficer)
            .await
            .unwrap();
        // A role nobody holds is still NotFound, not a conflict.
        assert!(matches!(
            s.revoke_role(&actor(), &i.id, &c.id, Role::SecurityOfficer)
                .await,
            Err(StoreError::NotFound(mamori_store::Entity::Role))
        ));
    }
}

/// Two officers, two revocations started together on two threads: exactly one succeeds and
/// one officer remains. On PostgreSQL the two transactions really run at once (the row lock
/// on the institution orders them); on SQLite the single writer does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_revocations_of_two_officers_leave_one() {
    for b in backends().await {
        for round in 0..5 {
            let s: Arc<dyn Store> = b.store.clone();
            let i = s
                .create_institution(&actor(), inst(&format!("13{round:08}")))
                .await
                .unwrap();
            let mut ids = Vec::new();
            for n in 0..2 {
                let u = s
                    .create_user(&actor(), user(&format!("o{round}-{n}@example.jp")))
                    .await
                    .unwrap();
                s.grant_role(&actor(), &i.id, &u.id, Role::SecurityOfficer, None)
                    .await
                    .unwrap();
                ids.push(u.id);
            }
            let barrier = Arc::new(Barrier::new(2));
            let tasks: Vec<_> = ids
                .iter()
                .map(|uid| {
                    let (s, barrier) = (s.clone(), barrier.clone());
                    let (iid, uid) = (i.id.clone(), uid.clone());
                    tokio::spawn(async move {
                        barrier.wait().await;
                        s.revoke_role(&actor(), &iid, &uid, Role::SecurityOfficer)
                            .await
                    })
                })
                .collect();
            let mut ok = 0;
            let mut refused = 0;
            for t in tasks {
                match t.await.unwrap() {
                    Ok(()) => ok += 1,
                    Err(StoreError::Conflict(ConflictKind::LastOfficer)) => refused += 1,
                    Err(other) => panic!("{} round {round}: {other}", b.name),
                }
            }
            assert_eq!((ok, refused), (1, 1), "{} round {round}", b.name);
            let left = officers(s.as_ref(), &i.id).await;
            assert_eq!(left.len(), 1, "{} round {round}: {left:?}", b.name);
            assert!(ids.contains(&left[0]));
        }
    }
}
