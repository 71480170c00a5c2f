//! An environment of two stacks in two regions, through the built binary against the emulator:
//! a storefront on its own domain behind web ACLs (issue #13). The global stack (certificate
//! and the CDN's web ACL) goes to us-east-1 first, its outputs become the main stack's
//! parameters in eu-west-1, a second deploy changes nothing, and destroy deletes both and finds
//! nothing left. A name outside its hosted zone is one clear message.
//!
//! The emulator adds what moto lacks for this (scripts/emulator.py): CloudFront, ACM and WAFv2
//! resources in CloudFormation. The hosted zone is made the way a customer's exists, before
//! stackgen runs, here with a one-resource stack.

mod support;

use aws_sdk_cloudformation::types::Capability;
use stackgen::deploy::StackCondition;
use stackgen::deploy::state::classify;
use support::cli::Cli;
use support::{Moto, TestResult};

const ZONE_TEMPLATE: &str = r#"{"Resources":{"Zone":{"Type":"AWS::Route53::HostedZone",
  "Properties":{"Name":"example.test"}}}}"#;

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The hosted zone `example.test`, as a customer's account has it; returns its id.
async fn hosted_zone(moto: &Moto) -> Result<String, Box<dyn std::error::Error>> {
    let ctx = moto.context().await;
    ctx.cloudformation
        .create_stack()
        .stack_name("customer-zone")
        .template_body(ZONE_TEMPLATE)
        .capabilities(Capability::CapabilityIam)
        .send()
        .await?;
    let resources = ctx
        .cloudformation
        .describe_stack_resources()
        .stack_name("customer-zone")
        .send()
        .await?;
    let id = resources
        .stack_resources()
        .first()
        .and_then(|r| r.physical_resource_id())
        .ok_or("the zone stack has no zone")?;
    Ok(id.trim_start_matches("/hostedzone/").to_owned())
}

/// `environments/edge.yaml`: the local environment renamed, in eu-west-1, with a CDN, a domain
/// in `zone_id`, web ACLs, and a kill switch that throttles.
fn edge_environment(cli: &Cli, name: &str, zone_id: &str) -> TestResult {
    let local = std::fs::read_to_string(cli.dir.join("environments/local.yaml"))?;
    let edge = local
        .replace("name: local", "name: edge")
        .replace("Env: local", "Env: edge")
        .replace("region: us-east-1", "region: eu-west-1")
        .replace("  cdn: false", "  cdn: true\n  waf: true")
        .replace("  demo_data: true", "  demo_data: false")
        // A destroying kill switch cannot delete the us-east-1 web ACL, so the file is refused.
        .replace("action: destroy", "action: throttle")
        + &format!("\ndomain:\n  name: {name}\n  zone: example.test\n  zone_id: {zone_id}\n");
    std::fs::write(cli.dir.join("environments/edge.yaml"), edge)?;
    Ok(())
}

/// Each web ACL logs its decisions: the stack's logging configuration exists for the ACL (the
/// emulator, as WAF, refuses a destination not named `aws-waf-logs-…` or missing), to a log
/// group kept as long as the environment's logs.
async fn waf_logging(ctx: &stackgen::aws::AwsContext, stack: &str, acl: &str) -> TestResult {
    let listed = ctx
        .cloudformation
        .list_stack_resources()
        .stack_name(stack)
        .send()
        .await?;
    let physical = |id: String| -> String {
        listed
            .stack_resource_summaries()
            .iter()
            .find(|r| r.logical_resource_id() == Some(id.as_str()))
            .and_then(|r| r.physical_resource_id())
            .unwrap_or_default()
            .to_owned()
    };
    // A web ACL's physical id is `name|id|scope`; its logging configuration's is the ACL's ARN.
    let (acl_id, logging) = (physical(acl.to_owned()), physical(format!("{acl}Logging")));
    let mut parts = acl_id.split('|');
    let (name, id) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("?"));
    assert!(
        logging.ends_with(&format!("/webacl/{name}/{id}")),
        "{stack}: {acl}Logging is {logging:?} for {acl_id}"
    );
    let group = physical(format!("{acl}LogGroup"));
    assert!(group.starts_with("aws-waf-logs-grocer-edge-"), "{group}");
    let found = ctx
        .logs
        .describe_log_groups()
        .log_group_name_prefix(&group)
        .send()
        .await?;
    let retention = found
        .log_groups()
        .first()
        .and_then(|g| g.retention_in_days());
    assert_eq!(
        retention,
        Some(1),
        "{group}: local.yaml's log_retention_days"
    );
    Ok(())
}

/// `deploy --rotate-secrets`: two updates of the main stack, after which the CDN's origin secret
/// has a new value in the other slot, in use, and the HTTP functions accept it and the old one.
async fn rotation(cli: &Cli, west: &stackgen::aws::AwsContext) -> TestResult {
    // Slot A keeps the secret's bare name; B and Active are suffixed.
    let params = |stack: &stackgen::deploy::StackSnapshot, slot: &str| {
        let base = stackgen::stack::ORIGIN_SECRET_PARAMETER;
        let name = match slot {
            "A" => base.to_owned(),
            other => format!("{base}{other}"),
        };
        stack.parameters.get(&name).cloned().unwrap_or_default()
    };
    let before = stackgen::deploy::describe_stack(west, "grocer-edge")
        .await?
        .ok_or("no main stack")?;
    assert_eq!(params(&before, "Active"), "A");
    let out = deploy_with(cli, &["--rotate-secrets"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for step in [
        "rotating its secrets, 1 of 2",
        "rotating its secrets, 2 of 2",
    ] {
        assert!(text(&out).contains(step), "{step}: {}", text(&out));
    }
    let after = stackgen::deploy::describe_stack(west, "grocer-edge")
        .await?
        .ok_or("no main stack")?;
    assert_eq!(params(&after, "Active"), "B");
    assert_eq!(
        params(&after, "A"),
        params(&before, "A"),
        "the old value is kept"
    );
    assert_ne!(params(&after, "B"), params(&before, "B"), "a new value");
    let lambda = aws_sdk_lambda::Client::new(west.config());
    let catalog = lambda
        .get_function_configuration()
        .function_name("grocer-edge-catalog")
        .send()
        .await?;
    let vars = catalog
        .environment()
        .and_then(|e| e.variables())
        .ok_or("no variables")?;
    let var = |name: &str| vars.get(name).cloned().unwrap_or_default();
    assert_eq!(var(retail_spec::ORIGIN_VERIFY_VAR), params(&after, "B"));
    assert_eq!(
        var(retail_spec::ORIGIN_VERIFY_PREVIOUS_VAR),
        params(&after, "A")
    );
    Ok(())
}

fn deploy(cli: &Cli) -> std::io::Result<std::process::Output> {
    deploy_with(cli, &[])
}

/// `deploy --stack NAME`.
fn deploy_only(cli: &Cli, stack: &str) -> std::io::Result<std::process::Output> {
    deploy_with(cli, &["--stack", stack])
}

fn deploy_with(cli: &Cli, extra: &[&str]) -> std::io::Result<std::process::Output> {
    let lambda = cli.dir.join("lambda").to_string_lossy().to_string();
    let out = cli.dir.join("out").to_string_lossy().to_string();
    let mut args = vec![
        "deploy",
        "--env",
        "edge",
        "--skip-package",
        "--lambda-dir",
        &lambda,
        "--out",
        &out,
        "--skip-smoke",
        "--format",
        "json",
        "--yes",
    ];
    args.extend_from_slice(extra);
    cli.run(&args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storefront_on_its_own_domain_deploys_and_destroys_across_two_regions() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "domain")?;
    let zone = hosted_zone(&moto).await?;

    // A name outside the zone: one message naming the field, nothing deployed.
    edge_environment(&cli, "shop.example.org", &zone)?;
    let out = deploy(&cli)?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("domain.name")
            && text(&out).contains("is not inside the hosted zone `example.test`")
            && !text(&out).contains("and 1 more"),
        "{}",
        text(&out)
    );

    edge_environment(&cli, "shop.example.test", &zone)?;
    // Rotating the secrets of a stack being created is creating it: one change set.
    let out = deploy_with(&cli, &["--rotate-secrets"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("stack `grocer-edge` is not created yet: its secrets are drawn fresh")
            && !text(&out).contains("rotating its secrets"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("stack `grocer-edge-global` in us-east-1"),
        "{}",
        text(&out)
    );
    let deployed: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(deployed["outputs"]["UiUrl"], "https://shop.example.test");

    // The global stack's outputs are the main stack's parameters.
    let east = moto.context().await;
    let west = east.in_region("eu-west-1");
    let global = stackgen::deploy::describe_stack(&east, "grocer-edge-global")
        .await?
        .ok_or("no global stack in us-east-1")?;
    let main = stackgen::deploy::describe_stack(&west, "grocer-edge")
        .await?
        .ok_or("no main stack in eu-west-1")?;
    for key in ["CertificateArn", "CdnWebAclArn"] {
        let output = global.outputs.get(key).ok_or(key)?;
        assert_eq!(main.parameters.get(key), Some(output), "{key}");
    }
    assert!(global.outputs["CertificateArn"].starts_with("arn:aws:acm:us-east-1:"));
    assert!(global.outputs["CdnWebAclArn"].contains(":global/webacl/"));
    assert!(
        stackgen::deploy::describe_stack(&west, "grocer-edge-global")
            .await?
            .is_none(),
        "the global stack belongs in us-east-1 only"
    );

    // The distribution CloudFront holds has the alias, the certificate and the web ACL.
    let dist_id = main
        .outputs
        .get("DistributionId")
        .ok_or("no DistributionId")?;
    let config = east
        .cloudfront
        .get_distribution_config()
        .id(dist_id)
        .send()
        .await?;
    let config = config.distribution_config().ok_or("no config")?;
    assert_eq!(
        config.aliases().map(|a| a.items().to_vec()),
        Some(vec!["shop.example.test".to_owned()])
    );
    assert_eq!(
        config.web_acl_id(),
        Some(global.outputs["CdnWebAclArn"].as_str())
    );
    let cert = config.viewer_certificate().ok_or("no viewer certificate")?;
    assert_eq!(
        cert.acm_certificate_arn(),
        Some(global.outputs["CertificateArn"].as_str())
    );

    // Nothing changed: both stacks are up to date.
    let again = deploy(&cli)?;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        text(&again).contains("stack `grocer-edge-global` is up to date"),
        "{}",
        text(&again)
    );

    rotation(&cli, &west).await?;
    waf_logging(&east, "grocer-edge-global", "CdnWebAcl").await?;
    waf_logging(&west, "grocer-edge", "SignInWebAcl").await?;

    // `stackgen bootstrap` prepares both regions (deploy made both bootstraps already).
    let boot = cli.json(&["bootstrap", "--env", "edge", "--format", "json"])?;
    assert_eq!(boot["region"], "eu-west-1", "{boot}");
    assert_eq!(boot["globalRegion"]["region"], "us-east-1", "{boot}");
    assert_eq!(boot["globalRegion"]["created"], false, "{boot}");
    // Its CI deploy role may pass the us-east-1 bootstrap's role, for the global stack.
    let boot = cli.json(&[
        "bootstrap",
        "--env",
        "edge",
        "--github",
        "grocer-co/store",
        "--format",
        "json",
    ])?;
    assert_eq!(boot["ciRoles"]["outcome"], "created", "{boot}");
    let ci = stackgen::deploy::describe_stack(&west, "stackgen-github-grocer-edge")
        .await?
        .ok_or("no CI stack")?;
    let east_boot = stackgen::deploy::describe_stack(&east, "stackgen-bootstrap")
        .await?
        .ok_or("no bootstrap in us-east-1")?;
    assert_eq!(
        ci.parameters.get("GlobalCloudFormationRoleArn"),
        east_boot.outputs.get("DeployRoleArn"),
        "{:?}",
        ci.parameters
    );

    // status reads both stacks, each in its region.
    let status = cli.json(&["status", "--env", "edge", "--format", "json"])?;
    let global_status = &status["companions"][0];
    assert_eq!(global_status["stack"], "grocer-edge-global", "{status}");
    assert_eq!(global_status["region"], "us-east-1");
    assert_eq!(global_status["exists"], true);
    assert_eq!(global_status["templateChanged"], false, "{status}");
    assert_eq!(status["stack"], "grocer-edge");
    let only = cli.json(&[
        "status",
        "--env",
        "edge",
        "--stack",
        "grocer-edge-global",
        "--format",
        "json",
    ])?;
    assert_eq!(
        only["companions"][0]["stack"], "grocer-edge-global",
        "{only}"
    );
    assert!(only.get("stack").is_none(), "{only}");
    let main = cli.json(&[
        "status",
        "--env",
        "edge",
        "--stack",
        "grocer-edge",
        "--format",
        "json",
    ])?;
    assert_eq!(main["companions"], serde_json::json!([]), "{main}");

    // diff covers both stacks: nothing changed, exit 0.
    let out = cli.run(&["diff", "--env", "edge"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("── stack grocer-edge-global (us-east-1) ──"));

    // A tighter order limit changes the CDN's web ACL, in the global stack only: exit 2, and
    // the section that changes names the stack.
    let file = cli.dir.join("environments/edge.yaml");
    let yaml = std::fs::read_to_string(&file)?;
    std::fs::write(
        &file,
        format!("{yaml}waf:\n  rate_limits:\n    orders: 50\n"),
    )?;
    let out = cli.run(&["diff", "--env", "edge", "--format", "json"])?;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["stacks"][0]["stack"], "grocer-edge-global");
    assert_eq!(doc["stacks"][0]["region"], "us-east-1");
    assert_eq!(doc["stacks"][0]["diff"]["counts"]["update"], 1, "{doc}");
    assert_eq!(doc["stacks"][1]["stack"], "grocer-edge");
    assert_eq!(doc["stacks"][1]["diff"]["counts"]["update"], 0, "{doc}");
    let main_only = cli.run(&["diff", "--env", "edge", "--stack", "grocer-edge"])?;
    assert_eq!(main_only.status.code(), Some(0), "{}", text(&main_only));
    let unknown = cli.run(&["diff", "--env", "edge", "--stack", "grocer-edge-globl"])?;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown).contains("its stacks are grocer-edge-global, grocer-edge"),
        "{}",
        text(&unknown)
    );
    // Deploy only the stack that changed; then the main stack alone, which takes the global
    // stack's outputs as deployed and has nothing to do.
    let out = deploy_only(&cli, "grocer-edge-global")?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shipped: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(shipped["stack"], "grocer-edge-global");
    assert_eq!(shipped["changed"], true, "{shipped}");
    let out = deploy_only(&cli, "grocer-edge")?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("stack `grocer-edge` is up to date"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("stack `grocer-edge-global` in us-east-1"));
    let out = deploy_only(&cli, "grocer-edge-globl")?;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("its stacks are grocer-edge-global, grocer-edge"));
    let out = cli.run(&["diff", "--env", "edge"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Destroy deletes the main stack, then the global one, and finds nothing left.
    let out = cli.run(&["destroy", "--env", "edge", "--yes", "--format", "json"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["remaining"], serde_json::json!([]), "{report}");
    for (ctx, name) in [(&west, "grocer-edge"), (&east, "grocer-edge-global")] {
        let left = stackgen::deploy::describe_stack(ctx, name).await?;
        assert!(
            left.is_none_or(|s| classify(&s.status) == StackCondition::Missing),
            "{name} is still there"
        );
    }
    Ok(())
}

/// A domain and web ACL taken out of the environment file take their us-east-1 stack with them:
/// otherwise its web ACL would keep billing with nothing in the environment that names it.
/// Deploy deletes it once the main stack no longer uses it; destroy deletes it too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_stack_the_environment_no_longer_has_is_deleted() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "domain-retired")?;
    let zone = hosted_zone(&moto).await?;
    let east = moto.context().await;
    let west = east.in_region("eu-west-1");
    let gone = |name: &'static str, ctx: stackgen::aws::AwsContext| async move {
        let left = stackgen::deploy::describe_stack(&ctx, name).await?;
        Ok::<bool, Box<dyn std::error::Error>>(
            left.is_none_or(|s| classify(&s.status) == StackCondition::Missing),
        )
    };
    let file = cli.dir.join("environments/edge.yaml");
    for last in ["deploy", "destroy"] {
        edge_environment(&cli, "shop.example.test", &zone)?;
        let out = deploy(&cli)?;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(!gone("grocer-edge-global", east.clone()).await?);

        // The same environment without its domain and web ACL.
        let yaml = std::fs::read_to_string(&file)?;
        let plain = yaml
            .replace("  waf: true", "  waf: false")
            .split("\ndomain:")
            .next()
            .unwrap_or_default()
            .to_owned();
        std::fs::write(&file, plain + "\n")?;
        if last == "deploy" {
            // diff shows the stack the next deploy deletes, every resource removed.
            let out = cli.run(&["diff", "--env", "edge", "--format", "json"])?;
            assert_eq!(out.status.code(), Some(2), "{}", text(&out));
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            assert_eq!(doc["stacks"][0]["stack"], "grocer-edge-global", "{doc}");
            // The certificate, the web ACL, its logging, its log group (whose logs go too) and
            // the log group's two saved queries.
            assert_eq!(doc["stacks"][0]["diff"]["counts"]["remove"], 6, "{doc}");
            assert_eq!(
                doc["stacks"][0]["diff"]["destructive"],
                serde_json::json!(["CdnWebAclLogGroup"]),
                "{doc}"
            );
            let out = deploy(&cli)?;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            assert_eq!(
                doc["retiredStacks"],
                serde_json::json!(["grocer-edge-global"]),
                "{doc}"
            );
            assert!(
                text(&out).contains("stack `grocer-edge-global` in us-east-1 is no longer part"),
                "{}",
                text(&out)
            );
            assert!(gone("grocer-edge-global", east.clone()).await?);
            assert!(!gone("grocer-edge", west.clone()).await?);
            // The next deploy has nothing to retire.
            let out = deploy(&cli)?;
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            assert_eq!(doc["retiredStacks"], serde_json::json!([]), "{doc}");
        }
        let out = cli.run(&["destroy", "--env", "edge", "--yes", "--format", "json"])?;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(gone("grocer-edge-global", east.clone()).await?, "{last}");
        assert!(gone("grocer-edge", west.clone()).await?, "{last}");
    }
    Ok(())
}
