//! A rendered template as the docs read it: resources in template order, what each refers to,
//! and names in a form a person can search the console for.

use serde_json::Value;

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

/// The properties that hold a resource's physical name, per type.
const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::Lambda::Function", "FunctionName"),
    ("AWS::DynamoDB::Table", "TableName"),
    ("AWS::SQS::Queue", "QueueName"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::CloudWatch::Alarm", "AlarmName"),
    ("AWS::CloudWatch::Dashboard", "DashboardName"),
    ("AWS::Cognito::UserPool", "UserPoolName"),
    ("AWS::Cognito::UserPoolClient", "ClientName"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::ApiGatewayV2::Api", "Name"),
    ("AWS::Scheduler::Schedule", "Name"),
    ("AWS::SES::EmailIdentity", "EmailIdentity"),
    (
        "AWS::CloudFront::ResponseHeadersPolicy",
        "ResponseHeadersPolicyConfig.Name",
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
        let value = path.split('.').fold(self.props, |v, key| &v[key]);
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
