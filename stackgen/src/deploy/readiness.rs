//! What the AWS account must offer before an environment works as designed, checked by
//! `deploy` (when it changes something, so a no-op deploy stays three calls) and by `status`:
//!
//! - enough Lambda concurrency for what the stack admits. "New AWS accounts have reduced
//!   concurrency and memory quotas" (Lambda Developer Guide, "Lambda quotas",
//!   <https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>); below what
//!   the API stage lets through in a burst, shoppers get throttled (HTTP 503) and queue
//!   consumers wait. GetAccountSettings gives the account's limit
//!   (<https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html>).
//! - active cost allocation tags. The budget and the anomaly monitor filter on `Project` and
//!   `Env`, and a tag key "can take up to 24 hours … to appear on your cost allocation tags
//!   page for activation. It can then take up to 24 hours for tag keys to activate"
//!   (Billing User Guide, "Activating user-defined cost allocation tags",
//!   <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html>).
//!   Until then the budget sees no spend, and nor does the kill switch.
//!
//! Neither check stops a deploy: each yields a warning to print, or a note that it could not
//! be made (a member account may not read billing settings).

use aws_sdk_costexplorer::types::CostAllocationTagStatus;

use crate::aws::AwsContext;

/// The Service Quotas code of Lambda's "Concurrent executions" quota.
pub const CONCURRENCY_QUOTA_CODE: &str = "L-B99A9384";

/// The outcome of one readiness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready(String),
    /// Something to fix, in one paragraph.
    Warning(String),
    /// The check itself failed; why.
    Unknown(String),
}

/// An email subscription of one of the stack's topics that nobody confirmed: its recipient
/// gets nothing until they click the link in AWS's confirmation email.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingSubscription {
    pub topic_arn: String,
    pub protocol: String,
    pub endpoint: String,
}

/// The subscriptions of `topic_arns` still waiting for confirmation. SNS lists such a
/// subscription with the subscription ARN `PendingConfirmation` (Amazon SNS Developer Guide,
/// "Email notifications", <https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html>).
pub async fn pending_subscriptions(
    ctx: &AwsContext,
    topic_arns: &[String],
) -> Result<Vec<PendingSubscription>, crate::aws::AwsError> {
    let sns = aws_sdk_sns::Client::new(ctx.config());
    let mut out = Vec::new();
    for topic in topic_arns {
        let mut pages = sns
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| ctx.fail("sns", "ListSubscriptionsByTopic", e))?;
            out.extend(
                page.subscriptions()
                    .iter()
                    .filter(|s| is_pending(s.subscription_arn()))
                    .map(|s| PendingSubscription {
                        topic_arn: topic.clone(),
                        protocol: s.protocol().unwrap_or_default().to_owned(),
                        endpoint: s.endpoint().unwrap_or_default().to_owned(),
                    }),
            );
        }
    }
    Ok(out)
}

/// Whether a listed subscription ARN is SNS's placeholder for an unconfirmed subscription.
pub fn is_pending(subscription_arn: Option<&str>) -> bool {
    subscription_arn.is_some_and(|a| a.eq_ignore_ascii_case("PendingConfirmation"))
}

/// The account's Lambda concurrency limit against `needed` (what the stack admits at once).
pub async fn lambda_concurrency(ctx: &AwsContext, needed: u32) -> Readiness {
    let lambda = aws_sdk_lambda::Client::new(ctx.config());
    let limit = match lambda.get_account_settings().send().await {
        Ok(out) => out.account_limit().map(|l| l.concurrent_executions()),
        Err(e) => {
            let err = ctx.fail("lambda", "GetAccountSettings", e);
            return Readiness::Unknown(format!(
                "cannot read the account's Lambda concurrency quota: {err}"
            ));
        }
    };
    let Some(limit) = limit else {
        return Readiness::Unknown("GetAccountSettings returned no AccountLimit".to_owned());
    };
    concurrency_verdict(limit, needed, ctx.region())
}

/// The warning for an account limit below what the stack admits.
pub fn concurrency_verdict(limit: i32, needed: u32, region: &str) -> Readiness {
    if i64::from(limit) >= i64::from(needed) {
        return Readiness::Ready(format!(
            "Lambda concurrency quota {limit} in {region} covers the {needed} concurrent executions the stack admits"
        ));
    }
    Readiness::Warning(format!(
        "the account's Lambda concurrency quota in {region} is {limit}, below the {needed} concurrent executions this stack admits (the API stage's burst plus the queue consumers' maximum concurrency): under load shoppers get HTTP 503 and queued messages wait. New accounts start with a reduced quota; request an increase of \"Concurrent executions\" (Service Quotas code {CONCURRENCY_QUOTA_CODE}) to at least {needed} in {region} (`aws service-quotas request-service-quota-increase --service-code lambda --quota-code {CONCURRENCY_QUOTA_CODE} --desired-value 1000 --region {region}`)"
    ))
}

/// Whether `keys` are active cost allocation tags (Cost Explorer, us-east-1).
pub async fn cost_allocation_tags(
    ce: &aws_sdk_costexplorer::Client,
    keys: &[&str],
    env: &str,
) -> Readiness {
    let listed = ce
        .list_cost_allocation_tags()
        .set_tag_keys(Some(keys.iter().map(|k| (*k).to_owned()).collect()))
        .send()
        .await;
    let listed = match listed {
        Ok(out) => out,
        Err(e) => {
            return Readiness::Unknown(format!(
                "cannot read the cost allocation tags (Cost Explorer ListCostAllocationTags, management account only): {}",
                crate::aws::cause_chain(&e)
            ));
        }
    };
    let active: Vec<&str> = listed
        .cost_allocation_tags()
        .iter()
        .filter(|t| t.status() == &CostAllocationTagStatus::Active)
        .map(|t| t.tag_key())
        .collect();
    let seen: Vec<&str> = listed
        .cost_allocation_tags()
        .iter()
        .map(|t| t.tag_key())
        .collect();
    tags_verdict(keys, &seen, &active, env)
}

/// The warning for tag keys that are not active yet, saying which are not even seen, and the
/// command that activates them for environment `env`.
pub fn tags_verdict(keys: &[&str], seen: &[&str], active: &[&str], env: &str) -> Readiness {
    let inactive: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| !active.contains(k))
        .collect();
    if inactive.is_empty() {
        return Readiness::Ready(format!("cost allocation tags active: {}", keys.join(", ")));
    }
    let unseen: Vec<&str> = inactive
        .iter()
        .copied()
        .filter(|k| !seen.contains(k))
        .collect();
    let unseen_note = if unseen.is_empty() {
        String::new()
    } else {
        format!(
            " ({} not yet seen by billing: a tag key appears up to 24 hours after the first tagged resource)",
            unseen.join(", ")
        )
    };
    Readiness::Warning(format!(
        "the cost allocation tags {} are NOT ACTIVE{unseen_note}: this environment's budget, anomaly monitor and kill switch filter on them and see no spend until they are. Run `stackgen bootstrap --env {env}` (it activates them and requests a backfill where this account is its own management account), or activate them in the Billing console of the organisation's management account; activation takes up to 24 hours",
        inactive.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_account_s_quota_is_a_warning_with_the_number_and_the_request() {
        let Readiness::Warning(w) = concurrency_verdict(10, 104, "eu-west-1") else {
            panic!("expected a warning")
        };
        assert!(w.contains("is 10, below the 104"), "{w}");
        assert!(w.contains(CONCURRENCY_QUOTA_CODE), "{w}");
        assert!(matches!(
            concurrency_verdict(1000, 104, "eu-west-1"),
            Readiness::Ready(_)
        ));
    }

    #[test]
    fn only_the_placeholder_arn_means_pending() {
        assert!(is_pending(Some("PendingConfirmation")));
        assert!(!is_pending(Some(
            "arn:aws:sns:eu-west-1:123456789012:grocer-dev-ops-alerts:1f0e"
        )));
        assert!(!is_pending(None));
    }

    #[test]
    fn inactive_and_unseen_tags_are_named() {
        let r = tags_verdict(&["Project", "Env"], &["Project"], &[], "dev");
        let Readiness::Warning(w) = r else {
            panic!("expected a warning")
        };
        assert!(w.contains("Project, Env are NOT ACTIVE"), "{w}");
        assert!(w.contains("Env not yet seen"), "{w}");
        assert!(w.contains("`stackgen bootstrap --env dev`"), "{w}");
        assert!(matches!(
            tags_verdict(
                &["Project", "Env"],
                &["Project", "Env"],
                &["Project", "Env"],
                "dev"
            ),
            Readiness::Ready(_)
        ));
    }
}
