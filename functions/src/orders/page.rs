//! One page of orders from an index: the customer's orders (newest first, by user) and a store's
//! work queue (oldest first, by store and state) are both read a page at a time, with the same
//! `limit`, the same opaque `cursor` and the same `nextCursor`.
//!
//! A cursor holds only the last order's `createdAt` and `orderId`; the index's partition value
//! (the caller, or the store and state) always comes from the request itself, so a cursor cannot
//! open another customer's orders or another queue.

use super::record::Order;
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal};
use crate::http::ApiRequest;
use crate::ids;
use aws_sdk_dynamodb::Client;
use retail_spec::{IndexSpec, ORDERS};
use serde::Serialize;
use std::collections::HashMap;

/// Orders per page when `limit` is not given, and the most a page may hold.
pub const DEFAULT_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 100;

/// What the client sent back in the returned cursor's place was not a cursor of this list.
const BAD_CURSOR: &str = "cursor is not one this API returned for this list; pass nextCursor unchanged, or leave it out for the first page.";

/// One page as the API answers it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub items: Vec<Order>,
    /// Only when more orders follow (no empty last page for the client to fetch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A page query: which index partition, which way, how many and from where.
pub struct PageQuery<'a> {
    pub table: &'a str,
    pub index: &'a IndexSpec,
    /// The partition's value (the caller's id, or `<store>#<STATUS>`): the request's own.
    pub partition: &'a str,
    /// Oldest first (`true`) or newest first.
    pub oldest_first: bool,
    /// For the error log: "the orders of u-1".
    pub what: String,
}

impl PageQuery<'_> {
    /// Reads the page the request's `limit` and `cursor` ask for.
    pub async fn read(&self, ddb: &Client, req: &ApiRequest) -> Result<Page, ApiError> {
        let limit = i32::try_from(req.page_limit(DEFAULT_PAGE, MAX_PAGE)?).unwrap_or(1);
        let start = req
            .query("cursor")
            .map(|c| decode_cursor(c, self.index, self.partition))
            .transpose()?;
        let out = ddb
            .query()
            .table_name(self.table)
            .index_name(self.index.name)
            .key_condition_expression("#p = :p")
            .expression_attribute_names("#p", self.index.partition_key.name)
            .expression_attribute_values(":p", ddb::s(self.partition))
            .scan_index_forward(self.oldest_first)
            // One more than the page: a next cursor only when there is a next order.
            .limit(limit + 1)
            .set_exclusive_start_key(start)
            .send()
            .await
            .or_internal(|| format!("listing {}", self.what))?;
        let mut items = out
            .items()
            .iter()
            .map(Order::from_item)
            .collect::<Result<Vec<_>, _>>()
            .or_internal(|| format!("reading {}", self.what))?;
        let page = usize::try_from(limit).unwrap_or(0);
        // More follow when the query found one beyond the page, or when it stopped early at
        // DynamoDB's 1 MB per query (LastEvaluatedKey without the extra order): orders with
        // many lines and a long history are large, and a page of 100 can stop short. A
        // LastEvaluatedKey does not promise more data, so at worst the next page is empty and
        // ends the list (DynamoDB Developer Guide, "Paginating table query results":
        // <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html>).
        let more = items.len() > page || out.last_evaluated_key().is_some();
        items.truncate(page);
        let next_cursor = more
            .then(|| items.last())
            .flatten()
            .map(|o| encode_cursor(&o.created_at, &o.order_id));
        Ok(Page { items, next_cursor })
    }
}

/// The cursor after an order of the page: hex of its `createdAt` and `orderId`.
fn encode_cursor(created_at: &str, order_id: &str) -> String {
    hex::encode(format!("{created_at}\n{order_id}"))
}

/// The index key to start after, with the request's own partition value.
fn decode_cursor(cursor: &str, index: &IndexSpec, partition: &str) -> Result<Item, ApiError> {
    let bad = || ApiError::validation(BAD_CURSOR);
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (created, id) = text.split_once('\n').ok_or_else(bad)?;
    if !ids::valid_id(id) || created.is_empty() || created.len() > 40 {
        return Err(bad());
    }
    let sort = index.sort_key.map_or("createdAt", |k| k.name);
    Ok(HashMap::from([
        (index.partition_key.name.to_owned(), ddb::s(partition)),
        (sort.to_owned(), ddb::s(created)),
        (ORDERS.partition_key.name.to_owned(), ddb::s(id)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use retail_spec::{ORDERS_BY_STORE_STATUS, ORDERS_BY_USER};

    #[test]
    fn cursors_round_trip_and_refuse_what_they_did_not_make() {
        let key = HashMap::from([
            ("storeStatus".to_owned(), ddb::s("store-01#PLACED")),
            ("createdAt".to_owned(), ddb::s("2026-12-01T10:00:00.000Z")),
            ("orderId".to_owned(), ddb::s("ord-0123456789abcdef")),
        ]);
        let cursor = encode_cursor("2026-12-01T10:00:00.000Z", "ord-0123456789abcdef");
        let decoded = decode_cursor(&cursor, &ORDERS_BY_STORE_STATUS, "store-01#PLACED");
        assert_eq!(decoded.ok(), Some(key));
        // The partition is the request's: the same cursor on the by-user index reads u-1's.
        let mine = decode_cursor(&cursor, &ORDERS_BY_USER, "u-1").unwrap_or_default();
        assert_eq!(mine.get("userId"), Some(&ddb::s("u-1")));
        assert!(decode_cursor("zz", &ORDERS_BY_USER, "u-1").is_err());
        assert!(decode_cursor(&hex::encode("no newline"), &ORDERS_BY_USER, "u").is_err());
    }
}
