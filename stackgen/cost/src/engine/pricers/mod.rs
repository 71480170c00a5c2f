//! One pricer per kind of resource: each turns one resource's facts, the template-wide context
//! and the traffic profile into cost components (quantities and formulas, not yet dollars).
//! Grouped by service family, one file each.

mod always_on;
mod compute;
mod data;
mod edge;
mod finops;
mod messaging;
mod observability;

use super::context::{Context, Notes};
use super::draft::Draft;
use crate::report::FreeResource;
use crate::template::{Facts, Resource};

/// The draft of one resource's month; `None` for a resource without a line of its own (free
/// resources and unknown types, which `notes` lists instead).
pub(super) fn draft(c: &Context, r: &Resource, out: &mut Notes) -> Option<Draft> {
    let mut d = Draft::new(r);
    let d_ = &mut d;
    match &r.facts {
        Facts::Function { .. } => compute::function(c, r, d_, out),
        Facts::EventSourceMapping { .. } => compute::event_source_mapping(c, r, d_, out),
        Facts::ProvisionedConcurrency { .. } => compute::provisioned_concurrency(c, r, d_, out),
        Facts::StateMachine { .. } => compute::state_machine(c, r, d_, out),
        Facts::HttpApi | Facts::RestApi => edge::http_api(c, r, d_, out),
        Facts::WebSocketApi => edge::web_socket_api(c, r, d_, out),
        Facts::RestApiCache => edge::rest_api_cache(c, r, d_, out),
        Facts::CloudFrontFunction => edge::cloud_front_function(c, r, d_, out),
        Facts::UserPool { .. } => edge::user_pool(c, r, d_, out),
        Facts::Distribution { .. } => edge::distribution(c, r, d_, out),
        Facts::WebAcl { .. } => edge::web_acl(c, r, d_, out),
        Facts::HostedZone => edge::hosted_zone(c, r, d_, out),
        Facts::Table { .. } => data::table(c, r, d_, out),
        Facts::Bucket { .. } => data::bucket(c, r, d_, out),
        Facts::KmsKey => data::kms_key(c, r, d_, out),
        Facts::Secret => data::secret(c, r, d_, out),
        Facts::Queue { .. } => messaging::queue(c, r, d_, out),
        Facts::Topic { .. } => messaging::topic(c, r, d_, out),
        Facts::Schedule { .. } => messaging::schedule(c, r, d_, out),
        Facts::EmailIdentity => messaging::email_identity(c, r, d_, out),
        Facts::LogGroup { .. } => observability::log_group(c, r, d_, out),
        Facts::Alarm { .. } => observability::alarm(c, r, d_, out),
        Facts::CompositeAlarm => observability::composite_alarm(c, r, d_, out),
        Facts::Dashboard => observability::dashboard(c, r, d_, out),
        Facts::Budget { .. } => finops::budget(c, r, d_, out),
        Facts::BudgetsAction { .. } => finops::budgets_action(c, r, d_, out),
        Facts::AnomalyMonitor | Facts::AnomalySubscription => {
            finops::anomaly_monitor(c, r, d_, out)
        }
        Facts::NatGateway => always_on::nat_gateway(c, r, d_, out),
        Facts::ElasticIp => always_on::elastic_ip(c, r, d_, out),
        Facts::LoadBalancer { .. } => always_on::load_balancer(c, r, d_, out),
        Facts::VpcEndpoint { .. } => always_on::vpc_endpoint(c, r, d_, out),
        Facts::EksCluster => always_on::eks_cluster(c, r, d_, out),
        Facts::KinesisStream { .. } => always_on::kinesis_stream(c, r, d_, out),
        Facts::HourlyUnpriced { .. } => always_on::hourly_unpriced(c, r, d_, out),
        // Listed as free, without a line: deliveries are priced on the topic, rules' targets
        // on their functions.
        Facts::Subscription { .. } => {
            messaging::subscription(c, r, d_, out);
            return None;
        }
        Facts::EventsRule { .. } => {
            messaging::events_rule(c, r, d_, out);
            return None;
        }
        Facts::Free { why } => {
            out.free_resources.push(FreeResource {
                logical_id: r.logical_id.clone(),
                resource_type: r.resource_type.clone(),
                why: (*why).to_string(),
            });
            return None;
        }
        Facts::Unknown => {
            out.warnings.push(format!(
                "{} ({}) is not priced: the estimator has no rule for this type",
                r.logical_id, r.resource_type
            ));
            return None;
        }
    }
    Some(d)
}
