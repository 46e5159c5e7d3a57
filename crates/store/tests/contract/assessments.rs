//! Assessments (answers, approval lock, revisions) and vendor sheets.

use super::*;
use mamori_domain::assessment::{Slot, YesNo};

#[tokio::test]
async fn assessments_answers_approval_lock_and_revisions() {
    use mamori_store::{Assessment, AssessmentAnswer, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1355555555").await;
        let other = new_inst(s, "1366666666").await;
        let new = |inst: &str, fy: i64| Assessment {
            fiscal_year: fy,
            ..assessment(inst)
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
        let ans = |inst: &str, item: &str, slot: Slot| AssessmentAnswer {
            institution_id: inst.into(),
            assessment_id: a.id.clone(),
            item_id: item.into(),
            slot,
            check1: Some(YesNo::No),
            check1_on: Some("2024-06-10".into()),
            target_on: Some("2024-12-01".into()),
            ..Default::default()
        };
        let saved = s
            .save_assessment_answer(&actor(), &ans(&i.id, "2-4", Slot::Server), 0)
            .await
            .unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(
            s.save_assessment_answer(&actor(), &ans(&i.id, "2-4", Slot::Server), 0)
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(
            matches!(
                s.save_assessment_answer(&actor(), &ans(&other.id, "2-4", Slot::Terminal), 0)
                    .await,
                Err(StoreError::NotFound(_))
            ),
            "{}: another institution cannot write into it",
            b.name
        );
        let who = actor();
        let (x, y) = (
            ans(&i.id, "2-4", Slot::Server),
            ans(&i.id, "2-4", Slot::Server),
        );
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
        let ev = |kind: mamori_domain::codes::EvidenceKind, label: &str, sha: Option<String>| {
            mamori_store::Evidence {
                id: String::new(),
                institution_id: i.id.clone(),
                assessment_id: a.id.clone(),
                item_id: "1-1".into(),
                kind,
                ref_id: None,
                label: label.into(),
                sha256: sha,
                media_type: Some("application/pdf".into()),
                effective_on: "2024-06-01".into(),
                created_by: None,
                created_label: String::new(),
                created_at: 0,
            }
        };
        let content = b"%PDF-1.7 wrong file".to_vec();
        let hash = format!("{:064x}", 7u8);
        let wrong = s
            .add_evidence(
                &actor(),
                &ev(
                    mamori_domain::codes::EvidenceKind::File,
                    "別病院の規程.pdf",
                    Some(hash),
                ),
                Some(&content),
            )
            .await
            .unwrap();
        let kept = s
            .add_evidence(
                &actor(),
                &ev(
                    mamori_domain::codes::EvidenceKind::Officer,
                    "安全管理責任者",
                    None,
                ),
                None,
            )
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

        let approved = s.approve_assessment(&actor(), &a.id, 1, &[]).await.unwrap();
        assert_eq!(
            approved.status,
            mamori_domain::codes::AssessmentStatus::Approved
        );
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
                s.save_assessment_answer(&actor(), &ans(&i.id, "1-1", Slot::All), 0)
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "an approved sheet is locked"
        );
        assert!(matches!(
            s.approve_assessment(&actor(), &a.id, approved.version, &[])
                .await,
            Err(StoreError::Conflict(_))
        ));
        let reopened = s
            .reopen_assessment(&actor(), &a.id, approved.version, "機器の追加")
            .await
            .unwrap();
        assert_eq!((reopened.status.as_str(), reopened.revision), ("draft", 2));
        s.save_assessment_answer(&actor(), &ans(&i.id, "1-1", Slot::All), 0)
            .await
            .unwrap();
        s.approve_assessment(&actor(), &a.id, reopened.version, &[])
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
            let x = ans(&i.id, &item, Slot::All);
            let who = actor();
            let (saved, approved) = tokio::join!(
                s.save_assessment_answer(&who, &x, 0),
                s.approve_assessment(&who, &a.id, reopened.version, &[])
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
    use mamori_store::{AssessmentAnswer, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777777").await;
        let v = s.create_vendor(&actor(), "B社").await.unwrap();
        let c = s
            .create_contract(&actor(), &maintenance_contract(&i.id, &v.id))
            .await
            .unwrap();
        let a = s
            .create_assessment(&actor(), &assessment(&i.id), &[])
            .await
            .unwrap();
        let pair = vec![(c.id.clone(), v.id.clone())];
        let vendor_catalog = "mhlw/cyber-checklist-vendor@R6";
        assert_eq!(
            s.request_vendor_sheets(&actor(), &a, &pair, vendor_catalog, &[])
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            s.request_vendor_sheets(&actor(), &a, &pair, vendor_catalog, &[])
                .await
                .unwrap(),
            0
        );
        let wrong = vec![(c.id.clone(), "other-vendor".to_string())];
        assert_eq!(
            s.request_vendor_sheets(&actor(), &a, &wrong, vendor_catalog, &[])
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
            slot: Slot::All,
            check1: Some(YesNo::Yes),
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
        s.submit_vendor_sheet(&actor(), &sh.id, sh.version, &[])
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
        assert_eq!(
            submitted.status,
            mamori_domain::codes::VendorSheetStatus::Submitted
        );
        // 差し戻し: only a submitted sheet at its current version; it opens again with the
        // reason, and the next submission clears the reason.
        assert!(matches!(
            s.return_vendor_sheet(&actor(), &sh.id, submitted.version + 1, "備考が空", &[])
                .await,
            Err(StoreError::Conflict(_))
        ));
        s.return_vendor_sheet(
            &actor(),
            &sh.id,
            submitted.version,
            "1-1 の確認日が誤り",
            &[],
        )
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
                s.return_vendor_sheet(&actor(), &sh.id, returned.version, "again", &[])
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "{}: a sheet not submitted cannot be returned",
            b.name
        );
        let again = s.save_vendor_sheet_answer(&actor(), &ans, 1).await.unwrap();
        assert_eq!(again.version, 2, "answerable again after the return");
        s.submit_vendor_sheet(&actor(), &sh.id, returned.version, &[])
            .await
            .unwrap();
        let resubmitted = s.vendor_sheet(&sh.id).await.unwrap().unwrap();
        assert_eq!(
            resubmitted.status,
            mamori_domain::codes::VendorSheetStatus::Submitted
        );
        assert_eq!(resubmitted.returned_reason, "");
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}
