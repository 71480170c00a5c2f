//! S3's event notifications as they arrive on the image-uploads queue.
//!
//! Each SQS message body is one notification: `{"Records":[…]}` with the bucket, the object key
//! (URL-encoded, spaces as `+`) and its size, or the `s3:TestEvent` S3 sends once when the
//! notification is configured (Amazon S3 User Guide, "Event message structure",
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html>).

use percent_encoding::percent_decode_str;
use serde::Deserialize;

/// One object created in a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub bucket: String,
    pub key: String,
    pub size: Option<u64>,
}

#[derive(Deserialize)]
struct Notification {
    #[serde(rename = "Records", default)]
    records: Vec<Record>,
    #[serde(rename = "Event")]
    event: Option<String>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "eventName")]
    event_name: String,
    s3: S3Entity,
}

#[derive(Deserialize)]
struct S3Entity {
    bucket: BucketEntity,
    object: ObjectEntity,
}

#[derive(Deserialize)]
struct BucketEntity {
    name: String,
}

#[derive(Deserialize)]
struct ObjectEntity {
    key: String,
    size: Option<u64>,
}

/// The objects a message body says were created (none for S3's test event); an error says why
/// the body is not a notification.
pub fn created(body: &str) -> Result<Vec<Created>, String> {
    let n: Notification =
        serde_json::from_str(body).map_err(|e| format!("not an S3 event notification: {e}"))?;
    if n.records.is_empty() && n.event.as_deref() != Some("s3:TestEvent") {
        return Err("an S3 event notification without records".to_owned());
    }
    n.records
        .into_iter()
        .filter(|r| r.event_name.starts_with("ObjectCreated:"))
        .map(|r| {
            Ok(Created {
                bucket: r.s3.bucket.name,
                key: decode_key(&r.s3.object.key)?,
                size: r.s3.object.size,
            })
        })
        .collect()
}

fn decode_key(raw: &str) -> Result<String, String> {
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .map(|k| k.into_owned())
        .map_err(|_| format!("object key {raw:?} is not URL-encoded UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_put_notification_gives_its_decoded_key_and_size() {
        let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Post","s3":{"bucket":{"name":"grocer-dev-uploads"},"object":{"key":"uploads/APL-001/upl-1%3Ax+y","size":1024}}}]}"#;
        assert_eq!(
            created(body),
            Ok(vec![Created {
                bucket: "grocer-dev-uploads".into(),
                key: "uploads/APL-001/upl-1:x y".into(),
                size: Some(1024),
            }])
        );
    }

    #[test]
    fn the_test_event_and_deletions_create_nothing_and_garbage_is_an_error() {
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-03T10:00:00.000Z","Bucket":"b"}"#;
        assert_eq!(created(test), Ok(vec![]));
        let removed = r#"{"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}"#;
        assert_eq!(created(removed), Ok(vec![]));
        assert!(created("{}").is_err());
        assert!(created("not json").is_err());
    }
}
