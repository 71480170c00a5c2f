//! Which queues feed which functions: the template's SQS `AWS::Lambda::EventSourceMapping`s.
//!
//! Each mapping gives the queue (by `Fn::GetAtt Queue.Arn`), the function (by `Ref` or
//! `Fn::GetAtt …Arn`), the batch size (default 10, as Lambda's for SQS), whether partial batch
//! responses are on (`FunctionResponseTypes: [ReportBatchItemFailures]`) and `Enabled`.

use serde_json::Value;

use super::resolve::Resolver;
use super::{FunctionPlan, PlanError, QueueMapping, StreamMapping};
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

/// The DynamoDB stream event source mappings of the template whose function is one of
/// `functions`: the table (by `Fn::GetAtt Table.StreamArn`), batch size, retries and filter.
pub fn plan_streams(
    resolver: &Resolver<'_>,
    functions: &[FunctionPlan],
) -> Result<Vec<StreamMapping>, PlanError> {
    let Some(resources) = resolver.template["Resources"].as_object() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (logical, resource) in resources {
        let props = &resource["Properties"];
        if resource["Type"] != "AWS::Lambda::EventSourceMapping" {
            continue;
        }
        let Some(table) = referenced(&props["EventSourceArn"]) else {
            continue;
        };
        if resolver.template["Resources"][table]["Type"] != "AWS::DynamoDB::Table" {
            continue;
        }
        let bad = |property: &str, reason: String| PlanError::Property {
            resource: logical.clone(),
            property: property.to_owned(),
            reason,
        };
        let Some(function) = referenced(&props["FunctionName"])
            .and_then(|target| functions.iter().find(|f| f.logical_id == target))
        else {
            continue;
        };
        let table_name = resolver
            .stack
            .resources
            .get(table)
            .map(|r| r.physical_id.clone())
            .ok_or_else(|| PlanError::NotDeployed {
                resource: table.to_owned(),
                stack: resolver.stack.name.clone(),
            })?;
        let number = |property: &str, default: i64| -> Result<i64, PlanError> {
            match resolver
                .resolve_string(&props[property])
                .map_err(|reason| bad(property, reason))?
            {
                None => Ok(default),
                Some(s) => s
                    .parse()
                    .map_err(|_| bad(property, format!("expected a number, got {s:?}"))),
            }
        };
        let filters = props["FilterCriteria"]["Filters"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| f["Pattern"].as_str())
                    .map(|p| {
                        serde_json::from_str(p)
                            .map_err(|e| bad("FilterCriteria", format!("pattern {p:?}: {e}")))
                    })
                    .collect::<Result<Vec<Value>, PlanError>>()
            })
            .transpose()?
            .unwrap_or_default();
        out.push(StreamMapping {
            logical_id: logical.clone(),
            function_id: function.id.clone(),
            table_name,
            batch_size: u32::try_from(number("BatchSize", DEFAULT_STREAM_BATCH_SIZE)?)
                .map_err(|_| bad("BatchSize", "out of range".into()))?,
            // -1 is "until the record expires": a local run stops after a few.
            retries: u32::try_from(number("MaximumRetryAttempts", -1)?).unwrap_or(10),
            filters,
        });
    }
    Ok(out)
}

/// Lambda's default batch size for DynamoDB streams.
const DEFAULT_STREAM_BATCH_SIZE: i64 = 100;

/// The logical id in `{"Ref": X}` or `{"Fn::GetAtt": [X, …]}` / `"X.Attr"`.
fn referenced(value: &Value) -> Option<&str> {
    Intrinsic::parse(value).ok().flatten()?.target()
}
