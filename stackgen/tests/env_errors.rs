//! Every way an environment file can be wrong yields one message naming the file, the line and
//! column, and the field, and saying what is allowed.
//!
//! Each case takes a committed environment file, breaks one thing by text replacement, writes it
//! to a temporary directory under its own name, loads it, and checks the message. The expected
//! line and column are computed from the broken text (where `at` first occurs), so the cases keep
//! working when the comments in the committed files change.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use stackgen::env::{self, EnvError};

fn committed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../environments/{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fresh directory for one case.
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "stackgen-env-errors-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Writes `text` as `<dir>/<file>` and loads it, expecting an error.
fn load_err(file: &str, text: &str) -> (PathBuf, EnvError) {
    let path = scratch().join(file);
    std::fs::write(&path, text).expect("write temp file");
    let err = match env::load(&path) {
        Ok(e) => panic!("{file} should be refused but loaded: {e:?}\n---\n{text}"),
        Err(err) => err,
    };
    (path, err)
}

/// 1-based (line, column) of the first occurrence of `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the test text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Breaks `name.yaml` by replacing `from` with `to` and checks the message: it starts with
/// `<path>:<line>:<col>: <field>: ` where line/col are those of `at` in the broken text, and
/// contains every one of `says`.
fn case(name: &str, from: &str, to: &str, at: &str, field: &str, says: &[&str]) -> EnvError {
    let original = committed(name);
    assert!(original.contains(from), "`{from}` not in {name}.yaml");
    let broken = original.replacen(from, to, 1);
    let (path, err) = load_err(&format!("{name}.yaml"), &broken);
    let (line, col) = line_col(&broken, at);
    let text = err.to_string();
    let head = format!("{}:{line}:{col}: {field}: ", path.display());
    assert!(text.starts_with(&head), "expected `{head}…`, got:\n{text}");
    for s in says {
        assert!(text.contains(s), "expected `{s}` in:\n{text}");
    }
    assert!(!text.contains('\n'), "one paragraph, got:\n{text}");
    err
}

fn rule(name: &str, from: &str, to: &str, at: &str, field: &str, says: &[&str]) {
    let err = case(name, from, to, at, field, says);
    assert!(matches!(err, EnvError::Invalid { .. }), "{err:?}");
}

fn shape(name: &str, from: &str, to: &str, at: &str, field: &str, says: &[&str]) {
    let err = case(name, from, to, at, field, says);
    assert!(matches!(err, EnvError::Schema(_)), "{err:?}");
}

// ------------------------------------------------------------------------------------------
// Rules (valid YAML of the right shape, values not allowed)

#[test]
fn name_must_equal_the_file_stem() {
    rule(
        "dev",
        "name: dev",
        "name: qa",
        "name: qa",
        "name",
        &[
            "`qa` does not match the file name `dev.yaml`",
            "set `name: dev`",
        ],
    );
}

#[test]
fn name_must_be_short_kebab_case() {
    let text = committed("dev")
        .replace("name: dev", "name: Dev_1")
        .replace("Env: dev", "Env: Dev_1");
    let (path, err) = load_err("Dev_1.yaml", &text);
    let (line, col) = line_col(&text, "name: Dev_1");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:{line}:{col}: name: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("2 to 12 characters"), "{msg}");
}

#[test]
fn project_must_be_kebab_case_of_3_to_20_characters() {
    rule(
        "dev",
        "project: grocer",
        "project: Grocer_Chain",
        "project:",
        "project",
        &["`Grocer_Chain` is not allowed", "3 to 20 characters"],
    );
    rule(
        "local",
        "project: grocer",
        "project: gr",
        "project:",
        "project",
        &["e.g. `grocer`"],
    );
    rule(
        "local",
        "project: grocer",
        "project: a-very-long-project-name",
        "project:",
        "project",
        &["3 to 20"],
    );
}

#[test]
fn region_must_be_a_known_commercial_region() {
    rule(
        "dev",
        "region: eu-west-1",
        "region: eu-west1",
        "region:",
        "region",
        &[
            "`eu-west1` is not a known AWS commercial region",
            "eu-west-1",
            "us-east-1",
            "ap-southeast-2",
        ],
    );
}

#[test]
fn account_must_be_twelve_digits() {
    rule(
        "prod",
        "account: \"111122223333\"",
        "account: \"1111-2222\"",
        "account:",
        "account",
        &["`1111-2222` is not an AWS account id", "exactly 12 digits"],
    );
    rule(
        "prod",
        "account: \"111122223333\"",
        "account: 11112222333",
        "account:",
        "account",
        &["12 digits"],
    );
}

#[test]
fn an_unquoted_twelve_digit_account_keeps_its_digits() {
    let text = committed("prod").replace("account: \"111122223333\"", "account: 011122223333");
    let path = scratch().join("prod.yaml");
    std::fs::write(&path, &text).expect("write");
    let e = env::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.account.as_deref(), Some("011122223333"));
}

#[test]
fn env_tag_must_equal_the_name() {
    rule(
        "dev",
        "  Env: dev",
        "  Env: prod",
        "Env: prod",
        "tags.Env",
        &[
            "`prod` does not match the environment name `dev`",
            "set `Env: dev`",
        ],
    );
}

#[test]
fn tags_must_not_be_empty() {
    rule(
        "dev",
        "  Owner: platform-team",
        "  Owner: \"  \"",
        "Owner:",
        "tags.Owner",
        &["the `Owner` tag is empty"],
    );
    rule(
        "dev",
        "  CostCenter: CC-4100",
        "  CostCenter: \"CC#4100\"",
        "CostCenter:",
        "tags.CostCenter",
        &["not a valid AWS tag value"],
    );
}

#[test]
fn order_limits_must_be_usable() {
    rule(
        "prod",
        "max_units_per_order: 200",
        "max_units_per_order: 60000",
        "max_units_per_order: 60000",
        "orders.max_units_per_order",
        &["`60000` is not a usable limit", "50 lines of 999 units"],
    );
}

#[test]
fn the_daily_report_time_is_a_time_of_day() {
    rule(
        "prod",
        "daily_at: \"21:30\"",
        "daily_at: \"9pm\"",
        "daily_at: \"9pm\"",
        "reports.daily_at",
        &["`9pm` is not a time of day", "HH:MM in UTC"],
    );
    rule(
        "prod",
        "daily_at: \"21:30\"",
        "daily_at: \"24:00\"",
        "daily_at: \"24:00\"",
        "reports.daily_at",
        &["`24:00` is not a time of day"],
    );
}

#[test]
fn the_pickup_window_and_open_orders_are_bounded() {
    rule(
        "prod",
        "pickup_window_hours: 48",
        "pickup_window_hours: 0",
        "pickup_window_hours: 0",
        "orders.pickup_window_hours",
        &["`0` is not a usable pickup window", "1 to 720 hours"],
    );
    rule(
        "prod",
        "max_open_orders: 5",
        "max_open_orders: 500",
        "max_open_orders: 500",
        "orders.max_open_orders",
        &["`500` is not a usable limit", "1 to 50 open orders"],
    );
}

#[test]
fn log_retention_must_be_a_cloudwatch_value() {
    rule(
        "dev",
        "log_retention_days: 7",
        "log_retention_days: 10",
        "log_retention_days: 10",
        "log_retention_days",
        &[
            "`10` is not a retention CloudWatch Logs accepts",
            "1, 3, 5, 7, 14",
            "3653",
        ],
    );
}

#[test]
fn budget_must_be_positive() {
    rule(
        "dev",
        "monthly_usd: 50",
        "monthly_usd: 0",
        "monthly_usd",
        "budget.monthly_usd",
        &["must be greater than 0"],
    );
    // Past 64 bits: valid YAML, named at its field (the parser called it a u128).
    for huge in ["99999999999999999999", "-99999999999999999999"] {
        shape(
            "dev",
            "monthly_usd: 50",
            &format!("monthly_usd: {huge}"),
            "monthly_usd",
            "budget.monthly_usd",
            &[&format!("`{huge}` is out of range for every number field")],
        );
    }
}

#[test]
fn thresholds_must_be_in_range() {
    rule(
        "dev",
        "[50, 80, 100]",
        "[50, 80, 1001]",
        "1001",
        "budget.thresholds_percent[2]",
        &["`1001` is out of range", "from 1 to 1000"],
    );
    rule(
        "dev",
        "[50, 80, 100]",
        "[0, 80, 100]",
        "0, 80",
        "budget.thresholds_percent[0]",
        &["`0` is out of range"],
    );
}

#[test]
fn thresholds_must_ascend_without_repeats() {
    rule(
        "dev",
        "[50, 80, 100]",
        "[50, 40, 100]",
        "40",
        "budget.thresholds_percent[1]",
        &[
            "`40` is not greater than the threshold before it (`50`)",
            "ascending order",
        ],
    );
    rule(
        "dev",
        "[50, 80, 100]",
        "[50, 50, 100]",
        "50, 100",
        "budget.thresholds_percent[1]",
        &["`50` is not greater"],
    );
}

#[test]
fn thresholds_in_block_style_are_located_too() {
    rule(
        "dev",
        "thresholds_percent: [50, 80, 100]",
        "thresholds_percent:\n    - 50\n    - 80\n    - 70",
        "70",
        "budget.thresholds_percent[2]",
        &["`70` is not greater than the threshold before it (`80`)"],
    );
}

#[test]
fn thresholds_and_emails_must_not_be_empty_or_too_many() {
    rule(
        "dev",
        "[50, 80, 100]",
        "[]",
        "thresholds_percent:",
        "budget.thresholds_percent",
        &["list at least one threshold"],
    );
    rule(
        "dev",
        "[50, 80, 100]",
        "[10, 20, 30, 40, 50, 60]",
        "thresholds_percent:",
        "budget.thresholds_percent",
        &["at most 5"],
    );
    rule(
        "dev",
        "  emails:\n    - finops@example.com",
        "  emails: []",
        "emails:",
        "budget.emails",
        &["list at least one email"],
    );
}

#[test]
fn emails_must_look_like_emails() {
    rule(
        "dev",
        "    - finops@example.com",
        "    - finops-at-example.com",
        "finops-at",
        "budget.emails[0]",
        &["`finops-at-example.com` does not look like an email address"],
    );
    rule(
        "dev",
        "  - dev-oncall@example.com",
        "  - dev-oncall@example",
        "dev-oncall@",
        "alarm_emails[0]",
        &["does not look like an email address"],
    );
    rule(
        "prod",
        "    - cfo-office@example.com",
        "    - FINOPS@example.com",
        "FINOPS",
        "budget.emails[1]",
        &["already listed at budget.emails[0]"],
    );
}

#[test]
fn kill_switch_threshold_must_be_in_range() {
    rule(
        "dev",
        "threshold_percent: 100",
        "threshold_percent: 0",
        "threshold_percent",
        "kill_switch.threshold_percent",
        &["`0` is out of range", "1 to 1000"],
    );
}

#[test]
fn kill_switch_schedule_must_be_cron_or_rate() {
    rule(
        "dev",
        "cron(0 22 * * ? *)",
        "cron(0 22 * * *)",
        "schedule:",
        "kill_switch.schedule",
        &["has 5 fields", "EventBridge cron has 6"],
    );
    rule(
        "dev",
        "cron(0 22 * * ? *)",
        "every night",
        "schedule:",
        "kill_switch.schedule",
        &[
            "`every night` is not a schedule expression",
            "rate(value unit)",
        ],
    );
    rule(
        "dev",
        "cron(0 22 * * ? *)",
        "cron(0 25 * * ? *)",
        "schedule:",
        "kill_switch.schedule",
        &["hours field `25`", "0-23"],
    );
    // Well formed, accepted by EventBridge, and never run: the kill switch that never fires.
    rule(
        "dev",
        "cron(0 22 * * ? *)",
        "cron(0 22 31 6 ? *)",
        "schedule:",
        "kill_switch.schedule",
        &["would never run", "no month it names (JUN) has a day 31"],
    );
}

#[test]
fn a_protected_environment_refuses_a_schedule() {
    rule(
        "prod",
        "  threshold_percent: 150",
        "  threshold_percent: 150\n  schedule: cron(0 22 * * ? *)",
        "schedule:",
        "kill_switch.schedule",
        &["a protected environment", "remove `schedule`"],
    );
}

#[test]
fn termination_protection_refuses_the_destroy_action() {
    rule(
        "prod",
        "action: throttle",
        "action: destroy",
        "action:",
        "kill_switch.action",
        &[
            "`destroy` cannot delete a stack with termination protection",
            "use `action: throttle`",
        ],
    );
}

#[test]
fn a_kill_switch_without_a_budget_or_schedule_never_fires() {
    let text = committed("dev")
        .replacen("  budget: true", "  budget: false", 1)
        .replacen("  schedule: cron(0 22 * * ? *)", "", 1);
    let (path, err) = load_err("dev.yaml", &text);
    let (line, col) = line_col(&text, "enabled: true");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "{}:{line}:{col}: kill_switch.enabled: ",
            path.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("nothing would ever fire it"), "{msg}");
}

#[test]
fn a_destroying_kill_switch_refuses_a_web_acl_it_cannot_delete() {
    rule(
        "dev",
        "  cdn: true",
        "  cdn: true\n  waf: true",
        "action: destroy",
        "kill_switch.action",
        &[
            "lives in its us-east-1 stack",
            "use `action: throttle` without a `schedule`",
        ],
    );
    // Throttling alone is fine; a schedule still destroys, so it is refused too.
    let text = committed("dev")
        .replacen("  cdn: true", "  cdn: true\n  waf: true", 1)
        .replacen("action: destroy", "action: throttle", 1);
    let (_, err) = load_err("dev.yaml", &text);
    let msg = err.to_string();
    assert!(
        msg.contains("kill_switch.schedule: the scheduled shutdown"),
        "{msg}"
    );
}

#[test]
fn retained_data_refuses_demo_data() {
    rule(
        "prod",
        "demo_data: false",
        "demo_data: true",
        "demo_data:",
        "features.demo_data",
        &["demo data must not be loaded", "set `demo_data: false`"],
    );
}

#[test]
fn retained_data_keeps_the_function_alarms() {
    rule(
        "prod",
        "  budget: true\n",
        "  budget: true\n  function_alarms: false\n",
        "function_alarms:",
        "features.function_alarms",
        &[
            "keeps an errors and a throttles alarm",
            "set `function_alarms: true`",
        ],
    );
}

#[test]
fn stores_must_not_be_empty() {
    let original = committed("dev");
    let start = original.find("stores:\n").expect("stores in dev.yaml");
    let end = original[start..]
        .find("\n\n")
        .map_or(original.len(), |i| start + i);
    let block = &original[start..end];
    rule(
        "dev",
        block,
        "stores: []",
        "stores:",
        "stores",
        &["list at least one store"],
    );
}

#[test]
fn store_ids_must_be_kebab_and_unique() {
    rule(
        "dev",
        "  - id: store-02",
        "  - id: Store 2",
        "id: Store 2",
        "stores[1].id",
        &["`Store 2` is not a store id", "like `store-01`"],
    );
    rule(
        "dev",
        "  - id: store-03",
        "  - id: store-01",
        "id: store-01\n    name: Northgate",
        "stores[2].id",
        &["`store-01` is already the id of stores[0]"],
    );
    rule(
        "dev",
        "    name: Riverside",
        "    name: \"\"",
        "name: \"\"",
        "stores[1].name",
        &["give the store a display name"],
    );
    rule(
        "dev",
        "    name: Riverside",
        "    name: \"River\\u001bside\"",
        "name: \"River",
        "stores[1].name",
        &["holds a control character"],
    );
}

#[test]
fn always_on_exceptions_need_a_real_type_and_a_reason() {
    rule(
        "dev",
        "allow_always_on: []",
        "allow_always_on:\n  - resource_type: NatGateway\n    reason: needed for outbound calls",
        "resource_type:",
        "allow_always_on[0].resource_type",
        &[
            "`NatGateway` is not a CloudFormation resource type",
            "AWS::EC2::NatGateway",
        ],
    );
    rule(
        "dev",
        "allow_always_on: []",
        "allow_always_on:\n  - resource_type: AWS::EC2::NatGateway\n    reason: why",
        "reason:",
        "allow_always_on[0].reason",
        &["say in a sentence why"],
    );
    rule(
        "dev",
        "allow_always_on: []",
        "allow_always_on:\n  - resource_type: AWS::Lambda::Function\n    reason: the functions are the point",
        "resource_type:",
        "allow_always_on[0].resource_type",
        &[
            "`AWS::Lambda::Function` is not one of the always-on types",
            "this exception does nothing",
        ],
    );
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let text = committed("dev")
        .replace("region: eu-west-1", "region: mars-1")
        .replace("log_retention_days: 7", "log_retention_days: 8")
        .replace("name: dev", "name: qa");
    let (path, err) = load_err("dev.yaml", &text);
    let problems = err.problems();
    assert_eq!(problems.len(), 4, "{err}");
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["name", "region", "tags.Env", "log_retention_days"]
    );
    assert!(problems.iter().all(|p| p.file == path));
    let msg = err.to_string();
    assert!(msg.contains("and 3 more in this file"), "{msg}");
    let (line, _) = line_col(&text, "log_retention_days: 8");
    assert!(
        msg.contains(&format!("line {line} log_retention_days")),
        "{msg}"
    );
}

// ------------------------------------------------------------------------------------------
// Shape (valid YAML, not an environment)

#[test]
fn unknown_top_level_field_lists_the_allowed_ones_and_suggests() {
    shape(
        "dev",
        "region: eu-west-1",
        "region: eu-west-1\nregoin: eu-west-2",
        "regoin",
        "regoin",
        &[
            "unknown field `regoin`",
            "allowed here: name, project, account, region, emulator, tags, budget, log_retention_days, \
             log_level, alarm_emails, kill_switch, features, stores, protection, allow_always_on, \
             function_code, orders, reports, notifications",
            "Did you mean `region`?",
        ],
    );
}

#[test]
fn unknown_nested_field_names_its_path() {
    shape(
        "dev",
        "  monthly_usd: 50",
        "  monthly_usd: 50\n  thresholds: [1]",
        "thresholds: [1]",
        "budget.thresholds",
        &[
            "unknown field `thresholds`",
            "allowed here: monthly_usd, thresholds_percent, emails",
            "Did you mean `thresholds_percent`?",
        ],
    );
    shape(
        "dev",
        "  Owner: platform-team",
        "  Owner: platform-team\n  Team: web",
        "Team",
        "tags.Team",
        &["allowed here: Project, Env, Owner, CostCenter"],
    );
    shape(
        "dev",
        "  - id: store-01",
        "  - id: store-01\n    city: Leeds",
        "city",
        "stores[0].city",
        &["unknown field `city`", "allowed here: id, name"],
    );
}

#[test]
fn wrong_types_say_what_is_expected() {
    shape(
        "dev",
        "monthly_usd: 50",
        "monthly_usd: fifty",
        "fifty",
        "budget.monthly_usd",
        &["expected a whole number"],
    );
    shape(
        "dev",
        "[50, 80, 100]",
        "[50, -80, 100]",
        "-80",
        "budget.thresholds_percent[1]",
        &["integer `-80`", "expected a whole number"],
    );
    shape(
        "dev",
        "  cdn: true",
        "  cdn: yes",
        "yes",
        "features.cdn",
        &["expected true or false"],
    );
    shape(
        "dev",
        "[50, 80, 100]",
        "50",
        "50\n  # FinOps",
        "budget.thresholds_percent",
        &["expected a list"],
    );
    shape(
        "dev",
        "alarm_emails:\n  - dev-oncall@example.com",
        "alarm_emails: nobody",
        "nobody",
        "alarm_emails",
        &["expected a list"],
    );
}

#[test]
fn a_wrong_kill_switch_action_lists_the_actions() {
    shape(
        "dev",
        "action: destroy",
        "action: destory",
        "destory",
        "kill_switch.action",
        &[
            "`destory` is not allowed; allowed values: throttle, destroy",
            "Did you mean `destroy`?",
        ],
    );
    shape(
        "dev",
        "action: destroy",
        "action: {now: true}",
        "{now",
        "kill_switch.action",
        &["one of: throttle, destroy"],
    );
}

#[test]
fn missing_fields_say_where_to_add_them() {
    shape(
        "dev",
        "region: eu-west-1\n",
        "",
        "name: dev",
        "region",
        &["required field `region` is missing", "at the top level"],
    );
    shape(
        "dev",
        "    name: Riverside\n",
        "",
        "id: store-02",
        "stores[1].name",
        &["required field `name` is missing", "under `stores[1]`"],
    );
}

#[test]
fn a_repeated_field_points_at_the_repeat() {
    shape(
        "dev",
        "log_retention_days: 7",
        "log_retention_days: 7\nregion: eu-west-2",
        "region: eu-west-2",
        "region",
        &["`region` appears twice here"],
    );
    // Nested: the repeat, not the mapping that holds it (it once pointed at `tags:`).
    shape(
        "dev",
        "  Owner: platform-team",
        "  Owner: platform-team\n  Env: staging",
        "Env: staging",
        "tags.Env",
        &["`Env` appears twice here"],
    );
}

/// A YAML tag would be dropped by the reading and its value kept: `region: !Sub eu-west-1`
/// once deployed to eu-west-1 as if the tag were not there. It is refused where it stands.
#[test]
fn a_yaml_tag_is_refused_where_it_stands() {
    shape(
        "dev",
        "region: eu-west-1",
        "region: !Sub eu-west-1",
        "region: !Sub",
        "region",
        &[
            "the YAML tag `!Sub` has no meaning in an environment file",
            "without the tag",
        ],
    );
    shape(
        "dev",
        "  - id: store-02",
        "  - id: !Ref store-02",
        "id: !Ref store-02",
        "stores[1].id",
        &["the YAML tag `!Ref`"],
    );
}

#[test]
fn an_empty_file_or_a_list_is_not_an_environment() {
    let (path, err) = load_err("dev.yaml", "# nothing yet\n");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:1:1: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("the file is empty"), "{msg}");

    let (path, err) = load_err("dev.yaml", "- name: dev\n");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:1:1: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("must be a YAML mapping"), "{msg}");
}

// ------------------------------------------------------------------------------------------
// Syntax (not YAML)

fn syntax(text: &str, line: usize, col: usize, says: &str) {
    let (path, err) = load_err("dev.yaml", text);
    assert!(matches!(err, EnvError::Syntax(_)), "{err:?}");
    let msg = err.to_string();
    let head = format!("{}:{line}:{col}: ", path.display());
    assert!(msg.starts_with(&head), "expected `{head}…`, got:\n{msg}");
    assert!(msg.contains(says), "expected `{says}` in:\n{msg}");
    assert!(msg.contains("not valid YAML"), "{msg}");
}

#[test]
fn malformed_yaml_is_reported_at_its_line_and_column() {
    let text = committed("dev").replacen("[50, 80, 100]", "[50, 80, 100", 1);
    // libyaml notices the missing `]` at the next token: the `emails:` key two lines down.
    let (line, col) = line_col(&text, "emails:\n    - finops");
    syntax(&text, line, col, "did not find expected ',' or ']'");

    syntax(
        "name: dev\n  region: eu-west-1\n",
        2,
        9,
        "mapping values are not allowed",
    );
    syntax(
        "name: dev\n\tregion: x\n",
        2,
        1,
        "found a tab character that violates indentation",
    );
    syntax(
        "name: \"dev\nregion: x\n",
        3,
        1,
        "found unexpected end of stream",
    );
}

#[test]
fn a_second_document_is_refused_at_its_separator() {
    let (path, err) = load_err("dev.yaml", "name: dev\n---\nname: prod\n");
    assert!(matches!(err, EnvError::Format(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:2:1: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("a second YAML document starts here"), "{msg}");
    assert!(!msg.contains("not valid YAML"), "{msg}");
}

#[test]
fn an_empty_field_says_so() {
    shape(
        "dev",
        "  cdn: true",
        "  cdn:",
        // Where the missing value would be: just after `cdn:`.
        "\n  # Cost Explorer anomaly",
        "features.cdn",
        &["no value is given, expected true or false"],
    );
}

#[test]
fn non_utf8_bytes_are_reported_where_they_are() {
    let path = scratch().join("dev.yaml");
    std::fs::write(&path, b"name: dev\nregion: eu-\xff-1\n").expect("write");
    let err = env::load(&path).expect_err("not UTF-8");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:2:12: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("byte 0xFF here is not UTF-8"), "{msg}");
    assert!(msg.contains("Latin-1"), "{msg}");

    // UTF-16 (what some Windows editors save): named as such, at the start.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("name: dev\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(&path, utf16).expect("write");
    let msg = env::load(&path).expect_err("UTF-16").to_string();
    assert!(
        msg.starts_with(&format!("{}:1:1: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("the file is UTF-16 text"), "{msg}");
}

#[test]
fn a_protected_environment_refuses_debug_logs() {
    rule(
        "prod",
        "log_retention_days: 90",
        "log_retention_days: 90\nlog_level: debug",
        "log_level:",
        "log_level",
        &["`debug` logs too much", "use `info`"],
    );
}

#[test]
fn a_domain_must_be_a_name_inside_its_hosted_zone() {
    rule(
        "prod",
        "name: shop.example.com",
        "name: shop.example.org",
        "name: shop.example.org",
        "domain.name",
        &[
            "`shop.example.org` is not inside the hosted zone `example.com`",
            "ends with `.example.com`",
        ],
    );
    rule(
        "prod",
        "name: shop.example.com",
        "name: Shop.Example.com.",
        "name: Shop.Example.com.",
        "domain.name",
        &["is not a DNS name", "trailing dot", "lower-case labels"],
    );
    let long = format!("name: {}.example.com", "shop".repeat(16));
    rule(
        "prod",
        "name: shop.example.com",
        &long,
        &long,
        "domain.name",
        &["the label `shopshopshopshopshop…` of 64 characters; a DNS label has at most 63"],
    );
}

#[test]
fn a_hosted_zone_id_has_route_53s_shape() {
    rule(
        "prod",
        "zone_id: Z0123456789EXAMPLE0AB",
        "zone_id: /hostedzone/Z0123456789EXAMPLE0AB",
        "zone_id: /hostedzone/",
        "domain.zone_id",
        &[
            "is not a Route 53 hosted zone id",
            "without `/hostedzone/`",
            "list-hosted-zones-by-name --dns-name example.com",
        ],
    );
}

#[test]
fn waf_rate_limits_are_what_aws_waf_accepts() {
    rule(
        "prod",
        "    orders: 100",
        "    orders: 5",
        "orders: 5",
        "waf.rate_limits.orders",
        &[
            "`5` is outside what AWS WAF accepts",
            "from 10 to 2000000000",
        ],
    );
    rule(
        "prod",
        "    orders: 100",
        "    orders: 5000",
        "rate_limits:",
        "waf.rate_limits",
        &["orders (5000) must not exceed browse (2000)"],
    );
    // Sign-in goes to Cognito past the CDN, so its limit is not bounded by browsing's.
    let path = scratch().join("prod.yaml");
    let text = committed("prod").replacen("    sign_in: 100", "    sign_in: 5000", 1);
    std::fs::write(&path, text).expect("write temp file");
    let env = env::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(env.waf.rate_limits.sign_in, 5000);
    shape(
        "prod",
        "  mode: block",
        "  mode: blok",
        "blok",
        "waf.mode",
        &["blok"],
    );
}

#[test]
fn a_web_acl_needs_a_cdn() {
    rule(
        "dev",
        "  cdn: true",
        "  cdn: false\n  waf: true",
        "waf: true",
        "features.waf",
        &["the web ACL sits in front of the CDN"],
    );
}
