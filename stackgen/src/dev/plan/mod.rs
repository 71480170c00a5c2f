//! What `stackgen dev` runs, read from the same rendered template that `deploy` ships and
//! resolved against the deployed local stack: one [`FunctionPlan`] per retail function and one
//! [`QueueMapping`] per SQS event source mapping.

pub mod deployed;
pub mod functions;
pub mod lambda_env;
pub mod mappings;
pub mod resolve;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub use deployed::{DeployedResource, DeployedStack};
pub use functions::{find_function_resource, pascal, plan_functions};
pub use lambda_env::{EmulatorAccess, function_key_id, process_environment};
pub use mappings::{plan_queues, plan_streams};
pub use resolve::Resolver;

/// The template or the deployed stack does not give what the local runner needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the rendered template has no AWS::Lambda::Function for retail function `{function}` (expected logical id `{expected}`, or a function whose Code.S3Key is the `…CodeKey` parameter of that name); re-render the stack, every function in retail_spec::FUNCTIONS must be in it"
    )]
    NoFunction { function: String, expected: String },
    #[error(
        "resource `{resource}` is in the rendered template but not in the deployed stack `{stack}`; deploy the environment first (`stackgen deploy --env local --yes`, which `make run` does)"
    )]
    NotDeployed { resource: String, stack: String },
    #[error(
        "{resource}.{property} in the rendered template cannot be used locally: {reason}. Fix the stack definition that produces it, or deploy so that the referenced resource exists"
    )]
    Property {
        resource: String,
        property: String,
        reason: String,
    },
    #[error(
        "cannot read the deployed stack `{stack}` from the emulator: {message}. Start the emulator and deploy the environment first (`make run` does both)"
    )]
    Describe { stack: String, message: String },
}

/// One function as the local runner starts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionPlan {
    /// retail_spec id (`catalog`).
    pub id: String,
    /// `CatalogFunction`.
    pub logical_id: String,
    /// The deployed function name (`AWS_LAMBDA_FUNCTION_NAME`).
    pub name: String,
    pub arn: String,
    /// The host-built binary.
    pub binary: PathBuf,
    pub handler: String,
    pub memory_mb: u32,
    pub timeout: Duration,
    /// The template's environment variables, resolved.
    pub variables: BTreeMap<String, String>,
    pub log_group: String,
    /// `LoggingConfig.LogFormat` (`JSON` / `Text`), when set.
    pub log_format: Option<String>,
    /// `LoggingConfig.ApplicationLogLevel` (`INFO`, …), when set: Lambda gives it to the function
    /// as `AWS_LAMBDA_LOG_LEVEL`.
    pub log_level: Option<String>,
}

/// One DynamoDB stream → function event source mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMapping {
    /// The mapping's logical id (for logs).
    pub logical_id: String,
    pub function_id: String,
    /// The table whose stream feeds the function.
    pub table_name: String,
    pub batch_size: u32,
    /// Retries of a failing batch before it is given up (`MaximumRetryAttempts`).
    pub retries: u32,
    /// `FilterCriteria` patterns: a record invokes the function when one matches (or when
    /// there are none).
    pub filters: Vec<serde_json::Value>,
}

/// One SQS queue → function event source mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMapping {
    /// The mapping's logical id (for logs).
    pub logical_id: String,
    pub function_id: String,
    pub queue_url: String,
    pub queue_arn: String,
    pub batch_size: u32,
    /// `FunctionResponseTypes: [ReportBatchItemFailures]`.
    pub report_batch_item_failures: bool,
    pub enabled: bool,
    /// The deployed mapping's UUID (its physical id), which `stackgen dev` pauses in the
    /// emulator while it polls the queue itself.
    pub deployed_uuid: Option<String>,
}
