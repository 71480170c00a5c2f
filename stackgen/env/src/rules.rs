//! The rules an environment must follow beyond its shape.
//!
//! Parsing guarantees the fields exist with the right types; these rules catch values AWS would
//! refuse late (a region typo, a retention CloudWatch does not offer, a bad schedule) and values
//! that contradict each other (a protected environment with a scheduled shutdown). Each rule
//! returns the field it is about and a message that says what is allowed.

use std::collections::HashMap;

use super::locate::{FieldPath, Violation};
use super::model::{Environment, FunctionCode, KillAction};
use super::{region, schedule};

/// Retention periods CloudWatch Logs accepts, in days.
pub const LOG_RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// AWS Budgets allows this many notifications per budget.
pub const MAX_BUDGET_THRESHOLDS: usize = 5;
/// AWS Budgets allows this many email subscribers per notification.
pub const MAX_BUDGET_EMAILS: usize = 10;
/// Store ids travel in one Lambda environment variable (4 KB for all variables together).
pub const MAX_STORES: usize = 100;

/// Every rule the environment breaks, in field order. `stem` is the file name without `.yaml`.
pub fn check(env: &Environment, stem: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    check_identity(env, stem, &mut out);
    check_tags(env, &mut out);
    check_budget(env, &mut out);
    check_alarm_emails(env, &mut out);
    check_notifications(env, &mut out);
    check_kill_switch(env, &mut out);
    check_stores(env, &mut out);
    check_protection(env, &mut out);
    check_always_on(env, &mut out);
    check_order_limits(env, &mut out);
    check_images(env, &mut out);
    check_reports(env, &mut out);
    super::domain::check(env, &mut out);
    super::emulator::check(env, &mut out);
    if !LOG_RETENTION_DAYS.contains(&env.log_retention_days) {
        out.push((
            FieldPath::keys("log_retention_days"),
            format!(
                "`{}` is not a retention CloudWatch Logs accepts; use one of {} (days)",
                env.log_retention_days,
                join(LOG_RETENTION_DAYS)
            ),
        ));
    }
    out
}

/// Lower-case kebab-case: starts with a letter, then letters, digits and single hyphens.
pub fn is_kebab(s: &str) -> bool {
    let starts_with_letter = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    starts_with_letter
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn check_identity(env: &Environment, stem: &str, out: &mut Vec<Violation>) {
    if env.name != stem {
        out.push((
            FieldPath::keys("name"),
            format!(
                "`{}` does not match the file name `{stem}.yaml`; the name is how commands find \
                 the file (`--env {stem}`), so set `name: {stem}` or rename the file to `{}.yaml`",
                env.name, env.name
            ),
        ));
    } else if !is_kebab(&env.name) || !(2..=12).contains(&env.name.len()) {
        out.push((
            FieldPath::keys("name"),
            format!(
                "`{}` is not allowed; an environment name is lower-case kebab-case (a-z, 0-9, \
                 single hyphens, starting with a letter), 2 to 12 characters, e.g. `dev`, \
                 because it goes into every resource name",
                env.name
            ),
        ));
    }
    if !is_kebab(&env.project) || !(3..=20).contains(&env.project.len()) {
        out.push((
            FieldPath::keys("project"),
            format!(
                "`{}` is not allowed; the project name is lower-case kebab-case (a-z, 0-9, \
                 single hyphens, starting with a letter), 3 to 20 characters, e.g. `grocer`, \
                 because it prefixes every resource name and S3 bucket names allow nothing else",
                env.project
            ),
        ));
    }
    if !region::is_known(&env.region) {
        out.push((
            FieldPath::keys("region"),
            format!(
                "`{}` is not a known AWS commercial region; use one of {}",
                env.region,
                region::KNOWN_REGIONS.join(", ")
            ),
        ));
    }
    if let Some(account) = &env.account
        && (account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()))
    {
        out.push((
            FieldPath::keys("account"),
            format!(
                "`{account}` is not an AWS account id; write exactly 12 digits in quotes, \
                 e.g. `account: \"111122223333\"`, or remove the line to deploy to whatever \
                 account the credentials belong to"
            ),
        ));
    }
}

fn check_tags(env: &Environment, out: &mut Vec<Violation>) {
    for (key, value) in env.tags.pairs() {
        let path = FieldPath::keys("tags").key(key);
        if value.trim().is_empty() {
            out.push((
                path,
                format!(
                    "the `{key}` tag is empty; every resource carries it for cost allocation, so \
                     give it a value"
                ),
            ));
        } else if value.chars().count() > 256 || !value.chars().all(tag_char) {
            out.push((
                path,
                format!(
                    "`{value}` is not a valid AWS tag value; use at most 256 letters, digits, \
                     spaces and `_ . : / = + - @`"
                ),
            ));
        }
    }
    if !env.tags.env.trim().is_empty() && env.tags.env != env.name {
        out.push((
            FieldPath::keys("tags.Env"),
            format!(
                "`{}` does not match the environment name `{}`; set `Env: {}` (cost reports, \
                 budgets and destroy's leftover check find this environment's resources by it)",
                env.tags.env, env.name, env.name
            ),
        ));
    }
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

fn check_budget(env: &Environment, out: &mut Vec<Violation>) {
    let budget = &env.budget;
    if budget.monthly_usd == 0 {
        out.push((
            FieldPath::keys("budget.monthly_usd"),
            "must be greater than 0 (whole US dollars per month, e.g. 50)".to_string(),
        ));
    }
    let thresholds = FieldPath::keys("budget.thresholds_percent");
    if budget.thresholds_percent.is_empty() {
        out.push((
            thresholds.clone(),
            "list at least one threshold (percent of the monthly budget), e.g. [50, 80, 100]"
                .to_string(),
        ));
    }
    if budget.thresholds_percent.len() > MAX_BUDGET_THRESHOLDS {
        out.push((
            thresholds.clone(),
            format!(
                "{} thresholds listed; AWS Budgets allows at most {MAX_BUDGET_THRESHOLDS} \
                 notifications per budget",
                budget.thresholds_percent.len()
            ),
        ));
    }
    let mut previous: Option<u32> = None;
    for (i, &t) in budget.thresholds_percent.iter().enumerate() {
        if !(1..=1000).contains(&t) {
            out.push((
                thresholds.index(i),
                format!(
                    "`{t}` is out of range; a threshold is a percent of the budget from 1 to 1000"
                ),
            ));
        } else if let Some(p) = previous.filter(|p| t <= *p) {
            out.push((
                thresholds.index(i),
                format!(
                    "`{t}` is not greater than the threshold before it (`{p}`); list thresholds \
                     in ascending order without repeats, e.g. [50, 80, 100]"
                ),
            ));
        }
        previous = Some(previous.map_or(t, |p| p.max(t)));
    }
    let emails = FieldPath::keys("budget.emails");
    if budget.emails.is_empty() {
        out.push((
            emails.clone(),
            "list at least one email to notify when spend crosses a threshold, e.g. \
             [finops@example.com]"
                .to_string(),
        ));
    }
    if budget.emails.len() > MAX_BUDGET_EMAILS {
        out.push((
            emails.clone(),
            format!(
                "{} emails listed; AWS Budgets allows at most {MAX_BUDGET_EMAILS} email \
                 subscribers per notification (use a mailing list address)",
                budget.emails.len()
            ),
        ));
    }
    check_email_list(&budget.emails, &emails, out);
}

fn check_alarm_emails(env: &Environment, out: &mut Vec<Violation>) {
    check_email_list(&env.alarm_emails, &FieldPath::keys("alarm_emails"), out);
}

fn check_email_list(list: &[String], path: &FieldPath, out: &mut Vec<Violation>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, email) in list.iter().enumerate() {
        if !is_email(email) {
            out.push((
                path.index(i),
                format!(
                    "`{email}` does not look like an email address; write `name@domain.tld`, \
                     e.g. `finops@example.com`"
                ),
            ));
        } else if let Some(first) = seen.insert(email.to_lowercase(), i) {
            out.push((
                path.index(i),
                format!(
                    "`{email}` is already listed at {}; list each address once",
                    path.index(first)
                ),
            ));
        }
    }
}

/// Whether an address is on a domain reserved for documentation and tests, where no mail is
/// ever delivered: `example.com`/`.net`/`.org` (RFC 2606) and the `.example`, `.test`,
/// `.invalid` and `.localhost` top-level names (RFC 2606, RFC 6761).
pub fn is_placeholder_email(s: &str) -> bool {
    let domain = s
        .rsplit_once('@')
        .map_or(s, |(_, d)| d)
        .to_ascii_lowercase();
    let domain = domain.trim_end_matches('.');
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
        || ["example", "test", "invalid", "localhost"]
            .iter()
            .any(|tld| domain == *tld || domain.ends_with(&format!(".{tld}")))
}

/// The recipients (field, address) an environment notifies that can never receive mail.
/// `deploy` refuses them in a protected environment: an alarm nobody receives is no alarm.
pub fn placeholder_recipients(env: &Environment) -> Vec<(FieldPath, String)> {
    let budget = FieldPath::root().key("budget").key("emails");
    let alarms = FieldPath::root().key("alarm_emails");
    let listed = env
        .budget
        .emails
        .iter()
        .enumerate()
        .map(|(i, e)| (budget.index(i), e))
        .chain(
            env.alarm_emails
                .iter()
                .enumerate()
                .map(|(i, e)| (alarms.index(i), e)),
        );
    listed
        .filter(|(_, e)| is_placeholder_email(e))
        .map(|(path, e)| (path, e.clone()))
        .collect()
}

/// A plain `local@domain.tld` address (what SNS and Budgets accept as email subscribers).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    s.len() <= 254 && local_ok && domain_ok
}

fn check_kill_switch(env: &Environment, out: &mut Vec<Violation>) {
    let ks = &env.kill_switch;
    if !(1..=1000).contains(&ks.threshold_percent) {
        out.push((
            FieldPath::keys("kill_switch.threshold_percent"),
            format!(
                "`{}` is out of range; the kill switch fires at a percent of the monthly budget \
                 from 1 to 1000 (e.g. 100 = when actual spend reaches the budget)",
                ks.threshold_percent
            ),
        ));
    }
    if ks.action == KillAction::Destroy && env.protection.termination_protection {
        out.push((
            FieldPath::keys("kill_switch.action"),
            "`destroy` cannot delete a stack with termination protection \
             (protection.termination_protection: true); use `action: throttle`, which stops \
             spend without losing data"
                .to_string(),
        ));
    }
    if ks.enabled {
        check_kill_switch_reach(env, out);
    }
    if let Some(expr) = &ks.schedule {
        let path = FieldPath::keys("kill_switch.schedule");
        if let Err(why) = schedule::check(expr) {
            out.push((path, why));
        } else if env.is_protected() {
            out.push((
                path,
                "a scheduled shutdown destroys the environment, which a protected environment \
                 (protection.termination_protection or protection.retain_data) must not do; \
                 remove `schedule`"
                    .to_string(),
            ));
        }
    }
}

/// What an enabled kill switch can and cannot reach: it fires on the budget's alert (or its
/// schedule), and it deletes the environment's own stack only.
fn check_kill_switch_reach(env: &Environment, out: &mut Vec<Violation>) {
    let ks = &env.kill_switch;
    if !env.features.budget && ks.schedule.is_none() {
        out.push((
            FieldPath::keys("kill_switch.enabled"),
            "the kill switch fires when AWS Budgets reports spend past `threshold_percent`, and \
             this environment has no budget (`features.budget: false`), so nothing would ever \
             fire it; set `features.budget: true`, add a `schedule`, or set `enabled: false`"
                .to_string(),
        ));
    }
    // The us-east-1 stack (`<stack>-global`) holds the CDN's web ACL, which bills by the month
    // ($5 plus $1 a rule). The kill switch lives in the main stack and deletes that stack
    // only: it cannot wait for its own deletion to delete the web ACL after the distribution
    // that uses it, so the ACL would outlive it.
    let cdn_acl = env.waf_enabled() && env.features.cdn;
    if cdn_acl && (ks.action == KillAction::Destroy || ks.schedule.is_some()) {
        let (field, what) = if ks.action == KillAction::Destroy {
            ("kill_switch.action", "`destroy`")
        } else {
            ("kill_switch.schedule", "the scheduled shutdown")
        };
        out.push((
            FieldPath::keys(field),
            format!(
                "{what} deletes the environment's own stack only, and this environment's CDN web \
                 ACL (`features.waf`) lives in its us-east-1 stack, where it would keep billing \
                 $5 a month plus $1 a rule; use `action: throttle` without a `schedule`, set \
                 `features.waf: false`, or shut the environment down with `stackgen destroy`, \
                 which deletes both stacks"
            ),
        ));
    }
}

fn check_stores(env: &Environment, out: &mut Vec<Violation>) {
    let stores = FieldPath::keys("stores");
    if env.stores.is_empty() {
        out.push((
            stores.clone(),
            "list at least one store (branch) that orders can name, e.g. \
             `- {id: store-01, name: Downtown}`"
                .to_string(),
        ));
    }
    if env.stores.len() > MAX_STORES {
        out.push((
            stores.clone(),
            format!(
                "{} stores listed; at most {MAX_STORES} fit in the functions' environment",
                env.stores.len()
            ),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, store) in env.stores.iter().enumerate() {
        let id_path = stores.index(i).key("id");
        if !is_kebab(&store.id) || !(3..=24).contains(&store.id.len()) {
            out.push((
                id_path,
                format!(
                    "`{}` is not a store id; ids are lower-case kebab-case, 3 to 24 characters, \
                     like `store-01` (orders and the STORE_IDS variable carry them)",
                    store.id
                ),
            ));
        } else if let Some(first) = seen.insert(store.id.as_str(), i) {
            out.push((
                id_path,
                format!(
                    "`{}` is already the id of {}; store ids must be unique",
                    store.id,
                    stores.index(first)
                ),
            ));
        }
        let name = store.name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            out.push((
                stores.index(i).key("name"),
                "give the store a display name of 1 to 64 characters, e.g. `Downtown`".to_string(),
            ));
        } else if name.contains(char::is_control) {
            // The name is shown on the storefront and written into customer emails.
            out.push((
                stores.index(i).key("name"),
                "the store's display name holds a control character (a tab, a newline, an \
                 escape); write it on one line of plain text, e.g. `Downtown`"
                    .to_string(),
            ));
        }
    }
}

/// An order holds at most 50 lines of 999 units.
fn check_reports(env: &Environment, out: &mut Vec<Violation>) {
    if let Some(text) = &env.reports.daily_at
        && env.reports.daily_time().is_none()
    {
        out.push((
            FieldPath::keys("reports.daily_at"),
            format!(
                "`{text}` is not a time of day; write it as HH:MM in UTC (00:00 to 23:59), e.g. `21:30` after the stores close, or leave it out for no daily report"
            ),
        ));
    }
}

fn check_notifications(env: &Environment, out: &mut Vec<Violation>) {
    if let Some(n) = &env.notifications
        && !is_email(&n.sender)
    {
        out.push((
            FieldPath::keys("notifications.sender"),
            format!(
                "`{}` does not look like an email address; write the address customer emails come from, e.g. `orders@shop.example.com`, or leave `notifications` out for no emails",
                n.sender
            ),
        ));
    }
}

/// The largest photo upload accepted: a 20 MiB file decodes within the image function's memory
/// (its size comes from `make bench`'s resize of a 12-megapixel JPEG).
pub const MOST_UPLOAD_MB: u32 = 20;

fn check_images(env: &Environment, out: &mut Vec<Violation>) {
    let mb = env.images.max_upload_mb;
    if !(1..=MOST_UPLOAD_MB).contains(&mb) {
        out.push((
            FieldPath::keys("images.max_upload_mb"),
            format!(
                "`{mb}` is not a usable photo size limit; use 1 to {MOST_UPLOAD_MB} MiB (a phone's 12-megapixel JPEG is 3 to 5 MiB), or leave it out for {}",
                retail_spec::IMAGE_MAX_UPLOAD_DEFAULT_MB
            ),
        ));
    }
}

fn check_order_limits(env: &Environment, out: &mut Vec<Violation>) {
    const MOST_UNITS: u32 = 50 * 999;
    // The function counts open orders among the customer's newest 100.
    const MOST_OPEN: u32 = 50;
    const MOST_WINDOW_HOURS: u32 = 30 * 24;
    let o = &env.orders;
    if !(1..=MOST_UNITS).contains(&o.max_units_per_order) {
        out.push((
            FieldPath::keys("orders.max_units_per_order"),
            format!(
                "`{}` is not a usable limit; use 1 to {MOST_UNITS} (an order holds at most 50 lines of 999 units), or leave it out for {}",
                o.max_units_per_order,
                retail_spec::ORDER_MAX_UNITS_DEFAULT
            ),
        ));
    }
    if !(1..=MOST_WINDOW_HOURS).contains(&o.pickup_window_hours) {
        out.push((
            FieldPath::keys("orders.pickup_window_hours"),
            format!(
                "`{}` is not a usable pickup window; use 1 to {MOST_WINDOW_HOURS} hours (30 days), or leave it out for {}",
                o.pickup_window_hours,
                retail_spec::ORDER_PICKUP_WINDOW_DEFAULT_HOURS
            ),
        ));
    }
    if !(1..=MOST_OPEN).contains(&o.max_open_orders) {
        out.push((
            FieldPath::keys("orders.max_open_orders"),
            format!(
                "`{}` is not a usable limit; use 1 to {MOST_OPEN} open orders per customer, or leave it out for {}",
                o.max_open_orders,
                retail_spec::ORDER_MAX_OPEN_DEFAULT
            ),
        ));
    }
}

fn check_protection(env: &Environment, out: &mut Vec<Violation>) {
    if env.log_level == crate::LogLevel::Debug && env.is_protected() {
        out.push((
            FieldPath::keys("log_level"),
            "`debug` logs too much (and may log customer data) for a protected environment; use \
             `info` (the default), `warn` or `error`"
                .to_string(),
        ));
    }
    if env.features.demo_data && env.protection.retain_data {
        out.push((
            FieldPath::keys("features.demo_data"),
            "demo data must not be loaded into an environment whose data is retained \
             (protection.retain_data: true, i.e. production); set `demo_data: false`"
                .to_string(),
        ));
    }
    if !env.features.function_alarms && env.protection.retain_data {
        out.push((
            FieldPath::keys("features.function_alarms"),
            "an environment whose data is retained (protection.retain_data: true, i.e. \
             production) keeps an errors and a throttles alarm on every function; set \
             `function_alarms: true`"
                .to_string(),
        ));
    }
    check_function_code(env, out);
}

/// `function_code: host` zips this machine's debug binaries, which AWS Lambda (arm64) cannot
/// run: only an environment that never reaches a real account may use it. `lambda-quick` runs
/// in Lambda, but a protected environment ships the release build.
fn check_function_code(env: &Environment, out: &mut Vec<Violation>) {
    if env.function_code == FunctionCode::LambdaQuick && env.is_protected() {
        out.push((
            FieldPath::keys("function_code"),
            "`lambda-quick` is refused here because the environment is protected \
             (production-like): it ships the link-time-optimised release build, the smallest \
             zip and the fastest code; remove the line (or write `function_code: lambda`)"
                .to_owned(),
        ));
    }
    if env.function_code != FunctionCode::Host {
        return;
    }
    if let Some(why) = super::emulator::meant_for_aws(env) {
        out.push((
            FieldPath::keys("function_code"),
            format!(
                "`host` is refused here because {why}: host debug binaries cannot run in AWS \
                 Lambda, they are only for an environment on the local emulator; remove the line \
                 (or write `function_code: lambda`) to deploy cargo-lambda's arm64 builds"
            ),
        ));
    }
}

fn check_always_on(env: &Environment, out: &mut Vec<Violation>) {
    let list = FieldPath::keys("allow_always_on");
    for (i, allowance) in env.allow_always_on.iter().enumerate() {
        let parts: Vec<&str> = allowance.resource_type.split("::").collect();
        let type_ok = parts.len() == 3
            && parts[0] == "AWS"
            && parts[1..].iter().all(|p| {
                p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !type_ok {
            out.push((
                list.index(i).key("resource_type"),
                format!(
                    "`{}` is not a CloudFormation resource type; write it as AWS documents it, \
                     e.g. `AWS::EC2::NatGateway`",
                    allowance.resource_type
                ),
            ));
        } else if stackgen_facts::always_on(&allowance.resource_type).is_none() {
            out.push((
                list.index(i).key("resource_type"),
                format!(
                    "`{}` is not one of the always-on types the no-ghost-spend guardrail \
                     refuses (model/facts/src/billing.rs lists them), so this exception does nothing; \
                     remove the entry",
                    allowance.resource_type
                ),
            ));
        }
        if allowance.reason.trim().len() < 10 {
            out.push((
                list.index(i).key("reason"),
                "say in a sentence why paying for this by the hour is worth it (at least 10 \
                 characters); the reason is shown in the guardrail report"
                    .to_string(),
            ));
        }
    }
}

fn join(values: &[u32]) -> String {
    values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> Environment {
        serde_norway::from_str(
            "name: local\nproject: grocer\nregion: us-east-1\n\
             tags: {Project: grocer, Env: local, Owner: me, CostCenter: CC-1}\n\
             budget: {monthly_usd: 5, thresholds_percent: [100], emails: [f@example.com]}\n\
             log_retention_days: 1\n\
             kill_switch: {action: destroy, threshold_percent: 100}\n\
             stores: [{id: store-01, name: Downtown}]\n\
             function_code: host\n",
        )
        .unwrap_or_else(|e| panic!("fixture: {e}"))
    }

    fn function_code_violations(env: &Environment) -> Vec<String> {
        check(env, &env.name.clone())
            .into_iter()
            .filter(|(path, _)| path.to_string() == "function_code")
            .map(|(_, message)| message)
            .collect()
    }

    #[test]
    fn host_function_code_only_off_aws() {
        let env = local();
        assert_eq!(env.function_code, FunctionCode::Host);
        assert!(function_code_violations(&env).is_empty());

        let mut with_account = local();
        with_account.account = Some("111122223333".into());
        let v = function_code_violations(&with_account);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("111122223333") && v[0].contains("function_code: lambda"));

        let mut protected = local();
        protected.protection.termination_protection = true;
        let v = function_code_violations(&protected);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("protected"), "{v:?}");

        let mut lambda = protected.clone();
        lambda.function_code = FunctionCode::Lambda;
        assert!(function_code_violations(&lambda).is_empty());
        let mut quick = with_account.clone();
        quick.function_code = FunctionCode::LambdaQuick;
        assert!(
            function_code_violations(&quick).is_empty(),
            "quick builds run in Lambda"
        );
        protected.function_code = FunctionCode::LambdaQuick;
        let v = function_code_violations(&protected);
        assert!(v.len() == 1 && v[0].contains("protected"), "{v:?}");
    }

    #[test]
    fn kebab_names() {
        for ok in ["grocer", "qa-eu", "store-01", "a1"] {
            assert!(is_kebab(ok), "{ok}");
        }
        for bad in ["Grocer", "1abc", "a--b", "a-", "-a", "a_b", "a b", ""] {
            assert!(!is_kebab(bad), "{bad}");
        }
    }

    #[test]
    fn email_shapes() {
        for ok in [
            "finops@example.com",
            "a.b+ops@mail.example.co.uk",
            "x_y@ex-ample.io",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "finops",
            "finops@",
            "@example.com",
            "finops@example",
            "fin ops@example.com",
            "finops@@example.com",
            "finops@example..com",
            "finops@-example.com",
            ".finops@example.com",
            "finops@example.c0m",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn retention_list_is_cloudwatch_s() {
        assert_eq!(LOG_RETENTION_DAYS.len(), 22);
        assert!(LOG_RETENTION_DAYS.windows(2).all(|w| w[0] < w[1]));
    }
}
