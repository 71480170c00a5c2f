//! Placing an order: idempotent, priced from the catalog, oversell-proof.
//!
//! One DynamoDB transaction does everything that must happen together: for every line, decrement
//! the stock on condition `stock >= qty` (and that the price is still the one we charged); put
//! the order; put the idempotency record on condition that the key is new. Either the customer
//! has an order with reserved stock and the key points at it, or nothing happened. So a replay
//! cannot double-charge, and concurrent orders cannot oversell.
//!
//! When the transaction is cancelled the cancellation reasons say why: the key was taken in the
//! meantime (a concurrent replay: answer with the stored order, or 409 for another body), some
//! SKUs are short (409 naming them), or contention/price change (retry with fresh prices).
//!
//! A client that says which total it showed (`expectedTotalCents`) gets 409 PRICE_CHANGED
//! rather than an order at another total; the transaction's price condition makes the total
//! compared the total charged.

use super::Orders;
use super::event::OrderCreated;
use super::record::{EVENT_PUBLISHED_ATTR, Order, OrderLine, Transition};
use super::request::{OrderBody, OrderRequest};
use super::status::{Actor, Status};
use crate::cart;
use crate::clock;
use crate::ddb::{self, Item};
use crate::error::{ApiError, ErrorCode, OrInternal};
use crate::http::{ApiRequest, Reply};
use crate::idempotency;
use crate::ids;
use crate::money::Cents;
use crate::product::{self, Product, attr};
use crate::products;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, Put, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
};
use retail_spec::IDEMPOTENCY;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

/// Transaction attempts before answering 503 (contention, or prices changing under us).
const MAX_ATTEMPTS: u32 = 6;

const ORDER_ID: &str = "orderId";
const CREATED_AT: &str = "createdAt";

/// A stored idempotency record.
struct KeyRecord {
    fingerprint: String,
    order_id: String,
}

/// The outcome of a placement attempt.
enum Placed {
    /// We created this order.
    New(Order),
    /// The key already had an order with the same body.
    Existing(Order),
}

impl Orders {
    pub(super) async fn place(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let key = idempotency_key(req)?;
        let customer = req.caller()?;
        let body: OrderBody = req.json()?;
        let order_req = OrderRequest::validate(body, &customer.sub, &self.stores, self.max_units)?;
        let fingerprint = order_req.fingerprint();
        // Scoped to the customer: another customer's key, equal or not, is another record, so
        // a key cannot be used to read or block someone else's order.
        let record_key = format!("order#{}#{key}", customer.sub);

        let placed = match self.key_record(&record_key).await? {
            Some(record) => Placed::Existing(self.replay(&record, &fingerprint).await?),
            None => {
                self.check_open_orders(&customer.sub).await?;
                self.reserve(&order_req, &record_key, &fingerprint).await?
            }
        };
        match placed {
            Placed::New(mut order) => {
                let ordered: Vec<String> = order.items.iter().map(|i| i.sku.clone()).collect();
                if let Err(e) = cart::remove(&self.ddb, &self.carts, &order.user_id, &ordered).await
                {
                    tracing::warn!(
                        orderId = order.order_id,
                        cause = e.cause,
                        "cart not cleared after order"
                    );
                }
                self.publish(&mut order, &req.request_id).await;
                Reply::json(201, &order)
            }
            Placed::Existing(mut order) => {
                if !order.event_published {
                    self.publish(&mut order, &req.request_id).await;
                }
                Reply::json(200, &order)
            }
        }
    }

    /// 409 TOO_MANY_OPEN_ORDERS when the customer already holds `max_open` open orders, so that
    /// one account cannot reserve the stores' stock order by order. Counted among all the
    /// customer's orders on the by-user index (however many closed ones came since), which is
    /// eventually consistent: requests racing each other may pass together, so the limit bounds
    /// what one account holds to about the limit plus its concurrent requests, each of at most
    /// `max_units` units.
    async fn check_open_orders(&self, user: &str) -> Result<(), ApiError> {
        let limit = usize::try_from(self.max_open).unwrap_or(usize::MAX);
        let open = self.count_open(user, limit).await?;
        if open < limit {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::TooManyOpenOrders,
            format!(
                "You already have {open} open orders (the most this store allows is {limit}); collect or cancel one first."
            ),
        )
        .with_details(json!({"open": open, "limit": limit})))
    }

    async fn key_record(&self, record_key: &str) -> Result<Option<KeyRecord>, ApiError> {
        let out = self
            .ddb
            .get_item()
            .table_name(&self.idempotency)
            .key(IDEMPOTENCY.partition_key.name, ddb::s(record_key))
            .consistent_read(true)
            .send()
            .await
            .or_internal(|| format!("reading idempotency record {record_key}"))?;
        let Some(item) = out.item() else {
            return Ok(None);
        };
        let read = |item: &Item| -> Result<KeyRecord, ddb::ItemError> {
            Ok(KeyRecord {
                fingerprint: ddb::get_s(item, idempotency::REQUEST_HASH)?.to_owned(),
                order_id: ddb::get_s(item, ORDER_ID)?.to_owned(),
            })
        };
        read(item)
            .map(Some)
            .or_internal(|| format!("reading idempotency record {record_key}"))
    }

    /// The answer to a key that was used before.
    async fn replay(&self, record: &KeyRecord, fingerprint: &str) -> Result<Order, ApiError> {
        if record.fingerprint != fingerprint {
            return Err(ApiError::new(
                ErrorCode::IdempotencyConflict,
                "This Idempotency-Key was already used for a different order; use a new key for a new order.",
            )
            .with_details(json!({"orderId": record.order_id})));
        }
        self.load(&record.order_id).await?.ok_or_else(|| {
            ApiError::internal(
                "replaying an order",
                format!(
                    "idempotency record points at order {} which does not exist",
                    record.order_id
                ),
            )
        })
    }

    /// Runs the transaction until it commits or a definite answer comes out.
    async fn reserve(
        &self,
        req: &OrderRequest,
        record_key: &str,
        fingerprint: &str,
    ) -> Result<Placed, ApiError> {
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(backoff(attempt)).await;
            }
            let catalog = products::get_many(&self.ddb, &self.products, &req.skus(), true).await?;
            let unknown: Vec<&str> = req
                .skus()
                .into_iter()
                .filter(|s| !catalog.contains_key(*s))
                .collect();
            if !unknown.is_empty() {
                return Err(ApiError::validation(format!(
                    "No product has SKU {}.",
                    unknown.join(", ")
                ))
                .with_details(json!({"unknownSkus": unknown})));
            }
            let short: Vec<Shortage> = req
                .lines
                .iter()
                .filter_map(|(sku, qty)| {
                    let available = catalog.get(sku).map_or(0, |p| p.stock);
                    (available < *qty).then(|| Shortage::new(sku, *qty, available))
                })
                .collect();
            if !short.is_empty() {
                return Err(insufficient(&short));
            }
            let order = price(req, &catalog)?;
            if let Some(expected) = req.expected_total
                && expected != order.total_cents
            {
                return Err(price_changed(expected, &order));
            }
            let items = self.transaction(&order, &catalog, record_key, fingerprint)?;
            let doing = format!("placing order {}", order.order_id);
            let Some(reasons) = ddb::transact(&self.ddb, items, &doing).await? else {
                return Ok(Placed::New(order));
            };
            match self
                .cancelled(req, &reasons, record_key, fingerprint)
                .await?
            {
                Some(answer) => return Ok(answer),
                None => continue,
            }
        }
        Err(ApiError::new(
            ErrorCode::ServiceBusy,
            "The products of this order are in heavy demand right now; retry with the same Idempotency-Key.",
        ))
    }

    /// Reads a cancelled transaction: `Some` answer, or `None` to retry.
    async fn cancelled(
        &self,
        req: &OrderRequest,
        reasons: &[CancellationReason],
        record_key: &str,
        fingerprint: &str,
    ) -> Result<Option<Placed>, ApiError> {
        let code = |i: usize| {
            reasons
                .get(i)
                .and_then(CancellationReason::code)
                .unwrap_or("None")
        };
        let key_index = req.lines.len() + 1;
        if code(key_index) == "ConditionalCheckFailed" {
            // Another request with the same key committed first.
            let record = self.key_record(record_key).await?.ok_or_else(|| {
                ApiError::internal(
                    "resolving an idempotency race",
                    format!("record {record_key} vanished"),
                )
            })?;
            return self
                .replay(&record, fingerprint)
                .await
                .map(|o| Some(Placed::Existing(o)));
        }
        if reasons
            .iter()
            .any(|r| r.code() == Some("TransactionConflict"))
        {
            return Ok(None);
        }
        let failed: Vec<(usize, &(String, u64))> = req
            .lines
            .iter()
            .enumerate()
            .filter(|(i, _)| code(*i) == "ConditionalCheckFailed")
            .collect();
        if failed.is_empty() {
            let codes: Vec<&str> = (0..reasons.len()).map(code).collect();
            return Err(ApiError::internal(
                "placing an order",
                format!("transaction cancelled for reasons {codes:?}"),
            ));
        }
        // Which of the failed lines are really short (rather than repriced)?
        let mut current: HashMap<String, u64> = HashMap::new();
        let mut unread: Vec<&str> = Vec::new();
        for (i, (sku, _)) in &failed {
            match reasons.get(*i).and_then(CancellationReason::item) {
                Some(item) => {
                    let stock = ddb::get_n::<u64>(item, attr::STOCK)
                        .or_internal(|| format!("reading the stock of {sku}"))?;
                    current.insert(sku.clone(), stock);
                }
                None => unread.push(sku),
            }
        }
        if !unread.is_empty() {
            let fresh = products::get_many(&self.ddb, &self.products, &unread, true).await?;
            for sku in unread {
                current.insert(sku.to_owned(), fresh.get(sku).map_or(0, |p| p.stock));
            }
        }
        let short: Vec<Shortage> = failed
            .iter()
            .filter_map(|(_, (sku, qty))| {
                let available = current.get(sku).copied().unwrap_or(0);
                (available < *qty).then(|| Shortage::new(sku, *qty, available))
            })
            .collect();
        if short.is_empty() {
            Ok(None)
        } else {
            Err(insufficient(&short))
        }
    }

    /// The transaction: one stock update per line, the order, the idempotency record.
    fn transaction(
        &self,
        order: &Order,
        catalog: &HashMap<String, Product>,
        record_key: &str,
        fingerprint: &str,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let build = |what: &str| {
            format!(
                "building the transaction for order {} ({what})",
                order.order_id
            )
        };
        let mut items = Vec::with_capacity(order.items.len() + 2);
        for line in &order.items {
            let price = catalog.get(&line.sku).map_or(0, |p| p.price_cents.0);
            let update = Update::builder()
                .table_name(&self.products)
                .set_key(Some(products::key(&line.sku)))
                .update_expression("SET #stock = #stock - :qty, #updated = :now")
                .condition_expression(
                    "attribute_exists(#sku) AND #stock >= :qty AND #price = :price",
                )
                .expression_attribute_names("#stock", attr::STOCK)
                .expression_attribute_names("#updated", attr::UPDATED_AT)
                .expression_attribute_names("#sku", product::sku_attr())
                .expression_attribute_names("#price", attr::PRICE_CENTS)
                .expression_attribute_values(":qty", ddb::n(line.qty))
                .expression_attribute_values(":now", ddb::s(&order.created_at))
                .expression_attribute_values(":price", ddb::n(price))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .or_internal(|| build("stock update"))?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        let order_put = Put::builder()
            .table_name(&self.orders)
            .set_item(Some(order.to_item()))
            .condition_expression("attribute_not_exists(#id)")
            .expression_attribute_names("#id", retail_spec::ORDERS.partition_key.name)
            .build()
            .or_internal(|| build("order"))?;
        items.push(TransactWriteItem::builder().put(order_put).build());
        let more: Item = HashMap::from([
            (ORDER_ID.to_owned(), ddb::s(&order.order_id)),
            (CREATED_AT.to_owned(), ddb::s(&order.created_at)),
        ]);
        items.push(idempotency::record(
            &self.idempotency,
            record_key,
            fingerprint,
            more,
        )?);
        Ok(items)
    }

    /// Sends `order.created` and records that it was sent. A failure is logged, not returned:
    /// the order stands, and a replay of the same key sends the event again.
    async fn publish(&self, order: &mut Order, _request_id: &str) {
        let sent = self
            .sqs
            .send_message()
            .queue_url(&self.events_queue)
            .message_body(OrderCreated::new(order).to_json())
            .send()
            .await;
        if let Err(e) = sent {
            tracing::error!(
                orderId = order.order_id,
                cause = %aws_sdk_sqs::error::DisplayErrorContext(&e),
                "order.created not sent"
            );
            return;
        }
        order.event_published = true;
        let marked = self
            .ddb
            .update_item()
            .table_name(&self.orders)
            .set_key(Some(Order::key(&order.order_id)))
            .update_expression("SET #p = :t")
            .expression_attribute_names("#p", EVENT_PUBLISHED_ATTR)
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .send()
            .await;
        if let Err(e) = marked {
            tracing::warn!(
                orderId = order.order_id,
                cause = %aws_sdk_dynamodb::error::DisplayErrorContext(&e),
                "order.created sent but not recorded"
            );
        }
    }
}

/// The `Idempotency-Key` header, checked.
fn idempotency_key(req: &ApiRequest) -> Result<&str, ApiError> {
    let missing = || {
        ApiError::new(
            ErrorCode::IdempotencyKeyRequired,
            "POST /orders needs an Idempotency-Key header (a fresh UUID per order; resend the same key when retrying).",
        )
    };
    if !req.has_header(idempotency::HEADER) {
        return Err(missing());
    }
    match req.header(idempotency::HEADER).map(str::trim) {
        Some("") => Err(missing()),
        Some(k) if idempotency::valid_key(k) => Ok(k),
        _ => Err(ApiError::validation(
            "The Idempotency-Key header must be 1 to 128 visible ASCII characters (a UUID is ideal).",
        )),
    }
}

/// The order, priced from the catalog.
fn price(req: &OrderRequest, catalog: &HashMap<String, Product>) -> Result<Order, ApiError> {
    let mut items = Vec::with_capacity(req.lines.len());
    for (sku, qty) in &req.lines {
        let p = catalog
            .get(sku)
            .ok_or_else(|| ApiError::internal("pricing an order", format!("{sku} not read")))?;
        let line_total = p.price_cents.times(*qty).ok_or_else(|| {
            ApiError::internal("pricing an order", format!("{sku} × {qty} overflows"))
        })?;
        items.push(OrderLine {
            sku: sku.clone(),
            name: p.name.clone(),
            qty: *qty,
            unit_price_cents: p.price_cents,
            line_total_cents: line_total,
        });
    }
    let total = Cents::sum(items.iter().map(|l| l.line_total_cents))
        .ok_or_else(|| ApiError::internal("pricing an order", "total overflows"))?;
    let now = clock::timestamp(clock::now());
    Ok(Order {
        order_id: ids::new_order_id(),
        user_id: req.user_id.clone(),
        store_id: req.store_id.clone(),
        status: Status::Placed,
        history: vec![Transition {
            at: now.clone(),
            from: None,
            to: Status::Placed,
            actor: Actor::Customer(req.user_id.clone()).label(),
            reason: None,
        }],
        items,
        total_cents: total,
        currency: Order::currency(),
        created_at: now.clone(),
        updated_at: now,
        event_published: false,
    })
}

struct Shortage {
    sku: String,
    requested: u64,
    available: u64,
}

impl Shortage {
    fn new(sku: &str, requested: u64, available: u64) -> Self {
        Shortage {
            sku: sku.to_owned(),
            requested,
            available,
        }
    }
}

fn insufficient(short: &[Shortage]) -> ApiError {
    let names: Vec<String> = short
        .iter()
        .map(|s| {
            format!(
                "{} (requested {}, available {})",
                s.sku, s.requested, s.available
            )
        })
        .collect();
    ApiError::new(
        ErrorCode::InsufficientStock,
        format!("Not enough stock for {}.", names.join(", ")),
    )
    .with_details(json!({
        "skus": short.iter().map(|s| json!({"sku": s.sku, "requested": s.requested, "available": s.available})).collect::<Vec<_>>()
    }))
}

/// 409 PRICE_CHANGED: the order at today's prices is not the total the customer was shown.
/// Nothing was reserved; the client shows the new prices and asks again (with a new key: the
/// body it agrees to is another one).
fn price_changed(expected: Cents, order: &Order) -> ApiError {
    ApiError::new(
        ErrorCode::PriceChanged,
        format!(
            "Prices changed since your cart was read: this order now comes to {} {}, not {} {}. Check the cart and place the order again.",
            order.total_cents, order.currency, expected, order.currency
        ),
    )
    .with_details(json!({
        "expectedTotalCents": expected,
        "totalCents": order.total_cents,
        "items": order.items.iter().map(|l| json!({"sku": l.sku, "unitPriceCents": l.unit_price_cents})).collect::<Vec<_>>(),
    }))
}

/// Jittered exponential backoff: ~20, 40, 80 … ms.
fn backoff(attempt: u32) -> Duration {
    let base = 10u64 << attempt.min(6);
    let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % base.max(1);
    Duration::from_millis(base + jitter)
}
