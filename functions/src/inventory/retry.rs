//! `PUT /inventory` sent with an `Idempotency-Key`: a batch sent again after an answer that
//! never arrived (a timeout, a 5xx after the write committed) is not applied twice. An
//! `addStock` is an increment, so without a key the same click resent adds the units twice.
//!
//! The key is recorded in the batch's own transaction (one action of DynamoDB's 100, so a keyed
//! batch takes at most 99 products), scoped to the member of staff and bound to a fingerprint
//! of the batch. The same key with the same batch answers the products as they are now and
//! changes nothing; with another batch it is 409 `IDEMPOTENCY_CONFLICT`.

use super::Valid;
use crate::ddb;
use crate::error::{ApiError, ErrorCode, OrInternal};
use crate::http::ApiRequest;
use crate::idempotency::{self, HEADER, REQUEST_HASH};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::TransactWriteItem;
use retail_spec::IDEMPOTENCY;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A keyed batch: where its key is recorded and what it was for.
pub(super) struct Keyed {
    record_key: String,
    fingerprint: String,
}

/// The request's key, when it sent one (refused when it is not 1 to 128 visible characters).
pub(super) fn keyed(req: &ApiRequest, changes: &[Valid]) -> Result<Option<Keyed>, ApiError> {
    let Some(key) = req.header(HEADER).map(str::trim) else {
        return Ok(None);
    };
    if !idempotency::valid_key(key) {
        return Err(ApiError::validation(
            "The Idempotency-Key header must be 1 to 128 visible ASCII characters (a UUID is ideal).",
        ));
    }
    let staff = &req.caller()?.sub;
    Ok(Some(Keyed {
        record_key: format!("inventory#{staff}#{key}"),
        fingerprint: hex::encode(Sha256::digest(format!("{changes:?}").as_bytes())),
    }))
}

impl Keyed {
    /// Whether this key was used already: `Ok(true)` for this same batch (already applied),
    /// 409 for another one.
    pub(super) async fn used(&self, ddb: &Client, table: &str) -> Result<bool, ApiError> {
        let out = ddb
            .get_item()
            .table_name(table)
            .key(IDEMPOTENCY.partition_key.name, ddb::s(&self.record_key))
            .consistent_read(true)
            .send()
            .await
            .or_internal(|| format!("reading idempotency record {}", self.record_key))?;
        let Some(item) = out.item() else {
            return Ok(false);
        };
        let hash = ddb::get_s(item, REQUEST_HASH)
            .or_internal(|| format!("reading idempotency record {}", self.record_key))?;
        if hash != self.fingerprint {
            return Err(ApiError::new(
                ErrorCode::IdempotencyConflict,
                "This Idempotency-Key was already used for a different inventory batch; use a new key for a new change.",
            ));
        }
        Ok(true)
    }

    /// The transaction's action that records the key, on condition that it is new (a
    /// concurrent resend cancels one of the two transactions, which then finds the key used).
    pub(super) fn record(&self, table: &str) -> Result<TransactWriteItem, ApiError> {
        idempotency::record(table, &self.record_key, &self.fingerprint, HashMap::new())
    }
}
