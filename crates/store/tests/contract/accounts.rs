//! Institutions, users, roles, the second factor, sessions and API tokens.

use super::*;

#[tokio::test]
async fn institutions_create_read_update_with_versions() {
    for b in backends().await {
        let s = b.store.as_ref();
        assert!(s.is_empty().await.unwrap(), "{}", b.name);
        let i = new_inst(s, "1311234569").await;
        assert!(!s.is_empty().await.unwrap());
        assert_eq!(i.version, 1);
        assert_eq!(
            s.institution_by_code("1311234569").await.unwrap().unwrap(),
            i
        );
        assert_eq!(
            s.institution(&i.id).await.unwrap().unwrap().name,
            "病院 1311234569"
        );
        let dup = s.create_institution(&actor(), inst("1311234569")).await;
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
        let i = new_inst(s, "1311234569").await;
        let other = new_inst(s, "2711111111").await;
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
