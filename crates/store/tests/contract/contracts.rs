//! Systems, contracts, role-sharing items, and what vendors keep with a contract.

use super::*;
use mamori_domain::codes::{DocumentKind, Hosting, SystemCategory};
use mamori_domain::role_sharing::{ItemState, Party, Responsibility, StepKind};

#[tokio::test]
async fn systems_contracts_and_role_sharing_items_with_history_and_versions() {
    use mamori_store::{NewContract, NewSystem, RoleSharingItem, RoleSharingStep, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1311111111").await;
        let other = new_inst(s, "1322222222").await;
        let va = s.create_vendor(&actor(), "A社").await.unwrap();
        let vb = s.create_vendor(&actor(), "B社").await.unwrap();
        let sys = |inst: &str, name: &str| NewSystem {
            institution_id: inst.into(),
            name: name.into(),
            category: SystemCategory::Ehr,
            hosting: Hosting::OnPremise,
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
            starts_on: Some("2024-04-01".into()),
            ends_on: None,
            system_ids: systems,
            ..maintenance_contract(&i.id, vendor)
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
            responsibility: Some(Responsibility::Vendor),
            state: ItemState::Negotiating,
            proposed_by: Some(Party::Vendor),
            ..Default::default()
        };
        let step = |item: &RoleSharingItem, v: i64, kind: StepKind| RoleSharingStep {
            item: item.clone(),
            expected_version: v,
            party: Party::Vendor,
            step: kind,
            note: String::new(),
            notices: vec![],
        };
        let saved = s
            .save_role_sharing_item(&actor(), &step(&item, 0, StepKind::Propose))
            .await
            .unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(
            s.save_role_sharing_item(&actor(), &step(&item, 0, StepKind::Propose))
                .await,
            Err(StoreError::Conflict(_))
        ));
        let mut accepted = item.clone();
        accepted.state = ItemState::Agreed;
        // Two saves from the same version: one wins, the other is refused.
        let who = actor();
        let (sa, sp) = (
            step(&accepted, 1, StepKind::Accept),
            step(&item, 1, StepKind::Propose),
        );
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
            .save_role_sharing_item(&actor(), &step(&bad, 2, StepKind::Propose))
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
        // What the matrix reads, aggregated in one row: the same answers' judged fields.
        let full = &s.institution_role_sharing_items(&i.id).await.unwrap()[0];
        let cells = s.matrix_cells(&i.id).await.unwrap();
        assert_eq!(cells.len(), 1, "{}", b.name);
        let c = &cells[0];
        assert_eq!(
            (
                &c.contract_id,
                &c.item_id,
                c.responsibility,
                &c.other_vendor_id,
                c.state,
                c.first_check,
                &c.completed_on
            ),
            (
                &full.contract_id,
                &full.item_id,
                full.responsibility,
                &full.other_vendor_id,
                full.state,
                full.first_check,
                &full.completed_on
            ),
            "{}",
            b.name
        );
        assert!(full.responsibility.is_some());
        assert!(s.matrix_cells(&other.id).await.unwrap().is_empty());
        let h = s
            .role_sharing_history(&cb.id, Some("part2-a-2"))
            .await
            .unwrap();
        assert_eq!(h.len(), 2, "{}", b.name);
        assert_eq!(h[0].step, StepKind::Propose);
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
        Certification, ContractDocument, Invite, StandardAnswer, StoreError, Subcontractor,
    };
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1333333333").await;
        let other = new_inst(s, "1344444444").await;
        let v = s.create_vendor(&actor(), "B社").await.unwrap();
        let cert = |name: &str, exp: Option<&str>| Certification {
            id: String::new(),
            vendor_id: v.id.clone(),
            kind: mamori_domain::codes::CertKind::JisQ27001,
            name: name.into(),
            expires_on: exp.map(String::from),
            created_at: 0,
            file_name: None,
            sha256: None,
            media_type: None,
            file_size: None,
        };
        let c1 = s
            .add_certification(&actor(), &cert("ISMS", Some("2027-01-10")))
            .await
            .unwrap();
        s.add_certification(&actor(), &cert("Pマーク", None))
            .await
            .unwrap();
        let held = || async {
            s.certifications(std::slice::from_ref(&v.id))
                .await
                .unwrap()
                .len()
        };
        assert_eq!(held().await, 2);
        assert!(matches!(
            s.delete_certification(&actor(), "other-vendor", &c1.id)
                .await,
            Err(StoreError::NotFound(_))
        ));
        s.delete_certification(&actor(), &v.id, &c1.id)
            .await
            .unwrap();
        assert_eq!(held().await, 1);

        let c = s
            .create_contract(&actor(), &maintenance_contract(&i.id, &v.id))
            .await
            .unwrap();
        let doc = |inst: &str| ContractDocument {
            id: String::new(),
            institution_id: inst.into(),
            contract_id: c.id.clone(),
            kind: DocumentKind::Sla,
            file_name: "SLA.pdf".into(),
            sha256: "ab".repeat(32),
            size: 0,
            media_type: "application/pdf".into(),
            uploaded_by: None,
            uploaded_party: Party::Institution,
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
async fn sheet_standard_answers_are_saved_replaced_listed_and_removed() {
    use mamori_domain::assessment::{Slot, YesNo};
    use mamori_store::{Entity, SheetStandardAnswer, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let v = s.create_vendor(&actor(), "E社").await.unwrap();
        let other = s.create_vendor(&actor(), "F社").await.unwrap();
        let mut a = SheetStandardAnswer {
            vendor_id: v.id.clone(),
            product: "電子カルテ X".into(),
            catalog_id: "mhlw/cyber-checklist-vendor@R6".into(),
            item_id: "2-1".into(),
            slot: Slot::All,
            check1: YesNo::Yes,
            target_on: None,
            note: String::new(),
            updated_at: 0,
        };
        s.save_sheet_standard_answer(&actor(), &a).await.unwrap();
        a.check1 = YesNo::No;
        a.target_on = Some("2025-03-01".into());
        a.note = "次の更新で対応".into();
        s.save_sheet_standard_answer(&actor(), &a).await.unwrap();
        let server = SheetStandardAnswer {
            item_id: "2-12".into(),
            slot: Slot::Server,
            ..a.clone()
        };
        s.save_sheet_standard_answer(&actor(), &server)
            .await
            .unwrap();
        let all = s.sheet_standard_answers(&v.id).await.unwrap();
        assert_eq!(all.len(), 2, "{}: replaced, not added", b.name);
        let first = all.iter().find(|x| x.item_id == "2-1").unwrap();
        assert_eq!(
            (
                first.check1,
                first.target_on.as_deref(),
                first.note.as_str()
            ),
            (YesNo::No, Some("2025-03-01"), "次の更新で対応"),
            "{}",
            b.name
        );
        assert!(first.updated_at > 0);
        assert!(s
            .sheet_standard_answers(&other.id)
            .await
            .unwrap()
            .is_empty());
        // Another vendor's key removes nothing of this one.
        let foreign = SheetStandardAnswer {
            vendor_id: other.id.clone(),
            ..a.clone()
        };
        assert!(matches!(
            s.delete_sheet_standard_answer(&actor(), &foreign).await,
            Err(StoreError::NotFound(Entity::SheetStandardAnswer))
        ));
        s.delete_sheet_standard_answer(&actor(), &a).await.unwrap();
        assert_eq!(s.sheet_standard_answers(&v.id).await.unwrap().len(), 1);
        // An unknown vendor is refused.
        let orphan = SheetStandardAnswer {
            vendor_id: "no-such-vendor".into(),
            ..a.clone()
        };
        assert!(s
            .save_sheet_standard_answer(&actor(), &orphan)
            .await
            .is_err());
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}
