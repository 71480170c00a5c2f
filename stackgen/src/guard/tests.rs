//! Each guardrail refuses a stack built to break it (the retail stack, mutated), and the
//! unmodified stacks of every fixture environment pass.

use super::{Report, check};
use crate::env::fixtures::{dev, local, prod};
use crate::env::{AlwaysOnAllowance, Environment};
use crate::model::budgets::Budget;
use crate::model::dynamodb::{BillingMode, PointInTimeRecoverySpecification, Table};
use crate::model::ec2::NatGateway;
use crate::model::iam::Role;
use crate::model::lambda::Function;
use crate::model::logs::LogGroup;
use crate::model::s3::{Bucket, BucketPolicy};
use crate::model::{DeletionPolicy, Principal, Statement, Value};
use crate::model::{Options, Template};
use crate::stack::{RetailStack, build};

fn stack(env: &Environment) -> RetailStack {
    match build(env) {
        Ok(s) => s,
        Err(e) => panic!("the {} stack does not build: {e}", env.name),
    }
}

/// Asserts the report refuses the stack for `rule` on `resource`, with a fix.
fn assert_refused(report: &Report, rule: &str, resource: &str) {
    assert!(
        !report.passed(),
        "expected a violation of {rule}:\n{}",
        report.render(false)
    );
    let hit = report
        .violations()
        .find(|v| v.rule == rule && v.resource == resource);
    match hit {
        Some(v) => {
            assert!(!v.problem.is_empty() && !v.fix.is_empty(), "{v:?}");
        }
        None => panic!(
            "expected a violation of {rule} on {resource}, got:\n{}",
            report.render(false)
        ),
    }
}

fn mutate<T: crate::model::Resource>(stack: &mut RetailStack, id: &str, f: fn(&mut T)) {
    mutate_with(stack, id, &f, |r, f| f(r));
}

/// [`mutate`] with what the change needs (a change is a plain `fn`, as every edit of a
/// template is: `Draft` says why).
fn mutate_with<T: crate::model::Resource, I: Sync>(
    stack: &mut RetailStack,
    id: &str,
    input: &I,
    f: fn(&mut T, &I),
) {
    let found = stack.template.change(id, input, f);
    assert!(found, "no {} named {id}", std::any::type_name::<T>());
}

/// Changes the attributes of resource `id` (its `DeletionPolicy`, …).
fn set_options(template: &mut Template, id: &str, f: fn(&mut Options)) {
    let found = template.edit(&(id, f), |t, (id, f)| {
        t.entry_named_mut(id).map(|e| f(&mut e.options)).is_some()
    });
    assert!(found, "no resource named {id}");
}

#[test]
fn every_fixture_environment_passes() {
    for env in [local(), dev(), prod()] {
        let report = check(&stack(&env), &env);
        assert!(report.passed(), "{}", report.render(false));
        assert_eq!(report.results.len(), super::RULES.len());
    }
}

#[test]
fn required_tags_missing_or_wrong() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Table>(&mut s, "ProductsTable", |t| t.tags.remove("CostCenter"));
    mutate::<Function>(&mut s, "CatalogFunction", |f| f.tags.set("Env", "prod"));
    let r = check(&s, &env);
    assert_refused(&r, "required-tags", "ProductsTable");
    assert_refused(&r, "required-tags", "CatalogFunction");

    let mut wrong = dev();
    wrong.tags.env = "development".into();
    let r = check(&stack(&wrong), &wrong);
    assert_refused(&r, "required-tags", "(environment)");
}

#[test]
fn functions_need_their_own_log_group_with_the_retention() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Function>(&mut s, "CatalogFunction", |f| f.logging_config = None);
    mutate::<LogGroup>(&mut s, "CartFunctionLogGroup", |l| {
        l.retention_in_days = Some(3653.into())
    });
    let shared = s.template.edit(&(), |t, _| {
        let shared = t
            .entry_named("OrdersFunction")
            .and_then(|e| e.downcast::<Function>())
            .and_then(|f| f.logging_config.clone());
        let inventory = t.entry_named_mut("InventoryFunction");
        let inventory = inventory.and_then(|e| e.downcast_mut::<Function>());
        shared.is_some() && inventory.map(|f| f.logging_config = shared).is_some()
    });
    assert!(
        shared,
        "the orders function's log group, given to the inventory function"
    );
    let r = check(&s, &env);
    assert_refused(&r, "function-log-groups", "CatalogFunction");
    assert_refused(&r, "function-log-groups", "CartFunctionLogGroup");
    assert_refused(&r, "function-log-groups", "InventoryFunction");
}

#[test]
fn budget_and_anomaly_detection_are_required() {
    let env = dev();
    let mut s = stack(&env);
    s.template.remove("MonthlyBudget");
    s.template.remove("CostAnomalySubscription");
    let r = check(&s, &env);
    assert_refused(&r, "budget", "(stack)");
    assert_refused(&r, "budget", "CostAnomalyMonitor");

    let mut s = stack(&env);
    mutate::<Budget>(&mut s, "MonthlyBudget", |b| {
        b.notifications_with_subscribers = Some(Vec::new())
    });
    assert_refused(&check(&s, &env), "budget", "MonthlyBudget");

    let mut s = stack(&env);
    mutate::<Budget>(&mut s, "MonthlyBudget", |b| {
        if let Some(n) = b.notifications_with_subscribers.as_mut() {
            n[0].subscribers.clear()
        }
    });
    assert_refused(&check(&s, &env), "budget", "MonthlyBudget");

    // An explicit switch in the environment file waives it, and the report says so.
    let mut off = dev();
    off.features.budget = false;
    off.features.anomaly_detection = false;
    let r = check(&stack(&off), &off);
    assert!(r.passed(), "{}", r.render(false));
    assert!(r.render(false).contains("budget waived"));
}

#[test]
fn always_on_resources_are_refused_unless_allowed_with_a_reason() {
    let mut env = dev();
    let mut s = stack(&env);
    s.template.edit(&(), |t, _| {
        t.add(
            "Nat",
            NatGateway::new()
                .subnet_id("subnet-1")
                .allocation_id("eipalloc-1"),
        );
    });
    assert_refused(&check(&s, &env), "no-ghost-spend", "Nat");

    env.allow_always_on.push(AlwaysOnAllowance {
        resource_type: "AWS::EC2::NatGateway".into(),
        reason: " ".into(),
    });
    assert_refused(&check(&s, &env), "no-ghost-spend", "Nat");

    env.allow_always_on[0].reason = "the payment provider whitelists one egress IP".into();
    let r = check(&s, &env);
    assert!(r.passed(), "{}", r.render(false));
    assert!(r.render(false).contains("whitelists one egress IP"));
}

#[test]
fn buckets_must_be_private() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Bucket>(&mut s, "ReportsBucket", |b| {
        if let Some(p) = b.public_access_block_configuration.as_mut() {
            p.restrict_public_buckets = Some(false.into());
        }
    });
    mutate::<BucketPolicy>(&mut s, "SiteBucketPolicy", |p| {
        p.policy_document.statement.push(
            Statement::allow(
                "Public",
                &["s3:GetObject"],
                vec![Value::from("arn:aws:s3:::x/*")],
            )
            .principal(Principal::Everyone),
        );
    });
    let r = check(&s, &env);
    assert_refused(&r, "bucket-private", "ReportsBucket");
    assert_refused(&r, "bucket-private", "SiteBucketPolicy");
}

#[test]
fn buckets_must_be_encrypted() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Bucket>(&mut s, "SiteBucket", |b| b.bucket_encryption = None);
    assert_refused(&check(&s, &env), "bucket-encrypted", "SiteBucket");
}

#[test]
fn buckets_must_refuse_plain_http() {
    let env = local();
    let mut s = stack(&env);
    s.template.remove("SiteBucketPolicy");
    assert_refused(&check(&s, &env), "bucket-tls-only", "SiteBucket");
}

#[test]
fn non_public_routes_need_the_authorizer_and_the_access_token_scope() {
    use crate::model::apigw::{AuthorizationType, Route};
    let env = dev();
    let mut s = stack(&env);
    mutate::<Route>(&mut s, "RoutePutInventory", |r| {
        r.authorization_type = Some(AuthorizationType::None.into());
        r.authorizer_id = None;
    });
    mutate::<Route>(&mut s, "RouteGetCart", |r| r.authorization_scopes = None);
    let report = check(&s, &env);
    assert_refused(&report, "route-authorizers", "RoutePutInventory");
    assert_refused(&report, "route-authorizers", "RouteGetCart");
    let v = report
        .violations()
        .find(|v| v.resource == "RoutePutInventory")
        .map(|v| format!("{} {}", v.problem, v.fix))
        .unwrap_or_default();
    assert!(
        v.contains("PUT /inventory") && v.contains("Caller::Public"),
        "{v}"
    );
    // The catalog is public by the spec, so its open routes pass.
    assert!(report.violations().all(|v| !v.resource.contains("Catalog")));
}

#[test]
fn every_role_carries_the_permissions_boundary() {
    let env = prod();
    let mut s = stack(&env);
    mutate::<Role>(&mut s, "CatalogFunctionRole", |r| {
        r.permissions_boundary = None
    });
    mutate::<Role>(&mut s, "CartFunctionRole", |r| {
        r.assume_role_policy_document.statement[0].principal =
            Some(Principal::Aws(vec![Value::from(
                "arn:aws:iam::999999999999:root",
            )]))
    });
    let report = check(&s, &env);
    assert_refused(&report, "roles-bounded", "CatalogFunctionRole");
    assert_refused(&report, "roles-bounded", "CartFunctionRole");
}

#[test]
fn tables_must_be_on_demand() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Table>(&mut s, "OrdersTable", |t| {
        t.billing_mode = Some(BillingMode::Provisioned.into())
    });
    assert_refused(&check(&s, &env), "tables-on-demand", "OrdersTable");
}

#[test]
fn production_tables_need_point_in_time_recovery() {
    let env = prod();
    let mut s = stack(&env);
    mutate::<Table>(&mut s, "CartsTable", |t| {
        t.point_in_time_recovery_specification =
            Some(PointInTimeRecoverySpecification::new().point_in_time_recovery_enabled(false))
    });
    assert_refused(&check(&s, &env), "tables-pitr", "CartsTable");
}

#[test]
fn iam_refuses_wildcards_and_foreign_resources() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Role>(&mut s, "CatalogFunctionRole", |r| {
        r.inline_policies_mut()[0].policy_document.statement[0]
            .action
            .push("dynamodb:*".into());
    });
    mutate::<Role>(&mut s, "CartFunctionRole", |r| {
        r.inline_policies_mut()[0]
            .policy_document
            .statement
            .push(Statement::allow("Everything", &["s3:GetObject"], ["*"]));
    });
    mutate::<Role>(&mut s, "OrdersFunctionRole", |r| {
        r.inline_policies_mut()[0]
            .policy_document
            .statement
            .push(Statement::allow(
                "Foreign",
                &["dynamodb:GetItem"],
                ["arn:aws:dynamodb:eu-west-1:111122223333:table/other"],
            ));
    });
    let r = check(&s, &env);
    assert_refused(&r, "iam-least-privilege", "CatalogFunctionRole");
    assert_refused(&r, "iam-least-privilege", "CartFunctionRole");
    assert_refused(&r, "iam-least-privilege", "OrdersFunctionRole");
}

/// The sender outside the stack is allowed for `ses:SendEmail` alone and by its exact ARN: not
/// another identity, and no other action on it.
#[test]
fn only_sending_from_the_environments_sender_may_name_it() {
    let env = dev();
    assert!(
        check(&stack(&env), &env).passed(),
        "the notifier sends from it"
    );
    let sender = env
        .notifications
        .as_ref()
        .map(|n| n.sender.clone())
        .unwrap_or_default();
    for (role, action, identity) in [
        (
            "CartFunctionRole",
            "ses:SendEmail",
            "someone@example.com".to_owned(),
        ),
        ("OrdersFunctionRole", "ses:DeleteEmailIdentity", sender),
    ] {
        let mut s = stack(&env);
        mutate_with::<Role, _>(
            &mut s,
            role,
            &(action, identity),
            |r, (action, identity)| {
                r.inline_policies_mut()[0]
                    .policy_document
                    .statement
                    .push(Statement::allow(
                        "Mail",
                        &[action],
                        [crate::stack::notifications::identity_arn(identity)],
                    ));
            },
        );
        assert_refused(&check(&s, &env), "iam-least-privilege", role);
    }
}

/// X-Ray's write actions take no resource, so they alone may name `*`; nothing may ride along.
#[test]
fn only_resourceless_actions_may_name_every_resource() {
    let mut env = dev();
    env.features.tracing = true;
    let mut s = stack(&env);
    let traced = s
        .template
        .resources::<Role>()
        .filter(|(_, r)| {
            r.inline_policies()
                .iter()
                .flat_map(|p| &p.policy_document.statement)
                .any(|st| st.sid.as_deref() == Some("WriteTraces"))
        })
        .count();
    assert_eq!(
        traced,
        s.functions.len(),
        "every function's role may write traces"
    );
    assert!(
        check(&s, &env).passed(),
        "{}",
        check(&s, &env).render(false)
    );
    mutate::<Role>(&mut s, "CartFunctionRole", |r| {
        r.inline_policies_mut()[0]
            .policy_document
            .statement
            .push(Statement::allow(
                "TracesAndMore",
                &["xray:PutTraceSegments", "dynamodb:GetItem"],
                ["*"],
            ));
    });
    assert_refused(&check(&s, &env), "iam-least-privilege", "CartFunctionRole");
}

#[test]
fn prod_is_protected() {
    let env = prod();
    let mut s = stack(&env);
    s.termination_protection = false;
    set_options(&mut s.template, "OrdersTable", |o| {
        o.deletion_policy = Some(DeletionPolicy::Delete)
    });
    let r = check(&s, &env);
    assert_refused(&r, "protection", "grocer-prod");
    assert_refused(&r, "protection", "OrdersTable");

    let mut unprotected = prod();
    unprotected.protection.termination_protection = false;
    let r = check(&stack(&unprotected), &unprotected);
    assert_refused(&r, "protection", "(environment)");
    assert_eq!(r.violations().count(), 1, "{}", r.render(false));
}

#[test]
fn dev_is_entirely_deletable() {
    let env = dev();
    let mut s = stack(&env);
    set_options(&mut s.template, "ReportsBucket", |o| {
        o.deletion_policy = Some(DeletionPolicy::Retain)
    });
    mutate::<Table>(&mut s, "ProductsTable", |t| {
        t.deletion_protection_enabled = Some(true.into())
    });
    let r = check(&s, &env);
    assert_refused(&r, "protection", "ReportsBucket");
    assert_refused(&r, "protection", "ProductsTable");
}

#[test]
fn report_names_resource_rule_and_fix() {
    let env = dev();
    let mut s = stack(&env);
    mutate::<Table>(&mut s, "OrdersTable", |t| {
        t.billing_mode = Some(BillingMode::Provisioned.into())
    });
    let text = check(&s, &env).render(false);
    assert!(text.contains("FAIL  tables-on-demand"), "{text}");
    assert!(text.contains("OrdersTable: provisioned capacity"), "{text}");
    assert!(
        text.contains("fix: set BillingMode: PAY_PER_REQUEST"),
        "{text}"
    );
    assert!(text.contains("1 violation"), "{text}");
    assert!(!text.contains('\x1b'));
}

/// prod on its own domain.
fn prod_on_a_domain() -> Environment {
    let mut env = prod();
    env.domain = Some(crate::env::Domain {
        name: "shop.example.com".into(),
        zone: "example.com".into(),
        zone_id: "Z0123456789EXAMPLE0AB".into(),
    });
    env
}

#[test]
fn a_protected_domain_without_a_web_acl_needs_a_reason() {
    let mut env = prod_on_a_domain();
    env.features.waf = Some(false);
    let r = check(&stack(&env), &env);
    assert_refused(&r, "edge-protection", "(environment)");

    env.waf.off_reason = Some("Shield Advanced and the chain's own WAF appliance front it".into());
    let r = check(&stack(&env), &env);
    assert!(r.passed(), "{}", r.render(false));
    assert!(r.render(false).contains("no web ACL, by exception"));
}

#[test]
fn a_web_acl_the_environment_asks_for_is_on_the_distribution_and_tls_is_modern() {
    use crate::model::cloudfront::{Distribution, MinimumProtocolVersion};
    let env = prod_on_a_domain();
    let mut s = stack(&env);
    mutate::<Distribution>(&mut s, "Distribution", |d| {
        d.distribution_config.web_acl_id = None;
        if let Some(v) = d.distribution_config.viewer_certificate.as_mut() {
            v.minimum_protocol_version = Some(MinimumProtocolVersion::TLSv122018.into());
        }
    });
    let r = check(&s, &env);
    let problems: Vec<&str> = r
        .violations()
        .filter(|v| v.rule == "edge-protection")
        .map(|v| v.problem.as_str())
        .collect();
    assert_eq!(problems.len(), 2, "{}", r.render(false));
}

#[test]
fn the_global_stack_is_checked_and_named_in_the_report() {
    let env = prod();
    let mut s = stack(&env);
    let untagged = s.companions[0]
        .template
        .change::<crate::model::wafv2::WebACL, _>("CdnWebAcl", &(), |acl, _| {
            acl.tags = crate::model::Tags::new()
        });
    assert!(untagged, "the global stack has no CdnWebAcl");
    let r = check(&s, &env);
    assert!(
        r.violations()
            .any(|v| v.rule == "required-tags" && v.resource.starts_with("grocer-prod-global/")),
        "{}",
        r.render(false)
    );
}

#[test]
fn an_environment_with_real_data_requires_staff_mfa() {
    let mut env = prod();
    env.staff.mfa = crate::env::StaffMfa::Optional;
    let report = check(&stack(&env), &env);
    assert_refused(&report, "route-authorizers", "(environment)");
    // Elsewhere it is the team's choice.
    let mut env = dev();
    env.staff.mfa = crate::env::StaffMfa::Optional;
    assert!(check(&stack(&env), &env).passed());
}
