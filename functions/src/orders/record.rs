//! An order as stored in the orders table and as the API shows it.

use super::status::Status;
use crate::ddb::{self, Item, ItemError};
use crate::money::{CURRENCY, Cents};
use aws_sdk_dynamodb::types::AttributeValue;
use retail_spec::{ORDERS, ORDERS_BY_STORE_STATUS, ORDERS_BY_USER};
use serde::Serialize;
use std::collections::HashMap;

pub(super) mod attr {
    pub const STORE_ID: &str = "storeId";
    pub const STATUS: &str = "status";
    pub const HISTORY: &str = "history";
    pub const AT: &str = "at";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const ACTOR: &str = "actor";
    pub const REASON: &str = "reason";
    pub const ITEMS: &str = "items";
    pub const TOTAL_CENTS: &str = "totalCents";
    pub const CURRENCY: &str = "currency";
    pub const UPDATED_AT: &str = "updatedAt";
    /// Whether the `order.created` event was handed to the queue.
    pub const EVENT_PUBLISHED: &str = "eventPublished";
    pub const SKU: &str = "sku";
    pub const NAME: &str = "name";
    pub const QTY: &str = "qty";
    pub const UNIT_PRICE_CENTS: &str = "unitPriceCents";
    pub const LINE_TOTAL_CENTS: &str = "lineTotalCents";
}

/// The attribute that records whether the order's event was sent.
pub const EVENT_PUBLISHED_ATTR: &str = attr::EVENT_PUBLISHED;

fn order_id_attr() -> &'static str {
    ORDERS.partition_key.name
}
fn user_id_attr() -> &'static str {
    ORDERS_BY_USER.partition_key.name
}
fn created_at_attr() -> &'static str {
    CREATED_AT
}
/// The staff queue's index key: `<storeId>#<STATUS>`, rewritten by every transition.
pub(super) fn store_status_attr() -> &'static str {
    ORDERS_BY_STORE_STATUS.partition_key.name
}

/// The by-store-status key of an order of `store` in `status`.
pub fn store_status(store: &str, status: Status) -> String {
    format!("{store}#{status}")
}
/// The by-user index sorts on the creation time (checked when compiling).
const CREATED_AT: &str = match ORDERS_BY_USER.sort_key {
    Some(k) => k.name,
    None => panic!("retail_spec::ORDERS_BY_USER must have a sort key (the creation time)"),
};

/// One line of an order, priced when the order was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub qty: u64,
    pub unit_price_cents: Cents,
    pub line_total_cents: Cents,
}

/// One step of an order's life: when, from which state, to which, by whom and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub at: String,
    /// `None` for the order's creation.
    pub from: Option<Status>,
    pub to: Status,
    /// `customer:<id>`, `staff:<id>` or `system`.
    pub actor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Transition {
    pub fn to_value(&self) -> AttributeValue {
        let mut m = HashMap::from([
            (attr::AT.to_owned(), ddb::s(&self.at)),
            (attr::TO.to_owned(), ddb::s(self.to.as_str())),
            (attr::ACTOR.to_owned(), ddb::s(&self.actor)),
        ]);
        if let Some(from) = self.from {
            m.insert(attr::FROM.to_owned(), ddb::s(from.as_str()));
        }
        if let Some(reason) = &self.reason {
            m.insert(attr::REASON.to_owned(), ddb::s(reason));
        }
        AttributeValue::M(m)
    }

    fn from_value(value: &AttributeValue, what: &str) -> Result<Self, ItemError> {
        let m = ddb::as_map(value, what)?;
        let status =
            |name: &str, text: &str| Status::parse(text).ok_or_else(|| bad_status(name, text));
        Ok(Transition {
            at: ddb::get_s(m, attr::AT)?.to_owned(),
            from: ddb::opt_s(m, attr::FROM)?
                .map(|t| status(attr::FROM, t))
                .transpose()?,
            to: status(attr::TO, ddb::get_s(m, attr::TO)?)?,
            actor: ddb::get_s(m, attr::ACTOR)?.to_owned(),
            reason: ddb::opt_s(m, attr::REASON)?.map(str::to_owned),
        })
    }
}

fn bad_status(name: &str, value: &str) -> ItemError {
    ItemError::BadValue {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: "order status",
    }
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub order_id: String,
    pub user_id: String,
    pub store_id: String,
    pub status: Status,
    /// Every transition, oldest first (orders placed before the lifecycle have none).
    pub history: Vec<Transition>,
    pub items: Vec<OrderLine>,
    pub total_cents: Cents,
    pub currency: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip)]
    pub event_published: bool,
}

impl Order {
    pub fn key(order_id: &str) -> Item {
        HashMap::from([(order_id_attr().to_owned(), ddb::s(order_id))])
    }

    pub fn currency() -> String {
        CURRENCY.to_owned()
    }

    pub fn to_item(&self) -> Item {
        let lines = self
            .items
            .iter()
            .map(|l| {
                AttributeValue::M(HashMap::from([
                    (attr::SKU.to_owned(), ddb::s(&l.sku)),
                    (attr::NAME.to_owned(), ddb::s(&l.name)),
                    (attr::QTY.to_owned(), ddb::n(l.qty)),
                    (
                        attr::UNIT_PRICE_CENTS.to_owned(),
                        ddb::n(l.unit_price_cents.0),
                    ),
                    (
                        attr::LINE_TOTAL_CENTS.to_owned(),
                        ddb::n(l.line_total_cents.0),
                    ),
                ]))
            })
            .collect();
        HashMap::from([
            (order_id_attr().to_owned(), ddb::s(&self.order_id)),
            (user_id_attr().to_owned(), ddb::s(&self.user_id)),
            (created_at_attr().to_owned(), ddb::s(&self.created_at)),
            (attr::STORE_ID.to_owned(), ddb::s(&self.store_id)),
            (attr::STATUS.to_owned(), ddb::s(self.status.as_str())),
            (
                store_status_attr().to_owned(),
                ddb::s(store_status(&self.store_id, self.status)),
            ),
            (
                attr::HISTORY.to_owned(),
                AttributeValue::L(self.history.iter().map(Transition::to_value).collect()),
            ),
            (attr::ITEMS.to_owned(), AttributeValue::L(lines)),
            (attr::TOTAL_CENTS.to_owned(), ddb::n(self.total_cents.0)),
            (attr::CURRENCY.to_owned(), ddb::s(&self.currency)),
            (attr::UPDATED_AT.to_owned(), ddb::s(&self.updated_at)),
            (
                attr::EVENT_PUBLISHED.to_owned(),
                AttributeValue::Bool(self.event_published),
            ),
        ])
    }

    pub fn from_item(item: &Item) -> Result<Self, ItemError> {
        let mut items = Vec::new();
        for (i, v) in ddb::get_list(item, attr::ITEMS)?.iter().enumerate() {
            let m = ddb::as_map(v, &format!("{}[{i}]", attr::ITEMS))?;
            items.push(OrderLine {
                sku: ddb::get_s(m, attr::SKU)?.to_owned(),
                name: ddb::get_s(m, attr::NAME)?.to_owned(),
                qty: ddb::get_n(m, attr::QTY)?,
                unit_price_cents: Cents(ddb::get_n(m, attr::UNIT_PRICE_CENTS)?),
                line_total_cents: Cents(ddb::get_n(m, attr::LINE_TOTAL_CENTS)?),
            });
        }
        let mut history = Vec::new();
        if item.contains_key(attr::HISTORY) {
            for (i, v) in ddb::get_list(item, attr::HISTORY)?.iter().enumerate() {
                history.push(Transition::from_value(
                    v,
                    &format!("{}[{i}]", attr::HISTORY),
                )?);
            }
        }
        Ok(Order {
            order_id: ddb::get_s(item, order_id_attr())?.to_owned(),
            user_id: ddb::get_s(item, user_id_attr())?.to_owned(),
            store_id: ddb::get_s(item, attr::STORE_ID)?.to_owned(),
            status: {
                let text = ddb::get_s(item, attr::STATUS)?;
                Status::parse(text).ok_or_else(|| bad_status(attr::STATUS, text))?
            },
            history,
            items,
            total_cents: Cents(ddb::get_n(item, attr::TOTAL_CENTS)?),
            currency: ddb::opt_s(item, attr::CURRENCY)?
                .unwrap_or(CURRENCY)
                .to_owned(),
            created_at: ddb::get_s(item, created_at_attr())?.to_owned(),
            updated_at: ddb::get_s(item, attr::UPDATED_AT)?.to_owned(),
            event_published: ddb::opt_bool(item, attr::EVENT_PUBLISHED)?.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_round_trip() {
        let o = Order {
            order_id: "ord-1".into(),
            user_id: "u-1".into(),
            store_id: "store-01".into(),
            status: Status::Placed,
            history: vec![Transition {
                at: "2026-11-01T09:30:00.000Z".into(),
                from: None,
                to: Status::Placed,
                actor: "customer:u-1".into(),
                reason: None,
            }],
            items: vec![OrderLine {
                sku: "APL-001".into(),
                name: "Apples".into(),
                qty: 2,
                unit_price_cents: Cents(349),
                line_total_cents: Cents(698),
            }],
            total_cents: Cents(698),
            currency: Order::currency(),
            created_at: "2026-11-01T09:30:00.000Z".into(),
            updated_at: "2026-11-01T09:30:00.000Z".into(),
            event_published: false,
        };
        assert_eq!(Order::from_item(&o.to_item()), Ok(o.clone()));
        let v = serde_json::to_value(&o).unwrap_or_default();
        assert_eq!(v["items"][0]["lineTotalCents"], 698);
        assert!(v.get("eventPublished").is_none());
        assert_eq!(v["status"], "PLACED");
        assert_eq!(v["history"][0]["to"], "PLACED");
        assert_eq!(
            o.to_item().get("storeStatus"),
            Some(&ddb::s("store-01#PLACED"))
        );
        let mut legacy = o.to_item();
        legacy.insert("status".into(), ddb::s("CONFIRMED"));
        legacy.remove("history");
        let read = Order::from_item(&legacy).map(|o| (o.status, o.history.len()));
        assert_eq!(read, Ok((Status::Placed, 0)));
    }
}
