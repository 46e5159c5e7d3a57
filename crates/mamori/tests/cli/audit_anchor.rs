//! `mamori audit checkpoint` and `mamori audit verify` against a tampered SQLite data
//! directory: the three cases (a) the last event deleted and the head moved back,
//! (b) an institution's whole chain and head deleted, (c) a middle event altered with every
//! later hash and the head recomputed — and a rollback of the whole database file, caught
//! by a checkpoint kept outside the machine.

use super::{mamori, run, serve, text};
use mamori_domain::audit::{AuditRecord, GENESIS};
use std::path::Path;
use std::time::Duration;

const DEMO: &str = "1311234569";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The database files of a data directory (the file and its WAL).
fn db_files(dir: &Path) -> Vec<std::path::PathBuf> {
    ["mamori.db", "mamori.db-wal", "mamori.db-shm"]
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.exists())
        .collect()
}

async fn pool(dir: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}/mamori.db", dir.display()))
        .await
        .unwrap()
}

async fn exec(p: &sqlx::SqlitePool, sql: &str) {
    sqlx::query(sql).execute(p).await.unwrap();
}

type Row = (
    String,
    String,
    i64,
    Option<String>,
    i64,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// Alter the third event of `chain` and recompute every later hash and the head, as an
/// attacker who knows the encoding would.
async fn rewrite_middle(p: &sqlx::SqlitePool, chain: &str) {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, chain, seq, institution_id, occurred_at, actor_user_id, actor_label, \
         action, target_kind, target_id, changes, request_id, client_addr, prev_hash, hash \
         FROM audit_events WHERE chain = $1 ORDER BY seq",
    )
    .bind(chain)
    .fetch_all(p)
    .await
    .unwrap();
    let mut prev = (0, GENESIS.to_string());
    for (i, r) in rows.into_iter().enumerate() {
        let mut e = AuditRecord {
            id: r.0,
            chain: r.1,
            seq: r.2,
            institution_id: r.3,
            occurred_at: r.4,
            actor_user_id: r.5,
            actor_label: r.6,
            action: r.7,
            target_kind: r.8,
            target_id: r.9,
            changes: r.10,
            request_id: r.11,
            client_addr: r.12,
            prev_hash: r.13,
            hash: r.14,
        };
        if i == 2 {
            e.actor_label = "mallory@example.jp".into();
        }
        if i >= 2 {
            e.seal(prev.0, &prev.1);
            sqlx::query(
                "UPDATE audit_events SET actor_label = $1, prev_hash = $2, hash = $3 WHERE id = $4",
            )
            .bind(&e.actor_label)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(&e.id)
            .execute(p)
            .await
            .unwrap();
        }
        prev = (e.seq, e.hash.clone());
    }
    sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE chain = $3")
        .bind(prev.0)
        .bind(&prev.1)
        .bind(chain)
        .execute(p)
        .await
        .unwrap();
}

#[tokio::test]
async fn checkpoints_reveal_rollback_deletion_and_rewriting_through_the_cli() {
    let root = tempfile::tempdir().unwrap();
    let demo = root.path().join("demo");
    {
        let _s = serve(&["--demo", "--data-dir", demo.to_str().unwrap()]).await;
        // The server takes its first daily checkpoint at start-up.
        let dir = demo.join("checkpoints");
        // Verifying the demo's chains before signing can take minutes on a busy two-core
        // machine (the suite runs builds alongside); wait for the file, not for a guess.
        let deadline = std::time::Instant::now() + Duration::from_secs(600);
        while !std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
            assert!(
                std::time::Instant::now() < deadline,
                "no start-up checkpoint in {} after ten minutes",
                dir.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 1, "one start-up checkpoint");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(demo.join("audit-signing.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let p = pool(&demo).await;
    let (inst,): (String,) = sqlx::query_as("SELECT id FROM institutions WHERE code = $1")
        .bind(DEMO)
        .fetch_one(&p)
        .await
        .unwrap();
    p.close().await;
    let ok = run(&["audit", "verify", "--data-dir", demo.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(
        text(&ok).contains("チェックポイント 1 件と照合しました"),
        "{}",
        text(&ok)
    );

    let cases: [(&str, &str); 3] = [
        ("a", "were removed (rollback or truncation)"),
        ("b", "the whole chain is missing"),
        ("c", "was rewritten"),
    ];
    for (case, expected) in cases {
        let dir = root.path().join(case);
        copy_dir(&demo, &dir);
        let d = dir.to_str().unwrap();
        let usb = root.path().join(format!("usb-{case}.txt"));
        let cp = run(&[
            "audit",
            "checkpoint",
            "--data-dir",
            d,
            "--out",
            usb.to_str().unwrap(),
        ]);
        assert_eq!(cp.status.code(), Some(0), "{}", text(&cp));
        assert!(text(&cp).contains("鍵の指紋"), "{}", text(&cp));
        let printed = std::fs::read_to_string(&usb).unwrap();
        assert!(printed.contains("さくら総合病院 (1311234569)") && printed.contains(&inst));
        let p = pool(&dir).await;
        match case {
            "a" => {
                let last = format!("(SELECT seq FROM audit_heads WHERE chain = '{inst}')");
                let delete =
                    format!("DELETE FROM audit_events WHERE chain = '{inst}' AND seq = {last}");
                exec(&p, &delete).await;
                let back = format!(
                    "UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM audit_events \
                     WHERE chain = '{inst}' AND seq = audit_heads.seq - 1) WHERE chain = '{inst}'"
                );
                exec(&p, &back).await;
            }
            "b" => {
                exec(
                    &p,
                    &format!("DELETE FROM audit_events WHERE chain = '{inst}'"),
                )
                .await;
                exec(
                    &p,
                    &format!("DELETE FROM audit_heads WHERE chain = '{inst}'"),
                )
                .await;
            }
            _ => rewrite_middle(&p, &inst).await,
        }
        p.close().await;
        let bad = run(&["audit", "verify", "--data-dir", d]);
        let out = text(&bad);
        assert_eq!(bad.status.code(), Some(1), "case ({case}): {out}");
        assert!(
            out.contains("改ざんを検出しました")
                && out.contains(&format!("chain {inst}"))
                && out.contains("さくら総合病院")
                && out.contains(expected),
            "case ({case}): {out}"
        );
        // A tampered chain is never signed.
        let refused = run(&["audit", "checkpoint", "--data-dir", d]);
        assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
        assert!(text(&refused).contains("チェックポイントは作成しませんでした"));
    }

    // The plainer tamperings, each through the binary (the store suite runs all of them on
    // both databases): every one exits 1 and names the chain.
    let head = "(SELECT seq FROM audit_heads WHERE chain = '{i}')";
    let event3 = "WHERE chain = '{i}' AND seq = 3";
    let columns = "id, chain, seq, institution_id, occurred_at, actor_user_id, actor_label, \
         action, target_kind, target_id, changes, request_id, client_addr";
    let plain: [(&str, String, &str); 13] = [
        (
            "alter a field",
            format!("UPDATE audit_events SET changes = '{{}}' {event3}"),
            "was altered",
        ),
        (
            "alter the actor",
            format!("UPDATE audit_events SET actor_label = 'mallory' {event3}"),
            "was altered",
        ),
        (
            "alter the time",
            format!("UPDATE audit_events SET occurred_at = occurred_at + 1 {event3}"),
            "was altered",
        ),
        (
            "delete a middle event",
            format!("DELETE FROM audit_events {event3}"),
            "does not follow seq 2",
        ),
        (
            "swap two",
            "UPDATE audit_events SET seq = 100000 WHERE chain = '{i}' AND seq = 2; \
             UPDATE audit_events SET seq = 2 WHERE chain = '{i}' AND seq = 3; \
             UPDATE audit_events SET seq = 3 WHERE chain = '{i}' AND seq = 100000"
                .into(),
            "seq 2",
        ),
        (
            "delete the last",
            format!("DELETE FROM audit_events WHERE chain = '{{i}}' AND seq = {head}"),
            "but its head records seq",
        ),
        (
            "alter the head hash",
            "UPDATE audit_heads SET hash = (SELECT hash FROM audit_events \
             WHERE chain = '{i}' AND seq = 1) WHERE chain = '{i}'"
                .into(),
            "but its head records seq",
        ),
        (
            "alter the head seq",
            "UPDATE audit_heads SET seq = seq + 1 WHERE chain = '{i}'".into(),
            "but its head records seq",
        ),
        (
            "delete the head row",
            "DELETE FROM audit_heads WHERE chain = '{i}'".into(),
            "(head) was removed",
        ),
        (
            "alter prev_hash",
            format!("UPDATE audit_events SET prev_hash = hash {event3}"),
            "was altered",
        ),
        (
            "append an event",
            format!(
                "INSERT INTO audit_events ({columns}, prev_hash, hash) \
                 SELECT {}, hash, hash FROM audit_events \
                 WHERE chain = '{{i}}' AND seq = {head}",
                columns
                    .replacen("id,", "'forged',", 1)
                    .replacen(" seq,", " seq + 1,", 1)
            ),
            "was altered",
        ),
        (
            "delete the stored checkpoint",
            "DELETE FROM audit_checkpoints".into(),
            "was removed from the database",
        ),
        (
            "alter the stored checkpoint",
            "UPDATE audit_checkpoints SET body = REPLACE(body, '共通', '改ざん')".into(),
            "the signature does not match",
        ),
    ];
    for (n, (what, sql, expected)) in plain.iter().enumerate() {
        let dir = root.path().join(format!("plain-{n}"));
        copy_dir(&demo, &dir);
        let p = pool(&dir).await;
        for statement in sql.replace("{i}", &inst).split(';') {
            exec(&p, statement).await;
        }
        p.close().await;
        let bad = run(&["audit", "verify", "--data-dir", dir.to_str().unwrap()]);
        let out = text(&bad);
        assert_eq!(bad.status.code(), Some(1), "{what}: {out}");
        let named = if what.contains("checkpoint") {
            out.contains("chain global") || out.contains("checkpoint database")
        } else {
            out.contains(&format!("chain {inst}"))
        };
        assert!(named && out.contains(expected), "{what}: {out}");
    }

    // Rolling the whole database back to an earlier copy, and removing the checkpoint
    // files on the machine: only the checkpoint kept elsewhere tells.
    let dir = root.path().join("rollback");
    copy_dir(&demo, &dir);
    let d = dir.to_str().unwrap();
    let old = root.path().join("old-copy");
    std::fs::create_dir_all(&old).unwrap();
    for f in db_files(&dir) {
        std::fs::copy(&f, old.join(f.file_name().unwrap())).unwrap();
    }
    // The key moved out of the data directory, named by MAMORI_AUDIT_KEY_FILE.
    let key = root.path().join("keys/audit.key");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    std::fs::rename(dir.join("audit-signing.key"), &key).unwrap();
    let created = mamori(&[
        "user",
        "create",
        "--email",
        "new@sakura.example.jp",
        "--name",
        "新人",
        "--data-dir",
        d,
    ])
    .output()
    .unwrap();
    assert_eq!(created.status.code(), Some(0), "{}", text(&created));
    let usb = root.path().join("usb-rollback.txt");
    let cp = mamori(&[
        "audit",
        "checkpoint",
        "--data-dir",
        d,
        "--out",
        usb.to_str().unwrap(),
    ])
    .env("MAMORI_AUDIT_KEY_FILE", &key)
    .output()
    .unwrap();
    assert_eq!(cp.status.code(), Some(0), "{}", text(&cp));
    assert!(
        !dir.join("audit-signing.key").exists(),
        "the key lives where the configuration says"
    );
    for f in db_files(&dir) {
        std::fs::remove_file(f).unwrap();
    }
    for f in db_files(&old) {
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::remove_dir_all(dir.join("checkpoints")).unwrap();
    let verify = |extra: &[&str]| {
        let mut args = vec!["audit", "verify", "--data-dir", d];
        args.extend_from_slice(extra);
        mamori(&args)
            .env("MAMORI_AUDIT_KEY_FILE", &key)
            .output()
            .unwrap()
    };
    let unseen = verify(&[]);
    assert_eq!(unseen.status.code(), Some(0), "{}", text(&unseen));
    let caught = verify(&["--checkpoint", usb.to_str().unwrap()]);
    let out = text(&caught);
    assert_eq!(caught.status.code(), Some(1), "{out}");
    assert!(
        out.contains("chain global")
            && out.contains("rollback or truncation")
            && out.contains("usb-rollback.txt"),
        "{out}"
    );
    // Checkpoints signed with a key that is not this installation's are reported.
    let foreign = root.path().join("foreign");
    copy_dir(&demo, &foreign);
    std::fs::write(
        foreign.join("audit-signing.key"),
        format!("{}\n", "07".repeat(32)),
    )
    .unwrap();
    let other = run(&["audit", "verify", "--data-dir", foreign.to_str().unwrap()]);
    assert_eq!(other.status.code(), Some(1), "{}", text(&other));
    assert!(
        text(&other).contains("signed with another key"),
        "{}",
        text(&other)
    );
}
