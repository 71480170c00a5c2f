//! A product's photo as the products table records it.
//!
//! Three attributes describe where a photo stands: `image` is the photo the storefront shows
//! (its sizes' keys in the images bucket), `imageStatus` the state of the latest upload
//! (`PROCESSING`, `READY`, `REJECTED`) with `imageReason` when it was refused, and
//! `imageUpload` the id of that latest upload. A new upload changes only the status and the
//! upload id, so the old photo stays on show until the new one is ready; the image function
//! writes its result only while `imageUpload` still names its upload, so a slow old upload
//! never replaces a newer one.

use crate::ddb::{self, Item, ItemError};
use aws_sdk_dynamodb::types::AttributeValue;
use retail_spec::UPLOADS_PREFIX;
use serde::Serialize;

/// Attribute names of a product's photo.
pub mod attr {
    pub const IMAGE: &str = "image";
    pub const STATUS: &str = "imageStatus";
    pub const REASON: &str = "imageReason";
    pub const UPLOAD: &str = "imageUpload";
    /// When the latest upload was asked for (epoch seconds).
    pub const REQUESTED_AT: &str = "imageRequestedAt";
}

/// How long an upload may stay `PROCESSING` before the back office is told it failed: the
/// presigned form's 10 minutes, plus SQS's five deliveries of up to 3 minutes each, with room.
pub const STALE_AFTER_SECONDS: i64 = 30 * 60;

/// What the back office is told about an upload that never finished (the form was not sent, or
/// the image function failed on every delivery and the event is in the dead-letter queue).
pub const STALE_REASON: &str = "no photo arrived, or it could not be processed, within 30 minutes of the upload being asked for; upload it again";

/// Where the latest upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PhotoStatus {
    Processing,
    Ready,
    Rejected,
}

impl PhotoStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PhotoStatus::Processing => "PROCESSING",
            PhotoStatus::Ready => "READY",
            PhotoStatus::Rejected => "REJECTED",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [Self::Processing, Self::Ready, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// One stored size of a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The key in the images bucket; it starts with `retail_spec::IMAGES_PREFIX`, which is also
    /// the path the CDN serves it under.
    pub key: String,
    pub width: u32,
    pub height: u32,
}

/// The photo on show: one stored object per size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub thumbnail: Stored,
    pub detail: Stored,
}

/// One size as the API shows it: a URL on the storefront's own origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SizeView {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The photo as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoView {
    pub thumbnail: SizeView,
    pub detail: SizeView,
}

impl Stored {
    fn view(&self) -> SizeView {
        SizeView {
            url: format!("/{}", self.key),
            width: self.width,
            height: self.height,
        }
    }

    fn to_value(&self) -> AttributeValue {
        AttributeValue::M(Item::from([
            ("key".to_owned(), ddb::s(&self.key)),
            ("width".to_owned(), ddb::n(self.width)),
            ("height".to_owned(), ddb::n(self.height)),
        ]))
    }

    fn from_value(value: &AttributeValue, what: &str) -> Result<Self, ItemError> {
        let m = ddb::as_map(value, what)?;
        Ok(Stored {
            key: ddb::get_s(m, "key")?.to_owned(),
            width: ddb::get_n(m, "width")?,
            height: ddb::get_n(m, "height")?,
        })
    }
}

impl Photo {
    pub fn view(&self) -> PhotoView {
        PhotoView {
            thumbnail: self.thumbnail.view(),
            detail: self.detail.view(),
        }
    }

    /// Every stored key.
    pub fn keys(&self) -> [&str; 2] {
        [&self.thumbnail.key, &self.detail.key]
    }

    /// The `image` attribute's value.
    pub fn to_value(&self) -> AttributeValue {
        AttributeValue::M(Item::from([
            ("thumbnail".to_owned(), self.thumbnail.to_value()),
            ("detail".to_owned(), self.detail.to_value()),
        ]))
    }

    /// Reads an `image` attribute's value.
    pub fn from_value(value: &AttributeValue) -> Result<Self, ItemError> {
        let m = ddb::as_map(value, attr::IMAGE)?;
        let size = |name: &str| {
            m.get(name)
                .ok_or_else(|| ItemError::Missing(format!("{}.{name}", attr::IMAGE)))
                .and_then(|v| Stored::from_value(v, name))
        };
        Ok(Photo {
            thumbnail: size("thumbnail")?,
            detail: size("detail")?,
        })
    }
}

/// A product's photo attributes, as read from its item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoState {
    pub shown: Option<Photo>,
    pub status: Option<PhotoStatus>,
    pub reason: Option<String>,
    /// When the latest upload was asked for (epoch seconds).
    pub requested_at: Option<i64>,
}

impl PhotoState {
    pub fn from_item(item: &Item) -> Result<Self, ItemError> {
        let status = ddb::opt_s(item, attr::STATUS)?
            .map(|raw| {
                PhotoStatus::parse(raw).ok_or_else(|| ItemError::BadValue {
                    name: attr::STATUS.to_owned(),
                    value: raw.to_owned(),
                    expected: "photo status",
                })
            })
            .transpose()?;
        Ok(PhotoState {
            shown: item.get(attr::IMAGE).map(Photo::from_value).transpose()?,
            status,
            reason: ddb::opt_s(item, attr::REASON)?.map(str::to_owned),
            requested_at: ddb::opt_n(item, attr::REQUESTED_AT)?,
        })
    }

    /// The status and reason the back office sees at `now` (epoch seconds): as recorded, except
    /// that an upload still `PROCESSING` [`STALE_AFTER_SECONDS`] after it was asked for is
    /// reported `REJECTED` with [`STALE_REASON`].
    pub fn as_seen_at(&self, now: i64) -> (Option<PhotoStatus>, Option<&str>) {
        let stale = self.status == Some(PhotoStatus::Processing)
            && self
                .requested_at
                .is_some_and(|at| now - at > STALE_AFTER_SECONDS);
        if stale {
            (Some(PhotoStatus::Rejected), Some(STALE_REASON))
        } else {
            (self.status, self.reason.as_deref())
        }
    }

    /// Adds the attributes to a product item being written whole.
    pub fn write(&self, item: &mut Item) {
        if let Some(p) = &self.shown {
            item.insert(attr::IMAGE.to_owned(), p.to_value());
        }
        if let Some(s) = self.status {
            item.insert(attr::STATUS.to_owned(), ddb::s(s.as_str()));
        }
        if let Some(r) = &self.reason {
            item.insert(attr::REASON.to_owned(), ddb::s(r));
        }
        if let Some(at) = self.requested_at {
            item.insert(attr::REQUESTED_AT.to_owned(), ddb::n(at));
        }
    }
}

/// Where a photo of `sku` is uploaded in the uploads bucket: `uploads/<sku>/<uploadId>`.
pub fn upload_key(sku: &str, upload_id: &str) -> String {
    format!("{UPLOADS_PREFIX}{sku}/{upload_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> Photo {
        Photo {
            thumbnail: Stored {
                key: "images/APL-001/ab12-thumbnail.jpg".into(),
                width: 400,
                height: 300,
            },
            detail: Stored {
                key: "images/APL-001/cd34-detail.jpg".into(),
                width: 1200,
                height: 900,
            },
        }
    }

    #[test]
    fn a_photo_round_trips_and_is_shown_on_the_sites_own_origin() {
        let p = photo();
        assert_eq!(Photo::from_value(&p.to_value()), Ok(p.clone()));
        let v = serde_json::to_value(p.view()).unwrap_or_default();
        assert_eq!(v["thumbnail"]["url"], "/images/APL-001/ab12-thumbnail.jpg");
        assert_eq!(v["detail"]["width"], 1200);
    }

    #[test]
    fn an_upload_processing_for_half_an_hour_is_reported_failed() {
        let asked = 1_764_763_200;
        let state = PhotoState {
            status: Some(PhotoStatus::Processing),
            requested_at: Some(asked),
            ..PhotoState::default()
        };
        assert_eq!(
            state.as_seen_at(asked + STALE_AFTER_SECONDS),
            (Some(PhotoStatus::Processing), None)
        );
        assert_eq!(
            state.as_seen_at(asked + STALE_AFTER_SECONDS + 1),
            (Some(PhotoStatus::Rejected), Some(STALE_REASON))
        );
        let ready = PhotoState {
            status: Some(PhotoStatus::Ready),
            ..state
        };
        assert_eq!(
            ready.as_seen_at(asked + 86_400),
            (Some(PhotoStatus::Ready), None)
        );
    }

    #[test]
    fn state_reads_what_it_writes_and_refuses_an_unknown_status() {
        let state = PhotoState {
            shown: Some(photo()),
            status: Some(PhotoStatus::Rejected),
            reason: Some("not an image".into()),
            requested_at: Some(1_764_763_200),
        };
        let mut item = Item::new();
        state.write(&mut item);
        assert_eq!(PhotoState::from_item(&item), Ok(state));
        item.insert(attr::STATUS.into(), ddb::s("LOST"));
        assert!(PhotoState::from_item(&item).is_err());
        assert_eq!(
            PhotoState::from_item(&Item::new()),
            Ok(PhotoState::default())
        );
    }
}
