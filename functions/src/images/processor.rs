//! The image function: turns each uploaded photo into the storefront's sizes, or records why not.
//!
//! Every step may run twice (SQS delivers at least once): the sizes' keys are content-addressed
//! and the JPEG encoding deterministic, so a second run writes the same objects; the product
//! is updated only while its `imageUpload` still names this upload; the upload is deleted last,
//! and an upload that is already gone was handled. A failure of S3 or DynamoDB is retried by
//! SQS; a file that is not an acceptable photo is not an error of the function: it is recorded
//! on the product as `REJECTED` with the reason, and the message is done.

use super::event::{self, Created};
use super::keys;
use super::picture::{self, PhotoLimits, Rejection, Rendition, Size};
use super::record;
use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, OrInternal};
use crate::photo::{Photo, Stored};
use crate::queue::{Batch, Failure};
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_s3::primitives::ByteStream;
use aws_types::SdkConfig;
use retail_spec::{
    IMAGE_MAX_UPLOAD_DEFAULT_MB, IMAGE_MAX_UPLOAD_VAR, IMAGES, IMAGES_FN, PRODUCTS, UPLOADS,
};

/// A year: the keys are content-addressed, so an object under a key never changes.
pub const IMAGE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The image app.
pub struct ImageProcessor {
    ddb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    uploads: String,
    images: String,
    products: String,
    limits: PhotoLimits,
}

impl ImageProcessor {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        let default = IMAGE_MAX_UPLOAD_DEFAULT_MB * 1024 * 1024;
        Ok(ImageProcessor {
            ddb: aws_sdk_dynamodb::Client::new(sdk),
            s3: crate::aws::s3_client(sdk),
            uploads: env.bucket(&UPLOADS)?,
            images: env.bucket(&IMAGES)?,
            products: env.table(&PRODUCTS)?,
            limits: picture::photo_limits(u64::from(env.number(IMAGE_MAX_UPLOAD_VAR, default)?)),
        })
    }

    /// Handles one SQS batch of S3 notifications.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut batch = Batch::start(&IMAGES_FN);
        for message in &event.records {
            batch.record(message, self.one(message).await);
        }
        batch.finish()
    }

    async fn one(&self, message: &SqsMessage) -> Result<(), Failure> {
        let created = event::created(message.body.as_deref().unwrap_or_default())
            .map_err(Failure::Malformed)?;
        for object in created {
            self.upload(&object)
                .await
                .map_err(|e| Failure::Transient(e.cause.unwrap_or(e.message)))?;
        }
        Ok(())
    }

    async fn upload(&self, object: &Created) -> Result<(), ApiError> {
        let Some((sku, upload_id)) =
            keys::parse_upload_key(&object.key).filter(|_| object.bucket == self.uploads)
        else {
            tracing::warn!(
                bucket = object.bucket,
                key = object.key,
                "not a photo upload; ignored"
            );
            return Ok(());
        };
        let Some((bytes, content_type)) = self.fetch(object).await? else {
            tracing::info!(key = object.key, "upload already handled");
            return Ok(());
        };
        let outcome = match bytes {
            Fetched::Bytes(bytes) => {
                let limits = self.limits;
                tokio::task::spawn_blocking(move || picture::render(&bytes, &content_type, &limits))
                    .await
                    .or_internal(|| format!("rendering {}", object.key))?
            }
            Fetched::TooLarge(bytes) => Err(Rejection::TooLarge {
                bytes,
                max: self.limits.max_bytes,
            }),
        };
        match outcome {
            Ok(renditions) => self.publish(sku, upload_id, &renditions).await?,
            Err(rejection) => {
                tracing::info!(sku, uploadId = upload_id, reason = %rejection, "photo refused");
                record::reject(&self.ddb, &self.products, sku, upload_id, &rejection).await?;
            }
        }
        self.s3
            .delete_object()
            .bucket(&self.uploads)
            .key(&object.key)
            .send()
            .await
            .or_internal(|| format!("deleting upload {}", object.key))?;
        Ok(())
    }

    /// The upload's bytes and declared type; `None` when it is gone (handled before). An
    /// upload over the limit is not read.
    async fn fetch(&self, object: &Created) -> Result<Option<(Fetched, String)>, ApiError> {
        let out = match self
            .s3
            .get_object()
            .bucket(&self.uploads)
            .key(&object.key)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(e).or_internal(|| format!("reading upload {}", object.key)),
        };
        let content_type = out.content_type().unwrap_or_default().to_owned();
        let length = out.content_length().and_then(|n| u64::try_from(n).ok());
        if let Some(n) = length.filter(|n| *n > self.limits.max_bytes) {
            return Ok(Some((Fetched::TooLarge(n), content_type)));
        }
        let bytes = out
            .body
            .collect()
            .await
            .or_internal(|| format!("reading upload {}", object.key))?
            .into_bytes()
            .to_vec();
        Ok(Some((Fetched::Bytes(bytes), content_type)))
    }

    /// Stores the sizes and shows them on the product, then removes the photo they replace.
    async fn publish(
        &self,
        sku: &str,
        upload_id: &str,
        renditions: &[Rendition],
    ) -> Result<(), ApiError> {
        let mut stored = Vec::new();
        for r in renditions {
            let key = keys::image_key(sku, r.size.name(), &r.jpeg);
            self.s3
                .put_object()
                .bucket(&self.images)
                .key(&key)
                .content_type("image/jpeg")
                .cache_control(IMAGE_CACHE_CONTROL)
                .body(ByteStream::from(r.jpeg.clone()))
                .send()
                .await
                .or_internal(|| format!("storing {key}"))?;
            stored.push((
                r.size,
                Stored {
                    key,
                    width: r.width,
                    height: r.height,
                },
            ));
        }
        let pick = |size: Size| {
            stored
                .iter()
                .find(|(s, _)| *s == size)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    ApiError::internal("publishing a photo", format!("no {} size", size.name()))
                })
        };
        let photo = Photo {
            thumbnail: pick(Size::Thumbnail)?,
            detail: pick(Size::Detail)?,
        };
        match record::ready(&self.ddb, &self.products, sku, upload_id, &photo).await? {
            record::Outcome::Shown { replaced } => {
                let old = replaced
                    .iter()
                    .flat_map(|p| p.keys())
                    .filter(|k| !photo.keys().contains(k));
                self.remove(old).await
            }
            record::Outcome::Superseded { shown } => {
                tracing::info!(
                    sku,
                    uploadId = upload_id,
                    "a newer upload replaced this one"
                );
                // The newer upload may be the same photo again, under the same keys.
                let unused = photo
                    .keys()
                    .into_iter()
                    .filter(|k| !shown.as_ref().is_some_and(|p| p.keys().contains(k)));
                self.remove(unused).await
            }
        }
    }

    async fn remove<'k>(&self, keys: impl Iterator<Item = &'k str>) -> Result<(), ApiError> {
        for key in keys {
            self.s3
                .delete_object()
                .bucket(&self.images)
                .key(key)
                .send()
                .await
                .or_internal(|| format!("deleting {key}"))?;
        }
        Ok(())
    }
}

enum Fetched {
    Bytes(Vec<u8>),
    TooLarge(u64),
}
