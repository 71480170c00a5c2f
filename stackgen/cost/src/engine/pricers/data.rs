//! Data: tables, buckets, keys and secrets.

use super::super::context::{Context, Notes};
use super::super::draft::{Draft, q};
use crate::money::Qty;
use crate::prices::{HOURS_PER_MONTH, Meter};
use crate::report::{CostKind, FindingKind};
use crate::template::{Facts, Resource};
use crate::traffic::TableUsage;

/// `Facts::Table`.
pub(super) fn table(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::Table {
        on_demand,
        pitr,
        infrequent_access,
        global_indexes,
        provisioned_rcu,
        provisioned_wcu,
        ..
    } = &r.facts
    else {
        return;
    };
    let u = c.usage.tables.by_resource.get(&r.logical_id).copied();
    let copies = 1 + global_indexes;
    let gsi_note = if *global_indexes > 0 {
        format!(" × (1 table + {global_indexes} GSI)")
    } else {
        String::new()
    };
    if *infrequent_access {
        out.warnings.push(format!(
            "{}: Standard-IA table class is priced at Standard-class rates",
            r.logical_id
        ));
    }
    if *on_demand {
        if let Some(u) = u {
            d.add(
                CostKind::Usage,
                "read request units",
                Meter::DynamoDbReadRequestUnits,
                u.reads,
                format!("{} RRU", q(u.reads)),
            );
            let w = u.writes.scale(copies);
            d.add(
                CostKind::Usage,
                "write request units",
                Meter::DynamoDbWriteRequestUnits,
                w,
                format!("{} WRU{gsi_note} = {} WRU", q(u.writes), q(w)),
            );
        }
    } else {
        provisioned(r, (*provisioned_rcu, *provisioned_wcu), u, d, out);
    }
    if let Some(u) = u {
        let stored = u.storage_gb.scale(copies);
        d.add(
            CostKind::Usage,
            "storage",
            Meter::DynamoDbStorage,
            stored,
            format!("{} GB{gsi_note} = {} GB-month", q(u.storage_gb), q(stored)),
        );
        if *pitr {
            d.add(
                CostKind::Usage,
                "point-in-time recovery",
                Meter::DynamoDbPitrStorage,
                stored,
                format!("{} GB-month of table size", q(stored)),
            );
        }
    }
}

/// A provisioned table: capacity billed by the hour, used or not.
fn provisioned(
    r: &Resource,
    (provisioned_rcu, provisioned_wcu): (u64, u64),
    u: Option<&TableUsage>,
    d: &mut Draft,
    out: &mut Notes,
) {
    let wcu = Qty::units(provisioned_wcu * HOURS_PER_MONTH);
    let rcu = Qty::units(provisioned_rcu * HOURS_PER_MONTH);
    d.add(
        CostKind::Idle,
        "provisioned write capacity",
        Meter::DynamoDbProvisionedWcuHours,
        wcu,
        format!("{provisioned_wcu} WCU × {HOURS_PER_MONTH} h"),
    );
    d.add(
        CostKind::Idle,
        "provisioned read capacity",
        Meter::DynamoDbProvisionedRcuHours,
        rcu,
        format!("{provisioned_rcu} RCU × {HOURS_PER_MONTH} h"),
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "provisioned capacity is billed by the hour whether used or not; use \
         BillingMode PAY_PER_REQUEST"
            .into(),
    ));
    if u.is_some_and(|u| !u.reads.is_zero() || !u.writes.is_zero()) {
        out.warnings.push(format!(
            "{}: provisioned table; the profile's request units are covered by its \
             capacity and not priced separately",
            r.logical_id
        ));
    }
}

/// `Facts::Bucket`.
pub(super) fn bucket(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::Bucket { versioned, .. } = &r.facts else {
        return;
    };
    if let Some(u) = c.usage.buckets.by_resource.get(&r.logical_id) {
        d.add(
            CostKind::Usage,
            "standard storage",
            Meter::S3StandardStorage,
            u.storage_gb,
            format!("{} GB-month", q(u.storage_gb)),
        );
        let puts = Qty::units(u.put_requests);
        d.add(
            CostKind::Usage,
            "PUT requests",
            Meter::S3PutRequests,
            puts,
            format!("{} PUT/COPY/POST/LIST", q(puts)),
        );
        let gets = Qty::units(u.get_requests);
        d.add(
            CostKind::Usage,
            "GET requests",
            Meter::S3GetRequests,
            gets,
            format!("{} GET", q(gets)),
        );
    }
    if *versioned {
        out.warnings.push(format!(
            "{}: versioning is on; storage of noncurrent versions is not estimated",
            r.logical_id
        ));
    }
}

/// `Facts::KmsKey`.
pub(super) fn kms_key(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "customer managed key",
        Meter::KmsKeys,
        Qty::units(1),
        "1 key (requests not estimated)".into(),
    );
}

/// `Facts::Secret`.
pub(super) fn secret(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "secret",
        Meter::SecretsManagerSecrets,
        Qty::units(1),
        "1 secret (API calls not estimated)".into(),
    );
}
