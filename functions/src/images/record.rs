//! The product's photo attributes, changed by the upload route and the image function.
//!
//! Each write is one conditional `UpdateItem` (see `crate::photo` for the attributes): a new
//! upload (`crate::photo_upload::begin`) needs the product to exist; a result ([`ready`],
//! [`reject`]) needs `imageUpload` to still name its upload.

use super::picture::Rejection;
use crate::ddb::{self, Item};
use crate::error::ApiError;
use crate::photo::{Photo, PhotoState, PhotoStatus, attr};
use crate::product;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

/// What became of a finished upload.
#[derive(Debug)]
pub enum Outcome {
    /// The product shows it now; `replaced` is the photo it showed before.
    Shown { replaced: Option<Photo> },
    /// A newer upload (or a deleted product) took its place; `shown` is what the product
    /// shows now.
    Superseded { shown: Option<Photo> },
}

fn key(sku: &str) -> Item {
    Item::from([(product::sku_attr().to_owned(), ddb::s(sku))])
}

/// Shows `photo` on `sku` if `upload_id` is still its latest upload.
pub async fn ready(
    ddb: &Client,
    table: &str,
    sku: &str,
    upload_id: &str,
    photo: &Photo,
) -> Result<Outcome, ApiError> {
    let sent = ddb
        .update_item()
        .table_name(table)
        .set_key(Some(key(sku)))
        .update_expression("SET #image = :image, #status = :ready REMOVE #reason")
        .condition_expression("#upload = :upload")
        .expression_attribute_names("#image", attr::IMAGE)
        .expression_attribute_names("#status", attr::STATUS)
        .expression_attribute_names("#reason", attr::REASON)
        .expression_attribute_names("#upload", attr::UPLOAD)
        .expression_attribute_values(":image", photo.to_value())
        .expression_attribute_values(":ready", ddb::s(PhotoStatus::Ready.as_str()))
        .expression_attribute_values(":upload", ddb::s(upload_id))
        .return_values(ReturnValue::UpdatedOld)
        .send()
        .await;
    match sent {
        Ok(out) => {
            let replaced = out
                .attributes()
                .and_then(|old| old.get(attr::IMAGE))
                .map(Photo::from_value)
                .transpose()
                .map_err(|e| ApiError::internal(&format!("reading {sku}'s old photo"), e))?;
            Ok(Outcome::Shown { replaced })
        }
        Err(e) if ddb::condition_failed(&e) => Ok(Outcome::Superseded {
            shown: shown(ddb, table, sku).await?,
        }),
        Err(e) => Err(ApiError::internal(
            &format!("showing {sku}'s new photo"),
            aws_sdk_dynamodb::error::DisplayErrorContext(&e),
        )),
    }
}

/// Records why `upload_id` was refused, if it is still `sku`'s latest upload.
pub async fn reject(
    ddb: &Client,
    table: &str,
    sku: &str,
    upload_id: &str,
    why: &Rejection,
) -> Result<(), ApiError> {
    let sent = ddb
        .update_item()
        .table_name(table)
        .set_key(Some(key(sku)))
        .update_expression("SET #status = :rejected, #reason = :reason")
        .condition_expression("#upload = :upload")
        .expression_attribute_names("#status", attr::STATUS)
        .expression_attribute_names("#reason", attr::REASON)
        .expression_attribute_names("#upload", attr::UPLOAD)
        .expression_attribute_values(":rejected", ddb::s(PhotoStatus::Rejected.as_str()))
        .expression_attribute_values(":reason", AttributeValue::S(why.to_string()))
        .expression_attribute_values(":upload", ddb::s(upload_id))
        .send()
        .await;
    match sent {
        Ok(_) => Ok(()),
        Err(e) if ddb::condition_failed(&e) => Ok(()),
        Err(e) => Err(ApiError::internal(
            &format!("recording why {sku}'s photo was refused"),
            aws_sdk_dynamodb::error::DisplayErrorContext(&e),
        )),
    }
}

async fn shown(ddb: &Client, table: &str, sku: &str) -> Result<Option<Photo>, ApiError> {
    let out = ddb
        .get_item()
        .table_name(table)
        .set_key(Some(key(sku)))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| {
            ApiError::internal(
                &format!("reading {sku}'s photo"),
                aws_sdk_dynamodb::error::DisplayErrorContext(&e),
            )
        })?;
    match out.item() {
        None => Ok(None),
        Some(item) => PhotoState::from_item(item)
            .map(|s| s.shown)
            .map_err(|e| ApiError::internal(&format!("reading {sku}'s photo"), e)),
    }
}
