//! Test environments built in Rust (independent of the files in `environments/`), so that unit
//! tests of the stack and the guardrails do not depend on how those files evolve. Not behind
//! `cfg(test)`: the stack's and the guardrails' tests are in other crates.

use crate::Environment;

const DEV: &str = r#"
name: dev
project: grocer
region: eu-west-1
tags: {Project: grocer, Env: dev, Owner: platform-team, CostCenter: CC-4100}
budget: {monthly_usd: 50, thresholds_percent: [50, 80, 100], emails: [finops@example.com]}
log_retention_days: 7
alarm_emails: [dev-oncall@example.com]
kill_switch: {enabled: true, action: destroy, threshold_percent: 100}
features: {cdn: true, anomaly_detection: true, demo_data: true, budget: true}
stores: [{id: store-01, name: Downtown}, {id: store-02, name: Riverside}]
notifications: {sender: orders@example.com}
protection: {termination_protection: false, retain_data: false, point_in_time_recovery: false}
"#;

const PROD: &str = r#"
name: prod
project: grocer
region: eu-west-1
account: "111122223333"
tags: {Project: grocer, Env: prod, Owner: platform-team, CostCenter: CC-4100}
budget: {monthly_usd: 300, thresholds_percent: [50, 80, 100], emails: [finops@example.com, cfo@example.com]}
log_retention_days: 30
alarm_emails: [oncall@example.com]
kill_switch: {enabled: true, action: throttle, threshold_percent: 150}
features: {cdn: true, anomaly_detection: true, demo_data: false, budget: true}
stores: [{id: store-01, name: Downtown}]
protection: {termination_protection: true, retain_data: true, point_in_time_recovery: true}
"#;

const LOCAL: &str = r#"
name: local
project: grocer
region: us-east-1
emulator: http://127.0.0.1:5000
tags: {Project: grocer, Env: local, Owner: platform-team, CostCenter: CC-4100}
budget: {monthly_usd: 5, thresholds_percent: [80, 100], emails: [finops@example.com]}
log_retention_days: 1
alarm_emails: [dev-oncall@example.com]
kill_switch: {enabled: true, action: destroy, threshold_percent: 100}
features: {cdn: false, anomaly_detection: false, demo_data: true, budget: true}
stores: [{id: store-01, name: Downtown}]
staff: {mfa: optional}
"#;

fn parse(text: &str) -> Environment {
    match serde_norway::from_str(text) {
        Ok(env) => env,
        Err(e) => panic!("fixture environment does not parse: {e}"),
    }
}

pub fn dev() -> Environment {
    parse(DEV)
}

pub fn prod() -> Environment {
    parse(PROD)
}

pub fn local() -> Environment {
    parse(LOCAL)
}
