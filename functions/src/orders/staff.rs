//! The store staff's routes: a store's work queue (its orders in one state, oldest first, from
//! the by-store-status index, never a scan), one order with its history, and moving an order.

use super::Orders;
use super::lifecycle::reason;
use super::page::PageQuery;
use super::record::{Order, store_status};
use super::status::{Actor, Status};
use crate::error::{ApiError, shown};
use crate::http::{ApiRequest, Reply};
use crate::ids;
use retail_spec::ORDERS_BY_STORE_STATUS;
use serde::Deserialize;

/// `POST /stores/{storeId}/orders/{orderId}/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
    #[serde(default)]
    reason: Option<String>,
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
        let queue = store_status(store, status);
        let page = PageQuery {
            table: &self.orders,
            index: &ORDERS_BY_STORE_STATUS,
            partition: &queue,
            oldest_first: true,
            what: format!("the {status} orders of {store}"),
        };
        Reply::ok(&page.read(&self.ddb, req).await?)
    }
}
