//! Idempotency records: one item per `Idempotency-Key` (`POST /orders`, `PUT /inventory`) in
//! the idempotency table, bound to a fingerprint of the request. It is written in the request's
//! own transaction on condition that the key is new, so a resend finds it and changes nothing
//! again, and DynamoDB's TTL removes it after a day.

use crate::clock;
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use retail_spec::IDEMPOTENCY;

/// The request header that makes `POST /orders` and `PUT /inventory` idempotent.
pub const HEADER: &str = "idempotency-key";

/// The record's fingerprint of the request its key was first used with.
pub const REQUEST_HASH: &str = "requestHash";

/// How long a key is remembered.
pub const TTL_SECONDS: i64 = 24 * 3600;

/// An `Idempotency-Key` header value: 1–128 visible ASCII characters.
pub fn valid_key(key: &str) -> bool {
    (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The transaction's action that records `record_key` (with `fingerprint` and `more`
/// attributes), on condition that the key is new.
pub fn record(
    table: &str,
    record_key: &str,
    fingerprint: &str,
    more: Item,
) -> Result<TransactWriteItem, ApiError> {
    let mut item = more;
    item.insert(
        IDEMPOTENCY.partition_key.name.to_owned(),
        ddb::s(record_key),
    );
    item.insert(REQUEST_HASH.to_owned(), ddb::s(fingerprint));
    if let Some(ttl) = IDEMPOTENCY.ttl_attribute {
        item.insert(
            ttl.to_owned(),
            ddb::n(clock::expires_in(clock::now(), TTL_SECONDS)),
        );
    }
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#k)")
        .expression_attribute_names("#k", IDEMPOTENCY.partition_key.name)
        .build()
        .or_internal(|| format!("building idempotency record {record_key}"))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_128() {
        assert!(valid_key("chk-0123"));
        assert!(!valid_key(""));
        assert!(!valid_key("a b"));
        assert!(!valid_key(&"k".repeat(129)));
    }
}
