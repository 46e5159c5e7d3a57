//! Audit atomicity under a forced failure: a trigger makes the insert of one kind of audit
//! event abort, and the change that event accompanied must be rolled back with it (the event
//! is written in the change's own transaction), on both backends.

use super::{actor, backends, events, new_inst, Raw};
use mamori_domain::Role;
use mamori_store::prelude::*;
use mamori_store::{verify_audit, InstitutionSettings};

/// Make every insert of an audit event with `action` fail.
async fn refuse_audit_of(raw: &Raw, action: &str) {
    match raw {
        Raw::Sqlite(_) => {
            raw.exec(&format!(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
                 WHEN NEW.action = '{action}' \
                 BEGIN SELECT RAISE(ABORT, 'audit insert refused by test'); END"
            ))
            .await
        }
        Raw::Pg(_) => {
            raw.exec(
                "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'audit insert refused by test'; END $$",
            )
            .await;
            raw.exec(&format!(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW \
                 WHEN (NEW.action = '{action}') EXECUTE FUNCTION refuse_audit()"
            ))
            .await
        }
    }
}

async fn drop_refusal(raw: &Raw) {
    match raw {
        Raw::Sqlite(_) => raw.exec("DROP TRIGGER refuse_audit").await,
        Raw::Pg(_) => {
            raw.exec("DROP TRIGGER refuse_audit ON audit_events").await;
            raw.exec("DROP FUNCTION refuse_audit()").await;
        }
    }
}

async fn global_and_chain_heads(s: &dyn Store) -> Vec<(String, i64, String)> {
    s.audit_heads()
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.chain, h.seq, h.hash))
        .collect()
}

#[tokio::test]
async fn a_change_whose_audit_event_cannot_be_written_is_rolled_back() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1311234569").await;
        let officer = s
            .create_user(&actor(), super::user("o@example.jp"))
            .await
            .unwrap();
        s.grant_role(&actor(), &i.id, &officer.id, Role::Staff, None)
            .await
            .unwrap();
        let heads = global_and_chain_heads(s).await;
        let before = events(s, &i.id).await;

        // An update of the institution.
        refuse_audit_of(&b.raw, "institution.update").await;
        let settings = InstitutionSettings {
            name: "改名".into(),
            beds: 999,
            mfa_required: true,
        };
        let r = s.update_institution(&actor(), &i.id, 1, settings).await;
        assert!(r.is_err(), "{}: the trigger refused the event", b.name);
        let now = s.institution(&i.id).await.unwrap().unwrap();
        assert_eq!(
            (now.name.as_str(), now.beds, now.mfa_required, now.version),
            (i.name.as_str(), i.beds, i.mfa_required, 1),
            "{}: the update was rolled back with its event",
            b.name
        );
        drop_refusal(&b.raw).await;

        // A vendor (a new row in the global chain's area).
        refuse_audit_of(&b.raw, "vendor.create").await;
        assert!(s.create_vendor(&actor(), "消えるはずの社").await.is_err());
        assert!(
            s.list_vendors().await.unwrap().is_empty(),
            "{}: the vendor was rolled back with its event",
            b.name
        );
        drop_refusal(&b.raw).await;

        // A revocation (a deleted row).
        refuse_audit_of(&b.raw, "member.revoke_role").await;
        assert!(s
            .revoke_role(&actor(), &i.id, &officer.id, Role::Staff)
            .await
            .is_err());
        assert_eq!(
            s.members(&i.id).await.unwrap()[0].roles,
            vec![(Role::Staff, None)],
            "{}: the revocation was rolled back with its event",
            b.name
        );
        drop_refusal(&b.raw).await;

        assert_eq!(
            global_and_chain_heads(s).await,
            heads,
            "{}: no chain moved",
            b.name
        );
        assert_eq!(events(s, &i.id).await, before);
        assert!(verify_audit(s).await.unwrap().is_ok(), "{}", b.name);

        // With the trigger gone the same changes go through, with their events.
        s.create_vendor(&actor(), "残る社").await.unwrap();
        s.revoke_role(&actor(), &i.id, &officer.id, Role::Staff)
            .await
            .unwrap();
        assert!(verify_audit(s).await.unwrap().is_ok(), "{}", b.name);
    }
}
