//! Reads a rendered CloudFormation template into the facts that cost money.
//!
//! Like Infracost reading a plan, the estimator reads the one rendered template every command
//! starts from (DESIGN: "there is one definition of the stack"), not the Rust model: what is
//! estimated is exactly what would be deployed, and a template from anywhere can be priced.
//! This module only extracts facts (memory sizes, billing modes, retention, who logs where); the
//! pricing rules live in `engine`.
//!
//! - `facts`: one reader per kind of resource (the properties its price depends on);
//! - `kinds`: what is known of a type by its name alone (billed by the hour but not priced, or
//!   free).

mod facts;
mod kinds;

use serde_json::{Map, Value};

use super::error::CostError;
use stackgen_intrinsics::{Intrinsic, SubPart, parse_sub};

/// CPU architecture of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    X86,
    Arm,
}

impl Arch {
    pub fn label(self) -> &'static str {
        match self {
            Arch::X86 => "x86_64",
            Arch::Arm => "arm64",
        }
    }
}

/// One piece of a string built with intrinsics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    /// `Ref` of a resource, parameter or pseudo parameter.
    Ref(String),
    /// Something we do not resolve (`Fn::If`, `Fn::ImportValue`, …).
    Opaque,
}

/// The resource facts the engine prices.
/// A user pool's feature plan (`UserPoolTier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoTier {
    Lite,
    Essentials,
    Plus,
}

#[derive(Debug, Clone)]
pub enum Facts {
    Function {
        memory_mb: u64,
        arch: Arch,
        ephemeral_mb: u64,
        name: Option<Vec<Piece>>,
        /// `LoggingConfig.LogGroup`, when set.
        log_group: Option<Vec<Piece>>,
        /// `TracingConfig.Mode: Active`: Lambda records X-Ray traces of sampled invocations.
        traced: bool,
        /// Its execution role (a role of this template) may `ses:SendEmail` or
        /// `ses:SendRawEmail`: the profile's customer emails are sent by it.
        sends_email: bool,
    },
    EventSourceMapping {
        /// Logical id of the SQS queue it polls, when it polls one of this template's queues.
        queue: Option<String>,
        enabled: bool,
        function: Option<String>,
        provisioned_pollers: Option<u64>,
    },
    HttpApi,
    WebSocketApi,
    RestApi,
    RestApiCache,
    Table {
        on_demand: bool,
        pitr: bool,
        infrequent_access: bool,
        global_indexes: u64,
        provisioned_rcu: u64,
        provisioned_wcu: u64,
        name: Option<Vec<Piece>>,
    },
    LogGroup {
        retention_days: Option<u64>,
        name: Option<Vec<Piece>>,
        infrequent_access: bool,
    },
    Alarm {
        metrics: u64,
        high_resolution: bool,
    },
    CompositeAlarm,
    Dashboard,
    /// A CloudFront Function: billed per invocation, nothing while idle.
    CloudFrontFunction,
    /// A Cognito user pool: billed per monthly active user at its feature plan's price.
    UserPool {
        tier: CognitoTier,
    },
    Distribution {
        /// Logical ids of this template's buckets used as origins.
        origin_buckets: Vec<String>,
        web_acl: bool,
    },
    Bucket {
        versioned: bool,
        name: Option<Vec<Piece>>,
    },
    Queue {
        name: Option<Vec<Piece>>,
        fifo: bool,
    },
    Topic {
        name: Option<Vec<Piece>>,
        /// Inline subscriptions by protocol.
        inline_protocols: Vec<String>,
    },
    Subscription {
        topic: Option<String>,
        protocol: String,
    },
    Budget {
        /// Monthly limit in USD, when the budget is a monthly cost budget with a literal limit.
        limit_usd: Option<String>,
        name: Option<String>,
    },
    BudgetsAction {
        budget: Option<String>,
    },
    AnomalyMonitor,
    AnomalySubscription,
    /// An SES identity: free; the emails sent from it are billed.
    EmailIdentity,
    Schedule {
        expression: Option<String>,
        enabled: bool,
        target_function: Option<String>,
    },
    EventsRule {
        schedule: Option<String>,
        enabled: bool,
        target_functions: Vec<String>,
    },
    KmsKey,
    Secret,
    StateMachine {
        express: bool,
    },
    ProvisionedConcurrency {
        function: Option<String>,
        executions: u64,
    },
    NatGateway,
    ElasticIp,
    LoadBalancer {
        network: bool,
    },
    VpcEndpoint {
        interface: bool,
        subnets: u64,
    },
    EksCluster,
    KinesisStream {
        shards: u64,
        on_demand: bool,
    },
    WebAcl {
        rules: u64,
        /// Scope `CLOUDFRONT`: it inspects every request the CDN receives.
        cloudfront: bool,
    },
    HostedZone,
    /// A type billed by the hour (or month) that the table does not price.
    HourlyUnpriced {
        why: &'static str,
    },
    /// A type with no charge of its own.
    Free {
        why: &'static str,
    },
    /// A type the estimator has no rule for.
    Unknown,
}

/// One resource of the template.
#[derive(Debug, Clone)]
pub struct Resource {
    pub logical_id: String,
    pub resource_type: String,
    pub facts: Facts,
    /// Set when the resource carries a `Condition` the estimator does not evaluate.
    pub condition: Option<String>,
}

/// The resources of a template, in the template's order, plus what could not be read exactly.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    pub notes: Vec<String>,
}

impl Inventory {
    /// Reads `template`. Fails only when it is not a template at all; anything odd inside a
    /// resource becomes a note and a documented default.
    pub fn read(template: &Value) -> Result<Inventory, CostError> {
        let root = template
            .as_object()
            .ok_or_else(|| CostError::NotATemplate {
                problem: "the document is not a JSON object".into(),
            })?;
        let resources = root
            .get("Resources")
            .and_then(Value::as_object)
            .ok_or_else(|| CostError::NotATemplate {
                problem: "it has no `Resources` object".into(),
            })?;
        let params = root
            .get("Parameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut reader = Reader {
            params,
            resources,
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        for (id, r) in resources {
            let ty = r
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let empty = Map::new();
            let props = r
                .get("Properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let facts = reader.facts(id, &ty, props);
            let condition = r
                .get("Condition")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(c) = &condition {
                reader.notes.push(format!(
                    "{id} has Condition `{c}`, which the estimator does not evaluate: it is \
                     priced as if the condition were true"
                ));
            }
            out.push(Resource {
                logical_id: id.clone(),
                resource_type: ty,
                facts,
                condition,
            });
        }
        Ok(Inventory {
            resources: out,
            notes: reader.notes,
        })
    }

    /// The resource with this logical id.
    pub fn get(&self, logical_id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }
}

struct Reader<'a> {
    params: Map<String, Value>,
    resources: &'a Map<String, Value>,
    notes: Vec<String>,
}

impl Reader<'_> {
    fn type_of(&self, logical_id: &str) -> Option<&str> {
        self.resources
            .get(logical_id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
    }

    /// An integer property: a literal, a numeric string, or a `Ref` to a parameter with a
    /// numeric default. Anything else takes `default` with a note.
    fn int(&mut self, id: &str, props: &Map<String, Value>, key: &str, default: u64) -> u64 {
        let Some(v) = props.get(key) else {
            return default;
        };
        if let Some(n) = literal_u64(v) {
            return n;
        }
        if let Some(n) = ref_target(v)
            .and_then(|p| self.params.get(&p))
            .and_then(|p| p.get("Default"))
            .and_then(literal_u64)
        {
            return n;
        }
        self.notes.push(format!(
            "{id}.{key} is not a literal number the estimator can read; assumed {default}"
        ));
        default
    }
}

/// A non-negative integer literal or numeric string.
pub fn literal_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn literal_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The logical id a `Ref` or `Fn::GetAtt` points at.
pub fn ref_target(v: &Value) -> Option<String> {
    Intrinsic::parse(v)
        .ok()
        .flatten()?
        .target()
        .map(str::to_owned)
}

/// A string value as pieces: literals and references, adjacent literals merged.
pub fn pieces(v: &Value) -> Vec<Piece> {
    let mut out = Vec::new();
    collect(v, &mut out);
    merge(out)
}

fn collect(v: &Value, out: &mut Vec<Piece>) {
    match Intrinsic::parse(v) {
        Ok(Some(Intrinsic::Ref(r))) => out.push(Piece::Ref(r.to_string())),
        Ok(Some(Intrinsic::Sub { text, variables })) => sub_pieces(text, variables, out),
        Ok(Some(Intrinsic::Join { delimiter, items })) => match items.as_array() {
            Some(parts) => {
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 && !delimiter.is_empty() {
                        out.push(Piece::Lit(delimiter.to_string()));
                    }
                    collect(part, out);
                }
            }
            None => out.push(Piece::Opaque),
        },
        Ok(Some(_)) | Err(_) => out.push(Piece::Opaque),
        Ok(None) => match v {
            Value::String(s) => out.push(Piece::Lit(s.clone())),
            Value::Number(n) => out.push(Piece::Lit(n.to_string())),
            _ => out.push(Piece::Opaque),
        },
    }
}

fn sub_pieces(text: &str, vars: Option<&Map<String, Value>>, out: &mut Vec<Piece>) {
    for part in parse_sub(text).parts {
        match part {
            SubPart::Text(t) => out.push(Piece::Lit(t.into_owned())),
            SubPart::Var(name) => match vars.and_then(|v| v.get(name)) {
                Some(v) => collect(v, out),
                None => match name.split_once('.') {
                    // `${Res.Attr}` is a GetAtt: it is not the resource's name.
                    Some(_) => out.push(Piece::Opaque),
                    None => out.push(Piece::Ref(name.to_string())),
                },
            },
        }
    }
}

fn merge(ps: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in ps {
        match (out.last_mut(), p) {
            (_, Piece::Lit(s)) if s.is_empty() => {}
            (Some(Piece::Lit(prev)), Piece::Lit(s)) => prev.push_str(&s),
            (_, p) => out.push(p),
        }
    }
    out
}

/// The literal text of `pieces` when it has no references.
pub fn literal(pieces: &[Piece]) -> Option<String> {
    match pieces {
        [Piece::Lit(s)] => Some(s.clone()),
        _ => None,
    }
}

/// The trailing literal of a name (`grocer-dev-orders` from `${Project}-dev-orders`), used to
/// recognise a resource by its physical-name suffix.
pub fn literal_tail(pieces: &[Piece]) -> Option<&str> {
    match pieces.last() {
        Some(Piece::Lit(s)) => Some(s.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_with_intrinsics_become_pieces() {
        let a = pieces(&json!({"Fn::Sub": "/aws/lambda/${CatalogFunction}"}));
        assert_eq!(
            a,
            vec![
                Piece::Lit("/aws/lambda/".into()),
                Piece::Ref("CatalogFunction".into())
            ]
        );
        let b = pieces(&json!({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "CatalogFunction"}]]}));
        assert_eq!(a, b);
        let c = pieces(&json!({"Fn::Sub": ["/aws/lambda/${N}", {"N": "grocer-dev-catalog"}]}));
        assert_eq!(
            literal(&c).as_deref(),
            Some("/aws/lambda/grocer-dev-catalog")
        );
        let d = pieces(&json!({"Fn::Sub": "${AWS::StackName}-x-${Bucket.Arn}"}));
        assert_eq!(
            d,
            vec![
                Piece::Ref("AWS::StackName".into()),
                Piece::Lit("-x-".into()),
                Piece::Opaque
            ]
        );
    }

    #[test]
    fn refs_and_getatts_name_their_target() {
        assert_eq!(ref_target(&json!({"Ref": "A"})).as_deref(), Some("A"));
        assert_eq!(
            ref_target(&json!({"Fn::GetAtt": ["Q", "Arn"]})).as_deref(),
            Some("Q")
        );
        assert_eq!(
            ref_target(&json!({"Fn::GetAtt": "Q.Arn"})).as_deref(),
            Some("Q")
        );
        assert_eq!(ref_target(&json!("arn:aws:sqs:x")), None);
    }

    #[test]
    fn not_a_template_is_refused() {
        assert!(matches!(
            Inventory::read(&json!({"name": "dev"})),
            Err(CostError::NotATemplate { .. })
        ));
    }
}
