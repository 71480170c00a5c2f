//! Deploying the rendered `local` stack to an emulator with placeholder function code (moto
//! stores code and never runs it): what the `stackgen dev` tests and `scripts/bench-dev.sh`
//! (through `examples/dev_local.rs`) need until `stackgen deploy` is on the command line.
//! Included by path, so the example and the tests take the same steps.

#![allow(dead_code)]

use std::time::{Duration, Instant};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The smallest valid zip (an empty archive): placeholder code, which moto stores only.
const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// The `local` environment's stack as rendered and as deployed to an emulator.
pub struct LocalStack {
    pub template: serde_json::Value,
    pub deployed: stackgen::dev::DeployedStack,
}

impl LocalStack {
    pub fn physical(&self, logical: &str) -> Result<String, BoxError> {
        self.deployed
            .resources
            .get(logical)
            .map(|r| r.physical_id.clone())
            .ok_or_else(|| format!("`{logical}` is not in the deployed stack").into())
    }
}

/// Renders `env` and creates its stack on the emulator `config` points at, with placeholder
/// code for every function (through S3: the template is over CloudFormation's inline limit).
pub async fn deploy_local(
    config: &aws_config::SdkConfig,
    env: &stackgen::env::Environment,
) -> Result<LocalStack, BoxError> {
    use aws_sdk_cloudformation::types::{Capability, Parameter, StackStatus};
    let prepared = stackgen::synth::prepare(env)?;
    let template = prepared.stack.template.document()?;
    let s3 = aws_sdk_s3::Client::new(config);
    let cfn = aws_sdk_cloudformation::Client::new(config);
    let bucket = "dev-test-assets";
    s3.create_bucket().bucket(bucket).send().await?;
    s3.put_object()
        .bucket(bucket)
        .key("assets/placeholder.zip")
        .body(EMPTY_ZIP.to_vec().into())
        .send()
        .await?;
    s3.put_object()
        .bucket(bucket)
        .key("templates/local.json")
        .body(template.to_string().into_bytes().into())
        .send()
        .await?;
    let parameters = template["Parameters"]
        .as_object()
        .map(|p| {
            p.keys()
                .map(|k| {
                    let value = if k == "AssetsBucket" {
                        bucket
                    } else {
                        "assets/placeholder.zip"
                    };
                    Parameter::builder()
                        .parameter_key(k)
                        .parameter_value(value)
                        .build()
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    cfn.create_stack()
        .stack_name(&prepared.stack.name)
        .template_url(format!(
            "https://{bucket}.s3.amazonaws.com/templates/local.json"
        ))
        .set_parameters(Some(parameters))
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await?;
    let status = eventually(Duration::from_secs(120), || async {
        let out = cfn
            .describe_stacks()
            .stack_name(&prepared.stack.name)
            .send()
            .await
            .ok()?;
        let stack = out.stacks().first()?;
        let status = stack.stack_status()?.clone();
        (!status.as_str().ends_with("IN_PROGRESS"))
            .then(|| (status, stack.stack_status_reason().map(str::to_owned)))
    })
    .await;
    match status {
        Some((StackStatus::CreateComplete, _)) => {}
        other => {
            return Err(
                format!("the local stack did not deploy to the emulator: {other:?}").into(),
            );
        }
    }
    // What `stackgen deploy` does beside the stack: the account's sender identity.
    if let Some(n) = &env.notifications {
        let ctx = stackgen::aws::AwsContext::from_config(config.clone());
        stackgen::deploy::sender::ensure(&ctx, &n.sender, &[]).await?;
    }
    let deployed =
        stackgen::dev::DeployedStack::describe(&cfn, &prepared.stack.name, &env.region).await?;
    Ok(LocalStack { template, deployed })
}

/// Polls `check` until it returns Some or `limit` passes.
async fn eventually<T, F, Fut>(limit: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
