//! The SQS event a batch of messages becomes, and what a function's batch response means.
//!
//! The event has Lambda's shape (`Records[]` with `messageId`, `receiptHandle`, `body`,
//! `attributes`, `messageAttributes` as `{stringValue, binaryValue, stringListValues,
//! binaryListValues, dataType}`, `md5OfBody`, `eventSource: "aws:sqs"`, `eventSourceARN`,
//! `awsRegion`). The response follows Lambda's partial batch rules: an empty or null response
//! or `batchItemFailures` means every message succeeded; an unparseable response, or an
//! `itemIdentifier` that is empty, null or not in the batch, fails the whole batch.

use std::collections::BTreeMap;

use aws_sdk_sqs::types::{Message, MessageAttributeValue};
use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SqsEvent {
    #[serde(rename = "Records")]
    pub records: Vec<SqsRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SqsRecord {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub attributes: BTreeMap<String, String>,
    pub message_attributes: BTreeMap<String, SqsMessageAttribute>,
    pub md5_of_body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5_of_message_attributes: Option<String>,
    pub event_source: &'static str,
    #[serde(rename = "eventSourceARN")]
    pub event_source_arn: String,
    pub aws_region: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SqsMessageAttribute {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary_value: Option<String>,
    pub string_list_values: Vec<String>,
    pub binary_list_values: Vec<String>,
    pub data_type: String,
}

/// The event for `messages` received from the queue `queue_arn`.
pub fn build_event(messages: &[Message], queue_arn: &str, region: &str) -> SqsEvent {
    SqsEvent {
        records: messages
            .iter()
            .map(|m| SqsRecord {
                message_id: m.message_id().unwrap_or_default().to_owned(),
                receipt_handle: m.receipt_handle().unwrap_or_default().to_owned(),
                body: m.body().unwrap_or_default().to_owned(),
                attributes: m
                    .attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                message_attributes: m
                    .message_attributes()
                    .map(|a| a.iter().map(|(k, v)| (k.clone(), attribute(v))).collect())
                    .unwrap_or_default(),
                md5_of_body: m.md5_of_body().unwrap_or_default().to_owned(),
                md5_of_message_attributes: m.md5_of_message_attributes().map(str::to_owned),
                event_source: "aws:sqs",
                event_source_arn: queue_arn.to_owned(),
                aws_region: region.to_owned(),
            })
            .collect(),
    }
}

fn attribute(v: &MessageAttributeValue) -> SqsMessageAttribute {
    let b64 = |b: &aws_sdk_sqs::primitives::Blob| {
        base64::engine::general_purpose::STANDARD.encode(b.as_ref())
    };
    SqsMessageAttribute {
        string_value: v.string_value().map(str::to_owned),
        binary_value: v.binary_value().map(b64),
        string_list_values: v.string_list_values().to_vec(),
        binary_list_values: v.binary_list_values().iter().map(b64).collect(),
        data_type: v.data_type().to_owned(),
    }
}

/// What to do with a batch after the function answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchVerdict {
    /// Delete every message.
    AllSucceeded,
    /// Delete all but these message ids.
    PartialFailure(Vec<String>),
    /// Delete nothing (they return after the visibility timeout), with the reason.
    WholeBatchFailed(String),
}

/// Reads a function's response to a batch of `batch` message ids.
pub fn verdict(payload: &[u8], batch: &[&str]) -> BatchVerdict {
    let text = String::from_utf8_lossy(payload);
    if text.trim().is_empty() {
        return BatchVerdict::AllSucceeded;
    }
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return BatchVerdict::WholeBatchFailed(format!("the response is not JSON ({e})"));
        }
    };
    let failures = match &value {
        Value::Null => return BatchVerdict::AllSucceeded,
        Value::Object(map) => match map.get("batchItemFailures") {
            None | Some(Value::Null) => return BatchVerdict::AllSucceeded,
            Some(Value::Array(items)) => items,
            Some(other) => {
                return BatchVerdict::WholeBatchFailed(format!(
                    "batchItemFailures must be a list, got {other}"
                ));
            }
        },
        other => {
            return BatchVerdict::WholeBatchFailed(format!(
                "the response must be an object, got {other}"
            ));
        }
    };
    let mut failed = Vec::new();
    for item in failures {
        match item.get("itemIdentifier") {
            Some(Value::String(id)) if !id.is_empty() && batch.contains(&id.as_str()) => {
                if !failed.contains(id) {
                    failed.push(id.clone());
                }
            }
            other => {
                return BatchVerdict::WholeBatchFailed(format!(
                    "itemIdentifier {} is empty, null or not a message of the batch",
                    other.map_or("(missing)".to_owned(), Value::to_string)
                ));
            }
        }
    }
    if failed.is_empty() {
        BatchVerdict::AllSucceeded
    } else {
        BatchVerdict::PartialFailure(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_batch_rules_follow_lambda() {
        let batch = ["a", "b", "c"];
        assert_eq!(verdict(b"", &batch), BatchVerdict::AllSucceeded);
        assert_eq!(verdict(b"null", &batch), BatchVerdict::AllSucceeded);
        assert_eq!(verdict(b"{}", &batch), BatchVerdict::AllSucceeded);
        assert_eq!(
            verdict(br#"{"batchItemFailures":[]}"#, &batch),
            BatchVerdict::AllSucceeded
        );
        assert_eq!(
            verdict(br#"{"batchItemFailures":null}"#, &batch),
            BatchVerdict::AllSucceeded
        );
        assert_eq!(
            verdict(
                br#"{"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"b"}]}"#,
                &batch
            ),
            BatchVerdict::PartialFailure(vec!["b".into()])
        );
        for whole in [
            &br#"not json"#[..],
            br#"{"batchItemFailures":[{"itemIdentifier":""}]}"#,
            br#"{"batchItemFailures":[{"itemIdentifier":null}]}"#,
            br#"{"batchItemFailures":[{"id":"a"}]}"#,
            br#"{"batchItemFailures":[{"itemIdentifier":"zzz"}]}"#,
            br#"{"batchItemFailures":"a"}"#,
            br#"[1]"#,
        ] {
            assert!(
                matches!(verdict(whole, &batch), BatchVerdict::WholeBatchFailed(_)),
                "{}",
                String::from_utf8_lossy(whole)
            );
        }
    }

    #[test]
    fn event_has_lambda_shape() {
        use aws_sdk_sqs::types::MessageSystemAttributeName as A;
        let message = Message::builder()
            .message_id("m-1")
            .receipt_handle("rh-1")
            .body("{\"orderId\":\"o-1\"}")
            .md5_of_body("abc")
            .attributes(A::ApproximateReceiveCount, "1")
            .attributes(A::SentTimestamp, "1545082649183")
            .message_attributes(
                "kind",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("order.created")
                    .build()
                    .expect("attribute"),
            )
            .build();
        let event = build_event(
            &[message],
            "arn:aws:sqs:us-east-1:123456789012:q",
            "us-east-1",
        );
        let json = serde_json::to_value(&event).expect("serialises");
        let record = &json["Records"][0];
        assert_eq!(record["messageId"], "m-1");
        assert_eq!(record["receiptHandle"], "rh-1");
        assert_eq!(record["attributes"]["ApproximateReceiveCount"], "1");
        assert_eq!(record["attributes"]["SentTimestamp"], "1545082649183");
        assert_eq!(
            record["messageAttributes"]["kind"],
            serde_json::json!({"stringValue":"order.created","stringListValues":[],"binaryListValues":[],"dataType":"String"})
        );
        assert_eq!(record["eventSource"], "aws:sqs");
        assert_eq!(
            record["eventSourceARN"],
            "arn:aws:sqs:us-east-1:123456789012:q"
        );
        assert_eq!(record["awsRegion"], "us-east-1");
        assert_eq!(record["md5OfBody"], "abc");
        assert!(record.get("md5OfMessageAttributes").is_none());
    }
}
