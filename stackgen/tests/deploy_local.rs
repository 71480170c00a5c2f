//! The real target: the `local` environment's rendered retail stack through the whole deploy
//! life cycle on moto — create, no-op (counted), a changed environment value, status, destroy
//! with data in the buckets, destroy again.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stackgen::deploy::{
    self, AssetManifest, DestroyRequest, FunctionAsset, Plan, RecoveryPolicy, StackRequest,
};
use stackgen::env::Environment;
use stackgen::model::Format;
use support::{Moto, Recorded, TestResult, map, quick_wait};

/// The smallest valid zip. moto stores function code but never runs it, so the functions'
/// real zips (minutes of cargo-lambda build) add nothing to what this test checks.
fn local_env() -> Result<Environment, Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments/local.yaml");
    Ok(stackgen::env::load(&path)?)
}

struct Rendered {
    name: String,
    body: String,
    termination_protection: bool,
    code_keys: Vec<(String, &'static str)>,
    global_names: stackgen::deploy::leftovers::GlobalNames,
}

fn render(env: &Environment) -> Result<Rendered, Box<dyn std::error::Error>> {
    let prepared = stackgen::synth::prepare(env)?;
    assert!(
        prepared.report.passed(),
        "guardrails refused the local stack"
    );
    let stack = prepared.stack;
    Ok(Rendered {
        body: stack.template.render(Format::Json)?,
        name: stack.name.clone(),
        termination_protection: stack.termination_protection,
        global_names: stackgen::deploy::leftovers::GlobalNames::of(&stack.template),
        code_keys: stack
            .functions
            .iter()
            .map(|f| (f.code_key_parameter.clone(), f.spec.id))
            .collect(),
    })
}

fn request(
    env: &Environment,
    rendered: &Rendered,
    bucket: &str,
    manifest: &AssetManifest,
) -> Result<StackRequest, Box<dyn std::error::Error>> {
    let mut parameters = BTreeMap::from([(
        stackgen::stack::ASSETS_BUCKET_PARAMETER.to_string(),
        bucket.to_string(),
    )]);
    for (param, id) in &rendered.code_keys {
        let asset = manifest
            .functions
            .get(*id)
            .ok_or("function missing from manifest")?;
        parameters.insert(param.clone(), deploy::asset_key(&asset.sha256));
    }
    Ok(StackRequest {
        stack_name: rendered.name.clone(),
        template_body: rendered.body.clone(),
        parameters,
        tags: map(&[
            ("Project", &env.tags.project),
            ("Env", &env.tags.env),
            ("Owner", &env.tags.owner),
            ("CostCenter", &env.tags.cost_center),
        ]),
        termination_protection: rendered.termination_protection,
        assets_bucket: Some(bucket.to_string()),
        role_arn: None,
        secrets: Default::default(),
    })
}

fn zips(dir: &Path) -> Result<AssetManifest, Box<dyn std::error::Error>> {
    let mut manifest = AssetManifest::default();
    for f in retail_spec::FUNCTIONS {
        let zip: PathBuf = dir.join(format!("{}.zip", f.id));
        std::fs::write(&zip, support::placeholder_zip())?;
        let (sha256, size) = deploy::package::hash_file(&zip)?;
        manifest.functions.insert(
            f.id.to_string(),
            FunctionAsset {
                zip,
                sha256,
                size,
                changed: true,
            },
        );
    }
    Ok(manifest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_environment_deploys_noops_updates_and_destroys_on_moto() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let wait = quick_wait();
    let policy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };

    let env = local_env()?;
    let rendered = render(&env)?;
    let boot =
        deploy::ensure_bootstrap(&ctx, &map(&[("ManagedBy", "stackgen")]), wait, &progress).await?;
    let dir = std::env::temp_dir().join(format!("stackgen-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let manifest = zips(&dir)?;
    deploy::upload_assets(&ctx, &boot.bucket, &manifest, &progress).await?;
    let req = request(&env, &rendered, &boot.bucket, &manifest)?;
    println!("local template: {} bytes", req.template_body.len());

    // Create.
    let Plan::Changes(pending) = deploy::plan(&ctx, &req, policy, wait, &progress).await? else {
        return Err("expected a CREATE change set".into());
    };
    assert!(pending.creates_stack);
    let first = &pending.summary.changes[0];
    assert!(first.stateful, "stateful resources first, got {first:?}");
    let created = deploy::execute(&ctx, &req, &pending, wait, &progress).await?;
    let outputs = &created.stack.outputs;
    for key in [
        "SiteBucketName",
        "ReportsBucketName",
        "ProductsTableName",
        "OrderEventsQueueUrl",
    ] {
        assert!(
            outputs.contains_key(key),
            "output {key} missing: {outputs:?}"
        );
    }
    println!("outputs after create: {outputs:?}");

    // No-op: counted.
    let before = ctx.api_calls();
    let noop = deploy::plan(&ctx, &req, policy, wait, &progress).await?;
    let calls = ctx.counter().since(before);
    assert!(matches!(noop, Plan::UpToDate(_)), "{noop:?}");
    assert!(calls <= 3, "no-op deploy of local made {calls} API calls");
    println!("no-op deploy of local: {calls} API calls");

    // A changed environment value: longer log retention.
    let mut changed_env = env.clone();
    changed_env.log_retention_days = 3;
    let changed = render(&changed_env)?;
    let changed_req = request(&changed_env, &changed, &boot.bucket, &manifest)?;
    let Plan::Changes(update) = deploy::plan(&ctx, &changed_req, policy, wait, &progress).await?
    else {
        return Err("a changed retention must produce a change set".into());
    };
    assert!(!update.creates_stack);
    assert!(!update.summary.is_empty());
    deploy::execute(&ctx, &changed_req, &update, wait, &progress).await?;
    let status = deploy::status(
        &ctx,
        &changed.name,
        &changed.body,
        retail_spec::FUNCTIONS,
        Some(&manifest),
    )
    .await?;
    assert_eq!(status.template_changed, Some(false));
    assert!(
        status.assets.iter().all(|a| a.in_sync()),
        "{:?}",
        status.assets
    );
    let stale = deploy::status(
        &ctx,
        &rendered.name,
        &rendered.body,
        retail_spec::FUNCTIONS,
        Some(&manifest),
    )
    .await?;
    assert_eq!(stale.template_changed, Some(true));

    // Data in both buckets, then the kill switch.
    let site = outputs
        .get("SiteBucketName")
        .cloned()
        .ok_or("no site bucket")?;
    let reports = outputs
        .get("ReportsBucketName")
        .cloned()
        .ok_or("no reports bucket")?;
    for bucket in [&site, &reports] {
        ctx.s3
            .put_object()
            .bucket(bucket)
            .key("index.html")
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                b"<h1>grocer</h1>",
            ))
            .send()
            .await?;
    }
    let destroy = DestroyRequest {
        stack_name: rendered.name.clone(),
        project: env.tags.project.clone(),
        env: env.tags.env.clone(),
        override_termination_protection: false,
        purge_leftovers: true,
        global_names: rendered.global_names.clone(),
        companions: Vec::new(),
    };
    let report = deploy::destroy(&ctx, &destroy, wait, &progress).await?;
    assert!(report.stack_existed);
    assert!(report.is_clean(), "still tagged: {:?}", report.remaining);
    // moto 5.2 forgets the log groups a change set updated; destroy finds them by tag.
    println!("leftovers deleted by tag: {:?}", report.leftovers_deleted);
    assert!(
        deploy::describe_stack(&ctx, &rendered.name)
            .await?
            .is_none()
    );
    let buckets = ctx.s3.list_buckets().send().await?;
    for bucket in [&site, &reports] {
        assert!(
            !buckets
                .buckets()
                .iter()
                .any(|b| b.name() == Some(bucket.as_str())),
            "{bucket} left"
        );
    }
    assert!(
        deploy::tagged::tagged_resources(&ctx, &env.tags.project, &env.tags.env)
            .await?
            .is_empty()
    );

    let again = deploy::destroy(&ctx, &destroy, wait, &progress).await?;
    assert!(!again.stack_existed && again.is_clean());
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
