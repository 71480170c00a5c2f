//! Required tags (`Project`, `Env`, `Owner`, `CostCenter`) on every taggable resource, with
//! `Env` equal to the environment: budgets, cost reports and destroy's leftover check select
//! resources by these tags, so an untagged resource is invisible spend.

use super::{Outcome, Rule, RuleResult, Subject};

pub const RULE: Rule = Rule {
    id: "required-tags",
    title: "Project, Env, Owner and CostCenter on every taggable resource; Env matches the environment",
};

/// Resource types CloudFormation can tag (from its resource schemas) that a stack may contain.
/// A resource of one of these types without tags is a model error the rule reports too.
const TAGGABLE: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::CloudFront::Distribution",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::IAM::Role",
    "AWS::Logs::LogGroup",
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::SNS::Topic",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    "AWS::Budgets::Budget",
    "AWS::CE::AnomalyMonitor",
    "AWS::CE::AnomalySubscription",
    "AWS::Events::Rule",
    "AWS::EC2::NatGateway",
];

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let env = s.env;
    if env.tags.env != env.name {
        o.violation(
            "(environment)",
            format!(
                "tags.Env is `{}` but the environment is `{}`",
                env.tags.env, env.name
            ),
            format!(
                "set `tags: Env: {}` in environments/{}.yaml",
                env.name, env.name
            ),
        );
    }
    let expected = [
        ("Project", env.tags.project.as_str()),
        ("Env", env.name.as_str()),
        ("Owner", env.tags.owner.as_str()),
        ("CostCenter", env.tags.cost_center.as_str()),
    ];
    for e in s.template.entries() {
        let Some(tags) = e.resource().tags() else {
            if TAGGABLE.contains(&e.resource_type()) {
                o.checked();
                o.violation(
                    e.id().as_str(),
                    format!("{} is taggable but the resource carries no tags", e.resource_type()),
                    "give the model struct a `tags: Tags` field and declare it with `resource!(…, tags = tags)`",
                );
            }
            continue;
        };
        o.checked();
        for (key, want) in expected {
            match tags.get(key) {
                None => o.violation(
                    e.id().as_str(),
                    format!("missing tag {key}"),
                    format!("tag it {key}={want} (Template::add sets the required tags; do not remove them afterwards)"),
                ),
                Some(got) if got != want => o.violation(
                    e.id().as_str(),
                    format!("tag {key} is `{got}`, the environment says `{want}`"),
                    format!("tag it {key}={want}"),
                ),
                Some(_) => {}
            }
        }
    }
    o.finish()
}
