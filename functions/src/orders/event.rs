//! The `order.created` event: what the orders function tells the rest of the system.
//!
//! Sent to the order-events queue after an order commits; read by the stock-alert consumer.
//! Parsing is strict, so a malformed message is recognised as such and dead-lettered rather than
//! half-processed.

use crate::product;
use serde::{Deserialize, Serialize};

/// The `type` of the event.
pub const ORDER_CREATED: &str = "order.created";

/// `{"type":"order.created","orderId","storeId","userId","createdAt","items":[{"sku","qty"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderCreated {
    #[serde(rename = "type")]
    pub kind: String,
    pub order_id: String,
    pub store_id: String,
    pub user_id: String,
    pub created_at: String,
    pub items: Vec<EventLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventLine {
    pub sku: String,
    pub qty: u64,
}

/// Why a message is not an `order.created` event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an {ORDER_CREATED} event: {0}")]
pub struct MalformedEvent(pub String);

impl OrderCreated {
    pub fn new(order: &super::record::Order) -> Self {
        OrderCreated {
            kind: ORDER_CREATED.to_owned(),
            order_id: order.order_id.clone(),
            store_id: order.store_id.clone(),
            user_id: order.user_id.clone(),
            created_at: order.created_at.clone(),
            items: order
                .items
                .iter()
                .map(|l| EventLine {
                    sku: l.sku.clone(),
                    qty: l.qty,
                })
                .collect(),
        }
    }

    /// Parses and checks a message body.
    pub fn parse(body: &str) -> Result<Self, MalformedEvent> {
        let event: OrderCreated =
            serde_json::from_str(body).map_err(|e| MalformedEvent(e.to_string()))?;
        if event.kind != ORDER_CREATED {
            return Err(MalformedEvent(format!("type is {:?}", event.kind)));
        }
        if !crate::ids::valid_id(&event.order_id) {
            return Err(MalformedEvent(format!("orderId {:?}", event.order_id)));
        }
        if event.items.is_empty() {
            return Err(MalformedEvent("no items".to_owned()));
        }
        if let Some(bad) = event
            .items
            .iter()
            .find(|l| !product::valid_sku(&l.sku) || l.qty == 0)
        {
            return Err(MalformedEvent(format!(
                "bad line {:?} × {}",
                bad.sku, bad.qty
            )));
        }
        Ok(event)
    }

    pub fn to_json(&self) -> String {
        // A struct of strings and integers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_strict() {
        let ok = r#"{"type":"order.created","orderId":"ord-1","storeId":"s","userId":"u","createdAt":"t","items":[{"sku":"A","qty":1}]}"#;
        assert!(OrderCreated::parse(ok).is_ok());
        assert!(OrderCreated::parse("not json").is_err());
        assert!(OrderCreated::parse(&ok.replace("order.created", "order.deleted")).is_err());
        assert!(OrderCreated::parse(&ok.replace(r#""qty":1"#, r#""qty":0"#)).is_err());
        assert!(OrderCreated::parse(&ok.replace(r#"[{"sku":"A","qty":1}]"#, "[]")).is_err());
        let round = OrderCreated::parse(ok).map(|e| e.to_json());
        assert_eq!(round.as_deref(), Ok(ok));
    }
}
