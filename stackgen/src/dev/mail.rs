//! What the order notifier would have emailed: `stackgen dev` prints every message the
//! emulator's SES accepted, so a developer sees the customer emails without a mailbox.
//!
//! The emulator lists accepted messages at `GET /_emulator/ses/outbox` (scripts/emulator.py);
//! this polls it every two seconds and prints each new message once, under the `mail` source.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::logs::LogSink;

const EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Deserialize)]
struct Outbox {
    messages: Vec<Mail>,
}

#[derive(Debug, Deserialize)]
struct Mail {
    id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: Vec<String>,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// Prints new messages of the emulator at `endpoint` until `shutdown`.
pub async fn watch(endpoint: String, logs: LogSink, shutdown: CancellationToken) {
    let source: Arc<str> = Arc::from("mail");
    let url = format!("{}/_emulator/ses/outbox", endpoint.trim_end_matches('/'));
    let mut seen: HashSet<String> = HashSet::new();
    let mut first = true;
    while !shutdown.is_cancelled() {
        if let Ok((200, body)) = super::loopback_http::get(&url).await
            && let Ok(outbox) = serde_json::from_slice::<Outbox>(&body)
        {
            for mail in outbox.messages {
                if !seen.insert(mail.id.clone()) || first {
                    continue; // sent before this run: not news
                }
                let mut text = format!(
                    "from {} to {}: {}",
                    mail.from,
                    mail.to.join(", "),
                    mail.subject
                );
                for line in mail.body.lines() {
                    text.push_str("\n    ");
                    text.push_str(line);
                }
                logs.line(&source, text);
            }
            first = false;
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.cancelled() => break,
        }
    }
}
