//! Buckets are private (all four public access blocks on, no policy granting everyone),
//! encrypted by default, and refuse requests without TLS.

use super::{Outcome, Rule, RuleResult};
use crate::model::s3::{Bucket, BucketPolicy};
use crate::model::{Effect, LogicalId, Principal, Template};

pub const PRIVATE: Rule = Rule {
    id: "bucket-private",
    title: "buckets block all public access",
};
pub const ENCRYPTED: Rule = Rule {
    id: "bucket-encrypted",
    title: "buckets encrypt objects by default",
};
pub const TLS_ONLY: Rule = Rule {
    id: "bucket-tls-only",
    title: "bucket policies deny requests without TLS",
};

fn policies_of<'a>(
    t: &'a Template,
    bucket: &'a LogicalId,
) -> impl Iterator<Item = (&'a LogicalId, &'a BucketPolicy)> {
    t.resources::<BucketPolicy>()
        .filter(move |(_, p)| p.bucket.as_ref_id() == Some(bucket))
}

/// Applies to the product stacks and the bootstrap stack alike: it reads the template only.
pub fn private(t: &Template) -> RuleResult {
    let mut o = Outcome::new(PRIVATE);
    for (id, b) in t.resources::<Bucket>() {
        o.checked();
        if !b.blocks_public_access() {
            o.violation(
                id.as_str(),
                "public access is not fully blocked",
                "set PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true (Bucket::private does)",
            );
        }
        for (pid, p) in policies_of(t, id) {
            for st in &p.policy_document.statement {
                if st.effect == Effect::Allow && st.principal == Some(Principal::Everyone) {
                    o.violation(
                        pid.as_str(),
                        format!("allows everyone ({})", st.action.join(", ")),
                        "grant a named service or role instead of Principal \"*\" (CloudFront reads through its origin access control)",
                    );
                }
            }
        }
    }
    o.finish()
}

pub fn encrypted(t: &Template) -> RuleResult {
    let mut o = Outcome::new(ENCRYPTED);
    for (id, b) in t.resources::<Bucket>() {
        o.checked();
        if !b.is_encrypted() {
            o.violation(
                id.as_str(),
                "no default encryption",
                "set BucketEncryption (SSE-S3 AES256 costs nothing; Bucket::private sets it)",
            );
        }
    }
    o.finish()
}

pub fn tls_only(t: &Template) -> RuleResult {
    let mut o = Outcome::new(TLS_ONLY);
    for (id, _) in t.resources::<Bucket>() {
        o.checked();
        let denies = policies_of(t, id).any(|(_, p)| {
            p.policy_document.statement.iter().any(|st| {
                st.denies_insecure_transport()
                    && st.resource.iter().any(|r| r.references().contains(&id))
            })
        });
        if !denies {
            o.violation(
                id.as_str(),
                "no bucket policy denies requests made without TLS",
                "add a BucketPolicy with Statement::deny_insecure_transport on the bucket and its objects",
            );
        }
    }
    o.finish()
}
