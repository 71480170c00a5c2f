//! `stackgen diff`: what deploying an environment would change, before it is deployed.
//!
//! A thin layer over [`crate::diff`]: the "new" side is the environment's template rendered
//! exactly as `synth` renders it (build, guardrails, JSON); the "old" side is the deployed stack
//! (`GetTemplate` and `DescribeStacks` through [`crate::aws::AwsContext`]) or a saved template
//! file, which needs no AWS at all. Exit codes follow Terraform's `-detailed-exitcode`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use super::exit::Exit;
use super::style::{stderr_color, stdout_color};
use super::target::EnvironmentsDir;
use crate::aws::AwsContext;
use crate::deploy::package::AssetManifest;
use crate::deploy::state::{StackCondition, classify};
use crate::deploy::{asset_key, describe_stack};
use crate::diff::{self, DiffExit, DiffInput, Format};
use crate::env::{self, Environment};
use crate::model::Format as TemplateFormat;
use crate::stack::RetailStack;
use crate::synth;

/// What the rendered template is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// The stack `<project>-<env>` as deployed (GetTemplate + DescribeStacks).
    Deployed,
    /// A saved template file (JSON or YAML).
    File(PathBuf),
}

fn parse_against(value: &str) -> Result<Against, String> {
    match value {
        "" => Err("give `deployed` or the path of a saved template".into()),
        "deployed" => Ok(Against::Deployed),
        path => Ok(Against::File(PathBuf::from(path))),
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  stackgen diff --env dev                                  against the deployed stack grocer-dev
  stackgen diff --env prod --format markdown > diff.md     a pull-request comment
  stackgen diff --env dev --against saved/grocer-dev.template.json    no AWS needed
  stackgen diff --env dev --format json | jq .summary

The new side is the environment's template as `stackgen synth` renders it (guardrails first).
`--against deployed` reads the stack <project>-<env> in the environment's region, with the
default AWS credential chain or --profile; an environment file's `emulator:` (local's) or
AWS_ENDPOINT_URL points it at an emulator. A stack
that does not exist yet diffs as \"everything added\". Deployed parameter values are compared
with the local ones: function code keys from out/<env>/assets.json (`stackgen package`), the
rest as deployed. Destructive changes (replacing or removing a table or bucket, changes that
force replacement) are listed first.

An environment with a domain or web ACLs has a second stack in us-east-1 (<project>-<env>-global):
the diff has one section per stack (json: {\"environment\", \"stacks\": [{\"stack\", \"region\",
\"diff\"}]}) and the exit code covers them all; `--stack NAME` narrows it to one.

Exit codes (Terraform's -detailed-exitcode):
  0  no changes
  1  error (bad environment file, unreadable template, AWS unreachable, guardrail violations)
  2  changes present

Colours follow the terminal; set NO_COLOR=1 to turn them off.")]
pub struct Args {
    /// Environment name (the file environments/<NAME>.yaml).
    #[arg(long = "env", short = 'e', value_name = "NAME")]
    pub env: String,
    /// What to compare with: `deployed` (the stack in AWS) or the path of a saved template
    /// (JSON or YAML).
    #[arg(long, value_name = "deployed|PATH", default_value = "deployed", value_parser = parse_against)]
    pub against: Against,
    /// Output format: text for a terminal, markdown for a pull-request comment, json for
    /// machines.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub environments_dir: EnvironmentsDir,
    /// Output directory of `stackgen package`: <OUT>/<env>/assets.json gives the local
    /// function code keys.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// AWS credentials profile (~/.aws/config) for `--against deployed`.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Only this stack of the environment (`<project>-<env>` or `<project>-<env>-global`); a
    /// saved template given to `--against` is compared with this stack (default: the main one).
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
}

/// An environment's template, rendered as `synth` renders it, after the guardrails passed.
pub struct Rendered {
    pub stack: RetailStack,
    /// The JSON text `synth` writes and `deploy` sends.
    pub text: String,
    /// The same, parsed.
    pub template: Value,
    /// Every stack of the environment as one template to estimate
    /// ([`crate::cost::whole_environment`]).
    pub priced: Value,
    /// The environment's other stacks (the global stack), rendered, in deploy order.
    pub companions: Vec<RenderedCompanion>,
}

/// A companion stack's template as `synth` writes it.
pub struct RenderedCompanion {
    pub name: String,
    pub region: String,
    pub template: Value,
}

/// Loads environment `name` from `dir`, with the same context as every other command.
pub fn load_environment(dir: &Path, name: &str) -> Result<Environment> {
    env::load_named(dir, name).with_context(|| format!("cannot use environment `{name}`"))
}

/// Builds, guards and renders `env` through synth's path. A guardrail violation prints the
/// report on stderr and is an error (exit 1: `diff` and `cost-report --compare` keep 2 for
/// "changes", so they have no room for synth's 3). `purpose` finishes "nothing to …".
pub fn render_environment(env: &Environment, purpose: &str) -> Result<Rendered> {
    let prepared = synth::prepare(env)
        .map_err(paragraph)
        .with_context(|| format!("cannot build the stack of environment `{}`", env.name))?;
    if !prepared.report.passed() {
        err!("{}", prepared.report.render(stderr_color()));
        let count = prepared.report.violations().count();
        bail!(
            "{count} guardrail violation{} in {}: `stackgen deploy` would refuse this stack, so \
             there is nothing to {purpose}. Each violation above names the resource, the rule \
             and the fix",
            if count == 1 { "" } else { "s" },
            env.name
        );
    }
    rendered(prepared.stack)
}

/// A stack that passed its guardrails, rendered as `synth` writes it.
pub fn rendered(stack: RetailStack) -> Result<Rendered> {
    let text = stack
        .template
        .render(TemplateFormat::Json)
        .map_err(paragraph)
        .with_context(|| format!("cannot render the template of `{}`", stack.name))?;
    let template = serde_json::from_str(&text).with_context(|| {
        format!(
            "the rendered template of `{}` is not valid JSON (a stackgen bug; please report it)",
            stack.name
        )
    })?;
    let mut companions = Vec::new();
    for c in &stack.companions {
        let body = c
            .template
            .render(TemplateFormat::Json)
            .map_err(paragraph)
            .with_context(|| format!("cannot render the template of `{}`", c.name))?;
        let parsed = serde_json::from_str(&body)
            .with_context(|| format!("the rendered template of `{}` is not valid JSON", c.name))?;
        companions.push(RenderedCompanion {
            name: c.name.clone(),
            region: c.region.clone(),
            template: parsed,
        });
    }
    let named: Vec<(String, Value)> = companions
        .iter()
        .map(|c| (c.name.clone(), c.template.clone()))
        .collect();
    let priced = crate::cost::whole_environment(&stack.name, &template, &named);
    Ok(Rendered {
        stack,
        text,
        template,
        priced,
        companions,
    })
}

/// A library error as one paragraph. Its message already says the cause (`… : No such file
/// or directory. Check …`), so its source chain, which the error printer would repeat, is
/// dropped.
pub fn paragraph(err: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("{err}")
}

/// A single-threaded runtime for a command's AWS calls.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime for the AWS calls")
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_environment(&args.environments_dir, &args.env)?;
    let rendered = render_environment(&env, "diff")?;
    let names: Vec<&str> = rendered
        .companions
        .iter()
        .map(|c| c.name.as_str())
        .chain([rendered.stack.name.as_str()])
        .collect();
    if let Some(wanted) = &args.stack
        && !names.contains(&wanted.as_str())
    {
        bail!(
            "environment `{}` has no stack `{wanted}`; its stacks are {}",
            env.name,
            names.join(", ")
        );
    }
    let wants = |name: &str| args.stack.as_deref().is_none_or(|w| w == name);
    let mut sections = Vec::new();
    // The main stack is read first, so that an endpoint that is down is reported on it; its
    // section comes last, after the stacks it takes outputs from.
    let main = wants(&rendered.stack.name)
        .then(|| main_diff(args, &env, &rendered))
        .transpose()?;
    // A saved template stands for one stack: the one `--stack` names, else the main stack.
    if matches!(args.against, Against::Deployed) {
        let companions = deployed_companions(&env, &rendered, args.profile.as_deref())?;
        for c in companions.into_iter().filter(|c| wants(&c.name)) {
            sections.push(Section {
                stack: c.name.clone(),
                region: c.region.clone(),
                diff: c.diff()?,
            });
        }
    }
    if let Some(diff) = main {
        sections.push(Section {
            stack: rendered.stack.name.clone(),
            region: env.region.clone(),
            diff,
        });
    }
    out!("{}", render_sections(&env, &sections, args.format));
    let exits: Vec<DiffExit> = sections.iter().map(|s| s.diff.exit()).collect();
    if exits.contains(&DiffExit::Error) {
        Err(anyhow!("the diff of `{}` failed", env.name))
    } else if exits.contains(&DiffExit::Changes) {
        Ok(Exit::Changes)
    } else {
        Ok(Exit::Ok)
    }
}

/// One stack's diff.
struct Section {
    stack: String,
    region: String,
    diff: diff::TemplateDiff,
}

/// The main stack's diff, with the notes about the comparison before the engine's warnings.
fn main_diff(args: &Args, env: &Environment, rendered: &Rendered) -> Result<diff::TemplateDiff> {
    let (old, new, mut notes) = sides(
        env,
        rendered,
        &args.against,
        &args.out,
        args.profile.as_deref(),
    )?;
    let mut result = diff::diff_templates(&old, &new)
        .map_err(paragraph)
        .with_context(|| format!("cannot diff environment `{}`", env.name))?;
    notes.append(&mut result.warnings);
    result.warnings = notes;
    Ok(result)
}

/// One companion stack's two sides (it has no parameters), with notes about the comparison.
pub struct CompanionSides {
    pub name: String,
    pub region: String,
    pub old: DiffInput,
    pub new: DiffInput,
    pub notes: Vec<String>,
}

impl CompanionSides {
    /// The side `env` renders for companion slot `name` (nothing, when it no longer has it:
    /// `deploy` deletes such a stack), with a note saying so.
    fn rendered_side(
        env: &Environment,
        rendered: &Rendered,
        name: &str,
    ) -> (DiffInput, Option<String>) {
        match rendered.companions.iter().find(|c| c.name == name) {
            Some(c) => (
                DiffInput::new(
                    format!("rendered for {} ({name})", env.name),
                    c.template.clone(),
                ),
                None,
            ),
            None => (
                DiffInput::new(
                    format!("nothing: {} no longer has stack {name}", env.name),
                    json!({ "Resources": {} }),
                ),
                Some(format!(
                    "environment `{}` no longer has stack {name} (no domain or web ACL): every \
                     resource shows as removed; `stackgen deploy` deletes the stack once the \
                     main stack no longer uses it",
                    env.name
                )),
            ),
        }
    }

    /// Whether there is anything on either side (a slot the environment never used has none).
    fn in_use(&self) -> bool {
        let any = |t: &Value| t["Resources"].as_object().is_some_and(|r| !r.is_empty());
        any(&self.old.template) || any(&self.new.template)
    }

    /// The diff, with the notes before the engine's warnings.
    pub fn diff(self) -> Result<diff::TemplateDiff> {
        let mut result = diff::diff_templates(&self.old, &self.new)
            .map_err(paragraph)
            .with_context(|| format!("cannot diff stack `{}`", self.name))?;
        let mut notes = self.notes;
        notes.append(&mut result.warnings);
        result.warnings = notes;
        Ok(result)
    }
}

/// Every companion stack `env` has or had, each against what is deployed in its region: one
/// deployed that the environment no longer renders shows as removed.
pub fn deployed_companions(
    env: &Environment,
    rendered: &Rendered,
    profile: Option<&str>,
) -> Result<Vec<CompanionSides>> {
    let mut out = Vec::new();
    // The account guard, once: `--stack` may name only a companion, so the main stack's own
    // connection (guarded) may not have been made.
    if env.account.is_some() {
        runtime()?.block_on(super::target::connect(env, profile))?;
    }
    for (name, region) in crate::stack::companion_slots(env) {
        let has = rendered.companions.iter().any(|c| c.name == name);
        let deployed = match runtime()?.block_on(async {
            let ctx = super::target::connect_region(env, region, profile).await?;
            deployed_side(&ctx, &env.name, &name).await
        }) {
            Ok(deployed) => deployed,
            // A stack the environment does not have, which a CI review role made before
            // stackgen looked for such stacks may not read: said, not fatal.
            Err(e) if !has && access_denied(&e) => {
                errln!(
                    "warning: cannot check whether stack `{name}` is left in {region} (access \
                     denied); run `stackgen bootstrap --env {} --github <owner/repo>` again to \
                     let the CI roles look",
                    env.name
                );
                continue;
            }
            Err(e) => return Err(e),
        };
        let (new, note) = CompanionSides::rendered_side(env, rendered, &name);
        let mut notes: Vec<String> = note.into_iter().collect();
        if has {
            notes.extend(deployed.notes);
        }
        let sides = CompanionSides {
            name,
            region: region.to_owned(),
            old: deployed.input,
            new,
            notes,
        };
        if sides.in_use() {
            out.push(sides);
        }
    }
    Ok(out)
}

/// Whether AWS refused the credentials somewhere in `err`'s chain.
fn access_denied(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<crate::aws::AwsError>()
            .is_some_and(crate::aws::AwsError::is_access_denied)
            || cause
                .downcast_ref::<crate::deploy::DeployError>()
                .is_some_and(
                    |d| matches!(d, crate::deploy::DeployError::Aws(e) if e.is_access_denied()),
                )
    })
}

/// Every companion stack `env` has or had, each against its template in `dir` (a `stackgen
/// synth --out` tree: `<dir>/<env>/<stack>.template.json`); a stack the base lacks compares
/// with nothing (everything added).
pub fn saved_companions(
    env: &Environment,
    rendered: &Rendered,
    dir: &Path,
) -> Result<Vec<CompanionSides>> {
    let mut out = Vec::new();
    for (name, region) in crate::stack::companion_slots(env) {
        let file = format!("{name}.template.json");
        let path = dir.join(&env.name).join(&file);
        let (new, note) = CompanionSides::rendered_side(env, rendered, &name);
        let mut notes: Vec<String> = note.into_iter().collect();
        let old = if path.is_file() {
            let template = diff::load_template(&path).map_err(paragraph)?;
            DiffInput::new(format!("saved {}/{file}", env.name), template)
        } else {
            if rendered.companions.iter().any(|c| c.name == name) {
                notes.push(format!(
                    "the base has no {}/{file}: every resource shows as added",
                    env.name
                ));
            }
            DiffInput::new("nothing saved", json!({ "Resources": {} }))
        };
        let sides = CompanionSides {
            name,
            region: region.to_owned(),
            old,
            new,
            notes,
        };
        if sides.in_use() {
            out.push(sides);
        }
    }
    Ok(out)
}

/// One stack's diff as before; several stacks one section each (text, markdown) or
/// `{"environment", "stacks": [{"stack", "region", "diff"}]}` (json).
fn render_sections(env: &Environment, sections: &[Section], format: Format) -> String {
    let color = format == Format::Text && stdout_color();
    if let [only] = sections {
        return diff::render(&only.diff, format, color);
    }
    match format {
        Format::Json => {
            let stacks: Vec<Value> = sections
                .iter()
                .map(|s| {
                    let body = diff::render(&s.diff, Format::Json, false);
                    json!({
                        "stack": s.stack,
                        "region": s.region,
                        "diff": serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body)),
                    })
                })
                .collect();
            let doc = json!({ "environment": env.name, "stacks": stacks });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
        Format::Markdown | Format::Text => sections
            .iter()
            .map(|s| {
                let body = diff::render(&s.diff, format, color);
                match format {
                    Format::Markdown => format!("## Stack `{}` ({})\n\n{body}", s.stack, s.region),
                    _ => format!("── stack {} ({}) ──\n{body}", s.stack, s.region),
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The two sides of an environment's diff: what it is compared with (`against`), and the
/// rendered template with the parameter values a deploy from this tree would pass; plus notes
/// about the comparison itself. `out` holds `stackgen package`'s manifests.
pub fn sides(
    env: &Environment,
    rendered: &Rendered,
    against: &Against,
    out: &Path,
    profile: Option<&str>,
) -> Result<(DiffInput, DiffInput, Vec<String>)> {
    let new_label = format!("rendered for {}", env.name);
    let mut notes = Vec::new();
    let (old, new) = match against {
        Against::File(path) => {
            let template = diff::load_template(path)
                .map_err(paragraph)
                .with_context(|| {
                    format!(
                        "cannot compare environment `{}` with a saved template",
                        env.name
                    )
                })?;
            // CloudFormation keeps the last of a key written twice, and so does the diff; a
            // saved template with one was probably edited by hand, so it is said.
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for key in diff::duplicate_keys(&text) {
                notes.push(format!(
                    "{}: `{key}` is written twice; the diff uses the last one, as CloudFormation would",
                    path.display()
                ));
            }
            (
                DiffInput::new(path.display().to_string(), template),
                DiffInput::new(new_label, rendered.template.clone()),
            )
        }
        Against::Deployed => {
            let manifest_path = AssetManifest::path_in(&out.join(&env.name));
            let deployed = runtime()?.block_on(async {
                let ctx = super::target::connect(env, profile).await?;
                deployed_side(&ctx, &env.name, &rendered.stack.name).await
            })?;
            notes.extend(deployed.notes);
            let mut new = DiffInput::new(new_label, rendered.template.clone());
            if let Some(values) = &deployed.parameters {
                let (local, note) = local_parameters(rendered, values, &manifest_path, env)?;
                notes.extend(note);
                new = new.with_parameters(local);
            }
            (deployed.input, new)
        }
    };
    Ok((old, new, notes))
}

/// The old side read from AWS.
struct DeployedSide {
    input: DiffInput,
    /// Deployed parameter values (`None` when nothing is deployed).
    parameters: Option<BTreeMap<String, String>>,
    notes: Vec<String>,
}

/// Stack `name` of environment `env_name` as deployed in `ctx`'s region.
async fn deployed_side(ctx: &AwsContext, env_name: &str, name: &str) -> Result<DeployedSide> {
    let region = ctx.region().to_owned();
    let offline_hint = format!(
        "cannot read the deployed stack `{name}` in {region} (to diff without AWS, pass \
         `--against PATH` with a saved template)"
    );
    let snapshot = describe_stack(ctx, name)
        .await
        .context(offline_hint.clone())?;
    let not_deployed = |why: String| DeployedSide {
        input: DiffInput::new(
            format!("nothing deployed (stack {name} in {region})"),
            json!({ "Resources": {} }),
        ),
        parameters: None,
        notes: vec![why],
    };
    let Some(stack) = snapshot else {
        return Ok(not_deployed(format!(
            "stack {name} is not deployed in {region} ({}): every resource shows as added; \
             `stackgen deploy --env {env_name}` creates it",
            ctx.endpoint_for("cloudformation"),
        )));
    };
    let mut notes = Vec::new();
    match classify(&stack.status) {
        StackCondition::Missing | StackCondition::ReviewOnly | StackCondition::FailedCreate => {
            return Ok(not_deployed(format!(
                "stack {name} is not deployed in {region}: it is {} and holds no resources, so \
                 every resource shows as added; `stackgen deploy --env {env_name}` replaces it",
                stack.status
            )));
        }
        StackCondition::Busy => notes.push(format!(
            "stack {name} is {}: the diff is against its template before that operation ends; \
             run the diff again once it has settled",
            stack.status
        )),
        StackCondition::UpdateRollbackFailed | StackCondition::DeleteFailed => {
            notes.push(format!(
                "stack {name} is {}: some resources may not match the deployed template; run \
                 `stackgen status --env {env_name}` for what to do",
                stack.status
            ));
        }
        StackCondition::Stable => {}
    }
    let got = ctx
        .cloudformation
        .get_template()
        .stack_name(&stack.id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "GetTemplate", e))
        .context(offline_hint)?;
    let label = format!("deployed stack {name} ({region})");
    let body = got.template_body().ok_or_else(|| {
        anyhow!(
            "GetTemplate returned no template body for stack `{name}` in {region}; check the \
             stack in the CloudFormation console, or pass `--against` a saved template"
        )
    })?;
    let template = diff::parse_template(body, &label).map_err(paragraph)?;
    Ok(DeployedSide {
        input: DiffInput::new(label, template).with_parameters(stack.parameters.clone()),
        parameters: Some(stack.parameters),
        notes,
    })
}

/// The parameter values a deploy from this working tree would pass: each function's code key
/// from the local asset manifest, everything else as deployed (deploy reuses the bootstrap
/// bucket), and the template's defaults for parameters the deployed stack lacks.
fn local_parameters(
    rendered: &Rendered,
    deployed: &BTreeMap<String, String>,
    manifest_path: &Path,
    env: &Environment,
) -> Result<(BTreeMap<String, String>, Option<String>)> {
    let declared: Vec<String> = rendered
        .template
        .get("Parameters")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut given: BTreeMap<String, String> = deployed
        .iter()
        .filter(|(k, _)| declared.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let manifest = AssetManifest::read(manifest_path)
        .map_err(paragraph)
        .with_context(|| {
            format!(
                "cannot read the asset manifest {} to compare function code",
                manifest_path.display()
            )
        })?;
    let note = match manifest {
        Some(manifest) => {
            for f in &rendered.stack.functions {
                if let Some(asset) = manifest.functions.get(f.spec.id) {
                    given.insert(f.code_key_parameter.clone(), asset_key(&asset.sha256));
                }
            }
            None
        }
        None => Some(format!(
            "function code is not compared: {} does not exist (run `stackgen package --env {}`), \
             so the deployed code keys are assumed",
            manifest_path.display(),
            env.name
        )),
    };
    Ok((
        crate::deploy::template::effective_parameters(&rendered.text, &given),
        note,
    ))
}
