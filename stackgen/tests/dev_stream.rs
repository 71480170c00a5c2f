//! The local DynamoDB stream event source mapping against moto, with the real `lambda_runtime`
//! echo function: a record written after `stackgen dev` starts reaches the function, and so
//! does one written after the table was replaced, which gives it a new stream with a new
//! shard. The poller once read the shards it found at start for ever, and said
//! nothing when they went quiet.

mod dev_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType, StreamSpecification, StreamViewType,
};
use dev_support::{Moto, TestResult, echo_binary, echo_config, eventually};
use stackgen::dev::{self, StreamMapping};

const TABLE: &str = "orders-streamed";
const FUNCTION: &str = "order-notifier";

fn stream() -> Result<StreamSpecification, aws_sdk_dynamodb::error::BuildError> {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewAndOldImages)
        .build()
}

async fn create_table(ddb: &aws_sdk_dynamodb::Client) -> TestResult {
    ddb.create_table()
        .table_name(TABLE)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("orderId")
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("orderId")
                .key_type(KeyType::Hash)
                .build()?,
        )
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(stream()?)
        .send()
        .await?;
    Ok(())
}

async fn put(ddb: &aws_sdk_dynamodb::Client, id: &str) -> TestResult {
    ddb.put_item()
        .table_name(TABLE)
        .item("orderId", AttributeValue::S(id.to_owned()))
        .send()
        .await?;
    Ok(())
}

fn log_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The echo function's `{"msg":"batch",…}` lines: one per invocation with records.
fn batches(path: &Path) -> usize {
    log_text(path)
        .lines()
        .filter(|l| l.contains(r#""msg":"batch""#))
        .count()
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackgen-dev-stream-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_reach_the_function_through_a_new_stream_too() -> TestResult {
    let moto = Moto::start()?;
    let ddb = aws_sdk_dynamodb::Client::new(&moto.sdk_config().await);
    create_table(&ddb).await?;
    let dir = scratch();
    let mut config = echo_config(
        &echo_binary()?,
        &moto.endpoint(),
        1,
        Duration::from_secs(10),
        &[],
    );
    config.logs.dir = Some(dir.clone());
    config.streams = vec![StreamMapping {
        logical_id: "OrderNotifierStreamMapping".into(),
        function_id: FUNCTION.into(),
        table_name: TABLE.into(),
        batch_size: 10,
        retries: 0,
        filters: Vec::new(),
    }];
    let dev = dev::start(config).await?;
    let log = dir.join(format!("{FUNCTION}.log"));
    let ready = eventually(Duration::from_secs(30), || async {
        log_text(&log).contains("reading new records").then_some(())
    })
    .await;

    put(&ddb, "o-1").await?;
    let first = eventually(Duration::from_secs(30), || async {
        (batches(&log) >= 1).then_some(())
    })
    .await;

    // The table replaced (as a stack update that replaces it does): a new stream, with a new
    // ARN and a new shard. (Turning the stream off and on would do the same in AWS; moto
    // refuses to turn a stream on twice.)
    ddb.delete_table().table_name(TABLE).send().await?;
    create_table(&ddb).await?;
    put(&ddb, "o-2").await?;
    let second = eventually(Duration::from_secs(30), || async {
        (batches(&log) >= 2).then_some(())
    })
    .await;
    dev.stop().await;
    let text = log_text(&log);
    assert!(ready.is_some(), "the poller never started:\n{text}");
    assert!(first.is_some(), "the first record never arrived:\n{text}");
    assert!(
        second.is_some(),
        "the record written to the new stream never arrived:\n{text}"
    );
    assert!(
        text.contains("the table's stream is a new one"),
        "the change of stream was not said:\n{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
