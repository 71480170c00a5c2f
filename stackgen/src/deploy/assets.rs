//! Content-addressed uploads to the bootstrap bucket.
//!
//! A function zip lives at `assets/<sha256>.zip` and a large template at
//! `templates/<sha256>.json`: the key *is* the content, so HeadObject says whether an upload is
//! needed at all, re-running a deploy uploads nothing that is already there, and two
//! environments sharing a build share its zip. The stack receives each function's key as a
//! parameter named by [`crate::stack::code_key_parameter`], which is also how `status` reads
//! back what runs.
//!
//! Since the key is the content, an object is never written twice: every upload is a
//! conditional write (`If-None-Match: *`), and the CI deploy roles may only upload so (the
//! `s3:if-none-match` condition key: Amazon S3 User Guide, "Enforce conditional writes on
//! Amazon S3 buckets", <https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html>).
//! One environment's pipeline therefore cannot replace a zip another environment runs; and
//! since it could still write a key first (a build is reproducible, so its sha256 can be known
//! before it exists), a key found already there is read back and its content checked against
//! its name before a stack is pointed at it.

use std::path::Path;

use aws_sdk_s3::primitives::ByteStream;

use super::error::DeployError;
use super::package::AssetManifest;
use super::progress::Progress;
use crate::aws::{AwsContext, AwsError};

/// CloudFormation's limit for an inline `TemplateBody`, in bytes.
pub const INLINE_TEMPLATE_LIMIT: usize = 51_200;

/// The key of a function zip with this sha256.
pub fn asset_key(sha256: &str) -> String {
    format!("assets/{sha256}.zip")
}

/// The sha256 in an asset key, if it is one.
pub fn sha_of_key(key: &str) -> Option<&str> {
    key.strip_prefix("assets/")?.strip_suffix(".zip")
}

/// One asset's upload outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetUpload {
    pub function: String,
    pub key: String,
    /// False: it was already in the bucket (HeadObject found it) and nothing was sent.
    pub uploaded: bool,
    pub size: u64,
}

/// What an upload pass did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadReport {
    pub assets: Vec<AssetUpload>,
}

impl UploadReport {
    /// Zips sent in this pass.
    pub fn uploaded(&self) -> usize {
        self.assets.iter().filter(|a| a.uploaded).count()
    }
    /// Distinct zips the bucket already held.
    pub fn skipped(&self) -> usize {
        let keys: std::collections::BTreeSet<&str> =
            self.assets.iter().map(|a| a.key.as_str()).collect();
        keys.len() - self.uploaded()
    }
}

/// Uploads every function zip of `manifest` that `bucket` does not already hold.
pub async fn upload_assets(
    ctx: &AwsContext,
    bucket: &str,
    manifest: &AssetManifest,
    progress: &dyn Progress,
) -> Result<UploadReport, DeployError> {
    let mut report = UploadReport::default();
    // Functions share a zip (every function is an entry point of one binary): each key is looked
    // up and sent once per pass.
    let mut seen = std::collections::BTreeSet::new();
    for (function, asset) in &manifest.functions {
        let key = asset_key(&asset.sha256);
        let uploaded = if !seen.insert(key.clone()) {
            false
        } else if exists(ctx, bucket, &key).await? {
            verify(ctx, bucket, &key, &asset.sha256).await?;
            false
        } else {
            progress.step(&format!(
                "uploading the functions' zip ({} bytes) to s3://{bucket}/{key}",
                asset.size
            ));
            if !put_file(ctx, bucket, &key, &asset.zip, "application/zip").await? {
                // Written by another deploy meanwhile: used only once it is checked.
                verify(ctx, bucket, &key, &asset.sha256).await?;
            }
            true
        };
        report.assets.push(AssetUpload {
            function: function.clone(),
            key,
            uploaded,
            size: asset.size,
        });
    }
    Ok(report)
}

/// Puts a template body at `templates/<sha256>.json` (unless present) and returns the
/// https URL CloudFormation reads it from.
pub async fn upload_template(
    ctx: &AwsContext,
    bucket: &str,
    body: &str,
) -> Result<String, DeployError> {
    use sha2::{Digest, Sha256};
    let sha256 = hex::encode(Sha256::digest(body.as_bytes()));
    let key = format!("templates/{sha256}.json");
    if exists(ctx, bucket, &key).await? {
        verify(ctx, bucket, &key, &sha256).await?;
    } else {
        let put = ctx
            .s3
            .put_object()
            .bucket(bucket)
            .key(&key)
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await;
        if !created(ctx, put)? {
            verify(ctx, bucket, &key, &sha256).await?;
        }
    }
    Ok(format!(
        "https://{bucket}.s3.{}.amazonaws.com/{key}",
        ctx.region()
    ))
}

/// HeadObject: true when the key exists.
pub async fn exists(ctx: &AwsContext, bucket: &str, key: &str) -> Result<bool, AwsError> {
    match ctx.s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
        Err(e) => Err(ctx.fail("s3", "HeadObject", e)),
    }
}

/// Puts the file at `key` unless the key exists: true when this put made the object.
async fn put_file(
    ctx: &AwsContext,
    bucket: &str,
    key: &str,
    path: &Path,
    content_type: &str,
) -> Result<bool, DeployError> {
    let body = ByteStream::from_path(path)
        .await
        .map_err(|e| DeployError::Io {
            path: path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
    let put = ctx
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .if_none_match("*")
        .body(body)
        .send()
        .await;
    Ok(created(ctx, put)?)
}

/// A conditional PutObject's answer: true when it made the object; false when the key was
/// written by someone else meanwhile (412 PreconditionFailed, or 409 ConditionalRequestConflict
/// while another conditional write of it is under way: Amazon S3 User Guide, "How to prevent
/// object overwrites with conditional writes"), whose content the caller then checks.
fn created<T, E, R>(
    ctx: &AwsContext,
    put: Result<T, aws_sdk_s3::error::SdkError<E, R>>,
) -> Result<bool, AwsError>
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match put {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                aws_sdk_s3::error::ProvideErrorMetadata::code(&e),
                Some("PreconditionFailed" | "ConditionalRequestConflict")
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(ctx.fail("s3", "PutObject", e)),
    }
}

/// Reads `key` back and checks that its content's sha256 is `sha256`, the one its name says.
async fn verify(
    ctx: &AwsContext,
    bucket: &str,
    key: &str,
    sha256: &str,
) -> Result<(), DeployError> {
    use sha2::{Digest, Sha256};
    let object = ctx
        .s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| ctx.fail("s3", "GetObject", e))?;
    let bytes = object.body.collect().await.map_err(|e| DeployError::Io {
        path: format!("s3://{bucket}/{key}"),
        source: std::io::Error::other(e),
    })?;
    let found = hex::encode(Sha256::digest(bytes.into_bytes()));
    if found == sha256 {
        Ok(())
    } else {
        Err(DeployError::AssetMismatch {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_derived_from_content() {
        let sha = "ab".repeat(32);
        assert_eq!(asset_key(&sha), format!("assets/{sha}.zip"));
        assert_eq!(sha_of_key(&asset_key(&sha)), Some(sha.as_str()));
        assert_eq!(sha_of_key("templates/x.json"), None);
    }
}
