//! Lambda: `Function`, `Permission`, `EventSourceMapping`, generated from AWS's schemas.

use crate::cfn::{Arn, Handle, Id, Name, Value};

pub use crate::generated::lambda::event_source_mapping::{
    DestinationConfig, EventSourceMapping, Filter, FilterCriteria, FunctionResponseType, OnFailure,
    ScalingConfig,
};
pub use crate::generated::lambda::function::{
    ApplicationLogLevel, Architecture, Code, Environment as FunctionEnvironment, Function,
    LogFormat, LoggingConfig, Runtime, SystemLogLevel, TracingConfig, TracingConfigMode,
};
pub use crate::generated::lambda::permission::Permission;

impl Handle<Function> {
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Arn<Function> {
        self.attr_arn()
    }
    /// `Ref`: the function name.
    pub fn name(&self) -> Name<Function> {
        self.reference_as()
    }
}

impl Handle<EventSourceMapping> {
    /// `Ref`: the mapping's id (a UUID), the last part of its ARN.
    pub fn uuid(&self) -> Id<EventSourceMapping> {
        self.reference_as()
    }
}

impl Function {
    /// The reserved concurrency when it is a literal (`Some(0)`: throttled to nothing).
    pub fn reserved_concurrency(&self) -> Option<i64> {
        self.reserved_concurrent_executions
            .as_ref()
            .and_then(Value::as_lit)
            .copied()
    }

    /// The environment variables (none when unset).
    pub fn variables(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.environment
            .iter()
            .flat_map(|e| e.variables.iter().flatten())
    }
}
