//! Consuming DynamoDB stream batches: the event Lambda delivers, and the partial batch response.
//!
//! The event is `{"Records": [{"eventID", "eventName", "dynamodb": {"NewImage",
//! "SequenceNumber", …}}]}`, with images in DynamoDB's JSON (`{"S": "…"}`, `{"N": "1"}`, …);
//! [`image`] turns one into the SDK's item so the usual record readers apply. A stream is
//! ordered per key: a consumer stops at the first record it fails and reports that record's
//! sequence number, so Lambda retries from there and nothing after it is skipped (Lambda
//! Developer Guide, "Configuring partial batch response with DynamoDB and Lambda",
//! <https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html>).

use crate::ddb::Item;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A batch of stream records.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StreamEvent {
    #[serde(rename = "Records", default)]
    pub records: Vec<StreamRecord>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StreamRecord {
    #[serde(rename = "eventID", default)]
    pub event_id: String,
    /// `INSERT`, `MODIFY` or `REMOVE`.
    #[serde(rename = "eventName", default)]
    pub event_name: String,
    pub dynamodb: Change,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Change {
    #[serde(rename = "NewImage", default)]
    pub new_image: Option<Map<String, Value>>,
    #[serde(rename = "SequenceNumber")]
    pub sequence_number: String,
}

/// `{"batchItemFailures": [{"itemIdentifier": "<sequence number>"}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

impl BatchResponse {
    /// Lambda retries the batch from this record on.
    pub fn retry_from(sequence_number: &str) -> Self {
        BatchResponse {
            batch_item_failures: vec![ItemFailure {
                item_identifier: sequence_number.to_owned(),
            }],
        }
    }
}

/// Why an image could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stream image attribute {path}: {reason}")]
pub struct ImageError {
    pub path: String,
    pub reason: String,
}

/// A stream image (DynamoDB JSON) as an SDK item.
pub fn image(map: &Map<String, Value>) -> Result<Item, ImageError> {
    map.iter()
        .map(|(k, v)| Ok((k.clone(), attribute(v, k)?)))
        .collect()
}

fn attribute(value: &Value, path: &str) -> Result<AttributeValue, ImageError> {
    let bad = |reason: &str| ImageError {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let Some((kind, inner)) = value.as_object().and_then(|o| o.iter().next()) else {
        return Err(bad("expected an object like {\"S\": \"…\"}"));
    };
    let text = || {
        inner
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad("expected a string"))
    };
    let texts = || -> Result<Vec<String>, ImageError> {
        inner
            .as_array()
            .ok_or_else(|| bad("expected a list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad("expected strings"))
            })
            .collect()
    };
    Ok(match kind.as_str() {
        "S" => AttributeValue::S(text()?),
        "N" => AttributeValue::N(text()?),
        "BOOL" => AttributeValue::Bool(inner.as_bool().ok_or_else(|| bad("expected a boolean"))?),
        "NULL" => AttributeValue::Null(true),
        "SS" => AttributeValue::Ss(texts()?),
        "NS" => AttributeValue::Ns(texts()?),
        "L" => AttributeValue::L(
            inner
                .as_array()
                .ok_or_else(|| bad("expected a list"))?
                .iter()
                .enumerate()
                .map(|(i, v)| attribute(v, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        "M" => AttributeValue::M(
            inner
                .as_object()
                .ok_or_else(|| bad("expected a map"))?
                .iter()
                .map(|(k, v)| Ok((k.clone(), attribute(v, &format!("{path}.{k}"))?)))
                .collect::<Result<_, ImageError>>()?,
        ),
        other => return Err(bad(&format!("type {other} is not read here"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_an_image_with_nested_lists_and_maps() {
        let raw = json!({"orderId": {"S": "o-1"}, "qty": {"N": "2"}, "ok": {"BOOL": true},
            "history": {"L": [{"M": {"to": {"S": "PLACED"}, "reason": {"NULL": true}}}]}});
        let item = image(raw.as_object().expect("object")).expect("readable");
        assert_eq!(item["orderId"], AttributeValue::S("o-1".into()));
        assert_eq!(item["qty"], AttributeValue::N("2".into()));
        let AttributeValue::L(history) = &item["history"] else {
            panic!("a list")
        };
        let AttributeValue::M(step) = &history[0] else {
            panic!("a map")
        };
        assert_eq!(step["to"], AttributeValue::S("PLACED".into()));
    }

    #[test]
    fn names_the_attribute_it_cannot_read() {
        let raw = json!({"history": {"L": [{"M": {"at": {"B": "AAEC"}}}]}});
        let err = image(raw.as_object().expect("object")).expect_err("binary is not read");
        assert_eq!(err.path, "history[0].at");
    }

    #[test]
    fn parses_the_event_lambda_delivers_and_answers_with_the_sequence_number() {
        let event: StreamEvent = serde_json::from_value(json!({"Records": [{
            "eventID": "e1", "eventName": "MODIFY", "eventSource": "aws:dynamodb",
            "dynamodb": {"Keys": {"orderId": {"S": "o-1"}}, "NewImage": {"orderId": {"S": "o-1"}},
                         "SequenceNumber": "111", "SizeBytes": 26, "StreamViewType": "NEW_IMAGE"}}]}))
        .expect("parses");
        assert_eq!(event.records[0].dynamodb.sequence_number, "111");
        let reply = serde_json::to_value(BatchResponse::retry_from("111")).expect("serialises");
        assert_eq!(
            reply,
            json!({"batchItemFailures": [{"itemIdentifier": "111"}]})
        );
    }
}
