//! The whole deploy life cycle of a small real stack on moto: bootstrap, upload, create,
//! no-op (counted), update, status, destroy with a non-empty versioned bucket, destroy again.

mod support;

use std::path::PathBuf;

use stackgen::deploy::{
    self, AssetManifest, ChangeAction, DestroyRequest, FunctionAsset, Plan, RecoveryPolicy,
    StackRequest, ensure_bootstrap, upload_assets,
};
use support::{Moto, Recorded, TestResult, map, quick_wait};

/// The smallest valid zip (an empty archive): what a Lambda code object must be.
fn tags(env: &str) -> String {
    format!(
        r#"[{{"Key":"Project","Value":"flowtest"}},{{"Key":"Env","Value":"{env}"}},{{"Key":"Owner","Value":"team"}},{{"Key":"CostCenter","Value":"cc1"}}]"#
    )
}

/// A miniature of the retail stack: a data bucket, a table, a queue, a log group and a
/// function whose code comes from the assets bucket by content-addressed key.
fn template(extra_queue: bool) -> String {
    let t = tags("flow");
    let extra = if extra_queue {
        format!(r#","AlertsQueue":{{"Type":"AWS::SQS::Queue","Properties":{{"Tags":{t}}}}}"#)
    } else {
        String::new()
    };
    format!(
        r#"{{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {{
    "Greeting": {{"Type": "String", "Default": "hello"}},
    "AssetsBucket": {{"Type": "String"}},
    "CatalogCodeKey": {{"Type": "String"}}
  }},
  "Resources": {{
    "ReportsBucket": {{"Type": "AWS::S3::Bucket", "Properties": {{"VersioningConfiguration": {{"Status": "Enabled"}}, "Tags": {t}}}}},
    "ProductsTable": {{"Type": "AWS::DynamoDB::Table", "Properties": {{"BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{{"AttributeName": "pk", "AttributeType": "S"}}],
      "KeySchema": [{{"AttributeName": "pk", "KeyType": "HASH"}}], "Tags": {t}}}}},
    "OrderEventsQueue": {{"Type": "AWS::SQS::Queue", "Properties": {{"Tags": {t}}}}},
    "CatalogLogGroup": {{"Type": "AWS::Logs::LogGroup", "Properties": {{"RetentionInDays": 7, "Tags": {t}}}}},
    "CatalogRole": {{"Type": "AWS::IAM::Role", "Properties": {{"AssumeRolePolicyDocument": {{"Version": "2012-10-17",
      "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}}}}},
    "CatalogFunction": {{"Type": "AWS::Lambda::Function", "Properties": {{"Runtime": "provided.al2023", "Handler": "bootstrap",
      "Architectures": ["arm64"], "Role": {{"Fn::GetAtt": ["CatalogRole", "Arn"]}},
      "Code": {{"S3Bucket": {{"Ref": "AssetsBucket"}}, "S3Key": {{"Ref": "CatalogCodeKey"}}}},
      "Environment": {{"Variables": {{"GREETING": {{"Ref": "Greeting"}}}}}}}}}}{extra}
  }},
  "Outputs": {{
    "ReportsBucketName": {{"Value": {{"Ref": "ReportsBucket"}}}},
    "OrderEventsQueueUrl": {{"Value": {{"Ref": "OrderEventsQueue"}}}},
    "GreetingUsed": {{"Value": {{"Ref": "Greeting"}}}}
  }}
}}
"#
    )
}

fn scratch(name: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("stackgen-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_noop_update_status_destroy_and_destroy_again() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let wait = quick_wait();

    let boot = ensure_bootstrap(&ctx, &map(&[("ManagedBy", "stackgen")]), wait, &progress).await?;

    let dir = scratch("flow")?;
    let zip = dir.join("bootstrap.zip");
    std::fs::write(&zip, support::placeholder_zip())?;
    let (sha256, size) = deploy::package::hash_file(&zip)?;
    let mut manifest = AssetManifest::default();
    manifest.functions.insert(
        "catalog".into(),
        FunctionAsset {
            zip: zip.clone(),
            sha256: sha256.clone(),
            size,
            changed: true,
        },
    );
    let uploaded = upload_assets(&ctx, &boot.bucket, &manifest, &progress).await?;
    assert_eq!(uploaded.uploaded(), 1);
    // Again: the key is there and holds what its name says, so nothing is sent.
    let again = upload_assets(&ctx, &boot.bucket, &manifest, &progress).await?;
    assert_eq!((again.uploaded(), again.skipped()), (0, 1));
    // A key written first by something else (its sha256 known before the build) is read back
    // and refused before any stack is pointed at it.
    let planted = "f".repeat(64);
    ctx.s3
        .put_object()
        .bucket(&boot.bucket)
        .key(deploy::asset_key(&planted))
        .body(b"not the zip it claims to be".to_vec().into())
        .send()
        .await?;
    let mut forged = AssetManifest::default();
    forged.functions.insert(
        "catalog".into(),
        FunctionAsset {
            zip,
            sha256: planted.clone(),
            size,
            changed: true,
        },
    );
    let refused = upload_assets(&ctx, &boot.bucket, &forged, &progress).await;
    let err = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        err.contains(&deploy::asset_key(&planted))
            && err.contains("does not hold what its name says"),
        "{err}"
    );

    let mut request = StackRequest {
        stack_name: "flowtest-flow".into(),
        template_body: template(false),
        parameters: map(&[
            ("AssetsBucket", &boot.bucket),
            ("CatalogCodeKey", &deploy::asset_key(&sha256)),
        ]),
        tags: map(&[
            ("Project", "flowtest"),
            ("Env", "flow"),
            ("Owner", "team"),
            ("CostCenter", "cc1"),
        ]),
        termination_protection: false,
        assets_bucket: Some(boot.bucket.clone()),
        role_arn: boot.deploy_role.clone(),
        secrets: Default::default(),
    };
    let policy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };

    // Create: a CREATE change set listing every resource as an addition.
    let Plan::Changes(pending) = deploy::plan(&ctx, &request, policy, wait, &progress).await?
    else {
        return Err("a new stack must produce a change set".into());
    };
    assert!(pending.creates_stack);
    assert_eq!(pending.summary.counts(), (6, 0, 0));
    assert!(
        pending.summary.changes[0].stateful,
        "stateful resources come first"
    );
    let created = deploy::execute(&ctx, &request, &pending, wait, &progress).await?;
    // moto computes no Outputs for a change-set-created stack; deploy then recomputes them with
    // an UpdateStack of the same template (see deploy/outputs.rs), which ends in UPDATE_COMPLETE.
    let expected = if created.outputs_refreshed {
        "UPDATE_COMPLETE"
    } else {
        "CREATE_COMPLETE"
    };
    assert_eq!(created.stack.status, expected);
    // Deployed with the bootstrap's deploy role, which the stack keeps for later operations
    // (the kill switch's DeleteStack runs with it).
    let role = boot
        .deploy_role
        .clone()
        .ok_or("the bootstrap has no deploy role")?;
    assert!(role.contains(":role/"), "{role}");
    assert_eq!(created.stack.role_arn.as_deref(), Some(role.as_str()));
    assert_eq!(
        created
            .stack
            .outputs
            .get("GreetingUsed")
            .map(String::as_str),
        Some("hello")
    );
    let bucket = created
        .stack
        .outputs
        .get("ReportsBucketName")
        .cloned()
        .ok_or("ReportsBucketName output missing after create")?;
    assert!(created.stack.outputs.contains_key("OrderEventsQueueUrl"));

    // No-op: same template, parameters and tags → no change set, at most 3 requests (counted).
    let before = ctx.api_calls();
    let noop = deploy::plan(&ctx, &request, policy, wait, &progress).await?;
    let calls = ctx.counter().since(before);
    assert!(
        matches!(noop, Plan::UpToDate(_)),
        "expected no changes, got {noop:?}"
    );
    assert!(calls <= 3, "no-op deploy made {calls} API calls");
    println!("no-op deploy: {calls} API calls");

    // Assets already present are not uploaded again.
    let again = upload_assets(&ctx, &boot.bucket, &manifest, &progress).await?;
    assert_eq!((again.uploaded(), again.skipped()), (0, 1));

    // Update: one queue more and a new parameter value.
    request.template_body = template(true);
    request
        .parameters
        .insert("Greeting".into(), "bonjour".into());
    let Plan::Changes(update) = deploy::plan(&ctx, &request, policy, wait, &progress).await? else {
        return Err("a changed template must produce a change set".into());
    };
    assert!(!update.creates_stack);
    assert!(
        update
            .summary
            .changes
            .iter()
            .any(|c| c.logical_id == "AlertsQueue" && c.action == ChangeAction::Add),
        "{:?}",
        update.summary
    );
    let updated = deploy::execute(&ctx, &request, &update, wait, &progress).await?;
    assert_eq!(updated.stack.status, "UPDATE_COMPLETE");
    assert_eq!(
        updated.stack.parameters.get("Greeting").map(String::as_str),
        Some("bonjour")
    );
    assert!(!progress.events().is_empty(), "stack events are streamed");

    // Status: template in sync, assets in sync.
    let status = deploy::status(
        &ctx,
        "flowtest-flow",
        &request.template_body,
        &[&retail_spec::CATALOG],
        Some(&manifest),
    )
    .await?;
    assert_eq!(status.status.as_deref(), Some("UPDATE_COMPLETE"));
    assert_eq!(status.template_changed, Some(false));
    assert!(
        status.assets.iter().all(|a| a.in_sync()),
        "{:?}",
        status.assets
    );
    assert_eq!(
        stackgen::stack::code_key_parameter(&retail_spec::CATALOG),
        "CatalogCodeKey"
    );
    let drifted = deploy::status(
        &ctx,
        "flowtest-flow",
        &template(false),
        &[&retail_spec::CATALOG],
        Some(&manifest),
    )
    .await?;
    assert_eq!(drifted.template_changed, Some(true));

    // Fill the data bucket with versions and a delete marker.
    ctx.s3
        .put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await?;
    for body in ["v1", "v2"] {
        ctx.s3
            .put_object()
            .bucket(&bucket)
            .key("reports/daily.csv")
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                body.as_bytes(),
            ))
            .send()
            .await?;
    }
    ctx.s3
        .delete_object()
        .bucket(&bucket)
        .key("reports/daily.csv")
        .send()
        .await?;

    let destroy = DestroyRequest {
        stack_name: "flowtest-flow".into(),
        project: "flowtest".into(),
        env: "flow".into(),
        override_termination_protection: false,
        purge_leftovers: true,
        global_names: Default::default(),
        companions: Vec::new(),
    };
    let report = deploy::destroy(&ctx, &destroy, wait, &progress).await?;
    assert!(report.stack_existed);
    assert_eq!(report.emptied.len(), 1);
    assert_eq!(
        report.emptied[0].deleted, 3,
        "two versions and one delete marker"
    );
    assert!(report.is_clean(), "left: {:?}", report.remaining);
    assert!(
        deploy::describe_stack(&ctx, "flowtest-flow")
            .await?
            .is_none()
    );
    let buckets = ctx.s3.list_buckets().send().await?;
    assert!(
        !buckets
            .buckets()
            .iter()
            .any(|b| b.name() == Some(bucket.as_str())),
        "bucket {bucket} left"
    );
    assert!(
        deploy::tagged::tagged_resources(&ctx, "flowtest", "flow")
            .await?
            .is_empty()
    );
    // The shared bootstrap bucket is not an environment's leftover and survives.
    assert!(
        buckets
            .buckets()
            .iter()
            .any(|b| b.name() == Some(boot.bucket.as_str()))
    );

    // Destroying again: nothing to do, and it says so.
    let second = deploy::destroy(&ctx, &destroy, wait, &progress).await?;
    assert!(!second.stack_existed);
    assert!(second.is_clean());
    assert!(second.emptied.is_empty());
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
