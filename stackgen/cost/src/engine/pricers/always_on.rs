//! Always-on resources billed by the hour (the no-ghost-spend guardrail refuses most of them).

use super::super::context::{Context, Notes};
use super::super::draft::{Draft, months_qty};
use crate::money::Qty;
use crate::prices::{HOURS_PER_MONTH, Meter};
use crate::report::{CostKind, Finding, FindingKind, FreeResource};
use crate::template::{Facts, Resource};

/// `Facts::NatGateway`.
pub(super) fn nat_gateway(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "NAT gateway hours",
        Meter::NatGatewayHours,
        months_qty(),
        format!("{HOURS_PER_MONTH} h (data processed not estimated)"),
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "NAT gateways are billed by the hour; Lambda functions outside a VPC need none".into(),
    ));
}

/// `Facts::ElasticIp`.
pub(super) fn elastic_ip(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "public IPv4 address",
        Meter::PublicIpv4AddressHours,
        months_qty(),
        format!("{HOURS_PER_MONTH} h"),
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "public IPv4 addresses are billed by the hour, attached or not".into(),
    ));
}

/// `Facts::LoadBalancer`.
pub(super) fn load_balancer(_c: &Context, r: &Resource, d: &mut Draft, _out: &mut Notes) {
    let Facts::LoadBalancer { network } = &r.facts else {
        return;
    };
    let meter = if *network {
        Meter::NetworkLoadBalancerHours
    } else {
        Meter::ApplicationLoadBalancerHours
    };
    d.add(
        CostKind::Idle,
        "load balancer hours",
        meter,
        months_qty(),
        format!("{HOURS_PER_MONTH} h (capacity units not estimated)"),
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "load balancers are billed by the hour".into(),
    ));
}

/// `Facts::VpcEndpoint`.
pub(super) fn vpc_endpoint(_c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::VpcEndpoint { interface, subnets } = &r.facts else {
        return;
    };
    if *interface {
        let h = Qty::units(subnets * HOURS_PER_MONTH);
        d.add(
            CostKind::Idle,
            "interface endpoint hours",
            Meter::VpcInterfaceEndpointHours,
            h,
            format!("{subnets} AZ(s) × {HOURS_PER_MONTH} h"),
        );
        d.finding = Some((
            FindingKind::GhostSpend,
            "interface endpoints are billed per AZ per hour".into(),
        ));
    } else {
        out.free_resources.push(FreeResource {
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            why: "gateway endpoints are free".into(),
        });
    }
}

/// `Facts::EksCluster`.
pub(super) fn eks_cluster(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "cluster hours",
        Meter::EksClusterHours,
        months_qty(),
        format!("{HOURS_PER_MONTH} h (nodes not estimated)"),
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "EKS control planes are billed by the hour".into(),
    ));
}

/// `Facts::KinesisStream`.
pub(super) fn kinesis_stream(_c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::KinesisStream { shards, on_demand } = &r.facts else {
        return;
    };
    if *on_demand {
        out.findings.push(Finding {
            kind: FindingKind::GhostSpend,
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            monthly: None,
            message:
                "on-demand streams are billed per stream-hour; not in the price table, so excluded"
                    .into(),
        });
    } else {
        let h = Qty::units(shards * HOURS_PER_MONTH);
        d.add(
            CostKind::Idle,
            "shard hours",
            Meter::KinesisShardHours,
            h,
            format!("{shards} shard(s) × {HOURS_PER_MONTH} h"),
        );
        d.finding = Some((
            FindingKind::GhostSpend,
            "provisioned shards are billed by the hour".into(),
        ));
    }
}

/// `Facts::HourlyUnpriced`.
pub(super) fn hourly_unpriced(_c: &Context, r: &Resource, _d: &mut Draft, out: &mut Notes) {
    let Facts::HourlyUnpriced { why } = &r.facts else {
        return;
    };
    out.findings.push(Finding {
        kind: FindingKind::GhostSpend,
        logical_id: r.logical_id.clone(),
        resource_type: r.resource_type.clone(),
        monthly: None,
        message: format!("{why}; not in the price table, so EXCLUDED from the estimate"),
    });
}
