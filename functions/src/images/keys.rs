//! The object keys of photos: one spelling, shared by the upload route and the image function.

use crate::product::valid_sku;
use retail_spec::{IMAGES_PREFIX, UPLOADS_PREFIX};
use sha2::{Digest, Sha256};

/// A new upload id (`upl-<uuid>`).
pub fn new_upload_id() -> String {
    format!("upl-{}", uuid::Uuid::new_v4())
}

pub use crate::photo::upload_key;

/// The product and upload id of an upload key, if it is one this system made.
pub fn parse_upload_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix(UPLOADS_PREFIX)?;
    let (sku, id) = rest.split_once('/')?;
    (valid_sku(sku) && crate::ids::valid_id(id) && id.starts_with("upl-")).then_some((sku, id))
}

/// The content-addressed key of one size of a photo: `images/<sku>/<sha256[..16]>-<size>.jpg`.
/// The same bytes always get the same key, so a key's object never changes and the CDN may
/// cache it for a year.
pub fn image_key(sku: &str, size: &str, jpeg: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(jpeg));
    format!("{IMAGES_PREFIX}{sku}/{}-{size}.jpg", &digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_keys_round_trip_and_strangers_are_not_uploads() {
        let id = new_upload_id();
        let key = upload_key("APL-001", &id);
        assert_eq!(parse_upload_key(&key), Some(("APL-001", id.as_str())));
        assert_eq!(parse_upload_key("uploads/APL-001"), None);
        assert_eq!(parse_upload_key("uploads/a b/upl-1"), None);
        assert_eq!(parse_upload_key("reports/x/upl-1"), None);
        assert_eq!(parse_upload_key("uploads/APL-001/other"), None);
    }

    #[test]
    fn image_keys_are_content_addressed() {
        let a = image_key("APL-001", "thumbnail", b"one");
        assert!(a.starts_with("images/APL-001/") && a.ends_with("-thumbnail.jpg"));
        assert_eq!(a, image_key("APL-001", "thumbnail", b"one"));
        assert_ne!(a, image_key("APL-001", "thumbnail", b"two"));
    }
}
