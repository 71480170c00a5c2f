//! The single definition of the retail system's shape.
//!
//! Routes, functions, tables (with their keys and indexes), queues, topics and buckets are
//! declared here once. The stack builder renders CloudFormation from these values, the Lambda
//! functions read their resource names from the environment variables named here, and the local
//! runner (`stackgen dev`) routes requests and polls queues from the same lists. Nothing else in
//! the workspace spells a route, a key attribute or an environment variable name.
//!
//! The crate has no dependencies so that every other crate can afford to depend on it.

#![forbid(unsafe_code)]

/// Where the HTTP API is mounted, both behind the CDN (`/api/*` behaviour) and by `stackgen dev`.
/// In AWS the HTTP API stage carries this name, so `https://<cdn>/api/catalog` reaches the route
/// `GET /catalog` without any path rewriting.
pub const API_STAGE: &str = "api";

/// The longest an HTTP API waits for a Lambda integration: "50 milliseconds to 30 seconds for
/// HTTP APIs" (API Gateway Developer Guide, "Amazon API Gateway quotas",
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html>).
pub const MAX_INTEGRATION_TIMEOUT_SECONDS: u32 = 30;

/// How much longer the API waits than the function may run. With equal timeouts the gateway
/// gives up first and answers its own 503 while the function is still finishing (or
/// writing); with this margin a function that runs out of time fails as itself, logged with
/// its request id, and the gateway reports that failure.
pub const INTEGRATION_TIMEOUT_MARGIN_SECONDS: u32 = 2;

/// Environment variable every function receives with the environment's name (`dev`, `prod`, …).
pub const ENV_NAME_VAR: &str = "STACKGEN_ENV";
/// Environment variable with the comma-separated store (branch) ids an order may name.
pub const STORES_VAR: &str = "STORE_IDS";
/// Environment variable with the function's own CloudFormation stack name ([`Access::OwnStack`]).
pub const STACK_NAME_VAR: &str = "STACK_NAME";
/// Environment variable with the kill switch's action from the environment file (`throttle` or
/// `destroy`).
pub const KILL_ACTION_VAR: &str = "KILL_SWITCH_ACTION";
/// Environment variable with the name of the environment's budget: the kill switch acts only on
/// that budget's notifications.
pub const BUDGET_NAME_VAR: &str = "BUDGET_NAME";
/// Environment variable of the catalog function: for how many seconds a catalog listing may be
/// served from the function's in-memory cache, and the `max-age` it tells the CDN and browsers
/// (`Cache-Control: public, max-age=N`). `0` turns both off. Unset: [`CATALOG_CACHE_DEFAULT_SECONDS`].
pub const CATALOG_CACHE_VAR: &str = "CATALOG_CACHE_SECONDS";
/// Most units (the sum of an order's quantities) one order may hold: the orders function's
/// limit, from the environment file's `orders.max_units_per_order`.
pub const ORDER_MAX_UNITS_VAR: &str = "ORDER_MAX_UNITS";
/// [`ORDER_MAX_UNITS_VAR`] when the environment file says nothing.
pub const ORDER_MAX_UNITS_DEFAULT: u32 = 200;
/// The orders function's environment variable: the most open orders (placed, picking or ready
/// for pickup) one customer may hold (`orders.max_open_orders` in the environment file).
pub const ORDER_MAX_OPEN_VAR: &str = "ORDER_MAX_OPEN";
/// `orders.max_open_orders` when the environment file does not say.
pub const ORDER_MAX_OPEN_DEFAULT: u32 = 5;
/// The order expiry's environment variable: hours after placing that an order not collected is
/// cancelled and its stock returned (`orders.pickup_window_hours` in the environment file).
pub const ORDER_PICKUP_WINDOW_VAR: &str = "ORDER_PICKUP_WINDOW_HOURS";
/// `orders.pickup_window_hours` when the environment file does not say: two days.
pub const ORDER_PICKUP_WINDOW_DEFAULT_HOURS: u32 = 48;
/// The order notifier's environment variable: the address customer emails are sent from
/// (`notifications.sender` in the environment file, a verified SES identity).
pub const NOTIFY_SENDER_VAR: &str = "NOTIFY_SENDER";
/// The order notifier's environment variable: the stores' display names by id, as a JSON object
/// (`{"store-01":"Downtown"}`), so an email names the store the customer knows.
pub const STORE_NAMES_VAR: &str = "STORE_NAMES";
/// Environment variable with the environment's Cognito user pool id ([`Access::UserLookup`]).
pub const USER_POOL_ID_VAR: &str = "USER_POOL_ID";
/// The header the CDN adds to every request it forwards to the API, with a secret value the
/// API's functions check: a request that reached the API's own `execute-api` address directly,
/// past the CDN and its web ACL, lacks it and is refused with 403. AWS's pattern for an origin
/// that must only answer CloudFront ("Add custom headers to origin requests", use case
/// "Controlling access to content":
/// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html>).
pub const ORIGIN_VERIFY_HEADER: &str = "x-origin-verify";
/// Environment variable of every HTTP function behind a CDN: the value [`ORIGIN_VERIFY_HEADER`]
/// must carry. Unset (no CDN, as in the `local` environment): no check.
pub const ORIGIN_VERIFY_VAR: &str = "ORIGIN_VERIFY";
/// The value the CDN sent before the origin secret's last rotation, which the HTTP functions
/// still accept, so that a rotation has no moment when the CDN sends a value they refuse.
pub const ORIGIN_VERIFY_PREVIOUS_VAR: &str = "ORIGIN_VERIFY_PREVIOUS";
/// Environment variable of every function serving staff routes where the environment file
/// says `staff.mfa: required`: `required`. Such a function then answers a staff member without
/// an authenticator app (TOTP MFA) with 403 `MFA_REQUIRED` (it asks the pool with the caller's
/// own access token, so it needs no pool id and no grant).
pub const STAFF_MFA_VAR: &str = "STAFF_MFA";
/// The catalog cache's lifetime when [`CATALOG_CACHE_VAR`] is not set.
pub const CATALOG_CACHE_DEFAULT_SECONDS: u32 = 5;
/// The longest catalog cache lifetime accepted (stock shown may be this old).
pub const CATALOG_CACHE_MAX_SECONDS: u32 = 300;

/// The type of a DynamoDB key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// String (`S`).
    S,
    /// Number (`N`).
    N,
}

impl AttrType {
    /// The DynamoDB attribute type code (`S` or `N`).
    pub const fn code(self) -> &'static str {
        match self {
            AttrType::S => "S",
            AttrType::N => "N",
        }
    }
}

/// One key attribute of a table or index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttr {
    pub name: &'static str,
    pub kind: AttrType,
}

/// A global secondary index (projection: all attributes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexSpec {
    pub name: &'static str,
    pub partition_key: KeyAttr,
    pub sort_key: Option<KeyAttr>,
}

/// A DynamoDB table (on-demand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableSpec {
    /// Stable id: the logical id stem in the template (`Products` → `ProductsTable`) and the
    /// physical name suffix (`<project>-<env>-products`).
    pub id: &'static str,
    /// Physical name suffix, kebab-case.
    pub name: &'static str,
    /// Environment variable through which functions receive the table name.
    pub env_var: &'static str,
    pub partition_key: KeyAttr,
    pub sort_key: Option<KeyAttr>,
    pub indexes: &'static [IndexSpec],
    /// Attribute holding an epoch-seconds expiry, when the table uses DynamoDB TTL.
    pub ttl_attribute: Option<&'static str>,
    /// True when the table holds business records that prod must retain on delete.
    pub business_data: bool,
}

impl TableSpec {
    /// Every attribute that appears in a key of the table or of one of its indexes, each once,
    /// in declaration order (what CloudFormation's `AttributeDefinitions` must list).
    pub fn key_attributes(&self) -> Vec<KeyAttr> {
        let mut out: Vec<KeyAttr> = Vec::new();
        let mut push = |k: KeyAttr| {
            if !out.iter().any(|o| o.name == k.name) {
                out.push(k);
            }
        };
        push(self.partition_key);
        if let Some(sk) = self.sort_key {
            push(sk);
        }
        for ix in self.indexes {
            push(ix.partition_key);
            if let Some(sk) = ix.sort_key {
                push(sk);
            }
        }
        out
    }
}

/// An SQS queue; every queue has a dead-letter queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueueSpec {
    pub id: &'static str,
    pub name: &'static str,
    /// Environment variable with the queue URL.
    pub env_var: &'static str,
    /// Receives before a message moves to the dead-letter queue. At least 5: Lambda's poller
    /// receives a message again when the function is throttled, and AWS recommends "setting the
    /// maxReceiveCount on the source queue's redrive policy to at least 5" so that throttling
    /// alone does not dead-letter valid messages (Lambda Developer Guide, "Using Lambda with
    /// Amazon SQS", <https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html>).
    pub max_receive_count: u32,
    /// The consumer's event source mapping `ScalingConfig.MaximumConcurrency` (2–1000): at
    /// most this many concurrent invocations from the queue, so a burst of messages cannot use
    /// up the account's concurrency (new accounts may have as little as 10) and be throttled.
    pub max_concurrency: u32,
    /// Must be at least six times the consumer's timeout (AWS guidance for event source mappings).
    pub visibility_timeout_seconds: u32,
}

/// An SNS topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TopicSpec {
    pub id: &'static str,
    pub name: &'static str,
    /// Environment variable with the topic ARN.
    pub env_var: &'static str,
}

/// An S3 bucket the functions use (the site bucket is not one of these: no function touches it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BucketSpec {
    pub id: &'static str,
    pub name: &'static str,
    /// Environment variable with the bucket name.
    pub env_var: &'static str,
    /// Days after which objects expire (cheap when idle: reports are regenerated on demand).
    pub expire_after_days: Option<u32>,
    /// In a protected environment the expiry applies only under this prefix; what the bucket
    /// holds elsewhere is kept.
    pub protected_expiry_prefix: Option<&'static str>,
    /// The queue that receives the bucket's `s3:ObjectCreated:*` event notifications.
    pub notify: Option<&'static QueueSpec>,
    /// Browsers write to it directly, with a presigned POST from a function: the bucket's CORS
    /// rules allow `POST` from the storefront's origin.
    pub browser_uploads: bool,
    /// The CDN serves the bucket's objects under this path (`images/` → `/images/*`): every
    /// key the functions write starts with it, since CloudFront passes the path on as the key.
    pub cdn_prefix: Option<&'static str>,
}

/// What a function may do to one resource. The stack turns each grant into the least-privilege
/// IAM statement and the environment variable the function reads; nothing else is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// GetItem, Query, BatchGetItem (table and its indexes).
    TableRead(&'static TableSpec),
    /// TableRead plus PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem.
    TableWrite(&'static TableSpec),
    /// Scan: reading the whole table page by page, which only a function that lists everything
    /// needs (the catalog, the back office's inventory, the daily report); with TableRead or
    /// TableWrite of the same table, which name it. Apart, so that a function that reads by key
    /// (a cart, an order) cannot read every customer's with one call.
    TableScan(&'static TableSpec),
    /// SendMessage.
    QueueSend(&'static QueueSpec),
    /// ReceiveMessage, DeleteMessage, GetQueueAttributes, ChangeMessageVisibility (the event
    /// source mapping's needs).
    QueueConsume(&'static QueueSpec),
    /// Publish.
    TopicPublish(&'static TopicSpec),
    /// GetObject (also what a presigned download URL needs).
    BucketRead(&'static BucketSpec),
    /// GetObject and PutObject.
    BucketWrite(&'static BucketSpec),
    /// PutObject only: what a function needs to sign a presigned upload that browsers send
    /// (the upload is made with the signer's permissions).
    BucketPut(&'static BucketSpec),
    /// DeleteObject.
    BucketDelete(&'static BucketSpec),
    /// ListBucket on the bucket itself. Besides listing, it is what makes S3 answer a GetObject
    /// of a missing key with 404 `NoSuchKey` rather than 403 `AccessDenied` ("If you have the
    /// s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 (Not
    /// Found) error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP
    /// status code 403", Amazon S3 API Reference, GetObject,
    /// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>), so a consumer can
    /// tell an object already handled from a refusal.
    BucketList(&'static BucketSpec),
    /// Its own CloudFormation stack: DescribeStacks and ListStackResources (the stack name in
    /// [`STACK_NAME_VAR`]).
    OwnStack,
    /// DeleteStack on its own stack (with [`Access::OwnStack`]).
    OwnStackDelete,
    /// Get/Put/DeleteFunctionConcurrency on every *other* function of the stack.
    StackFunctionsConcurrency,
    /// DescribeStream, GetShardIterator, GetRecords and ListStreams on the table's stream (what
    /// a [`Trigger::Stream`] event source mapping reads with the function's role).
    TableStream(&'static TableSpec),
    /// SendEmail from the environment's sender identity (`notifications.sender`), its address in
    /// [`NOTIFY_SENDER_VAR`].
    SendEmail,
    /// AdminGetUser on the environment's user pool (a customer's email address by their
    /// `sub`), the pool's id in [`USER_POOL_ID_VAR`].
    UserLookup,
    /// ListBucketVersions, DeleteObject and DeleteObjectVersion on every bucket of the stack
    /// (the site bucket included), to empty them before the stack is deleted.
    StackBucketsEmpty,
}

/// How a function is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Through the HTTP API, for the routes in [`ROUTES`] that name it.
    Http,
    /// By an SQS event source mapping with partial batch responses (`ReportBatchItemFailures`).
    Queue {
        queue: &'static QueueSpec,
        batch_size: u32,
    },
    /// By an SNS subscription to the topic (the kill switch: also directly, by its schedule).
    Topic { topic: &'static TopicSpec },
    /// By an EventBridge Scheduler schedule (`rate(1 hour)`): billed per invocation, nothing
    /// runs between two.
    Schedule { expression: &'static str },
    /// By a DynamoDB Streams event source mapping on the table (new images), with partial batch
    /// responses, retries, bisection and a failure destination; `filter` is the mapping's
    /// `FilterCriteria` pattern, so only the records it matches invoke (and bill) the function.
    Stream {
        table: &'static TableSpec,
        batch_size: u32,
        filter: &'static str,
    },
}

/// The one binary of the `functions` crate, holding every function (what `cargo lambda build`
/// produces and every function's zip holds). Lambda's custom runtimes start the file named
/// `bootstrap` at the root of the zip ("Custom runtime requirements",
/// <https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html>), so the binary has that
/// name on the host too, and `stackgen dev` starts it the same way.
pub const FUNCTIONS_BINARY: &str = "bootstrap";

impl FunctionSpec {
    /// The function's `Handler` setting: which entry point of [`FUNCTIONS_BINARY`] it runs.
    /// Lambda passes it to the process as `_HANDLER` ("Defined runtime environment variables",
    /// <https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>);
    /// it is the function's id.
    pub const fn handler(&self) -> &'static str {
        self.id
    }

    /// The API integration's timeout for an HTTP function: a little above the function's own.
    pub fn integration_timeout_seconds(&self) -> u32 {
        (self.timeout_seconds + INTEGRATION_TIMEOUT_MARGIN_SECONDS)
            .min(MAX_INTEGRATION_TIMEOUT_SECONDS)
    }
}

/// One Lambda function: one entry point of the `functions` crate's binary ([`FUNCTIONS_BINARY`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionSpec {
    /// Stable id: logical id stem (`catalog` → `CatalogFunction`), name suffix and handler.
    pub id: &'static str,
    pub description: &'static str,
    pub trigger: Trigger,
    pub memory_mb: u32,
    pub timeout_seconds: u32,
    pub access: &'static [Access],
    /// Whether it needs the store list (`STORE_IDS`).
    pub needs_stores: bool,
}

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One HTTP API route. `path` uses API Gateway's syntax (`/catalog/{sku}`); the route key
/// (`GET /catalog/{sku}`) is what API Gateway puts in `requestContext.routeKey` and what the
/// functions dispatch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub function: &'static FunctionSpec,
    /// Who may call it: the gateway's authorizer, the functions' checks, OpenAPI's `security`
    /// and the local gateway all read this one field.
    pub caller: Caller,
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// Anyone, without a token (the catalog).
    Public,
    /// A signed-in user of the environment's user pool, acting on their own data only (the
    /// caller is the token's `sub`, never a path, query or body value).
    Customer,
    /// A signed-in member of the pool's [`STAFF_GROUP`] (the back office).
    Staff,
}

impl Caller {
    /// Whether the route needs a verified access token.
    pub const fn needs_token(self) -> bool {
        !matches!(self, Caller::Public)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Caller::Public => "public",
            Caller::Customer => "customer",
            Caller::Staff => "staff",
        }
    }
}

/// The user pool group whose members may call [`Caller::Staff`] routes (`cognito:groups`).
pub const STAFF_GROUP: &str = "staff";

/// The user pool's password rules: the pool is rendered with them, and `stackgen staff add
/// --password` checks a password against them before creating an account, so that a refused
/// password cannot leave an account half made.
pub struct PasswordPolicy {
    pub min_length: u32,
    pub lowercase: bool,
    pub uppercase: bool,
    pub digits: bool,
    pub symbols: bool,
}

pub const PASSWORD_POLICY: PasswordPolicy = PasswordPolicy {
    min_length: 10,
    lowercase: true,
    uppercase: true,
    digits: true,
    symbols: false,
};

impl PasswordPolicy {
    /// What `password` lacks ("at least 10 characters, an upper-case letter"), or `None`.
    pub fn missing(&self, password: &str) -> Option<String> {
        let mut missing = Vec::new();
        if password.chars().count() < usize::try_from(self.min_length).unwrap_or(usize::MAX) {
            missing.push(format!("at least {} characters", self.min_length));
        }
        for (wanted, has, what) in [
            (
                self.uppercase,
                password.chars().any(|c| c.is_ascii_uppercase()),
                "an upper-case letter",
            ),
            (
                self.lowercase,
                password.chars().any(|c| c.is_ascii_lowercase()),
                "a lower-case letter",
            ),
            (
                self.digits,
                password.chars().any(|c| c.is_ascii_digit()),
                "a digit",
            ),
            (
                self.symbols,
                password.chars().any(|c| c.is_ascii_punctuation()),
                "a symbol",
            ),
        ] {
            if wanted && !has {
                missing.push(what.to_owned());
            }
        }
        (!missing.is_empty()).then(|| missing.join(", "))
    }
}

/// The OAuth scope every access token of a Cognito user pool carries and ID tokens do not.
/// Requiring it on a route makes the gateway refuse ID tokens: API Gateway's JWT authorizer
/// cannot tell the two kinds apart otherwise and recommends route scopes for exactly this
/// (API Gateway Developer Guide, "Control access to HTTP APIs with JWT authorizers",
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html>).
pub const ACCESS_TOKEN_SCOPE: &str = "aws.cognito.signin.user.admin";

impl Route {
    /// `GET /catalog/{sku}`.
    pub fn route_key(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }

    /// Names of the path parameters, in order (`/orders/{orderId}` → `["orderId"]`).
    pub fn path_parameters(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    /// Matches a concrete request path against this route's template, returning the path
    /// parameters on a match. Segments match one to one, as API Gateway's `{param}` does.
    pub fn matches<'a>(&self, path: &'a str) -> Option<Vec<(&'static str, &'a str)>> {
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        let mut params = Vec::new();
        loop {
            match (want.next(), got.next()) {
                (None, None) => return Some(params),
                (Some(w), Some(g)) => {
                    if let Some(name) = w.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        if g.is_empty() {
                            return None;
                        }
                        params.push((name, g));
                    } else if w != g {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

const fn s(name: &'static str) -> KeyAttr {
    KeyAttr {
        name,
        kind: AttrType::S,
    }
}

/// Products of one category, ordered by SKU (`GET /catalog?category=`).
pub const PRODUCTS_BY_CATEGORY: IndexSpec = IndexSpec {
    name: "by-category",
    partition_key: s("category"),
    sort_key: Some(s("sku")),
};

/// Products and their stock: one item per SKU (`sku`, `name`, `category`, `priceCents`,
/// `stock`, `lowStockThreshold`, `unit`, `updatedAt`).
pub static PRODUCTS: TableSpec = TableSpec {
    id: "Products",
    name: "products",
    env_var: "PRODUCTS_TABLE",
    partition_key: s("sku"),
    sort_key: None,
    indexes: &[PRODUCTS_BY_CATEGORY],
    ttl_attribute: None,
    business_data: true,
};

/// Carts: one item per (user, SKU) with its quantity.
pub static CARTS: TableSpec = TableSpec {
    id: "Carts",
    name: "carts",
    env_var: "CARTS_TABLE",
    partition_key: s("userId"),
    sort_key: Some(s("sku")),
    indexes: &[],
    ttl_attribute: Some("expiresAt"),
    business_data: false,
};

/// A customer's orders by creation time (`GET /orders`, newest first).
pub const ORDERS_BY_USER: IndexSpec = IndexSpec {
    name: "by-user",
    partition_key: s("userId"),
    sort_key: Some(s("createdAt")),
};

/// A store's orders in one state, oldest first: the staff work queue
/// (`GET /stores/{storeId}/orders?status=`). The key is `<storeId>#<STATUS>`, rewritten by every
/// transition.
pub const ORDERS_BY_STORE_STATUS: IndexSpec = IndexSpec {
    name: "by-store-status",
    partition_key: s("storeStatus"),
    sort_key: Some(s("createdAt")),
};

/// Orders: one item per order, with line items, totals, store, status, history and timestamps.
pub static ORDERS: TableSpec = TableSpec {
    id: "Orders",
    name: "orders",
    env_var: "ORDERS_TABLE",
    partition_key: s("orderId"),
    sort_key: None,
    indexes: &[ORDERS_BY_USER, ORDERS_BY_STORE_STATUS],
    ttl_attribute: None,
    business_data: true,
};

/// The orders table's stream records that concern a customer: an order modified into ready
/// for pickup or cancelled (EventBridge pattern syntax, Lambda's `FilterCriteria`; the values
/// are `Status::as_str` in the functions crate, which a test there checks). Lambda Developer
/// Guide, "Lambda event filtering", DynamoDB section:
/// <https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>.
pub const ORDER_NOTICE_FILTER: &str = r#"{"eventName":["MODIFY"],"dynamodb":{"NewImage":{"status":{"S":["READY_FOR_PICKUP","CANCELLED"]}}}}"#;

/// Idempotency records (`POST /orders` and `PUT /inventory` keys, stock-alert de-duplication),
/// expiring by TTL.
pub static IDEMPOTENCY: TableSpec = TableSpec {
    id: "Idempotency",
    name: "idempotency",
    env_var: "IDEMPOTENCY_TABLE",
    partition_key: s("key"),
    sort_key: None,
    indexes: &[],
    ttl_attribute: Some("expiresAt"),
    business_data: false,
};

/// Report jobs: status and result keys of each requested report.
/// Report jobs by kind (`daily` from the schedule, `requested` by staff), newest first: the back
/// office's list of past daily reports (`GET /reports`).
pub const REPORT_JOBS_BY_KIND: IndexSpec = IndexSpec {
    name: "by-kind",
    partition_key: s("kind"),
    sort_key: Some(s("createdAt")),
};

/// The message the daily report schedule puts on [`REPORT_REQUESTS`]: the report builder makes
/// that day's report (one job a day, `rep-daily-<date>`, however often the message comes).
pub const DAILY_REPORT_MESSAGE: &str = r#"{"daily":true}"#;

pub static REPORT_JOBS: TableSpec = TableSpec {
    id: "ReportJobs",
    name: "report-jobs",
    env_var: "REPORT_JOBS_TABLE",
    partition_key: s("reportId"),
    sort_key: None,
    indexes: &[REPORT_JOBS_BY_KIND],
    ttl_attribute: Some("expiresAt"),
    business_data: false,
};

pub static TABLES: &[&TableSpec] = &[&PRODUCTS, &CARTS, &ORDERS, &IDEMPOTENCY, &REPORT_JOBS];

/// `order.created` events, consumed by the stock-alert function.
pub static ORDER_EVENTS: QueueSpec = QueueSpec {
    id: "OrderEvents",
    name: "order-events",
    env_var: "ORDER_EVENTS_QUEUE_URL",
    max_receive_count: 5,
    max_concurrency: 2,
    visibility_timeout_seconds: 60,
};

/// Report requests, consumed by the report builder.
pub static REPORT_REQUESTS: QueueSpec = QueueSpec {
    id: "ReportRequests",
    name: "report-requests",
    env_var: "REPORT_REQUESTS_QUEUE_URL",
    max_receive_count: 5,
    max_concurrency: 2,
    visibility_timeout_seconds: 360,
};

/// S3's `ObjectCreated` notifications of [`UPLOADS`], consumed by the image function.
pub static IMAGE_UPLOADS: QueueSpec = QueueSpec {
    id: "ImageUploads",
    name: "image-uploads",
    env_var: "IMAGE_UPLOADS_QUEUE_URL",
    max_receive_count: 5,
    max_concurrency: 2,
    visibility_timeout_seconds: 180,
};

pub static QUEUES: &[&QueueSpec] = &[&ORDER_EVENTS, &REPORT_REQUESTS, &IMAGE_UPLOADS];

/// Low-stock alerts for store staff.
pub static STOCK_ALERTS: TopicSpec = TopicSpec {
    id: "StockAlerts",
    name: "stock-alerts",
    env_var: "STOCK_ALERTS_TOPIC_ARN",
};

/// Operational alarms and kill-switch actions for the on-call engineers.
pub static OPS_ALERTS: TopicSpec = TopicSpec {
    id: "OpsAlerts",
    name: "ops-alerts",
    env_var: "OPS_ALERTS_TOPIC_ARN",
};

pub static TOPICS: &[&TopicSpec] = &[&STOCK_ALERTS, &OPS_ALERTS];

/// Where AWS Budgets publishes the kill threshold's notification. Not in [`TOPICS`]: it exists
/// only in environments whose kill switch is enabled, with a policy for AWS Budgets alone.
pub static KILL_SWITCH_TOPIC: TopicSpec = TopicSpec {
    id: "KillSwitch",
    name: "kill-switch",
    env_var: "KILL_SWITCH_TOPIC_ARN",
};

/// Generated sales reports (CSV and JSON).
pub static REPORTS: BucketSpec = BucketSpec {
    id: "Reports",
    name: "reports",
    env_var: "REPORTS_BUCKET",
    expire_after_days: Some(30),
    protected_expiry_prefix: Some(REQUESTED_REPORTS_PREFIX),
    notify: None,
    browser_uploads: false,
    cdn_prefix: None,
};

/// Where requested reports are written in the reports bucket (`reports/<id>/…`); they expire
/// with the bucket's lifecycle rule in every environment.
pub const REQUESTED_REPORTS_PREFIX: &str = "reports/";
/// Where daily reports are written (`daily/<date>/…`); a protected environment keeps them (its
/// lifecycle rule expires only [`REQUESTED_REPORTS_PREFIX`]).
pub const DAILY_REPORTS_PREFIX: &str = "daily/";
/// The report builder's environment variable: `true` in a protected environment, whose daily
/// reports (objects and jobs) are kept rather than expired.
pub const KEEP_DAILY_REPORTS_VAR: &str = "KEEP_DAILY_REPORTS";

/// Product photos as staff upload them (`uploads/<sku>/<uploadId>`), until the image function
/// has made the storefront's sizes of them; the function deletes each upload it handled and a
/// lifecycle rule removes uploads nobody finished within a day.
pub static UPLOADS: BucketSpec = BucketSpec {
    id: "Uploads",
    name: "uploads",
    env_var: "UPLOADS_BUCKET",
    expire_after_days: Some(1),
    protected_expiry_prefix: None,
    notify: Some(&IMAGE_UPLOADS),
    browser_uploads: true,
    cdn_prefix: None,
};

/// The origin browsers send a bucket's presigned POSTs to: its virtual-hosted endpoint
/// (`https://<bucket>.s3.<region>.amazonaws.com`).
pub fn bucket_origin(bucket: &str, region: &str) -> String {
    format!("https://{bucket}.s3.{region}.amazonaws.com")
}

/// Where uploads are written in [`UPLOADS`] (`uploads/<sku>/<uploadId>`).
pub const UPLOADS_PREFIX: &str = "uploads/";

/// The storefront's product images (`images/<sku>/<hash>-<size>.jpg`), content-addressed and
/// served by the CDN with long cache lifetimes.
pub static IMAGES: BucketSpec = BucketSpec {
    id: "Images",
    name: "images",
    env_var: "IMAGES_BUCKET",
    expire_after_days: None,
    protected_expiry_prefix: None,
    notify: None,
    browser_uploads: false,
    cdn_prefix: Some(IMAGES_PREFIX),
};

/// The key prefix of [`IMAGES`], and the path the CDN serves it under (`/images/*`).
pub const IMAGES_PREFIX: &str = "images/";

/// The largest photo staff may upload, in bytes: the presigned upload's `content-length-range`
/// and the image function's own check (`images.max_upload_mb` in the environment file).
pub const IMAGE_MAX_UPLOAD_VAR: &str = "IMAGE_MAX_UPLOAD_BYTES";
/// [`IMAGE_MAX_UPLOAD_VAR`] when the environment file does not say: 5 MiB.
pub const IMAGE_MAX_UPLOAD_DEFAULT_MB: u32 = 5;

pub static BUCKETS: &[&BucketSpec] = &[&REPORTS, &UPLOADS, &IMAGES];

// ---------------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------------

pub static CATALOG: FunctionSpec = FunctionSpec {
    id: "catalog",
    description: "Browse the product catalog with prices and stock",
    trigger: Trigger::Http,
    memory_mb: 256,
    timeout_seconds: 10,
    // Listing the catalog and its categories scans the products.
    access: &[Access::TableRead(&PRODUCTS), Access::TableScan(&PRODUCTS)],
    needs_stores: false,
};

pub static CART: FunctionSpec = FunctionSpec {
    id: "cart",
    description: "Per-customer carts priced from the catalog",
    trigger: Trigger::Http,
    memory_mb: 256,
    timeout_seconds: 10,
    access: &[Access::TableWrite(&CARTS), Access::TableRead(&PRODUCTS)],
    needs_stores: false,
};

pub static ORDERS_FN: FunctionSpec = FunctionSpec {
    id: "orders",
    description: "Place orders with idempotency and oversell-proof stock reservation",
    trigger: Trigger::Http,
    memory_mb: 256,
    timeout_seconds: 10,
    access: &[
        Access::TableWrite(&ORDERS),
        Access::TableWrite(&PRODUCTS),
        Access::TableWrite(&IDEMPOTENCY),
        Access::TableWrite(&CARTS),
        Access::QueueSend(&ORDER_EVENTS),
    ],
    needs_stores: true,
};

pub static INVENTORY: FunctionSpec = FunctionSpec {
    id: "inventory",
    description: "Back-office product and stock maintenance",
    trigger: Trigger::Http,
    memory_mb: 256,
    timeout_seconds: 10,
    access: &[
        Access::TableWrite(&PRODUCTS),
        // `GET /inventory` lists every product.
        Access::TableScan(&PRODUCTS),
        // `PUT /inventory` batches sent with an Idempotency-Key.
        Access::TableWrite(&IDEMPOTENCY),
        Access::BucketPut(&UPLOADS),
    ],
    needs_stores: false,
};

pub static REPORTS_FN: FunctionSpec = FunctionSpec {
    id: "reports",
    description: "Request sales reports and fetch their download links",
    trigger: Trigger::Http,
    memory_mb: 256,
    timeout_seconds: 10,
    access: &[
        Access::TableWrite(&REPORT_JOBS),
        Access::QueueSend(&REPORT_REQUESTS),
        Access::BucketRead(&REPORTS),
    ],
    needs_stores: true,
};

pub static REPORT_BUILDER: FunctionSpec = FunctionSpec {
    id: "report-builder",
    description: "Builds requested sales reports into the reports bucket",
    trigger: Trigger::Queue {
        queue: &REPORT_REQUESTS,
        batch_size: 1,
    },
    memory_mb: 512,
    timeout_seconds: 60,
    access: &[
        Access::QueueConsume(&REPORT_REQUESTS),
        Access::TableWrite(&REPORT_JOBS),
        Access::TableRead(&ORDERS),
        // A report reads the orders of its days with a filtered scan (no date index).
        Access::TableScan(&ORDERS),
        Access::TableRead(&PRODUCTS),
        // ... and every product (names and prices of the lines), as the inventory does.
        Access::TableScan(&PRODUCTS),
        Access::BucketWrite(&REPORTS),
    ],
    needs_stores: true,
};

pub static STOCK_ALERTS_FN: FunctionSpec = FunctionSpec {
    id: "stock-alerts",
    description: "Raises low-stock alerts from order events",
    trigger: Trigger::Queue {
        queue: &ORDER_EVENTS,
        batch_size: 10,
    },
    memory_mb: 256,
    timeout_seconds: 10,
    access: &[
        Access::QueueConsume(&ORDER_EVENTS),
        Access::TableRead(&PRODUCTS),
        Access::TableWrite(&IDEMPOTENCY),
        Access::TopicPublish(&STOCK_ALERTS),
    ],
    needs_stores: false,
};

/// Cancels orders not collected within the pickup window and returns their stock, every hour.
pub static ORDER_EXPIRY: FunctionSpec = FunctionSpec {
    id: "order-expiry",
    description: "Cancels orders not collected within the pickup window and returns their stock",
    trigger: Trigger::Schedule {
        expression: "rate(1 hour)",
    },
    memory_mb: 128,
    timeout_seconds: 120,
    access: &[Access::TableWrite(&ORDERS), Access::TableWrite(&PRODUCTS)],
    needs_stores: true,
};

/// Emails the customer when their order is ready for pickup or cancelled, from the orders
/// table's stream. Rendered only when the environment names a sender (`notifications.sender`).
pub static ORDER_NOTIFIER: FunctionSpec = FunctionSpec {
    id: "order-notifier",
    description: "Emails customers when their order is ready for pickup or cancelled",
    trigger: Trigger::Stream {
        table: &ORDERS,
        batch_size: 10,
        filter: ORDER_NOTICE_FILTER,
    },
    memory_mb: 128,
    timeout_seconds: 30,
    access: &[
        Access::TableStream(&ORDERS),
        Access::TableWrite(&IDEMPOTENCY),
        Access::SendEmail,
        Access::UserLookup,
    ],
    needs_stores: false,
};

/// The automatic kill switch: on the budget's kill-threshold notification (or its schedule) it
/// throttles every other function to zero or empties the buckets and deletes the stack, per
/// the environment file. Rendered only when the environment enables the kill switch.
pub static KILL_SWITCH_FN: FunctionSpec = FunctionSpec {
    id: "kill-switch",
    description: "Stops the environment's spend when the budget's kill threshold is reached",
    trigger: Trigger::Topic {
        topic: &KILL_SWITCH_TOPIC,
    },
    memory_mb: 128,
    // Emptying a bucket of many object versions takes a while; the function is idle otherwise.
    timeout_seconds: 300,
    access: &[
        Access::TopicPublish(&OPS_ALERTS),
        Access::OwnStack,
        Access::StackFunctionsConcurrency,
        // Only where the environment's kill switch destroys (the stack drops them otherwise).
        Access::OwnStackDelete,
        Access::StackBucketsEmpty,
    ],
    needs_stores: false,
};

/// Makes the storefront's sizes of each uploaded product photo, or records why it refused it.
///
/// Sized from `make bench` (scripts/bench-images.sh): rendering a 12-megapixel JPEG takes a
/// median 387 ms on one x86-64 core and peaks at 99 MiB. Lambda gives a function CPU in
/// proportion to its memory (a whole vCPU at 1,769 MB), so 1,024 MB renders such a photo in
/// about 0.7 s and leaves room for the largest accepted one (50 megapixels, ~300 MB decoded).
pub static IMAGES_FN: FunctionSpec = FunctionSpec {
    id: "images",
    description: "Checks and resizes uploaded product photos for the storefront",
    trigger: Trigger::Queue {
        queue: &IMAGE_UPLOADS,
        batch_size: 1,
    },
    memory_mb: 1024,
    timeout_seconds: 30,
    access: &[
        Access::QueueConsume(&IMAGE_UPLOADS),
        Access::BucketRead(&UPLOADS),
        Access::BucketDelete(&UPLOADS),
        // A redelivered event whose upload was already handled finds it gone (404, not 403).
        Access::BucketList(&UPLOADS),
        Access::BucketPut(&IMAGES),
        Access::BucketDelete(&IMAGES),
        Access::TableWrite(&PRODUCTS),
    ],
    needs_stores: false,
};

/// Every function of the retail backend, in a stable order.
pub static FUNCTIONS: &[&FunctionSpec] = &[
    &CATALOG,
    &CART,
    &ORDERS_FN,
    &INVENTORY,
    &REPORTS_FN,
    &REPORT_BUILDER,
    &STOCK_ALERTS_FN,
    &IMAGES_FN,
    &ORDER_EXPIRY,
    &ORDER_NOTIFIER,
    &KILL_SWITCH_FN,
];

/// `GET /catalog`: Lists products (filter, search, cursor pagination).
pub const GET_CATALOG: Route = Route {
    method: Method::Get,
    path: "/catalog",
    function: &CATALOG,
    caller: Caller::Public,
};

/// `GET /catalog/{sku}`: One product.
pub const GET_PRODUCT: Route = Route {
    method: Method::Get,
    path: "/catalog/{sku}",
    function: &CATALOG,
    caller: Caller::Public,
};

/// `GET /cart`: The caller's cart, priced from the catalog.
pub const GET_CART: Route = Route {
    method: Method::Get,
    path: "/cart",
    function: &CART,
    caller: Caller::Customer,
};

/// `POST /cart`: Sets one item's quantity in the caller's cart (0 removes it).
pub const SET_CART_ITEM: Route = Route {
    method: Method::Post,
    path: "/cart",
    function: &CART,
    caller: Caller::Customer,
};

/// `DELETE /cart`: Empties the caller's cart.
pub const CLEAR_CART: Route = Route {
    method: Method::Delete,
    path: "/cart",
    function: &CART,
    caller: Caller::Customer,
};

/// `POST /orders`: Places an order for the caller (`Idempotency-Key` header required).
pub const PLACE_ORDER: Route = Route {
    method: Method::Post,
    path: "/orders",
    function: &ORDERS_FN,
    caller: Caller::Customer,
};

/// `GET /orders`: The caller's orders, newest first.
pub const LIST_ORDERS: Route = Route {
    method: Method::Get,
    path: "/orders",
    function: &ORDERS_FN,
    caller: Caller::Customer,
};

/// `GET /orders/{orderId}`: One of the caller's orders (another customer's is not found).
pub const GET_ORDER: Route = Route {
    method: Method::Get,
    path: "/orders/{orderId}",
    function: &ORDERS_FN,
    caller: Caller::Customer,
};

/// `POST /orders/{orderId}/cancel`: The caller cancels one of their orders while it is still
/// `PLACED`; its units go back to stock.
pub const CANCEL_ORDER: Route = Route {
    method: Method::Post,
    path: "/orders/{orderId}/cancel",
    function: &ORDERS_FN,
    caller: Caller::Customer,
};

/// `GET /stores/{storeId}/orders`: A store's orders in one state, oldest first, paginated
/// (the staff work queue).
pub const LIST_STORE_ORDERS: Route = Route {
    method: Method::Get,
    path: "/stores/{storeId}/orders",
    function: &ORDERS_FN,
    caller: Caller::Staff,
};

/// `GET /stores/{storeId}/orders/{orderId}`: One order of the store, with its history.
pub const GET_STORE_ORDER: Route = Route {
    method: Method::Get,
    path: "/stores/{storeId}/orders/{orderId}",
    function: &ORDERS_FN,
    caller: Caller::Staff,
};

/// `POST /stores/{storeId}/orders/{orderId}/status`: Moves an order along (pick, ready,
/// collected) or cancels it.
pub const SET_ORDER_STATUS: Route = Route {
    method: Method::Post,
    path: "/stores/{storeId}/orders/{orderId}/status",
    function: &ORDERS_FN,
    caller: Caller::Staff,
};

/// `PUT /inventory`: Adds or updates products and stock, as one batch.
pub const PUT_INVENTORY: Route = Route {
    method: Method::Put,
    path: "/inventory",
    function: &INVENTORY,
    caller: Caller::Staff,
};

/// `GET /inventory`: Stock levels (`?below=`).
pub const GET_INVENTORY: Route = Route {
    method: Method::Get,
    path: "/inventory",
    function: &INVENTORY,
    caller: Caller::Staff,
};

/// `POST /inventory/{sku}/image`: A presigned upload of a new photo for the product (JPEG,
/// PNG or WebP, at most the environment's size), valid for minutes.
pub const REQUEST_IMAGE_UPLOAD: Route = Route {
    method: Method::Post,
    path: "/inventory/{sku}/image",
    function: &INVENTORY,
    caller: Caller::Staff,
};

/// `POST /reports`: Requests a sales report (built asynchronously).
pub const REQUEST_REPORT: Route = Route {
    method: Method::Post,
    path: "/reports",
    function: &REPORTS_FN,
    caller: Caller::Staff,
};

/// `GET /reports`: The past daily reports, newest first.
pub const LIST_REPORTS: Route = Route {
    method: Method::Get,
    path: "/reports",
    function: &REPORTS_FN,
    caller: Caller::Staff,
};

/// `GET /reports/{reportId}`: A report's status and, when ready, its download links.
pub const GET_REPORT: Route = Route {
    method: Method::Get,
    path: "/reports/{reportId}",
    function: &REPORTS_FN,
    caller: Caller::Staff,
};

/// Every route of the HTTP API (payload format 2.0).
pub static ROUTES: &[Route] = &[
    GET_CATALOG,
    GET_PRODUCT,
    GET_CART,
    SET_CART_ITEM,
    CLEAR_CART,
    PLACE_ORDER,
    LIST_ORDERS,
    GET_ORDER,
    CANCEL_ORDER,
    LIST_STORE_ORDERS,
    GET_STORE_ORDER,
    SET_ORDER_STATUS,
    PUT_INVENTORY,
    GET_INVENTORY,
    REQUEST_IMAGE_UPLOAD,
    REQUEST_REPORT,
    LIST_REPORTS,
    GET_REPORT,
];

/// The routes served by one function.
pub fn routes_of(function: &FunctionSpec) -> impl Iterator<Item = &'static Route> + '_ {
    ROUTES.iter().filter(move |r| r.function.id == function.id)
}

/// Finds the route for a method and concrete path, with its path parameters.
pub fn find_route<'p>(
    method: &str,
    path: &'p str,
) -> Option<(&'static Route, Vec<(&'static str, &'p str)>)> {
    ROUTES
        .iter()
        .filter(|r| r.method.as_str().eq_ignore_ascii_case(method))
        .find_map(|r| r.matches(path).map(|p| (r, p)))
}

/// The function with this id.
pub fn function(id: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().copied().find(|f| f.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_checked_against_the_pool_s_policy() {
        assert_eq!(PASSWORD_POLICY.missing("Staff-Demo-1"), None);
        assert_eq!(
            PASSWORD_POLICY.missing("short").as_deref(),
            Some("at least 10 characters, an upper-case letter, a digit")
        );
        assert_eq!(
            PASSWORD_POLICY.missing("ALLUPPERCASE1").as_deref(),
            Some("a lower-case letter")
        );
    }

    #[test]
    fn route_keys_are_unique() {
        let mut keys: Vec<String> = ROUTES.iter().map(Route::route_key).collect();
        keys.sort();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len());
    }

    #[test]
    fn matching_extracts_parameters() {
        let (r, p) = find_route("GET", "/catalog/APL-001").expect("route");
        assert_eq!(r.route_key(), "GET /catalog/{sku}");
        assert_eq!(p, vec![("sku", "APL-001")]);
        assert!(find_route("GET", "/catalog/").is_none());
        assert!(find_route("PATCH", "/catalog").is_none());
        let (r, p) = find_route("get", "/catalog").expect("route");
        assert_eq!(r.path, "/catalog");
        assert!(p.is_empty());
    }

    #[test]
    fn every_http_function_has_routes_and_every_route_an_http_function() {
        for f in FUNCTIONS {
            let n = routes_of(f).count();
            match f.trigger {
                Trigger::Http => assert!(n > 0, "{} has no routes", f.id),
                Trigger::Queue { .. } => assert_eq!(n, 0, "{} is queue-driven", f.id),
                Trigger::Topic { .. } => assert_eq!(n, 0, "{} is topic-driven", f.id),
                Trigger::Stream { table, .. } => {
                    assert_eq!(n, 0, "{} is stream-driven", f.id);
                    assert!(f.access.contains(&Access::TableStream(table)), "{}", f.id);
                }
                Trigger::Schedule { expression } => {
                    assert_eq!(n, 0, "{} is scheduled", f.id);
                    assert!(
                        expression.starts_with("rate(") || expression.starts_with("cron("),
                        "{}: {expression}",
                        f.id
                    );
                }
            }
        }
    }

    #[test]
    fn consumers_may_consume_their_queue_and_visibility_covers_timeout() {
        for f in FUNCTIONS {
            if let Trigger::Queue { queue, .. } = f.trigger {
                assert!(f.access.contains(&Access::QueueConsume(queue)), "{}", f.id);
                assert!(
                    queue.visibility_timeout_seconds >= 6 * f.timeout_seconds,
                    "{}",
                    f.id
                );
            }
        }
    }

    #[test]
    fn throttling_alone_never_dead_letters_a_message() {
        for q in QUEUES {
            assert!(
                q.max_receive_count >= 5,
                "{}: AWS recommends at least 5",
                q.id
            );
            assert!((2..=1000).contains(&q.max_concurrency), "{}", q.id);
        }
    }

    #[test]
    fn http_functions_time_out_before_the_api_gives_up() {
        for f in FUNCTIONS.iter().filter(|f| f.trigger == Trigger::Http) {
            assert!(
                f.timeout_seconds + INTEGRATION_TIMEOUT_MARGIN_SECONDS
                    <= MAX_INTEGRATION_TIMEOUT_SECONDS,
                "{}: {} s leaves the API no margin",
                f.id,
                f.timeout_seconds
            );
            assert!(
                f.integration_timeout_seconds() > f.timeout_seconds,
                "{}",
                f.id
            );
        }
    }

    #[test]
    fn the_kill_switch_topic_is_not_an_always_on_topic() {
        assert!(TOPICS.iter().all(|t| t.id != KILL_SWITCH_TOPIC.id));
        assert_eq!(
            KILL_SWITCH_FN.trigger,
            Trigger::Topic {
                topic: &KILL_SWITCH_TOPIC
            }
        );
        assert!(function("kill-switch").is_some());
    }

    #[test]
    fn only_the_catalog_is_public_and_the_back_office_is_staff_only() {
        for r in ROUTES {
            let back_office = ["/inventory", "/reports", "/stores/"];
            let want = match r.function.id {
                "catalog" => Caller::Public,
                _ if back_office.iter().any(|p| r.path.starts_with(p)) => Caller::Staff,
                _ => Caller::Customer,
            };
            assert_eq!(r.caller, want, "{}", r.route_key());
            assert!(
                !r.path.contains("{userId}"),
                "{}: the caller comes from the token",
                r.route_key()
            );
        }
    }

    #[test]
    fn a_notified_queue_has_a_consumer_that_reads_and_removes_the_uploads() {
        for b in BUCKETS {
            let Some(q) = b.notify else { continue };
            let consumer = FUNCTIONS
                .iter()
                .find(|f| matches!(f.trigger, Trigger::Queue { queue, .. } if queue.id == q.id))
                .unwrap_or_else(|| panic!("nothing consumes {}", q.id));
            assert!(consumer.access.contains(&Access::BucketRead(b)), "{}", b.id);
            assert!(
                consumer.access.contains(&Access::BucketDelete(b)),
                "{}",
                b.id
            );
            assert!(
                b.expire_after_days.is_some(),
                "{}: abandoned uploads expire",
                b.id
            );
        }
        for b in BUCKETS.iter().filter(|b| b.browser_uploads) {
            assert!(
                FUNCTIONS
                    .iter()
                    .any(|f| f.access.contains(&Access::BucketPut(b))),
                "someone signs the uploads to {}",
                b.id
            );
        }
        for b in BUCKETS.iter().filter_map(|b| b.cdn_prefix) {
            assert!(b.ends_with('/') && !b.starts_with('/'), "{b}");
        }
    }

    #[test]
    fn key_attributes_are_deduplicated() {
        let names: Vec<_> = PRODUCTS.key_attributes().iter().map(|k| k.name).collect();
        assert_eq!(names, vec!["sku", "category"]);
    }
}
