//! Which functions to run and how: read from the rendered template's `AWS::Lambda::Function`
//! resources, so the local runner uses the same memory, timeout, handler and environment
//! variables as the deployed stack, with references resolved against it.

use stackgen_model::generated::lambda;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use retail_spec::FunctionSpec;
use serde_json::Value;

use super::resolve::Resolver;
use super::{FunctionPlan, PlanError};
use crate::model::Intrinsic;

/// Lambda's defaults when a template leaves them out.
const DEFAULT_MEMORY_MB: u32 = 128;
const DEFAULT_TIMEOUT_SECONDS: u64 = 3;

/// `report-builder` → `ReportBuilder` (the stem of the function's logical ids).
pub fn pascal(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The logical id of `function`'s `AWS::Lambda::Function`: the one whose code key is the
/// `<Pascal>CodeKey` parameter, else the one named `<Pascal>Function`.
pub fn find_function_resource<'t>(template: &'t Value, function: &FunctionSpec) -> Option<&'t str> {
    let stem = pascal(function.id);
    let code_key = format!("{stem}CodeKey");
    let by_name = format!("{stem}Function");
    let resources = template["Resources"].as_object()?;
    let lambdas = || {
        resources
            .iter()
            .filter(|(_, r)| r["Type"] == lambda::FUNCTION_TYPE_NAME)
    };
    lambdas()
        .find(|(_, r)| {
            let key = Intrinsic::parse(&r["Properties"]["Code"]["S3Key"]);
            matches!(key, Ok(Some(Intrinsic::Ref(name))) if name == code_key)
        })
        .or_else(|| lambdas().find(|(id, _)| **id == by_name))
        .map(|(id, _)| id.as_str())
}

/// Plans every function of `functions` from the template.
pub fn plan_functions(
    resolver: &Resolver<'_>,
    functions: &[&'static FunctionSpec],
    bin_dir: &Path,
) -> Result<Vec<FunctionPlan>, PlanError> {
    functions
        .iter()
        .map(|f| plan_function(resolver, f, bin_dir))
        .collect()
}

fn plan_function(
    resolver: &Resolver<'_>,
    function: &'static FunctionSpec,
    bin_dir: &Path,
) -> Result<FunctionPlan, PlanError> {
    let logical = find_function_resource(resolver.template, function).ok_or_else(|| {
        PlanError::NoFunction {
            function: function.id.to_owned(),
            expected: format!("{}Function", pascal(function.id)),
        }
    })?;
    let props = Props {
        resolver,
        logical,
        props: &resolver.template["Resources"][logical]["Properties"],
    };
    let name = resolver
        .stack
        .resources
        .get(logical)
        .map(|r| r.physical_id.clone())
        .ok_or_else(|| PlanError::NotDeployed {
            resource: logical.to_owned(),
            stack: resolver.stack.name.clone(),
        })?;
    let arn = resolver
        .attribute(logical, "Arn")
        .map_err(|reason| props.bad("Arn", reason))?;
    let memory_mb = u32::try_from(props.number("MemorySize", u64::from(DEFAULT_MEMORY_MB))?)
        .map_err(|_| props.bad("MemorySize", "out of range".into()))?;
    let timeout = Duration::from_secs(props.number("Timeout", DEFAULT_TIMEOUT_SECONDS)?);
    let handler = props
        .string("Handler", &props.props["Handler"])?
        .unwrap_or_else(|| function.handler().to_owned());
    let variables = props.variables()?;
    let logging = &props.props["LoggingConfig"];
    let log_group = props
        .string("LoggingConfig.LogGroup", &logging["LogGroup"])?
        .unwrap_or_else(|| format!("/aws/lambda/{name}"));
    let log_format = props.string("LoggingConfig.LogFormat", &logging["LogFormat"])?;
    let log_level = props.string(
        "LoggingConfig.ApplicationLogLevel",
        &logging["ApplicationLogLevel"],
    )?;
    Ok(FunctionPlan {
        id: function.id.to_owned(),
        logical_id: logical.to_owned(),
        name,
        arn,
        binary: bin_dir.join(retail_spec::FUNCTIONS_BINARY),
        handler,
        memory_mb,
        timeout,
        variables,
        log_group,
        log_format,
        log_level,
    })
}

/// A function resource's properties, resolved against the deployed stack.
struct Props<'a> {
    resolver: &'a Resolver<'a>,
    logical: &'a str,
    props: &'a Value,
}

impl Props<'_> {
    fn bad(&self, property: &str, reason: String) -> PlanError {
        PlanError::Property {
            resource: self.logical.to_owned(),
            property: property.to_owned(),
            reason,
        }
    }

    /// `value` (of `property`) as text; None when absent.
    fn string(&self, property: &str, value: &Value) -> Result<Option<String>, PlanError> {
        if value.is_null() {
            return Ok(None);
        }
        self.resolver
            .resolve_string(value)
            .map_err(|reason| self.bad(property, reason))
    }

    /// A whole-number property, `default` when absent.
    fn number(&self, property: &str, default: u64) -> Result<u64, PlanError> {
        match self.string(property, &self.props[property])? {
            None => Ok(default),
            Some(s) => s
                .parse()
                .map_err(|_| self.bad(property, format!("expected a whole number, got {s:?}"))),
        }
    }

    /// `Environment.Variables`, each value resolved.
    fn variables(&self) -> Result<BTreeMap<String, String>, PlanError> {
        let mut variables = BTreeMap::new();
        match &self.props["Environment"]["Variables"] {
            Value::Null => {}
            Value::Object(vars) => {
                for (key, value) in vars {
                    let property = format!("Environment.Variables.{key}");
                    if let Some(v) = self.string(&property, value)? {
                        variables.insert(key.clone(), v);
                    }
                }
            }
            other => {
                return Err(self.bad(
                    "Environment.Variables",
                    format!("expected an object, got {other}"),
                ));
            }
        }
        Ok(variables)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_matches_logical_id_stems() {
        assert_eq!(pascal("report-builder"), "ReportBuilder");
        assert_eq!(pascal("stock-alerts"), "StockAlerts");
        assert_eq!(pascal("catalog"), "Catalog");
    }
}
