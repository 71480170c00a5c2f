//! Which queues feed which functions: the template's SQS `AWS::Lambda::EventSourceMapping`s.
//!
//! Each mapping gives the queue (by `Fn::GetAtt Queue.Arn`), the function (by `Ref` or
//! `Fn::GetAtt …Arn`), the batch size (default 10, as Lambda's for SQS), whether partial batch
//! responses are on (`FunctionResponseTypes: [ReportBatchItemFailures]`) and `Enabled`.

use serde_json::Value;
use stackgen_model::generated::{dynamodb, lambda, sqs};

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
    let mut out = Vec::new();
    for m in mappings(resolver) {
        let logical = m.logical;
        let Some(queue) = m.source(sqs::QUEUE_TYPE_NAME) else {
            continue;
        };
        let target = referenced(&m.props["FunctionName"]).ok_or_else(|| {
            m.bad(
                "FunctionName",
                "expected a Ref or GetAtt of a function".into(),
            )
        })?;
        let Some(function) = functions.iter().find(|f| f.logical_id == target) else {
            continue;
        };
        out.push(QueueMapping {
            logical_id: logical.to_owned(),
            function_id: function.id.clone(),
            queue_url: m.deployed(queue)?,
            queue_arn: resolver
                .attribute(queue, "Arn")
                .map_err(|reason| m.bad("EventSourceArn", reason))?,
            batch_size: m.number("BatchSize", DEFAULT_BATCH_SIZE)?,
            report_batch_item_failures: m.props["FunctionResponseTypes"]
                .as_array()
                .is_some_and(|t| t.iter().any(|v| v == "ReportBatchItemFailures")),
            enabled: m.enabled()?,
            deployed_uuid: m.deployed(logical).ok(),
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
    let mut out = Vec::new();
    for m in mappings(resolver) {
        let logical = m.logical;
        let Some(table) = m.source(dynamodb::TABLE_TYPE_NAME) else {
            continue;
        };
        let Some(function) = referenced(&m.props["FunctionName"])
            .and_then(|target| functions.iter().find(|f| f.logical_id == target))
        else {
            continue;
        };
        out.push(StreamMapping {
            logical_id: logical.to_owned(),
            function_id: function.id.clone(),
            table_name: m.deployed(table)?,
            filters: m.filters()?,
            batch_size: u32::try_from(m.number("BatchSize", DEFAULT_STREAM_BATCH_SIZE)?)
                .map_err(|_| m.bad("BatchSize", "out of range".into()))?,
            // -1 is "until the record expires": a local run stops after a few.
            retries: u32::try_from(m.number("MaximumRetryAttempts", -1_i64)?).unwrap_or(10),
        });
    }
    Ok(out)
}

/// One event source mapping of the template, read property by property.
/// Every event source mapping of the template, whatever its source.
fn mappings<'a, 'r>(resolver: &'a Resolver<'r>) -> impl Iterator<Item = Mapping<'a, 'r>> {
    resolver.template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == lambda::EVENT_SOURCE_MAPPING_TYPE_NAME)
        .map(move |(logical, r)| Mapping {
            resolver,
            logical,
            props: &r["Properties"],
        })
}

struct Mapping<'a, 'r> {
    resolver: &'a Resolver<'r>,
    logical: &'a str,
    props: &'a Value,
}

impl Mapping<'_, '_> {
    fn bad(&self, property: &str, reason: String) -> PlanError {
        PlanError::Property {
            resource: self.logical.to_owned(),
            property: property.to_owned(),
            reason,
        }
    }

    /// The template resource the mapping reads from, when it is of type `kind`.
    fn source(&self, kind: &str) -> Option<&str> {
        let source = referenced(&self.props["EventSourceArn"])?;
        (self.resolver.template["Resources"][source]["Type"] == kind).then_some(source)
    }

    /// The physical id of `resource` in the deployed stack.
    fn deployed(&self, resource: &str) -> Result<String, PlanError> {
        let stack = &self.resolver.stack;
        stack
            .resources
            .get(resource)
            .map(|r| r.physical_id.clone())
            .ok_or_else(|| PlanError::NotDeployed {
                resource: resource.to_owned(),
                stack: stack.name.clone(),
            })
    }

    fn number<T: std::str::FromStr>(&self, property: &str, default: T) -> Result<T, PlanError> {
        match self
            .resolver
            .resolve_string(&self.props[property])
            .map_err(|reason| self.bad(property, reason))?
        {
            None => Ok(default),
            Some(s) => s
                .parse()
                .map_err(|_| self.bad(property, format!("expected a number, got {s:?}"))),
        }
    }

    fn enabled(&self) -> Result<bool, PlanError> {
        let value = self
            .resolver
            .resolve(&self.props["Enabled"])
            .map_err(|reason| self.bad("Enabled", reason))?;
        Ok(match value {
            Value::Bool(b) => b,
            Value::String(s) => !s.eq_ignore_ascii_case("false"),
            _ => true,
        })
    }

    /// The stream mapping's filter patterns, parsed.
    fn filters(&self) -> Result<Vec<Value>, PlanError> {
        let Some(filters) = self.props["FilterCriteria"]["Filters"].as_array() else {
            return Ok(Vec::new());
        };
        filters
            .iter()
            .filter_map(|f| f["Pattern"].as_str())
            .map(|p| {
                serde_json::from_str(p)
                    .map_err(|e| self.bad("FilterCriteria", format!("pattern {p:?}: {e}")))
            })
            .collect()
    }
}

/// Lambda's default batch size for DynamoDB streams.
const DEFAULT_STREAM_BATCH_SIZE: i64 = 100;

/// The logical id in `{"Ref": X}` or `{"Fn::GetAtt": [X, …]}` / `"X.Attr"`.
fn referenced(value: &Value) -> Option<&str> {
    Intrinsic::parse(value).ok().flatten()?.target()
}
