//! DynamoDB: `AWS::DynamoDB::Table` (keys, global secondary indexes, TTL, PITR, SSE),
//! generated from AWS's schema.

use crate::cfn::{Arn, Handle, Name, Value};

pub use crate::generated::dynamodb::table::{
    AttributeDefinition, AttributeType, BillingMode, GlobalSecondaryIndex,
    KeySchemaItem as KeySchema, PointInTimeRecoverySpecification, Projection, ProjectionType,
    SSESpecification as SseSpecification, StreamSpecification, StreamViewType, Table,
    TimeToLiveSpecification,
};

impl Table {
    /// Whether point-in-time recovery is on (a literal `true`).
    pub fn point_in_time_recovery(&self) -> bool {
        self.point_in_time_recovery_specification
            .as_ref()
            .and_then(|p| p.point_in_time_recovery_enabled.as_ref())
            .and_then(Value::as_lit)
            == Some(&true)
    }

    /// Whether deletion protection is on (a literal `true`).
    pub fn deletion_protection(&self) -> bool {
        self.deletion_protection_enabled
            .as_ref()
            .and_then(Value::as_lit)
            == Some(&true)
    }

    /// Whether the table bills on demand (`PAY_PER_REQUEST`, no cost when idle).
    pub fn on_demand(&self) -> bool {
        self.billing_mode.as_ref().and_then(Value::as_lit) == Some(&BillingMode::PayPerRequest)
    }
}

impl Handle<Table> {
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Arn<Table> {
        self.attr_arn()
    }
    /// `Ref`: the table name.
    pub fn name(&self) -> Name<Table> {
        self.reference_as()
    }
}

/// A key attribute's role (the schema leaves `KeyType` a free string in key schemas).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Hash,
    Range,
}

impl From<KeyType> for Value {
    fn from(k: KeyType) -> Value {
        match k {
            KeyType::Hash => "HASH".into(),
            KeyType::Range => "RANGE".into(),
        }
    }
}
