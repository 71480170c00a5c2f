//! Cancelling orders nobody collected: every hour (EventBridge Scheduler), each store's open
//! orders placed more than the pickup window ago are cancelled by `system` and their stock goes
//! back on the shelf.
//!
//! The candidates come from the by-store-status index (`<store>#<STATUS>`, sorted by creation
//! time, so "older than the cutoff" is a key condition, not a scan). Each one is cancelled with
//! the same conditional transaction a customer or staff member uses: an order collected or
//! cancelled meanwhile is left alone (409 from the lifecycle, counted as already moved), and a
//! run that fails half-way can simply run again.

use super::lifecycle::Lifecycle;
use super::record::{Order, store_status, store_status_attr};
use super::status::{Actor, Status};
use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::ddb::{self, Item};
use crate::error::{ApiError, ErrorCode, OrInternal};
use aws_sdk_dynamodb::Client;
use aws_types::SdkConfig;
use retail_spec::{
    ORDER_PICKUP_WINDOW_DEFAULT_HOURS, ORDER_PICKUP_WINDOW_VAR, ORDERS, ORDERS_BY_STORE_STATUS,
    PRODUCTS,
};
use serde::Serialize;
use time::OffsetDateTime;

/// The scheduled expiry.
pub struct Expiry {
    ddb: Client,
    orders: String,
    lifecycle: Lifecycle,
    stores: Vec<String>,
    window_hours: u32,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiryRun {
    /// Orders created before this were due.
    pub cutoff: String,
    /// The orders this run cancelled.
    pub cancelled: Vec<String>,
    /// Due orders someone moved first (collected or cancelled meanwhile).
    pub already_moved: usize,
}

impl Expiry {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        let ddb = Client::new(sdk);
        let orders = env.table(&ORDERS)?;
        Ok(Expiry {
            lifecycle: Lifecycle::new(ddb.clone(), orders.clone(), env.table(&PRODUCTS)?),
            ddb,
            orders,
            stores: env.stores()?,
            window_hours: env.number(ORDER_PICKUP_WINDOW_VAR, ORDER_PICKUP_WINDOW_DEFAULT_HOURS)?,
        })
    }

    /// One run, now.
    pub async fn run(&self) -> Result<ExpiryRun, ApiError> {
        self.run_at(clock::now()).await
    }

    /// One run as if it were `now` (tests move the clock forward instead of waiting days).
    pub async fn run_at(&self, now: OffsetDateTime) -> Result<ExpiryRun, ApiError> {
        let cutoff = clock::timestamp(now - time::Duration::hours(i64::from(self.window_hours)));
        let reason = format!("not collected within {} hours", self.window_hours);
        let mut run = ExpiryRun {
            cutoff: cutoff.clone(),
            cancelled: Vec::new(),
            already_moved: 0,
        };
        let mut failures = Vec::new();
        for store in &self.stores {
            for status in [Status::Placed, Status::Picking, Status::ReadyForPickup] {
                for order in self.due(store, status, &cutoff).await? {
                    let moved = self
                        .lifecycle
                        .transition(
                            &order,
                            Status::Cancelled,
                            &Actor::System,
                            Some(reason.clone()),
                        )
                        .await;
                    match moved {
                        Ok(_) => run.cancelled.push(order.order_id),
                        Err(e) if e.code == ErrorCode::InvalidTransition => run.already_moved += 1,
                        Err(e) => failures.push(format!("{}: {e}", order.order_id)),
                    }
                }
            }
        }
        tracing::info!(
            cutoff = run.cutoff,
            cancelled = run.cancelled.len(),
            alreadyMoved = run.already_moved,
            failed = failures.len(),
            "order expiry"
        );
        if failures.is_empty() {
            Ok(run)
        } else {
            // The orders cancelled stay cancelled; the next run (or Scheduler's retry) tries
            // the others again.
            Err(ApiError::internal(
                "expiring orders",
                format!(
                    "{} order(s) could not be cancelled: {}",
                    failures.len(),
                    failures.join("; ")
                ),
            ))
        }
    }

    /// A store's orders in `status` created before `cutoff`, oldest first, every page.
    async fn due(&self, store: &str, status: Status, cutoff: &str) -> Result<Vec<Order>, ApiError> {
        let sort = ORDERS_BY_STORE_STATUS
            .sort_key
            .map_or("createdAt", |k| k.name);
        let mut start: Option<Item> = None;
        let mut out = Vec::new();
        loop {
            let page = self
                .ddb
                .query()
                .table_name(&self.orders)
                .index_name(ORDERS_BY_STORE_STATUS.name)
                .key_condition_expression("#q = :q AND #c < :cutoff")
                .expression_attribute_names("#q", store_status_attr())
                .expression_attribute_names("#c", sort)
                .expression_attribute_values(":q", ddb::s(store_status(store, status)))
                .expression_attribute_values(":cutoff", ddb::s(cutoff))
                .set_exclusive_start_key(start)
                .send()
                .await
                .or_internal(|| format!("listing the due {status} orders of {store}"))?;
            for item in page.items() {
                out.push(
                    Order::from_item(item)
                        .or_internal(|| format!("reading a due order of {store}"))?,
                );
            }
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => return Ok(out),
            }
        }
    }
}
