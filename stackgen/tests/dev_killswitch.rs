//! The kill switch, run the way AWS runs it, on the rendered `local` stack deployed to moto:
//! `stackgen dev` runs the real function binary, and Lambda's Invoke API (`stackgen dev`'s,
//! what `aws lambda invoke --endpoint-url` calls) hands it what AWS would — the budget's
//! notification as SNS delivers it (throttle), or the out-of-hours schedule's payload
//! (destroy). Each run also measures least privilege: every call the function made is allowed
//! by its role in the rendered template (moto does not enforce IAM; AWS would answer
//! AccessDenied in the middle of an emergency stop).

mod dev_support;

#[path = "../../functions/tests/support/budget.rs"]
mod budget;

use aws_sdk_lambda::primitives::Blob;
use budget::{budget_notification, sns_event};
use dev_support::{BoxError, Moto, TestResult, workspace};
use serde_json::{Value, json};
use stackgen::env::{Environment, KillAction};

/// What one kill-switch run left: its answer, the rendered template, the emulator's SDK
/// configuration and the deployed stack.
struct Run {
    answer: Value,
    moto: Moto,
    local: dev_support::LocalStack,
}

/// Deploys `local` with `action`, runs `stackgen dev`, invokes the kill switch with the payload
/// `event` builds from the function's environment, and checks its calls against its role.
async fn kill(
    action: KillAction,
    event: impl Fn(&Environment, &str) -> Value,
) -> Result<Run, BoxError> {
    let (actions, moto) =
        dev_support::grants::ActionLog::start(&format!("kill-{}", action.as_str()))?;
    let mut env = stackgen::env::load_named(&workspace().join("environments"), "local")?;
    env.kill_switch.action = action;
    let local = dev_support::deploy_local(&moto, &env).await?;
    fill_buckets(&moto, &local).await?;
    let config = dev_support::local_config(&env, &local, &moto, dev_support::function_binaries()?)?;
    let keys = dev_support::grants::function_keys(&config);
    let budget = config
        .functions
        .iter()
        .find(|f| f.id == retail_spec::KILL_SWITCH_FN.id)
        .and_then(|f| f.variables.get(retail_spec::BUDGET_NAME_VAR))
        .cloned()
        .ok_or("the kill switch has no BUDGET_NAME")?;
    let dev = stackgen::dev::start(config).await?;
    let invoked = match dev.invoke_addr() {
        Some(addr) => {
            dev_support::lambda_at(addr)
                .await
                .invoke()
                .function_name(retail_spec::KILL_SWITCH_FN.id)
                .payload(Blob::new(event(&env, &budget).to_string()))
                .send()
                .await
        }
        None => {
            dev.stop().await;
            return Err("the Invoke API did not start".into());
        }
    };
    dev.stop().await;
    let out = invoked?;
    let payload = out
        .payload()
        .map(|b| b.as_ref().to_vec())
        .unwrap_or_default();
    let answer: Value = serde_json::from_slice(&payload)?;
    let granted = actions.check(&keys, &["KillSwitchFunction"]);
    let run = match out.function_error() {
        Some(error) => Err(format!("the kill switch failed ({error}): {answer}").into()),
        None => Ok(()),
    };
    dev_support::grants::with_grants(run, granted)?;
    Ok(Run {
        answer,
        moto,
        local,
    })
}

/// One object written twice in each of the stack's buckets, so a destroy has objects (and, in
/// a versioned bucket, versions) to delete, as a real environment's buckets hold.
async fn fill_buckets(moto: &Moto, local: &dev_support::LocalStack) -> TestResult {
    let s3 = aws_sdk_s3::Client::new(&moto.sdk_config().await);
    let buckets = local
        .deployed
        .resources
        .values()
        .filter(|r| r.resource_type == "AWS::S3::Bucket");
    for bucket in buckets {
        for body in ["first", "second"] {
            s3.put_object()
                .bucket(&bucket.physical_id)
                .key("drill/object.txt")
                .body(body.as_bytes().to_vec().into())
                .send()
                .await?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budgets_notification_throttles_every_function_within_the_kill_switchs_grants()
-> TestResult {
    let run = kill(KillAction::Throttle, |_, budget| {
        sns_event(&budget_notification(budget, "ACTUAL"))
    })
    .await?;
    assert_eq!(run.answer["outcome"], "throttled", "{}", run.answer);
    let throttled = run.answer["functions"].as_array().map_or(0, Vec::len);
    let lambda = aws_sdk_lambda::Client::new(&run.moto.sdk_config().await);
    let catalog = run.local.physical("CatalogFunction")?;
    let concurrency = lambda
        .get_function_concurrency()
        .function_name(&catalog)
        .send()
        .await?;
    assert_eq!(
        concurrency.reserved_concurrent_executions(),
        Some(0),
        "{catalog} is throttled ({throttled} functions were)"
    );
    assert!(
        !run.answer["mappingsDisabled"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "the queue mappings are paused: {}",
        run.answer
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_out_of_hours_schedule_destroys_the_stack_within_the_kill_switchs_grants() -> TestResult
{
    let run = kill(
        KillAction::Destroy,
        |_, _| json!({"action": "destroy", "source": "schedule"}),
    )
    .await?;
    assert_eq!(run.answer["outcome"], "destroyed", "{}", run.answer);
    let buckets = run.answer["buckets"].as_array().map_or(0, Vec::len);
    assert!(buckets >= 2, "every bucket of the stack: {}", run.answer);
    // At least each bucket's object (both of its versions where the emulator kept versioning
    // on; the stack asks for it, moto's CloudFormation may not apply it).
    let deleted = run.answer["objectsDeleted"].as_u64().unwrap_or(0);
    assert!(
        deleted >= buckets as u64,
        "each bucket's object was deleted: {}",
        run.answer
    );
    let cfn = aws_sdk_cloudformation::Client::new(&run.moto.sdk_config().await);
    let status = cfn
        .describe_stacks()
        .stack_name(&run.local.deployed.id)
        .send()
        .await?
        .stacks()
        .first()
        .and_then(|s| s.stack_status().map(|s| s.as_str().to_owned()));
    assert!(
        matches!(
            status.as_deref(),
            Some("DELETE_IN_PROGRESS" | "DELETE_COMPLETE")
        ),
        "the stack is being deleted: {status:?}"
    );
    Ok(())
}
