//! The store staff's routes: a store's work queue (its orders in one state, oldest first, from
//! the by-store-status index, never a scan), one order with its history, and moving an order.

use super::Orders;
use super::lifecycle::reason;
use super::record::{Order, store_status, store_status_attr};
use super::status::{Actor, Status};
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal, shown};
use crate::http::{ApiRequest, Reply};
use crate::ids;
use retail_spec::{ORDERS, ORDERS_BY_STORE_STATUS};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Orders per page of the queue when `limit` is not given, and the most a page may hold.
pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

/// `POST /stores/{storeId}/orders/{orderId}/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    items: Vec<Order>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

impl Orders {
    /// The store named by the path, if the environment has it (else 404).
    fn store<'r>(&self, req: &'r ApiRequest) -> Result<&'r str, ApiError> {
        let store = req.param("storeId")?;
        if self.stores.iter().any(|s| s == store) {
            Ok(store)
        } else {
            Err(ApiError::not_found(format!("There is no store {store}.")))
        }
    }

    /// The store's order named by the path (another store's order is not found).
    pub(super) async fn store_order(&self, req: &ApiRequest) -> Result<Order, ApiError> {
        let store = self.store(req)?;
        let id = req.param("orderId")?;
        if !ids::valid_id(id) {
            return Err(ApiError::validation(format!(
                "{} is not an order id.",
                shown(id)
            )));
        }
        match self.load(id).await? {
            Some(order) if order.store_id == store => Ok(order),
            _ => Err(ApiError::not_found(format!(
                "Store {store} has no order with id {id}."
            ))),
        }
    }

    /// `POST /stores/{storeId}/orders/{orderId}/status`: `{"status": "PICKING", "reason"?}`.
    pub(super) async fn set_status(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let body: StatusBody = req.json()?;
        let to = Status::requested(&body.status).ok_or_else(|| {
            ApiError::validation(format!(
                "status {} is not one of PICKING, READY_FOR_PICKUP, COLLECTED, CANCELLED.",
                shown(&body.status)
            ))
        })?;
        let reason = reason(body.reason)?;
        let order = self.store_order(req).await?;
        let staff = Actor::Staff(req.caller()?.sub.clone());
        Reply::ok(
            &self
                .lifecycle
                .transition(&order, to, &staff, reason)
                .await?,
        )
    }

    /// `GET /stores/{storeId}/orders?status=&limit=&cursor=`: oldest first.
    pub(super) async fn store_queue(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let store = self.store(req)?;
        let status = match req.query("status") {
            None => Status::Placed,
            Some(text) => Status::requested(text).ok_or_else(|| {
                    ApiError::validation(format!(
                        "status {} is not one of PLACED, PICKING, READY_FOR_PICKUP, COLLECTED, CANCELLED.",
                        shown(text)
                    ))
                })?,
        };
        let limit = match req.query("limit") {
            None => DEFAULT_PAGE,
            Some(text) => text
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "limit {} is not a whole number from 1 to {MAX_PAGE}.",
                        shown(text)
                    ))
                })?,
        };
        let queue = store_status(store, status);
        let start = req
            .query("cursor")
            .map(|c| {
                decode_cursor(c, &queue).ok_or_else(|| {
                    ApiError::validation(
                        "cursor is not one this API returned for this store and status; pass nextCursor unchanged.",
                    )
                })
            })
            .transpose()?;
        let out = self
            .ddb
            .query()
            .table_name(&self.orders)
            .index_name(ORDERS_BY_STORE_STATUS.name)
            .key_condition_expression("#q = :q")
            .expression_attribute_names("#q", store_status_attr())
            .expression_attribute_values(":q", ddb::s(&queue))
            .scan_index_forward(true)
            // One more than the page: a next cursor only when there is a next order (no empty
            // last page for the client to fetch).
            .limit(limit + 1)
            .set_exclusive_start_key(start)
            .send()
            .await
            .or_internal(|| format!("listing the {status} orders of {store}"))?;
        let mut items = out
            .items()
            .iter()
            .map(Order::from_item)
            .collect::<Result<Vec<_>, _>>()
            .or_internal(|| format!("reading the {status} orders of {store}"))?;
        let more = items.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        items.truncate(usize::try_from(limit).unwrap_or(0));
        let next_cursor = more
            .then(|| items.last())
            .flatten()
            .map(|o| encode_cursor(&o.created_at, &o.order_id));
        Reply::ok(&Page { items, next_cursor })
    }
}

/// The cursor after an order of the page: hex of its `createdAt` and `orderId` (the index key
/// of the queue is the request's own).
fn encode_cursor(created_at: &str, order_id: &str) -> String {
    hex::encode(format!("{created_at}\n{order_id}"))
}

fn decode_cursor(cursor: &str, queue: &str) -> Option<Item> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (created, id) = text.split_once('\n')?;
    if !ids::valid_id(id) || created.is_empty() || created.len() > 40 {
        return None;
    }
    Some(HashMap::from([
        (store_status_attr().to_owned(), ddb::s(queue)),
        (sort_attr().to_owned(), ddb::s(created)),
        (ORDERS.partition_key.name.to_owned(), ddb::s(id)),
    ]))
}

fn sort_attr() -> &'static str {
    match ORDERS_BY_STORE_STATUS.sort_key {
        Some(k) => k.name,
        None => "createdAt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_they_did_not_make() {
        let key = HashMap::from([
            ("storeStatus".to_owned(), ddb::s("store-01#PLACED")),
            ("createdAt".to_owned(), ddb::s("2026-12-01T10:00:00.000Z")),
            ("orderId".to_owned(), ddb::s("ord-0123456789abcdef")),
        ]);
        let cursor = encode_cursor("2026-12-01T10:00:00.000Z", "ord-0123456789abcdef");
        assert_eq!(decode_cursor(&cursor, "store-01#PLACED"), Some(key));
        assert_eq!(decode_cursor("zz", "store-01#PLACED"), None);
        assert_eq!(decode_cursor(&hex::encode("no newline"), "q"), None);
    }
}
