//! What EventBridge Scheduler starts: the kill switch's out-of-hours shutdown, the functions
//! whose trigger is a schedule (the order expiry), and the daily sales report (a message on the
//! report-requests queue, Scheduler's templated SQS target). Each gets a role Scheduler assumes
//! (trusting only this account: `aws:SourceAccount`) that may invoke that one function or send to
//! that one queue (EventBridge Scheduler User Guide, "Set up the execution role",
//! <https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role>),
//! and the schedule itself, which is billed per invocation (the cost estimator prices it so).

use super::Ctx;
use crate::model::iam::{InlinePolicy, Role};
use crate::model::lambda::Function;
use crate::model::scheduler::{
    FlexibleTimeWindow, FlexibleTimeWindowMode, Schedule, ScheduleState, Target,
};
use crate::model::sqs::Queue;
use crate::model::{
    Handle, Operator, PolicyCondition, PolicyDocument, Principal, Pseudo, Statement,
};

/// The one action a schedule's role holds: invoking its function, or sending to its queue.
pub(super) const INVOKE: &[&str] = &["lambda:InvokeFunction"];
const SEND: &[&str] = &["sqs:SendMessage"];

/// What a schedule starts.
pub(super) enum Aim<'a> {
    Function(&'a Handle<Function>),
    Queue(&'a Handle<Queue>),
}

/// One schedule and what it starts.
pub(super) struct Invocation<'a> {
    /// The logical id stem: `KillSwitch` → `KillSwitchSchedule`, `KillSwitchScheduleRole`.
    pub stem: &'a str,
    /// The target's id (`kill-switch`, `report-requests`), for the role's policy name.
    pub target_id: &'a str,
    /// The name suffix of the schedule (`shutdown`, `order-expiry`, `daily-report`).
    pub name: &'a str,
    /// `rate(1 hour)`, `cron(0 20 ? * MON-FRI *)`.
    pub expression: &'a str,
    /// The JSON payload the function receives, or the message the queue gets.
    pub input: Option<&'a str>,
    /// The schedule's description.
    pub description: String,
    /// The role's description.
    pub role_description: String,
}

/// Adds the role and the schedule that start `aim`.
pub(super) fn invoke(ctx: &mut Ctx, aim: Aim<'_>, s: Invocation<'_>) {
    let (arn, actions, sid, policy) = match aim {
        Aim::Function(f) => (
            f.arn().into_value(),
            INVOKE,
            format!("Invoke{}", s.stem),
            format!("invoke-{}", s.target_id),
        ),
        Aim::Queue(q) => (
            q.arn().into_value(),
            SEND,
            format!("Send{}", s.stem),
            format!("send-{}", s.target_id),
        ),
    };
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
            PolicyDocument::new(vec![Statement::allow(&sid, actions, [arn.clone()])]),
            policy,
        )])
        .permissions_boundary(super::boundary::arn()),
    );
    let mut target = Target::new(arn, role.arn());
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

/// The daily sales report, where the environment asks for one (`reports.daily_at`): at that time
/// (UTC) Scheduler puts [`retail_spec::DAILY_REPORT_MESSAGE`] on the report-requests queue, and
/// the report builder makes that day's report (EventBridge Scheduler User Guide, "Using templated
/// targets": an SQS target's `Input` is the message body,
/// <https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html>).
pub(super) fn daily_report(ctx: &mut Ctx, queue: &Handle<Queue>) {
    let Some(expression) = ctx.env.reports.daily_schedule() else {
        return;
    };
    let at = ctx.env.reports.daily_at.clone().unwrap_or_default();
    let description = format!(
        "Daily sales report of {} at {at} UTC ({expression})",
        ctx.names.stack()
    );
    let role_description = format!(
        "Lets the daily report schedule of {} queue the day's report",
        ctx.names.stack()
    );
    invoke(
        ctx,
        Aim::Queue(queue),
        Invocation {
            stem: "DailyReport",
            target_id: retail_spec::REPORT_REQUESTS.name,
            name: "daily-report",
            expression: &expression,
            input: Some(retail_spec::DAILY_REPORT_MESSAGE),
            description,
            role_description,
        },
    );
}

#[cfg(test)]
mod tests {
    use retail_spec::{DAILY_REPORT_MESSAGE, REPORT_REQUESTS};

    use super::super::{build, ids};
    use crate::env::fixtures::dev;
    use crate::model::scheduler::Schedule;

    #[test]
    fn the_daily_report_queues_its_message_where_the_environment_asks() {
        let mut env = dev();
        let without = build(&env).expect("dev");
        assert!(
            without
                .template
                .resources::<Schedule>()
                .all(|(id, _)| id.as_str() != "DailyReportSchedule")
        );
        env.reports.daily_at = Some("21:30".into());
        let with = build(&env).expect("dev with a daily report");
        let (_, schedule) = with
            .template
            .resources::<Schedule>()
            .find(|(id, _)| id.as_str() == "DailyReportSchedule")
            .expect("the daily report schedule");
        assert_eq!(schedule.schedule_expression, "cron(30 21 * * ? *)");
        assert_eq!(
            schedule
                .target
                .input
                .as_ref()
                .and_then(|i| i.literal_text()),
            Some(DAILY_REPORT_MESSAGE)
        );
        assert_eq!(
            schedule
                .target
                .arn
                .as_get_att()
                .map(|(id, a)| (id.as_str().to_owned(), a)),
            Some((ids::queue(&REPORT_REQUESTS), "Arn"))
        );
    }
}
