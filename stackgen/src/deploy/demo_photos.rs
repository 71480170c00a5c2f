//! The demo catalog's photos: uploaded after a non-prod deploy the way staff upload a photo.
//!
//! Each demo product that has no photo and no upload under way gets its photo
//! (`retail_functions::demo::PHOTOS`): the product is marked `PROCESSING` under a new upload id
//! (`retail_functions::photo_upload::begin`, what `POST /inventory/{sku}/image` does) and the JPEG is
//! put at that upload's key in the uploads bucket. S3 then notifies the image queue and the
//! image function makes the storefront's sizes, in AWS as under `stackgen dev`. A product
//! whose photo someone changed (or whose demo photo is on its way) is left alone, so deploying
//! again uploads nothing.

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use retail_functions::photo::{self, PhotoState};
use retail_functions::photo_upload;

/// Why the demo photos could not be uploaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoPhotoError {
    #[error("cannot read product {sku} from table `{table}`: {cause}")]
    Read {
        sku: &'static str,
        table: String,
        cause: String,
    },
    #[error("cannot mark product {sku} of table `{table}` for its demo photo: {cause}")]
    Mark {
        sku: &'static str,
        table: String,
        cause: String,
    },
    #[error("cannot upload the demo photo of {sku} to bucket `{bucket}`: {cause}")]
    Upload {
        sku: &'static str,
        bucket: String,
        cause: String,
    },
}

/// What an upload round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoPhotos {
    /// Photos sent to the uploads bucket.
    pub sent: usize,
    /// Demo products left alone: they have a photo, an upload under way, or do not exist.
    pub left: usize,
}

/// Uploads the photo of every demo product of `table` without one into `bucket`.
pub async fn upload(
    ddb: &aws_sdk_dynamodb::Client,
    s3: &aws_sdk_s3::Client,
    table: &str,
    bucket: &str,
    now: time::OffsetDateTime,
) -> Result<DemoPhotos, DemoPhotoError> {
    let stamp = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut done = DemoPhotos::default();
    for (sku, jpeg) in retail_functions::demo::PHOTOS {
        if !wants_photo(ddb, table, sku).await? {
            done.left += 1;
            continue;
        }
        let upload_id = format!("upl-{}", uuid::Uuid::new_v4());
        let marked =
            photo_upload::begin(ddb, table, sku, &upload_id, (&stamp, now.unix_timestamp()))
                .await
                .map_err(|e| DemoPhotoError::Mark {
                    sku,
                    table: table.to_owned(),
                    cause: e.cause.unwrap_or(e.message),
                })?;
        if !marked {
            done.left += 1;
            continue;
        }
        s3.put_object()
            .bucket(bucket)
            .key(photo::upload_key(sku, &upload_id))
            .content_type("image/jpeg")
            .body(ByteStream::from_static(jpeg))
            .send()
            .await
            .map_err(|e| DemoPhotoError::Upload {
                sku,
                bucket: bucket.to_owned(),
                cause: crate::aws::cause_chain(&e),
            })?;
        done.sent += 1;
    }
    Ok(done)
}

/// Whether `sku` exists with neither a photo nor an upload.
async fn wants_photo(
    ddb: &aws_sdk_dynamodb::Client,
    table: &str,
    sku: &'static str,
) -> Result<bool, DemoPhotoError> {
    let read_failed = |cause: String| DemoPhotoError::Read {
        sku,
        table: table.to_owned(),
        cause,
    };
    let out = ddb
        .get_item()
        .table_name(table)
        .key(
            retail_functions::product::sku_attr(),
            AttributeValue::S(sku.to_owned()),
        )
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| read_failed(crate::aws::cause_chain(&e)))?;
    let Some(item) = out.item() else {
        return Ok(false);
    };
    let state = PhotoState::from_item(item).map_err(|e| read_failed(e.to_string()))?;
    Ok(state.shown.is_none() && state.status.is_none())
}
