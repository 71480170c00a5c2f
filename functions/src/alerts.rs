//! The stock-alert consumer: low-stock alerts from `order.created` events.
//!
//! For each SKU of an order it reads the current stock; at or below the product's threshold it
//! publishes one alert to the stock-alerts topic. An alert is claimed first with a conditional
//! put of `alert#<orderId>#<sku>` in the idempotency table (expiring by TTL), so a redelivered
//! event publishes nothing new; if publishing fails the claim is released and the message retried.

use crate::claim::Claims;
use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, OrInternal};
use crate::orders::OrderCreated;
use crate::product::Product;
use crate::products;
use crate::queue::{Batch, Failure};
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_dynamodb::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use aws_types::SdkConfig;
use retail_spec::{IDEMPOTENCY, PRODUCTS, STOCK_ALERTS, STOCK_ALERTS_FN};
use serde::Serialize;
use std::collections::BTreeSet;

/// How long an alert claim is remembered (well past any redelivery).
const CLAIM_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// The `type` of an alert message.
pub const STOCK_LOW: &str = "stock.low";

/// The stock-alert app.
pub struct StockAlerts {
    ddb: Client,
    sns: aws_sdk_sns::Client,
    products: String,
    claims: Claims,
    topic_arn: String,
}

/// What staff receive.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StockAlert<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub sku: &'a str,
    pub name: &'a str,
    pub stock: u64,
    pub low_stock_threshold: u64,
    pub store_id: &'a str,
    pub order_id: &'a str,
    pub at: String,
}

impl StockAlerts {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(StockAlerts {
            ddb: Client::new(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
            products: env.table(&PRODUCTS)?,
            claims: Claims::new(
                Client::new(sdk),
                env.table(&IDEMPOTENCY)?,
                CLAIM_TTL_SECONDS,
            ),
            topic_arn: env.topic_arn(&STOCK_ALERTS)?,
        })
    }

    /// Handles one SQS batch.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut batch = Batch::start(&STOCK_ALERTS_FN);
        for message in &event.records {
            batch.record(message, self.one(message).await);
        }
        batch.finish()
    }

    async fn one(&self, message: &SqsMessage) -> Result<(), Failure> {
        let event = OrderCreated::parse(message.body.as_deref().unwrap_or_default())
            .map_err(|e| Failure::Malformed(e.to_string()))?;
        let transient = |e: ApiError| Failure::Transient(e.cause.unwrap_or(e.message));
        let skus: BTreeSet<&str> = event.items.iter().map(|l| l.sku.as_str()).collect();
        for sku in skus {
            let product = products::get(&self.ddb, &self.products, sku, true)
                .await
                .map_err(transient)?;
            let Some(product) = product else {
                tracing::warn!(
                    sku,
                    orderId = event.order_id,
                    "alert check for an unknown product skipped"
                );
                continue;
            };
            if !product.low_stock() {
                continue;
            }
            let claim = format!("alert#{}#{}", event.order_id, sku);
            if !self.claims.claim(&claim).await.map_err(transient)? {
                continue; // already alerted for this order and SKU
            }
            if let Err(e) = self.publish(&product, &event).await {
                self.claims.release(&claim).await;
                return Err(transient(e));
            }
        }
        Ok(())
    }

    async fn publish(&self, p: &Product, event: &OrderCreated) -> Result<(), ApiError> {
        let alert = StockAlert {
            kind: STOCK_LOW,
            sku: &p.sku,
            name: &p.name,
            stock: p.stock,
            low_stock_threshold: p.low_stock_threshold,
            store_id: &event.store_id,
            order_id: &event.order_id,
            at: clock::timestamp(clock::now()),
        };
        let body =
            serde_json::to_string(&alert).or_internal(|| "serialising an alert".to_owned())?;
        let attribute = |v: &str| {
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value(v)
                .build()
                .or_internal(|| "building an alert attribute".to_owned())
        };
        self.sns
            .publish()
            .topic_arn(&self.topic_arn)
            .subject(subject(p))
            .message(body)
            .message_attributes("sku", attribute(&p.sku)?)
            .message_attributes("storeId", attribute(&event.store_id)?)
            .send()
            .await
            .or_internal(|| format!("publishing the low-stock alert of {}", p.sku))?;
        Ok(())
    }
}

/// An SNS subject: one line, under 100 characters.
fn subject(p: &Product) -> String {
    let text = format!("Low stock: {} {} ({} left)", p.sku, p.name, p.stock);
    text.chars().filter(|c| !c.is_control()).take(99).collect()
}
