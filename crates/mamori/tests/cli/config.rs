//! Configuration precedence as the documentation states it (`src/config.rs`): a command-line
//! flag, then a `MAMORI_…` variable, then the TOML file, then the defaults; the file is
//! `--config` (or `MAMORI_CONFIG`), else `<data-dir>/mamori.toml` — with the data directory
//! itself defaulting to `./mamori-data`. Observed on the real binary: where `serve` listens
//! (`bind`) and which body limit it applies (`max_body_bytes`).

use super::*;
use std::path::Path;

/// `mamori serve` with `args` and `env` in `cwd`, healthy on `port` (and only there).
async fn serve_on(args: &[&str], env: &[(&str, &str)], cwd: &Path, port: u16) -> Server {
    let mut cmd = mamori(&[&["serve"], args].concat());
    cmd.current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let server = Server {
        child: Some(cmd.spawn().unwrap()),
        base: format!("http://127.0.0.1:{port}"),
    };
    let c = reqwest::Client::new();
    for _ in 0..150 {
        if c.get(format!("{}/healthz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("mamori serve {args:?} {env:?} did not listen on {port}");
}

/// The status of a sign-in POST of `n` bytes: 413 above the body limit, else 403 (no CSRF
/// token) — which shows the limit in force without signing in. The request is written by
/// hand: the headers first, announcing `n` bytes; a server refusing the size answers at
/// once (so the test never races a connection closed under a large body), otherwise the
/// body follows and the answer comes after it.
async fn post_of(server: &Server, n: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = server.base.trim_start_matches("http://");
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {n}\r\nConnection: close\r\n\r\n"
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let mut buf = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await;
    let got = match early {
        Ok(read) => read.unwrap(),
        Err(_) => {
            // No answer without the body: send it, then read the answer.
            sock.write_all("x".repeat(n).as_bytes()).await.unwrap();
            sock.read(&mut buf).await.unwrap()
        }
    };
    let line = String::from_utf8_lossy(&buf[..got]).to_string();
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {line:?}"))
}

fn port_str(p: u16) -> String {
    format!("127.0.0.1:{p}")
}

#[tokio::test]
async fn flag_beats_variable_beats_file_beats_default_and_the_default_file_is_read() {
    let cwd = tempfile::tempdir().unwrap();
    // No --data-dir, no --config: ./mamori-data/mamori.toml is the file.
    let data = cwd.path().join("mamori-data");
    std::fs::create_dir_all(&data).unwrap();
    let file_port = free_port();
    std::fs::write(
        data.join("mamori.toml"),
        format!(
            "bind = \"{}\"\nmax_body_bytes = 4096\n",
            port_str(file_port)
        ),
    )
    .unwrap();
    {
        let s = serve_on(&[], &[], cwd.path(), file_port).await;
        assert_eq!(post_of(&s, 8192).await, 413, "the file's body limit");
        assert_eq!(post_of(&s, 1024).await, 403);
        assert!(
            data.join("mamori.db").exists(),
            "the default data directory"
        );
    }
    // A variable beats the file.
    let env_port = free_port();
    {
        let s = serve_on(
            &[],
            &[
                ("MAMORI_BIND", &port_str(env_port)),
                ("MAMORI_MAX_BODY_BYTES", "65536"),
            ],
            cwd.path(),
            env_port,
        )
        .await;
        assert_eq!(post_of(&s, 8192).await, 403, "the variable's body limit");
        assert_eq!(post_of(&s, 100_000).await, 413);
        assert!(
            reqwest::get(format!("http://{}/healthz", port_str(file_port)))
                .await
                .is_err(),
            "nothing listens where the file said"
        );
    }
    // A flag beats the variable.
    let flag_port = free_port();
    {
        let s = serve_on(
            &["--bind", &port_str(flag_port)],
            &[("MAMORI_BIND", &port_str(env_port))],
            cwd.path(),
            flag_port,
        )
        .await;
        assert_eq!(
            post_of(&s, 8192).await,
            413,
            "the file still sets what no one overrides"
        );
    }
    // --data-dir moves the default file with it; --config (or MAMORI_CONFIG) replaces it.
    let other = tempfile::tempdir().unwrap();
    let dir_port = free_port();
    std::fs::write(
        other.path().join("mamori.toml"),
        format!("bind = \"{}\"\n", port_str(dir_port)),
    )
    .unwrap();
    {
        let s = serve_on(
            &["--data-dir", other.path().to_str().unwrap()],
            &[],
            cwd.path(),
            dir_port,
        )
        .await;
        assert_eq!(post_of(&s, 8192).await, 403, "the default limit (1 MiB)");
        assert_eq!(post_of(&s, 2 * 1024 * 1024).await, 413);
    }
    let cfg_port = free_port();
    let cfg = cwd.path().join("elsewhere.toml");
    std::fs::write(&cfg, format!("bind = \"{}\"\n", port_str(cfg_port))).unwrap();
    {
        let s = serve_on(
            &[
                "--data-dir",
                other.path().to_str().unwrap(),
                "--config",
                cfg.to_str().unwrap(),
            ],
            &[],
            cwd.path(),
            cfg_port,
        )
        .await;
        drop(s);
    }
    let env_cfg_port = free_port();
    std::fs::write(&cfg, format!("bind = \"{}\"\n", port_str(env_cfg_port))).unwrap();
    let _s = serve_on(
        &[],
        &[("MAMORI_CONFIG", cfg.to_str().unwrap())],
        cwd.path(),
        env_cfg_port,
    )
    .await;
}
