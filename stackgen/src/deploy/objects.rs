//! Batched S3 object deletion, shared by `destroy` (emptying every version of a bucket) and the
//! site upload (removing files no longer in `ui/`), so both get the same batching and the same
//! refusal to pass over objects S3 says it could not delete.

use aws_sdk_s3::types::{Delete, ObjectIdentifier};

use crate::aws::{AwsContext, AwsError};

/// DeleteObjects accepts at most this many keys per request.
const BATCH: usize = 1000;

/// Deletes `(key, version)` pairs from `bucket` in batches of 1,000; returns how many were
/// deleted. Any object S3 reports as not deleted is an error naming the first one.
pub(crate) async fn delete_objects(
    ctx: &AwsContext,
    bucket: &str,
    ids: &[(String, Option<String>)],
) -> Result<usize, AwsError> {
    let build_error = |e: aws_sdk_s3::error::BuildError| AwsError::Other {
        service: "s3",
        operation: "DeleteObjects",
        detail: e.to_string(),
    };
    let mut deleted = 0;
    for batch in ids.chunks(BATCH) {
        let objects = batch
            .iter()
            .map(|(key, version)| {
                ObjectIdentifier::builder()
                    .key(key)
                    .set_version_id(version.clone())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(build_error)?;
        let delete = Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()
            .map_err(build_error)?;
        let out = ctx
            .s3
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| ctx.fail("s3", "DeleteObjects", e))?;
        if let Some(first) = out.errors().first() {
            return Err(AwsError::Other {
                service: "s3",
                operation: "DeleteObjects",
                detail: format!(
                    "{} object(s) of bucket {bucket} could not be deleted, first {}: {} {}",
                    out.errors().len(),
                    first.key().unwrap_or_default(),
                    first.code().unwrap_or_default(),
                    first.message().unwrap_or_default()
                ),
            });
        }
        deleted += batch.len();
    }
    Ok(deleted)
}
