//! The deployed stack as references need it: physical ids, parameter values, account, region.
//!
//! `Ref` to a table gives its name, to a queue its URL, to a topic its ARN, to a bucket its
//! name: in every case CloudFormation's physical resource id, which `ListStackResources`
//! returns (unlike `DescribeStackResources`, it pages past 100 resources).

use std::collections::BTreeMap;

use super::PlanError;

/// One resource of the deployed stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedResource {
    /// `AWS::DynamoDB::Table`.
    pub resource_type: String,
    /// What `Ref` returns for it.
    pub physical_id: String,
}

/// A deployed stack.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeployedStack {
    pub name: String,
    /// The stack ARN (`AWS::StackId`).
    pub id: String,
    pub region: String,
    pub account_id: String,
    /// Parameter values in force.
    pub parameters: BTreeMap<String, String>,
    /// By logical id.
    pub resources: BTreeMap<String, DeployedResource>,
}

impl DeployedStack {
    /// Reads stack `name` (parameters, id, and every resource's physical id).
    pub async fn describe(
        cfn: &aws_sdk_cloudformation::Client,
        name: &str,
        region: &str,
    ) -> Result<DeployedStack, PlanError> {
        let failure = |what: &str, e: String| PlanError::Describe {
            stack: name.to_owned(),
            message: format!("{what}: {e}"),
        };
        let described = cfn
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| failure("DescribeStacks", crate::aws::cause_chain(&e)))?;
        let stack = described
            .stacks()
            .first()
            .ok_or_else(|| failure("DescribeStacks", "no such stack".into()))?;
        let id = stack.stack_id().unwrap_or_default().to_owned();
        let parameters = stack
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_owned(),
                    p.resolved_value()
                        .or(p.parameter_value())
                        .unwrap_or_default()
                        .to_owned(),
                ))
            })
            .collect();
        let mut resources = BTreeMap::new();
        let mut pages = cfn
            .list_stack_resources()
            .stack_name(name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| failure("ListStackResources", crate::aws::cause_chain(&e)))?;
            for r in page.stack_resource_summaries() {
                let (Some(logical), Some(physical)) =
                    (r.logical_resource_id(), r.physical_resource_id())
                else {
                    continue;
                };
                resources.insert(
                    logical.to_owned(),
                    DeployedResource {
                        resource_type: r.resource_type().unwrap_or_default().to_owned(),
                        physical_id: physical.to_owned(),
                    },
                );
            }
        }
        Ok(DeployedStack {
            name: name.to_owned(),
            account_id: account_of_arn(&id).unwrap_or_default().to_owned(),
            id,
            region: region.to_owned(),
            parameters,
            resources,
        })
    }
}

/// The account field of an ARN (`arn:aws:cloudformation:us-east-1:123456789012:stack/…`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_comes_from_the_stack_arn() {
        assert_eq!(
            account_of_arn("arn:aws:cloudformation:us-east-1:123456789012:stack/grocer-local/abc"),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("nonsense"), None);
    }
}
