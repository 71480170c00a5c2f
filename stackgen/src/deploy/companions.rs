//! An environment made of several stacks: the companion stacks (the global stack in us-east-1)
//! go first, and their outputs become the main stack's parameters.
//!
//! CloudFormation's `Fn::ImportValue` reads exports of the same region only ("Fn::ImportValue":
//! "You can't create cross-stack references across regions",
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-importvalue.html>),
//! so the template declares what it takes ([`crate::model::Template::imports`]) and deploy,
//! diff and status read it from the producing stack's outputs.

use std::collections::BTreeMap;

use super::destroy::delete_stack;
use super::error::DeployError;
use super::events::WaitOptions;
use super::progress::Progress;
use super::stack::describe_stack;
use super::state::{StackCondition, classify};
use crate::aws::AwsContext;
use crate::model::Import;

/// The outputs of each companion stack, by stack name.
pub type CompanionOutputs = BTreeMap<String, BTreeMap<String, String>>;

/// The main stack's parameters that `imports` fill from the companions' `outputs`. A missing
/// stack or output is an error naming both, since deploying without it would fail late.
pub fn import_parameters(
    imports: &[Import],
    outputs: &CompanionOutputs,
) -> Result<BTreeMap<String, String>, DeployError> {
    imports
        .iter()
        .map(|i| {
            let value = outputs
                .get(&i.stack)
                .and_then(|o| o.get(i.output.as_str()))
                .ok_or_else(|| {
                    DeployError::Invalid(format!(
                        "parameter {} of the main stack takes output {} of stack `{}`, which {}; deploy the environment (`stackgen deploy`), which deploys `{}` first",
                        i.parameter.as_str(),
                        i.output.as_str(),
                        i.stack,
                        if outputs.contains_key(&i.stack) {
                            "that stack does not have"
                        } else {
                            "is not deployed"
                        },
                        i.stack
                    ))
                })?;
            Ok((i.parameter.as_str().to_owned(), value.clone()))
        })
        .collect()
}

/// The outputs of a deployed stack, `None` when it does not exist.
pub async fn deployed_outputs(
    ctx: &AwsContext,
    stack: &str,
) -> Result<Option<BTreeMap<String, String>>, DeployError> {
    Ok(describe_stack(ctx, stack).await?.map(|s| s.outputs))
}

/// Deletes each companion stack of `slots` (name, region) that exists although the environment
/// no longer has it (`kept` are the ones it has): a domain and web ACL removed from the
/// environment file leave a stack whose web ACL bills by the month. Called once the main stack
/// no longer takes its outputs. Such a stack holds a certificate and a web ACL, no data, so
/// termination protection does not keep it. The names of the stacks deleted.
pub async fn retire(
    ctx: &AwsContext,
    slots: &[(String, &str)],
    kept: &[&str],
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Vec<String>, DeployError> {
    let mut retired = Vec::new();
    for (name, region) in slots.iter().filter(|(n, _)| !kept.contains(&n.as_str())) {
        let there = ctx.in_region(region);
        let found = match describe_stack(&there, name).await {
            Ok(found) => found,
            // A CI deploy role made before stackgen looked for such stacks may not read it.
            Err(e) if e.is_access_denied() => {
                progress.step(&format!(
                    "cannot check whether stack `{name}` is left in {region} (access denied): \
                     run `stackgen bootstrap --env <env> --github <owner/repo>` again to let the \
                     deploy role look, or check by hand"
                ));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if found.is_none_or(|s| classify(&s.status) == StackCondition::Missing) {
            continue;
        }
        progress.step(&format!(
            "stack `{name}` in {region} is no longer part of the environment (no domain or web \
             ACL): deleting it, so that nothing of it keeps billing"
        ));
        let mut emptied = Vec::new();
        if delete_stack(&there, name, true, &mut emptied, wait, progress).await? {
            retired.push(name.clone());
        }
    }
    Ok(retired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Tags, Template};

    fn import() -> Vec<Import> {
        let (_, export) = Template::build("p", Tags::new(), &(), |t, _| {
            let q = t.add("Q", crate::model::sqs::Queue::new());
            t.export("shop-global", "QueueArn", "q", q.arn())
        });
        let (consumer, ()) = Template::build("c", Tags::new(), &export, |t, export| {
            let _ = t.import("QueueArnParam", export);
        });
        consumer.imports().to_vec()
    }

    #[test]
    fn outputs_fill_the_parameters_that_take_them() {
        let outputs = CompanionOutputs::from([(
            "shop-global".to_owned(),
            BTreeMap::from([(
                "QueueArn".to_owned(),
                "arn:aws:sqs:us-east-1:1:q".to_owned(),
            )]),
        )]);
        let params = import_parameters(&import(), &outputs).unwrap_or_default();
        assert_eq!(
            params.get("QueueArnParam").map(String::as_str),
            Some("arn:aws:sqs:us-east-1:1:q")
        );
        assert_eq!(import()[0].output.as_str(), "QueueArn");
    }

    #[test]
    fn a_missing_stack_or_output_names_both() {
        let none = import_parameters(&import(), &CompanionOutputs::new());
        let message = none.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("`shop-global`, which is not deployed"),
            "{message}"
        );
        let empty = CompanionOutputs::from([("shop-global".to_owned(), BTreeMap::new())]);
        let message = import_parameters(&import(), &empty)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("does not have"), "{message}");
    }
}
