//! The environment a function process gets: the template's variables, then what Lambda itself
//! sets for every function, then the emulator's endpoint and credentials.
//!
//! Lambda's reserved variables win over the template's, as in AWS (which refuses to deploy a
//! function that sets them). The credentials are the emulator's dummy keys, never the
//! developer's: the process environment is cleared before these are applied.

use super::FunctionPlan;

/// How functions reach the local AWS emulator.
#[derive(Clone, PartialEq, Eq)]
pub struct EmulatorAccess {
    /// `http://127.0.0.1:5000`, given to functions as `AWS_ENDPOINT_URL`.
    pub endpoint_url: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for EmulatorAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorAccess")
            .field("endpoint_url", &self.endpoint_url)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

impl EmulatorAccess {
    /// moto on `endpoint_url` with the dummy credentials it accepts.
    pub fn moto(endpoint_url: impl Into<String>, region: impl Into<String>) -> Self {
        EmulatorAccess {
            endpoint_url: endpoint_url.into(),
            region: region.into(),
            access_key_id: "testing".into(),
            secret_access_key: "testing".into(),
            session_token: None,
        }
    }
}

/// The access key id `function` signs its emulator requests with: the emulator's, then the
/// function's id.
pub fn function_key_id(emulator: &EmulatorAccess, function: &str) -> String {
    format!("{}-{function}", emulator.access_key_id)
}

/// The process environment of `function` (without the per-process runtime API address and log
/// stream name).
pub fn process_environment(
    function: &FunctionPlan,
    emulator: &EmulatorAccess,
) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = function
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let task_root = function
        .binary
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| ".".into());
    vars.retain(|(k, _)| k != "AWS_SESSION_TOKEN");
    let mut set = |k: &str, v: String| {
        vars.retain(|(existing, _)| existing != k);
        vars.push((k.to_owned(), v));
    };
    set("AWS_LAMBDA_FUNCTION_NAME", function.name.clone());
    set("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into());
    set(
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        function.memory_mb.to_string(),
    );
    set("AWS_LAMBDA_LOG_GROUP_NAME", function.log_group.clone());
    set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".into());
    set("AWS_REGION", emulator.region.clone());
    set("AWS_DEFAULT_REGION", emulator.region.clone());
    set("_HANDLER", function.handler.clone());
    set("LAMBDA_TASK_ROOT", task_root.clone());
    set("LAMBDA_RUNTIME_DIR", task_root);
    set("TZ", ":UTC".into());
    set("LANG", "en_US.UTF-8".into());
    set("PATH", "/usr/local/bin:/usr/bin:/bin".into());
    if let Some(format) = &function.log_format {
        set("AWS_LAMBDA_LOG_FORMAT", format.clone());
    }
    if let Some(level) = &function.log_level {
        set("AWS_LAMBDA_LOG_LEVEL", level.clone());
    }
    // Lambda runs each function with its own role's credentials; here each gets its own key id
    // (the emulator takes any, with the one secret), so that the emulator's action log
    // (`EMULATOR_ACTION_LOG`) says which function asked for what.
    set("AWS_ACCESS_KEY_ID", function_key_id(emulator, &function.id));
    set("AWS_SECRET_ACCESS_KEY", emulator.secret_access_key.clone());
    if let Some(token) = &emulator.session_token {
        set("AWS_SESSION_TOKEN", token.clone());
    }
    set("AWS_ENDPOINT_URL", emulator.endpoint_url.clone());
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::time::Duration;

    #[test]
    fn reserved_variables_win_and_template_variables_stay() {
        let function = FunctionPlan {
            id: "catalog".into(),
            logical_id: "CatalogFunction".into(),
            name: "grocer-local-catalog".into(),
            arn: "arn:aws:lambda:us-east-1:123456789012:function:grocer-local-catalog".into(),
            binary: "/w/target/debug/catalog".into(),
            handler: "bootstrap".into(),
            memory_mb: 256,
            timeout: Duration::from_secs(10),
            variables: BTreeMap::from([
                (
                    "PRODUCTS_TABLE".to_owned(),
                    "grocer-local-products".to_owned(),
                ),
                ("AWS_REGION".to_owned(), "eu-west-1".to_owned()),
            ]),
            log_group: "/aws/lambda/grocer-local-catalog".into(),
            log_format: Some("JSON".into()),
            log_level: Some("WARN".into()),
        };
        let env: BTreeMap<String, String> = process_environment(
            &function,
            &EmulatorAccess::moto("http://127.0.0.1:5000", "us-east-1"),
        )
        .into_iter()
        .collect();
        assert_eq!(env["PRODUCTS_TABLE"], "grocer-local-products");
        assert_eq!(env["AWS_REGION"], "us-east-1");
        assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "grocer-local-catalog");
        assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
        assert_eq!(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
        assert_eq!(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:5000");
        assert_eq!(env["AWS_ACCESS_KEY_ID"], "testing-catalog");
        assert_eq!(env["LAMBDA_TASK_ROOT"], "/w/target/debug");
        assert_eq!(env["AWS_LAMBDA_LOG_FORMAT"], "JSON");
        assert_eq!(env["AWS_LAMBDA_LOG_LEVEL"], "WARN");
        assert!(!env.contains_key("AWS_SESSION_TOKEN"));
    }
}
