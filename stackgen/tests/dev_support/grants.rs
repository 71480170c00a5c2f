//! Least privilege, measured: the emulator logs each AWS call's IAM action and resource with
//! the key id that signed it (`EMULATOR_ACTION_LOG`, `scripts/emulator_actions.py`), `stackgen
//! dev` gives each function a key id of its own ([`stackgen::dev::function_key_id`]), and these
//! checks hold every logged call against that function's role in the rendered template, its
//! resources resolved against the deployed stack.
//!
//! A call passes when an `Allow` statement of the role's inline policies names its action and
//! a resource matching its ARN, as IAM matches them: actions case-insensitively, the ARN's
//! partition, service, region and account one by one and the rest as a whole, `*` any run of
//! characters and `?` one (IAM User Guide, "IAM JSON policy elements: Resource":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//! Conditions are not evaluated, nor is the permissions boundary (the bootstrap stack's, whose
//! ceiling `deploy_role` checks against every grant): a call they would refuse still passes.

use serde_json::Value;
use stackgen::dev::DeployedStack;
use stackgen::dev::plan::Resolver;

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
        local: &super::LocalStack,
        measured: &[&str],
    ) -> Result<(), BoxError> {
        let logged = std::fs::read_to_string(&self.path)?;
        let _ = std::fs::remove_file(&self.path);
        every_call_is_granted(&logged, keys, &local.template, &local.deployed, measured)
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

/// Least privilege, measured: every AWS call a function made during the run (the emulator's
/// action log, each line `service:Action<TAB>key id<TAB>resource ARN`) is allowed by that
/// function's role in the rendered template, on that resource. moto does not enforce IAM, so
/// this is where a missing or misdirected grant shows up before AWS answers it with
/// AccessDenied. The emulator logs a DynamoDB transaction as its items' actions, each on its
/// table, and a Multi-Object Delete as each key's DeleteObject or DeleteObjectVersion.
pub fn every_call_is_granted(
    logged: &str,
    keys: &[(String, String)],
    template: &Value,
    deployed: &DeployedStack,
    measured: &[&str],
) -> Result<(), BoxError> {
    type Calls<'a> = std::collections::BTreeSet<(&'a str, &'a str)>;
    let mut used = std::collections::BTreeMap::<&str, Calls>::new();
    for line in logged.lines() {
        let mut fields = line.split('\t');
        let (Some(action), Some(key), Some(resource)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some((_, logical)) = keys.iter().find(|(k, _)| k == key) else {
            continue; // stackgen dev itself, the test's own calls
        };
        used.entry(logical.as_str())
            .or_default()
            .insert((action, resource));
    }
    let resolver = Resolver::new(template, deployed);
    let mut missing = Vec::new();
    for (logical, calls) in &used {
        let statements = role_statements(template, logical, &resolver);
        for (action, resource) in calls {
            if *resource == "?" {
                missing.push(format!(
                    "{logical}: {action}: the emulator could not name its resource (teach scripts/emulator_actions.py)"
                ));
            } else if !statements.iter().any(|s| s.allows(action, resource)) {
                missing.push(format!("{logical}: {action} on {resource}"));
            }
        }
        let actions: std::collections::BTreeSet<_> = calls.iter().map(|(a, _)| *a).collect();
        println!(
            "{logical} used: {actions:?} ({} action-resource pairs)",
            calls.len()
        );
        if missing
            .iter()
            .any(|m| m.starts_with(&format!("{logical}:")))
        {
            println!("{logical}'s role: {statements:#?}");
        }
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

/// One `Allow` statement of a role, its resources resolved against the deployed stack (a
/// resource that does not resolve is kept as the reason, and matches nothing).
#[derive(Debug)]
struct Allowed {
    actions: Vec<String>,
    resources: Vec<Result<String, String>>,
}

impl Allowed {
    fn allows(&self, action: &str, resource: &str) -> bool {
        self.actions
            .iter()
            .any(|a| glob(&a.to_ascii_lowercase(), &action.to_ascii_lowercase()))
            && self
                .resources
                .iter()
                .any(|r| r.as_ref().is_ok_and(|r| arn_matches(r, resource)))
    }
}

/// The `Allow` statements of `<logical>Role`'s inline policies.
fn role_statements(template: &Value, logical: &str, resolver: &Resolver) -> Vec<Allowed> {
    let strings = |v: &Value| -> Vec<Value> {
        match v {
            Value::Array(list) => list.clone(),
            Value::Null => Vec::new(),
            one => vec![one.clone()],
        }
    };
    let role = &template["Resources"][format!("{logical}Role")]["Properties"];
    let mut out = Vec::new();
    for policy in role["Policies"].as_array().into_iter().flatten() {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["Effect"] == "Allow")
        {
            out.push(Allowed {
                actions: strings(&statement["Action"])
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect(),
                resources: strings(&statement["Resource"])
                    .iter()
                    .map(|r| resolver.resolve_string(r).map(Option::unwrap_or_default))
                    .collect(),
            });
        }
    }
    out
}

/// Whether the policy's resource `pattern` matches `arn`: `*` alone matches anything;
/// otherwise partition, service, region and account are matched one by one and the resource
/// part (which may hold colons) as a whole.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (p, a): (Vec<&str>, Vec<&str>) = (
        pattern.splitn(6, ':').collect(),
        arn.splitn(6, ':').collect(),
    );
    if p.len() != 6 || a.len() != 6 {
        return glob(pattern, arn);
    }
    p.iter().zip(&a).all(|(p, a)| glob(p, a))
}

/// `*` matches any run of characters (none included), `?` exactly one.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}
