//! AWS WAF: `AWS::WAFv2::WebACL` (the storefront's web ACL) and `AWS::WAFv2::LoggingConfiguration`
//! (where an ACL's decisions are logged), generated from AWS's schema.
//!
//! The schema's statements are recursive (`NotStatement` holds a `Statement`), and several
//! switches are free-form empty objects (`{"None": {}}`, `{"UriPath": {}}`); the helpers here
//! name those shapes so the stack code does not write JSON.

use crate::cfn::{Arn, Handle, Json, Value};

pub use crate::generated::wafv2::logging_configuration::{
    ActionCondition, ActionConditionAction, Behavior as LogFilterBehavior,
    Condition as LogFilterCondition, DefaultBehavior as LogDefaultBehavior,
    FieldToMatch as LoggedField, Filter as LogFilter, LoggingConfiguration, LoggingFilter,
    Requirement as LogFilterRequirement, SingleHeader as LoggedHeader,
};
pub use crate::generated::wafv2::web_acl::{
    AggregateKeyType, AndStatement, BlockAction, ByteMatchStatement, CountAction, DefaultAction,
    FieldToMatch, LabelMatchScope, LabelMatchStatement, ManagedRuleGroupStatement, NotStatement,
    OverrideAction, PositionalConstraint, RateBasedStatement, Rule, RuleAction, RuleActionOverride,
    Statement, TextTransformation, TextTransformationType, VisibilityConfig, WebACL, WebACLScope,
};
pub use crate::generated::wafv2::web_acl_association::WebACLAssociation;

impl Handle<WebACL> {
    /// `Fn::GetAtt` `Arn`: what CloudFront's `WebACLId` takes for a WAFv2 web ACL.
    pub fn arn(&self) -> Arn<WebACL> {
        self.attr_arn()
    }
}

fn empty() -> Json {
    Json::from(serde_json::json!({}))
}

impl FieldToMatch {
    /// The request's URI path.
    pub fn uri_path_only() -> Self {
        FieldToMatch::new().uri_path(empty())
    }

    /// The request's HTTP method.
    pub fn method_only() -> Self {
        FieldToMatch::new().method(empty())
    }
}

impl OverrideAction {
    /// Keep the rule group's own actions.
    pub fn keep() -> Self {
        OverrideAction::new().none(empty())
    }

    /// Count what the rule group would block (try rules before blocking).
    pub fn count_only() -> Self {
        OverrideAction::new().count(empty())
    }
}

impl RuleAction {
    pub fn blocking() -> Self {
        RuleAction::new().block(BlockAction::new())
    }

    pub fn counting() -> Self {
        RuleAction::new().count(CountAction::new())
    }
}

impl DefaultAction {
    pub fn allowing() -> Self {
        DefaultAction::new().allow(crate::generated::wafv2::web_acl::AllowAction::new())
    }
}

impl ByteMatchStatement {
    /// `field` compared with `text` as `how`, without transformation.
    pub fn plain(field: FieldToMatch, how: PositionalConstraint, text: impl Into<Value>) -> Self {
        ByteMatchStatement::new(
            field,
            how,
            [TextTransformation::new(0_i64, TextTransformationType::None)],
        )
        .search_string(text)
    }
}
