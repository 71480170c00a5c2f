//! Starting a photo upload: the one write that both `POST /inventory/{sku}/image` (the
//! images route) and the demo catalog's photo loader (`stackgen deploy` on a non-prod
//! environment) make before a JPEG goes to the uploads bucket.
//!
//! It changes a product item's photo attributes (`crate::photo`), so it sits above both the
//! product and its photo; neither of them needs it.

use crate::ddb;
use crate::error::ApiError;
use crate::photo::{PhotoStatus, attr};
use crate::product;
use aws_sdk_dynamodb::Client;

/// Marks `sku`'s photo as processing `upload_id`. `Ok(false)`: there is no such product.
pub async fn begin(
    ddb: &Client,
    table: &str,
    sku: &str,
    upload_id: &str,
    (now, now_epoch): (&str, i64),
) -> Result<bool, ApiError> {
    let sent = ddb
        .update_item()
        .table_name(table)
        .key(product::sku_attr(), ddb::s(sku))
        .update_expression(
            "SET #status = :processing, #upload = :upload, #requested = :epoch, #updated = :now REMOVE #reason",
        )
        .condition_expression("attribute_exists(#sku)")
        .expression_attribute_names("#sku", product::sku_attr())
        .expression_attribute_names("#status", attr::STATUS)
        .expression_attribute_names("#upload", attr::UPLOAD)
        .expression_attribute_names("#reason", attr::REASON)
        .expression_attribute_names("#updated", product::attr::UPDATED_AT)
        .expression_attribute_values(":processing", ddb::s(PhotoStatus::Processing.as_str()))
        .expression_attribute_values(":upload", ddb::s(upload_id))
        .expression_attribute_names("#requested", attr::REQUESTED_AT)
        .expression_attribute_values(":now", ddb::s(now))
        .expression_attribute_values(":epoch", ddb::n(now_epoch))
        .send()
        .await;
    match sent {
        Ok(_) => Ok(true),
        Err(e) if ddb::condition_failed(&e) => Ok(false),
        Err(e) => Err(ApiError::internal(
            &format!("starting a photo upload for {sku}"),
            aws_sdk_dynamodb::error::DisplayErrorContext(&e),
        )),
    }
}
