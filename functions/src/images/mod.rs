//! Product photos: the staff upload (a presigned POST to the uploads bucket) and the image
//! function that checks each upload and writes the storefront's sizes to the images bucket.
//!
//! The flow: `POST /inventory/{sku}/image` marks the product's photo `PROCESSING` under a new
//! upload id and returns a presigned POST for `uploads/<sku>/<uploadId>` ([`upload`]); the
//! browser posts the file to S3; S3 notifies the image-uploads queue ([`event`]); the image
//! function ([`processor`]) decodes and checks the upload ([`picture`]), writes the sizes under
//! content-addressed keys and records them on the product (`crate::photo`), or records why it
//! refused the file, and deletes the upload.

pub mod event;
pub mod keys;
pub mod picture;
pub mod processor;
pub mod record;
pub mod route;
pub mod upload;
