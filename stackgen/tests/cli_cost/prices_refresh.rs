//! `stackgen prices refresh` as a maintainer and a scheduled CI job run it, against AWS's
//! Price List as recorded (stackgen/cost/tests/pricelist/, see its README): the table rewritten with SKUs,
//! effective dates and tiers, a region added, a hand-kept entry left alone, a second refresh
//! byte for byte the same, `--check` 0 when current and 2 naming a moved price, `--record`
//! writing what it was answered, and a request nobody recorded failing loudly.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::replay;
use super::{s, scratch, stackgen, text, workspace};

const METERS: &[&str] = &[
    "--meter",
    "lambda-requests",
    "--meter",
    "lambda-gb-seconds-x86",
    "--meter",
    "sqs-requests",
    "--meter",
    "route53-hosted-zones",
    "--meter",
    "ses-emails",
];

fn recordings() -> PathBuf {
    workspace().join("stackgen/cost/tests/pricelist")
}

/// `prices refresh --table <table> <args> --endpoint-url <endpoint>`.
fn refresh_with(table: &Path, args: &[&str], endpoint: &str) -> std::process::Output {
    let mut all = vec!["prices", "refresh", "--table", s(table)];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--endpoint-url", endpoint]);
    stackgen(&all, endpoint)
}

const BOTH_REGIONS: &[&str] = &["--region", "us-east-1", "--region", "ap-southeast-2"];

/// `prices refresh` of `table` for us-east-1 and ap-southeast-2, the recorded meters only.
fn refresh(table: &Path, extra: &[&str], endpoint: &str) -> std::process::Output {
    let args = [BOTH_REGIONS, &["--date", "2026-12-01"], METERS, extra].concat();
    refresh_with(table, &args, endpoint)
}

/// The recordings served, a copy of the fixture table, and the scratch directory it is in.
fn fixture(name: &str) -> (replay::Replay, PathBuf, PathBuf) {
    let dir = scratch(name);
    let table = copy_of_fixture_table(&dir);
    (replay::serve(&recordings()), table, dir)
}

fn copy_of_fixture_table(dir: &Path) -> PathBuf {
    let table = dir.join("prices.json");
    let fixture = recordings().join("table.json");
    if let Err(e) = std::fs::copy(&fixture, &table) {
        panic!("cannot copy {}: {e}", fixture.display());
    }
    table
}

#[test]
fn a_refresh_rewrites_the_table_from_the_price_list_and_a_second_changes_nothing() {
    let (replay, table, _) = fixture("prices-refresh");

    let out = refresh(&table, &[], &replay.endpoint);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    for line in [
        "confirmed  us-east-1 lambda-requests",
        "confirmed  us-east-1 lambda-gb-seconds-x86",
        "moved      us-east-1 sqs-requests: $0.40 per 1M requests → $0.40 per 1M requests to 100000000000, $0.30 per 1M requests to 200000000000, $0.24 per 1M requests beyond",
        "kept       us-east-1 ses-emails: no Price List query for this meter; kept by hand",
        "added      ap-southeast-2 lambda-requests: $0.20 per 1M requests",
        "added      ap-southeast-2 route53-hosted-zones: $0.50 per hosted zone-month to 25, $0.10 per hosted zone-month beyond",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
    // AWS answered nothing for SQS in Sydney and the table had no entry: nothing is invented.
    assert!(!stdout.contains("ap-southeast-2 sqs-requests"), "{stdout}");
    let first = std::fs::read_to_string(&table).unwrap_or_default();
    insta::assert_snapshot!("prices_refreshed_from_recordings", first);

    // Without --date: nothing changed, so the table keeps its date too.
    let again = refresh_with(&table, &[BOTH_REGIONS, METERS].concat(), &replay.endpoint);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let second = std::fs::read_to_string(&table).unwrap_or_default();
    assert_eq!(
        first, second,
        "a second refresh reproduces the table byte for byte"
    );

    let check = refresh(&table, &["--check"], &replay.endpoint);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    assert!(text(&check.stdout).contains("matches AWS's Price List"));

    // Route 53 is priced globally: asked once per run, without a region, for both regions.
    let asked = replay.asked.lock().map(|a| a.clone()).unwrap_or_default();
    let zones: Vec<&Value> = asked
        .iter()
        .filter(|r| r["ServiceCode"] == "AmazonRoute53")
        .collect();
    assert_eq!(zones.len(), 3, "once in each of the three runs: {zones:?}");
    assert!(!zones[0]["Filters"].to_string().contains("regionCode"));
}

#[test]
fn check_exits_2_when_aws_prices_a_region_the_table_lacks() {
    let (replay, table, _) = fixture("prices-added");
    let before = std::fs::read_to_string(&table).unwrap_or_default();
    let check = refresh(&table, &["--check"], &replay.endpoint);
    let stdout = text(&check.stdout);
    assert_eq!(
        check.status.code(),
        Some(2),
        "{stdout}{}",
        text(&check.stderr)
    );
    assert!(
        stdout.contains("added      ap-southeast-2 lambda-requests: $0.20 per 1M requests"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&table).unwrap_or_default(), before);
}

#[test]
fn two_products_for_one_meter_is_an_error_naming_both() {
    let (replay, table, _) = fixture("prices-ambiguous");
    let before = std::fs::read_to_string(&table).unwrap_or_default();
    let out = refresh_with(
        &table,
        &["--region", "us-east-1", "--meter", "lambda-gb-seconds-arm"],
        &replay.endpoint,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "lambda-gb-seconds-arm in us-east-1: the Price List returned 2 products \
             (FIXTURE-LAMBDA-GBS-ARM-A, FIXTURE-LAMBDA-GBS-ARM-B)"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&table).unwrap_or_default(), before);
}

#[test]
fn check_exits_2_and_names_the_meter_whose_price_moved() {
    let (replay, table, _) = fixture("prices-check");
    let out = refresh(&table, &[], &replay.endpoint);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // The table says Lambda requests cost $0.25 per million; AWS's recording says $0.20.
    let current = std::fs::read_to_string(&table).unwrap_or_default();
    let stale = current.replacen(
        "\"region\":\"us-east-1\",\"meter\":\"lambda-requests\",\"unit\":\"requests\",\"per\":1000000,\"usd\":\"0.20\"",
        "\"region\":\"us-east-1\",\"meter\":\"lambda-requests\",\"unit\":\"requests\",\"per\":1000000,\"usd\":\"0.25\"",
        1,
    );
    assert_ne!(stale, current, "the fixture has the line to edit");
    if let Err(e) = std::fs::write(&table, &stale) {
        panic!("cannot write {}: {e}", table.display());
    }
    let check = refresh(&table, &["--check"], &replay.endpoint);
    let stdout = text(&check.stdout);
    assert_eq!(
        check.status.code(),
        Some(2),
        "{stdout}{}",
        text(&check.stderr)
    );
    assert!(
        stdout.contains(
            "moved      us-east-1 lambda-requests: $0.25 per 1M requests → $0.20 per 1M requests"
        ),
        "{stdout}"
    );
    assert!(text(&check.stderr).contains("1 price moved or missing"));
    assert_eq!(
        std::fs::read_to_string(&table).unwrap_or_default(),
        stale,
        "--check writes nothing"
    );
}

#[test]
fn record_writes_the_answers_it_was_given_in_the_replayed_shape() {
    let (replay, table, dir) = fixture("prices-record");
    let recorded = dir.join("recorded");
    let out = refresh(&table, &["--record", s(&recorded)], &replay.endpoint);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let read = |p: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_default()).unwrap_or_default()
    };
    for file in [
        "AWSLambda/us-east-1/lambda-requests.json",
        "AWSLambda/ap-southeast-2/lambda-gb-seconds-x86.json",
        "AWSQueueService/ap-southeast-2/sqs-requests.json",
        "AmazonRoute53/global/route53-hosted-zones.json",
    ] {
        let got = read(&recorded.join(file));
        assert!(!got.is_null(), "{file} not recorded");
        assert_eq!(got, read(&recordings().join(file)), "{file}");
    }
}

#[test]
fn a_request_nobody_recorded_fails_naming_its_filters() {
    let (replay, table, _) = fixture("prices-unrecorded");
    let before = std::fs::read_to_string(&table).unwrap_or_default();
    let out = refresh_with(
        &table,
        &["--region", "eu-west-1", "--meter", "lambda-requests"],
        &replay.endpoint,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no recording for"), "{stderr}");
    assert!(stderr.contains("regionCode"), "{stderr}");
    assert!(stderr.contains("eu-west-1"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&table).unwrap_or_default(), before);
}
