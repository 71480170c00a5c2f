//! Shared test harness: a moto server, a fresh copy of the stack's data resources per test, API
//! Gateway requests, and an SQS event source mapping.
//!
//! Tables, queues (each with its dead-letter queue and redrive policy), topics and buckets are
//! created from the same `retail_spec` definitions the stack renders, under a unique prefix per
//! test, so tests run in parallel against one moto per test binary.

#![allow(dead_code)]

pub mod api;
pub mod budget;
pub mod esm;
pub mod moto;
pub mod users;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;
use aws_types::SdkConfig;
use retail_functions::config::FunctionEnv;
use retail_functions::product::Product;
use retail_spec::{
    Access, AttrType, BUCKETS, BucketSpec, FunctionSpec, KeyAttr, QUEUES, QueueSpec, STORES_VAR,
    TABLES, TOPICS, TableSpec, TopicSpec,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment's stores in every test stack.
pub const STORES: [&str; 2] = ["store-01", "store-02"];

/// A queue as created: URL, ARN, and its dead-letter queue's URL.
#[derive(Debug, Clone)]
pub struct QueueRefs {
    pub url: String,
    pub arn: String,
    pub dlq_url: String,
}

/// One test's copy of the stack's data resources.
pub struct Stack {
    pub sdk: SdkConfig,
    pub prefix: String,
    pub ddb: aws_sdk_dynamodb::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub s3: aws_sdk_s3::Client,
    tables: HashMap<&'static str, String>,
    queues: HashMap<&'static str, QueueRefs>,
    topics: HashMap<&'static str, String>,
    buckets: HashMap<&'static str, String>,
}

/// SDK configuration for the shared moto server.
pub fn sdk() -> SdkConfig {
    let m = moto::shared();
    retail_functions::aws::sdk_config_for_endpoint(
        &m.endpoint,
        moto::REGION,
        moto::ACCESS_KEY_ID,
        moto::SECRET_ACCESS_KEY,
    )
}

impl Stack {
    /// Creates every table, queue, topic and bucket of the spec under a prefix unique to `test`.
    pub async fn new(test: &str) -> Stack {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let short: String = test
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(16)
            .collect::<String>()
            .to_lowercase();
        let prefix = format!(
            "t{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            short
        );
        let sdk = sdk();
        let mut stack = Stack {
            ddb: aws_sdk_dynamodb::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
            s3: retail_functions::aws::s3_client(&sdk),
            sdk,
            prefix,
            tables: HashMap::new(),
            queues: HashMap::new(),
            topics: HashMap::new(),
            buckets: HashMap::new(),
        };
        for t in TABLES {
            let name = stack.create_table(t).await;
            stack.tables.insert(t.id, name);
        }
        for q in QUEUES {
            let refs = stack.create_queue(q).await;
            stack.queues.insert(q.id, refs);
        }
        for t in TOPICS {
            let name = format!("{}-{}", stack.prefix, t.name);
            let out = stack
                .sns
                .create_topic()
                .name(name)
                .send()
                .await
                .unwrap_or_else(|e| panic!("create topic {}: {e:?}", t.name));
            stack
                .topics
                .insert(t.id, out.topic_arn().unwrap_or_default().to_owned());
        }
        for b in BUCKETS {
            let name = format!("{}-{}", stack.prefix, b.name).to_lowercase();
            stack
                .s3
                .create_bucket()
                .bucket(&name)
                .send()
                .await
                .unwrap_or_else(|e| panic!("create bucket {name}: {e:?}"));
            stack.buckets.insert(b.id, name);
        }
        stack
    }

    async fn create_table(&self, t: &TableSpec) -> String {
        let name = format!("{}-{}", self.prefix, t.name);
        let key = |k: KeyAttr, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(k.name)
                .key_type(kind)
                .build()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let schema = |pk: KeyAttr, sk: Option<KeyAttr>| {
            let mut s = vec![key(pk, KeyType::Hash)];
            if let Some(sk) = sk {
                s.push(key(sk, KeyType::Range));
            }
            s
        };
        let mut create = self
            .ddb
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(schema(t.partition_key, t.sort_key)));
        for a in t.key_attributes() {
            create = create.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(a.name)
                    .attribute_type(match a.kind {
                        AttrType::S => ScalarAttributeType::S,
                        AttrType::N => ScalarAttributeType::N,
                    })
                    .build()
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        for ix in t.indexes {
            create = create.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(ix.name)
                    .set_key_schema(Some(schema(ix.partition_key, ix.sort_key)))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        create
            .send()
            .await
            .unwrap_or_else(|e| panic!("create table {name}: {e:?}"));
        if let Some(ttl) = t.ttl_attribute {
            self.ddb
                .update_time_to_live()
                .table_name(&name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(ttl)
                        .enabled(true)
                        .build()
                        .unwrap_or_else(|e| panic!("{e}")),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("ttl on {name}: {e:?}"));
        }
        name
    }

    async fn create_queue(&self, q: &QueueSpec) -> QueueRefs {
        let dlq_name = format!("{}-{}-dlq", self.prefix, q.name);
        let dlq_url = self
            .sqs
            .create_queue()
            .queue_name(&dlq_name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create queue {dlq_name}: {e:?}"))
            .queue_url()
            .unwrap_or_default()
            .to_owned();
        let dlq_arn = self.queue_arn(&dlq_url).await;
        let name = format!("{}-{}", self.prefix, q.name);
        let redrive = serde_json::json!({
            "deadLetterTargetArn": dlq_arn,
            "maxReceiveCount": q.max_receive_count,
        });
        let url = self
            .sqs
            .create_queue()
            .queue_name(&name)
            .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
            .attributes(
                QueueAttributeName::VisibilityTimeout,
                q.visibility_timeout_seconds.to_string(),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("create queue {name}: {e:?}"))
            .queue_url()
            .unwrap_or_default()
            .to_owned();
        let arn = self.queue_arn(&url).await;
        QueueRefs { url, arn, dlq_url }
    }

    pub async fn queue_arn(&self, url: &str) -> String {
        self.sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("queue attributes of {url}: {e:?}"))
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::QueueArn))
            .cloned()
            .unwrap_or_default()
    }

    pub fn table(&self, t: &TableSpec) -> &str {
        &self.tables[t.id]
    }

    pub fn queue(&self, q: &QueueSpec) -> &QueueRefs {
        &self.queues[q.id]
    }

    pub fn topic(&self, t: &TopicSpec) -> &str {
        &self.topics[t.id]
    }

    pub fn bucket(&self, b: &BucketSpec) -> &str {
        &self.buckets[b.id]
    }

    /// The environment the stack gives `function`: one variable per grant, plus the stores.
    pub fn env(&self, function: &'static FunctionSpec) -> FunctionEnv {
        let mut vars: Vec<(String, String)> = Vec::new();
        for a in function.access {
            let (var, value) = match a {
                Access::TableRead(t) | Access::TableWrite(t) => {
                    (t.env_var, self.table(t).to_owned())
                }
                // IAM only: the read or write grant of the same table names it.
                Access::TableScan(_) => continue,
                Access::QueueSend(q) | Access::QueueConsume(q) => {
                    (q.env_var, self.queue(q).url.clone())
                }
                Access::TopicPublish(t) => (t.env_var, self.topic(t).to_owned()),
                Access::BucketRead(b)
                | Access::BucketWrite(b)
                | Access::BucketPut(b)
                | Access::BucketDelete(b)
                | Access::BucketList(b) => (b.env_var, self.bucket(b).to_owned()),
                Access::OwnStack => (retail_spec::STACK_NAME_VAR, self.prefix.clone()),
                // IAM only: no variable.
                Access::StackFunctionsConcurrency
                | Access::StackBucketsEmpty
                | Access::OwnStackDelete
                | Access::TableStream(_) => continue,
                // No user pool or verified sender in this harness: placeholders that a test
                // replaces with real ones (`env_with`).
                Access::SendEmail => (
                    retail_spec::NOTIFY_SENDER_VAR,
                    format!("orders@{}.example", self.prefix),
                ),
                Access::UserLookup => (retail_spec::USER_POOL_ID_VAR, "us-east-1_none".into()),
            };
            vars.push((var.to_owned(), value));
        }
        if function.needs_stores {
            vars.push((STORES_VAR.to_owned(), STORES.join(",")));
        }
        if function.id == retail_spec::KILL_SWITCH_FN.id {
            // From the environment file, not from a grant (see stackgen's stack/kill_switch.rs).
            vars.push((
                retail_spec::KILL_ACTION_VAR.to_owned(),
                "throttle".to_owned(),
            ));
            vars.push((
                retail_spec::BUDGET_NAME_VAR.to_owned(),
                format!("{}-monthly", self.prefix),
            ));
        }
        FunctionEnv::new(function, vars)
    }

    /// [`Stack::env`] plus variables the stack takes from the environment file.
    pub fn env_with(&self, function: &'static FunctionSpec, extra: &[(&str, &str)]) -> FunctionEnv {
        let base = self.env(function);
        let mut vars: Vec<(String, String)> = base.vars().collect();
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        FunctionEnv::new(function, vars)
    }

    /// Writes products as they are (overwriting).
    pub async fn seed(&self, products: &[Product]) {
        for p in products {
            self.ddb
                .put_item()
                .table_name(self.table(&retail_spec::PRODUCTS))
                .set_item(Some(p.to_item()))
                .send()
                .await
                .unwrap_or_else(|e| panic!("seed {}: {e:?}", p.sku));
        }
    }

    /// A product as stored now.
    pub async fn product(&self, sku: &str) -> Option<Product> {
        let out = self
            .ddb
            .get_item()
            .table_name(self.table(&retail_spec::PRODUCTS))
            .key(
                retail_spec::PRODUCTS.partition_key.name,
                aws_sdk_dynamodb::types::AttributeValue::S(sku.to_owned()),
            )
            .consistent_read(true)
            .send()
            .await
            .unwrap_or_else(|e| panic!("get {sku}: {e:?}"));
        out.item()
            .map(|i| Product::from_item(i).unwrap_or_else(|e| panic!("{sku}: {e}")))
    }

    /// Number of items in a table.
    pub async fn count(&self, t: &TableSpec) -> usize {
        let out = self
            .ddb
            .scan()
            .table_name(self.table(t))
            .send()
            .await
            .unwrap_or_else(|e| panic!("scan: {e:?}"));
        out.items().len()
    }

    /// A queue subscribed (raw delivery) to a topic, to observe what is published.
    pub async fn observe(&self, topic: &TopicSpec) -> String {
        let name = format!("{}-{}-observer", self.prefix, topic.name);
        let url = self
            .sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create {name}: {e:?}"))
            .queue_url()
            .unwrap_or_default()
            .to_owned();
        let arn = self.queue_arn(&url).await;
        self.sns
            .subscribe()
            .topic_arn(self.topic(topic))
            .protocol("sqs")
            .endpoint(arn)
            .attributes("RawMessageDelivery", "true")
            .send()
            .await
            .unwrap_or_else(|e| panic!("subscribe: {e:?}"));
        url
    }

    /// Receives and deletes every message now in a queue; returns their bodies.
    pub async fn drain(&self, url: &str) -> Vec<String> {
        let mut bodies = Vec::new();
        for _ in 0..50 {
            let out = self
                .sqs
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await
                .unwrap_or_else(|e| panic!("receive from {url}: {e:?}"));
            let messages = out.messages();
            if messages.is_empty() {
                break;
            }
            for m in messages {
                bodies.push(m.body().unwrap_or_default().to_owned());
                self.sqs
                    .delete_message()
                    .queue_url(url)
                    .receipt_handle(m.receipt_handle().unwrap_or_default())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("delete: {e:?}"));
            }
        }
        bodies
    }
}

/// A plain HTTP/1.0 GET of an `http://127.0.0.1:PORT/...` URL (presigned links): status, body.
pub fn http_get(url: &str) -> (u16, String) {
    let (status, _, body) = http_get_with_head(url);
    (status, body)
}

/// GET over plain HTTP/1.0: status, the response head (status line and headers) and body.
pub fn http_get_with_head(url: &str) -> (u16, String, String) {
    use std::io::Write;
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not http: {url}"));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(host).unwrap_or_else(|e| panic!("{host}: {e}"));
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap_or_else(|e| panic!("{e}"));
    read_answer(stream)
}

/// Reads an HTTP/1.0 answer to its end: status, head and body.
fn read_answer(mut stream: std::net::TcpStream) -> (u16, String, String) {
    use std::io::Read;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

/// A product for tests.
pub fn product(sku: &str, name: &str, category: &str, price_cents: u64, stock: u64) -> Product {
    Product {
        sku: sku.to_owned(),
        name: name.to_owned(),
        category: category.to_owned(),
        price_cents: retail_functions::money::Cents(price_cents),
        unit: "each".to_owned(),
        stock,
        low_stock_threshold: 5,
        updated_at: None,
        photo: Default::default(),
    }
}

/// A plain HTTP/1.0 POST of `body` to an `http://127.0.0.1:PORT/...` URL: status and body.
pub fn http_post(url: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    use std::io::Write;
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not http: {url}"));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = std::net::TcpStream::connect(host).unwrap_or_else(|e| panic!("{host}: {e}"));
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap_or_else(|e| panic!("{e}"));
    stream.write_all(body).unwrap_or_else(|e| panic!("{e}"));
    let (status, _, body) = read_answer(stream);
    (status, body)
}
