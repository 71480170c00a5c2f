//! `stackgen cost-report`, run as FinOps and CI run it: the idle month of dev in every format
//! (and which lines make up its idle cost), `--compare` between environments and against a
//! saved report (exit 0 unchanged, 2 changed), a traffic file with a typo, and `--actuals`
//! against Cost Explorer on a real moto server (results injected through moto's own API).

#[path = "cli_cost/prices_refresh.rs"]
mod prices_refresh;
#[path = "cli_cost/replay.rs"]
mod replay;
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use support::{Moto, TestResult, free_port};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh empty directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-cost-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir
}

/// Runs the binary from the workspace root with dummy credentials, no shared AWS config and
/// `endpoint` as AWS_ENDPOINT_URL (a dead port where no AWS call may succeed).
fn stackgen(args: &[&str], endpoint: &str) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("STACKGEN_ENVIRONMENTS_DIR")
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("cannot run stackgen: {e}"),
    }
}

fn dead_endpoint() -> String {
    match free_port() {
        Ok(port) => format!("http://127.0.0.1:{port}"),
        Err(e) => panic!("no free port: {e}"),
    }
}

/// Runs a command that must make no AWS call.
fn offline(args: &[&str]) -> Output {
    stackgen(args, &dead_endpoint())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn json(o: &Output) -> Value {
    match serde_json::from_slice(&o.stdout) {
        Ok(v) => v,
        Err(e) => panic!("not JSON ({e}): {}{}", text(&o.stdout), text(&o.stderr)),
    }
}

/// Dollars as the JSON reports write them (a number of dollars, micro-dollar precision).
fn dollars(v: &Value) -> f64 {
    match v.as_f64() {
        Some(d) => d,
        None => panic!("not an amount: {v}"),
    }
}

/// The committed environment files in a scratch directory, with `from` replaced by `to` in
/// dev.yaml (which must contain it).
fn dev_edited(name: &str, from: &str, to: &str) -> PathBuf {
    let envs = scratch(name);
    for env in ["local", "dev", "prod"] {
        let body = std::fs::read_to_string(workspace().join(format!("environments/{env}.yaml")))
            .unwrap_or_else(|e| panic!("{env}: {e}"));
        let body = if env == "dev" {
            assert!(body.contains(from), "dev.yaml has no `{from}`");
            body.replace(from, to)
        } else {
            body
        };
        write(&envs.join(format!("{env}.yaml")), &body);
    }
    envs
}

fn write(path: &Path, body: &str) {
    if let Err(e) = std::fs::write(path, body) {
        panic!("cannot write {}: {e}", path.display());
    }
}

#[test]
fn idle_dev_in_every_format_names_the_lines_of_its_idle_cost() {
    // JSON first: it carries the numbers the other formats print.
    let o = offline(&["cost-report", "--env", "dev", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report = json(&o);
    assert_eq!(report["schema"], "stackgen.cost-report/v1");
    assert_eq!(report["label"], "dev");
    assert_eq!(report["region"], "eu-west-1");
    assert_eq!(report["profile"]["name"], "idle");
    let lines = report["idle_lines"].as_array().cloned().unwrap_or_default();
    assert!(!lines.is_empty(), "{report:#}");
    let sum: f64 = lines.iter().map(|l| dollars(&l["monthly"])).sum();
    let idle = dollars(&report["totals"]["idle"]);
    assert!((sum - idle).abs() < 1e-6, "idle lines {sum} vs idle {idle}");
    // dev.yaml turns the dashboard and the per-function alarms off: what is left idles at
    // list price, by hand: three SQS event source mappings polling around the clock (657,000
    // empty receives a month each at $0.40 per million) and five standard alarms (API 5xx, the
    // three dead-letter queues and the order notifier's stream failures, $0.10 each; reading the
    // orders table's stream for Lambda is free), plus the kill switch's nightly shutdown
    // (`cron(0 22 * * ? *)`: 365/12 invocations at $1.00/M scheduler + $0.20/M requests +
    // 1 s × 0.125 GB × $0.0000133334/GB-s).
    let nightly = 365.0 / 12.0;
    let kill_switch = nightly * (1.00 + 0.20) / 1e6 + nightly * 0.125 * 0.000_013_333_4;
    // The hourly order expiry (`rate(1 hour)`), 730 invocations of 1 s × 0.125 GB a month.
    let hourly = 24.0 * 365.0 / 12.0;
    let expiry = hourly * (1.00 + 0.20) / 1e6 + hourly * 0.125 * 0.000_013_333_4;
    let by_hand = 3.0 * 657_000.0 * 0.40 / 1e6 + 5.0 * 0.10 + kill_switch + expiry;
    assert!(
        (idle - by_hand).abs() <= by_hand * 0.01,
        "idle dev ${idle} vs ${by_hand} by hand: {lines:?}"
    );
    assert!(idle < 1.3, "idle dev costs ${idle} a month at list price");
    let mut named: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["logical_id"].as_str().unwrap_or_default().to_string(),
                l["component"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("HttpApi5xxAlarm", "standard alarm"),
            ("ImageUploadsDlqDepthAlarm", "standard alarm"),
            (
                "ImagesFunctionImageUploadsQueueMapping",
                "SQS polling while idle"
            ),
            ("KillSwitchFunction", "scheduled duration (arm64)"),
            ("KillSwitchFunction", "scheduled requests"),
            ("KillSwitchSchedule", "scheduled invocations"),
            ("OrderEventsDlqDepthAlarm", "standard alarm"),
            ("OrderExpiryFunction", "scheduled duration (arm64)"),
            ("OrderExpiryFunction", "scheduled requests"),
            ("OrderExpirySchedule", "scheduled invocations"),
            ("OrderNotifierStreamFailuresAlarm", "standard alarm"),
            (
                "ReportBuilderFunctionReportRequestsQueueMapping",
                "SQS polling while idle"
            ),
            ("ReportRequestsDlqDepthAlarm", "standard alarm"),
            (
                "StockAlertsFunctionOrderEventsQueueMapping",
                "SQS polling while idle"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string())),
    );

    let o = offline(&["cost-report", "--env", "dev"]);
    let table = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        table.starts_with("Monthly cost estimate: dev (eu-west-1), traffic profile `idle`"),
        "{table}"
    );
    // Amounts from a dollar up print with cents only ($1.29), smaller ones with four places.
    let heading = format!("Idle cost ${idle:.2} a month is made of:\n");
    let first = table
        .split_once(&heading)
        .and_then(|(_, rest)| rest.lines().next())
        .unwrap_or_default();
    let words: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        words,
        [
            "$0.2628",
            "ImagesFunctionImageUploadsQueueMapping",
            "SQS",
            "polling",
            "while",
            "idle"
        ],
        "the largest idle line first, under `{heading}` in\n{table}"
    );
    assert!(table.contains("Budget $50.00 a month (template: MonthlyBudget)"));
    assert!(!table.contains('\x1b'));

    let o = offline(&["cost-report", "--env", "dev", "--format", "markdown"]);
    let md = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        md.starts_with("### Monthly cost estimate: `dev` (eu-west-1)"),
        "{md}"
    );
    assert!(md.contains("**Idle cost is made of:**"), "{md}");
    assert!(md.contains("— `HttpApi5xxAlarm` standard alarm"), "{md}");

    let o = offline(&["cost-report", "--env", "dev", "--format", "csv"]);
    let csv = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some(
            "profile,logical_id,resource_type,component,kind,quantity,unit,free_quantity,\
             unit_price,monthly_usd,formula"
        )
    );
    let idle_rows: Vec<&str> = rows.filter(|r| r.contains(",idle,")).collect();
    assert!(
        idle_rows
            .iter()
            .any(|r| r
                .starts_with("idle,HttpApi5xxAlarm,AWS::CloudWatch::Alarm,standard alarm,idle,1,")),
        "{csv}"
    );
    assert!(idle_rows.len() >= lines.len(), "{csv}");
}

#[test]
fn idle_dev_with_the_free_tier_is_under_a_dollar() {
    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--free-tier",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report = json(&o);
    assert_eq!(report["free_tier"], true);
    let total = dollars(&report["totals"]["total"]);
    assert!(total < 1.0, "idle dev costs ${total} with the free tier");
    assert!(!report["idle_lines"].as_array().is_none_or(Vec::is_empty));
}

#[test]
fn compare_environments_is_2_when_the_cost_changes_and_0_when_not() {
    let o = offline(&["cost-report", "--env", "prod", "--compare", "dev"]);
    let table = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{table}{}", text(&o.stderr));
    assert!(
        table.starts_with("Monthly cost change: dev → prod (profile `idle`)"),
        "{table}"
    );

    let o = offline(&[
        "cost-report",
        "--env",
        "prod",
        "--compare",
        "dev",
        "--traffic",
        "1m",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let diff = json(&o);
    assert_eq!(diff["base_label"], "dev");
    assert_eq!(diff["head_label"], "prod");
    assert_eq!(diff["head_profile"], "1m");
    assert!(
        !diff["rows"].as_array().is_none_or(Vec::is_empty),
        "{diff:#}"
    );
    let delta = dollars(&diff["delta"]["total"]);
    let sides = dollars(&diff["head_totals"]["total"]) - dollars(&diff["base_totals"]["total"]);
    assert!((delta - sides).abs() < 1e-6, "{delta} vs {sides}");

    let o = offline(&["cost-report", "--env", "dev", "--compare", "dev"]);
    let table = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{table}{}", text(&o.stderr));
    assert!(table.contains("No resource changes cost."), "{table}");
}

#[test]
fn compare_with_a_saved_report_is_0_unchanged_and_2_after_a_change() {
    let dir = scratch("saved");
    let base = dir.join("base.json");
    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--traffic",
        "demo",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    write(&base, &text(&o.stdout));

    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--traffic",
        "demo",
        "--compare",
        s(&base),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));

    // Longer log retention stores more logs: the log groups cost more under traffic.
    let envs = dev_edited("envs", "log_retention_days: 7", "log_retention_days: 30");
    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--environments-dir",
        s(&envs),
        "--traffic",
        "demo",
        "--compare",
        s(&base),
        "--format",
        "markdown",
    ]);
    let md = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{md}{}", text(&o.stderr));
    assert!(md.contains("CatalogFunctionLogGroup"), "{md}");
}

#[test]
fn a_traffic_file_with_a_typo_names_the_file_line_and_field() {
    let dir = scratch("traffic");
    let file = dir.join("usage.yaml");
    write(
        &file,
        "description: a typo\nfunctions:\n  catalog: { invocatons: 1000, avg_duration_ms: 40 }\n",
    );
    let o = offline(&["cost-report", "--env", "dev", "--traffic", s(&file)]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    assert!(
        stderr.starts_with(&format!(
            "error: cannot use the --traffic profile: traffic profile {}, line 3 column",
            file.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("field `functions.catalog.invocatons`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown field `invocatons`, expected one of `invocations`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("See examples/traffic/weekend-sale.yaml"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");

    let o = offline(&["cost-report", "--env", "dev", "--traffic", "weekly"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`weekly` is neither a built-in traffic profile (idle, demo, 1m)"),
        "{stderr}"
    );

    let o = offline(&["cost-report", "--env", "dev", "--compare", "staging"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "--compare `staging` is neither an environment in environments (dev, local, prod) \
             nor a file that exists"
        ),
        "{stderr}"
    );

    // The example profile in the repository works as documented.
    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--traffic",
        "examples/traffic/weekend-sale.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("traffic profile `examples/traffic/weekend-sale.yaml`"),
        "{}",
        text(&o.stdout)
    );
}

/// POSTs JSON to moto's own API; returns the status line.
fn moto_post(moto: &Moto, path: &str, body: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut stream = TcpStream::connect(("127.0.0.1", moto.port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response.lines().next().unwrap_or_default().to_string())
}

#[test]
fn actuals_come_from_cost_explorer_against_the_budget() -> TestResult {
    let moto = Moto::start()?;
    // moto answers GetCostAndUsage with injected results (it tracks no spend) and cannot
    // forecast, so the month is projected linearly and the report says so.
    let injected = r#"{"results": [{
        "ResultsByTime": [{
            "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-22"},
            "Total": {},
            "Groups": [
                {"Keys": ["AWS Lambda"], "Metrics": {"UnblendedCost": {"Amount": "0.42", "Unit": "USD"}}},
                {"Keys": ["AmazonCloudWatch"], "Metrics": {"UnblendedCost": {"Amount": "3.10", "Unit": "USD"}}}
            ],
            "Estimated": true
        }],
        "DimensionValueAttributes": []
    }]}"#;
    let status = moto_post(
        &moto,
        "/moto-api/static/ce/cost-and-usage-results",
        injected,
    )?;
    assert!(status.contains("201"), "injection refused: {status}");

    let o = stackgen(
        &["cost-report", "--env", "dev", "--actuals"],
        &moto.endpoint(),
    );
    let table = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{table}{}", text(&o.stderr));
    assert!(
        table.starts_with("Actual spend of dev (Project=grocer, Env=dev), "),
        "{table}"
    );
    assert!(table.contains("AmazonCloudWatch          $3.10"), "{table}");
    assert!(table.contains("TOTAL                     $3.52"), "{table}");
    assert!(table.contains("linear projection"), "{table}");
    assert!(table.contains("Budget $50.00: 7.0% used"), "{table}");

    let o = stackgen(
        &[
            "cost-report",
            "--env",
            "dev",
            "--actuals",
            "--format",
            "json",
        ],
        &moto.endpoint(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let actuals = json(&o);
    assert!((dollars(&actuals["month_to_date"]) - 3.52).abs() < 1e-9);
    assert_eq!(actuals["budget"], 50.0);
    assert_eq!(actuals["by_service"][0]["service"], "AmazonCloudWatch");
    assert_eq!(actuals["forecast_source"]["kind"], "linear-projection");
    assert_eq!(actuals["api_requests"], 2);
    Ok(())
}

#[test]
fn actuals_with_cost_explorer_unreachable_is_exit_1() {
    let aws = dead_endpoint();
    let o = stackgen(&["cost-report", "--env", "dev", "--actuals"], &aws);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(o.stdout.is_empty());
    assert!(
        stderr.starts_with(
            "error: cannot read the actual spend of environment `dev` (tags Project=grocer, \
             Env=dev): cannot reach the AWS endpoint "
        ) && !stderr.contains("needs credentials"),
        "{stderr}"
    );
    assert!(stderr.contains("Connection refused"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[test]
fn actuals_is_its_own_report() {
    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--actuals",
        "--compare",
        "prod",
    ]);
    assert_eq!(o.status.code(), Some(64), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("cannot be used with"));
}

#[test]
fn help_documents_examples_and_exit_codes() {
    let o = offline(&["cost-report", "--help"]);
    let help = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        help.contains("Examples:\n  stackgen cost-report --env dev"),
        "{help}"
    );
    assert!(
        help.contains("--traffic <idle|demo|1m|FILE.yaml>"),
        "{help}"
    );
    for line in [
        "  0  report printed; with --compare: no resource changes cost",
        "  1  error",
        "  2  with --compare: the cost changed",
    ] {
        assert!(help.contains(line), "`{line}` missing from\n{help}");
    }
}

/// An environment in a commercial region the price table does not cover yet (sa-east-1)
/// still gets its report: every resource and quantity, each metered line unpriced (n/a), and one
/// warning that names the region, the table's date and the regions it covers; exit 0. The
/// header of a priced report says how much of it comes from checked prices.
#[test]
fn an_uncovered_region_prints_its_lines_unpriced_instead_of_failing() {
    let envs = dev_edited("region", "region: eu-west-1", "region: sa-east-1");
    let o = offline(&[
        "cost-report",
        "--env",
        "dev",
        "--environments-dir",
        s(&envs),
        "--traffic",
        "demo",
    ]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(out.contains("dev (sa-east-1)"), "{out}");
    assert!(
        out.contains("region sa-east-1 is not in the embedded price table (taken 2026-12-03; it covers us-east-1, eu-west-1, ap-southeast-2)"),
        "{out}"
    );
    assert!(out.contains("CatalogFunction"), "{out}");
    assert!(out.contains("(n/a)"), "every metered line unpriced: {out}");
    assert!(
        !out.contains("no sa-east-1 price for"),
        "one warning, not one per line: {out}"
    );

    let priced = offline(&["cost-report", "--env", "dev", "--traffic", "demo"]);
    let header = text(&priced.stdout);
    let first = header.lines().next().unwrap_or_default();
    assert!(first.contains("% of it from checked prices"), "{first}");
}

#[test]
fn one_stack_of_an_environment_is_estimated_with_stack() {
    let all = offline(&["cost-report", "--env", "prod", "--format", "json"]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all.stderr));
    let all = json(&all);
    let stacks: Vec<&str> = all["stacks"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["stack"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(stacks, ["grocer-prod", "grocer-prod-global"]);

    let global = offline(&[
        "cost-report",
        "--env",
        "prod",
        "--stack",
        "grocer-prod-global",
        "--format",
        "json",
    ]);
    assert_eq!(global.status.code(), Some(0), "{}", text(&global.stderr));
    let global = json(&global);
    assert_eq!(global["region"], "us-east-1");
    assert_eq!(global["label"], "prod (grocer-prod-global)");
    assert!(
        (dollars(&global["totals"]["idle"]) - 11.0).abs() < 1e-9,
        "{global}"
    );
    assert_eq!(
        dollars(&global["totals"]["idle"]),
        dollars(&all["stacks"][1]["idle"])
    );

    let unknown = offline(&[
        "cost-report",
        "--env",
        "prod",
        "--stack",
        "grocer-prod-edge",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("its stacks are grocer-prod-global, grocer-prod"),
        "{}",
        text(&unknown.stderr)
    );
}

/// `--stack` with `--compare ENV` compares the same stack on both sides: prod's main stack with
/// itself changes nothing (it compared with all of prod, and reported the web ACL removed); a
/// global stack with an environment that has none is a clear error.
#[test]
fn one_stack_compares_with_the_same_stack_of_the_other_environment() {
    let same = offline(&[
        "cost-report",
        "--env",
        "prod",
        "--stack",
        "grocer-prod",
        "--compare",
        "prod",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stdout));
    assert!(text(&same.stdout).contains("No resource changes cost."));
    let none = offline(&[
        "cost-report",
        "--env",
        "prod",
        "--stack",
        "grocer-prod-global",
        "--compare",
        "dev",
    ]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        text(&none.stderr).contains("environment `dev` has no stack `grocer-dev-global`"),
        "{}",
        text(&none.stderr)
    );
}

/// A malformed flag value is a usage error (64) whichever check finds it: clap's (`--meter`) or
/// stackgen's (`--region`, `--date`), which said 1.
#[test]
fn prices_refresh_takes_known_regions_and_real_days() {
    for (args, says) in [
        (&["--region", "mars-1"][..], "not a commercial AWS region"),
        (
            &["--date", "2026-13-01"][..],
            "expected a day as YYYY-MM-DD",
        ),
        (&["--date", "9999-12-31"][..], "from 2006 to today"),
        (&["--date", "1900-01-01"][..], "from 2006 to today"),
        (&["--meter", "nope"][..], "unknown meter"),
    ] {
        let o = offline(&[&["prices", "refresh", "--check"][..], args].concat());
        assert_eq!(o.status.code(), Some(64), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(says),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}
