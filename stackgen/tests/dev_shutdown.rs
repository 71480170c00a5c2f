//! Ctrl-C of the real `stackgen dev` binary: the `local` stack deployed to moto, the real
//! function binaries running (every one a `lambda_runtime` client long-polling
//! `…/invocation/next`), then SIGINT. The command must exit 0, no worker may print a panic (a
//! `/next` answered without `Lambda-Runtime-Aws-Request-Id` makes `lambda_runtime` panic), and
//! no worker process may outlive it.

mod dev_support;

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dev_support::{Moto, TestResult, eventually, free_port, http, workspace};

/// Live (not zombie) processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat")).is_ok_and(|stat| {
                // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
                let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
                let mut fields = after.split_whitespace();
                let state = fields.next().unwrap_or("Z");
                let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
                state != "Z" && ppid == Some(pid)
            })
        })
        .collect()
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_every_worker_without_a_panic() -> TestResult {
    let moto = Moto::start()?;
    let env = stackgen::env::load_named(&workspace().join("environments"), "local")?;
    dev_support::deploy_local(&moto, &env).await?;
    let bin_dir = dev_support::function_binaries()?;

    let port = free_port()?;
    let logs = std::env::temp_dir().join(format!("stackgen-dev-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&logs)?;
    let (out_path, err_path): (PathBuf, PathBuf) = (logs.join("stdout"), logs.join("stderr"));
    let mut dev = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["dev", "--env", "local", "--pool-size", "1", "--port"])
        .arg(port.to_string())
        .arg("--bin-dir")
        .arg(&bin_dir)
        .current_dir(workspace())
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::from(File::create(&out_path)?))
        .stderr(Stdio::from(File::create(&err_path)?))
        .spawn()?;
    let pid = dev.id();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let serving = eventually(Duration::from_secs(120), || async {
        let reply = http(addr, "GET", "/api/catalog?limit=1", &[], "")
            .await
            .ok()?;
        (reply.status == 200).then_some(())
    })
    .await;
    let read_logs = || {
        format!(
            "{}{}",
            std::fs::read_to_string(&out_path).unwrap_or_default(),
            std::fs::read_to_string(&err_path).unwrap_or_default()
        )
    };
    if serving.is_none() {
        let _ = dev.kill();
        let _ = dev.wait();
        return Err(format!("stackgen dev did not serve the catalog:\n{}", read_logs()).into());
    }
    // Every function has its worker (one warm environment each), all waiting on /next; the
    // HTTP functions and the two queue consumers at least.
    let mut expected: Vec<&str> = retail_spec::ROUTES.iter().map(|r| r.function.id).collect();
    expected.sort_unstable();
    expected.dedup();
    let expected = expected.len() + 2;
    let workers = eventually(Duration::from_secs(30), || async {
        let w = children_of(pid);
        (w.len() >= expected).then_some(w)
    })
    .await
    .unwrap_or_else(|| children_of(pid));
    assert!(
        workers.len() >= expected,
        "workers {workers:?}\n{}",
        read_logs()
    );

    // SAFETY: kill(2) with a pid this test spawned and still owns (not yet reaped).
    let sent = unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0, "sending SIGINT");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = dev.try_wait()? {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = dev.kill();
            let _ = dev.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let output = read_logs();
    let _ = std::fs::remove_dir_all(&logs);
    let status = status.ok_or_else(|| format!("no exit within 30 s of SIGINT:\n{output}"))?;
    assert!(status.success(), "exit {status}:\n{output}");
    assert!(
        !output.contains("panicked"),
        "a panic on shutdown:\n{output}"
    );
    let left: Vec<u32> = workers.into_iter().filter(|w| alive(*w)).collect();
    assert!(left.is_empty(), "workers left running: {left:?}\n{output}");
    Ok(())
}
