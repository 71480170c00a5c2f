//! Moving an order along its lifecycle (`status.rs` says which moves exist and who makes them).
//!
//! Every move is one DynamoDB transaction whose first write sets the new state on condition that
//! the order is still in the state it was read in. Two staff members (or a customer and a staff
//! member) acting at once: both read `PLACED`, one transaction commits, the other's condition
//! fails, and it answers 409 `INVALID_TRANSITION` with the state the winner left. A cancel also
//! adds every line's units back to stock in the same transaction, so the stock comes back exactly
//! once however often the cancel is retried: a retry finds the order `CANCELLED` and moves
//! nothing (DynamoDB Developer Guide, "Amazon DynamoDB Transactions: How it works": the whole
//! transaction fails when any condition fails,
//! <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html>).

use super::record::{Order, OrderLine, Transition, attr, store_status, store_status_attr};
use super::status::{Actor, Status};
use crate::clock;
use crate::ddb;
use crate::error::{ApiError, ErrorCode, OrInternal};
use crate::product::{self, attr as product_attr};
use crate::products;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde_json::json;
use std::time::Duration;

/// Attempts when DynamoDB reports a conflicting transaction on the same items.
const MAX_ATTEMPTS: u32 = 5;
/// The longest reason a customer or staff member may give.
pub const MAX_REASON_CHARS: usize = 200;

/// 409 with the order's current state (and the state asked for).
pub fn invalid_transition(order: &Order, to: Status) -> ApiError {
    let message = match order.status {
        Status::Collected | Status::Cancelled => {
            format!("Order {} is already {}.", order.order_id, order.status)
        }
        from => format!(
            "Order {} is {from}; it cannot move to {to} from there.",
            order.order_id
        ),
    };
    ApiError::new(ErrorCode::InvalidTransition, message)
        .with_details(json!({"status": order.status, "requested": to}))
}

/// A reason as given: trimmed, at most [`MAX_REASON_CHARS`], none when empty.
pub fn reason(text: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(text) = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::validation(format!(
            "reason is longer than {MAX_REASON_CHARS} characters."
        )));
    }
    if let Some(c) = crate::text::unprintable(&text) {
        return Err(ApiError::validation(format!(
            "reason holds {}, which is not text; write it on one line, without control characters.",
            crate::text::code_point(c)
        )));
    }
    Ok(Some(text))
}

/// What moving an order needs: the orders table and the products table (for the stock a
/// cancel returns). Shared by the orders function and the scheduled expiry.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    ddb: Client,
    orders: String,
    products: String,
}

impl Lifecycle {
    pub fn new(ddb: Client, orders: String, products: String) -> Self {
        Lifecycle {
            ddb,
            orders,
            products,
        }
    }

    /// One order (strongly consistent, so a replay right after placing finds it).
    pub async fn load(&self, order_id: &str) -> Result<Option<Order>, ApiError> {
        let out = self
            .ddb
            .get_item()
            .table_name(&self.orders)
            .set_key(Some(Order::key(order_id)))
            .consistent_read(true)
            .send()
            .await
            .or_internal(|| format!("reading order {order_id} from table {}", self.orders))?;
        out.item()
            .map(Order::from_item)
            .transpose()
            .or_internal(|| format!("reading order {order_id} from table {}", self.orders))
    }

    /// Moves `order` to `to` as `actor`: the order as it is afterwards, or 409 when the move is
    /// not allowed from its state (or another request moved it first).
    pub async fn transition(
        &self,
        order: &Order,
        to: Status,
        actor: &Actor,
        reason: Option<String>,
    ) -> Result<Order, ApiError> {
        let mut current = order.clone();
        for attempt in 0..MAX_ATTEMPTS {
            if !current.status.allows(to, actor) {
                return Err(invalid_transition(&current, to));
            }
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
            }
            let step = Transition {
                at: clock::timestamp(clock::now()),
                from: Some(current.status),
                to,
                actor: actor.label(),
                reason: reason.clone(),
            };
            match self.write(&current, &step).await? {
                Written::Done => {
                    current.status = to;
                    current.updated_at = step.at.clone();
                    current.history.push(step);
                    return Ok(current);
                }
                Written::Conflict => {}
            }
            current = self.load(&current.order_id).await?.ok_or_else(|| {
                ApiError::internal(
                    "moving an order",
                    format!("order {} vanished", current.order_id),
                )
            })?;
        }
        Err(ApiError::new(
            ErrorCode::ServiceBusy,
            format!(
                "Order {} is being changed by others right now; retry.",
                order.order_id
            ),
        ))
    }

    /// The transaction of one move: the order's new state (on condition of its old one) and,
    /// for a cancel, the units back to stock.
    async fn write(&self, order: &Order, step: &Transition) -> Result<Written, ApiError> {
        let mut items = vec![self.status_write(order, step)?];
        if step.to == Status::Cancelled {
            for line in &order.items {
                items.push(self.restock(line, &step.at)?);
            }
        }
        let doing = format!("moving order {} to {}", order.order_id, step.to);
        let Some(reasons) = ddb::transact(&self.ddb, items, &doing).await? else {
            return Ok(Written::Done);
        };
        let code = |i: usize| reasons.get(i).and_then(|r| r.code()).unwrap_or("None");
        if code(0) == "ConditionalCheckFailed"
            || reasons
                .iter()
                .any(|r| r.code() == Some("TransactionConflict"))
        {
            return Ok(Written::Conflict);
        }
        let codes: Vec<&str> = (0..reasons.len()).map(code).collect();
        Err(ApiError::internal(
            &doing,
            format!("transaction cancelled for reasons {codes:?} (a line's product is gone?)"),
        ))
    }

    fn status_write(
        &self,
        order: &Order,
        step: &Transition,
    ) -> Result<TransactWriteItem, ApiError> {
        // Orders placed before the lifecycle were stored as CONFIRMED, which reads as PLACED.
        let condition = if order.status == Status::Placed {
            "#status IN (:from, :legacy)"
        } else {
            "#status = :from"
        };
        let mut update = Update::builder()
            .table_name(&self.orders)
            .set_key(Some(Order::key(&order.order_id)))
            .update_expression(
                "SET #status = :to, #queue = :queue, #updated = :now, \
                 #history = list_append(if_not_exists(#history, :empty), :step)",
            )
            .condition_expression(condition)
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_names("#queue", store_status_attr())
            .expression_attribute_names("#updated", attr::UPDATED_AT)
            .expression_attribute_names("#history", attr::HISTORY)
            .expression_attribute_values(":to", ddb::s(step.to.as_str()))
            .expression_attribute_values(":from", ddb::s(order.status.as_str()))
            .expression_attribute_values(":queue", ddb::s(store_status(&order.store_id, step.to)))
            .expression_attribute_values(":now", ddb::s(&step.at))
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":step", AttributeValue::L(vec![step.to_value()]));
        if order.status == Status::Placed {
            update = update.expression_attribute_values(":legacy", ddb::s("CONFIRMED"));
        }
        let update = update
            .build()
            .or_internal(|| format!("building the status update of order {}", order.order_id))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Adds a line's units back to its product's stock.
    fn restock(&self, line: &OrderLine, now: &str) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(&self.products)
            .set_key(Some(products::key(&line.sku)))
            .update_expression("ADD #stock :qty SET #updated = :now")
            .condition_expression("attribute_exists(#sku)")
            .expression_attribute_names("#stock", product_attr::STOCK)
            .expression_attribute_names("#updated", product_attr::UPDATED_AT)
            .expression_attribute_names("#sku", product::sku_attr())
            .expression_attribute_values(":qty", ddb::n(line.qty))
            .expression_attribute_values(":now", ddb::s(now))
            .build()
            .or_internal(|| format!("building the restock of {}", line.sku))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

/// What one transaction attempt did.
enum Written {
    Done,
    /// The order's state changed under us, or a concurrent transaction held it: read again.
    Conflict,
}
