//! The built-in traffic profiles, written as data.
//!
//! A profile is a number of API requests and a request mix: for each route of the spec (named by
//! its spec constant, so no path is spelled here and the serving function comes from the single
//! definition of the API), its share of the month, the function time it takes and the DynamoDB
//! request units it costs. A test checks that the mix covers every route of the spec. Queue
//! consumers (stock alerts, report builder) are driven by the messages the requests send.
//!
//! Unit costs follow DynamoDB's rules: an eventually consistent read of up to 4 KB is 0.5 RRU, a
//! standard write of up to 1 KB is 1 WRU, transactional reads and writes count double.

use std::collections::BTreeMap;

use retail_spec::{
    BucketSpec, CANCEL_ORDER, CARTS, CLEAR_CART, FUNCTIONS, GET_CART, GET_CATALOG, GET_INVENTORY,
    GET_ORDER, GET_PRODUCT, GET_REPORT, GET_STORE_ORDER, IDEMPOTENCY, IMAGE_UPLOADS, IMAGES,
    LIST_ORDERS, LIST_REPORTS, LIST_STORE_ORDERS, ORDER_EVENTS, ORDER_NOTIFIER, ORDERS,
    PLACE_ORDER, PRODUCTS, PUT_INVENTORY, QueueSpec, REPORT_JOBS, REPORT_REQUESTS, REPORTS,
    REQUEST_IMAGE_UPLOAD, REQUEST_REPORT, Route, SET_CART_ITEM, SET_ORDER_STATUS, STOCK_ALERTS,
    TableSpec, TopicSpec, Trigger, UPLOADS,
};

use super::{BucketUsage, CdnUsage, FunctionUsage, QueueUsage, TableUsage, TopicUsage, Traffic};
use crate::money::Qty;

/// The built-in profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuiltinProfile {
    /// Deployed and untouched: no requests at all.
    Idle,
    /// A team clicking through the store: 10,000 API requests in the month.
    Demo,
    /// One million API requests in the month.
    OneMillion,
}

impl BuiltinProfile {
    pub const ALL: [BuiltinProfile; 3] = [
        BuiltinProfile::Idle,
        BuiltinProfile::Demo,
        BuiltinProfile::OneMillion,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BuiltinProfile::Idle => "idle",
            BuiltinProfile::Demo => "demo",
            BuiltinProfile::OneMillion => "1m",
        }
    }

    pub fn from_name(s: &str) -> Option<BuiltinProfile> {
        BuiltinProfile::ALL.into_iter().find(|p| p.name() == s)
    }

    fn api_requests(self) -> u64 {
        match self {
            BuiltinProfile::Idle => 0,
            BuiltinProfile::Demo => 10_000,
            BuiltinProfile::OneMillion => 1_000_000,
        }
    }

    /// Users signing in (or refreshing their session) in the month: the team itself, or one
    /// shopper per 40 API requests (a session browses, fills a cart and orders).
    fn monthly_active_users(self) -> u64 {
        match self {
            BuiltinProfile::Idle => 0,
            BuiltinProfile::Demo => 20,
            BuiltinProfile::OneMillion => 25_000,
        }
    }

    fn description(self) -> &'static str {
        match self {
            BuiltinProfile::Idle => {
                "deployed and untouched: no requests; the UI in the site bucket and the demo \
                 catalog in the products table"
            }
            BuiltinProfile::Demo => {
                "a team clicking through the store: 10,000 API requests in the month with the \
                 shopper mix below (500 orders, 5 reports)"
            }
            BuiltinProfile::OneMillion => {
                "one million API requests in the month with the shopper mix below (50,000 \
                 orders, 500 reports)"
            }
        }
    }

    /// Products in the catalog, each with a photo.
    fn products(self) -> u64 {
        match self {
            BuiltinProfile::Idle | BuiltinProfile::Demo => 200,
            BuiltinProfile::OneMillion => 500,
        }
    }

    /// Average stored GB per table over the month.
    fn storage(self) -> &'static [(&'static TableSpec, Qty)] {
        match self {
            // The demo catalog: 200 products × ~0.5 KB.
            BuiltinProfile::Idle => &IDLE_STORAGE,
            BuiltinProfile::Demo => &DEMO_STORAGE,
            BuiltinProfile::OneMillion => &ONE_MILLION_STORAGE,
        }
    }
}

static IDLE_STORAGE: [(&TableSpec, Qty); 1] = [(&PRODUCTS, Qty::from_micros(100))];
static DEMO_STORAGE: [(&TableSpec, Qty); 5] = [
    (&PRODUCTS, Qty::from_micros(100)),   // 200 products × 0.5 KB
    (&CARTS, Qty::from_micros(100)),      // 200 carts × 0.5 KB
    (&ORDERS, Qty::from_micros(750)),     // 500 orders × 1.5 KB
    (&IDEMPOTENCY, Qty::from_micros(20)), // a day of keys
    (&REPORT_JOBS, Qty::from_micros(5)),
];
static ONE_MILLION_STORAGE: [(&TableSpec, Qty); 5] = [
    (&PRODUCTS, Qty::from_micros(250)),      // 500 products × 0.5 KB
    (&CARTS, Qty::from_micros(5_000)),       // 10,000 carts × 0.5 KB
    (&ORDERS, Qty::from_micros(75_000)),     // 50,000 orders × 1.5 KB (one month)
    (&IDEMPOTENCY, Qty::from_micros(2_000)), // a day of keys (TTL 24 h)
    (&REPORT_JOBS, Qty::from_micros(500)),
];

/// UI assets in the site bucket (HTML, CSS, JS, icons): ~1 MB.
const SITE_STORAGE_GB: Qty = Qty::from_micros(1_000);
/// Static requests (page, styles, scripts) per API request, before the CDN.
const STATIC_REQUESTS_PER_API_REQUEST: Qty = Qty::tenths(4);
/// Average static response, KB (compressed).
const STATIC_RESPONSE_KB: u64 = 25;
/// Share of static requests that miss the CDN cache and read the site bucket.
const STATIC_CACHE_MISS: Qty = Qty::thousandths(50);
/// Objects a report writes (CSV and JSON) and their average size, KB; the reports bucket
/// expires them after its lifecycle period, so a month of reports is what is stored.
const REPORT_OBJECTS: u64 = 2;
const REPORT_OBJECT_KB: u64 = 100;

/// The image function's time per photo at its 1,024 MB, ms: `make bench`'s median render of a
/// 12-megapixel JPEG (387 ms on a whole core) at the ~0.58 vCPU that memory gets, plus the
/// upload's read and the two writes, rounded up.
const IMAGE_MS: u64 = 800;
/// Objects per photo in the images bucket (thumbnail and detail) and their average size, KB.
const IMAGE_SIZES: u64 = 2;
const IMAGE_OBJECT_KB: u64 = 90;
/// The photos the storefront loads per catalog request (a grid page of thumbnails, after the
/// browser's own cache) and per product view (one detail image), and their sizes, KB.
const THUMBNAILS_PER_LISTING: u64 = 8;
const THUMBNAIL_KB: u64 = 30;
const DETAIL_KB: u64 = 150;
/// Share of image requests that miss the CDN cache (content-addressed, cached for a year).
const IMAGE_CACHE_MISS: Qty = Qty::thousandths(10);

/// Emails per ten placed orders: every order ready for pickup, one in ten cancelled.
const EMAILS_PER_TEN_ORDERS: u64 = 11;
/// The notifier's work per email: a claim, a user lookup and SES's answer.
const NOTIFY_MS: u64 = 150;

/// One route of the mix.
struct Sample {
    route: Route,
    /// Share of the month's API requests, parts per million.
    ppm: u64,
    duration_ms: u64,
    reads: &'static [(&'static TableSpec, Qty)],
    writes: &'static [(&'static TableSpec, Qty)],
    sends: &'static [&'static QueueSpec],
    /// Downloads from the reports bucket (presigned URL followed by the browser).
    report_downloads: u64,
    response_kb: u64,
}

const fn u(n: u64) -> Qty {
    Qty::units(n)
}
const fn t(n: u64) -> Qty {
    Qty::tenths(n)
}

/// The shopper and back-office mix. Shares sum to 1,000,000 ppm.
static MIX: &[Sample] = &[
    // Browse a category: Query on the by-category index, ~8 KB, eventually consistent.
    Sample {
        route: GET_CATALOG,
        ppm: 183_000,
        duration_ms: 40,
        reads: &[(&PRODUCTS, u(1))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 6,
    },
    // One product: GetItem.
    Sample {
        route: GET_PRODUCT,
        ppm: 250_000,
        duration_ms: 25,
        reads: &[(&PRODUCTS, t(5))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 1,
    },
    // View the cart: Query the cart, BatchGetItem of ~4 products for current prices.
    Sample {
        route: GET_CART,
        ppm: 100_000,
        duration_ms: 45,
        reads: &[(&CARTS, t(5)), (&PRODUCTS, u(2))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 2,
    },
    // Add to the cart: price lookup, PutItem.
    Sample {
        route: SET_CART_ITEM,
        ppm: 100_000,
        duration_ms: 50,
        reads: &[(&PRODUCTS, t(5))],
        writes: &[(&CARTS, u(1))],
        sends: &[],
        report_downloads: 0,
        response_kb: 2,
    },
    // Empty the cart: Query, then delete ~4 items.
    Sample {
        route: CLEAR_CART,
        ppm: 20_000,
        duration_ms: 40,
        reads: &[(&CARTS, t(5))],
        writes: &[(&CARTS, u(4))],
        sends: &[],
        report_downloads: 0,
        response_kb: 1,
    },
    // Place an order: idempotency put-if-absent and completion (2 WRU), read the cart and ~4
    // prices, one transaction reserving stock on 4 products (4 × 2 WRU) and writing the ~2 KB
    // order (2 × 2 WRU), clear the cart (4 WRU), send one order event.
    Sample {
        route: PLACE_ORDER,
        ppm: 50_000,
        duration_ms: 180,
        reads: &[(&CARTS, t(5)), (&PRODUCTS, u(2))],
        writes: &[
            (&IDEMPOTENCY, u(2)),
            (&PRODUCTS, u(8)),
            (&ORDERS, u(4)),
            (&CARTS, u(4)),
        ],
        sends: &[&ORDER_EVENTS],
        report_downloads: 0,
        response_kb: 1,
    },
    // Order history: Query on the by-user index.
    Sample {
        route: LIST_ORDERS,
        ppm: 60_000,
        duration_ms: 40,
        reads: &[(&ORDERS, u(1))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 3,
    },
    // One order: GetItem.
    Sample {
        route: GET_ORDER,
        ppm: 50_000,
        duration_ms: 30,
        reads: &[(&ORDERS, t(5))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 2,
    },
    // Cancel an order while placed (a few in a hundred): a consistent GetItem, one transaction
    // moving the ~2 KB order (2 × 2 WRU) and returning ~4 lines to stock (4 × 2 WRU).
    Sample {
        route: CANCEL_ORDER,
        ppm: 2_000,
        duration_ms: 70,
        reads: &[(&ORDERS, u(1))],
        writes: &[(&ORDERS, u(4)), (&PRODUCTS, u(8))],
        sends: &[],
        report_downloads: 0,
        response_kb: 2,
    },
    // Store staff: the work queue, a Query of ~20 orders (~40 KB) on the by-store-status index.
    Sample {
        route: LIST_STORE_ORDERS,
        ppm: 10_000,
        duration_ms: 45,
        reads: &[(&ORDERS, u(5))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 40,
    },
    // Store staff: one order with its history (GetItem).
    Sample {
        route: GET_STORE_ORDER,
        ppm: 5_000,
        duration_ms: 30,
        reads: &[(&ORDERS, u(1))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 2,
    },
    // Store staff: pick, ready, collected (three per order placed): a consistent GetItem and a
    // one-item transaction on the ~2 KB order (2 × 2 WRU).
    Sample {
        route: SET_ORDER_STATUS,
        ppm: 150_000,
        duration_ms: 50,
        reads: &[(&ORDERS, u(1))],
        writes: &[(&ORDERS, u(4))],
        sends: &[],
        report_downloads: 0,
        response_kb: 2,
    },
    // Back office: adjust stock (read, conditional update).
    Sample {
        route: PUT_INVENTORY,
        ppm: 5_000,
        duration_ms: 40,
        reads: &[(&PRODUCTS, t(5))],
        writes: &[(&PRODUCTS, u(1))],
        sends: &[],
        report_downloads: 0,
        response_kb: 1,
    },
    // Back office: stock list, a Scan of ~100 KB eventually consistent.
    Sample {
        route: GET_INVENTORY,
        ppm: 13_000,
        duration_ms: 80,
        reads: &[(&PRODUCTS, t(125))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 40,
    },
    // Back office: a new product photo. The route marks the product (one update) and signs
    // the form; the browser's upload then makes S3 send one message to the image queue.
    Sample {
        route: REQUEST_IMAGE_UPLOAD,
        ppm: 500,
        duration_ms: 30,
        reads: &[],
        writes: &[(&PRODUCTS, u(1))],
        sends: &[&IMAGE_UPLOADS],
        report_downloads: 0,
        response_kb: 2,
    },
    // Back office: request a report (job record, one message).
    Sample {
        route: REQUEST_REPORT,
        ppm: 500,
        duration_ms: 50,
        reads: &[],
        writes: &[(&REPORT_JOBS, u(1))],
        sends: &[&REPORT_REQUESTS],
        report_downloads: 0,
        response_kb: 1,
    },
    // Back office: the list of daily reports, a Query of ~30 jobs on the by-kind index.
    Sample {
        route: LIST_REPORTS,
        ppm: 500,
        duration_ms: 40,
        reads: &[(&REPORT_JOBS, u(1))],
        writes: &[],
        sends: &[],
        report_downloads: 0,
        response_kb: 6,
    },
    // Back office: fetch a report's status and download link, then download it.
    Sample {
        route: GET_REPORT,
        ppm: 500,
        duration_ms: 30,
        reads: &[(&REPORT_JOBS, t(5))],
        writes: &[],
        sends: &[],
        report_downloads: 1,
        response_kb: 1,
    },
];

/// The work one queue message causes in its consumer.
struct Consumer {
    queue: &'static QueueSpec,
    duration_ms: u64,
    reads: &'static [(&'static TableSpec, Qty)],
    writes: &'static [(&'static TableSpec, Qty)],
    publishes: &'static [(&'static TopicSpec, Qty)],
    puts: &'static [(&'static BucketSpec, u64)],
}

static CONSUMERS: &[Consumer] = &[
    // Stock alerts per order event: read ~4 products, one de-duplication record; one order in
    // twenty takes a product under its threshold and publishes an alert.
    Consumer {
        queue: &ORDER_EVENTS,
        duration_ms: 60,
        reads: &[(&PRODUCTS, u(2))],
        writes: &[(&IDEMPOTENCY, u(1))],
        publishes: &[(&STOCK_ALERTS, Qty::thousandths(50))],
        puts: &[],
    },
    // Report builder per request: Query a day of orders (~2 MB, 250 RRU) and the catalog
    // (12.5 RRU), two status updates, CSV and JSON written to the reports bucket.
    Consumer {
        queue: &REPORT_REQUESTS,
        duration_ms: 2_000,
        reads: &[(&ORDERS, u(250)), (&PRODUCTS, t(125))],
        writes: &[(&REPORT_JOBS, u(2))],
        publishes: &[],
        puts: &[(&REPORTS, REPORT_OBJECTS)],
    },
    // The image function per upload: read the upload, decode, resize and encode a phone photo
    // (`make bench` measures a 12-megapixel JPEG), write the two sizes, update the product.
    Consumer {
        queue: &IMAGE_UPLOADS,
        duration_ms: IMAGE_MS,
        reads: &[],
        writes: &[(&PRODUCTS, u(1))],
        publishes: &[],
        puts: &[(&IMAGES, IMAGE_SIZES)],
    },
];

#[derive(Default)]
struct FnAcc {
    invocations: u64,
    total_ms: u128,
}

/// A month of requests followed through the functions, tables, queues, topics and buckets.
#[derive(Default)]
struct Month {
    fns: BTreeMap<&'static str, FnAcc>,
    tables: BTreeMap<&'static str, TableUsage>,
    messages: BTreeMap<&'static str, u64>,
    publishes: BTreeMap<&'static str, Qty>,
    puts_to: BTreeMap<&'static str, u64>,
    response_kb: u128,
    report_downloads: u64,
}

impl Month {
    /// The API's `n` requests, shared among the routes by the mix.
    fn routes(&mut self, n: u64) {
        for s in MIX {
            let count = n * s.ppm / 1_000_000;
            let acc = self.fns.entry(s.route.function.id).or_default();
            acc.invocations += count;
            acc.total_ms += u128::from(count) * u128::from(s.duration_ms);
            for (table, ru) in s.reads {
                self.tables.entry(table.id).or_default().reads += ru.scale(count);
            }
            for (table, ru) in s.writes {
                self.tables.entry(table.id).or_default().writes += ru.scale(count);
            }
            for q in s.sends {
                *self.messages.entry(q.id).or_default() += count;
            }
            self.report_downloads += count * s.report_downloads;
            self.response_kb += u128::from(count) * u128::from(s.response_kb);
        }
    }

    /// What the queues' consumers do with the messages the routes sent.
    fn consumers(&mut self) {
        for c in CONSUMERS {
            let msgs = self.messages.get(c.queue.id).copied().unwrap_or(0);
            let consumer = FUNCTIONS.iter().find(
                |f| matches!(f.trigger, Trigger::Queue { queue, .. } if queue.id == c.queue.id),
            );
            if let Some(f) = consumer {
                // At these rates batches hold one message: one invocation per message.
                let acc = self.fns.entry(f.id).or_default();
                acc.invocations += msgs;
                acc.total_ms += u128::from(msgs) * u128::from(c.duration_ms);
            }
            for (table, ru) in c.reads {
                self.tables.entry(table.id).or_default().reads += ru.scale(msgs);
            }
            for (table, ru) in c.writes {
                self.tables.entry(table.id).or_default().writes += ru.scale(msgs);
            }
            for (topic, per_msg) in c.publishes {
                *self.publishes.entry(topic.id).or_default() += per_msg.scale(msgs);
            }
            for (bucket, puts) in c.puts {
                *self.puts_to.entry(bucket.id).or_default() += puts * msgs;
            }
        }
    }

    /// Each placed order (one order event) later emails its customer: ready for pickup, or
    /// cancelled for about one order in ten. Each email is one filtered stream record. Returns
    /// the emails.
    fn emails(&mut self) -> u64 {
        let orders_placed = self.messages.get(ORDER_EVENTS.id).copied().unwrap_or(0);
        let emails = orders_placed * EMAILS_PER_TEN_ORDERS / 10;
        let notifier = self.fns.entry(ORDER_NOTIFIER.id).or_default();
        notifier.invocations += emails;
        notifier.total_ms += u128::from(emails) * u128::from(NOTIFY_MS);
        self.tables.entry(IDEMPOTENCY.id).or_default().writes += Qty::units(emails);
        emails
    }

    /// The functions, tables (with the profile's storage), queues and topics of the month.
    fn usage(&mut self, t: &mut Traffic, p: BuiltinProfile) {
        for (id, acc) in std::mem::take(&mut self.fns) {
            if acc.invocations == 0 {
                continue;
            }
            t.functions.insert(
                id.to_string(),
                FunctionUsage {
                    invocations: acc.invocations,
                    avg_duration_ms: Qty::ratio(acc.total_ms, u128::from(acc.invocations)),
                    log_gb: None,
                },
            );
        }
        for (table, gb) in p.storage() {
            self.tables.entry(table.id).or_default().storage_gb = *gb;
        }
        for (id, usage) in std::mem::take(&mut self.tables) {
            t.tables.insert(id.to_string(), usage);
        }
        for (id, m) in &self.messages {
            t.queues
                .insert((*id).to_string(), QueueUsage { messages: *m });
        }
        for (id, p) in std::mem::take(&mut self.publishes) {
            t.topics.insert(id.to_string(), TopicUsage { publishes: p });
        }
    }

    /// The buckets (site, reports, photos) and what passes the CDN.
    fn storage_and_cdn(&self, t: &mut Traffic, p: BuiltinProfile, n: u64) {
        let static_requests = Qty::units(n).times(STATIC_REQUESTS_PER_API_REQUEST);
        let static_kb = static_requests.scale(STATIC_RESPONSE_KB);
        let site_gets = static_requests.times(STATIC_CACHE_MISS);
        t.buckets.insert(
            "site".to_string(),
            BucketUsage {
                storage_gb: SITE_STORAGE_GB,
                put_requests: 0,
                get_requests: site_gets.micros() / 1_000_000,
            },
        );
        let report_puts = self.puts_to.get(REPORTS.id).copied().unwrap_or(0);
        let reports = report_puts / REPORT_OBJECTS.max(1);
        t.buckets.insert(
            REPORTS.id.to_string(),
            BucketUsage {
                storage_gb: Qty::ratio(
                    u128::from(reports * REPORT_OBJECTS * REPORT_OBJECT_KB),
                    1 << 20,
                ),
                put_requests: report_puts,
                get_requests: self.report_downloads,
            },
        );
        let photos = photos(p, &self.messages, &self.puts_to, n);
        t.buckets.insert(IMAGES.id.to_string(), photos.images);
        t.buckets.insert(UPLOADS.id.to_string(), photos.uploads);
        // Every API request, static request and image request passes the CDN.
        t.cloudfront = CdnUsage {
            data_out_gb: Qty::ratio(self.response_kb, 1 << 20)
                + static_kb.mul_ratio(1, 1 << 20)
                + Qty::ratio(u128::from(photos.cdn_kb), 1 << 20),
            requests: n + static_requests.micros() / 1_000_000 + photos.cdn_requests,
        };
    }
}

/// Resolves a built-in profile into a month of usage.
pub(super) fn resolve(p: BuiltinProfile) -> Traffic {
    let n = p.api_requests();
    let mut t = Traffic::empty(p.name());
    t.description = p.description().to_string();
    t.api_requests = n;
    t.monthly_active_users = p.monthly_active_users();
    let mut month = Month::default();
    month.routes(n);
    month.consumers();
    t.emails = month.emails();
    month.usage(&mut t, p);
    month.storage_and_cdn(&mut t, p, n);
    t.assumptions = assumptions();
    t.assumptions.push(format!(
        "customer emails: {EMAILS_PER_TEN_ORDERS} per ten orders placed (every order ready for pickup, one in ten cancelled), each one order-notifier invocation of {NOTIFY_MS} ms and one claim write"
    ));
    t.assumptions.push(format!(
        "user pool: {} monthly active users (the team in demo; one shopper per 40 API requests at scale)",
        t.monthly_active_users
    ));
    t
}

/// The month of product photos: uploads, stored sizes, and what the storefront loads.
struct Photos {
    uploads: BucketUsage,
    images: BucketUsage,
    cdn_requests: u64,
    cdn_kb: u64,
}

fn photos(
    p: BuiltinProfile,
    messages: &BTreeMap<&'static str, u64>,
    puts_to: &BTreeMap<&'static str, u64>,
    api_requests: u64,
) -> Photos {
    let uploaded = messages.get(IMAGE_UPLOADS.id).copied().unwrap_or(0);
    let share = |s: &Sample| api_requests * s.ppm / 1_000_000;
    let listings: u64 = MIX
        .iter()
        .filter(|s| s.route == GET_CATALOG)
        .map(share)
        .sum();
    let views: u64 = MIX
        .iter()
        .filter(|s| s.route == GET_PRODUCT)
        .map(share)
        .sum();
    let cdn_requests = listings * THUMBNAILS_PER_LISTING + views;
    let cdn_kb = listings * THUMBNAILS_PER_LISTING * THUMBNAIL_KB + views * DETAIL_KB;
    let misses = Qty::units(cdn_requests).times(IMAGE_CACHE_MISS).micros() / 1_000_000;
    Photos {
        // The browser's POST, the function's GET; deleted within seconds, so nothing stored.
        uploads: BucketUsage {
            storage_gb: Qty::ZERO,
            put_requests: uploaded,
            get_requests: uploaded,
        },
        images: BucketUsage {
            storage_gb: Qty::ratio(
                u128::from(p.products() * IMAGE_SIZES * IMAGE_OBJECT_KB),
                1 << 20,
            ),
            put_requests: puts_to.get(IMAGES.id).copied().unwrap_or(0),
            get_requests: misses,
        },
        cdn_requests,
        cdn_kb,
    }
}

fn assumptions() -> Vec<String> {
    let mut a = vec![
        "request mix (share of API requests → function, duration, DynamoDB units per request):"
            .to_string(),
    ];
    for s in MIX {
        let f = s.route.function.id;
        let units: Vec<String> = s
            .reads
            .iter()
            .map(|(tb, q)| format!("{} {} RRU", tb.id, q.to_decimal_string()))
            .chain(
                s.writes
                    .iter()
                    .map(|(tb, q)| format!("{} {} WRU", tb.id, q.to_decimal_string())),
            )
            .chain(s.sends.iter().map(|q| format!("1 message to {}", q.id)))
            .collect();
        a.push(format!(
            "  {} {}% → {f}, {} ms{}{}",
            s.route.route_key(),
            Qty::ratio(u128::from(s.ppm), 10_000).to_decimal_string(),
            s.duration_ms,
            if units.is_empty() {
                String::new()
            } else {
                format!(", {}", units.join(", "))
            },
            format_args!(", {} KB response", s.response_kb),
        ));
    }
    for c in CONSUMERS {
        a.push(format!(
            "  each {} message → one invocation of its consumer, {} ms, {}",
            c.queue.id,
            c.duration_ms,
            c.reads
                .iter()
                .map(|(tb, q)| format!("{} {} RRU", tb.id, q.to_decimal_string()))
                .chain(c.writes.iter().map(|(tb, q)| format!(
                    "{} {} WRU",
                    tb.id,
                    q.to_decimal_string()
                )))
                .chain(c.publishes.iter().map(|(tp, q)| format!(
                    "{} publishes to {}",
                    q.to_decimal_string(),
                    tp.id
                )))
                .chain(
                    c.puts
                        .iter()
                        .map(|(b, n)| format!("{n} objects to {}", b.id))
                )
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    a.push(format!(
        "the browser makes {} static requests per API request ({STATIC_RESPONSE_KB} KB each); \
         {}% miss the CDN cache and read the site bucket; every request passes the CDN",
        STATIC_REQUESTS_PER_API_REQUEST.to_decimal_string(),
        STATIC_CACHE_MISS.scale(100).to_decimal_string()
    ));
    a.push(format!(
        "photos: each product has one, stored as {IMAGE_SIZES} sizes of {IMAGE_OBJECT_KB} KB on average; \
         a catalog page loads {THUMBNAILS_PER_LISTING} thumbnails of {THUMBNAIL_KB} KB, a product view one \
         {DETAIL_KB} KB image, through the CDN; {}% miss its cache and read the images bucket",
        IMAGE_CACHE_MISS.scale(100).to_decimal_string()
    ));
    a.push(format!(
        "each invocation writes {} bytes of logs; GB are 2^30 bytes",
        super::DEFAULT_LOG_BYTES_PER_INVOCATION
    ));
    a.push("table storage is the month's average of the base table, indexes added per GSI".into());
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one_million_ppm() {
        assert_eq!(MIX.iter().map(|s| s.ppm).sum::<u64>(), 1_000_000);
    }

    #[test]
    fn the_mix_covers_every_route_of_the_spec_once() {
        for r in retail_spec::ROUTES {
            let n = MIX
                .iter()
                .filter(|s| s.route.route_key() == r.route_key())
                .count();
            assert_eq!(
                n,
                1,
                "route {} appears {n} times in the built-in mix",
                r.route_key()
            );
        }
        assert_eq!(MIX.len(), retail_spec::ROUTES.len());
    }

    #[test]
    fn every_queue_has_a_consumer_profile() {
        for q in retail_spec::QUEUES {
            assert!(CONSUMERS.iter().any(|c| c.queue.id == q.id), "{}", q.id);
        }
    }

    #[test]
    fn one_million_resolves_to_the_stated_counts() {
        let t = resolve(BuiltinProfile::OneMillion);
        assert_eq!(t.api_requests, 1_000_000);
        assert_eq!(t.functions["catalog"].invocations, 433_000);
        assert_eq!(t.functions["orders"].invocations, 327_000);
        assert_eq!(t.functions["stock-alerts"].invocations, 50_000);
        assert_eq!(t.functions["report-builder"].invocations, 500);
        assert_eq!(t.queues["OrderEvents"].messages, 50_000);
        // API 1,000,000 + static 400,000 + photos: 183,000 listings × 8 thumbnails and
        // 250,000 product views × 1 detail image.
        assert_eq!(t.cloudfront.requests, 1_400_000 + 183_000 * 8 + 250_000);
        assert_eq!(t.functions["images"].invocations, 500);
        assert_eq!(t.queues["ImageUploads"].messages, 500);
        assert_eq!(t.buckets["Images"].put_requests, 1_000);
        assert_eq!(
            t.buckets["Images"].get_requests, 17_140,
            "1% of 1,714,000 miss the CDN"
        );
        assert_eq!(t.buckets["Uploads"].put_requests, 500);
        let idle = resolve(BuiltinProfile::Idle);
        assert!(idle.functions.is_empty());
        assert_eq!(idle.cloudfront.requests, 0);
    }
}
