//! One reader per kind of resource: the properties each resource type's price depends on.

use serde_json::{Map, Value};

use super::kinds::classify_other;
use super::{Arch, CognitoTier, Facts, Reader, literal_bool, literal_u64, pieces, ref_target};

type Props = Map<String, Value>;

impl Reader<'_> {
    pub(super) fn facts(&mut self, id: &str, ty: &str, p: &Props) -> Facts {
        match ty {
            "AWS::Lambda::Function" => self.function(id, p),
            "AWS::Lambda::EventSourceMapping" => self.event_source_mapping(id, p),
            "AWS::Lambda::Alias" | "AWS::Lambda::Version" => provisioned_concurrency(p),
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
            "AWS::DynamoDB::Table" => self.table(id, p),
            "AWS::Logs::LogGroup" => Facts::LogGroup {
                retention_days: p.get("RetentionInDays").and_then(literal_u64),
                name: p.get("LogGroupName").map(pieces),
                infrequent_access: p.get("LogGroupClass").and_then(Value::as_str)
                    == Some("INFREQUENT_ACCESS"),
            },
            "AWS::CloudWatch::Alarm" => alarm(p),
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
            "AWS::CloudFront::Distribution" => self.distribution(p),
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
            "AWS::SNS::Topic" => topic(p),
            "AWS::SNS::Subscription" => Facts::Subscription {
                topic: p.get("TopicArn").and_then(ref_target),
                protocol: p
                    .get("Protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_lowercase(),
            },
            "AWS::Budgets::Budget" => budget(p),
            "AWS::Budgets::BudgetsAction" => Facts::BudgetsAction {
                budget: p
                    .get("BudgetName")
                    .and_then(|v| v.as_str().map(str::to_string).or_else(|| ref_target(v))),
            },
            "AWS::CE::AnomalyMonitor" => Facts::AnomalyMonitor,
            "AWS::CE::AnomalySubscription" => Facts::AnomalySubscription,
            "AWS::SES::EmailIdentity" => Facts::EmailIdentity,
            "AWS::Scheduler::Schedule" => self.schedule(p),
            "AWS::Events::Rule" => self.events_rule(p),
            "AWS::KMS::Key" => Facts::KmsKey,
            "AWS::SecretsManager::Secret" => Facts::Secret,
            "AWS::StepFunctions::StateMachine" => Facts::StateMachine {
                express: p.get("StateMachineType").and_then(Value::as_str) == Some("EXPRESS"),
            },
            t => network(t, p),
        }
    }

    fn function(&mut self, id: &str, p: &Props) -> Facts {
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

    fn event_source_mapping(&mut self, id: &str, p: &Props) -> Facts {
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
                "{id} polls an SQS queue outside this template; its idle polling is not priced"
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

    fn table(&mut self, id: &str, p: &Props) -> Facts {
        let mode = p.get("BillingMode").and_then(Value::as_str);
        if mode.is_none() {
            self.notes.push(format!(
                "{id} has no BillingMode: CloudFormation's default is PROVISIONED"
            ));
        }
        let capacity = |key: &str| {
            p.get("ProvisionedThroughput")
                .and_then(|t| t.get(key))
                .and_then(literal_u64)
                .unwrap_or(0)
        };
        Facts::Table {
            on_demand: mode == Some("PAY_PER_REQUEST"),
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
            provisioned_rcu: capacity("ReadCapacityUnits"),
            provisioned_wcu: capacity("WriteCapacityUnits"),
            name: p.get("TableName").map(pieces),
        }
    }

    fn distribution(&self, p: &Props) -> Facts {
        let cfg = p.get("DistributionConfig");
        let mut origin_buckets = Vec::new();
        let origins = cfg.and_then(|c| c.get("Origins")).and_then(Value::as_array);
        for o in origins.into_iter().flatten() {
            if let Some(t) = o.get("DomainName").and_then(ref_target)
                && self.type_of(&t) == Some("AWS::S3::Bucket")
                && !origin_buckets.contains(&t)
            {
                origin_buckets.push(t);
            }
        }
        Facts::Distribution {
            origin_buckets,
            web_acl: cfg.and_then(|c| c.get("WebACLId")).is_some(),
        }
    }

    fn schedule(&self, p: &Props) -> Facts {
        Facts::Schedule {
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
        }
    }

    fn events_rule(&self, p: &Props) -> Facts {
        Facts::EventsRule {
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
        }
    }
}

fn provisioned_concurrency(p: &Props) -> Facts {
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

fn alarm(p: &Props) -> Facts {
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

fn topic(p: &Props) -> Facts {
    Facts::Topic {
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
    }
}

fn budget(p: &Props) -> Facts {
    let b = p.get("Budget");
    let text = |key: &str| b.and_then(|b| b.get(key)).and_then(Value::as_str);
    let monthly_cost = text("BudgetType") == Some("COST") && text("TimeUnit") == Some("MONTHLY");
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
        name: text("BudgetName").map(str::to_string),
    }
}

/// Networking, containers, streams and the edge; anything else is classified by type alone.
fn network(t: &str, p: &Props) -> Facts {
    match t {
        "AWS::EC2::NatGateway" => Facts::NatGateway,
        "AWS::EC2::EIP" => Facts::ElasticIp,
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => Facts::LoadBalancer {
            network: p.get("Type").and_then(Value::as_str) == Some("network"),
        },
        "AWS::EC2::VPCEndpoint" => Facts::VpcEndpoint {
            interface: p.get("VpcEndpointType").and_then(Value::as_str) == Some("Interface"),
            subnets: p
                .get("SubnetIds")
                .and_then(Value::as_array)
                .map_or(1, |s| (s.len() as u64).max(1)),
        },
        "AWS::EKS::Cluster" => Facts::EksCluster,
        "AWS::Kinesis::Stream" => Facts::KinesisStream {
            shards: p.get("ShardCount").and_then(literal_u64).unwrap_or(1),
            on_demand: p
                .get("StreamModeDetails")
                .and_then(|m| m.get("StreamMode"))
                .and_then(Value::as_str)
                == Some("ON_DEMAND"),
        },
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
