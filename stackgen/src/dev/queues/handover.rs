//! Taking a queue over from the deployed event source mapping, and giving it back.
//!
//! The deployed stack has its own `AWS::Lambda::EventSourceMapping`s. In moto an enabled
//! mapping acts on every `SendMessage`: it receives the new messages (raising their
//! `ApproximateReceiveCount`, which the redrive policy and the report builder's last-attempt
//! logic count on), tries to run the function in Docker, fails, and makes them visible again.
//! In AWS it would compete with the local poller for the messages. So while `stackgen dev`
//! polls a queue, the deployed mapping is disabled (`UpdateEventSourceMapping Enabled=false`),
//! and on stop the mappings that were enabled are enabled again, leaving the stack as deployed.

use std::sync::Arc;

use crate::dev::logs::LogSink;
use crate::dev::plan::QueueMapping;

/// The deployed mappings this run paused.
#[derive(Debug, Default)]
pub struct Handover {
    paused: Vec<String>,
}

impl Handover {
    /// Disables the deployed copy of each mapping that has one and is enabled.
    pub async fn take(
        lambda: &aws_sdk_lambda::Client,
        mappings: &[QueueMapping],
        logs: &LogSink,
    ) -> Handover {
        let source: Arc<str> = Arc::from("dev");
        let mut paused = Vec::new();
        for mapping in mappings {
            let Some(uuid) = &mapping.deployed_uuid else {
                continue;
            };
            let current = match lambda.get_event_source_mapping().uuid(uuid).send().await {
                Ok(current) => current,
                Err(e) => {
                    logs.line(
                        &source,
                        format!(
                            "cannot read the deployed event source mapping {} ({uuid}): {}; polling anyway",
                            mapping.logical_id,
                            crate::aws::cause_chain(&e)
                        ),
                    );
                    continue;
                }
            };
            if !matches!(
                current.state(),
                Some("Enabled" | "Enabling" | "Updating") | None
            ) {
                continue;
            }
            match lambda
                .update_event_source_mapping()
                .uuid(uuid)
                .enabled(false)
                .send()
                .await
            {
                Ok(_) => {
                    logs.line(
                        &source,
                        format!(
                            "paused the deployed event source mapping {} while stackgen dev polls its queue",
                            mapping.logical_id
                        ),
                    );
                    paused.push(uuid.clone());
                }
                Err(e) => logs.line(
                    &source,
                    format!(
                        "cannot pause the deployed event source mapping {} ({uuid}): {}; the emulator may receive messages too",
                        mapping.logical_id,
                        crate::aws::cause_chain(&e)
                    ),
                ),
            }
        }
        Handover { paused }
    }

    /// Enables again what [`take`](Self::take) disabled.
    pub async fn give_back(self, lambda: &aws_sdk_lambda::Client, logs: &LogSink) {
        let source: Arc<str> = Arc::from("dev");
        for uuid in self.paused {
            if let Err(e) = lambda
                .update_event_source_mapping()
                .uuid(&uuid)
                .enabled(true)
                .send()
                .await
            {
                logs.line(
                    &source,
                    format!(
                        "cannot re-enable the deployed event source mapping {uuid}: {}; run `stackgen deploy` to restore it",
                        crate::aws::cause_chain(&e)
                    ),
                );
            }
        }
    }
}
