//! Functions that EventBridge Scheduler invokes: the kill switch's out-of-hours shutdown and
//! the functions whose trigger is a schedule (the order expiry). Each gets a role Scheduler
//! assumes (trusting only this account: `aws:SourceAccount`) that may invoke that one function,
//! and the schedule itself. A schedule is billed per invocation, never by the hour
//! (EventBridge Scheduler User Guide, "Set up the execution role",
//! <https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role>).

use super::Ctx;
use crate::model::iam::{InlinePolicy, Role};
use crate::model::lambda::Function;
use crate::model::scheduler::{
    FlexibleTimeWindow, FlexibleTimeWindowMode, Schedule, ScheduleState, Target,
};
use crate::model::{
    Handle, Operator, PolicyCondition, PolicyDocument, Principal, Pseudo, Statement,
};

/// The one action a schedule's role holds.
pub(super) const INVOKE: &[&str] = &["lambda:InvokeFunction"];

/// One schedule that invokes one function.
pub(super) struct Invocation<'a> {
    /// The logical id stem: `KillSwitch` → `KillSwitchSchedule`, `KillSwitchScheduleRole`.
    pub stem: &'a str,
    /// The function's spec id (`kill-switch`), for the role's policy name.
    pub function_id: &'a str,
    /// The name suffix of the schedule (`shutdown`, `order-expiry`).
    pub name: &'a str,
    /// `rate(1 hour)`, `cron(0 20 ? * MON-FRI *)`.
    pub expression: &'a str,
    /// The JSON payload the function receives, if any.
    pub input: Option<&'a str>,
    /// The schedule's description.
    pub description: String,
    /// The role's description.
    pub role_description: String,
}

/// Adds the role and the schedule that invoke `function`.
pub(super) fn invoke(ctx: &mut Ctx, function: &Handle<Function>, s: Invocation<'_>) {
    let role = ctx.template.add(
        &format!("{}ScheduleRole", s.stem),
        Role::new(PolicyDocument::new(vec![
            Statement::trust(Principal::Service(vec![
                "scheduler.amazonaws.com".to_owned(),
            ]))
            .when(PolicyCondition::new(
                Operator::StringEquals,
                "aws:SourceAccount",
                Pseudo::AccountId,
            )),
        ]))
        .description(s.role_description)
        .path(super::boundary::ROLE_PATH)
        .policies([InlinePolicy::new(
            PolicyDocument::new(vec![Statement::allow(
                &format!("Invoke{}", s.stem),
                INVOKE,
                vec![function.arn()],
            )]),
            format!("invoke-{}", s.function_id),
        )])
        .permissions_boundary(super::boundary::arn()),
    );
    let mut target = Target::new(function.arn(), role.arn());
    if let Some(input) = s.input {
        target = target.input(input);
    }
    ctx.template.add(
        &format!("{}Schedule", s.stem),
        Schedule::new(
            FlexibleTimeWindow::new(FlexibleTimeWindowMode::Off),
            s.expression,
            target,
        )
        .name(ctx.names.physical(s.name))
        .description(s.description)
        .schedule_expression_timezone("UTC")
        .state(ScheduleState::Enabled),
    );
}
