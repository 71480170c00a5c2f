//! The smoke test's steps, in order, and what they hand each other (the product picked, the
//! signed-in customer, the order still open).

use std::time::Instant;

use serde_json::{Value as Json, json};

use super::customer::{self, SmokeCustomer};
use super::http::{Client, HttpError};
use super::{Outcome, Plan, REQUEST_TIMEOUT, Report, Step};
use crate::aws::AwsContext;

/// The product the smoke order is for, and its stock before the order.
struct Pick {
    sku: String,
    stock: u64,
}

/// The shopping steps, after sign-in.
#[derive(Debug, Clone, Copy)]
enum Shop {
    EmptyCart,
    AddToCart,
    PlaceOrder,
    StockReserved,
    CancelOrder,
    StockRestored,
}

impl Shop {
    const ALL: [Shop; 6] = [
        Shop::EmptyCart,
        Shop::AddToCart,
        Shop::PlaceOrder,
        Shop::StockReserved,
        Shop::CancelOrder,
        Shop::StockRestored,
    ];

    fn name(self) -> &'static str {
        match self {
            Shop::EmptyCart => "empty cart",
            Shop::AddToCart => "add to cart",
            Shop::PlaceOrder => "place order",
            Shop::StockReserved => "stock reserved",
            Shop::CancelOrder => "cancel order",
            Shop::StockRestored => "stock restored",
        }
    }
}

const SIGN_IN: &str = "sign in";
const CLEAN_UP: &str = "clean up";
const AFTER_FAILURE: &str = "not run: an earlier step failed";

pub(super) struct Journey<'a> {
    ctx: &'a AwsContext,
    plan: &'a Plan,
    http: Client,
    on_step: &'a mut (dyn FnMut(&Step) + Send),
    report: Report,
    customer: Option<SmokeCustomer>,
    /// An order placed and not yet cancelled.
    open_order: Option<String>,
    /// The cart's total as the API showed it: the order is placed at that total or not at all.
    cart_total: Option<Json>,
}

impl<'a> Journey<'a> {
    pub(super) fn new(
        ctx: &'a AwsContext,
        plan: &'a Plan,
        on_step: &'a mut (dyn FnMut(&Step) + Send),
    ) -> Result<Self, HttpError> {
        Ok(Journey {
            ctx,
            plan,
            http: Client::new(REQUEST_TIMEOUT)?,
            on_step,
            report: Report::default(),
            customer: None,
            open_order: None,
            cart_total: None,
        })
    }

    pub(super) async fn run(mut self) -> Result<Report, HttpError> {
        self.storefront().await;
        let started = Instant::now();
        let pick = self.catalog().await;
        let pick = match pick {
            Ok((pick, detail)) => {
                self.end("catalog", started, Ok(detail));
                Some(pick)
            }
            Err(e) => {
                self.end("catalog", started, Err(e));
                None
            }
        };
        match pick {
            Some(pick) if self.sign_in().await => self.shop(&pick).await,
            Some(_) => self.skip_shop(),
            None => {
                self.skip(SIGN_IN, AFTER_FAILURE);
                self.skip_shop();
            }
        }
        self.clean_up().await;
        Ok(self.report)
    }

    /// Records a step's end; true when it passed.
    fn end(
        &mut self,
        name: &'static str,
        started: Instant,
        result: Result<String, String>,
    ) -> bool {
        let (outcome, detail) = match result {
            Ok(detail) => (Outcome::Passed, detail),
            Err(detail) => (Outcome::Failed, detail),
        };
        self.push(Step {
            name,
            outcome,
            detail,
            millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        outcome == Outcome::Passed
    }

    fn skip(&mut self, name: &'static str, why: &str) {
        self.push(Step {
            name,
            outcome: Outcome::Skipped,
            detail: why.to_owned(),
            millis: 0,
        });
    }

    fn skip_shop(&mut self) {
        for step in Shop::ALL {
            self.skip(step.name(), AFTER_FAILURE);
        }
    }

    fn push(&mut self, step: Step) {
        (self.on_step)(&step);
        self.report.steps.push(step);
    }

    async fn storefront(&mut self) {
        let Some(url) = self.plan.endpoints.ui.clone() else {
            self.skip(
                "storefront",
                "the environment serves no page of its own (no CDN); pass --url to check one",
            );
            return;
        };
        let started = Instant::now();
        let result = match self.http.send("GET", &url, &[], None).await {
            Ok(reply) if reply.status == 200 && is_html(&reply.body) => Ok(format!(
                "GET {url} → 200, {} bytes of HTML",
                reply.body.len()
            )),
            Ok(reply) => Err(format!(
                "GET {url} → HTTP {}, expected 200 and the storefront's HTML: {}",
                reply.status,
                reply.excerpt()
            )),
            Err(e) => Err(e.to_string()),
        };
        self.end("storefront", started, result);
    }

    /// Lists the catalog and picks the first product with stock.
    async fn catalog(&mut self) -> Result<(Pick, String), String> {
        let page = self.api("GET", "/catalog?limit=50", None, &[200]).await?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            return Err("GET /catalog listed no products: load the catalog (`PUT /inventory` from the back office; non-prod deploys load the demo catalog)".into());
        }
        let pick = items.iter().find_map(|p| {
            let stock = p["stock"].as_u64().filter(|s| *s > 0)?;
            Some(Pick {
                sku: p["sku"].as_str()?.to_owned(),
                stock,
            })
        });
        let pick = pick.ok_or_else(|| {
            format!(
                "none of the {} products listed has stock, so no order can be placed; restock one from the back office",
                items.len()
            )
        })?;
        let detail = format!(
            "{} products listed; ordering {} ({} in stock)",
            items.len(),
            pick.sku,
            pick.stock
        );
        Ok((pick, detail))
    }

    async fn sign_in(&mut self) -> bool {
        let started = Instant::now();
        let email = customer::email_for(&self.plan.env);
        let result = customer::sign_in(self.ctx, &self.plan.pool, &email).await;
        match result {
            Ok(c) => {
                let detail = format!("signed in as {}", c.email);
                self.customer = Some(c);
                self.end(SIGN_IN, started, Ok(detail))
            }
            Err(e) => self.end(SIGN_IN, started, Err(e.to_string())),
        }
    }

    async fn shop(&mut self, pick: &Pick) {
        for (i, step) in Shop::ALL.iter().enumerate() {
            let started = Instant::now();
            let result = self.shop_step(*step, pick).await;
            if !self.end(step.name(), started, result) {
                for rest in &Shop::ALL[i + 1..] {
                    self.skip(rest.name(), AFTER_FAILURE);
                }
                return;
            }
        }
    }

    async fn shop_step(&mut self, step: Shop, pick: &Pick) -> Result<String, String> {
        let sku = pick.sku.as_str();
        match step {
            Shop::EmptyCart => {
                self.api("DELETE", "/cart", None, &[200]).await?;
                Ok("DELETE /cart → 200".into())
            }
            Shop::AddToCart => {
                let cart = self
                    .api("POST", "/cart", Some(json!({"sku": sku, "qty": 1})), &[200])
                    .await?;
                let lines = cart["items"].as_array().cloned().unwrap_or_default();
                self.cart_total = Some(cart["totalCents"].clone());
                if lines.iter().any(|l| l["sku"] == sku && l["qty"] == 1) {
                    Ok(format!("1 × {sku} in the cart"))
                } else {
                    Err(format!(
                        "POST /cart answered 200 but the cart does not hold 1 × {sku}: {cart}"
                    ))
                }
            }
            Shop::PlaceOrder => self.place_order(sku).await,
            Shop::StockReserved => {
                self.expect_stock(sku, pick.stock - 1, "after the order")
                    .await
            }
            Shop::CancelOrder => self.cancel_order().await,
            Shop::StockRestored => {
                self.expect_stock(sku, pick.stock, "after the cancellation")
                    .await
            }
        }
    }

    async fn place_order(&mut self, sku: &str) -> Result<String, String> {
        let store = self.plan.store_id.clone();
        let body = json!({"storeId": store, "items": [{"sku": sku, "qty": 1}],
                          "expectedTotalCents": self.cart_total});
        let key = uuid::Uuid::new_v4().to_string();
        let order = self
            .api_with(
                "POST",
                "/orders",
                Some(body),
                &[201, 200],
                &[("idempotency-key", &key)],
            )
            .await?;
        let id = order["orderId"]
            .as_str()
            .ok_or_else(|| format!("POST /orders answered without an orderId: {order}"))?
            .to_owned();
        self.open_order = Some(id.clone());
        let status = order["status"].as_str().unwrap_or_default();
        if status != "PLACED" {
            return Err(format!("order {id} is {status}, expected PLACED"));
        }
        Ok(format!("order {id} PLACED at {store}"))
    }

    async fn cancel_order(&mut self) -> Result<String, String> {
        let id = self.open_order.clone().ok_or("no order to cancel")?;
        let order = self.cancel(&id).await?;
        let status = order["status"].as_str().unwrap_or_default();
        if status != "CANCELLED" {
            return Err(format!(
                "order {id} is {status} after the cancel, expected CANCELLED"
            ));
        }
        self.open_order = None;
        Ok(format!("order {id} CANCELLED"))
    }

    async fn cancel(&self, id: &str) -> Result<Json, String> {
        let path = format!("/orders/{id}/cancel");
        let body = json!({"reason": "stackgen smoke test"});
        self.api("POST", &path, Some(body), &[200]).await
    }

    async fn expect_stock(&self, sku: &str, expected: u64, when: &str) -> Result<String, String> {
        let product = self
            .api("GET", &format!("/catalog/{sku}"), None, &[200])
            .await?;
        match product["stock"].as_u64() {
            Some(stock) if stock == expected => Ok(format!("{sku}: {stock} in stock {when}")),
            Some(stock) => Err(format!(
                "{sku} has {stock} in stock {when}, expected {expected} (a shopper buying it in the same seconds also explains this; run again)"
            )),
            None => Err(format!(
                "GET /catalog/{sku} answered without a stock level: {product}"
            )),
        }
    }

    /// Empties the cart, cancels an order a failed step left open, deletes the account.
    async fn clean_up(&mut self) {
        let started = Instant::now();
        let mut done = Vec::new();
        let mut failed = Vec::new();
        if let Some(id) = self.open_order.take() {
            match self.cancel(&id).await {
                Ok(_) => done.push(format!("order {id} cancelled")),
                Err(e) => failed.push(format!("order {id} is still open ({e}); the order expiry cancels it after the pickup window, or cancel it from the back office")),
            }
        }
        if self.customer.is_some() {
            match self.api("DELETE", "/cart", None, &[200]).await {
                Ok(_) => done.push("cart emptied".to_owned()),
                Err(e) => failed.push(format!("cart not emptied ({e})")),
            }
        }
        let email = customer::email_for(&self.plan.env);
        match customer::delete(self.ctx, &self.plan.pool, &email).await {
            Ok(true) => done.push(format!("account {email} deleted")),
            Ok(false) => done.push("no account to delete".to_owned()),
            Err(e) => failed.push(format!("account {email} not deleted ({e})")),
        }
        self.customer = None;
        let result = match (failed.is_empty(), done.is_empty()) {
            (true, _) => Ok(done.join(", ")),
            (false, true) => Err(failed.join("; ")),
            (false, false) => Err(format!("{}; done: {}", failed.join("; "), done.join(", "))),
        };
        self.end(CLEAN_UP, started, result);
    }

    async fn api(
        &self,
        method: &str,
        path: &str,
        body: Option<Json>,
        expect: &[u16],
    ) -> Result<Json, String> {
        self.api_with(method, path, body, expect, &[]).await
    }

    /// One API call as the customer (when signed in), bypassing the catalog listing's cache.
    async fn api_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Json>,
        expect: &[u16],
        extra: &[(&str, &str)],
    ) -> Result<Json, String> {
        let url = format!("{}{path}", self.plan.endpoints.api.trim_end_matches('/'));
        let mut headers: Vec<(&str, &str)> = vec![("cache-control", "no-cache")];
        if let Some(c) = &self.customer {
            headers.push(("authorization", c.bearer.as_str()));
        }
        headers.extend_from_slice(extra);
        let reply = self
            .http
            .send(method, &url, &headers, body.as_ref())
            .await
            .map_err(|e| e.to_string())?;
        if expect.contains(&reply.status) {
            Ok(reply.json())
        } else {
            Err(format!(
                "{method} {path} → HTTP {} (expected {}): {}",
                reply.status,
                expect
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                reply.excerpt()
            ))
        }
    }
}

fn is_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    String::from_utf8_lossy(head)
        .to_ascii_lowercase()
        .contains("<html")
}
