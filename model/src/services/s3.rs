//! S3: `AWS::S3::Bucket` and `AWS::S3::BucketPolicy`.

use serde::Serialize;

use crate::cfn::policy::PolicyDocument;
use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_encryption: Option<BucketEncryption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_access_block_configuration: Option<PublicAccessBlockConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_controls: Option<OwnershipControls>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioning_configuration: Option<VersioningConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_configuration: Option<LifecycleConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_configuration: Option<LoggingConfiguration>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Bucket, "AWS::S3::Bucket", tags = tags);

impl Bucket {
    /// A private bucket: all public access blocked, ACLs disabled, SSE-S3 with bucket keys,
    /// versioning on (old versions expire after `noncurrent_days`).
    pub fn private(name: Value, noncurrent_days: u32) -> Self {
        Bucket {
            bucket_name: Some(name),
            bucket_encryption: Some(BucketEncryption::s3_managed()),
            public_access_block_configuration: Some(PublicAccessBlockConfiguration::all()),
            ownership_controls: Some(OwnershipControls {
                rules: vec![OwnershipRule {
                    object_ownership: "BucketOwnerEnforced",
                }],
            }),
            versioning_configuration: Some(VersioningConfiguration { status: "Enabled" }),
            lifecycle_configuration: Some(LifecycleConfiguration {
                rules: vec![LifecycleRule {
                    id: "expire-old-versions".to_owned(),
                    status: "Enabled",
                    expiration_in_days: None,
                    noncurrent_version_expiration: Some(NoncurrentVersionExpiration {
                        noncurrent_days,
                    }),
                    // Without it, the delete marker of every deleted key stays forever once
                    // its noncurrent versions expire: S3 "doesn't take any action if there
                    // are one or more object versions and the delete marker is the current
                    // version", and a rule without `Days` never cleans markers up (S3 User
                    // Guide, "Examples of S3 Lifecycle configurations", removing expired
                    // object delete markers, <https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html>).
                    expired_object_delete_marker: Some(true),
                    abort_incomplete_multipart_upload: Some(AbortIncompleteMultipartUpload {
                        days_after_initiation: 1,
                    }),
                }],
            }),
            logging_configuration: None,
            tags: Tags::new(),
        }
    }

    /// Whether all four public access blocks are on.
    pub fn blocks_public_access(&self) -> bool {
        self.public_access_block_configuration
            .as_ref()
            .is_some_and(PublicAccessBlockConfiguration::blocks_all)
    }

    /// Whether default encryption is configured.
    pub fn is_encrypted(&self) -> bool {
        self.bucket_encryption.as_ref().is_some_and(|e| {
            !e.server_side_encryption_configuration.is_empty()
                && e.server_side_encryption_configuration.iter().all(|r| {
                    matches!(
                        r.server_side_encryption_by_default.sse_algorithm,
                        "AES256" | "aws:kms" | "aws:kms:dsse"
                    )
                })
        })
    }
}

impl Handle<Bucket> {
    /// `Ref`: the bucket name.
    pub fn name(&self) -> Value {
        self.reference()
    }
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
    /// `<bucket>.s3.<region>.amazonaws.com`.
    pub fn regional_domain_name(&self) -> Value {
        self.attribute("RegionalDomainName")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketEncryption {
    pub server_side_encryption_configuration: Vec<ServerSideEncryptionRule>,
}

impl BucketEncryption {
    /// SSE-S3 (AES256): no key to pay for or administer.
    pub fn s3_managed() -> Self {
        BucketEncryption {
            server_side_encryption_configuration: vec![ServerSideEncryptionRule {
                server_side_encryption_by_default: ServerSideEncryptionByDefault {
                    sse_algorithm: "AES256",
                },
                bucket_key_enabled: true,
            }],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerSideEncryptionRule {
    pub server_side_encryption_by_default: ServerSideEncryptionByDefault,
    pub bucket_key_enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerSideEncryptionByDefault {
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlockConfiguration {
    pub block_public_acls: bool,
    pub block_public_policy: bool,
    pub ignore_public_acls: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlockConfiguration {
    pub fn all() -> Self {
        PublicAccessBlockConfiguration {
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        }
    }

    pub fn blocks_all(&self) -> bool {
        self.block_public_acls
            && self.block_public_policy
            && self.ignore_public_acls
            && self.restrict_public_buckets
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipControls {
    pub rules: Vec<OwnershipRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipRule {
    pub object_ownership: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersioningConfiguration {
    pub status: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleConfiguration {
    pub rules: Vec<LifecycleRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    pub id: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
    /// Removes a delete marker once no noncurrent version is left behind it. Not allowed in a
    /// rule with `ExpirationInDays`, `ExpirationDate` or `TagFilters`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_object_delete_marker: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_incomplete_multipart_upload: Option<AbortIncompleteMultipartUpload>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentVersionExpiration {
    pub noncurrent_days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AbortIncompleteMultipartUpload {
    pub days_after_initiation: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingConfiguration {
    pub destination_bucket_name: Value,
    pub log_file_prefix: String,
}

/// A bucket's resource policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketPolicy {
    pub bucket: Value,
    pub policy_document: PolicyDocument,
}
resource!(BucketPolicy, "AWS::S3::BucketPolicy");
