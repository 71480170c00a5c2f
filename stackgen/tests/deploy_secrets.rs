//! A template's generated secret (`Template::secret`, the CDN's origin secret in the retail
//! stack) on moto: the first deploy fills it with a fresh value, every later deploy keeps that
//! value without knowing it (`UsePreviousValue`) and is still a no-op, `--rotate-secrets`
//! replaces it, and a stack created again gets a new one.
//!
//! CloudFormation answers `****` for a NoEcho parameter's value ("Parameters", `NoEcho`:
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>);
//! moto answers the value itself (its `parameter_list` compares values with the NoEcho keys),
//! which is what lets this test see that the value was kept. deploy never relies on reading it.

mod support;

use stackgen::deploy::{self, GeneratedSecrets, Plan, RecoveryPolicy, StackRequest};
use stackgen::model::sqs::Queue;
use stackgen::model::{Format, Parameter, Tags, Template};
use support::{Moto, Recorded, TestResult, map, quick_wait};

const SECRET: &str = "Token";
/// What deploy's no-op check reads the assets bucket from.
const BUCKET: &str = "AssetsBucket";

fn template() -> Result<String, Box<dyn std::error::Error>> {
    let mut tags = Tags::new();
    tags.set("Project", "secrets");
    let mut t = Template::new("generated secret test", tags);
    t.parameter(
        BUCKET,
        Parameter::string("where deploy would keep the zips"),
    );
    let token = t.secret(SECRET, "a generated token");
    let queue = Queue::new().queue_name(stackgen::sub!("secrets-", token.value()));
    t.add("Queue", queue);
    Ok(t.render(Format::Json)?)
}

fn request(body: &str, rotate: bool) -> Result<StackRequest, Box<dyn std::error::Error>> {
    Ok(StackRequest {
        stack_name: "secrets-test".into(),
        template_body: body.to_owned(),
        parameters: map(&[(BUCKET, "assets")]),
        tags: map(&[("Project", "secrets")]),
        termination_protection: false,
        assets_bucket: None,
        role_arn: None,
        secrets: GeneratedSecrets::generate([SECRET], rotate)?,
    })
}

fn is_generated(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_is_generated_once_kept_by_every_deploy_and_rotated_on_request() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let wait = quick_wait();
    let policy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };
    let body = template()?;

    let first = request(&body, false)?;
    let Plan::Changes(pending) = deploy::plan(&ctx, &first, policy, wait, &progress).await? else {
        return Err("a new stack must produce a change set".into());
    };
    let created = deploy::execute(&ctx, &first, &pending, wait, &progress).await?;
    let value = created
        .stack
        .parameters
        .get(SECRET)
        .cloned()
        .unwrap_or_default();
    assert!(is_generated(&value), "{value:?}");

    // Another deploy, with other fresh values in hand: nothing to change, the value stays.
    let again = request(&body, false)?;
    let noop = deploy::plan(&ctx, &again, policy, wait, &progress).await?;
    let Plan::UpToDate(stack) = noop else {
        return Err(format!("expected no changes, got {noop:?}").into());
    };
    assert_eq!(stack.parameters.get(SECRET), Some(&value));
    assert!(
        deploy::unchanged(&ctx, &again, &stack, BUCKET).await?,
        "the no-op check must not see a change in a kept secret"
    );

    // Rotation: a change set, and a new value.
    let rotate = request(&body, true)?;
    let Plan::Changes(pending) = deploy::plan(&ctx, &rotate, policy, wait, &progress).await? else {
        return Err("rotating must produce a change set".into());
    };
    assert!(!pending.creates_stack);
    let rotated = deploy::execute(&ctx, &rotate, &pending, wait, &progress).await?;
    let new_value = rotated
        .stack
        .parameters
        .get(SECRET)
        .cloned()
        .unwrap_or_default();
    assert!(is_generated(&new_value), "{new_value:?}");
    assert_ne!(new_value, value);
    let rotate_again = request(&body, true)?;
    assert!(!deploy::unchanged(&ctx, &rotate_again, &rotated.stack, BUCKET).await?);

    // Created again (deleted, as destroy or the kill switch deletes it): there is no previous
    // value to keep, so the fresh one is sent.
    ctx.cloudformation
        .delete_stack()
        .stack_name(&rotated.stack.id)
        .send()
        .await?;
    let again = request(&body, false)?;
    let Plan::Changes(pending) = deploy::plan(&ctx, &again, policy, wait, &progress).await? else {
        return Err("a deleted stack must be created again".into());
    };
    assert!(pending.creates_stack);
    let recreated = deploy::execute(&ctx, &again, &pending, wait, &progress).await?;
    let third = recreated
        .stack
        .parameters
        .get(SECRET)
        .cloned()
        .unwrap_or_default();
    assert!(is_generated(&third), "{third:?}");
    assert!(third != value && third != new_value);
    Ok(())
}

#[test]
fn fresh_values_differ_and_never_show_in_a_debug_print() -> TestResult {
    let a = GeneratedSecrets::generate([SECRET], false)?;
    let b = GeneratedSecrets::generate([SECRET], false)?;
    assert_ne!(a, b, "two draws of 256 bits were equal");
    let shown = format!("{a:?}");
    let longest_hex_run = shown
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(shown.contains(SECRET) && longest_hex_run < 16, "{shown}");
    Ok(())
}
