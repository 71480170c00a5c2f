//! Stopping the real `stackgen dev` binary: the `local` stack deployed to moto, the real
//! function binaries running (every one a `lambda_runtime` client long-polling
//! `…/invocation/next`), then a signal. On SIGINT (Ctrl-C), SIGTERM or SIGHUP the command must
//! exit 0, no worker may print a panic (a `/next` answered without
//! `Lambda-Runtime-Aws-Request-Id` makes `lambda_runtime` panic), no worker process may outlive
//! it, and the deployed queue mappings it paused are enabled again. A run killed outright
//! (SIGKILL) cannot do that: the next run finds the mappings it left paused in its record and
//! enables them when it stops, unless the run that wrote the record is alive.

mod dev_support;

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dev_support::{BoxError, Moto, TestResult, eventually, free_port, http, workspace};

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

/// One `stackgen dev` run: started, serving, with every worker up.
struct Run {
    dev: std::process::Child,
    workers: Vec<u32>,
    out_path: PathBuf,
    err_path: PathBuf,
}

impl Run {
    fn logs(&self) -> String {
        format!(
            "{}{}",
            std::fs::read_to_string(&self.out_path).unwrap_or_default(),
            std::fs::read_to_string(&self.err_path).unwrap_or_default()
        )
    }
}

async fn start(moto: &Moto, dir: &std::path::Path, run: usize) -> Result<Run, BoxError> {
    let bin_dir = dev_support::function_binaries()?;
    let port = free_port()?;
    let (out_path, err_path) = (
        dir.join(format!("stdout{run}")),
        dir.join(format!("stderr{run}")),
    );
    let dev = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["dev", "--env", "local", "--pool-size", "1", "--port"])
        .arg(port.to_string())
        .arg("--bin-dir")
        .arg(&bin_dir)
        .arg("--log-dir")
        .arg(dir.join("logs"))
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
    let mut run = Run {
        dev,
        workers: Vec::new(),
        out_path,
        err_path,
    };
    if serving.is_none() {
        let _ = run.dev.kill();
        let _ = run.dev.wait();
        return Err(format!("stackgen dev did not serve the catalog:\n{}", run.logs()).into());
    }
    // Every function has its worker (one warm environment each), all waiting on /next; the
    // HTTP functions and the two queue consumers at least.
    let mut expected: Vec<&str> = retail_spec::ROUTES.iter().map(|r| r.function.id).collect();
    expected.sort_unstable();
    expected.dedup();
    let expected = expected.len() + 2;
    run.workers = eventually(Duration::from_secs(30), || async {
        let w = children_of(pid);
        (w.len() >= expected).then_some(w)
    })
    .await
    .unwrap_or_else(|| children_of(pid));
    if run.workers.len() < expected {
        let _ = run.dev.kill();
        let _ = run.dev.wait();
        return Err(format!("workers {:?}\n{}", run.workers, run.logs()).into());
    }
    Ok(run)
}

/// Sends `signal` and waits up to 30 s for the exit.
async fn stop(run: &mut Run, signal: libc::c_int) -> Result<std::process::ExitStatus, BoxError> {
    // SAFETY: kill(2) with a pid this test spawned and still owns (not yet reaped).
    let sent = unsafe { libc::kill(run.dev.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0, "sending signal {signal}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = run.dev.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = run.dev.kill();
            let _ = run.dev.wait();
            return Err(format!("no exit within 30 s of signal {signal}:\n{}", run.logs()).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The states of the deployed stack's event source mappings of queues (every reader of a table
/// stream reads all of it, so `stackgen dev` leaves the stream's deployed mapping alone).
async fn mapping_states(moto: &Moto) -> Result<Vec<String>, BoxError> {
    let lambda = aws_sdk_lambda::Client::new(&moto.sdk_config().await);
    let listed = lambda.list_event_source_mappings().send().await?;
    Ok(listed
        .event_source_mappings()
        .iter()
        .filter(|m| {
            m.event_source_arn()
                .is_some_and(|a| a.starts_with("arn:aws:sqs:"))
        })
        .map(|m| {
            let source = m.event_source_arn().unwrap_or("?");
            let source = source.rsplit(':').next().unwrap_or(source);
            format!("{source}: {}", m.state().unwrap_or("?"))
        })
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stop_signal_stops_every_worker_and_gives_the_queues_back() -> TestResult {
    let moto = Moto::start()?;
    let env = stackgen::env::load_named(&workspace().join("environments"), "local")?;
    dev_support::deploy_local(&moto, &env).await?;
    let dir = std::env::temp_dir().join(format!("stackgen-dev-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let enabled = mapping_states(&moto).await?;
    assert!(
        !enabled.is_empty() && enabled.iter().all(|s| s.ends_with(": Enabled")),
        "{enabled:?}"
    );

    // Killed outright: nothing runs on the way out, so the mappings stay paused and its workers
    // are left (killed here).
    let mut killed = start(&moto, &dir, 0).await?;
    stop(&mut killed, libc::SIGKILL).await?;
    for w in &killed.workers {
        // SAFETY: kill(2) of the killed run's orphaned workers, found under its pid.
        unsafe { libc::kill(*w as libc::pid_t, libc::SIGKILL) };
    }
    let paused = mapping_states(&moto).await?;
    assert!(
        paused.iter().all(|s| s.ends_with(": Disabled")),
        "{paused:?}"
    );

    // A record whose run is still alive (here, this test's own process) is that run's: a second
    // dev beside it leaves the mappings to it.
    let record = dir.join("logs").join("paused-mappings.txt");
    let written = std::fs::read_to_string(&record)?;
    let (_, uuids) = written
        .split_once('\n')
        .ok_or("the record has no pid line")?;
    std::fs::write(&record, format!("pid {}\n{uuids}", std::process::id()))?;
    let mut beside = start(&moto, &dir, 9).await?;
    let status = stop(&mut beside, libc::SIGTERM).await?;
    assert!(status.success(), "{}", beside.logs());
    assert!(
        beside.logs().contains("another stackgen dev"),
        "{}",
        beside.logs()
    );
    let still = mapping_states(&moto).await?;
    assert!(still.iter().all(|s| s.ends_with(": Disabled")), "{still:?}");
    std::fs::write(&record, &written)?;

    for (run, signal) in [(1, libc::SIGTERM), (2, libc::SIGHUP), (3, libc::SIGINT)] {
        let mut dev = start(&moto, &dir, run).await?;
        let status = stop(&mut dev, signal).await?;
        let output = dev.logs();
        assert!(
            status.success(),
            "signal {signal}: exit {status}:\n{output}"
        );
        assert!(
            !output.contains("panicked"),
            "a panic on shutdown:\n{output}"
        );
        let left: Vec<u32> = dev.workers.iter().copied().filter(|w| alive(*w)).collect();
        assert!(left.is_empty(), "workers left running: {left:?}\n{output}");
        let states = mapping_states(&moto).await?;
        assert_eq!(states, enabled, "signal {signal}:\n{output}");
        if run == 1 {
            assert!(output.contains("left paused by a stackgen dev"), "{output}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
