//! S3: `AWS::S3::Bucket` and `AWS::S3::BucketPolicy`, generated from AWS's schemas, and the
//! private bucket every stack uses ([`Bucket::private`]).

use crate::cfn::{Arn, Attr, Handle, Name, Value};

pub use crate::generated::s3::bucket::{
    AbortIncompleteMultipartUpload, AllowedMethod, Bucket, BucketEncryption, CorsConfiguration,
    CorsRule, FilterRule, LifecycleConfiguration, LoggingConfiguration,
    NoncurrentVersionExpiration, NotificationConfiguration, NotificationFilter, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, QueueConfiguration,
    Rule as LifecycleRule, RuleStatus, S3KeyFilter, SSEAlgorithm, ServerSideEncryptionByDefault,
    ServerSideEncryptionRule, VersioningConfiguration, VersioningConfigurationStatus,
};
pub use crate::generated::s3::bucket_policy::BucketPolicy;

impl Bucket {
    /// A private bucket: all public access blocked, ACLs disabled, SSE-S3 with bucket keys,
    /// versioning on (old versions expire after `noncurrent_days`).
    pub fn private(name: Value, noncurrent_days: u32) -> Self {
        Bucket::private_unnamed(noncurrent_days).bucket_name(name)
    }

    /// [`Bucket::private`] without a name: CloudFormation names it (`<stack>-<id>-<suffix>`).
    pub fn private_unnamed(noncurrent_days: u32) -> Self {
        let expire_old_versions = LifecycleRule::new(RuleStatus::Enabled)
            .id("expire-old-versions")
            .noncurrent_version_expiration(NoncurrentVersionExpiration::new(i64::from(
                noncurrent_days,
            )))
            // Without it, the delete marker of every deleted key stays forever once its
            // noncurrent versions expire: S3 "doesn't take any action if there are one or more
            // object versions and the delete marker is the current version", and a rule without
            // `Days` never cleans markers up (S3 User Guide, "Examples of S3 Lifecycle
            // configurations", removing expired object delete markers,
            // <https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html>).
            .expired_object_delete_marker(true)
            .abort_incomplete_multipart_upload(AbortIncompleteMultipartUpload::new(1));
        Bucket::new()
            .bucket_encryption(s3_managed_encryption())
            .public_access_block_configuration(block_all_public_access())
            .ownership_controls(OwnershipControls::new([
                OwnershipControlsRule::new().object_ownership(ObjectOwnership::BucketOwnerEnforced)
            ]))
            .versioning_configuration(VersioningConfiguration::new(
                VersioningConfigurationStatus::Enabled,
            ))
            .lifecycle_configuration(LifecycleConfiguration::new([expire_old_versions]))
    }

    /// Whether all four public access blocks are on (literal `true`s).
    pub fn blocks_public_access(&self) -> bool {
        let on =
            |flag: &Option<Value<bool>>| flag.as_ref().is_some_and(|f| f.as_lit() == Some(&true));
        self.public_access_block_configuration
            .as_ref()
            .is_some_and(|p| {
                on(&p.block_public_acls)
                    && on(&p.block_public_policy)
                    && on(&p.ignore_public_acls)
                    && on(&p.restrict_public_buckets)
            })
    }

    /// Whether default encryption is configured on every rule.
    pub fn is_encrypted(&self) -> bool {
        self.bucket_encryption.as_ref().is_some_and(|e| {
            !e.server_side_encryption_configuration.is_empty()
                && e.server_side_encryption_configuration.iter().all(|r| {
                    r.server_side_encryption_by_default
                        .as_ref()
                        .is_some_and(|d| d.sse_algorithm.as_lit().is_some())
                })
        })
    }

    /// The lifecycle rules, to add to.
    pub fn lifecycle_rules_mut(&mut self) -> &mut Vec<LifecycleRule> {
        &mut self
            .lifecycle_configuration
            .get_or_insert_with(|| LifecycleConfiguration::new(Vec::<LifecycleRule>::new()))
            .rules
    }
}

/// SSE-S3 (AES256) with bucket keys: no key to pay for or administer.
fn s3_managed_encryption() -> BucketEncryption {
    BucketEncryption::new([ServerSideEncryptionRule::new()
        .server_side_encryption_by_default(ServerSideEncryptionByDefault::new(SSEAlgorithm::Aes256))
        .bucket_key_enabled(true)])
}

fn block_all_public_access() -> PublicAccessBlockConfiguration {
    PublicAccessBlockConfiguration::new()
        .block_public_acls(true)
        .block_public_policy(true)
        .ignore_public_acls(true)
        .restrict_public_buckets(true)
}

impl Handle<Bucket> {
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Arn<Bucket> {
        self.attr_arn()
    }
    /// `<bucket>.s3.<region>.amazonaws.com`.
    pub fn regional_domain_name(
        &self,
    ) -> Attr<Bucket, crate::generated::s3::bucket::attribute::RegionalDomainName> {
        self.attr_regional_domain_name()
    }
    /// `Ref`: the bucket name.
    pub fn name(&self) -> Name<Bucket> {
        self.reference_as()
    }
}
