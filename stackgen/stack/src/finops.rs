//! FinOps: the environment's monthly cost budget (filtered to its tags, notifying at each
//! threshold on actual and forecasted spend), Cost Explorer anomaly detection, and the
//! automatic kill switch.
//!
//! The kill switch (when `kill_switch.enabled`): AWS Budgets publishes the actual-spend
//! notification at `kill_switch.threshold_percent` to the kill-switch topic, which invokes the
//! `kill-switch` function (built from `retail_spec::KILL_SWITCH_FN` by `functions/`, like
//! every other function, with what differs per environment from `kill_switch.rs`). It
//! throttles or destroys the environment per the environment file; an optional EventBridge
//! Scheduler schedule invokes it with `destroy` out of hours.
//!
//! Deleting the stack. DeleteStack needs permission to delete every resource of the stack. The
//! kill switch's own role holds only `cloudformation:DeleteStack` on this stack
//! (`AWS::StackId`), not delete rights on every resource type, on purpose: granting them
//! inline would make the role depend on every resource, so CloudFormation would delete the
//! role (and with it those rights) *first* and the rest of the delete would fail half-way. The
//! delete runs with the CloudFormation service role the stack is deployed with: the bootstrap
//! stack's deploy role (deploy/bootstrap/), passed as `RoleARN` on every change set.
//! CloudFormation uses a stack's service role for DeleteStack whoever asks, without
//! iam:PassRole, and that role lives outside the stack and outlives it.

use retail_spec::KILL_SWITCH_TOPIC;

use super::events::Events;
use super::functions::Built;
use super::kill_switch::{budget_name, granted, is_kill_switch};
use super::{Ctx, StackError, ids};
use crate::env::Environment;
use crate::model::budgets::{
    Budget, BudgetData, Notification, NotificationType, NotificationWithSubscribers, Spend,
    Subscriber, SubscriptionType,
};
use crate::model::ce::{
    AnomalyMonitor, AnomalySubscriber, AnomalySubscription, Expression, Frequency, SubscriberType,
};
use crate::model::iam::InlinePolicy;
use crate::model::lambda::{EventSourceMapping, Function, Permission};
use crate::model::s3::Bucket;
use crate::model::sns::{Subscription, Topic, TopicPolicy};
use crate::model::{
    Arn, Handle, Operator, Options, PolicyCondition, PolicyDocument, Principal, Pseudo, Statement,
    Value,
};
use crate::sub;

/// AWS limits: 10 notifications per budget, 10 email subscribers per notification (and one
/// SNS subscriber).
const MAX_NOTIFICATIONS: usize = 10;
const MAX_EMAILS: usize = 10;

/// What the schedule sends: the same function, told to destroy.
const SCHEDULE_INPUT: &str = r#"{"action":"destroy","source":"schedule"}"#;

const KILL_TOPIC_KMS_SKIP: &str = "AWS Budgets cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key adds $1/month per environment of idle cost. The topic carries the budget's kill-threshold notification only (amounts, no customer data); its policy lets only AWS Budgets of this account publish.";

const THROTTLE: &[&str] = &[
    "lambda:GetFunctionConcurrency",
    "lambda:PutFunctionConcurrency",
    "lambda:DeleteFunctionConcurrency",
];
/// Pausing the stack's queue consumers: with the functions at reserved concurrency 0 an
/// enabled mapping keeps receiving (and, after maxReceiveCount, dead-lettering) messages;
/// a disabled one stops polling, so queued messages wait in their queues. Both actions take
/// the mapping's ARN (`arn:…:lambda:<region>:<account>:event-source-mapping:<UUID>`; Service
/// Authorization Reference, "Actions, resources, and condition keys for AWS Lambda",
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html>).
const PAUSE_MAPPINGS: &[&str] = &[
    "lambda:GetEventSourceMapping",
    "lambda:UpdateEventSourceMapping",
];
const LIST_VERSIONS: &[&str] = &["s3:ListBucketVersions"];
const DELETE_OBJECTS: &[&str] = &["s3:DeleteObject", "s3:DeleteObjectVersion"];
use super::schedules::INVOKE;

/// Every action group the kill switch's stack-wide grants and its schedule's role use (the
/// boundary's ceiling).
pub(super) const ROLE_ACTIONS: &[&[&str]] = &[
    THROTTLE,
    PAUSE_MAPPINGS,
    LIST_VERSIONS,
    DELETE_OBJECTS,
    INVOKE,
];

pub(super) fn build(ctx: &mut Ctx, events: &Events, functions: &[Built]) -> Result<(), StackError> {
    let kill_switch = functions.iter().find(|f| is_kill_switch(f.spec));
    let kill = kill_switch.map(|ks| build_kill_switch(ctx, ks, functions));
    if ctx.env.features.budget {
        budget(ctx, events, kill.as_ref())?;
    }
    if ctx.env.features.anomaly_detection {
        anomaly_detection(ctx)?;
    }
    Ok(())
}

/// The monthly cost budget of the environment's tagged resources, with its email and topic
/// notifications (the kill threshold's actual-spend one to the kill-switch topic).
fn budget(
    ctx: &mut Ctx,
    events: &Events,
    kill: Option<&(Handle<Topic>, Handle<TopicPolicy>)>,
) -> Result<(), StackError> {
    let env = ctx.env;
    let kill_topic = kill.map(|(topic, _)| topic.clone());
    let project_and_env = Expression::all(vec![
        Expression::tag("Project", &env.tags.project),
        Expression::tag("Env", &env.name),
    ]);
    if env.budget.emails.len() > MAX_EMAILS {
        return Err(StackError::TooManyBudgetEmails {
            env: env.name.clone(),
            count: env.budget.emails.len(),
        });
    }
    // The kill threshold shares the actual-spend notification of an equal threshold;
    // otherwise it is one more notification.
    let kill_threshold = kill_topic
        .as_ref()
        .map(|_| env.kill_switch.threshold_percent);
    let extra =
        usize::from(kill_threshold.is_some_and(|k| !env.budget.thresholds_percent.contains(&k)));
    if env.budget.thresholds_percent.len() * 2 + extra > MAX_NOTIFICATIONS {
        return Err(StackError::TooManyThresholds {
            env: env.name.clone(),
            count: env.budget.thresholds_percent.len(),
        });
    }
    let notifications = notifications(env, events, kill_topic.as_ref(), kill_threshold);
    // The budget publishes through topics whose policies are separate resources: nothing
    // it references orders them first, so without DependsOn CloudFormation may create the
    // budget (and send a notification) before AWS Budgets may publish to the topic.
    let mut options = Options::new().depends_on(&events.ops_alerts_policy);
    if let Some((_, policy)) = kill {
        options = options.depends_on(policy);
    }
    ctx.template.add_with(
        "MonthlyBudget",
        Budget::new(
            BudgetData::new("COST", "MONTHLY")
                .budget_name(budget_name(ctx))
                .budget_limit(Spend::new(f64::from(env.budget.monthly_usd), "USD"))
                .filter_expression(&project_and_env),
        )
        .notifications_with_subscribers(notifications),
        options,
    );
    Ok(())
}

/// An actual-spend and a forecast notification per threshold, to the budget's addresses and
/// a topic; the kill threshold's own when no threshold equals it.
fn notifications(
    env: &Environment,
    events: &Events,
    kill_topic: Option<&Handle<Topic>>,
    kill_threshold: Option<u32>,
) -> Vec<NotificationWithSubscribers> {
    let emails: Vec<Subscriber> = env
        .budget
        .emails
        .iter()
        .map(|e| Subscriber::new(e, SubscriptionType::Email))
        .collect();
    // A notification takes one SNS subscriber: ops-alerts, except the kill threshold's
    // actual-spend notification, which goes to the kill-switch topic (the function then
    // tells ops-alerts what it did).
    let with_topic = |topic: Arn<Topic>| {
        let mut s = emails.clone();
        s.push(Subscriber::new(topic, SubscriptionType::Sns));
        s
    };
    let notification = |kind: NotificationType, threshold: u32, subscribers: Vec<_>| {
        NotificationWithSubscribers::new(
            Notification::new("GREATER_THAN", kind, f64::from(threshold))
                .threshold_type("PERCENTAGE"),
            subscribers,
        )
    };
    let mut notifications = Vec::new();
    for &threshold in &env.budget.thresholds_percent {
        for kind in [NotificationType::Actual, NotificationType::Forecasted] {
            let topic = match (kill_topic, kind) {
                (Some(t), NotificationType::Actual) if kill_threshold == Some(threshold) => t.arn(),
                _ => events.ops_alerts.arn(),
            };
            notifications.push(notification(kind, threshold, with_topic(topic)));
        }
    }
    if let (Some(t), Some(k)) = (kill_topic, kill_threshold)
        && !env.budget.thresholds_percent.contains(&k)
    {
        notifications.push(notification(
            NotificationType::Actual,
            k,
            with_topic(t.arn()),
        ));
    }
    notifications
}

/// A cost anomaly monitor of the environment's resources and, when the budget has addresses,
/// a daily subscription for anomalies worth a tenth of the budget.
fn anomaly_detection(ctx: &mut Ctx) -> Result<(), StackError> {
    let env = ctx.env;
    let spec = Expression::tag("Env", &env.name);
    let serialize_err = |e: serde_json::Error| StackError::Serialize {
        what: "the anomaly monitor".to_owned(),
        message: e.to_string(),
    };
    let monitor = ctx.template.add(
        "CostAnomalyMonitor",
        AnomalyMonitor::custom(&ctx.names.physical("cost"), &spec).map_err(serialize_err)?,
    );
    // An anomaly worth an email: a tenth of the monthly budget, at least one dollar.
    let impact = (env.budget.monthly_usd / 10).max(1);
    let subscribers: Vec<AnomalySubscriber> = env
        .budget
        .emails
        .iter()
        .take(MAX_EMAILS)
        .map(|e| AnomalySubscriber::new(e, SubscriberType::Email))
        .collect();
    if !subscribers.is_empty() {
        ctx.template.add(
            "CostAnomalySubscription",
            AnomalySubscription::new(
                Frequency::Daily,
                vec![monitor.arn()],
                subscribers,
                ctx.names.physical("cost-anomalies"),
            )
            .threshold_expression(
                AnomalySubscription::impact_at_least(impact).map_err(serialize_err)?,
            ),
        );
    }
    Ok(())
}

/// The kill-switch topic (AWS Budgets may publish, nobody else), its subscription and
/// invoke permission, the function's stack-wide grants and the optional schedule. Returns
/// the topic for the budget's kill-threshold notification, and its policy.
fn build_kill_switch(
    ctx: &mut Ctx,
    ks: &Built,
    functions: &[Built],
) -> (Handle<Topic>, Handle<TopicPolicy>) {
    let topic = ctx.template.add_with(
        &ids::topic(&KILL_SWITCH_TOPIC),
        Topic::new()
            .topic_name(ctx.names.physical(KILL_SWITCH_TOPIC.name))
            .display_name(format!("{} {}", ctx.names.stack(), KILL_SWITCH_TOPIC.name)),
        Options::new().skip_checkov("CKV_AWS_26", KILL_TOPIC_KMS_SKIP),
    );
    let policy = ctx.template.add(
        &format!("{}Policy", topic.id()),
        TopicPolicy {
            topics: vec![topic.arn()],
            policy_document: PolicyDocument::new(vec![
                Statement::allow("BudgetsPublish", &["sns:Publish"], vec![topic.arn()])
                    .principal(Principal::Service(vec!["budgets.amazonaws.com".to_owned()]))
                    .when(PolicyCondition::new(
                        Operator::StringEquals,
                        "aws:SourceAccount",
                        Pseudo::AccountId,
                    )),
                Statement::deny_insecure_transport(&["sns:Publish"], vec![topic.arn()]),
            ]),
        },
    );
    let function_id = ks.function.id().as_str().to_owned();
    ctx.template.add(
        &format!("{function_id}{}Subscription", topic.id()),
        Subscription::new("lambda", topic.arn()).endpoint(ks.function.arn()),
    );
    ctx.template.add(
        &format!("{function_id}{}Permission", topic.id()),
        Permission::new(
            "lambda:InvokeFunction",
            ks.function.arn(),
            "sns.amazonaws.com",
        )
        .source_arn(topic.arn()),
    );
    let statements = stack_wide_grants(ctx, ks, functions);
    if let Some(role) = ctx.template.resource_mut(&ks.role) {
        let policies = role.inline_policies_mut();
        if let Some(policy) = policies.first_mut() {
            policy.policy_document.statement.extend(statements);
        } else {
            policies.push(InlinePolicy::new(
                PolicyDocument::new(statements),
                "least-privilege",
            ));
        }
    }
    if let Some(expression) = ctx.env.kill_switch.schedule.clone() {
        schedule(ctx, &ks.function, &expression);
    }
    (topic, policy)
}

/// The kill switch's stack-wide grants: every other function's concurrency and queue mappings
/// (never its own: it must stay able to act), and emptying every bucket of the stack, whatever
/// module declared it — each only when the environment's action needs it.
fn stack_wide_grants(ctx: &Ctx, ks: &Built, functions: &[Built]) -> Vec<Statement> {
    let others: Vec<Value> = functions
        .iter()
        .filter(|f| f.function.id() != ks.function.id())
        .map(|f| f.function.arn().into())
        .collect();
    let mappings: Vec<Value> = ctx
        .template
        .handles::<EventSourceMapping>()
        .map(|mapping| {
            sub!(
                "arn:",
                Pseudo::Partition,
                ":lambda:",
                Pseudo::Region,
                ":",
                Pseudo::AccountId,
                ":event-source-mapping:",
                mapping.uuid()
            )
        })
        .collect();
    let buckets: Vec<Handle<Bucket>> = ctx.template.handles::<Bucket>().collect();
    let bucket_arns: Vec<Value> = buckets.iter().map(|b| b.arn().into()).collect();
    let mut statements = Vec::new();
    if ks
        .spec
        .access
        .contains(&retail_spec::Access::StackFunctionsConcurrency)
        && !others.is_empty()
    {
        statements.push(Statement::allow("ThrottleStackFunctions", THROTTLE, others));
        if !mappings.is_empty() {
            statements.push(Statement::allow(
                "PauseStackQueueMappings",
                PAUSE_MAPPINGS,
                mappings,
            ));
        }
    }
    if granted(ctx.env, ks.spec).contains(&retail_spec::Access::StackBucketsEmpty)
        && !bucket_arns.is_empty()
    {
        statements.push(Statement::allow(
            "ListStackBucketVersions",
            LIST_VERSIONS,
            bucket_arns.clone(),
        ));
        statements.push(Statement::allow(
            "EmptyStackBuckets",
            DELETE_OBJECTS,
            bucket_arns.iter().map(|a| sub!(a, "/*")),
        ));
    }
    statements
}

/// The out-of-hours shutdown: EventBridge Scheduler invokes the kill switch with `destroy`.
fn schedule(ctx: &mut Ctx, function: &Handle<Function>, expression: &str) {
    super::schedules::invoke(
        ctx,
        super::schedules::Aim::Function(function),
        super::schedules::Invocation {
            stem: "KillSwitch",
            target_id: retail_spec::KILL_SWITCH_FN.id,
            name: "shutdown",
            expression,
            input: Some(SCHEDULE_INPUT),
            description: format!(
                "Out-of-hours shutdown of {}: destroys the environment ({expression}, UTC)",
                ctx.names.stack()
            ),
            role_description: format!(
                "Lets the out-of-hours schedule of {} invoke its kill switch",
                ctx.names.stack()
            ),
        },
    );
}

#[cfg(test)]
mod tests {
    use retail_spec::{
        BUDGET_NAME_VAR, FUNCTIONS, KILL_ACTION_VAR, KILL_SWITCH_FN, STACK_NAME_VAR,
    };

    use super::super::{EnvValue, RetailStack, StackError, build, ids};
    use crate::env::Environment;
    use crate::env::fixtures::{dev, prod};
    use crate::model::Value;
    use crate::model::budgets::{Budget, NotificationType, SubscriptionType};
    use crate::model::iam::Role;
    use crate::model::lambda::{Function, Permission};
    use crate::model::scheduler::Schedule;
    use crate::model::sns::{Subscription, Topic};
    use crate::model::{Format, Pseudo};

    fn stack(env: &Environment) -> RetailStack {
        match build(env) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    fn kill_topic_id() -> String {
        ids::topic(&retail_spec::KILL_SWITCH_TOPIC)
    }

    #[test]
    fn the_kill_switch_is_a_function_subscribed_to_its_topic() {
        let s = stack(&dev());
        let id = ids::function(&KILL_SWITCH_FN);
        assert!(
            s.template
                .entry_named(&id)
                .and_then(|e| e.downcast::<Function>())
                .is_some()
        );
        let info = s
            .functions
            .iter()
            .find(|f| f.spec.id == KILL_SWITCH_FN.id)
            .expect("kill switch in the functions list");
        let var = |name: &str| {
            info.environment
                .iter()
                .find(|v| v.name == name)
                .map(|v| v.value.clone())
        };
        assert_eq!(
            var(STACK_NAME_VAR),
            Some(EnvValue::Literal("grocer-dev".into()))
        );
        assert_eq!(
            var(KILL_ACTION_VAR),
            Some(EnvValue::Literal("destroy".into()))
        );
        assert_eq!(
            var(BUDGET_NAME_VAR),
            Some(EnvValue::Literal("grocer-dev-monthly".into()))
        );
        let topic = kill_topic_id();
        assert!(
            s.template
                .entry_named(&topic)
                .and_then(|e| e.downcast::<Topic>())
                .is_some()
        );
        let subs: Vec<&Subscription> = s
            .template
            .resources::<Subscription>()
            .map(|(_, r)| r)
            .filter(|r| r.protocol == "lambda")
            .collect();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].topic_arn.references()[0].as_str(), topic);
        let perms: Vec<&Permission> = s
            .template
            .resources::<Permission>()
            .map(|(_, p)| p)
            .collect();
        assert!(perms.iter().any(|p| {
            p.principal == "sns.amazonaws.com"
                && p.source_arn
                    .as_ref()
                    .is_some_and(|a| a.references()[0].as_str() == topic)
        }));
    }

    #[test]
    fn a_throttling_kill_switch_may_delete_nothing() {
        // prod's kill switch throttles: whatever an invocation asks, its role cannot delete the
        // stack or any object.
        let s = stack(&prod());
        let role = s
            .template
            .entry_named(&format!("{}Role", ids::function(&KILL_SWITCH_FN)))
            .and_then(|e| e.downcast::<Role>())
            .expect("role");
        let actions: Vec<&str> = role.inline_policies()[0]
            .policy_document
            .statement
            .iter()
            .flat_map(|st| st.action.iter().map(String::as_str))
            .collect();
        assert!(
            actions.contains(&"lambda:PutFunctionConcurrency"),
            "{actions:?}"
        );
        for forbidden in [
            "cloudformation:DeleteStack",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
        ] {
            assert!(!actions.contains(&forbidden), "{forbidden} in {actions:?}");
        }
    }

    #[test]
    fn its_role_may_throttle_the_other_functions_and_empty_every_bucket() {
        let s = stack(&dev());
        let role = s
            .template
            .entry_named(&format!("{}Role", ids::function(&KILL_SWITCH_FN)))
            .and_then(|e| e.downcast::<Role>())
            .expect("role");
        let doc = &role.inline_policies()[0].policy_document;
        let st = |sid: &str| {
            doc.statement
                .iter()
                .find(|st| st.sid.as_deref() == Some(sid))
                .unwrap_or_else(|| panic!("no statement {sid}"))
        };
        let throttled: Vec<String> = st("ThrottleStackFunctions")
            .resource
            .iter()
            .flat_map(|r| r.references())
            .map(|id| id.as_str().to_owned())
            .collect();
        assert_eq!(throttled.len(), FUNCTIONS.len() - 1);
        assert!(!throttled.contains(&ids::function(&KILL_SWITCH_FN)));
        let buckets: Vec<String> = st("EmptyStackBuckets")
            .resource
            .iter()
            .flat_map(|r| r.references())
            .map(|id| id.as_str().to_owned())
            .collect();
        assert!(
            buckets.contains(&ids::SITE_BUCKET.to_owned()),
            "{buckets:?}"
        );
        assert!(
            buckets.contains(&ids::bucket(&retail_spec::REPORTS)),
            "{buckets:?}"
        );
        let delete = st("DeleteOwnStack");
        assert_eq!(delete.action, vec!["cloudformation:DeleteStack".to_owned()]);
        assert!(delete.resource.iter().all(|r| r.is_pseudo(Pseudo::StackId)));
    }

    #[test]
    fn the_kill_threshold_notification_goes_to_the_kill_switch_topic() {
        // dev: 100 % is one of the thresholds: its actual notification is shared.
        let s = stack(&dev());
        let budget = s.template.resources::<Budget>().next().expect("budget").1;
        assert_eq!(budget.notifications().len(), 6);
        let to_kill: Vec<_> = budget
            .notifications()
            .iter()
            .filter(|n| {
                n.subscribers.iter().any(|s| {
                    s.subscription_type == Value::from(SubscriptionType::Sns)
                        && s.address
                            .references()
                            .iter()
                            .any(|id| id.as_str() == kill_topic_id())
                })
            })
            .collect();
        assert_eq!(to_kill.len(), 1);
        assert!(to_kill[0].notification.is(NotificationType::Actual, 100.0));
        // One SNS subscriber per notification (the AWS limit).
        for n in budget.notifications() {
            let sns = n
                .subscribers
                .iter()
                .filter(|s| s.subscription_type == Value::from(SubscriptionType::Sns))
                .count();
            assert_eq!(sns, 1);
        }

        // prod: 150 % is not a threshold: one more notification.
        let s = stack(&prod());
        let budget = s.template.resources::<Budget>().next().expect("budget").1;
        assert_eq!(budget.notifications().len(), 7);
        let last = budget.notifications().last().expect("one");
        assert!(last.notification.is(NotificationType::Actual, 150.0));
    }

    #[test]
    fn five_thresholds_and_a_separate_kill_threshold_are_too_many() {
        let mut env = prod();
        env.budget.thresholds_percent = vec![20, 40, 60, 80, 100];
        match build(&env) {
            Err(StackError::TooManyThresholds { count: 5, .. }) => {}
            other => panic!(
                "expected TooManyThresholds, got {:?}",
                other.map(|s| s.name)
            ),
        }
        env.kill_switch.threshold_percent = 100;
        assert!(build(&env).is_ok());
    }

    #[test]
    fn disabled_means_no_function_no_topic_no_schedule() {
        let mut env = dev();
        env.kill_switch.enabled = false;
        env.kill_switch.schedule = Some("cron(0 22 * * ? *)".into());
        let s = stack(&env);
        assert_eq!(s.functions.len(), FUNCTIONS.len() - 1);
        let json = s.template.render(Format::Json).expect("render");
        assert!(!json.contains("KillSwitch"), "{json}");
        assert!(!json.contains("kill-switch"));
    }

    #[test]
    fn the_schedule_invokes_the_function_with_destroy() {
        let mut env = dev();
        env.kill_switch.schedule = Some("cron(0 22 * * ? *)".into());
        let s = stack(&env);
        let (_, schedule) = s
            .template
            .resources::<Schedule>()
            .find(|(id, _)| id.as_str() == "KillSwitchSchedule")
            .expect("schedule");
        assert_eq!(schedule.schedule_expression, "cron(0 22 * * ? *)");
        assert_eq!(
            schedule
                .target
                .input
                .as_ref()
                .and_then(|i| i.literal_text()),
            Some(r#"{"action":"destroy","source":"schedule"}"#)
        );
        assert_eq!(
            schedule
                .target
                .arn
                .as_get_att()
                .map(|(id, a)| (id.as_str().to_owned(), a)),
            Some((ids::function(&KILL_SWITCH_FN), "Arn"))
        );
        // Without a shutdown schedule, the only schedule is the order expiry's.
        let ids: Vec<String> = stack(&dev())
            .template
            .resources::<Schedule>()
            .map(|(id, _)| id.as_str().to_owned())
            .collect();
        assert_eq!(ids, ["OrderExpirySchedule"]);
    }
}
