//! The orders function: placing orders without overselling, reading them back, and moving them
//! through click & collect (picked, ready, collected, or cancelled with their stock returned).
//!
//! Placing is in [`place`], the lifecycle in [`status`] (the rules) and [`lifecycle`] (the
//! conditional writes), the store staff's queue in [`staff`]; this module holds the app and the
//! customer's routes (one order; their orders newest first through the by-user index; cancel).

mod event;
mod expiry;
mod lifecycle;
mod notice;
mod page;
mod place;
mod record;
mod request;
mod staff;
mod status;

pub use event::{EventLine, MalformedEvent, ORDER_CREATED, OrderCreated};
pub use expiry::{Expiry, ExpiryRun};
pub use lifecycle::{Lifecycle, MAX_REASON_CHARS};
pub use notice::Notice;
pub use page::{DEFAULT_PAGE, MAX_PAGE, Page};
pub use record::{Order, OrderLine, Transition, store_status};
pub use request::{MAX_LINES, MAX_QTY, OrderBody, OrderRequest};
pub use status::{Actor, Status};

use crate::config::{ConfigError, FunctionEnv};
use crate::ddb;
use crate::error::{ApiError, OrInternal, shown};
use crate::http::{self, ApiRequest, Reply};
use crate::ids;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::Select;
use aws_types::SdkConfig;
use lambda_http::{Body, Request, Response};
use page::PageQuery;
use retail_spec::{
    CANCEL_ORDER, CARTS, GET_ORDER, GET_STORE_ORDER, IDEMPOTENCY, LIST_ORDERS, LIST_STORE_ORDERS,
    ORDER_EVENTS, ORDER_MAX_OPEN_DEFAULT, ORDER_MAX_OPEN_VAR, ORDER_MAX_UNITS_DEFAULT,
    ORDER_MAX_UNITS_VAR, ORDERS, ORDERS_BY_USER, ORDERS_FN, PLACE_ORDER, PRODUCTS,
    SET_ORDER_STATUS,
};
use serde::Deserialize;

/// The orders app.
pub struct Orders {
    /// What a request passes before its route runs.
    gate: http::Gate,
    ddb: Client,
    sqs: aws_sdk_sqs::Client,
    products: String,
    orders: String,
    idempotency: String,
    carts: String,
    events_queue: String,
    stores: Vec<String>,
    /// Most units in one order (`orders.max_units_per_order`).
    max_units: u32,
    /// Most open orders of one customer (`orders.max_open_orders`).
    max_open: u32,
    lifecycle: Lifecycle,
}

/// `POST /orders/{orderId}/cancel`: an optional reason.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    #[serde(default)]
    reason: Option<String>,
}

impl Orders {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        let ddb = Client::new(sdk);
        Ok(Orders {
            gate: http::Gate::from_env(sdk, env)?,
            lifecycle: Lifecycle::new(ddb.clone(), env.table(&ORDERS)?, env.table(&PRODUCTS)?),
            ddb,
            sqs: aws_sdk_sqs::Client::new(sdk),
            products: env.table(&PRODUCTS)?,
            orders: env.table(&ORDERS)?,
            idempotency: env.table(&IDEMPOTENCY)?,
            carts: env.table(&CARTS)?,
            events_queue: env.queue_url(&ORDER_EVENTS)?,
            stores: env.stores()?,
            max_units: env.number(ORDER_MAX_UNITS_VAR, ORDER_MAX_UNITS_DEFAULT)?,
            max_open: env.number(ORDER_MAX_OPEN_VAR, ORDER_MAX_OPEN_DEFAULT)?,
        })
    }

    /// Handles one API Gateway request.
    pub async fn handle(&self, req: Request) -> Response<Body> {
        http::serve(&ORDERS_FN, &self.gate, req, |r| self.route(r)).await
    }

    async fn route(&self, req: ApiRequest) -> Result<Reply, ApiError> {
        if http::is(req.route, &PLACE_ORDER) {
            self.place(&req).await
        } else if http::is(req.route, &GET_ORDER) {
            Reply::ok(&self.own_order(&req).await?)
        } else if http::is(req.route, &CANCEL_ORDER) {
            let body: CancelBody = req.json_or_default()?;
            let reason = lifecycle::reason(body.reason)?;
            let order = self.own_order(&req).await?;
            let customer = Actor::Customer(req.caller()?.sub.clone());
            Reply::ok(
                &self
                    .lifecycle
                    .transition(&order, Status::Cancelled, &customer, reason)
                    .await?,
            )
        } else if http::is(req.route, &LIST_STORE_ORDERS) {
            self.store_queue(&req).await
        } else if http::is(req.route, &GET_STORE_ORDER) {
            Reply::ok(&self.store_order(&req).await?)
        } else if http::is(req.route, &SET_ORDER_STATUS) {
            self.set_status(&req).await
        } else if http::is(req.route, &LIST_ORDERS) {
            let caller = req.caller()?;
            let page = PageQuery {
                table: &self.orders,
                index: &ORDERS_BY_USER,
                partition: &caller.sub,
                oldest_first: false,
                what: format!("the orders of {} in table {}", caller.sub, self.orders),
            };
            Reply::ok(&page.read(&self.ddb, &req).await?)
        } else {
            Err(http::unrouted(&req))
        }
    }

    /// The caller's order named by the path. Another customer's order answers exactly as a
    /// missing one: its existence is not revealed.
    async fn own_order(&self, req: &ApiRequest) -> Result<Order, ApiError> {
        let id = req.param("orderId")?;
        if !ids::valid_id(id) {
            return Err(ApiError::validation(format!(
                "{} is not an order id.",
                shown(id)
            )));
        }
        let caller = req.caller()?;
        match self.load(id).await? {
            Some(order) if order.user_id == caller.sub => Ok(order),
            _ => Err(ApiError::not_found(format!(
                "You have no order with id {id}."
            ))),
        }
    }

    /// One order (strongly consistent, so a replay right after placing finds it).
    async fn load(&self, order_id: &str) -> Result<Option<Order>, ApiError> {
        self.lifecycle.load(order_id).await
    }

    /// How many of a user's orders are open, counted up to `enough`: the by-user index read
    /// page by page with a filter on the status, so that only counts come back, until the end
    /// or `enough`. A page's `Count` is "the number of items that remain after a filter
    /// expression (if present) was applied" (DynamoDB Developer Guide, "Other aspects of
    /// working with the Query operation in DynamoDB", "Counting the items in the results").
    async fn count_open(&self, user: &str, enough: usize) -> Result<usize, ApiError> {
        let names: Vec<(String, &str)> = Status::open_names()
            .enumerate()
            .map(|(i, name)| (format!(":s{i}"), name))
            .collect();
        let placeholders: Vec<&str> = names.iter().map(|(p, _)| p.as_str()).collect();
        let mut query = self
            .ddb
            .query()
            .table_name(&self.orders)
            .index_name(ORDERS_BY_USER.name)
            .key_condition_expression("#u = :u")
            .filter_expression(format!("#s IN ({})", placeholders.join(", ")))
            .expression_attribute_names("#u", ORDERS_BY_USER.partition_key.name)
            .expression_attribute_names("#s", record::attr::STATUS)
            .expression_attribute_values(":u", ddb::s(user))
            .select(Select::Count);
        for (placeholder, name) in &names {
            query = query.expression_attribute_values(placeholder, ddb::s(*name));
        }
        let mut pages = query.into_paginator().send();
        let mut open = 0;
        while let Some(page) = pages.next().await {
            let page = page.or_internal(|| {
                format!(
                    "counting the open orders of {user} in table {}",
                    self.orders
                )
            })?;
            open += usize::try_from(page.count()).unwrap_or(0);
            if open >= enough {
                break;
            }
        }
        Ok(open)
    }
}
