//! Least privilege, measured: the emulator logs each AWS call's IAM action with the key id that
//! signed it (`EMULATOR_ACTION_LOG`), `stackgen dev` gives each function a key id of its own
//! ([`stackgen::dev::function_key_id`]), and these checks hold every logged call against that
//! function's role in the rendered template.
//!
//! What it measures is the action: a call whose action no statement of the role names fails.
//! It does not match resources or conditions (a grant on the wrong table still passes), and the
//! emulator names a few calls by a coarser action than IAM evaluates (a versioned
//! DeleteObjects is logged as `s3:DeleteObject`, where S3 also asks for
//! `s3:DeleteObjectVersion`): those stay the rendered policy's own tests' job.

use serde_json::Value;

use super::{BoxError, Moto};

/// The emulator's action log of one test run: a file of its own, given to the emulator it
/// starts, read and removed by [`ActionLog::check`].
pub struct ActionLog {
    path: std::path::PathBuf,
}

impl ActionLog {
    /// A fresh log named after `label` and this process, and an emulator that writes it.
    pub fn start(label: &str) -> Result<(ActionLog, Moto), BoxError> {
        let path = std::env::temp_dir().join(format!(
            "stackgen-{label}-actions-{}.log",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let moto = Moto::start_with(&[("EMULATOR_ACTION_LOG", &path.display().to_string())])?;
        Ok((ActionLog { path }, moto))
    }

    /// [`every_call_is_granted`] over what was logged; the log is removed.
    pub fn check(
        self,
        keys: &[(String, String)],
        template: &Value,
        measured: &[&str],
    ) -> Result<(), BoxError> {
        let logged = std::fs::read_to_string(&self.path)?;
        let _ = std::fs::remove_file(&self.path);
        every_call_is_granted(&logged, keys, template, measured)
    }
}

/// (key id, function's logical id) of every function `config` runs.
pub fn function_keys(config: &stackgen::dev::DevConfig) -> Vec<(String, String)> {
    config
        .functions
        .iter()
        .map(|f| {
            let key = stackgen::dev::function_key_id(&config.emulator, &f.id);
            (key, f.logical_id.clone())
        })
        .collect()
}

/// Least privilege, measured: every AWS action a function asked the emulator for during the
/// run (the emulator's action log, each line `service:Action<TAB>key id`; `stackgen dev` gives
/// each function a key id of its own) is allowed by that function's role in the rendered
/// template. moto does not enforce IAM, so this is where a missing grant shows up before
/// AWS answers it with AccessDenied.
///
/// DynamoDB's transactions are authorised item by item: "Permissions for Put, Update, Delete,
/// and Get actions are governed by the permissions used for the underlying PutItem, UpdateItem,
/// DeleteItem, and GetItem operations. For the ConditionCheck action, you can use the
/// dynamodb:ConditionCheckItem permission" (Amazon DynamoDB Developer Guide, "Using IAM with
/// DynamoDB transactions":
/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html>),
/// so a logged TransactWriteItems needs one of those, TransactGetItems GetItem.
pub fn every_call_is_granted(
    logged: &str,
    keys: &[(String, String)],
    template: &Value,
    measured: &[&str],
) -> Result<(), BoxError> {
    let mut missing = Vec::new();
    let mut used = std::collections::BTreeMap::<&str, std::collections::BTreeSet<&str>>::new();
    for line in logged.lines() {
        let Some((action, key)) = line.split_once('\t') else {
            continue;
        };
        let Some((_, logical)) = keys.iter().find(|(k, _)| k == key) else {
            continue; // stackgen dev itself, the test's own calls
        };
        used.entry(logical.as_str()).or_default().insert(action);
    }
    for (logical, actions) in &used {
        let granted = role_actions(template, logical);
        for action in actions {
            let needs: Vec<&str> = match *action {
                "dynamodb:TransactWriteItems" => vec![
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:ConditionCheckItem",
                ],
                "dynamodb:TransactGetItems" => vec!["dynamodb:GetItem"],
                other => vec![other],
            };
            if !needs.iter().any(|n| allows(&granted, n)) {
                missing.push(format!("{logical}: {action}"));
            }
        }
        println!("{logical} used: {actions:?}");
    }
    assert!(
        !used.is_empty(),
        "no function call was logged: {logged:.400}"
    );
    assert!(
        missing.is_empty(),
        "calls the functions' roles do not allow (AWS would answer AccessDenied): {missing:#?}"
    );
    // The functions this run is about made calls (a run that never reached them measures
    // nothing about them).
    for logical in measured {
        assert!(
            used.contains_key(logical),
            "{logical} made no AWS call in this run: {:?}",
            used.keys().collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// The actions the inline policies of `<logical>Role` allow.
fn role_actions(template: &Value, logical: &str) -> Vec<String> {
    let role = &template["Resources"][format!("{logical}Role")]["Properties"];
    let mut out = Vec::new();
    for policy in role["Policies"].as_array().into_iter().flatten() {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if statement["Effect"] != "Allow" {
                continue;
            }
            match &statement["Action"] {
                Value::String(a) => out.push(a.clone()),
                Value::Array(list) => {
                    out.extend(list.iter().filter_map(|a| a.as_str().map(str::to_owned)))
                }
                _ => {}
            }
        }
    }
    out
}

/// Whether `granted` allows `action` (IAM compares case-insensitively; `*` matches any run).
fn allows(granted: &[String], action: &str) -> bool {
    granted.iter().any(|g| {
        let (g, a) = (g.to_ascii_lowercase(), action.to_ascii_lowercase());
        match g.split_once('*') {
            Some((head, tail)) => {
                a.starts_with(head) && a.ends_with(tail) && a.len() >= head.len() + tail.len()
            }
            None => g == a,
        }
    })
}
