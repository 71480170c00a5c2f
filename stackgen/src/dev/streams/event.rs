//! DynamoDB stream records as Lambda delivers them, and Lambda's event filtering.
//!
//! The event is `{"Records": [{"eventID", "eventName", "eventVersion", "eventSource",
//! "awsRegion", "dynamodb": {"Keys", "NewImage", "SequenceNumber", "SizeBytes",
//! "StreamViewType"}, "eventSourceARN"}]}` with images in DynamoDB's JSON (Lambda Developer
//! Guide, "Using AWS Lambda with Amazon DynamoDB", example event,
//! <https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html>). A filter pattern matches
//! a record when, for every key of the pattern, the record's value is one of the listed values
//! (or matches the nested pattern): the exact-match subset of EventBridge patterns that the
//! stack's filters use ("Lambda event filtering",
//! <https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>).

use std::collections::HashMap;

use aws_sdk_dynamodbstreams::types::{AttributeValue, Record};
use base64::Engine;
use serde_json::{Map, Value, json};

/// One record in the shape of Lambda's event.
pub fn record_event(record: &Record, stream_arn: &str, region: &str) -> Value {
    let change = record.dynamodb();
    let image = |m: Option<&HashMap<String, AttributeValue>>| m.map(item);
    let mut dynamodb = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            dynamodb.insert(k.to_owned(), v);
        }
    };
    put(
        "ApproximateCreationDateTime",
        change
            .and_then(|c| c.approximate_creation_date_time())
            .map(|t| json!(t.secs())),
    );
    put("Keys", image(change.and_then(|c| c.keys.as_ref())));
    put("NewImage", image(change.and_then(|c| c.new_image.as_ref())));
    put("OldImage", image(change.and_then(|c| c.old_image.as_ref())));
    put(
        "SequenceNumber",
        change.and_then(|c| c.sequence_number()).map(|s| json!(s)),
    );
    put(
        "SizeBytes",
        change.and_then(|c| c.size_bytes()).map(|s| json!(s)),
    );
    put(
        "StreamViewType",
        change
            .and_then(|c| c.stream_view_type())
            .map(|v| json!(v.as_str())),
    );
    json!({
        "eventID": record.event_id().unwrap_or_default(),
        "eventName": record.event_name().map(|n| n.as_str()).unwrap_or_default(),
        "eventVersion": record.event_version().unwrap_or("1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    })
}

fn item(map: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), attribute(v))).collect())
}

fn attribute(value: &AttributeValue) -> Value {
    let b64 = |b: &aws_smithy_types::Blob| base64::engine::general_purpose::STANDARD.encode(b);
    match value {
        AttributeValue::S(s) => json!({"S": s}),
        AttributeValue::N(n) => json!({"N": n}),
        AttributeValue::Bool(b) => json!({"BOOL": b}),
        AttributeValue::Null(_) => json!({"NULL": true}),
        AttributeValue::Ss(v) => json!({"SS": v}),
        AttributeValue::Ns(v) => json!({"NS": v}),
        AttributeValue::B(b) => json!({"B": b64(b)}),
        AttributeValue::Bs(v) => json!({"BS": v.iter().map(b64).collect::<Vec<_>>()}),
        AttributeValue::L(v) => json!({"L": v.iter().map(attribute).collect::<Vec<_>>()}),
        AttributeValue::M(m) => json!({"M": item(m)}),
        _ => json!({"NULL": true}),
    }
}

/// Whether a record passes the mapping's filters (any of them; all pass when there are none).
pub fn passes(filters: &[Value], record: &Value) -> bool {
    filters.is_empty() || filters.iter().any(|p| matches(p, record))
}

fn matches(pattern: &Value, value: &Value) -> bool {
    match pattern {
        Value::Object(fields) => fields
            .iter()
            .all(|(k, p)| value.get(k).is_some_and(|v| matches(p, v))),
        Value::Array(allowed) => allowed.iter().any(|a| a == value),
        _ => false,
    }
}

/// The first sequence number the function reported as failed (`batchItemFailures`), or
/// `Err` when the answer is not a batch response.
pub fn first_failure(body: &[u8]) -> Result<Option<String>, String> {
    let answer: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    Ok(answer["batchItemFailures"]
        .as_array()
        .and_then(|f| f.first())
        .and_then(|f| f["itemIdentifier"].as_str())
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stack_filter_lets_through_only_modifications_into_the_named_states() {
        let filter: Value =
            serde_json::from_str(retail_spec::ORDER_NOTICE_FILTER).expect("a JSON pattern");
        let record = |event: &str, status: &str| json!({"eventName": event, "dynamodb": {"NewImage": {"status": {"S": status}}}});
        let filters = [filter];
        assert!(passes(&filters, &record("MODIFY", "READY_FOR_PICKUP")));
        assert!(passes(&filters, &record("MODIFY", "CANCELLED")));
        assert!(!passes(&filters, &record("MODIFY", "PICKING")));
        assert!(!passes(&filters, &record("INSERT", "CANCELLED")));
        assert!(!passes(
            &filters,
            &json!({"eventName": "MODIFY", "dynamodb": {}})
        ));
        assert!(passes(&[], &record("INSERT", "PLACED")));
    }

    #[test]
    fn images_keep_their_dynamodb_types() {
        let record = Record::builder()
            .event_id("e1")
            .event_name(aws_sdk_dynamodbstreams::types::OperationType::Modify)
            .dynamodb(
                aws_sdk_dynamodbstreams::types::StreamRecord::builder()
                    .sequence_number("7")
                    .new_image("orderId", AttributeValue::S("o-1".into()))
                    .new_image(
                        "items",
                        AttributeValue::L(vec![AttributeValue::M(HashMap::from([(
                            "qty".to_owned(),
                            AttributeValue::N("2".into()),
                        )]))]),
                    )
                    .build(),
            )
            .build();
        let event = record_event(&record, "arn:stream", "us-east-1");
        assert_eq!(event["eventName"], "MODIFY");
        assert_eq!(event["dynamodb"]["SequenceNumber"], "7");
        assert_eq!(
            event["dynamodb"]["NewImage"]["orderId"],
            json!({"S": "o-1"})
        );
        assert_eq!(
            event["dynamodb"]["NewImage"]["items"],
            json!({"L": [{"M": {"qty": {"N": "2"}}}]})
        );
    }

    #[test]
    fn reads_the_first_failed_sequence_number() {
        let body = br#"{"batchItemFailures":[{"itemIdentifier":"12"},{"itemIdentifier":"13"}]}"#;
        assert_eq!(first_failure(body), Ok(Some("12".to_owned())));
        assert_eq!(first_failure(br#"{"batchItemFailures":[]}"#), Ok(None));
        assert!(first_failure(b"not json").is_err());
    }
}
