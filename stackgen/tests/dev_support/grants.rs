//! Least privilege, measured: `stackgen dev` holds each function's key to its role on the
//! emulator (`stackgen::dev::roles`), the emulator logs each call's IAM action, resource and
//! verdict with the key id that signed it (`EMULATOR_ACTION_LOG`, `scripts/emulator_actions.py`),
//! and these checks read the log: every call a function made was allowed by its role. A refused
//! call usually fails the run on its own (the function answers an error); this names it.

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

    /// What has been logged so far (empty before the first call).
    pub fn read(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap_or_default()
    }

    /// [`every_call_is_granted`] over what was logged; the log is removed.
    pub fn check(self, keys: &[(String, String)], measured: &[&str]) -> Result<(), BoxError> {
        let logged = std::fs::read_to_string(&self.path)?;
        let _ = std::fs::remove_file(&self.path);
        every_call_is_granted(&logged, keys, measured)
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

/// Every AWS call a function made during the run (the emulator's action log, each line
/// `service:Action<TAB>key id<TAB>resource ARN<TAB>verdict`) was allowed by that function's
/// role on that resource; and `measured` functions made calls (the run's own failure comes
/// first when it stopped before reaching them: [`with_grants`]). A line with no verdict is a
/// call of a key the emulator did not hold to a role: for a function, that is a run whose
/// checks were off, and it fails too.
pub fn every_call_is_granted(
    logged: &str,
    keys: &[(String, String)],
    measured: &[&str],
) -> Result<(), BoxError> {
    type Calls<'a> = std::collections::BTreeSet<(&'a str, &'a str)>;
    let mut used = std::collections::BTreeMap::<&str, Calls>::new();
    let mut wrong = Vec::new();
    for line in logged.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [action, key, resource, verdict] = fields[..] else {
            continue;
        };
        let Some((_, logical)) = keys.iter().find(|(k, _)| k == key) else {
            continue; // stackgen dev itself, the test's own calls
        };
        used.entry(logical.as_str())
            .or_default()
            .insert((action, resource));
        match (resource, verdict) {
            (_, "allowed") => {}
            ("?", _) => wrong.push(format!(
                "{logical}: {action}: the emulator could not name its resource (teach scripts/emulator_actions.py)"
            )),
            (_, "denied") => wrong.push(format!("{logical}: {action} on {resource}: denied")),
            _ => wrong.push(format!(
                "{logical}: {action} on {resource}: not checked (the emulator did not hold the key to the role)"
            )),
        }
    }
    for (logical, calls) in &used {
        let actions: std::collections::BTreeSet<_> = calls.iter().map(|(a, _)| *a).collect();
        println!(
            "{logical} used: {actions:?} ({} action-resource pairs)",
            calls.len()
        );
    }
    wrong.sort();
    wrong.dedup();
    if !wrong.is_empty() {
        return Err(format!(
            "calls the functions' roles do not allow (AWS answers AccessDenied): {wrong:#?}"
        )
        .into());
    }
    // The functions this run is about made calls (a run that never reached them measures
    // nothing about them).
    match measured.iter().find(|l| !used.contains_key(*l)) {
        Some(logical) => Err(format!(
            "{logical} made no AWS call in this run: {:?} (log: {logged:.400})",
            used.keys().collect::<Vec<_>>()
        )
        .into()),
        None => Ok(()),
    }
}

/// A run's outcome with its grant check: a refused call is named even when it is what made
/// the run fail.
pub fn with_grants(
    run: Result<(), BoxError>,
    grants: Result<(), BoxError>,
) -> Result<(), BoxError> {
    match (run, grants) {
        (Err(run), Err(grants)) => Err(format!("{run}\n{grants}").into()),
        (Err(run), Ok(())) => Err(run),
        (Ok(()), grants) => grants,
    }
}
