//! Claims in the idempotency table: "this side effect is mine to perform, once".
//!
//! A consumer that publishes or sends something for an event claims it first with a conditional
//! put of a key naming that effect (`alert#<orderId>#<sku>`, `notice#<orderId>#<step>`), which
//! expires by TTL long after any redelivery. A redelivered event finds the claim and does
//! nothing; when the effect itself fails, the claim is released so that the retry performs it.

use crate::clock;
use crate::ddb::{self, Item};
use crate::error::ApiError;
use aws_sdk_dynamodb::Client;
use retail_spec::IDEMPOTENCY;
use std::collections::HashMap;

/// The idempotency table, as a consumer uses it for its claims.
#[derive(Debug, Clone)]
pub struct Claims {
    ddb: Client,
    table: String,
    /// How long a claim is remembered.
    ttl_seconds: i64,
}

impl Claims {
    pub fn new(ddb: Client, table: String, ttl_seconds: i64) -> Self {
        Claims {
            ddb,
            table,
            ttl_seconds,
        }
    }

    /// Claims `key`; `false` when it was claimed before.
    pub async fn claim(&self, key: &str) -> Result<bool, ApiError> {
        let now = clock::now();
        let mut item: Item = HashMap::from([
            (IDEMPOTENCY.partition_key.name.to_owned(), ddb::s(key)),
            ("createdAt".to_owned(), ddb::s(clock::timestamp(now))),
        ]);
        if let Some(ttl) = IDEMPOTENCY.ttl_attribute {
            item.insert(
                ttl.to_owned(),
                ddb::n(clock::expires_in(now, self.ttl_seconds)),
            );
        }
        let put = self
            .ddb
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#k)")
            .expression_attribute_names("#k", IDEMPOTENCY.partition_key.name)
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if crate::ddb::condition_failed(&e) => Ok(false),
            Err(e) => Err(ApiError::internal(
                &format!("claiming {key}"),
                aws_sdk_dynamodb::error::DisplayErrorContext(&e),
            )),
        }
    }

    /// Best effort: a claim left behind only suppresses an effect whose event is being retried.
    pub async fn release(&self, key: &str) {
        let deleted = self
            .ddb
            .delete_item()
            .table_name(&self.table)
            .key(IDEMPOTENCY.partition_key.name, ddb::s(key))
            .send()
            .await;
        if let Err(e) = deleted {
            tracing::warn!(
                claim = key,
                cause = %aws_sdk_dynamodb::error::DisplayErrorContext(&e),
                "claim not released"
            );
        }
    }
}
