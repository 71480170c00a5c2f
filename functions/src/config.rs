//! What a function reads from its environment, checked against its grants.
//!
//! The stack gives each function one environment variable per resource it was granted (names in
//! [`retail_spec`]). Reading a resource here first checks that the function's [`FunctionSpec`]
//! grants it, so a handler cannot quietly depend on something the stack will not give it: the
//! mistake shows up the first time the app is built, in tests, not as an AccessDenied in AWS.

use retail_spec::{Access, BucketSpec, FunctionSpec, QueueSpec, STORES_VAR, TableSpec, TopicSpec};
use std::collections::HashMap;

/// A function's configuration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "function `{function}` needs {what} from the environment variable {var}, which is not set or empty. The stack sets it from the function's grants in retail_spec; when running the binary by hand, export it"
    )]
    Missing {
        function: &'static str,
        var: &'static str,
        what: String,
    },
    #[error(
        "function `{function}` uses {what}, but its FunctionSpec in retail_spec grants no access to it; add the Access entry there (the stack derives IAM and environment variables from it)"
    )]
    NotGranted {
        function: &'static str,
        what: String,
    },
    #[error(
        "the environment variable {var} of function `{function}` must be a whole number from 1 up, got {value:?}; the stack sets it from the environment file"
    )]
    BadNumber {
        function: &'static str,
        var: &'static str,
        value: String,
    },
    #[error(
        "the environment variable {var} of function `{function}` must list store ids separated by commas (e.g. `store-01,store-02`), got {value:?}"
    )]
    BadStores {
        function: &'static str,
        var: &'static str,
        value: String,
    },
}

/// The environment of one function.
#[derive(Debug, Clone)]
pub struct FunctionEnv {
    function: &'static FunctionSpec,
    vars: HashMap<String, String>,
}

impl FunctionEnv {
    /// The environment of this process.
    pub fn from_process(function: &'static FunctionSpec) -> Self {
        Self::new(function, std::env::vars())
    }

    /// An explicit environment (tests, `stackgen dev`).
    pub fn new(
        function: &'static FunctionSpec,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        FunctionEnv {
            function,
            vars: vars.into_iter().collect(),
        }
    }

    pub fn function(&self) -> &'static FunctionSpec {
        self.function
    }

    /// A variable, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A variable the stack always sets for this function (`what` names it in the error).
    pub fn required(&self, var: &'static str, what: &str) -> Result<String, ConfigError> {
        self.require(var, what.to_owned())
    }

    fn require(&self, var: &'static str, what: String) -> Result<String, ConfigError> {
        self.get(var)
            .map(str::to_owned)
            .ok_or(ConfigError::Missing {
                function: self.function.id,
                var,
                what,
            })
    }

    fn granted(&self, ok: impl Fn(&Access) -> bool, what: &str) -> Result<(), ConfigError> {
        if self.function.access.iter().any(ok) {
            Ok(())
        } else {
            Err(ConfigError::NotGranted {
                function: self.function.id,
                what: what.to_owned(),
            })
        }
    }

    /// The physical name of a table the function may read or write.
    pub fn table(&self, table: &'static TableSpec) -> Result<String, ConfigError> {
        let what = format!("the {} table", table.name);
        self.granted(
            |a| matches!(a, Access::TableRead(t) | Access::TableWrite(t) if t.id == table.id),
            &what,
        )?;
        self.require(table.env_var, what)
    }

    /// The URL of a queue the function may send to or consume from.
    pub fn queue_url(&self, queue: &'static QueueSpec) -> Result<String, ConfigError> {
        let what = format!("the URL of the {} queue", queue.name);
        self.granted(
            |a| matches!(a, Access::QueueSend(q) | Access::QueueConsume(q) if q.id == queue.id),
            &what,
        )?;
        self.require(queue.env_var, what)
    }

    /// The ARN of a topic the function may publish to.
    pub fn topic_arn(&self, topic: &'static TopicSpec) -> Result<String, ConfigError> {
        let what = format!("the ARN of the {} topic", topic.name);
        self.granted(
            |a| matches!(a, Access::TopicPublish(t) if t.id == topic.id),
            &what,
        )?;
        self.require(topic.env_var, what)
    }

    /// The name of a bucket the function may read, write or delete from.
    pub fn bucket(&self, bucket: &'static BucketSpec) -> Result<String, ConfigError> {
        let what = format!("the name of the {} bucket", bucket.name);
        self.granted(
            |a| {
                matches!(a, Access::BucketRead(b) | Access::BucketWrite(b)
                    | Access::BucketPut(b) | Access::BucketDelete(b) | Access::BucketList(b)
                    if b.id == bucket.id)
            },
            &what,
        )?;
        self.require(bucket.env_var, what)
    }

    /// Every variable, as given.
    pub fn vars(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.vars.iter().map(|(k, v)| (k.clone(), v.clone()))
    }

    /// A positive number from `var`, or `default` when it is not set (the stack always sets
    /// it; a binary run by hand may not).
    pub fn number(&self, var: &'static str, default: u32) -> Result<u32, ConfigError> {
        match self.vars.get(var).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ConfigError::BadNumber {
                    function: self.function.id,
                    var,
                    value: raw.clone(),
                }),
        }
    }

    /// The environment's store ids (for functions whose spec says `needs_stores`).
    pub fn stores(&self) -> Result<Vec<String>, ConfigError> {
        if !self.function.needs_stores {
            return Err(ConfigError::NotGranted {
                function: self.function.id,
                what: format!("the store list ({STORES_VAR}; set needs_stores)"),
            });
        }
        let raw = self.require(STORES_VAR, "the store ids".to_owned())?;
        let stores: Vec<String> = raw
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if stores.is_empty() {
            return Err(ConfigError::BadStores {
                function: self.function.id,
                var: STORES_VAR,
                value: raw,
            });
        }
        Ok(stores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use retail_spec::{CATALOG, ORDERS, ORDERS_FN, PRODUCTS};

    fn env(function: &'static FunctionSpec, vars: &[(&str, &str)]) -> FunctionEnv {
        FunctionEnv::new(
            function,
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    }

    #[test]
    fn reads_granted_resources_only() {
        let e = env(
            &CATALOG,
            &[
                (PRODUCTS.env_var, "t-products"),
                (ORDERS.env_var, "t-orders"),
            ],
        );
        assert_eq!(e.table(&PRODUCTS), Ok("t-products".to_owned()));
        let err = e.table(&ORDERS).unwrap_err();
        assert!(matches!(err, ConfigError::NotGranted { .. }), "{err}");
        assert!(err.to_string().contains("catalog"));
    }

    #[test]
    fn missing_variable_is_named() {
        let err = env(&CATALOG, &[(PRODUCTS.env_var, " ")])
            .table(&PRODUCTS)
            .unwrap_err();
        assert!(err.to_string().contains(PRODUCTS.env_var), "{err}");
    }

    #[test]
    fn stores_are_a_comma_list() {
        let e = env(&ORDERS_FN, &[(STORES_VAR, "store-01, store-02,")]);
        assert_eq!(e.stores(), Ok(vec!["store-01".into(), "store-02".into()]));
        assert!(env(&ORDERS_FN, &[(STORES_VAR, ",")]).stores().is_err());
        assert!(env(&CATALOG, &[(STORES_VAR, "store-01")]).stores().is_err());
    }
}
