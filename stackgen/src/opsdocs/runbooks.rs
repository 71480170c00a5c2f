//! Runbooks: one per alarm of the stack (what it means, where to look, the Logs Insights query
//! to run, first steps, when to escalate), and the procedures on-call needs whatever fired: the
//! kill switch, a failed deploy and its rollback states, restoring a table.
//!
//! The functions log one JSON object per line (`{"timestamp","level","msg",…}`, functions/src/log.rs),
//! which Logs Insights discovers as fields; the queries below filter on them.

use stackgen_model::generated::{apigatewayv2, cloudwatch, dynamodb, lambda, logs, sqs};
use std::collections::BTreeSet;

use super::view::{Res, View};
use crate::env::{Environment, KillAction};

/// What an alarm watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watched {
    FunctionErrors {
        function: String,
    },
    FunctionThrottles {
        function: String,
    },
    ApiErrors,
    DeadLetters {
        queue: String,
    },
    /// The failures queue `queue` of a stream-triggered `function`.
    StreamFailures {
        function: String,
        queue: String,
    },
    Other,
}

/// One alarm, as its runbook describes it.
#[derive(Debug, Clone)]
pub struct AlarmDoc {
    pub id: String,
    /// The alarm's physical name.
    pub name: String,
    /// The runbook's file stem: the name without the `<project>-<env>-` prefix.
    pub slug: String,
    pub summary: String,
    pub metric: String,
    pub watched: Watched,
}

/// The procedures every environment gets, by file stem and title.
pub const PROCEDURES: &[(&str, &str)] = &[
    (
        "demo-flow",
        "The store end to end (after a deploy, or to show it)",
    ),
    ("kill-switch", "The kill switch acted"),
    ("failed-deploy", "A deploy failed"),
    ("restore-table", "Restore a table"),
    ("waf-blocks", "Requests refused by the web ACLs"),
];

/// A runbook's file stem for an alarm.
pub fn slug(alarm: &Res) -> String {
    alarm
        .physical_name()
        .map(|n| strip_prefix(&n))
        .unwrap_or_else(|| alarm.id.to_owned())
}

fn strip_prefix(name: &str) -> String {
    // `<project>-<env>-<rest>`: the rest names the alarm within the environment.
    name.splitn(3, '-').nth(2).unwrap_or(name).to_owned()
}

/// Every alarm of the stack, in template order.
pub fn alarms(_env: &Environment, view: &View) -> Vec<AlarmDoc> {
    view.of_type(cloudwatch::ALARM_TYPE_NAME)
        .map(|a| {
            let metric = a.props["MetricName"].as_str().unwrap_or_default();
            let namespace = a.props["Namespace"].as_str().unwrap_or_default();
            let dimension = crate::model::references(&a.props["Dimensions"])
                .into_iter()
                .next()
                .unwrap_or_default();
            let watched = match (namespace, metric) {
                ("AWS/Lambda", "Errors") => Watched::FunctionErrors {
                    function: dimension,
                },
                ("AWS/Lambda", "Throttles") => Watched::FunctionThrottles {
                    function: dimension,
                },
                ("AWS/ApiGateway", _) => Watched::ApiErrors,
                ("AWS/SQS", _) if dimension.ends_with("StreamFailures") => {
                    Watched::StreamFailures {
                        function: dimension.trim_end_matches("StreamFailures").to_owned(),
                        queue: dimension,
                    }
                }
                ("AWS/SQS", _) => Watched::DeadLetters { queue: dimension },
                _ => Watched::Other,
            };
            AlarmDoc {
                id: a.id.to_owned(),
                name: a.physical_name().unwrap_or_else(|| a.id.to_owned()),
                slug: slug(&a),
                summary: a.props["AlarmDescription"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                metric: format!("{namespace} {metric}"),
                watched,
            }
        })
        .collect()
}

/// The functions whose logs explain an alarm.
fn functions_of(view: &View, alarm: &AlarmDoc) -> Vec<String> {
    let mut out: Vec<String> = match &alarm.watched {
        Watched::FunctionErrors { function }
        | Watched::FunctionThrottles { function }
        | Watched::StreamFailures { function, .. } => vec![function.clone()],
        Watched::ApiErrors => view
            .of_type(apigatewayv2::INTEGRATION_TYPE_NAME)
            .flat_map(|i| i.refers_to())
            .filter(|r| {
                view.get(r)
                    .is_some_and(|x| x.ty == lambda::FUNCTION_TYPE_NAME)
            })
            .collect(),
        // The consumers of the queue whose dead letters these are.
        Watched::DeadLetters { queue } => consumers(view, queue),
        Watched::Other => Vec::new(),
    };
    out.sort();
    out.dedup();
    out
}

/// A function's declared log group, by logical id.
fn log_group_of(view: &View, function: &str) -> Option<String> {
    let f = view.get(function)?;
    crate::model::references(&f.props["LoggingConfig"])
        .into_iter()
        .next()
}

/// A saved Logs Insights query of the stack: its name, its text, its log groups' names.
struct SavedQuery {
    name: String,
    text: String,
    groups: Vec<String>,
}

/// The stack's saved query over exactly these log groups (logical ids).
fn saved_query(view: &View, groups: &BTreeSet<String>) -> Option<SavedQuery> {
    view.of_type(logs::QUERY_DEFINITION_TYPE_NAME)
        .find(|q| &crate::model::references(&q.props["LogGroupNames"]) == groups)
        .map(|q| SavedQuery {
            name: q.props["Name"].as_str().unwrap_or_default().to_owned(),
            text: q.props["QueryString"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            groups: groups
                .iter()
                .filter_map(|g| view.get(g)?.physical_name())
                .collect(),
        })
}

/// The saved queries that explain an alarm: one over all its functions when the stack has it
/// (the API's), else one per function.
fn queries(view: &View, alarm: &AlarmDoc) -> Vec<SavedQuery> {
    let groups: BTreeSet<String> = functions_of(view, alarm)
        .iter()
        .filter_map(|f| log_group_of(view, f))
        .collect();
    if groups.is_empty() {
        return Vec::new();
    }
    if let Some(all) = saved_query(view, &groups) {
        return vec![all];
    }
    groups
        .iter()
        .filter_map(|g| saved_query(view, &BTreeSet::from([g.clone()])))
        .collect()
}

/// The functions fed by the queue whose dead-letter queue is `dlq`.
fn consumers(view: &View, dlq: &str) -> Vec<String> {
    let sources: Vec<&str> = view
        .of_type(sqs::QUEUE_TYPE_NAME)
        .filter(|q| q.refers_to().iter().any(|r| r == dlq))
        .map(|q| q.id)
        .collect();
    view.of_type(lambda::EVENT_SOURCE_MAPPING_TYPE_NAME)
        .filter(|m| m.refers_to().iter().any(|r| sources.contains(&r.as_str())))
        .flat_map(|m| m.refers_to())
        .filter(|r| {
            view.get(r)
                .is_some_and(|x| x.ty == lambda::FUNCTION_TYPE_NAME)
        })
        .collect()
}

/// For an environment on the local emulator: where this page's `aws` commands must go. The
/// AWS CLI (v2.13 and later) sends every request to `AWS_ENDPOINT_URL` when it is set (AWS SDKs
/// and Tools Reference Guide, "Service-specific endpoints",
/// <https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html>); without it they
/// would go to AWS.
fn emulator_note(env: &Environment) -> String {
    env.emulator.as_ref().map_or_else(String::new, |url| {
        format!(
            "> `{}` runs on the local emulator: run the `aws` commands below with \
             `export AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID=testing \
             AWS_SECRET_ACCESS_KEY=testing` first, or they go to AWS. The emulator answers the \
             APIs the store uses; Logs Insights and X-Ray are AWS's only.\n\n",
            env.name
        )
    })
}

pub fn alarm_page(env: &Environment, view: &View, alarm: &AlarmDoc) -> String {
    let mut out = super::generated(env);
    out.push_str(&format!("# `{}`\n\n{}\n\n", alarm.name, alarm.summary));
    out.push_str(&emulator_note(env));
    out.push_str(&format!(
        "It fires when `{}` is at least 1 in a five-minute period, and notifies the ops-alerts \
         topic (`{}-{}-ops-alerts`), whose email subscribers are the environment's \
         `alarm_emails`. Alarm resource: `{}`.\n\n## What it means\n\n{}\n\n## Where to look\n\n",
        alarm.metric,
        env.project,
        env.name,
        alarm.id,
        meaning(&alarm.watched)
    ));
    let queries = queries(view, alarm);
    for q in &queries {
        for g in &q.groups {
            out.push_str(&format!("- Logs: `{g}`\n"));
        }
    }
    let traced: Vec<String> = functions_of(view, alarm)
        .iter()
        .filter_map(|id| view.get(id))
        .filter(|f| {
            f.props
                .pointer("/TracingConfig/Mode")
                .and_then(|m| m.as_str())
                == Some("Active")
        })
        .filter_map(|f| f.physical_name())
        .collect();
    for name in &traced {
        out.push_str(&format!(
            "- Traces: X-Ray → Traces, filter `service(\"{name}\") AND fault`; from a shell: \
             `aws xray get-trace-summaries --region {} --start-time $(date -d '-1 hour' +%s) \
             --end-time $(date +%s) --filter-expression 'service(\"{name}\") AND fault'`\n",
            env.region
        ));
    }
    if let Some(d) = view.of_type(cloudwatch::DASHBOARD_TYPE_NAME).next() {
        out.push_str(&format!(
            "- Dashboard: `{}`\n",
            d.physical_name()
                .unwrap_or_else(|| format!("{}-{}", env.project, env.name))
        ));
    }
    if let Watched::DeadLetters { queue } | Watched::StreamFailures { queue, .. } = &alarm.watched {
        let name = view
            .get(queue)
            .and_then(|q| q.physical_name())
            .unwrap_or_else(|| queue.clone());
        out.push_str(&format!("- Queue: `{name}`\n"));
    }
    for q in &queries {
        let names = format!("--log-group-names {}", q.groups.join(" "));
        out.push_str(&format!(
            "\nSaved query `{}` (CloudWatch → Logs Insights → Saved queries):\n\n\
             ```text\n{}\n```\n\nFrom a shell, for the last hour:\n\n```sh\n\
             aws logs start-query --region {} {} \\\n  --start-time $(date -d '-1 hour' +%s) \
             --end-time $(date +%s) \\\n  --query-string '{}'\n\
             aws logs get-query-results --region {} --query-id <the queryId printed above>\n```\n",
            q.name,
            q.text,
            env.region,
            names,
            q.text.replace('\n', " "),
            env.region
        ));
    }
    out.push_str(&format!(
        "\n## First steps\n\n{}\n\n## Escalate\n\n{}\n",
        first_steps(env, &alarm.watched),
        escalate(&alarm.watched)
    ));
    out
}

fn meaning(w: &Watched) -> &'static str {
    match w {
        Watched::FunctionErrors { .. } => {
            "Invocations of the function failed: it returned an error, crashed, or ran out of time. HTTP functions answer 500 (the API 5xx alarm fires too); queue consumers leave the message for a retry."
        }
        Watched::FunctionThrottles { .. } => {
            "Lambda refused invocations because no concurrency was left: the account's limit is reached, or the kill switch set the function's reserved concurrency to 0."
        }
        Watched::ApiErrors => {
            "The HTTP API answered with a 5xx: a function failed or timed out, or the API could not reach it. Customers saw an error page or a failed action."
        }
        Watched::DeadLetters { .. } => {
            "Messages failed every delivery (the queue's maxReceiveCount) and were moved to the dead-letter queue. Their work (a stock alert, a report) did not happen."
        }
        Watched::StreamFailures { .. } => {
            "The stream mapping gave up on a batch of the orders table's stream after its retries: customers did not get their emails for those order changes. The queue holds where in the stream the batch was, not the records."
        }
        Watched::Other => "See the alarm's description.",
    }
}

fn first_steps(env: &Environment, w: &Watched) -> String {
    let e = &env.name;
    match w {
        Watched::FunctionErrors { .. } | Watched::ApiErrors => format!(
            "1. Run the query above; group the errors by `msg` and `cause`.\n\
             2. `stackgen status --env {e}`: is the stack mid-deploy or rolled back? A failing \
             deploy is the usual cause (see [A deploy failed](failed-deploy.md)).\n\
             3. Timeouts (`Task timed out`) point at a slow dependency or DynamoDB throttling: \
             the function's `Duration` ({duration}) and, in CloudWatch → Metrics → DynamoDB, the \
             tables' `ThrottledRequests`.\n\
             4. If a release caused it, deploy the previous commit: `git checkout <good> && \
             stackgen deploy --env {e}`.",
            duration = if env.features.dashboard {
                "the dashboard's \"Duration (p99, ms)\" widget"
            } else {
                "CloudWatch → Metrics → Lambda; this environment has no dashboard"
            }
        ),
        Watched::FunctionThrottles { .. } => format!(
            "1. `stackgen kill-switch status --env {e}`: did the kill switch throttle the \
             functions? Then see [The kill switch acted](kill-switch.md).\n\
             2. Otherwise the account's concurrency is used up: `aws lambda get-account-settings \
             --region {r}` gives the limit; the account's peak in the last hour is `aws cloudwatch \
             get-metric-statistics --region {r} --namespace AWS/Lambda --metric-name \
             ConcurrentExecutions --statistics Maximum --period 60 --start-time $(date -u -d \
             '-1 hour' +%FT%TZ) --end-time $(date -u +%FT%TZ)`.\n\
             3. A burst of queue messages is capped by the mappings' maximum concurrency; an HTTP \
             burst by the API stage's throttling.",
            r = env.region
        ),
        Watched::DeadLetters { .. } => format!(
            "1. Read a few dead letters: `aws sqs receive-message --region {r} --queue-url <dlq \
             url> --max-number-of-messages 5 --visibility-timeout 0`.\n\
             2. Run the query above on the consumer's log group for the messages' ids.\n\
             3. Once the cause is fixed, move them back: `aws sqs start-message-move-task \
             --region {r} --source-arn <dlq arn>` (back to the source queue).\n\
             4. A message that can never succeed (malformed) can be deleted after it is recorded.",
            r = env.region
        ),
        Watched::StreamFailures { .. } => format!(
            "1. Run the query above: `stream record failed` lines name the sequence number and \
             the cause (SES refused the sender? the user pool unreachable?).\n\
             2. SES: `stackgen status --env {e}` says whether the sender is verified and whether \
             the account is still in the SES sandbox (where mail reaches only verified \
             addresses); `aws sesv2 get-email-identity --region {r} --email-identity {sender}` \
             shows the identity itself.\n\
             3. The failures queue's messages give the shard and sequence range; the orders in it \
             are still correct, only their emails are missing. Tell the stores to call those \
             customers if it matters.",
            r = env.region,
            sender = env
                .notifications
                .as_ref()
                .map_or("<sender>", |n| n.sender.as_str())
        ),
        Watched::Other => {
            "Read the alarm's metric in CloudWatch → Alarms and the related logs.".to_owned()
        }
    }
}

fn escalate(w: &Watched) -> &'static str {
    match w {
        Watched::ApiErrors | Watched::FunctionErrors { .. } => {
            "When customers cannot order for more than 15 minutes, or orders or stock look wrong: call the platform team's owner (the stack's `Owner` tag)."
        }
        Watched::FunctionThrottles { .. } => {
            "When the kill switch throttled a protected environment, FinOps decides on the reset together with the owner."
        }
        Watched::DeadLetters { .. } | Watched::StreamFailures { .. } => {
            "When messages keep arriving in the failures or dead-letter queue after a fix: the platform team's owner."
        }
        Watched::Other => "The platform team's owner.",
    }
}

/// The procedures' pages, by file stem.
pub fn procedures(
    env: &Environment,
    view: &View,
    companions: &[super::Companion<'_>],
) -> Vec<(&'static str, String)> {
    vec![
        ("demo-flow", demo_flow(env)),
        ("kill-switch", kill_switch(env)),
        ("failed-deploy", failed_deploy(env, companions)),
        ("restore-table", restore_table(env, view)),
        ("waf-blocks", waf_blocks(env, view, companions)),
    ]
}

fn demo_flow(env: &Environment) -> String {
    let e = &env.name;
    let mut out = super::generated(env);
    out.push_str("# The store end to end\n\n");
    let store = env
        .stores
        .first()
        .map_or_else(String::new, |s| format!("{} ({})", s.name, s.id));
    let start = if env.emulator.is_some() {
        format!(
            "Every part of the store in one pass, on this machine. `make test` runs it in \
             headless Chromium.\n\n\
             1. `make run` (or `stackgen dev --env {e}`) serves the store and prints its URL; \
             `<URL>/admin.html` is the back office.\n\
             2. It also makes a demo staff member and a demo shopper and prints their sign-ins; a \
             new account's confirmation code is in the emulator's outbox (the URL it prints).\n"
        )
    } else {
        format!(
            "Every part of the store in one pass: what to run after a deploy, or to show the \
             store. The shopper's part alone is automated: `stackgen smoke --env {e}` (deploy \
             runs it last) signs a customer of its own in, orders, cancels, checks the stock and \
             cleans up.\n\n\
             1. `stackgen status --env {e}` prints the outputs; `UiUrl` is the storefront, \
             `<UiUrl>/admin.html` the back office.\n\
             2. Make a staff member: `stackgen staff add --env {e} you@example.com` (Cognito \
             emails a temporary password; the first sign-in sets a new one).\n"
        )
    };
    out.push_str(&start);
    out.push_str(&format!(
        "3. In the storefront, create an account, confirm it with the emailed code (or \
         `stackgen customers confirm --env {e} <email>`), browse a category, add to the cart, and \
         order at {store}. \"My orders\" shows it as placed.\n\
         4. In the back office, Orders, choose the store: the order waits in the queue. \"Start \
         picking\", then \"Mark ready for pickup\".{}\n\
         5. \"My orders\" says \"Ready for pickup\" without a reload. \"Mark collected\" ends it; \
         the customer pays at the counter.\n\
         6. Inventory: the ordered units are gone from stock; set a product below its threshold to \
         see a low-stock alert at the stock-alerts topic's subscribers.\n\
         7. Reports: request a report for today; its CSV and JSON links appear when it is built.\n\
         8. `stackgen cost-report --env {e}` for the month's estimate{}.\n",
        if env.notifications.is_some() {
            " The customer gets the ready-for-pickup email."
        } else {
            ""
        },
        if env.emulator.is_some() {
            ""
        } else {
            ", `--actuals` for what was spent"
        }
    ));
    out
}

fn kill_switch(env: &Environment) -> String {
    let e = &env.name;
    let mut out = super::generated(env);
    out.push_str("# The kill switch acted\n\n");
    let k = &env.kill_switch;
    if !k.enabled {
        out.push_str(&format!(
            "`{e}` has no kill switch (`kill_switch.enabled: false`).\n"
        ));
        return out;
    }
    let what = match k.action {
        KillAction::Throttle => {
            "sets every other function's reserved concurrency to 0 and disables the queue mappings: the store stops answering, and all data stays"
        }
        KillAction::Destroy => {
            "empties the buckets and deletes the stack: nothing of the environment keeps billing, and its data is gone"
        }
    };
    out.push_str(&emulator_note(env));
    let look = match k.action {
        KillAction::Throttle => format!("stackgen kill-switch status --env {e}"),
        // The stack is gone, and `kill-switch status` reads its functions: the ops-alerts
        // message and CloudFormation's deleted stacks say when it went.
        KillAction::Destroy => format!(
            "stackgen status --env {e}   # \"does not exist\" once the stack is deleted\n\
             aws cloudformation list-stacks --region {} --stack-status-filter DELETE_COMPLETE \\\n  \
             --query \"StackSummaries[?StackName=='{}-{e}'].[DeletionTime,StackStatusReason]\"",
            env.region, env.project
        ),
    };
    out.push_str(&format!(
        "When actual spend reaches {}% of the ${} monthly budget, AWS Budgets notifies the \
         kill-switch topic, and the kill-switch function {what}. It publishes what it did to the \
         ops-alerts topic.{}\n\n## What happened\n\n```sh\n{look}\n\
         stackgen cost-report --env {e} --actuals\n```\n\n## Undo it\n\n",
        k.threshold_percent,
        env.budget.monthly_usd,
        k.schedule.as_ref().map_or_else(String::new, |s| format!(
            " It also destroys the environment on its schedule, `{s}` (UTC)."
        ))
    ));
    out.push_str(&match k.action {
        KillAction::Throttle => format!(
            "Find out what spent the money first (the cost report's actuals{}). Then:\n\n\
             ```sh\nstackgen kill-switch reset --env {e}\n```\n\n\
             Each function gets back the reserved concurrency the template gives it, and the queue \
             mappings are enabled again. {}\n",
            if env.features.dashboard {
                ", the dashboard"
            } else {
                ""
            },
            rearm(env)
        ),
        KillAction::Destroy => format!(
            "Deploy again when the cause is understood:\n\n```sh\nstackgen deploy --env {e}\n```\n"
        ),
    });
    out.push_str(REHEARSE_KILL_SWITCH);
    out
}

/// The drill: the same function, on the local stack, through `stackgen dev`'s Invoke API.
const REHEARSE_KILL_SWITCH: &str = "\n## Rehearse it\n\n\
The same function runs on a developer's machine against the local stack. With `make run` up:\n\n\
```sh\naws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name kill-switch \\\n  \
--cli-binary-format raw-in-base64-out --payload '{\"action\":\"destroy\",\"source\":\"drill\"}' out.json\n\
cat out.json\n```\n\n\
It does what `environments/local.yaml`'s `kill_switch.action` says (`destroy`: the local stack is \
emptied and deleted, and the next `make run` deploys it again); an invocation asking for the other \
action is refused. To rehearse `throttle`, set it there and run `make run` again.\n";

/// What watches the spend after a reset. A budget notification stays in `ALARM` once its
/// threshold is passed ("If a budget notification is in the ALARM state, you passed the set
/// threshold for the budget", AWS Budgets API, Notification:
/// <https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html>)
/// until the budget's period starts again, so the kill switch does not fire twice in a month.
fn rearm(env: &Environment) -> String {
    let k = &env.kill_switch;
    let higher: Vec<String> = env
        .budget
        .thresholds_percent
        .iter()
        .filter(|t| u64::from(**t) > u64::from(k.threshold_percent))
        .map(|t| format!("{t}%"))
        .collect();
    let rest = if higher.is_empty() {
        "no threshold above it notifies either".to_owned()
    } else {
        format!(
            "only the e-mail thresholds above it ({}) still notify",
            higher.join(", ")
        )
    };
    format!(
        "The kill switch does not act again this month: its budget notification has fired and \
         stays in alarm until the month ends, and {rest}. Until then watch the spend by hand: \
         `stackgen cost-report --env {} --actuals`, daily.",
        env.name
    )
}

fn failed_deploy(env: &Environment, companions: &[super::Companion<'_>]) -> String {
    let e = &env.name;
    let stack = format!("{}-{}", env.project, env.name);
    let mut out = super::generated(env);
    out.push_str("# A deploy failed\n\n");
    out.push_str(&emulator_note(env));
    out.push_str(&format!(
        "`stackgen deploy --env {e}` prints the resource that failed and \
         CloudFormation's reason, and CloudFormation rolls the stack back. See where it is:\n\n\
         ```sh\nstackgen status --env {e}\naws cloudformation describe-stack-events --stack-name \
         {stack} --region {} --max-items 20\n```\n\n",
        env.region
    ));
    out.push_str(&format!(
        "| stack status | what it means | what to do |\n| --- | --- | --- |\n\
         | `UPDATE_ROLLBACK_COMPLETE` | the update failed and everything is back as before | fix the cause, deploy again |\n\
         | `ROLLBACK_COMPLETE` | the first create failed; nothing usable exists | {} |\n\
         | `UPDATE_ROLLBACK_FAILED` | the rollback itself failed; the stack is stuck | `aws cloudformation continue-update-rollback --stack-name {stack} --region {}` (with `--resources-to-skip` for a resource that cannot roll back), then deploy again |\n\
         | `DELETE_FAILED` | a destroy could not delete everything | `stackgen destroy --env {e}{force}` again; it reports what remains |\n\
         | `*_IN_PROGRESS` | another operation is running | `stackgen deploy` waits for it |\n",
        if env.is_protected() {
            "deploy refuses to delete it in a protected environment: look at the events, delete the stack by hand once you are sure it holds nothing, then deploy".to_owned()
        } else {
            format!("`stackgen deploy --env {e} --yes` deletes the leftover and creates it again")
        },
        env.region,
        force = if env.is_protected() { " --force-prod" } else { "" }
    ));
    for c in companions {
        out.push_str(&format!(
            "\nThe stack `{name}` in {region} deploys first, and a failure there stops the deploy \
             before the main stack changes. The same table holds for it, with `--stack-name \
             {name} --region {region}`; `stackgen deploy --env {e} --stack {name}` deploys it \
             alone.\n",
            name = c.name,
            region = c.region
        ));
    }
    out.push_str(&format!(
        "\nTo go back to the previous release, deploy the commit that was live: \
         `git checkout <commit> && stackgen deploy --env {e}`. Functions are content-addressed \
         zips, so only what changed is uploaded again.\n\n\
         When the stack deployed but the smoke test at the end failed, the stack is live: the \
         message names the step and what the API answered. `stackgen smoke --env {e}` runs it \
         again on its own; the step's function's log group and saved errors query say why.\n"
    ));
    out
}

fn restore_table(env: &Environment, view: &View) -> String {
    let mut out = super::generated(env);
    out.push_str("# Restore a table\n\n");
    out.push_str(&emulator_note(env));
    if !env.protection.point_in_time_recovery {
        out.push_str(&format!(
            "`{}` has no point-in-time recovery (`protection.point_in_time_recovery: false`): its \
             tables cannot be restored. Their data is demo or test data; deploy again and load it.\n",
            env.name
        ));
        return out;
    }
    out.push_str(
        "Point-in-time recovery keeps every table restorable to any second of the last 35 days. \
         A restore makes a new table; the stack keeps using the old one. Restore next to it, \
         check, then copy back what was lost.\n\n",
    );
    for t in view.of_type(dynamodb::TABLE_TYPE_NAME) {
        let Some(name) = t.physical_name() else {
            continue;
        };
        out.push_str(&format!(
            "## `{name}`\n\n```sh\naws dynamodb restore-table-to-point-in-time --region {r} \\\n  \
             --source-table-name {name} --target-table-name {name}-restored \\\n  \
             --restore-date-time 2026-01-31T09:00:00Z   # the moment before the damage, UTC\n\
             aws dynamodb wait table-exists --region {r} --table-name {name}-restored\n\
             aws dynamodb scan --region {r} --table-name {name}-restored --max-items 5\n```\n\n",
            r = env.region
        ));
    }
    out.push_str(
        "Copy the items you need back with `aws dynamodb put-item` (or a `batch-write-item` \
         file), then delete the restored table: it bills for its storage and is not part of the \
         stack.\n",
    );
    out
}

/// One web ACL's log group and saved queries, read from the stack that holds them.
struct AclLog {
    region: String,
    group: String,
    queries: Vec<String>,
}

/// The web ACLs' log groups (named `aws-waf-logs-…`) in `view`, with the saved queries that
/// read each.
fn acl_logs(view: &View, region: &str) -> Vec<AclLog> {
    let prefix = crate::stack::waf::LOG_GROUP_PREFIX;
    view.of_type(logs::LOG_GROUP_TYPE_NAME)
        .filter_map(|g| {
            let group = g.physical_name().filter(|n| n.starts_with(prefix))?;
            let queries = view
                .of_type(logs::QUERY_DEFINITION_TYPE_NAME)
                .filter(|q| q.props["LogGroupNames"].to_string().contains(g.id))
                .filter_map(|q| q.props["Name"].as_str().map(str::to_owned))
                .collect();
            Some(AclLog {
                region: region.to_owned(),
                group,
                queries,
            })
        })
        .collect()
}

/// Customers (or a store) refused by a web ACL: where its decisions are logged, how to read
/// them, and what to change.
fn waf_blocks(env: &Environment, view: &View, companions: &[super::Companion<'_>]) -> String {
    let mut out = super::generated(env);
    out.push_str(
        "# Requests refused by the web ACLs

",
    );
    out.push_str(&emulator_note(env));
    // The CDN's (in a companion stack) first: most of the traffic meets it.
    let mut acls: Vec<AclLog> = companions
        .iter()
        .flat_map(|c| acl_logs(&View::new(c.template), c.region))
        .collect();
    acls.extend(acl_logs(view, &env.region));
    if acls.is_empty() {
        out.push_str(&format!(
            "`{}` has no web ACL (`features.waf: false`): nothing refuses a request before the \
             API, whose stage throttling answers 429 past its rate.\n",
            env.name
        ));
        return out;
    }
    out.push_str(&format!(
        "A request a web ACL refuses gets 403 from CloudFront (the storefront and the API) or from \
         Cognito (sign-in). Every request a rule blocked, counted or challenged is logged, and \
         nothing else, with its `authorization` and `cookie` headers redacted, kept {} days. The \
         rules run in `{}` mode (`waf.mode`){}.\n\n\
         | log group | region | saved queries (Logs Insights) |\n| --- | --- | --- |\n",
        env.log_retention_days,
        match env.waf.mode {
            crate::env::WafMode::Block => "block",
            crate::env::WafMode::Count => "count",
        },
        if env.waf.mode == crate::env::WafMode::Count {
            ": nothing is refused, the logs show what would have been"
        } else {
            ""
        }
    ));
    for a in &acls {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            a.group,
            a.region,
            a.queries
                .iter()
                .map(|q| format!("`{q}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let first = &acls[0];
    out.push_str(&format!(
        "\n## Who and what, the last hour\n\n```sh\nid=$(aws logs start-query --region {r} \\\n  \
         --log-group-name {g} \\\n  --start-time $(date -d '-1 hour' +%s) --end-time $(date +%s) \\\n  \
         --query-string '{q}' --query queryId --output text)\n\
         sleep 5; aws logs get-query-results --region {r} --query-id \"$id\"\n```\n\n\
         (or the saved queries in the console's Logs Insights). `terminatingRuleId` names the web \
         ACL's rule that refused the request (for a managed group, the group; its own rule is \
         `ruleGroupList.0.terminatingRule.ruleId`). A rule that only counts (`waf.mode: count`) \
         leaves `action` at `ALLOW` and is named in `nonTerminatingMatchingRules` (inside a managed \
         group, `ruleGroupList.0.nonTerminatingMatchingRules`).\n\n\
         ## What to do\n\n\
         - **A rate rule** (`OrdersPerIp`, `RequestsPerIp`, `SignInPerIp`) and one address: what the \
         limit is for. When it is a store's own shared address (a branch's Wi-Fi, a carrier's \
         NAT), raise `waf.rate_limits` in `environments/{e}.yaml` and `stackgen deploy --env {e}`.\n\
         - **A managed rule** (`AWSManagedRules…`) refusing real customers: set `waf.mode: count`, \
         deploy, and read what the rule matches here before changing it back to `block`.\n\
         - **`LargeBodies`** on a route other than `PUT /api/inventory`: a body over 8 KB, which no \
         storefront call sends.\n",
        r = first.region,
        g = first.group,
        q = crate::stack::waf::WAF_TOP_QUERY.replace('\n', " "),
        e = env.name,
    ));
    out
}
