//! Which queues feed which functions: the template's SQS `AWS::Lambda::EventSourceMapping`s.
//!
//! Each mapping gives the queue (by `Fn::GetAtt Queue.Arn`), the function (by `Ref` or
//! `Fn::GetAtt …Arn`), the batch size (default 10, as Lambda's for SQS), whether partial batch
//! responses are on (`FunctionResponseTypes: [ReportBatchItemFailures]`) and `Enabled`.

use serde_json::Value;

use super::resolve::Resolver;
use super::{FunctionPlan, PlanError, QueueMapping};
use crate::model::Intrinsic;

/// Lambda's default batch size for SQS.
const DEFAULT_BATCH_SIZE: u32 = 10;

/// The SQS event source mappings of the template whose function is one of `functions`.
pub fn plan_queues(
    resolver: &Resolver<'_>,
    functions: &[FunctionPlan],
) -> Result<Vec<QueueMapping>, PlanError> {
    let Some(resources) = resolver.template["Resources"].as_object() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (logical, resource) in resources {
        if resource["Type"] != "AWS::Lambda::EventSourceMapping" {
            continue;
        }
        let props = &resource["Properties"];
        let bad = |property: &str, reason: String| PlanError::Property {
            resource: logical.clone(),
            property: property.to_owned(),
            reason,
        };
        let Some(queue) = referenced(&props["EventSourceArn"]) else {
            continue;
        };
        if resolver.template["Resources"][queue]["Type"] != "AWS::SQS::Queue" {
            continue;
        }
        let target = referenced(&props["FunctionName"]).ok_or_else(|| {
            bad(
                "FunctionName",
                "expected a Ref or GetAtt of a function".into(),
            )
        })?;
        let Some(function) = functions.iter().find(|f| f.logical_id == target) else {
            continue;
        };
        let queue_url = resolver
            .stack
            .resources
            .get(queue)
            .map(|r| r.physical_id.clone())
            .ok_or_else(|| PlanError::NotDeployed {
                resource: queue.to_owned(),
                stack: resolver.stack.name.clone(),
            })?;
        let queue_arn = resolver
            .attribute(queue, "Arn")
            .map_err(|reason| bad("EventSourceArn", reason))?;
        let batch_size = match resolver
            .resolve_string(&props["BatchSize"])
            .map_err(|reason| bad("BatchSize", reason))?
        {
            None => DEFAULT_BATCH_SIZE,
            Some(s) => s
                .parse()
                .map_err(|_| bad("BatchSize", format!("expected a number, got {s:?}")))?,
        };
        let enabled = match resolver
            .resolve(&props["Enabled"])
            .map_err(|reason| bad("Enabled", reason))?
        {
            Value::Bool(b) => b,
            Value::String(s) => !s.eq_ignore_ascii_case("false"),
            _ => true,
        };
        let report_batch_item_failures = props["FunctionResponseTypes"]
            .as_array()
            .is_some_and(|t| t.iter().any(|v| v == "ReportBatchItemFailures"));
        out.push(QueueMapping {
            logical_id: logical.clone(),
            function_id: function.id.clone(),
            queue_url,
            queue_arn,
            batch_size,
            report_batch_item_failures,
            enabled,
            deployed_uuid: resolver
                .stack
                .resources
                .get(logical)
                .map(|r| r.physical_id.clone()),
        });
    }
    Ok(out)
}

/// The logical id in `{"Ref": X}` or `{"Fn::GetAtt": [X, …]}` / `"X.Attr"`.
fn referenced(value: &Value) -> Option<&str> {
    Intrinsic::parse(value).ok().flatten()?.target()
}
