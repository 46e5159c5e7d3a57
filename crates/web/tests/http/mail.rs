//! Mail through a real SMTP server on loopback (aiosmtpd, `support/smtp_sink.py`): the
//! outbox keeps a message while the server is down and across a restart, and the message
//! arrives later with the right recipient, subject and link; a request for approval made
//! over HTTP reaches the executive's mailbox through the server's own sender.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The SMTP server: a child process that stops when dropped.
struct Sink {
    child: Child,
    port: u16,
    out: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Sink {
    fn start() -> Sink {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mail.jsonl");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/http/support/smtp_sink.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("smtp sink did not start: {line:?} (pip install aiosmtpd)"));
        Sink {
            child,
            port,
            out,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far.
    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Wait (at most 10 s) for `n` messages.
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..100 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.received()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A clock the test moves.
struct At(i64);
impl mamori_app::clock::Clock for At {
    fn now_ms(&self) -> i64 {
        self.0
    }
}

fn ctx(store: Arc<dyn Store>, smtp_url: String, now: i64) -> mamori_app::Ctx {
    mamori_app::Ctx::with(
        store,
        mamori_app::mail::MailConfig {
            smtp_url: Some(smtp_url),
            mail_from: "mamori@sakura.example.jp".into(),
            public_url: Some("https://mamori.sakura.example.jp".into()),
        },
        mamori_app::Limits::default(),
        Arc::new(At(now)),
    )
}

#[tokio::test]
async fn the_outbox_keeps_mail_through_a_dead_server_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    demo::load(store.as_ref()).await.unwrap();
    let inst = store.institution_by_code(DEMO_CODE).await.unwrap().unwrap();
    let written = store
        .add_notices(
            &Actor::system("test"),
            &[mamori_domain::notifications::NoticeDraft::new(
                mamori_domain::notifications::NotificationKind::ApprovalRequested,
                Some(&inst.id),
                mamori_domain::notifications::Audience::Role(Role::Executive),
                "/assessments/a-1",
                json!({"actor": "安全 花子", "institution": inst.name, "fiscal_year": 2025}),
            )],
        )
        .await
        .unwrap();
    assert_eq!(written, 1);

    // The server is down (nothing listens on the port): the attempt fails, the mail stays.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let now = now_ms();
    let down = ctx(store.clone(), format!("smtp://127.0.0.1:{closed}"), now);
    let d = mamori_app::notifications::deliver_due(&down, 10)
        .await
        .unwrap();
    assert_eq!((d.sent, d.failed), (0, 1));
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.waiting, counts.sent, counts.failed), (1, 0, 0));
    // Not tried again before its back-off.
    assert!(store.due_mail(now + 1_000, 10).await.unwrap().is_empty());
    drop(down);
    drop(store);

    // A restart: a new process on the same file, the server up, a minute later.
    let sink = Sink::start();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let mail = store.due_mail(now + 61_000, 10).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].attempts, 1);
    assert!(!mail[0].last_error.is_empty());
    let up = ctx(store.clone(), sink.url(), now + 61_000);
    let d = mamori_app::notifications::deliver_due(&up, 10)
        .await
        .unwrap();
    assert_eq!((d.sent, d.failed), (1, 0));
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["rcpt"], json!(["rijicho@sakura.example.jp"]));
    let subject = got[0]["subject"].as_str().unwrap();
    assert!(
        subject.contains("承認依頼") && subject.contains("令和7年度"),
        "{subject}"
    );
    let body = got[0]["body"].as_str().unwrap();
    assert!(
        body.contains("https://mamori.sakura.example.jp/assessments/a-1"),
        "{body}"
    );
    assert!(body.contains("安全 花子"), "{body}");
    // Sent once: the next round sends nothing.
    let d = mamori_app::notifications::deliver_due(&up, 10)
        .await
        .unwrap();
    assert_eq!((d.sent, d.failed), (0, 0));
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.waiting, counts.sent), (0, 1));
}

#[tokio::test]
async fn a_request_made_over_http_reaches_the_executives_mailbox() {
    let sink = Sink::start();
    let app = start_with(WebConfig {
        smtp_url: Some(sink.url()),
        public_url: Some("https://mamori.sakura.example.jp".into()),
        mail_poll_ms: 100,
        ..WebConfig::default()
    })
    .await;
    let a = new_assessment(&app).await;
    complete_sheet(&app, &a).await;
    let officer = login(&app, "anzen@sakura.example.jp").await;
    let r = officer
        .json(
            &app,
            Method::POST,
            &format!("/api/v1/assessments/{}/request-approval", a.id),
            Some(json!({"version": a.version})),
        )
        .await;
    assert_eq!(r.status(), 200);
    // The officer is also reminded of the demo's overdue target dates (the daily job ran at
    // start); the executive's mail is the request.
    let link = format!("https://mamori.sakura.example.jp/assessments/{}", a.id);
    let mut to_exec = vec![];
    for _ in 0..100 {
        to_exec = sink
            .received()
            .into_iter()
            .filter(|m| m["rcpt"] == json!(["rijicho@sakura.example.jp"]))
            .collect();
        if !to_exec.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(to_exec.len(), 1, "the server's sender delivered it");
    assert!(to_exec[0]["subject"].as_str().unwrap().contains("承認依頼"));
    assert!(to_exec[0]["body"].as_str().unwrap().contains(&link));
}
