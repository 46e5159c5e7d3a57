//! Issue 12's figures: the daily reminder job over every institution the bench loaded (each
//! with this year's sheet and three いいえ answers whose target dates are 5 and 20 days away
//! and 3 days past), run twice (the second run writes nothing: each reminder is keyed),
//! and the sender's round over the outbox it filled (no relay: the mail waits).

use super::*;
use mamori_domain::assessment::{Slot, YesNo};

pub(crate) async fn daily_bench(store: Arc<dyn Store>) -> Result<()> {
    let actor = Actor::system("bench");
    let ctx = mamori_app::Ctx::new(store.clone());
    let now = mamori_store::now_ms();
    let today = mamori_domain::time::date_jst(now);
    let day = |d: i64| mamori_domain::time::date_jst(now + d * 86_400_000);
    let fy = mamori_domain::time::current_fiscal_year() as i64;
    let (institutions, _) = store.list_institutions(0, 100_000).await?;
    let t = Instant::now();
    let mut sheets = 0;
    // The demo hospital is the role-sharing bench's; the loaded hospitals are this one's.
    for inst in institutions.iter().filter(|i| i.code != demo::DEMO_CODE) {
        let Ok(a) = store
            .create_assessment(
                &actor,
                &mamori_store::Assessment::draft(
                    &inst.id,
                    fy,
                    "mhlw/cyber-checklist-institution@R6",
                ),
                &[],
            )
            .await
        else {
            continue;
        };
        sheets += 1;
        for (item, days) in [("2-1", 5), ("2-2", 20), ("2-3", -3)] {
            store
                .save_assessment_answer(
                    &actor,
                    &mamori_store::AssessmentAnswer {
                        institution_id: inst.id.clone(),
                        assessment_id: a.id.clone(),
                        item_id: item.into(),
                        slot: Slot::All,
                        check1: Some(YesNo::No),
                        check1_on: Some(format!("{fy}-04-10")),
                        target_on: Some(day(days)),
                        ..Default::default()
                    },
                    0,
                )
                .await?;
        }
    }
    println!(
        "\nnotices: {sheets} sheets with 3 いいえ answers each prepared in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    for run in ["first", "again"] {
        let t = Instant::now();
        let written = mamori_app::notifications::daily(&ctx, &today).await?;
        println!(
            "daily reminder job over {} institutions ({run}): {:.1} ms, {written} notices written",
            institutions.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let t = Instant::now();
    let d = mamori_app::notifications::deliver_due(&ctx, 100).await?;
    let counts = store.outbox_counts().await?;
    println!(
        "sender round without a relay: {:.2} ms (sent {}, failed {}; {} mails waiting)",
        t.elapsed().as_secs_f64() * 1000.0,
        d.sent,
        d.failed,
        counts.waiting
    );
    Ok(())
}
