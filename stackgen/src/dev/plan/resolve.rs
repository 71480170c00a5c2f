//! Evaluating a rendered template's intrinsic functions against a deployed stack.
//!
//! `stackgen dev` gives each function the environment variables the template gives it; those
//! are references (`Ref`, `Fn::GetAtt`, `Fn::Sub`, …) that CloudFormation resolves at deploy
//! time. This does the same with the deployed stack's physical ids: `Ref` is the physical id
//! (a table's name, a queue's URL, a topic's ARN, a bucket's name, a function's name),
//! `GetAtt` is derived from it as CloudFormation documents each attribute, parameters come
//! from the deployed stack (else their template default), pseudo parameters from the stack.

use serde_json::{Map, Value};
use stackgen_model::generated::{
    cognito, dynamodb, events, iam, lambda, logs, s3, sns, sqs, stepfunctions,
};

use super::deployed::DeployedStack;
use crate::model::{Intrinsic, SubPart, parse_sub};

/// Evaluates intrinsics of one template against one deployed stack.
#[derive(Debug, Clone, Copy)]
pub struct Resolver<'a> {
    pub template: &'a Value,
    pub stack: &'a DeployedStack,
}

impl<'a> Resolver<'a> {
    pub fn new(template: &'a Value, stack: &'a DeployedStack) -> Self {
        Resolver { template, stack }
    }

    /// The value of `value`: a string, number, boolean, list, or `Null` for `AWS::NoValue`.
    pub fn resolve(&self, value: &Value) -> Result<Value, String> {
        let call = Intrinsic::parse(value).map_err(|e| e.to_string())?;
        match call {
            Some(Intrinsic::Ref(name)) => self.reference(name),
            Some(Intrinsic::GetAtt {
                resource,
                attribute,
            }) => self.attribute(resource, attribute).map(Value::String),
            Some(Intrinsic::Sub { text, variables }) => {
                self.sub(text, variables).map(Value::String)
            }
            Some(Intrinsic::Join { delimiter, items }) => {
                self.join(delimiter, items).map(Value::String)
            }
            Some(Intrinsic::If {
                condition,
                then,
                otherwise,
            }) => self.resolve(if self.condition(condition)? {
                then
            } else {
                otherwise
            }),
            Some(Intrinsic::Other { name, argument }) => match name {
                "Fn::Select" => self.select(argument),
                "Fn::Split" => self.split(argument),
                "Fn::FindInMap" => self.find_in_map(argument),
                other => Err(format!("{other} is not supported by the local runner")),
            },
            None => match value {
                Value::Object(map) => self.object(map),
                Value::Array(items) => items
                    .iter()
                    .map(|v| self.resolve(v))
                    .filter(|v| !matches!(v, Ok(Value::Null)))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array),
                scalar => Ok(scalar.clone()),
            },
        }
    }

    /// The value as a string (numbers and booleans as CloudFormation stringifies them).
    pub fn resolve_string(&self, value: &Value) -> Result<Option<String>, String> {
        match self.resolve(value)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            other => Err(format!("expected a string, got {other}")),
        }
    }

    fn object(&self, map: &Map<String, Value>) -> Result<Value, String> {
        let mut out = Map::new();
        for (k, v) in map {
            let v = self.resolve(v)?;
            if !v.is_null() {
                out.insert(k.clone(), v);
            }
        }
        Ok(Value::Object(out))
    }

    fn resource_type(&self, logical: &str) -> Option<&str> {
        self.stack
            .resources
            .get(logical)
            .map(|r| r.resource_type.as_str())
            .filter(|t| !t.is_empty())
            .or_else(|| self.template["Resources"][logical]["Type"].as_str())
    }

    fn physical(&self, logical: &str) -> Result<&str, String> {
        if let Some(r) = self.stack.resources.get(logical) {
            return Ok(&r.physical_id);
        }
        if self.template["Resources"].get(logical).is_some() {
            Err(format!(
                "resource `{logical}` is in the template but not in the deployed stack `{}` (not deployed yet, or a type the emulator skips)",
                self.stack.name
            ))
        } else {
            Err(format!(
                "`{logical}` is neither a resource nor a parameter of the template"
            ))
        }
    }

    fn partition(&self) -> &'static str {
        let region = self.stack.region.as_str();
        if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    fn reference(&self, name: &str) -> Result<Value, String> {
        let s = |v: &str| Ok(Value::String(v.to_owned()));
        match name {
            "AWS::Region" => return s(&self.stack.region),
            "AWS::AccountId" => return s(&self.stack.account_id),
            "AWS::StackName" => return s(&self.stack.name),
            "AWS::StackId" => return s(&self.stack.id),
            "AWS::Partition" => return s(self.partition()),
            "AWS::URLSuffix" => {
                return s(if self.partition() == "aws-cn" {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                });
            }
            "AWS::NotificationARNs" => return Ok(Value::Array(Vec::new())),
            "AWS::NoValue" => return Ok(Value::Null),
            _ => {}
        }
        if let Some(value) = self.stack.parameters.get(name) {
            return s(value);
        }
        if let Some(param) = self.template["Parameters"].get(name) {
            return match &param["Default"] {
                Value::Null => Err(format!(
                    "parameter `{name}` has no value in the deployed stack and no default"
                )),
                Value::String(v) => s(v),
                other => Ok(Value::String(other.to_string())),
            };
        }
        self.physical(name).map(|p| Value::String(p.to_owned()))
    }

    /// `Fn::GetAtt` of a deployed resource, derived from its physical id.
    pub fn attribute(&self, logical: &str, attribute: &str) -> Result<String, String> {
        let physical = self.physical(logical)?;
        let kind = self.resource_type(logical).unwrap_or_default();
        let (p, region, account) = (self.partition(), &self.stack.region, &self.stack.account_id);
        let last = |sep: char| physical.rsplit(sep).next().unwrap_or(physical).to_owned();
        let value = match (kind, attribute) {
            (dynamodb::TABLE_TYPE_NAME, dynamodb::props::table::ARN) => {
                format!("arn:{p}:dynamodb:{region}:{account}:table/{physical}")
            }
            (sqs::QUEUE_TYPE_NAME, sqs::props::queue::ARN) => {
                format!("arn:{p}:sqs:{region}:{account}:{}", last('/'))
            }
            (sqs::QUEUE_TYPE_NAME, sqs::props::queue::QUEUE_NAME) => last('/'),
            (sqs::QUEUE_TYPE_NAME, sqs::props::queue::QUEUE_URL) => physical.to_owned(),
            (sns::TOPIC_TYPE_NAME, sns::props::topic::TOPIC_ARN) => physical.to_owned(),
            (sns::TOPIC_TYPE_NAME, sns::props::topic::TOPIC_NAME) => last(':'),
            (s3::BUCKET_TYPE_NAME, s3::props::bucket::ARN) => format!("arn:{p}:s3:::{physical}"),
            (s3::BUCKET_TYPE_NAME, s3::props::bucket::DOMAIN_NAME) => {
                format!("{physical}.s3.amazonaws.com")
            }
            (s3::BUCKET_TYPE_NAME, s3::props::bucket::REGIONAL_DOMAIN_NAME) => {
                format!("{physical}.s3.{region}.amazonaws.com")
            }
            (lambda::FUNCTION_TYPE_NAME, lambda::props::function::ARN) => {
                format!("arn:{p}:lambda:{region}:{account}:function:{physical}")
            }
            (iam::ROLE_TYPE_NAME, iam::props::role::ARN) => {
                format!("arn:{p}:iam::{account}:role/{physical}")
            }
            (iam::ROLE_TYPE_NAME, iam::props::role::ROLE_ID) => physical.to_owned(),
            (logs::LOG_GROUP_TYPE_NAME, logs::props::log_group::ARN) => {
                format!("arn:{p}:logs:{region}:{account}:log-group:{physical}:*")
            }
            (events::RULE_TYPE_NAME, events::props::rule::ARN) => {
                format!("arn:{p}:events:{region}:{account}:rule/{physical}")
            }
            (cognito::USER_POOL_TYPE_NAME, cognito::props::user_pool::ARN) => {
                format!("arn:{p}:cognito-idp:{region}:{account}:userpool/{physical}")
            }
            (stepfunctions::STATE_MACHINE_TYPE_NAME, stepfunctions::props::state_machine::ARN) => {
                physical.to_owned()
            }
            _ => {
                return Err(format!(
                    "GetAtt {logical}.{attribute} ({kind}) is not known to the local runner"
                ));
            }
        };
        Ok(value)
    }

    fn sub(&self, text: &str, vars: Option<&Map<String, Value>>) -> Result<String, String> {
        let parsed = parse_sub(text);
        if parsed.unclosed {
            return Err(format!("Fn::Sub `{text}` has an unclosed ${{"));
        }
        let mut out = String::with_capacity(text.len());
        for part in parsed.parts {
            let name = match part {
                SubPart::Text(t) => {
                    out.push_str(&t);
                    continue;
                }
                SubPart::Var(name) => name,
            };
            if let Some(value) = vars.and_then(|v| v.get(name)) {
                out.push_str(&self.resolve_string(value)?.unwrap_or_default());
            } else if let Some((logical, attribute)) = name.split_once('.') {
                out.push_str(&self.attribute(logical, attribute)?);
            } else {
                out.push_str(
                    &self
                        .resolve_string(&Value::Object(Map::from_iter([(
                            "Ref".to_owned(),
                            Value::String(name.to_owned()),
                        )])))?
                        .unwrap_or_default(),
                );
            }
        }
        Ok(out)
    }

    fn join(&self, delimiter: &str, items: &Value) -> Result<String, String> {
        let parts = match self.resolve(items)? {
            Value::Array(parts) => parts,
            other => return Err(format!("Fn::Join needs a list, got {other}")),
        };
        let strings: Result<Vec<String>, String> = parts
            .iter()
            .map(|p| self.resolve_string(p).map(Option::unwrap_or_default))
            .collect();
        Ok(strings?.join(delimiter))
    }

    fn select(&self, arg: &Value) -> Result<Value, String> {
        let items = arg
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or("Fn::Select takes [index, list]")?;
        let index: usize = self
            .resolve_string(&items[0])?
            .and_then(|i| i.parse().ok())
            .ok_or("Fn::Select index must be a number")?;
        match self.resolve(&items[1])? {
            Value::Array(list) => list
                .get(index)
                .cloned()
                .ok_or_else(|| format!("Fn::Select index {index} is out of range")),
            other => Err(format!("Fn::Select needs a list, got {other}")),
        }
    }

    fn split(&self, arg: &Value) -> Result<Value, String> {
        let items = arg
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or("Fn::Split takes [delimiter, string]")?;
        let delimiter = items[0]
            .as_str()
            .ok_or("Fn::Split delimiter must be a string")?;
        let text = self.resolve_string(&items[1])?.unwrap_or_default();
        Ok(Value::Array(
            text.split(delimiter)
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ))
    }

    fn condition(&self, name: &str) -> Result<bool, String> {
        let body = self.template["Conditions"]
            .get(name)
            .ok_or_else(|| format!("condition `{name}` is not declared"))?;
        self.evaluate(body)
    }

    fn evaluate(&self, body: &Value) -> Result<bool, String> {
        let map = body
            .as_object()
            .filter(|m| m.len() == 1)
            .ok_or_else(|| format!("a condition must be one function, got {body}"))?;
        let (function, arg) = map.iter().next().ok_or("empty condition")?;
        let list = || {
            arg.as_array()
                .ok_or_else(|| format!("{function} takes a list"))
        };
        match function.as_str() {
            "Fn::Equals" => {
                let l = list()?;
                if l.len() != 2 {
                    return Err("Fn::Equals takes two values".into());
                }
                Ok(self.resolve(&l[0])? == self.resolve(&l[1])?)
            }
            "Fn::Not" => Ok(!self.evaluate(list()?.first().ok_or("Fn::Not takes one condition")?)?),
            "Fn::And" => list()?
                .iter()
                .try_fold(true, |acc, c| Ok(acc && self.evaluate(c)?)),
            "Fn::Or" => list()?
                .iter()
                .try_fold(false, |acc, c| Ok(acc || self.evaluate(c)?)),
            "Condition" => self.condition(arg.as_str().ok_or("Condition takes a name")?),
            other => Err(format!("{other} is not a condition function")),
        }
    }

    fn find_in_map(&self, arg: &Value) -> Result<Value, String> {
        let items = arg
            .as_array()
            .filter(|a| a.len() == 3)
            .ok_or("Fn::FindInMap takes [map, key, key]")?;
        let keys: Vec<String> = items
            .iter()
            .map(|k| self.resolve_string(k).map(Option::unwrap_or_default))
            .collect::<Result<_, _>>()?;
        let found = &self.template["Mappings"][&keys[0]][&keys[1]][&keys[2]];
        if found.is_null() {
            Err(format!(
                "Mappings has no {}.{}.{}",
                keys[0], keys[1], keys[2]
            ))
        } else {
            Ok(found.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::deployed::DeployedResource;
    use super::*;
    use serde_json::json;

    fn stack() -> DeployedStack {
        let mut s = DeployedStack {
            name: "grocer-local".into(),
            id: "arn:aws:cloudformation:us-east-1:123456789012:stack/grocer-local/x".into(),
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            ..Default::default()
        };
        for (l, t, p) in [
            (
                "ProductsTable",
                "AWS::DynamoDB::Table",
                "grocer-local-products",
            ),
            (
                "OrderEventsQueue",
                "AWS::SQS::Queue",
                "http://127.0.0.1:5000/123456789012/grocer-local-order-events",
            ),
            (
                "StockAlertsTopic",
                "AWS::SNS::Topic",
                "arn:aws:sns:us-east-1:123456789012:grocer-local-stock-alerts",
            ),
            (
                "ReportsBucket",
                "AWS::S3::Bucket",
                "grocer-local-reports-abc",
            ),
        ] {
            s.resources.insert(
                l.into(),
                DeployedResource {
                    resource_type: t.into(),
                    physical_id: p.into(),
                },
            );
        }
        s.parameters.insert("Env".into(), "local".into());
        s
    }

    fn template() -> Value {
        json!({
            "Parameters": {"Env": {"Type": "String"}, "Stores": {"Type": "String", "Default": "store-01,store-02"}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
            "Mappings": {"Sizes": {"local": {"Memory": 256}}},
            "Resources": {
                "ProductsTable": {"Type": "AWS::DynamoDB::Table"},
                "Api": {"Type": "AWS::ApiGatewayV2::Api"}
            }
        })
    }

    #[test]
    fn refs_resolve_to_physical_ids_per_type() {
        let (t, s) = (template(), stack());
        let r = Resolver::new(&t, &s);
        let one = |v: Value| r.resolve_string(&v).expect("resolves").expect("value");
        assert_eq!(
            one(json!({"Ref": "ProductsTable"})),
            "grocer-local-products"
        );
        assert_eq!(
            one(json!({"Ref": "OrderEventsQueue"})),
            "http://127.0.0.1:5000/123456789012/grocer-local-order-events"
        );
        assert_eq!(
            one(json!({"Ref": "StockAlertsTopic"})),
            "arn:aws:sns:us-east-1:123456789012:grocer-local-stock-alerts"
        );
        assert_eq!(
            one(json!({"Ref": "ReportsBucket"})),
            "grocer-local-reports-abc"
        );
        assert_eq!(
            one(json!({"Fn::GetAtt": ["OrderEventsQueue", "Arn"]})),
            "arn:aws:sqs:us-east-1:123456789012:grocer-local-order-events"
        );
        assert_eq!(
            one(json!({"Fn::GetAtt": "ProductsTable.Arn"})),
            "arn:aws:dynamodb:us-east-1:123456789012:table/grocer-local-products"
        );
        assert_eq!(
            one(json!({"Fn::GetAtt": ["StockAlertsTopic", "TopicName"]})),
            "grocer-local-stock-alerts"
        );
    }

    #[test]
    fn parameters_pseudo_parameters_and_functions() {
        let (t, s) = (template(), stack());
        let r = Resolver::new(&t, &s);
        let one = |v: Value| r.resolve_string(&v).expect("resolves");
        assert_eq!(one(json!({"Ref": "Env"})).as_deref(), Some("local"));
        assert_eq!(
            one(json!({"Ref": "Stores"})).as_deref(),
            Some("store-01,store-02")
        );
        assert_eq!(
            one(json!({"Fn::Sub": "${AWS::StackName}-${Env}-${!Literal}-${ProductsTable.Arn}"}))
                .as_deref(),
            Some(
                "grocer-local-local-${Literal}-arn:aws:dynamodb:us-east-1:123456789012:table/grocer-local-products"
            )
        );
        assert_eq!(
            one(json!({"Fn::Sub": ["${A}/${AWS::Region}", {"A": {"Ref": "ReportsBucket"}}]}))
                .as_deref(),
            Some("grocer-local-reports-abc/us-east-1")
        );
        assert_eq!(
            one(json!({"Fn::Join": [",", ["a", {"Ref": "Env"}, {"Ref": "AWS::NoValue"}]]}))
                .as_deref(),
            Some("a,local")
        );
        assert_eq!(
            one(json!({"Fn::Select": [1, {"Fn::Split": [",", {"Ref": "Stores"}]}]})).as_deref(),
            Some("store-02")
        );
        assert_eq!(
            one(json!({"Fn::If": ["IsProd", "p", "np"]})).as_deref(),
            Some("np")
        );
        assert_eq!(
            one(json!({"Fn::If": ["IsProd", "p", {"Ref": "AWS::NoValue"}]})),
            None
        );
        assert_eq!(
            one(json!({"Fn::FindInMap": ["Sizes", "local", "Memory"]})).as_deref(),
            Some("256")
        );
        assert_eq!(one(json!(42)).as_deref(), Some("42"));
    }

    #[test]
    fn unresolvable_references_say_why() {
        let (t, s) = (template(), stack());
        let r = Resolver::new(&t, &s);
        let err = r
            .resolve(&json!({"Ref": "Api"}))
            .expect_err("skipped by moto");
        assert!(
            err.contains("not in the deployed stack `grocer-local`"),
            "{err}"
        );
        let err = r.resolve(&json!({"Ref": "Nope"})).expect_err("unknown");
        assert!(err.contains("neither a resource nor a parameter"), "{err}");
        let err = r
            .resolve(&json!({"Fn::GetAtt": ["ProductsTable", "StreamArn"]}))
            .expect_err("unknown attribute");
        assert!(err.contains("ProductsTable.StreamArn"), "{err}");
        assert!(r.resolve(&json!({"Fn::ImportValue": "x"})).is_err());
    }
}
