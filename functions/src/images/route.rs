//! `POST /inventory/{sku}/image`: a staff member asks to upload a new photo of a product.
//!
//! The answer is a presigned POST ([`super::upload`]) for `uploads/<sku>/<uploadId>`, bound to
//! the declared type and the environment's size limit. The product's photo is marked
//! `PROCESSING` under the new upload id first, so the newest request always wins: a form asked
//! for earlier and sent later is still accepted by S3, but its result is dropped by the image
//! function.

use super::keys;
use super::picture::PhotoType;
use super::upload::{self, PresignedPost, Signer, Upload};
use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, OrInternal, shown};
use crate::http::{ApiRequest, Reply};
use crate::product::valid_sku;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_types::SdkConfig;
use retail_spec::{IMAGE_MAX_UPLOAD_DEFAULT_MB, IMAGE_MAX_UPLOAD_VAR, UPLOADS};
use serde::{Deserialize, Serialize};

/// What the upload route needs besides the products table.
pub struct UploadRoute {
    bucket: String,
    max_bytes: u64,
    region: String,
    endpoint: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Asked {
    content_type: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    sku: String,
    upload_id: String,
    upload: PresignedPost,
}

impl UploadRoute {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        let default = IMAGE_MAX_UPLOAD_DEFAULT_MB * 1024 * 1024;
        Ok(UploadRoute {
            bucket: env.bucket(&UPLOADS)?,
            max_bytes: u64::from(env.number(IMAGE_MAX_UPLOAD_VAR, default)?),
            region: sdk.region().map(ToString::to_string).unwrap_or_default(),
            endpoint: sdk.endpoint_url().map(str::to_owned),
            credentials: sdk.credentials_provider(),
        })
    }

    /// Handles the request.
    pub async fn handle(
        &self,
        ddb: &aws_sdk_dynamodb::Client,
        products: &str,
        req: &ApiRequest,
    ) -> Result<Reply, ApiError> {
        let sku = req.path_param()?;
        if !valid_sku(sku) {
            return Err(ApiError::validation(format!(
                "{} is not a SKU (1 to 64 of A-Z a-z 0-9 - _).",
                shown(sku)
            )));
        }
        let asked: Asked = req.json()?;
        let Some(kind) = PhotoType::from_content_type(&asked.content_type) else {
            return Err(ApiError::validation(format!(
                "contentType must be one of {}, got {}.",
                PhotoType::ALL.map(PhotoType::content_type).join(", "),
                shown(&asked.content_type)
            )));
        };
        let upload_id = keys::new_upload_id();
        let now = clock::now();
        let stamp = clock::timestamp(now);
        let asked = (stamp.as_str(), now.unix_timestamp());
        if !crate::photo_upload::begin(ddb, products, sku, &upload_id, asked).await? {
            return Err(ApiError::not_found(format!("There is no product {sku}.")));
        }
        let credentials = self.credentials().await?;
        let key = keys::upload_key(sku, &upload_id);
        let post = upload::presign(
            &Upload {
                bucket: &self.bucket,
                key: &key,
                content_type: kind.content_type(),
                max_bytes: self.max_bytes,
            },
            &Signer {
                access_key_id: credentials.access_key_id(),
                secret_access_key: credentials.secret_access_key(),
                session_token: credentials.session_token(),
                region: &self.region,
            },
            upload::bucket_url(&self.bucket, &self.region, self.endpoint.as_deref()),
            now,
        );
        Reply::json(
            201,
            &Answer {
                sku: sku.to_owned(),
                upload_id,
                upload: post,
            },
        )
    }

    async fn credentials(&self) -> Result<aws_credential_types::Credentials, ApiError> {
        let provider = self.credentials.as_ref().ok_or_else(|| {
            ApiError::internal(
                "signing a photo upload",
                "the SDK has no credentials provider",
            )
        })?;
        provider
            .provide_credentials()
            .await
            .or_internal(|| "signing a photo upload".to_owned())
    }
}
