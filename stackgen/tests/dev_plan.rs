//! Planning from a rendered template and a stack deployed to moto: the function's memory,
//! timeout and environment variables with `Ref`/`GetAtt`/`Sub` resolved to the deployed
//! resources (a table's name, a queue's URL, a topic's ARN, a bucket's name), and the SQS event
//! source mapping with its queue URL/ARN, batch size and partial batch setting.

mod dev_support;

use std::path::Path;
use std::time::Duration;

use aws_sdk_cloudformation::types::StackStatus;
use dev_support::{Moto, TestResult, eventually};
use serde_json::{Value, json};
use stackgen::dev::plan::{self, DeployedStack, Resolver};

const STACK: &str = "grocer-plan";

/// A template in the shape the retail stack renders (the parts the local runner reads).
fn template() -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "Env": {"Type": "String", "Default": "local"},
            "StoreIds": {"Type": "String", "Default": "store-01,store-02"}
        },
        "Resources": {
            "ProductsTable": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": {"Fn::Sub": "${AWS::StackName}-products"},
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "sku", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}]
                }
            },
            "OrderEventsQueue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-order-events"}, "VisibilityTimeout": 60}
            },
            "StockAlertsTopic": {
                "Type": "AWS::SNS::Topic",
                "Properties": {"TopicName": {"Fn::Sub": "${AWS::StackName}-stock-alerts"}}
            },
            "ReportsBucket": {"Type": "AWS::S3::Bucket"},
            "StockAlertsRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
                    }
                }
            },
            "StockAlertsFunction": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "FunctionName": {"Fn::Sub": "${AWS::StackName}-stock-alerts"},
                    "Runtime": "provided.al2023",
                    "Handler": "stock-alerts",
                    "MemorySize": 256,
                    "Timeout": 10,
                    "Role": {"Fn::GetAtt": ["StockAlertsRole", "Arn"]},
                    "Code": {"ZipFile": "not run by moto"},
                    "Environment": {"Variables": {
                        "PRODUCTS_TABLE": {"Ref": "ProductsTable"},
                        "ORDER_EVENTS_QUEUE_URL": {"Ref": "OrderEventsQueue"},
                        "STOCK_ALERTS_TOPIC_ARN": {"Ref": "StockAlertsTopic"},
                        "REPORTS_BUCKET": {"Ref": "ReportsBucket"},
                        "STACKGEN_ENV": {"Ref": "Env"},
                        "STORE_IDS": {"Ref": "StoreIds"},
                        "QUEUE_ARN": {"Fn::GetAtt": ["OrderEventsQueue", "Arn"]},
                        "WHERE": {"Fn::Sub": "${AWS::Region}/${AWS::AccountId}/${ReportsBucket.Arn}"}
                    }}
                }
            },
            "StockAlertsEventSource": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": {"Fn::GetAtt": ["OrderEventsQueue", "Arn"]},
                    "FunctionName": {"Ref": "StockAlertsFunction"},
                    "BatchSize": 10,
                    "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    "Enabled": true
                }
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_and_mappings_resolve_against_the_deployed_stack() -> TestResult {
    let moto = Moto::start()?;
    let config = moto.sdk_config().await;
    let cfn = aws_sdk_cloudformation::Client::new(&config);
    let template = template();
    cfn.create_stack()
        .stack_name(STACK)
        .template_body(template.to_string())
        .send()
        .await?;
    let status = eventually(Duration::from_secs(60), || async {
        let out = cfn.describe_stacks().stack_name(STACK).send().await.ok()?;
        let status = out.stacks().first()?.stack_status()?.clone();
        (status != StackStatus::CreateInProgress).then_some(status)
    })
    .await;
    assert_eq!(status, Some(StackStatus::CreateComplete));

    let deployed = DeployedStack::describe(&cfn, STACK, "us-east-1").await?;
    assert_eq!(deployed.account_id, "123456789012");
    assert_eq!(
        deployed.parameters.get("Env").map(String::as_str),
        Some("local")
    );

    // What the SDK says the resources are.
    let sqs = aws_sdk_sqs::Client::new(&config);
    let sqs_url = sqs
        .get_queue_url()
        .queue_name("grocer-plan-order-events")
        .send()
        .await?
        .queue_url()
        .unwrap_or_default()
        .to_owned();
    // CloudFormation's Ref of a queue is its AWS URL (moto's too); the SDK sends it to the
    // endpoint override, so the resolved URL must work through the emulator as it is.
    let queue_url = deployed
        .resources
        .get("OrderEventsQueue")
        .map(|r| r.physical_id.clone())
        .unwrap_or_default();
    assert!(
        queue_url.ends_with("/123456789012/grocer-plan-order-events"),
        "{queue_url} vs {sqs_url}"
    );
    sqs.get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await?;
    let s3 = aws_sdk_s3::Client::new(&config);
    let buckets = s3.list_buckets().send().await?;
    let bucket = buckets
        .buckets()
        .iter()
        .filter_map(|b| b.name())
        .find(|n| n.contains("reportsbucket") || n.contains("grocer-plan"))
        .unwrap_or_default()
        .to_owned();

    let resolver = Resolver::new(&template, &deployed);
    let functions = plan::plan_functions(
        &resolver,
        &[&retail_spec::STOCK_ALERTS_FN],
        Path::new("/opt/bin"),
    )?;
    let f = &functions[0];
    assert_eq!(f.id, "stock-alerts");
    assert_eq!(f.logical_id, "StockAlertsFunction");
    assert_eq!(f.name, "grocer-plan-stock-alerts");
    assert_eq!(
        f.arn,
        "arn:aws:lambda:us-east-1:123456789012:function:grocer-plan-stock-alerts"
    );
    assert_eq!(f.binary, Path::new("/opt/bin/bootstrap"));
    assert_eq!(f.handler, "stock-alerts");
    assert_eq!((f.memory_mb, f.timeout), (256, Duration::from_secs(10)));
    assert_eq!(f.log_group, "/aws/lambda/grocer-plan-stock-alerts");
    let v = |k: &str| {
        f.variables
            .get(k)
            .map(String::as_str)
            .unwrap_or("<missing>")
    };
    assert_eq!(v("PRODUCTS_TABLE"), "grocer-plan-products");
    assert_eq!(v("ORDER_EVENTS_QUEUE_URL"), queue_url);
    assert_eq!(
        v("STOCK_ALERTS_TOPIC_ARN"),
        "arn:aws:sns:us-east-1:123456789012:grocer-plan-stock-alerts"
    );
    assert_eq!(v("REPORTS_BUCKET"), bucket);
    assert_eq!(v("STACKGEN_ENV"), "local");
    assert_eq!(v("STORE_IDS"), "store-01,store-02");
    assert_eq!(
        v("QUEUE_ARN"),
        "arn:aws:sqs:us-east-1:123456789012:grocer-plan-order-events"
    );
    assert_eq!(
        v("WHERE"),
        format!("us-east-1/123456789012/arn:aws:s3:::{bucket}")
    );

    let mappings = plan::plan_queues(&resolver, &functions)?;
    assert_eq!(mappings.len(), 1);
    let m = &mappings[0];
    assert_eq!(m.function_id, "stock-alerts");
    assert_eq!(m.queue_url, queue_url);
    assert_eq!(
        m.queue_arn,
        "arn:aws:sqs:us-east-1:123456789012:grocer-plan-order-events"
    );
    assert_eq!(m.batch_size, 10);
    assert!(m.report_batch_item_failures && m.enabled);

    // A function the template lacks is a clear error naming what was expected.
    let err = plan::plan_functions(&resolver, &[&retail_spec::CATALOG], Path::new("/opt/bin"))
        .expect_err("no catalog function in this template");
    assert!(err.to_string().contains("CatalogFunction"), "{err}");
    Ok(())
}
