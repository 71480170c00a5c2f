//! The kill switch on moto, through real SDK calls: a CloudFormation stack with three Lambda
//! functions (one of them standing for the kill switch itself) and a versioned bucket with
//! objects, versions and a delete marker. A budget notification with `throttle` sets every
//! other function's reserved concurrency to 0, disables the stack's queue event source
//! mapping (so queued messages wait instead of being dead-lettered) and publishes one summary
//! to ops-alerts (read
//! through an SQS queue subscribed to the topic); a repeat does nothing and publishes nothing.
//! `destroy` empties the bucket and deletes the stack; a repeat is a no-op.
//!
//! moto stores the functions' code but cannot run it, so the test calls the handler's library
//! entry point with the exact payloads Lambda would deliver.

mod support;

use support::budget::{budget_notification, sns_event};

use aws_sdk_sqs::types::QueueAttributeName;
use retail_functions::config::FunctionEnv;
use retail_functions::killswitch::notification::Action;
use retail_functions::killswitch::{KillSwitch, Outcome};
use retail_spec::{BUDGET_NAME_VAR, KILL_ACTION_VAR, KILL_SWITCH_FN, OPS_ALERTS, STACK_NAME_VAR};
use serde_json::{Value, json};

/// The smallest valid zip: moto stores function code without running it.
const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

struct World {
    sdk: aws_types::SdkConfig,
    stack: String,
    functions: Vec<String>,
    own: String,
    bucket: String,
    ops_topic: String,
    inbox: String,
}

impl World {
    fn kill_switch(&self, action: &str) -> KillSwitch {
        let env = FunctionEnv::new(
            &KILL_SWITCH_FN,
            [
                (STACK_NAME_VAR, self.stack.clone()),
                (KILL_ACTION_VAR, action.to_owned()),
                (BUDGET_NAME_VAR, format!("{}-monthly", self.stack)),
                (OPS_ALERTS.env_var, self.ops_topic.clone()),
                ("AWS_LAMBDA_FUNCTION_NAME", self.own.clone()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
        );
        match KillSwitch::new(&self.sdk, &env) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        }
    }

    /// Messages that reached ops-alerts since the last call (their `Message` texts).
    async fn ops_messages(&self) -> Vec<String> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        let mut out = Vec::new();
        loop {
            let got = sqs
                .receive_message()
                .queue_url(&self.inbox)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap_or_else(|e| panic!("receive: {e:?}"));
            if got.messages().is_empty() {
                return out;
            }
            for m in got.messages() {
                let body: Value =
                    serde_json::from_str(m.body().unwrap_or_default()).unwrap_or(Value::Null);
                out.push(body["Message"].as_str().unwrap_or_default().to_owned());
                if let Some(h) = m.receipt_handle() {
                    sqs.delete_message()
                        .queue_url(&self.inbox)
                        .receipt_handle(h)
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("delete message: {e:?}"));
                }
            }
        }
    }

    /// The state of every event source mapping of the stack (`Enabled`, `Disabled`).
    async fn mapping_states(&self) -> Vec<String> {
        let lambda = aws_sdk_lambda::Client::new(&self.sdk);
        let mut out = Vec::new();
        for f in &self.functions {
            let got = lambda
                .list_event_source_mappings()
                .function_name(f)
                .send()
                .await
                .unwrap_or_else(|e| panic!("ListEventSourceMappings {f}: {e:?}"));
            for m in got.event_source_mappings() {
                out.push(m.state().unwrap_or_default().to_owned());
            }
        }
        out
    }

    async fn concurrency(&self, function: &str) -> Option<i32> {
        aws_sdk_lambda::Client::new(&self.sdk)
            .get_function_concurrency()
            .function_name(function)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetFunctionConcurrency {function}: {e:?}"))
            .reserved_concurrent_executions()
    }
}

async fn world(name: &str) -> World {
    let sdk = support::sdk();
    let stack = format!("ks{}-{name}", std::process::id());
    let s3 = retail_functions::aws::s3_client(&sdk);
    let code = format!("{stack}-code");
    s3.create_bucket()
        .bucket(&code)
        .send()
        .await
        .unwrap_or_else(|e| panic!("code bucket: {e:?}"));
    s3.put_object()
        .bucket(&code)
        .key("fn.zip")
        .body(EMPTY_ZIP.to_vec().into())
        .send()
        .await
        .unwrap_or_else(|e| panic!("code zip: {e:?}"));

    let functions: Vec<String> = ["catalog", "orders", "kill-switch"]
        .iter()
        .map(|f| format!("{stack}-{f}"))
        .collect();
    let bucket = format!("{stack}-reports");
    let mut resources = serde_json::Map::new();
    for (i, name) in functions.iter().enumerate() {
        resources.insert(
            format!("Fn{i}"),
            json!({"Type": "AWS::Lambda::Function", "Properties": {
                "FunctionName": name,
                "Runtime": "provided.al2023",
                "Handler": "bootstrap",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"S3Bucket": code, "S3Key": "fn.zip"}
            }}),
        );
    }
    resources.insert(
        "Role".to_owned(),
        json!({"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]}
        }}),
    );
    // A queue consumed by the first function, as the order events queue is by stock-alerts.
    resources.insert(
        "Work".to_owned(),
        json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": format!("{stack}-work")}}),
    );
    resources.insert(
        "Fn0WorkMapping".to_owned(),
        json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Work", "Arn"]},
            "FunctionName": {"Ref": "Fn0"},
            "BatchSize": 10,
            "Enabled": true
        }}),
    );
    resources.insert(
        "Reports".to_owned(),
        json!({"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": bucket,
            "VersioningConfiguration": {"Status": "Enabled"}
        }}),
    );
    let template = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources});
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    cfn.create_stack()
        .stack_name(&stack)
        .template_body(template.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("create stack: {e:?}"));
    for _ in 0..100 {
        let status = cfn
            .describe_stacks()
            .stack_name(&stack)
            .send()
            .await
            .ok()
            .and_then(|d| d.stacks().first().and_then(|s| s.stack_status().cloned()));
        if status.as_ref().map(|s| s.as_str()) == Some("CREATE_COMPLETE") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // moto's CloudFormation ignores VersioningConfiguration: turn it on directly.
    s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("versioning: {e:?}"));
    // Objects: two keys, one overwritten (two versions), one deleted (a delete marker).
    for (key, body) in [("a.csv", "1"), ("a.csv", "2"), ("b.json", "{}")] {
        s3.put_object()
            .bucket(&bucket)
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap_or_else(|e| panic!("put {key}: {e:?}"));
    }
    s3.delete_object()
        .bucket(&bucket)
        .key("b.json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("delete b.json: {e:?}"));

    // ops-alerts outside the stack, so its messages outlive a destroy; an SQS queue reads it.
    let sns = aws_sdk_sns::Client::new(&sdk);
    let ops_topic = sns
        .create_topic()
        .name(format!("{stack}-ops-alerts"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("topic: {e:?}"))
        .topic_arn()
        .unwrap_or_default()
        .to_owned();
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let inbox = sqs
        .create_queue()
        .queue_name(format!("{stack}-inbox"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("queue: {e:?}"))
        .queue_url()
        .unwrap_or_default()
        .to_owned();
    let inbox_arn = sqs
        .get_queue_attributes()
        .queue_url(&inbox)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap_or_else(|e| panic!("queue arn: {e:?}"))
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .unwrap_or_default();
    sns.subscribe()
        .topic_arn(&ops_topic)
        .protocol("sqs")
        .endpoint(inbox_arn)
        .send()
        .await
        .unwrap_or_else(|e| panic!("subscribe: {e:?}"));

    World {
        sdk,
        own: functions[2].clone(),
        stack,
        functions,
        bucket,
        ops_topic,
        inbox,
    }
}

async fn handle(ks: &KillSwitch, payload: Value) -> Outcome {
    match ks.handle(payload).await {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn throttle_sets_every_other_function_to_zero_once() {
    let w = world("throttle").await;
    let ks = w.kill_switch("throttle");
    let budget = format!("{}-monthly", w.stack);

    // A forecast, another budget's notification, or unrelated text do nothing.
    for message in [
        budget_notification(&budget, "FORECASTED"),
        budget_notification("someone-elses-budget", "ACTUAL"),
        "{\"AlarmName\":\"x\",\"NewStateValue\":\"ALARM\"}".to_owned(),
    ] {
        let outcome = handle(&ks, sns_event(&message)).await;
        assert!(matches!(outcome, Outcome::Ignored { .. }), "{outcome:?}");
    }
    for f in &w.functions {
        assert_eq!(
            w.concurrency(f).await,
            None,
            "{f} changed by an ignored message"
        );
    }
    assert!(w.ops_messages().await.is_empty());

    assert_eq!(w.mapping_states().await, vec!["Enabled"]);
    let outcome = handle(&ks, sns_event(&budget_notification(&budget, "ACTUAL"))).await;
    let Outcome::Throttled {
        functions,
        already,
        mappings_disabled,
    } = outcome
    else {
        panic!("expected a throttle, got {outcome:?}")
    };
    assert_eq!(already, 0);
    assert_eq!(mappings_disabled.len(), 1, "{mappings_disabled:?}");
    // Messages wait in the queue instead of being received for a function that cannot run.
    assert_eq!(w.mapping_states().await, vec!["Disabled"]);
    let mut expected = w.functions[..2].to_vec();
    expected.sort();
    let mut got = functions.clone();
    got.sort();
    assert_eq!(got, expected);
    for f in &w.functions[..2] {
        assert_eq!(w.concurrency(f).await, Some(0), "{f}");
    }
    // The kill switch keeps its own concurrency: it must stay able to act.
    assert_eq!(w.concurrency(&w.own).await, None);
    let messages = w.ops_messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("throttled"), "{}", messages[0]);
    assert!(messages[0].contains(&w.functions[0]), "{}", messages[0]);

    // A second notification: nothing more to do, nothing published.
    let outcome = handle(&ks, sns_event(&budget_notification(&budget, "ACTUAL"))).await;
    assert_eq!(
        outcome,
        Outcome::AlreadyDone {
            action: Action::Throttle,
            detail: format!(
                "all 2 functions of {} are at reserved concurrency 0 and its 1 queue mappings are disabled",
                w.stack
            ),
        }
    );
    assert!(w.ops_messages().await.is_empty());

    // One function restored by hand: the next notification throttles just that one.
    aws_sdk_lambda::Client::new(&w.sdk)
        .delete_function_concurrency()
        .function_name(&w.functions[1])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let outcome = handle(&ks, sns_event(&budget_notification(&budget, "ACTUAL"))).await;
    assert_eq!(
        outcome,
        Outcome::Throttled {
            functions: vec![w.functions[1].clone()],
            already: 1,
            mappings_disabled: Vec::new(),
        }
    );
    assert_eq!(w.ops_messages().await.len(), 1);
}

#[tokio::test]
async fn destroy_empties_the_buckets_and_deletes_the_stack_once() {
    let w = world("destroy").await;
    let ks = w.kill_switch("destroy");
    let s3 = retail_functions::aws::s3_client(&w.sdk);
    let cfn = aws_sdk_cloudformation::Client::new(&w.sdk);

    // The schedule's direct invocation.
    let outcome = handle(&ks, json!({"action": "destroy", "source": "schedule"})).await;
    // Three object versions and one delete marker.
    assert_eq!(
        outcome,
        Outcome::Destroyed {
            buckets: vec![w.bucket.clone()],
            objects_deleted: 4
        }
    );
    let gone = match cfn.describe_stacks().stack_name(&w.stack).send().await {
        Err(_) => true,
        Ok(d) => d
            .stacks()
            .first()
            .and_then(|s| s.stack_status())
            .is_none_or(|s| s.as_str() == "DELETE_COMPLETE"),
    };
    assert!(gone, "stack {} still there", w.stack);
    assert!(
        s3.head_bucket().bucket(&w.bucket).send().await.is_err(),
        "bucket {} still there",
        w.bucket
    );
    let messages = w.ops_messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("being deleted"), "{}", messages[0]);

    // The budget notification arriving afterwards: already done, nothing published.
    let budget = format!("{}-monthly", w.stack);
    let outcome = handle(&ks, sns_event(&budget_notification(&budget, "ACTUAL"))).await;
    assert!(
        matches!(
            outcome,
            Outcome::AlreadyDone {
                action: Action::Destroy,
                ..
            }
        ),
        "{outcome:?}"
    );
    let outcome = handle(&ks, json!({"action": "destroy", "source": "schedule"})).await;
    assert!(
        matches!(outcome, Outcome::AlreadyDone { .. }),
        "{outcome:?}"
    );
    assert!(w.ops_messages().await.is_empty());
}

#[tokio::test]
async fn a_payload_it_does_not_understand_is_an_error_naming_the_shapes() {
    let w = world("payload").await;
    let ks = w.kill_switch("throttle");
    let err = match ks.handle(json!({"action": "explode"})).await {
        Err(e) => e.to_string(),
        Ok(o) => panic!("accepted: {o:?}"),
    };
    assert!(err.contains("SNS event"), "{err}");
    // Nothing was touched.
    for f in &w.functions {
        assert_eq!(w.concurrency(f).await, None);
    }
}

#[tokio::test]
async fn a_payload_cannot_turn_a_throttle_into_a_destroy() {
    let w = world("no-escalation").await;
    let ks = w.kill_switch("throttle");
    let err = match ks
        .handle(json!({"action": "destroy", "source": "attacker"}))
        .await
    {
        Err(e) => e.to_string(),
        Ok(o) => panic!("accepted: {o:?}"),
    };
    assert!(err.contains("configured to throttle"), "{err}");
    // The stack and its bucket are still there; no function was throttled either.
    let cfn = aws_sdk_cloudformation::Client::new(&w.sdk);
    let stack = cfn.describe_stacks().stack_name(&w.stack).send().await;
    assert!(stack.is_ok_and(|d| {
        d.stacks()
            .first()
            .and_then(|s| s.stack_status())
            .is_some_and(|s| s.as_str() != "DELETE_COMPLETE")
    }));
    let s3 = retail_functions::aws::s3_client(&w.sdk);
    assert!(s3.head_bucket().bucket(&w.bucket).send().await.is_ok());
    for f in &w.functions {
        assert_eq!(w.concurrency(f).await, None);
    }
}

#[tokio::test]
async fn a_stack_that_does_not_exist_is_already_done_for_both_actions() {
    let w = world("absent").await;
    let absent = World {
        stack: format!("{}-never-deployed", w.stack),
        ..w
    };
    for action in ["throttle", "destroy"] {
        let ks = absent.kill_switch(action);
        let budget = format!("{}-monthly", absent.stack);
        let outcome = handle(&ks, sns_event(&budget_notification(&budget, "ACTUAL"))).await;
        assert!(
            matches!(outcome, Outcome::AlreadyDone { .. }),
            "{action}: {outcome:?}"
        );
    }
    assert!(absent.ops_messages().await.is_empty());
}
