//! One reader per kind of resource: the properties each resource type's price depends on.
//!
//! Type and property names are the model's generated constants (`lambda::FUNCTION_TYPE_NAME`,
//! `lambda::props::function::MEMORY_SIZE`), taken from AWS's resource schemas: a property the
//! schema does not declare, or a type the model does not know, does not compile. The values
//! compared (`"PAY_PER_REQUEST"`, `"arm64"`) are the schemas' enumerations, written as text
//! because the reader takes any template, not only the typed model's.

use serde_json::{Map, Value};
use stackgen_facts::generated::{
    apigateway, apigatewayv2, budgets, ce, cloudfront, cloudwatch, cognito, dynamodb, ec2, eks,
    elasticloadbalancingv2, events, kinesis, kms, lambda, logs, route53, s3, scheduler,
    secretsmanager, ses, sns, sqs, stepfunctions, wafv2,
};

use super::kinds::classify_other;
use super::{Arch, CognitoTier, Facts, Reader, literal_bool, literal_u64, pieces, ref_target};

type Props = Map<String, Value>;

impl Reader<'_> {
    pub(super) fn facts(&mut self, id: &str, ty: &str, p: &Props) -> Facts {
        match ty {
            lambda::FUNCTION_TYPE_NAME => self.function(id, p),
            lambda::EVENT_SOURCE_MAPPING_TYPE_NAME => self.event_source_mapping(id, p),
            lambda::ALIAS_TYPE_NAME => alias(p),
            lambda::VERSION_TYPE_NAME => version(p),
            apigatewayv2::API_TYPE_NAME => api(p),
            apigateway::REST_API_TYPE_NAME => Facts::RestApi,
            apigateway::STAGE_TYPE_NAME => rest_stage(p),
            dynamodb::TABLE_TYPE_NAME => self.table(id, p),
            logs::LOG_GROUP_TYPE_NAME => log_group(p),
            cloudwatch::ALARM_TYPE_NAME => alarm(p),
            cloudwatch::COMPOSITE_ALARM_TYPE_NAME => Facts::CompositeAlarm,
            cloudwatch::DASHBOARD_TYPE_NAME => Facts::Dashboard,
            cloudfront::FUNCTION_TYPE_NAME => Facts::CloudFrontFunction,
            cognito::USER_POOL_TYPE_NAME => user_pool(p),
            cloudfront::DISTRIBUTION_TYPE_NAME => self.distribution(p),
            s3::BUCKET_TYPE_NAME => bucket(p),
            sqs::QUEUE_TYPE_NAME => queue(p),
            sns::TOPIC_TYPE_NAME => topic(p),
            sns::SUBSCRIPTION_TYPE_NAME => subscription(p),
            budgets::BUDGET_TYPE_NAME => budget(p),
            budgets::BUDGETS_ACTION_TYPE_NAME => budgets_action(p),
            ce::ANOMALY_MONITOR_TYPE_NAME => Facts::AnomalyMonitor,
            ce::ANOMALY_SUBSCRIPTION_TYPE_NAME => Facts::AnomalySubscription,
            ses::EMAIL_IDENTITY_TYPE_NAME => Facts::EmailIdentity,
            scheduler::SCHEDULE_TYPE_NAME => self.schedule(p),
            events::RULE_TYPE_NAME => self.events_rule(p),
            kms::KEY_TYPE_NAME => Facts::KmsKey,
            secretsmanager::SECRET_TYPE_NAME => Facts::Secret,
            stepfunctions::STATE_MACHINE_TYPE_NAME => state_machine(p),
            t => network(t, p),
        }
    }

    fn function(&mut self, id: &str, p: &Props) -> Facts {
        use lambda::props::function as f;
        let arch = match p.get(f::ARCHITECTURES).and_then(Value::as_array) {
            Some(a) if a.iter().any(|x| x.as_str() == Some("arm64")) => Arch::Arm,
            _ => Arch::X86,
        };
        let ephemeral_mb = p
            .get(f::EPHEMERAL_STORAGE)
            .and_then(|e| e.get(f::ephemeral_storage::SIZE))
            .and_then(literal_u64)
            .unwrap_or(512);
        Facts::Function {
            memory_mb: self.int(id, p, f::MEMORY_SIZE, 128),
            arch,
            ephemeral_mb,
            name: p.get(f::FUNCTION_NAME).map(pieces),
            log_group: p
                .get(f::LOGGING_CONFIG)
                .and_then(|l| l.get(f::logging_config::LOG_GROUP))
                .map(pieces),
            traced: p
                .get(f::TRACING_CONFIG)
                .and_then(|t| t.get(f::tracing_config::MODE))
                .and_then(Value::as_str)
                == Some("Active"),
            sends_email: p
                .get(f::ROLE)
                .and_then(ref_target)
                .and_then(|role| self.resources.get(&role))
                .is_some_and(role_sends_email),
        }
    }

    fn event_source_mapping(&mut self, id: &str, p: &Props) -> Facts {
        use lambda::props::event_source_mapping as m;
        let source = p.get(m::EVENT_SOURCE_ARN);
        let queue = source
            .and_then(ref_target)
            .filter(|t| self.type_of(t) == Some(sqs::QUEUE_TYPE_NAME));
        let arn_is_sqs_literal = source
            .and_then(Value::as_str)
            .is_some_and(|s| s.starts_with("arn:aws:sqs:"));
        if queue.is_none() && arn_is_sqs_literal {
            self.notes.push(format!(
                "{id} polls an SQS queue outside this template; its idle polling is not priced"
            ));
        }
        Facts::EventSourceMapping {
            queue,
            enabled: p.get(m::ENABLED).and_then(literal_bool).unwrap_or(true),
            function: p.get(m::FUNCTION_NAME).and_then(ref_target),
            provisioned_pollers: p
                .get(m::PROVISIONED_POLLER_CONFIG)
                .and_then(|c| c.get(m::provisioned_poller_config::MINIMUM_POLLERS))
                .and_then(literal_u64),
        }
    }

    fn table(&mut self, id: &str, p: &Props) -> Facts {
        use dynamodb::props::table as t;
        let mode = p.get(t::BILLING_MODE).and_then(Value::as_str);
        if mode.is_none() {
            self.notes.push(format!(
                "{id} has no BillingMode: CloudFormation's default is PROVISIONED"
            ));
        }
        let capacity = |key: &str| {
            p.get(t::PROVISIONED_THROUGHPUT)
                .and_then(|c| c.get(key))
                .and_then(literal_u64)
                .unwrap_or(0)
        };
        Facts::Table {
            on_demand: mode == Some("PAY_PER_REQUEST"),
            pitr: p
                .get(t::POINT_IN_TIME_RECOVERY_SPECIFICATION)
                .and_then(|s| {
                    s.get(t::point_in_time_recovery_specification::POINT_IN_TIME_RECOVERY_ENABLED)
                })
                .and_then(literal_bool)
                .unwrap_or(false),
            infrequent_access: p.get(t::TABLE_CLASS).and_then(Value::as_str)
                == Some("STANDARD_INFREQUENT_ACCESS"),
            global_indexes: p
                .get(t::GLOBAL_SECONDARY_INDEXES)
                .and_then(Value::as_array)
                .map_or(0, |a| a.len() as u64),
            provisioned_rcu: capacity(t::provisioned_throughput::READ_CAPACITY_UNITS),
            provisioned_wcu: capacity(t::provisioned_throughput::WRITE_CAPACITY_UNITS),
            name: p.get(t::TABLE_NAME).map(pieces),
        }
    }

    fn distribution(&self, p: &Props) -> Facts {
        use cloudfront::props::distribution as d;
        let cfg = p.get(d::DISTRIBUTION_CONFIG);
        let mut origin_buckets = Vec::new();
        let origins = cfg
            .and_then(|c| c.get(d::distribution_config::ORIGINS))
            .and_then(Value::as_array);
        for o in origins.into_iter().flatten() {
            if let Some(t) = o.get(d::origin::DOMAIN_NAME).and_then(ref_target)
                && self.type_of(&t) == Some(s3::BUCKET_TYPE_NAME)
                && !origin_buckets.contains(&t)
            {
                origin_buckets.push(t);
            }
        }
        Facts::Distribution {
            origin_buckets,
            web_acl: cfg
                .and_then(|c| c.get(d::distribution_config::WEB_ACL_ID))
                .is_some(),
        }
    }

    fn schedule(&self, p: &Props) -> Facts {
        use scheduler::props::schedule as s;
        Facts::Schedule {
            expression: p
                .get(s::SCHEDULE_EXPRESSION)
                .and_then(Value::as_str)
                .map(str::to_string),
            enabled: p.get(s::STATE).and_then(Value::as_str) != Some("DISABLED"),
            target_function: p
                .get(s::TARGET)
                .and_then(|t| t.get(s::target::ARN))
                .and_then(ref_target)
                .filter(|t| self.type_of(t) == Some(lambda::FUNCTION_TYPE_NAME)),
        }
    }

    fn events_rule(&self, p: &Props) -> Facts {
        use events::props::rule as r;
        Facts::EventsRule {
            schedule: p
                .get(r::SCHEDULE_EXPRESSION)
                .and_then(Value::as_str)
                .map(str::to_string),
            enabled: p.get(r::STATE).and_then(Value::as_str) != Some("DISABLED"),
            target_functions: p
                .get(r::TARGETS)
                .and_then(Value::as_array)
                .map(|ts| {
                    ts.iter()
                        .filter_map(|t| t.get(r::target::ARN).and_then(ref_target))
                        .filter(|t| self.type_of(t) == Some(lambda::FUNCTION_TYPE_NAME))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

fn alias(p: &Props) -> Facts {
    use lambda::props::alias as a;
    use lambda::props::alias::provisioned_concurrency_configuration as c;
    provisioned_concurrency(
        p.get(a::PROVISIONED_CONCURRENCY_CONFIG)
            .and_then(|v| v.get(c::PROVISIONED_CONCURRENT_EXECUTIONS)),
        p.get(a::FUNCTION_NAME),
    )
}

fn version(p: &Props) -> Facts {
    use lambda::props::version as v;
    use lambda::props::version::provisioned_concurrency_configuration as c;
    provisioned_concurrency(
        p.get(v::PROVISIONED_CONCURRENCY_CONFIG)
            .and_then(|x| x.get(c::PROVISIONED_CONCURRENT_EXECUTIONS)),
        p.get(v::FUNCTION_NAME),
    )
}

fn api(p: &Props) -> Facts {
    match p
        .get(apigatewayv2::props::api::PROTOCOL_TYPE)
        .and_then(Value::as_str)
    {
        Some("WEBSOCKET") => Facts::WebSocketApi,
        _ => Facts::HttpApi,
    }
}

fn rest_stage(p: &Props) -> Facts {
    let cache = p.get(apigateway::props::stage::CACHE_CLUSTER_ENABLED);
    if cache.and_then(literal_bool) == Some(true) {
        Facts::RestApiCache
    } else {
        Facts::Free {
            why: "API stages have no charge of their own",
        }
    }
}

fn user_pool(p: &Props) -> Facts {
    Facts::UserPool {
        // A pool without `UserPoolTier` gets Essentials, the default for new pools.
        tier: match p
            .get(cognito::props::user_pool::USER_POOL_TIER)
            .and_then(Value::as_str)
        {
            Some("LITE") => CognitoTier::Lite,
            Some("PLUS") => CognitoTier::Plus,
            _ => CognitoTier::Essentials,
        },
    }
}

fn queue(p: &Props) -> Facts {
    use sqs::props::queue as q;
    Facts::Queue {
        name: p.get(q::QUEUE_NAME).map(pieces),
        fifo: p.get(q::FIFO_QUEUE).and_then(literal_bool).unwrap_or(false),
    }
}

fn budgets_action(p: &Props) -> Facts {
    Facts::BudgetsAction {
        budget: p
            .get(budgets::props::budgets_action::BUDGET_NAME)
            .and_then(|v| v.as_str().map(str::to_string).or_else(|| ref_target(v))),
    }
}

fn state_machine(p: &Props) -> Facts {
    Facts::StateMachine {
        express: p
            .get(stepfunctions::props::state_machine::STATE_MACHINE_TYPE)
            .and_then(Value::as_str)
            == Some("EXPRESS"),
    }
}

/// A version's or an alias's provisioned concurrency: its number of executions, and the
/// function it belongs to.
fn provisioned_concurrency(executions: Option<&Value>, function: Option<&Value>) -> Facts {
    match executions.and_then(literal_u64) {
        Some(n) if n > 0 => Facts::ProvisionedConcurrency {
            function: function.and_then(ref_target),
            executions: n,
        },
        _ => Facts::Free {
            why: "versions and aliases without provisioned concurrency are free",
        },
    }
}

fn log_group(p: &Props) -> Facts {
    use logs::props::log_group as g;
    Facts::LogGroup {
        retention_days: p.get(g::RETENTION_IN_DAYS).and_then(literal_u64),
        name: p.get(g::LOG_GROUP_NAME).map(pieces),
        infrequent_access: p.get(g::LOG_GROUP_CLASS).and_then(Value::as_str)
            == Some("INFREQUENT_ACCESS"),
    }
}

fn bucket(p: &Props) -> Facts {
    use s3::props::bucket as b;
    Facts::Bucket {
        versioned: p
            .get(b::VERSIONING_CONFIGURATION)
            .and_then(|v| v.get(b::versioning_configuration::STATUS))
            .and_then(Value::as_str)
            == Some("Enabled"),
        name: p.get(b::BUCKET_NAME).map(pieces),
    }
}

fn alarm(p: &Props) -> Facts {
    use cloudwatch::props::alarm as a;
    let period = p.get(a::PERIOD).and_then(literal_u64);
    let mut high_resolution = period.is_some_and(|s| s < 60);
    let mut metrics = 1;
    if let Some(list) = p.get(a::METRICS).and_then(Value::as_array) {
        let stats: Vec<&Value> = list
            .iter()
            .filter_map(|m| m.get(a::metric_data_query::METRIC_STAT))
            .collect();
        metrics = (stats.len() as u64).max(1);
        if stats.iter().any(|s| {
            s.get(a::metric_stat::PERIOD)
                .and_then(literal_u64)
                .is_some_and(|s| s < 60)
        }) {
            high_resolution = true;
        }
        let anomaly = list.iter().any(|m| {
            m.get(a::metric_data_query::EXPRESSION)
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
    use sns::props::topic as t;
    Facts::Topic {
        name: p.get(t::TOPIC_NAME).map(pieces),
        inline_protocols: p
            .get(t::SUBSCRIPTION)
            .and_then(Value::as_array)
            .map(|subs| {
                subs.iter()
                    .filter_map(|s| s.get(t::subscription::PROTOCOL).and_then(Value::as_str))
                    .map(str::to_lowercase)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn subscription(p: &Props) -> Facts {
    use sns::props::subscription as s;
    Facts::Subscription {
        topic: p.get(s::TOPIC_ARN).and_then(ref_target),
        protocol: p
            .get(s::PROTOCOL)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase(),
    }
}

fn budget(p: &Props) -> Facts {
    use budgets::props::budget as b;
    let data = p.get(b::BUDGET);
    let text = |key: &str| data.and_then(|d| d.get(key)).and_then(Value::as_str);
    let monthly_cost = text(b::budget_data::BUDGET_TYPE) == Some("COST")
        && text(b::budget_data::TIME_UNIT) == Some("MONTHLY");
    let limit = data.and_then(|d| d.get(b::budget_data::BUDGET_LIMIT));
    let unit_usd = limit
        .and_then(|l| l.get(b::spend::UNIT))
        .and_then(Value::as_str)
        .is_none_or(|u| u == "USD");
    let amount = limit
        .and_then(|l| l.get(b::spend::AMOUNT))
        .and_then(|a| match a {
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
        name: text(b::budget_data::BUDGET_NAME).map(str::to_string),
    }
}

/// Networking, containers, streams and the edge; anything else is classified by type alone.
fn network(t: &str, p: &Props) -> Facts {
    match t {
        ec2::NAT_GATEWAY_TYPE_NAME => Facts::NatGateway,
        ec2::EIP_TYPE_NAME => Facts::ElasticIp,
        elasticloadbalancingv2::LOAD_BALANCER_TYPE_NAME => Facts::LoadBalancer {
            network: p
                .get(elasticloadbalancingv2::props::load_balancer::TYPE)
                .and_then(Value::as_str)
                == Some("network"),
        },
        ec2::VPC_ENDPOINT_TYPE_NAME => {
            use ec2::props::vpc_endpoint as e;
            Facts::VpcEndpoint {
                interface: p.get(e::VPC_ENDPOINT_TYPE).and_then(Value::as_str) == Some("Interface"),
                subnets: p
                    .get(e::SUBNET_IDS)
                    .and_then(Value::as_array)
                    .map_or(1, |s| (s.len() as u64).max(1)),
            }
        }
        eks::CLUSTER_TYPE_NAME => Facts::EksCluster,
        kinesis::STREAM_TYPE_NAME => {
            use kinesis::props::stream as s;
            Facts::KinesisStream {
                shards: p.get(s::SHARD_COUNT).and_then(literal_u64).unwrap_or(1),
                on_demand: p
                    .get(s::STREAM_MODE_DETAILS)
                    .and_then(|m| m.get(s::stream_mode_details::STREAM_MODE))
                    .and_then(Value::as_str)
                    == Some("ON_DEMAND"),
            }
        }
        wafv2::WEB_ACL_TYPE_NAME => {
            use wafv2::props::web_acl as w;
            Facts::WebAcl {
                rules: p
                    .get(w::RULES)
                    .and_then(Value::as_array)
                    .map_or(0, |r| r.len() as u64),
                cloudfront: p.get(w::SCOPE).and_then(Value::as_str) == Some("CLOUDFRONT"),
            }
        }
        route53::HOSTED_ZONE_TYPE_NAME => Facts::HostedZone,
        // "Route 53 doesn't charge for alias queries to AWS resources" ("Choosing between
        // alias and non-alias records", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html).
        route53::RECORD_SET_TYPE_NAME
            if p.get(route53::props::record_set::ALIAS_TARGET).is_some() =>
        {
            Facts::Free {
                why: "alias records answer queries for AWS resources (CloudFront) free of charge",
            }
        }
        t => classify_other(t),
    }
}

/// Whether an `AWS::IAM::Role`'s inline policies allow sending email with SES.
fn role_sends_email(role: &Value) -> bool {
    let as_list = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(items)) => items.clone(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        }
    };
    as_list(role.pointer("/Properties/Policies"))
        .iter()
        .flat_map(|p| as_list(p.pointer("/PolicyDocument/Statement")))
        .filter(|st| st.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .flat_map(|st| as_list(st.get("Action")))
        .any(|a| matches!(a.as_str(), Some("ses:SendEmail" | "ses:SendRawEmail")))
}
