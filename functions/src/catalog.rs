//! The catalog function: browsing products with their prices and stock.
//!
//! `GET /catalog` pages through the products (or one category, via the by-category index) with
//! an opaque cursor, optionally searching names case-insensitively; out-of-stock products are
//! listed and flagged, never hidden. `GET /catalog/{sku}` returns one product.
//!
//! Listings are the hot path (every storefront visit) and a DynamoDB scan each: a listing is
//! kept in memory for `CATALOG_CACHE_SECONDS` (default 5 s) and sent with
//! `Cache-Control: public, max-age=N`, so the CDN and browsers may reuse it as long. A request
//! with `Cache-Control: no-cache` (what a browser sends for `fetch(url, {cache: "reload"})`, and
//! what the storefront does right after its own order or stock change) or `Pragma: no-cache`
//! skips the cache and refreshes it: a shopper sees their own changes at once, everyone else
//! within N seconds. `GET /catalog/{sku}` is never cached.
//!
//! The category list in every listing is a scan of the whole table: it is kept for the same
//! lifetime whatever the listing (and a listing is cached as old as the list it carries, so
//! nothing is served more than N seconds after it was read), and a `no-cache` request reuses
//! one under a second old: a category a shopper's own change adds may take that second to
//! show. A flood of distinct searches, or of `no-cache` requests sent straight to the API's own
//! endpoint (where the CDN's web ACL does not apply), then costs at most one full scan a
//! second per warm instance, not one per request.

use crate::config::{ConfigError, FunctionEnv};
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal, shown};
use crate::http::{self, ApiRequest, Reply};
use crate::product::{self, Product, ProductView, attr};
use crate::products;
use aws_sdk_dynamodb::Client;
use aws_types::SdkConfig;
use lambda_http::http::{HeaderMap, HeaderValue, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use retail_spec::{
    CATALOG, CATALOG_CACHE_DEFAULT_SECONDS, CATALOG_CACHE_MAX_SECONDS, CATALOG_CACHE_VAR,
    GET_CATALOG, GET_PRODUCT, PRODUCTS, PRODUCTS_BY_CATEGORY,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Page size when the client does not say, and the most it may ask for.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;
/// Longest accepted search text.
const MAX_QUERY_CHARS: usize = 100;
/// DynamoDB pages read for one response before returning a partial page with a cursor (bounds
/// the work a selective search can cause).
const MAX_PAGES_PER_REQUEST: usize = 10;
/// Distinct listings (category × search × page) kept in memory at most; the oldest go first.
const MAX_CACHED_LISTINGS: usize = 256;
/// How old a category list a `no-cache` listing may still be given.
const FRESH_CATEGORIES: Duration = Duration::from_secs(1);

/// The catalog app.
pub struct Catalog {
    /// What a request passes before its route runs.
    gate: http::Gate,
    ddb: Client,
    products: String,
    cache: ListingCache,
    /// The last category list and when it was read.
    categories: Mutex<Option<(Instant, Vec<String>)>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    items: Vec<ProductView<'a>>,
    next_cursor: Option<String>,
    categories: Vec<String>,
}

/// A validated `GET /catalog` query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Listing {
    category: Option<String>,
    search: Option<String>,
    limit: usize,
    after_sku: Option<String>,
}

impl Catalog {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(Catalog {
            gate: http::Gate::from_env(sdk, env)?,
            ddb: Client::new(sdk),
            products: env.table(&PRODUCTS)?,
            cache: ListingCache::new(cache_lifetime(env.get(CATALOG_CACHE_VAR))),
            categories: Mutex::new(None),
        })
    }

    /// Handles one API Gateway request.
    pub async fn handle(&self, req: Request) -> Response<Body> {
        let listing = is_listing(&req);
        let fresh = wants_fresh(req.headers());
        let mut res = http::serve(&CATALOG, &self.gate, req, |r| self.route(r, fresh)).await;
        if listing && res.status().is_success() && !self.cache.ttl.is_zero() {
            let value = format!("public, max-age={}", self.cache.ttl.as_secs());
            if let Ok(v) = HeaderValue::from_str(&value) {
                res.headers_mut().insert(header::CACHE_CONTROL, v);
            }
        }
        res
    }

    async fn route(&self, req: ApiRequest, fresh: bool) -> Result<Reply, ApiError> {
        if http::is(req.route, &GET_CATALOG) {
            let listing = Listing::parse(&req)?;
            if !fresh && let Some(body) = self.cache.get(&listing, Instant::now()) {
                return Ok(Reply { status: 200, body });
            }
            let (reply, read_at) = self.list(&listing, fresh).await?;
            // Kept as old as its oldest part (the category list may have been read earlier),
            // so no listing is served more than the cache's lifetime after what it shows.
            self.cache.put(listing, reply.body.clone(), read_at);
            Ok(reply)
        } else if http::is(req.route, &GET_PRODUCT) {
            self.product(&req).await
        } else {
            Err(http::unrouted(&req))
        }
    }

    async fn product(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let sku = req.path_param()?;
        if !product::valid_sku(sku) {
            return Err(ApiError::validation(format!(
                "{} is not a SKU (1-64 letters, digits, '-' or '_').",
                shown(sku)
            )));
        }
        match products::get(&self.ddb, &self.products, sku, false).await? {
            Some(p) => Reply::ok(&p.view()),
            None => Err(ApiError::not_found(format!("No product has SKU {sku}."))),
        }
    }

    /// The listing, and when its oldest part (the category list) was read.
    async fn list(&self, listing: &Listing, fresh: bool) -> Result<(Reply, Instant), ApiError> {
        let now = Instant::now();
        let (page, categories) = tokio::join!(self.page(listing), self.categories(fresh));
        let (items, next) = page?;
        let (categories, read_at) = categories?;
        let reply = Reply::ok(&Page {
            items: items.iter().map(Product::view).collect(),
            next_cursor: next.map(|sku| encode_cursor(&sku)),
            categories,
        })?;
        Ok((reply, read_at.min(now)))
    }

    /// Up to `limit` matching products after the cursor, and the SKU to continue after.
    async fn page(&self, l: &Listing) -> Result<(Vec<Product>, Option<String>), ApiError> {
        let sku = product::sku_attr();
        let category = product::category_attr();
        let mut start: Option<Item> = l.after_sku.as_ref().map(|after| {
            let mut k = products::key(after);
            if let Some(c) = &l.category {
                k.insert(category.to_owned(), ddb::s(c));
            }
            k
        });
        let mut found: Vec<Product> = Vec::new();
        for _ in 0..MAX_PAGES_PER_REQUEST {
            let (items, last) = self.read_once(l, start.take()).await?;
            let items = items.unwrap_or_default();
            let count = items.len();
            for (i, item) in items.iter().enumerate() {
                found.push(
                    Product::from_item(item)
                        .or_internal(|| format!("reading a product of table {}", self.products))?,
                );
                if found.len() == l.limit {
                    let more = i + 1 < count || last.as_ref().is_some_and(|k| !k.is_empty());
                    let next = if more {
                        found.last().map(|p| p.sku.clone())
                    } else {
                        None
                    };
                    return Ok((found, next));
                }
            }
            match last {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok((found, None)),
            }
        }
        // Work bound reached: hand back what we have and where to continue.
        let next = start
            .as_ref()
            .and_then(|k| ddb::get_s(k, sku).ok().map(str::to_owned));
        Ok((found, next))
    }

    /// One Query (by category) or Scan of the products table from `start`, filtered by the
    /// search text: the items read and where DynamoDB stopped.
    async fn read_once(
        &self,
        l: &Listing,
        start: Option<Item>,
    ) -> Result<(Option<Vec<Item>>, Option<Item>), ApiError> {
        let category = product::category_attr();
        let mut names = HashMap::new();
        let mut values = HashMap::new();
        let filter = l.search.as_ref().map(|q| {
            names.insert("#nl".to_owned(), attr::NAME_LOWER.to_owned());
            values.insert(":q".to_owned(), ddb::s(q));
            "contains(#nl, :q)".to_owned()
        });
        let limit = i32::try_from(l.limit).unwrap_or(100);
        if let Some(c) = &l.category {
            names.insert("#c".to_owned(), category.to_owned());
            values.insert(":c".to_owned(), ddb::s(c));
            let out = self
                .ddb
                .query()
                .table_name(&self.products)
                .index_name(PRODUCTS_BY_CATEGORY.name)
                .key_condition_expression("#c = :c")
                .set_filter_expression(filter)
                .set_expression_attribute_names(Some(names))
                .set_expression_attribute_values(Some(values))
                .set_exclusive_start_key(start)
                .limit(limit)
                .send()
                .await
                .or_internal(|| format!("querying category {c} of table {}", self.products))?;
            Ok((out.items, out.last_evaluated_key))
        } else {
            let out = self
                .ddb
                .scan()
                .table_name(&self.products)
                .set_filter_expression(filter)
                .set_expression_attribute_names((!names.is_empty()).then_some(names))
                .set_expression_attribute_values((!values.is_empty()).then_some(values))
                .set_exclusive_start_key(start)
                .limit(limit)
                .send()
                .await
                .or_internal(|| format!("scanning table {}", self.products))?;
            Ok((out.items, out.last_evaluated_key))
        }
    }

    /// Every category that has products, sorted: the list read within the cache's lifetime
    /// (under a second for a `fresh` request), else a new one.
    async fn categories(&self, fresh: bool) -> Result<(Vec<String>, Instant), ApiError> {
        let max_age = if fresh {
            FRESH_CATEGORIES.min(self.cache.ttl)
        } else {
            self.cache.ttl
        };
        let lock = || self.categories.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((read, list)) = lock().as_ref()
            && read.elapsed() < max_age
        {
            return Ok((list.clone(), *read));
        }
        let read = Instant::now();
        let list = self.read_categories().await?;
        *lock() = Some((read, list.clone()));
        Ok((list, read))
    }

    async fn read_categories(&self) -> Result<Vec<String>, ApiError> {
        let attr_name = product::category_attr();
        let mut set = BTreeSet::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .ddb
                .scan()
                .table_name(&self.products)
                .projection_expression("#c")
                .expression_attribute_names("#c", attr_name)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .or_internal(|| format!("listing categories of table {}", self.products))?;
            for item in out.items() {
                if let Ok(c) = ddb::get_s(item, attr_name) {
                    set.insert(c.to_owned());
                }
            }
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(set.into_iter().collect())
    }
}

impl Listing {
    fn parse(req: &ApiRequest) -> Result<Self, ApiError> {
        let limit = usize::try_from(req.page_limit(DEFAULT_LIMIT, MAX_LIMIT)?).unwrap_or(1);
        let after_sku = req
            .query("cursor")
            .map(|c| {
                decode_cursor(c).ok_or_else(|| {
                    ApiError::validation(
                        "cursor is not one this API returned; pass nextCursor unchanged.",
                    )
                })
            })
            .transpose()?;
        // As the OpenAPI document says: a category of 1 to 64 characters, taken as sent.
        let category = req.query("category").map(str::to_owned);
        if category
            .as_ref()
            .is_some_and(|c| c.is_empty() || c.chars().count() > 64)
        {
            return Err(ApiError::validation(
                "category must be 1 to 64 characters (leave the parameter out for every category).",
            ));
        }
        let search = req.query("q").map(|q| q.trim().to_lowercase());
        if search
            .as_ref()
            .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
        {
            return Err(ApiError::validation(format!(
                "q must be at most {MAX_QUERY_CHARS} characters."
            )));
        }
        Ok(Listing {
            category,
            search: search.filter(|q| !q.is_empty()),
            limit,
            after_sku,
        })
    }
}

/// Recent listings in memory: one process serves one request at a time, so the lock is never
/// contended; it only makes the cache shareable across the handler's `&self`.
struct ListingCache {
    ttl: Duration,
    entries: Mutex<HashMap<Listing, (Instant, Value)>>,
}

impl ListingCache {
    fn new(ttl: Duration) -> Self {
        ListingCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Listing, (Instant, Value)>> {
        // Plain data: a panic while holding the lock cannot leave it inconsistent.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The body stored for `listing` if it is younger than the lifetime at `now`.
    fn get(&self, listing: &Listing, now: Instant) -> Option<Value> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.lock();
        let (stored, body) = entries.get(listing)?;
        (now.saturating_duration_since(*stored) < self.ttl).then(|| body.clone())
    }

    fn put(&self, listing: Listing, body: Value, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        let ttl = self.ttl;
        entries.retain(|_, (stored, _)| now.saturating_duration_since(*stored) < ttl);
        if entries.len() >= MAX_CACHED_LISTINGS
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, (stored, _))| *stored)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(listing, (now, body));
    }
}

/// The cache lifetime from the value of `CATALOG_CACHE_SECONDS` (whole seconds, 0 to
/// [`CATALOG_CACHE_MAX_SECONDS`]); an unusable value is reported in the log and the default used,
/// so a typo costs freshness, never the storefront.
fn cache_lifetime(raw: Option<&str>) -> Duration {
    let default = Duration::from_secs(u64::from(CATALOG_CACHE_DEFAULT_SECONDS));
    let Some(raw) = raw else {
        return default;
    };
    match raw.parse::<u32>() {
        Ok(n) if n <= CATALOG_CACHE_MAX_SECONDS => Duration::from_secs(u64::from(n)),
        _ => {
            tracing::warn!(
                variable = CATALOG_CACHE_VAR,
                value = raw,
                allowed = format!("whole seconds from 0 to {CATALOG_CACHE_MAX_SECONDS}"),
                usingSeconds = CATALOG_CACHE_DEFAULT_SECONDS,
                "ignoring an unusable catalog cache lifetime"
            );
            default
        }
    }
}

/// Whether the request is `GET /catalog` (the cached route).
fn is_listing(req: &Request) -> bool {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(c)) => {
            c.route_key.as_deref() == Some(GET_CATALOG.route_key().as_str())
        }
        _ => false,
    }
}

/// Whether the client asked for a fresh answer: `Cache-Control: no-cache` / `max-age=0` /
/// `no-store`, or `Pragma: no-cache` (HTTP/1.0 clients).
fn wants_fresh(headers: &HeaderMap) -> bool {
    let directives = headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .chain(headers.get_all(header::PRAGMA).iter())
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase().replace(' ', ""))
        .collect::<Vec<_>>();
    directives
        .iter()
        .any(|d| d == "no-cache" || d == "no-store" || d == "max-age=0")
}

/// Cursors are the hex of the last SKU returned: opaque to clients, trivially checked here.
fn encode_cursor(sku: &str) -> String {
    hex::encode(sku)
}

fn decode_cursor(cursor: &str) -> Option<String> {
    let bytes = hex::decode(cursor).ok()?;
    let sku = String::from_utf8(bytes).ok()?;
    product::valid_sku(&sku).then_some(sku)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn listing(category: Option<&str>) -> Listing {
        Listing {
            category: category.map(str::to_owned),
            search: None,
            limit: DEFAULT_LIMIT as usize,
            after_sku: None,
        }
    }

    #[test]
    fn cached_listings_expire_after_the_lifetime() {
        let cache = ListingCache::new(Duration::from_secs(5));
        let t0 = Instant::now();
        cache.put(listing(None), json!({"items": [1]}), t0);
        assert_eq!(cache.get(&listing(None), t0), Some(json!({"items": [1]})));
        assert_eq!(
            cache.get(&listing(None), t0 + Duration::from_millis(4999)),
            Some(json!({"items": [1]}))
        );
        assert_eq!(cache.get(&listing(None), t0 + Duration::from_secs(5)), None);
        assert_eq!(cache.get(&listing(Some("fruit")), t0), None, "per query");
    }

    #[test]
    fn a_zero_lifetime_caches_nothing() {
        let cache = ListingCache::new(Duration::ZERO);
        let t0 = Instant::now();
        cache.put(listing(None), json!({}), t0);
        assert_eq!(cache.get(&listing(None), t0), None);
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = ListingCache::new(Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..(MAX_CACHED_LISTINGS + 10) {
            let mut l = listing(None);
            l.search = Some(format!("q{i}"));
            cache.put(l, json!(i), t0 + Duration::from_millis(i as u64));
        }
        assert_eq!(cache.lock().len(), MAX_CACHED_LISTINGS);
        let mut first = listing(None);
        first.search = Some("q0".into());
        assert_eq!(cache.get(&first, t0), None, "the oldest went first");
    }

    #[test]
    fn cache_lifetime_from_the_environment() {
        assert_eq!(
            cache_lifetime(None),
            Duration::from_secs(u64::from(CATALOG_CACHE_DEFAULT_SECONDS))
        );
        assert_eq!(cache_lifetime(Some("0")), Duration::ZERO);
        assert_eq!(cache_lifetime(Some("30")), Duration::from_secs(30));
        for bad in ["-1", "1.5", "soon", "100000"] {
            assert_eq!(
                cache_lifetime(Some(bad)),
                Duration::from_secs(u64::from(CATALOG_CACHE_DEFAULT_SECONDS)),
                "{bad}"
            );
        }
    }

    #[test]
    fn clients_ask_for_fresh_listings_with_standard_headers() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(wants_fresh(&headers(&[("cache-control", "no-cache")])));
        assert!(wants_fresh(&headers(&[("cache-control", "max-age = 0")])));
        assert!(wants_fresh(&headers(&[(
            "cache-control",
            "private, No-Store"
        )])));
        assert!(wants_fresh(&headers(&[("pragma", "no-cache")])));
        assert!(!wants_fresh(&headers(&[])));
        assert!(!wants_fresh(&headers(&[("cache-control", "max-age=60")])));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor("APL-001");
        assert_eq!(decode_cursor(&c).as_deref(), Some("APL-001"));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&hex::encode("a b")), None);
    }
}
