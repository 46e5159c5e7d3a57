//! Notices and the outbox on both backends: who a notice reaches (live roles only, the
//! actor left out, each user once), a keyed reminder written once, the mail opt-out, the
//! outbox's claim, failure and sending, and each user reading only their own notices.

use super::{actor, backends, new_inst, user};
use mamori_domain::notifications::{Audience, NoticeDraft, NotificationKind};
use mamori_domain::Role;
use serde_json::json;

#[tokio::test]
async fn notices_reach_live_roles_once_and_mail_follows_preferences() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1311111111").await;
        let other = new_inst(s, "1322222222").await;
        let exec = s
            .create_user(&actor(), user("exec@example.jp"))
            .await
            .unwrap();
        let gone = s
            .create_user(&actor(), user("gone@example.jp"))
            .await
            .unwrap();
        let elsewhere = s
            .create_user(&actor(), user("else@example.jp"))
            .await
            .unwrap();
        let me = s
            .create_user(&actor(), user("me@example.jp"))
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &exec.id, Role::Executive, None)
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &gone.id, Role::Executive, Some(1))
            .await
            .unwrap();
        s.grant_role(&actor(), &other.id, &elsewhere.id, Role::Executive, None)
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &me.id, Role::Executive, None)
            .await
            .unwrap();
        let by_me = mamori_store::Actor {
            user_id: Some(me.id.clone()),
            ..actor()
        };
        let draft = |audience| {
            NoticeDraft::new(
                NotificationKind::ApprovalRequested,
                Some(&i.id),
                audience,
                "/assessments/x",
                json!({"fiscal_year": 2025}),
            )
        };
        // The role, and the same user named again: one notice; the actor and an expired
        // grant get none; another institution's executive none.
        let n = s
            .add_notices(
                &by_me,
                &[
                    draft(Audience::Role(Role::Executive)),
                    draft(Audience::User(exec.id.clone())),
                ],
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "{}", b.name);
        assert_eq!(s.unread_notifications(&exec.id).await.unwrap(), 1);
        for u in [&gone.id, &elsewhere.id, &me.id] {
            assert_eq!(s.unread_notifications(u).await.unwrap(), 0, "{}", b.name);
        }
        let mail = s.due_mail(i64::MAX, 10).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].to_address, "exec@example.jp");
        assert_eq!(mail[0].kind, NotificationKind::ApprovalRequested);

        // A keyed reminder is written once however often the job runs.
        let keyed = draft(Audience::User(exec.id.clone())).once("target:x:1-1:all:7");
        assert_eq!(
            s.add_notices(&actor(), std::slice::from_ref(&keyed))
                .await
                .unwrap(),
            1
        );
        assert_eq!(s.add_notices(&actor(), &[keyed]).await.unwrap(), 0);

        // Opted out of the kind: the notice, no mail.
        s.set_mail_preference(&actor(), &exec.id, NotificationKind::Approved, false)
            .await
            .unwrap();
        assert_eq!(
            s.mail_opt_outs(&exec.id).await.unwrap(),
            [NotificationKind::Approved]
        );
        let approved = NoticeDraft::new(
            NotificationKind::Approved,
            Some(&i.id),
            Audience::User(exec.id.clone()),
            "/assessments/x",
            json!({}),
        );
        assert_eq!(s.add_notices(&actor(), &[approved]).await.unwrap(), 1);
        assert_eq!(
            s.due_mail(i64::MAX, 10).await.unwrap().len(),
            2,
            "no third mail"
        );
        // Mail to an address with no account: no notice, the mail only.
        let to_address = NoticeDraft::new(
            NotificationKind::InspectorLinkShared,
            Some(&i.id),
            Audience::Address("kensa@pref.example.jp".into()),
            "/inspect/secret",
            json!({}),
        );
        assert_eq!(s.add_notices(&actor(), &[to_address]).await.unwrap(), 0);
        let mail = s.due_mail(i64::MAX, 10).await.unwrap();
        let link = mail
            .iter()
            .find(|m| m.to_address == "kensa@pref.example.jp")
            .unwrap();

        // The outbox: a claim is taken once; a failure waits for its retry; once sent, the
        // credential in the link is not kept.
        assert!(s
            .claim_mail(&link.id, link.next_attempt_at, 10)
            .await
            .unwrap());
        assert!(!s
            .claim_mail(&link.id, link.next_attempt_at, 10)
            .await
            .unwrap());
        s.mail_failed(&link.id, "connection refused", 1_000)
            .await
            .unwrap();
        let again = s.due_mail(1_000, 10).await.unwrap();
        let again = again.iter().find(|m| m.id == link.id).unwrap();
        assert_eq!(
            (again.attempts, again.last_error.as_str()),
            (1, "connection refused")
        );
        assert!(s
            .due_mail(999, 10)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != link.id));
        s.mail_sent(&link.id, 2_000).await.unwrap();
        assert!(s
            .due_mail(i64::MAX, 10)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != link.id));
        let counts = s.outbox_counts().await.unwrap();
        assert_eq!(
            (counts.waiting, counts.sent, counts.failed),
            (2, 1, 0),
            "{}",
            b.name
        );

        // Reading: one's own notices only.
        let list = s.notifications(&exec.id, 10).await.unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].kind, NotificationKind::Approved, "newest first");
        assert!(!s.mark_notification_read(&me.id, &list[0].id).await.unwrap());
        assert!(s
            .mark_notification_read(&exec.id, &list[0].id)
            .await
            .unwrap());
        assert_eq!(s.unread_notifications(&exec.id).await.unwrap(), 2);
        assert_eq!(s.mark_all_notifications_read(&exec.id).await.unwrap(), 2);
        assert_eq!(s.unread_notifications(&exec.id).await.unwrap(), 0);
    }
}
