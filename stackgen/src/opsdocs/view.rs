//! A rendered template as the docs read it: resources in template order, what each refers to,
//! and names in a form a person can search the console for.

use serde_json::Value;
use stackgen_model::generated::{
    apigatewayv2, cloudfront, cloudwatch, cognito, dynamodb, iam, lambda, logs, s3, scheduler, ses,
    sns, sqs,
};

use crate::model::{Intrinsic, references};

/// One resource of the template.
#[derive(Debug, Clone, Copy)]
pub struct Res<'a> {
    pub id: &'a str,
    pub ty: &'a str,
    pub props: &'a Value,
    /// The resource's `Metadata` (checkov's skips and their reasons), `Null` when it has none.
    pub meta: &'a Value,
}

/// The template's resources, in template order.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub resources: Vec<Res<'a>>,
}

/// The property that holds a resource's physical name, per type, as a path from `Properties`
/// (a response headers policy's is nested in its config).
const NAME_PROPERTIES: &[(&str, &[&str])] = &[
    (
        lambda::FUNCTION_TYPE_NAME,
        &[lambda::props::function::FUNCTION_NAME],
    ),
    (
        dynamodb::TABLE_TYPE_NAME,
        &[dynamodb::props::table::TABLE_NAME],
    ),
    (sqs::QUEUE_TYPE_NAME, &[sqs::props::queue::QUEUE_NAME]),
    (sns::TOPIC_TYPE_NAME, &[sns::props::topic::TOPIC_NAME]),
    (s3::BUCKET_TYPE_NAME, &[s3::props::bucket::BUCKET_NAME]),
    (
        logs::LOG_GROUP_TYPE_NAME,
        &[logs::props::log_group::LOG_GROUP_NAME],
    ),
    (
        cloudwatch::ALARM_TYPE_NAME,
        &[cloudwatch::props::alarm::ALARM_NAME],
    ),
    (
        cloudwatch::DASHBOARD_TYPE_NAME,
        &[cloudwatch::props::dashboard::DASHBOARD_NAME],
    ),
    (
        cognito::USER_POOL_TYPE_NAME,
        &[cognito::props::user_pool::USER_POOL_NAME],
    ),
    (
        cognito::USER_POOL_CLIENT_TYPE_NAME,
        &[cognito::props::user_pool_client::CLIENT_NAME],
    ),
    (iam::ROLE_TYPE_NAME, &[iam::props::role::ROLE_NAME]),
    (
        apigatewayv2::API_TYPE_NAME,
        &[apigatewayv2::props::api::NAME],
    ),
    (
        scheduler::SCHEDULE_TYPE_NAME,
        &[scheduler::props::schedule::NAME],
    ),
    (
        ses::EMAIL_IDENTITY_TYPE_NAME,
        &[ses::props::email_identity::EMAIL_IDENTITY],
    ),
    (
        cloudfront::RESPONSE_HEADERS_POLICY_TYPE_NAME,
        &[
            cloudfront::props::response_headers_policy::RESPONSE_HEADERS_POLICY_CONFIG,
            cloudfront::props::response_headers_policy::response_headers_policy_config::NAME,
        ],
    ),
];

impl<'a> View<'a> {
    pub fn new(template: &'a Value) -> Self {
        let resources = template["Resources"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(id, r)| Res {
                        id,
                        ty: r["Type"].as_str().unwrap_or_default(),
                        props: &r["Properties"],
                        meta: &r["Metadata"],
                    })
                    .collect()
            })
            .unwrap_or_default();
        View { resources }
    }

    pub fn of_type(&self, ty: &'a str) -> impl Iterator<Item = Res<'a>> + '_ {
        self.resources.iter().copied().filter(move |r| r.ty == ty)
    }

    pub fn get(&self, id: &str) -> Option<Res<'a>> {
        self.resources.iter().copied().find(|r| r.id == id)
    }
}

impl Res<'_> {
    /// The logical ids this resource's properties refer to.
    pub fn refers_to(&self) -> Vec<String> {
        references(self.props).into_iter().collect()
    }

    /// The physical name as the template sets it (`grocer-dev-orders`, or a pattern like
    /// `grocer-dev-reports-${AWS::AccountId}`); `None` when CloudFormation generates it.
    pub fn physical_name(&self) -> Option<String> {
        let (_, path) = NAME_PROPERTIES.iter().find(|(t, _)| *t == self.ty)?;
        let value = path.iter().fold(self.props, |v, key| &v[*key]);
        readable(value)
    }
}

/// A property value as a person reads it: a literal, an `Fn::Sub` pattern, or `Ref`/`GetAtt`
/// spelled out.
pub fn readable(value: &Value) -> Option<String> {
    if let Some(s) = value.as_str() {
        return Some(s.to_owned());
    }
    match Intrinsic::parse(value).ok().flatten()? {
        Intrinsic::Sub { text, .. } => Some(text.to_owned()),
        other => other.target().map(|t| format!("({t})")),
    }
}
