//! A template's generated secret (`Draft::secret`, the CDN's origin secret in the retail
//! stack: two NoEcho slots and the `Active` parameter naming the one in use) on moto: the first
//! deploy fills both slots with fresh values, every later deploy keeps them and the slot in use
//! without knowing the values (`UsePreviousValue`) and is still a no-op, `--rotate-secrets`
//! fills the slot not in use and switches to it (the other kept, so what was sent until now is
//! still accepted), a second rotation retires the first value, and a stack created again gets
//! new ones.
//!
//! CloudFormation answers `****` for a NoEcho parameter's value ("Parameters", `NoEcho`:
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>);
//! moto answers the value itself (its `parameter_list` compares values with the NoEcho keys),
//! which is what lets this test see that the values were kept. deploy never relies on reading
//! them; it reads only `Active`, which is not NoEcho.

mod support;

use stackgen::deploy::{self, GeneratedSecrets, Plan, RecoveryPolicy, Rotation, StackRequest};
use stackgen::model::sqs::Queue;
use stackgen::model::{Format, Parameter, SecretNames, Tags, Template};
use support::{Moto, Recorded, TestResult, map, quick_wait};

const SECRET: &str = "Token";
const SLOT_A: &str = "Token";
const SLOT_B: &str = "TokenB";
const ACTIVE: &str = "TokenActive";
/// What deploy's no-op check reads the assets bucket from.
const BUCKET: &str = "AssetsBucket";

fn template() -> Result<(String, Vec<SecretNames>), Box<dyn std::error::Error>> {
    let mut tags = Tags::new();
    tags.set("Project", "secrets");
    let (t, ()) = Template::build("generated secret test", tags, &(), |t, _| {
        t.parameter(
            BUCKET,
            Parameter::string("where deploy would keep the zips"),
        );
        let token = t.secret(SECRET, "a generated token.");
        // Something named after the value in use, and what a sender would send (an output: moto
        // does not replace a queue whose name changes, so the queue cannot show it).
        let queue = Queue::new().queue_name(stackgen::sub!("secrets-", token.current()));
        t.add("Queue", queue);
        t.output(
            "InUse",
            stackgen::model::Output::new(
                "the value in use (a test's stand-in for a sender)",
                token.current(),
            ),
        );
    });
    Ok((t.render(Format::Json)?, t.secrets().to_vec()))
}

fn request(
    (body, secrets): &(String, Vec<SecretNames>),
    rotation: Rotation,
) -> Result<StackRequest, Box<dyn std::error::Error>> {
    Ok(StackRequest {
        stack_name: "secrets-test".into(),
        template_body: body.to_owned(),
        parameters: map(&[(BUCKET, "assets")]),
        tags: map(&[("Project", "secrets")]),
        termination_protection: false,
        assets_bucket: None,
        role_arn: None,
        secrets: GeneratedSecrets::generate(secrets, rotation)?,
    })
}

fn is_generated(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// (slot A, slot B, slot in use) of a deployed stack.
fn slots(stack: &deploy::StackSnapshot) -> (String, String, String) {
    let get = |k: &str| stack.parameters.get(k).cloned().unwrap_or_default();
    (get(SLOT_A), get(SLOT_B), get(ACTIVE))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_is_generated_once_kept_by_every_deploy_and_rotated_slot_by_slot() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let wait = quick_wait();
    let policy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };
    let rendered = template()?;
    let deploy = |rotation: Rotation| {
        let (ctx, progress, rendered) = (&ctx, &progress, &rendered);
        async move {
            let request = request(rendered, rotation)?;
            match deploy::plan(ctx, &request, policy, wait, progress).await? {
                Plan::Changes(pending) => Ok::<_, Box<dyn std::error::Error>>((
                    deploy::execute(ctx, &request, &pending, wait, progress)
                        .await?
                        .stack,
                    true,
                )),
                Plan::UpToDate(stack) => {
                    assert!(
                        deploy::unchanged(ctx, &request, &stack, BUCKET).await?,
                        "the no-op check must not see a change in a kept secret"
                    );
                    Ok((stack, false))
                }
            }
        }
    };

    let in_use = |stack: &deploy::StackSnapshot| -> String {
        stack.outputs.get("InUse").cloned().unwrap_or_default()
    };
    let (created, changed) = deploy(Rotation::Keep).await?;
    let (a0, b0, active) = slots(&created);
    assert!(changed && is_generated(&a0) && is_generated(&b0) && a0 != b0);
    assert_eq!(active, "A");
    assert_eq!(in_use(&created), a0, "the sender uses A");

    // Another deploy, with other fresh values in hand: nothing to change, everything stays.
    let (kept, changed) = deploy(Rotation::Keep).await?;
    assert!(!changed);
    assert_eq!(slots(&kept), (a0.clone(), b0.clone(), "A".into()));

    // A rotation, step 1: B gets a new value, A stays in use (the sender is not touched).
    let (staged, changed) = deploy(Rotation::Stage).await?;
    let (a, b1, active) = slots(&staged);
    assert!(changed && is_generated(&b1) && b1 != b0);
    assert_eq!((a.as_str(), active.as_str()), (a0.as_str(), "A"));
    assert_eq!(in_use(&staged), a0, "the sender still sends A");
    // Step 2: B is in use; A (what was sent until now) is kept.
    let (switched, changed) = deploy(Rotation::Switch).await?;
    assert!(changed);
    assert_eq!(slots(&switched), (a0.clone(), b1.clone(), "B".into()));
    assert_eq!(in_use(&switched), b1, "the sender sends B");
    // A plain deploy after it keeps B in use (not the parameter's default, A).
    let (kept, changed) = deploy(Rotation::Keep).await?;
    assert!(!changed);
    assert_eq!(slots(&kept), (a0.clone(), b1.clone(), "B".into()));

    // Rotating again retires the first value.
    deploy(Rotation::Stage).await?;
    let (again, _) = deploy(Rotation::Switch).await?;
    let (a1, b, active) = slots(&again);
    assert!(is_generated(&a1) && a1 != a0);
    assert_eq!((b.as_str(), active.as_str()), (b1.as_str(), "A"));

    // Created again (deleted, as destroy or the kill switch deletes it): there is nothing to
    // keep, so fresh values are sent.
    ctx.cloudformation
        .delete_stack()
        .stack_name(&again.id)
        .send()
        .await?;
    let (recreated, _) = deploy(Rotation::Keep).await?;
    let (a2, b2, active) = slots(&recreated);
    assert!(is_generated(&a2) && is_generated(&b2) && active == "A");
    assert!(![&a0, &b0, &b1, &a1].contains(&&a2));
    Ok(())
}

/// The template as it was when the secret had one value: a NoEcho parameter under the
/// secret's bare name, sent in full by the deploy that made the stack.
fn single_valued_template() -> Result<String, Box<dyn std::error::Error>> {
    let mut tags = Tags::new();
    tags.set("Project", "secrets");
    let (t, ()) = Template::build("generated secret test", tags, &(), |t, _| {
        t.parameter(
            BUCKET,
            Parameter::string("where deploy would keep the zips"),
        );
        let token = t.parameter(
            SECRET,
            Parameter {
                no_echo: true,
                ..Parameter::string("a generated token.")
            },
        );
        t.add(
            "Queue",
            Queue::new().queue_name(stackgen::sub!("secrets-", token.value())),
        );
        t.output(
            "InUse",
            stackgen::model::Output::new("the value in use", token.value()),
        );
    });
    Ok(t.render(Format::Json)?)
}

/// A stack deployed when the secret had one value keeps that value, in use, through the deploy
/// that brings the two slots (only slot B is new), so the CDN and the functions never disagree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_with_the_single_valued_secret_keeps_its_value_through_the_upgrade() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let cfn = &ctx.cloudformation;
    let old = "0f".repeat(32);
    cfn.create_stack()
        .stack_name("secrets-test")
        .template_body(single_valued_template()?)
        .parameters(
            aws_sdk_cloudformation::types::Parameter::builder()
                .parameter_key(BUCKET)
                .parameter_value("assets")
                .build(),
        )
        .parameters(
            aws_sdk_cloudformation::types::Parameter::builder()
                .parameter_key(SECRET)
                .parameter_value(&old)
                .build(),
        )
        .send()
        .await?;
    let progress = Recorded::default();
    let policy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };
    let request = request(&template()?, Rotation::Keep)?;
    let Plan::Changes(pending) =
        deploy::plan(&ctx, &request, policy, quick_wait(), &progress).await?
    else {
        return Err("the upgrade must produce a change set".into());
    };
    let upgraded = deploy::execute(&ctx, &request, &pending, quick_wait(), &progress)
        .await?
        .stack;
    let (a, b, active) = slots(&upgraded);
    assert_eq!(a, old, "the value in use was kept");
    assert!(is_generated(&b) && b != old, "{b}");
    assert_eq!(active, "A");
    assert_eq!(
        upgraded.outputs.get("InUse").map(String::as_str),
        Some(old.as_str()),
        "the sender still sends the old value"
    );
    Ok(())
}

#[test]
fn fresh_values_differ_and_never_show_in_a_debug_print() -> TestResult {
    let (_, secrets) = template()?;
    let a = GeneratedSecrets::generate(&secrets, Rotation::Keep)?;
    let b = GeneratedSecrets::generate(&secrets, Rotation::Keep)?;
    assert_ne!(a, b, "two draws of 256 bits were equal");
    let shown = format!("{a:?}");
    let longest_hex_run = shown
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(shown.contains(SLOT_A) && longest_hex_run < 16, "{shown}");
    Ok(())
}
