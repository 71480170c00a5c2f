//! Taking a queue over from the deployed event source mapping, and giving it back.
//!
//! The deployed stack has its own `AWS::Lambda::EventSourceMapping`s. In moto an enabled
//! mapping acts on every `SendMessage`: it receives the new messages (raising their
//! `ApproximateReceiveCount`, which the redrive policy and the report builder's last-attempt
//! logic count on), tries to run the function in Docker, fails, and makes them visible again.
//! In AWS it would compete with the local poller for the messages. So while `stackgen dev`
//! polls a queue, the deployed mapping is disabled (`UpdateEventSourceMapping Enabled=false`),
//! and on stop the mappings that were enabled are enabled again, leaving the stack as deployed.
//!
//! A run that is killed outright (SIGKILL, a crash) cannot give them back, so the paused
//! mappings are also written to [`RECORD`] in the log directory, with the run's process id: the
//! next run takes over the ones it finds there still disabled, and enables them when it stops,
//! unless the run that paused them is still alive (a second `stackgen dev` of the environment
//! beside the first), whose they stay.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::dev::logs::LogSink;
use crate::dev::plan::QueueMapping;

/// The file, in `stackgen dev`'s log directory, of the mappings a run paused and has not given
/// back yet: `pid <its process id>`, then one UUID a line.
pub const RECORD: &str = "paused-mappings.txt";

/// The deployed mappings this run paused.
#[derive(Debug, Default)]
pub struct Handover {
    paused: Vec<String>,
    record: Option<PathBuf>,
}

impl Handover {
    /// Disables the deployed copy of each mapping that has one and is enabled, and takes over
    /// the ones an earlier run paused and never gave back (the record in `log_dir`).
    pub async fn take(
        lambda: &aws_sdk_lambda::Client,
        mappings: &[QueueMapping],
        logs: &LogSink,
        log_dir: Option<&Path>,
    ) -> Handover {
        let (record, earlier) = claim_record(log_dir, logs);
        let mut paused = Vec::new();
        for mapping in mappings {
            let Some(uuid) = &mapping.deployed_uuid else {
                continue;
            };
            if take_one(lambda, mapping, uuid, &earlier, logs).await {
                paused.push(uuid.clone());
                // Recorded at once: a run killed half way through still leaves a record of
                // what it paused.
                write_record(record.as_deref(), &paused, logs);
            }
        }
        write_record(record.as_deref(), &paused, logs);
        Handover { paused, record }
    }

    /// Enables again what [`take`](Self::take) disabled; what fails stays in the record for the
    /// next run.
    pub async fn give_back(self, lambda: &aws_sdk_lambda::Client, logs: &LogSink) {
        let source: Arc<str> = Arc::from("dev");
        let mut left = Vec::new();
        for uuid in &self.paused {
            if let Err(e) = lambda
                .update_event_source_mapping()
                .uuid(uuid)
                .enabled(true)
                .send()
                .await
            {
                logs.line(
                    &source,
                    format!(
                        "cannot re-enable the deployed event source mapping {uuid}: {}; the next `stackgen dev` enables it when it stops, or `stackgen kill-switch reset` does now",
                        crate::aws::cause_chain(&e)
                    ),
                );
                left.push(uuid.clone());
            }
        }
        write_record(self.record.as_deref(), &left, logs);
    }
}

/// The process that wrote a record and the UUIDs in it; nothing when there is no record.
fn read_record(path: &Path) -> (Option<u32>, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut owner = None;
    let mut uuids = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.strip_prefix("pid ") {
            Some(pid) => owner = pid.parse().ok(),
            None => uuids.push(line.to_owned()),
        }
    }
    (owner, uuids)
}

/// Whether process `pid` is running (Linux's /proc, where `stackgen dev` runs).
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Writes `left` as the record at `path` (or removes it when `left` is empty).
fn write_record(path: Option<&Path>, left: &[String], logs: &LogSink) {
    let Some(path) = path else {
        return;
    };
    let written = if left.is_empty() {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    } else {
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let mut text = format!("pid {}\n", std::process::id());
                for uuid in left {
                    text.push_str(uuid);
                    text.push('\n');
                }
                std::fs::write(path, text)
            })
    };
    if let Err(e) = written {
        logs.line(
            &Arc::from("dev"),
            format!(
                "cannot write {}: {e}; a stackgen dev killed outright would leave its paused mappings paused",
                path.display()
            ),
        );
    }
}

/// The record in `log_dir` and the mappings it lists, unless the run that wrote it is still
/// alive: then neither is this run's (no record is written, nothing is adopted).
fn claim_record(log_dir: Option<&Path>, logs: &LogSink) -> (Option<PathBuf>, Vec<String>) {
    let record = log_dir.map(|d| d.join(RECORD));
    let (owner, earlier) = record.as_deref().map(read_record).unwrap_or_default();
    match owner.filter(|&pid| pid != std::process::id() && alive(pid)) {
        Some(pid) => {
            logs.line(
                &Arc::from("dev"),
                format!(
                    "another stackgen dev (pid {pid}) has paused this stack's queue mappings; they stay its own to give back"
                ),
            );
            (None, Vec::new())
        }
        None => (record, earlier),
    }
}

/// Pauses the deployed mapping `uuid` if it is enabled, or adopts it if an earlier run left it
/// paused (`earlier`): whether this run now has it to give back.
async fn take_one(
    lambda: &aws_sdk_lambda::Client,
    mapping: &QueueMapping,
    uuid: &str,
    earlier: &[String],
    logs: &LogSink,
) -> bool {
    let source: Arc<str> = Arc::from("dev");
    let left_paused = earlier.iter().any(|e| e == uuid);
    let say = |line: String| logs.line(&source, line);
    let id = &mapping.logical_id;
    let current = match lambda.get_event_source_mapping().uuid(uuid).send().await {
        Ok(current) => current,
        Err(e) => {
            let cause = crate::aws::cause_chain(&e);
            say(if left_paused {
                // Paused by a run that did not give it back: kept, to be enabled on stop.
                format!(
                    "cannot read the deployed event source mapping {id} ({uuid}): {cause}; it stays in the record, to be enabled when this run stops"
                )
            } else {
                format!(
                    "cannot read the deployed event source mapping {id} ({uuid}): {cause}; polling anyway"
                )
            });
            return left_paused;
        }
    };
    if !matches!(
        current.state(),
        Some("Enabled" | "Enabling" | "Updating") | None
    ) {
        if left_paused {
            say(format!(
                "the deployed event source mapping {id} was left paused by a stackgen dev that did not stop cleanly; it is enabled again when this one stops"
            ));
        }
        return left_paused;
    }
    match lambda
        .update_event_source_mapping()
        .uuid(uuid)
        .enabled(false)
        .send()
        .await
    {
        Ok(_) => {
            say(format!(
                "paused the deployed event source mapping {id} while stackgen dev polls its queue"
            ));
            true
        }
        Err(e) => {
            say(format!(
                "cannot pause the deployed event source mapping {id} ({uuid}): {}; the emulator may receive messages too",
                crate::aws::cause_chain(&e)
            ));
            false
        }
    }
}
