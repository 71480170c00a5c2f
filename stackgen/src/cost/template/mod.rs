//! Reads a rendered CloudFormation template into the facts that cost money.
//!
//! Like Infracost reading a plan, the estimator reads the one rendered template every command
//! starts from (DESIGN: "there is one definition of the stack"), not the Rust model: what is
//! estimated is exactly what would be deployed, and a template from anywhere can be priced.
//! This module only extracts facts (memory sizes, billing modes, retention, who logs where); the
//! pricing rules live in `engine`.

use serde_json::{Map, Value};

use super::error::CostError;
use crate::model::{Intrinsic, SubPart, parse_sub};

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

    fn facts(&mut self, id: &str, ty: &str, p: &Map<String, Value>) -> Facts {
        match ty {
            "AWS::Lambda::Function" => {
                let arch = match p.get("Architectures").and_then(Value::as_array) {
                    Some(a) if a.iter().any(|x| x.as_str() == Some("arm64")) => Arch::Arm,
                    _ => Arch::X86,
                };
                let ephemeral_mb = p
                    .get("EphemeralStorage")
                    .and_then(|e| e.get("Size"))
                    .and_then(literal_u64)
                    .unwrap_or(512);
                Facts::Function {
                    memory_mb: self.int(id, p, "MemorySize", 128),
                    arch,
                    ephemeral_mb,
                    name: p.get("FunctionName").map(pieces),
                    log_group: p
                        .get("LoggingConfig")
                        .and_then(|l| l.get("LogGroup"))
                        .map(pieces),
                    traced: p
                        .get("TracingConfig")
                        .and_then(|t| t.get("Mode"))
                        .and_then(Value::as_str)
                        == Some("Active"),
                }
            }
            "AWS::Lambda::EventSourceMapping" => {
                let queue = p
                    .get("EventSourceArn")
                    .and_then(ref_target)
                    .filter(|t| self.type_of(t) == Some("AWS::SQS::Queue"));
                let arn_is_sqs_literal = p
                    .get("EventSourceArn")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.starts_with("arn:aws:sqs:"));
                if queue.is_none() && arn_is_sqs_literal {
                    self.notes.push(format!(
                        "{id} polls an SQS queue outside this template; its idle polling is \
                         not priced"
                    ));
                }
                Facts::EventSourceMapping {
                    queue,
                    enabled: p.get("Enabled").and_then(literal_bool).unwrap_or(true),
                    function: p.get("FunctionName").and_then(ref_target),
                    provisioned_pollers: p
                        .get("ProvisionedPollerConfig")
                        .and_then(|c| c.get("MinimumPollers"))
                        .and_then(literal_u64),
                }
            }
            "AWS::ApiGatewayV2::Api" => match p.get("ProtocolType").and_then(Value::as_str) {
                Some("WEBSOCKET") => Facts::WebSocketApi,
                _ => Facts::HttpApi,
            },
            "AWS::ApiGateway::RestApi" => Facts::RestApi,
            "AWS::ApiGateway::Stage" => {
                if p.get("CacheClusterEnabled").and_then(literal_bool) == Some(true) {
                    Facts::RestApiCache
                } else {
                    Facts::Free {
                        why: "API stages have no charge of their own",
                    }
                }
            }
            "AWS::DynamoDB::Table" => {
                let mode = p.get("BillingMode").and_then(Value::as_str);
                let on_demand = mode == Some("PAY_PER_REQUEST");
                if mode.is_none() {
                    self.notes.push(format!(
                        "{id} has no BillingMode: CloudFormation's default is PROVISIONED"
                    ));
                }
                let pt = p.get("ProvisionedThroughput");
                let rcu = pt
                    .and_then(|t| t.get("ReadCapacityUnits"))
                    .and_then(literal_u64)
                    .unwrap_or(0);
                let wcu = pt
                    .and_then(|t| t.get("WriteCapacityUnits"))
                    .and_then(literal_u64)
                    .unwrap_or(0);
                Facts::Table {
                    on_demand,
                    pitr: p
                        .get("PointInTimeRecoverySpecification")
                        .and_then(|s| s.get("PointInTimeRecoveryEnabled"))
                        .and_then(literal_bool)
                        .unwrap_or(false),
                    infrequent_access: p.get("TableClass").and_then(Value::as_str)
                        == Some("STANDARD_INFREQUENT_ACCESS"),
                    global_indexes: p
                        .get("GlobalSecondaryIndexes")
                        .and_then(Value::as_array)
                        .map_or(0, |a| a.len() as u64),
                    provisioned_rcu: rcu,
                    provisioned_wcu: wcu,
                    name: p.get("TableName").map(pieces),
                }
            }
            "AWS::Logs::LogGroup" => Facts::LogGroup {
                retention_days: p.get("RetentionInDays").and_then(literal_u64),
                name: p.get("LogGroupName").map(pieces),
                infrequent_access: p.get("LogGroupClass").and_then(Value::as_str)
                    == Some("INFREQUENT_ACCESS"),
            },
            "AWS::CloudWatch::Alarm" => {
                let period = p.get("Period").and_then(literal_u64);
                let mut high_resolution = period.is_some_and(|s| s < 60);
                let mut metrics = 1;
                if let Some(list) = p.get("Metrics").and_then(Value::as_array) {
                    let stats: Vec<&Value> = list
                        .iter()
                        .filter(|m| m.get("MetricStat").is_some())
                        .collect();
                    metrics = (stats.len() as u64).max(1);
                    if stats.iter().any(|m| {
                        m.get("MetricStat")
                            .and_then(|s| s.get("Period"))
                            .and_then(literal_u64)
                            .is_some_and(|s| s < 60)
                    }) {
                        high_resolution = true;
                    }
                    let anomaly = list.iter().any(|m| {
                        m.get("Expression")
                            .and_then(Value::as_str)
                            .is_some_and(|e| e.contains("ANOMALY_DETECTION_BAND"))
                    });
                    if anomaly {
                        // An anomaly detection alarm is billed as three metrics per metric.
                        metrics *= 3;
                    }
                }
                Facts::Alarm {
                    metrics,
                    high_resolution,
                }
            }
            "AWS::CloudWatch::CompositeAlarm" => Facts::CompositeAlarm,
            "AWS::CloudWatch::Dashboard" => Facts::Dashboard,
            "AWS::CloudFront::Function" => Facts::CloudFrontFunction,
            "AWS::Cognito::UserPool" => Facts::UserPool {
                // A pool without `UserPoolTier` gets Essentials, the default for new pools.
                tier: match p.get("UserPoolTier").and_then(Value::as_str) {
                    Some("LITE") => CognitoTier::Lite,
                    Some("PLUS") => CognitoTier::Plus,
                    _ => CognitoTier::Essentials,
                },
            },
            "AWS::CloudFront::Distribution" => {
                let cfg = p.get("DistributionConfig");
                let mut origin_buckets = Vec::new();
                if let Some(origins) = cfg.and_then(|c| c.get("Origins")).and_then(Value::as_array)
                {
                    for o in origins {
                        if let Some(t) = o.get("DomainName").and_then(ref_target)
                            && self.type_of(&t) == Some("AWS::S3::Bucket")
                            && !origin_buckets.contains(&t)
                        {
                            origin_buckets.push(t);
                        }
                    }
                }
                Facts::Distribution {
                    origin_buckets,
                    web_acl: cfg.and_then(|c| c.get("WebACLId")).is_some(),
                }
            }
            "AWS::S3::Bucket" => Facts::Bucket {
                versioned: p
                    .get("VersioningConfiguration")
                    .and_then(|v| v.get("Status"))
                    .and_then(Value::as_str)
                    == Some("Enabled"),
                name: p.get("BucketName").map(pieces),
            },
            "AWS::SQS::Queue" => Facts::Queue {
                name: p.get("QueueName").map(pieces),
                fifo: p.get("FifoQueue").and_then(literal_bool).unwrap_or(false),
            },
            "AWS::SNS::Topic" => Facts::Topic {
                name: p.get("TopicName").map(pieces),
                inline_protocols: p
                    .get("Subscription")
                    .and_then(Value::as_array)
                    .map(|subs| {
                        subs.iter()
                            .filter_map(|s| s.get("Protocol").and_then(Value::as_str))
                            .map(str::to_lowercase)
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "AWS::SNS::Subscription" => Facts::Subscription {
                topic: p.get("TopicArn").and_then(ref_target),
                protocol: p
                    .get("Protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_lowercase(),
            },
            "AWS::Budgets::Budget" => {
                let b = p.get("Budget");
                let monthly_cost = b.and_then(|b| b.get("BudgetType")).and_then(Value::as_str)
                    == Some("COST")
                    && b.and_then(|b| b.get("TimeUnit")).and_then(Value::as_str) == Some("MONTHLY");
                let limit = b.and_then(|b| b.get("BudgetLimit"));
                let unit_usd = limit
                    .and_then(|l| l.get("Unit"))
                    .and_then(Value::as_str)
                    .is_none_or(|u| u == "USD");
                let amount = limit.and_then(|l| l.get("Amount")).and_then(|a| match a {
                    Value::Number(n) => Some(n.to_string()),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                });
                Facts::Budget {
                    limit_usd: if monthly_cost && unit_usd {
                        amount
                    } else {
                        None
                    },
                    name: b
                        .and_then(|b| b.get("BudgetName"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                }
            }
            "AWS::Budgets::BudgetsAction" => Facts::BudgetsAction {
                budget: p
                    .get("BudgetName")
                    .and_then(|v| v.as_str().map(str::to_string).or_else(|| ref_target(v))),
            },
            "AWS::CE::AnomalyMonitor" => Facts::AnomalyMonitor,
            "AWS::CE::AnomalySubscription" => Facts::AnomalySubscription,
            "AWS::SES::EmailIdentity" => Facts::EmailIdentity,
            "AWS::Scheduler::Schedule" => Facts::Schedule {
                expression: p
                    .get("ScheduleExpression")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                enabled: p.get("State").and_then(Value::as_str) != Some("DISABLED"),
                target_function: p
                    .get("Target")
                    .and_then(|t| t.get("Arn"))
                    .and_then(ref_target)
                    .filter(|t| self.type_of(t) == Some("AWS::Lambda::Function")),
            },
            "AWS::Events::Rule" => Facts::EventsRule {
                schedule: p
                    .get("ScheduleExpression")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                enabled: p.get("State").and_then(Value::as_str) != Some("DISABLED"),
                target_functions: p
                    .get("Targets")
                    .and_then(Value::as_array)
                    .map(|ts| {
                        ts.iter()
                            .filter_map(|t| t.get("Arn").and_then(ref_target))
                            .filter(|t| self.type_of(t) == Some("AWS::Lambda::Function"))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "AWS::KMS::Key" => Facts::KmsKey,
            "AWS::SecretsManager::Secret" => Facts::Secret,
            "AWS::StepFunctions::StateMachine" => Facts::StateMachine {
                express: p.get("StateMachineType").and_then(Value::as_str) == Some("EXPRESS"),
            },
            "AWS::Lambda::Alias" | "AWS::Lambda::Version" => {
                match p
                    .get("ProvisionedConcurrencyConfig")
                    .and_then(|c| c.get("ProvisionedConcurrentExecutions"))
                    .and_then(literal_u64)
                {
                    Some(n) if n > 0 => Facts::ProvisionedConcurrency {
                        function: p.get("FunctionName").and_then(ref_target),
                        executions: n,
                    },
                    _ => Facts::Free {
                        why: "versions and aliases without provisioned concurrency are free",
                    },
                }
            }
            "AWS::EC2::NatGateway" => Facts::NatGateway,
            "AWS::EC2::EIP" => Facts::ElasticIp,
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => Facts::LoadBalancer {
                network: p.get("Type").and_then(Value::as_str) == Some("network"),
            },
            "AWS::ElasticLoadBalancing::LoadBalancer" => Facts::HourlyUnpriced {
                why: "Classic Load Balancer, billed per hour",
            },
            "AWS::EC2::VPCEndpoint" => Facts::VpcEndpoint {
                interface: p.get("VpcEndpointType").and_then(Value::as_str) == Some("Interface"),
                subnets: p
                    .get("SubnetIds")
                    .and_then(Value::as_array)
                    .map_or(1, |s| (s.len() as u64).max(1)),
            },
            "AWS::EKS::Cluster" => Facts::EksCluster,
            "AWS::Kinesis::Stream" => {
                let on_demand = p
                    .get("StreamModeDetails")
                    .and_then(|m| m.get("StreamMode"))
                    .and_then(Value::as_str)
                    == Some("ON_DEMAND");
                Facts::KinesisStream {
                    shards: p.get("ShardCount").and_then(literal_u64).unwrap_or(1),
                    on_demand,
                }
            }
            "AWS::WAFv2::WebACL" => Facts::WebAcl {
                rules: p
                    .get("Rules")
                    .and_then(Value::as_array)
                    .map_or(0, |r| r.len() as u64),
                cloudfront: p.get("Scope").and_then(Value::as_str) == Some("CLOUDFRONT"),
            },
            "AWS::Route53::HostedZone" => Facts::HostedZone,
            // "Route 53 doesn't charge for alias queries to AWS resources" ("Choosing between
            // alias and non-alias records", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html).
            "AWS::Route53::RecordSet" if p.get("AliasTarget").is_some() => Facts::Free {
                why: "alias records answer queries for AWS resources (CloudFront) free of charge",
            },
            t => classify_other(t),
        }
    }
}

/// Types priced by the hour (or month) that the table does not price, and types with no
/// charge of their own.
fn classify_other(t: &str) -> Facts {
    let hourly: &[(&str, &'static str)] = &[
        (
            "AWS::EC2::Instance",
            "EC2 instance, billed per second while running",
        ),
        (
            "AWS::AutoScaling::AutoScalingGroup",
            "EC2 instances of the group, billed while running",
        ),
        (
            "AWS::RDS::DBInstance",
            "RDS instance, billed per hour while it exists",
        ),
        (
            "AWS::RDS::DBCluster",
            "Aurora/RDS cluster: instances or capacity units billed per hour",
        ),
        (
            "AWS::ElastiCache::CacheCluster",
            "ElastiCache nodes, billed per hour",
        ),
        (
            "AWS::ElastiCache::ReplicationGroup",
            "ElastiCache nodes, billed per hour",
        ),
        (
            "AWS::ElastiCache::ServerlessCache",
            "ElastiCache Serverless, minimum storage billed per hour",
        ),
        (
            "AWS::OpenSearchService::Domain",
            "OpenSearch instances, billed per hour",
        ),
        (
            "AWS::Elasticsearch::Domain",
            "Elasticsearch instances, billed per hour",
        ),
        ("AWS::Redshift::Cluster", "Redshift nodes, billed per hour"),
        ("AWS::MSK::Cluster", "MSK brokers, billed per hour"),
        (
            "AWS::DocDB::DBInstance",
            "DocumentDB instance, billed per hour",
        ),
        (
            "AWS::Neptune::DBInstance",
            "Neptune instance, billed per hour",
        ),
        (
            "AWS::ECS::Service",
            "ECS tasks (Fargate or EC2), billed while running",
        ),
        (
            "AWS::SageMaker::Endpoint",
            "SageMaker endpoint instances, billed per hour",
        ),
        (
            "AWS::EC2::TransitGatewayAttachment",
            "Transit Gateway attachment, billed per hour",
        ),
        (
            "AWS::EC2::VPNConnection",
            "Site-to-site VPN connection, billed per hour",
        ),
        (
            "AWS::EC2::ClientVpnEndpoint",
            "Client VPN endpoint association, billed per hour",
        ),
        (
            "AWS::DirectoryService::MicrosoftAD",
            "Managed directory, billed per hour",
        ),
        (
            "AWS::GlobalAccelerator::Accelerator",
            "Global Accelerator, billed per hour",
        ),
        ("AWS::AmazonMQ::Broker", "Amazon MQ broker, billed per hour"),
        (
            "AWS::EMR::Cluster",
            "EMR cluster instances, billed per second",
        ),
        (
            "AWS::NetworkFirewall::Firewall",
            "Network Firewall endpoint, billed per hour",
        ),
        (
            "AWS::Lightsail::Instance",
            "Lightsail instance, billed per month",
        ),
    ];
    if let Some((_, why)) = hourly.iter().find(|(ty, _)| *ty == t) {
        return Facts::HourlyUnpriced { why };
    }
    let free: &[(&str, &'static str)] = &[
        ("AWS::IAM::Role", "IAM is free"),
        (
            "AWS::Cognito::UserPoolClient",
            "app clients are free (their users are billed to the pool)",
        ),
        ("AWS::Cognito::UserPoolGroup", "groups are free"),
        ("AWS::IAM::Policy", "IAM is free"),
        ("AWS::IAM::ManagedPolicy", "IAM is free"),
        ("AWS::IAM::InstanceProfile", "IAM is free"),
        ("AWS::Lambda::Permission", "permissions are free"),
        (
            "AWS::Lambda::EventInvokeConfig",
            "invoke configuration is free",
        ),
        (
            "AWS::Lambda::LayerVersion",
            "layers are free (storage counts toward code storage)",
        ),
        (
            "AWS::Lambda::Url",
            "function URLs are free; invocations are billed to the function",
        ),
        (
            "AWS::ApiGatewayV2::Stage",
            "stages are free; requests are billed to the API",
        ),
        (
            "AWS::ApiGatewayV2::Route",
            "routes are free; requests are billed to the API",
        ),
        ("AWS::ApiGatewayV2::Integration", "integrations are free"),
        (
            "AWS::ApiGatewayV2::Authorizer",
            "authorizers are free (their function is billed)",
        ),
        ("AWS::ApiGatewayV2::Deployment", "deployments are free"),
        ("AWS::ApiGateway::Resource", "REST resources are free"),
        ("AWS::ApiGateway::Method", "REST methods are free"),
        ("AWS::ApiGateway::Deployment", "deployments are free"),
        ("AWS::S3::BucketPolicy", "bucket policies are free"),
        ("AWS::SQS::QueuePolicy", "queue policies are free"),
        ("AWS::SNS::TopicPolicy", "topic policies are free"),
        (
            "AWS::CloudFront::OriginAccessControl",
            "origin access control is free",
        ),
        ("AWS::CloudFront::CachePolicy", "cache policies are free"),
        (
            "AWS::CloudFront::OriginRequestPolicy",
            "origin request policies are free",
        ),
        (
            "AWS::CloudFront::ResponseHeadersPolicy",
            "response headers policies are free",
        ),
        (
            "AWS::WAFv2::WebACLAssociation",
            "associations are free (the web ACL is billed)",
        ),
        ("AWS::KMS::Alias", "aliases are free"),
        (
            "AWS::Logs::MetricFilter",
            "metric filters are free (a metric they publish is a custom metric)",
        ),
        (
            "AWS::Logs::SubscriptionFilter",
            "subscription filters are free (the destination is billed)",
        ),
        ("AWS::Scheduler::ScheduleGroup", "schedule groups are free"),
        (
            "AWS::Logs::QueryDefinition",
            "saved queries are free; running one bills the log data it scans",
        ),
        ("AWS::SSM::Parameter", "standard parameters are free"),
        ("AWS::CloudFormation::WaitConditionHandle", "free"),
        ("AWS::CloudFormation::WaitCondition", "free"),
        ("AWS::EC2::VPC", "VPCs are free"),
        ("AWS::EC2::Subnet", "subnets are free"),
        ("AWS::EC2::RouteTable", "route tables are free"),
        ("AWS::EC2::Route", "routes are free"),
        ("AWS::EC2::SubnetRouteTableAssociation", "free"),
        ("AWS::EC2::SecurityGroup", "security groups are free"),
        ("AWS::EC2::SecurityGroupIngress", "free"),
        ("AWS::EC2::SecurityGroupEgress", "free"),
        (
            "AWS::EC2::InternetGateway",
            "internet gateways are free (data transfer is billed)",
        ),
        ("AWS::EC2::VPCGatewayAttachment", "free"),
        (
            "AWS::CertificateManager::Certificate",
            "public ACM certificates are free",
        ),
        (
            "AWS::Route53::RecordSet",
            "records are free (queries are billed, not estimated)",
        ),
        ("AWS::ResourceGroups::Group", "resource groups are free"),
        ("AWS::CE::CostCategory", "cost categories are free"),
    ];
    if let Some((_, why)) = free.iter().find(|(ty, _)| *ty == t) {
        return Facts::Free { why };
    }
    Facts::Unknown
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
