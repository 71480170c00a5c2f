//! What the image function makes of one upload: a checked photo in the storefront's sizes.
//!
//! Everything a staff member's browser sends is distrusted. The bytes are sniffed, not the
//! name or the declared type: a file must *be* a JPEG, PNG or WebP and match the type it was
//! uploaded as. Its dimensions are read from the header and checked before a single pixel is
//! decoded, so a small file that inflates to gigabytes (a decompression bomb) is refused
//! without being inflated, and the decoder runs with an allocation limit besides. The outputs
//! are re-encoded from pixels, which drops every metadata segment of the upload (EXIF with its
//! GPS position, XMP, ICC profiles, comments); the EXIF orientation is applied first, so a
//! photo taken sideways is shown upright without it.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::fmt;
use std::io::Cursor;

/// The photo types staff may upload, by the `Content-Type` they upload them as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoType {
    Jpeg,
    Png,
    Webp,
}

impl PhotoType {
    /// Every accepted type.
    pub const ALL: [PhotoType; 3] = [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp];

    pub const fn content_type(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
            PhotoType::Webp => "image/webp",
        }
    }

    /// The type uploaded as `content_type` (parameters such as `; charset` are not accepted).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.content_type().eq_ignore_ascii_case(content_type.trim()))
    }

    fn format(self) -> ImageFormat {
        match self {
            PhotoType::Jpeg => ImageFormat::Jpeg,
            PhotoType::Png => ImageFormat::Png,
            PhotoType::Webp => ImageFormat::WebP,
        }
    }

    fn of_format(format: ImageFormat) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.format() == format)
    }
}

/// The sizes the storefront shows. Both are JPEGs that fit in a square of `max_side` pixels,
/// never enlarged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The catalog grid.
    Thumbnail,
    /// The product's own view.
    Detail,
}

impl Size {
    pub const ALL: [Size; 2] = [Size::Thumbnail, Size::Detail];

    pub const fn max_side(self) -> u32 {
        match self {
            Size::Thumbnail => 400,
            Size::Detail => 1200,
        }
    }

    /// The name used in keys and records (`thumbnail`, `detail`).
    pub const fn name(self) -> &'static str {
        match self {
            Size::Thumbnail => "thumbnail",
            Size::Detail => "detail",
        }
    }
}

/// JPEG quality of the outputs: photos of food at 400 and 1,200 pixels look clean at 82.
const JPEG_QUALITY: u8 = 82;

/// What an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoLimits {
    /// Largest upload in bytes (the presigned upload's limit, checked again here).
    pub max_bytes: u64,
    /// Longest side in pixels.
    pub max_side: u32,
    /// Most pixels (width × height).
    pub max_pixels: u64,
}

/// The limits staff photos are held to. A 12-megapixel phone photo (4,032 × 3,024) passes; a
/// 20,000 × 20,000 image does not. The decoder's own allocation limit stays at the image
/// crate's 512 MiB, above what the largest accepted photo needs (50 MP × 4 bytes = 200 MB).
pub const fn photo_limits(max_bytes: u64) -> PhotoLimits {
    PhotoLimits {
        max_bytes,
        max_side: 10_000,
        max_pixels: 50_000_000,
    }
}

/// Why an upload was refused: recorded on the product so staff see it in the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The declared type is not one staff may upload.
    TypeNotAllowed {
        declared: String,
    },
    /// The bytes are not a JPEG, PNG or WebP image.
    NotAnImage,
    /// The bytes are an image of another type than declared (a renamed file).
    TypeMismatch {
        declared: PhotoType,
        actual: &'static str,
    },
    TooLarge {
        bytes: u64,
        max: u64,
    },
    TooManyPixels {
        width: u32,
        height: u32,
        limits: PhotoLimits,
    },
    /// The file starts as an image but cannot be decoded.
    Unreadable {
        detail: String,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::TypeNotAllowed { declared } => write!(
                f,
                "uploaded as {declared:?}; photos must be JPEG, PNG or WebP"
            ),
            Rejection::NotAnImage => {
                write!(f, "the file is not a JPEG, PNG or WebP image")
            }
            Rejection::TypeMismatch { declared, actual } => write!(
                f,
                "uploaded as {} but the file is {actual}",
                declared.content_type()
            ),
            Rejection::TooLarge { bytes, max } => {
                write!(f, "the file has {bytes} bytes; at most {max} are accepted")
            }
            Rejection::TooManyPixels {
                width,
                height,
                limits,
            } => write!(
                f,
                "the image is {width} × {height} pixels; at most {} pixels a side and {} megapixels are accepted",
                limits.max_side,
                limits.max_pixels / 1_000_000
            ),
            Rejection::Unreadable { detail } => write!(f, "the image cannot be read: {detail}"),
        }
    }
}

/// One output size, encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    pub size: Size,
    pub width: u32,
    pub height: u32,
    /// A baseline JPEG without metadata.
    pub jpeg: Vec<u8>,
}

/// Checks an upload declared as `content_type` and makes every [`Size`] of it.
pub fn render(
    bytes: &[u8],
    content_type: &str,
    limits: &PhotoLimits,
) -> Result<Vec<Rendition>, Rejection> {
    let photo = decode(bytes, content_type, limits)?;
    let mut out = Vec::with_capacity(Size::ALL.len());
    // The detail image first, and the thumbnail from it: a third of the work of resizing the
    // original twice, with the same result at these ratios.
    let detail = fit(&photo, Size::Detail.max_side());
    let thumbnail = fit(&detail, Size::Thumbnail.max_side());
    for (size, img) in [(Size::Thumbnail, &thumbnail), (Size::Detail, &detail)] {
        out.push(Rendition {
            size,
            width: img.width(),
            height: img.height(),
            jpeg: encode(img)?,
        });
    }
    Ok(out)
}

/// The upload's pixels, upright and opaque, once every check has passed.
pub fn decode(
    bytes: &[u8],
    content_type: &str,
    limits: &PhotoLimits,
) -> Result<RgbImage, Rejection> {
    let declared =
        PhotoType::from_content_type(content_type).ok_or_else(|| Rejection::TypeNotAllowed {
            declared: content_type.to_owned(),
        })?;
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(Rejection::TooLarge {
            bytes: size,
            max: limits.max_bytes,
        });
    }
    let format = image::guess_format(bytes).map_err(|_| Rejection::NotAnImage)?;
    let actual = PhotoType::of_format(format).ok_or(Rejection::NotAnImage)?;
    if actual != declared {
        return Err(Rejection::TypeMismatch {
            declared,
            actual: actual.content_type(),
        });
    }
    let unreadable = |e: image::ImageError| Rejection::Unreadable {
        detail: e.to_string(),
    };
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if width.max(height) > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(Rejection::TooManyPixels {
            width,
            height,
            limits: *limits,
        });
    }
    let mut bounds = Limits::default();
    bounds.max_image_width = Some(limits.max_side);
    bounds.max_image_height = Some(limits.max_side);
    decoder.set_limits(bounds).map_err(unreadable)?;
    // A photo without EXIF, or with an unreadable one, is shown as stored.
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(opaque(img))
}

/// The image on a white background (a transparent PNG of a product shows as on a white page).
fn opaque(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(p.0[3]);
        for c in 0..3 {
            let blended = (u16::from(p.0[c]) * a + 255 * (255 - a)) / 255;
            o.0[c] = u8::try_from(blended).unwrap_or(u8::MAX);
        }
    }
    out
}

/// The image scaled to fit in `max_side` × `max_side`, or itself when it already fits.
fn fit(img: &RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let longest = w.max(h);
    if longest <= max_side {
        return img.clone();
    }
    let scale = |v: u32| {
        let scaled = u64::from(v) * u64::from(max_side) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).max(1)
    };
    image::imageops::resize(img, scale(w), scale(h), FilterType::CatmullRom)
}

fn encode(img: &RgbImage) -> Result<Vec<u8>, Rejection> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(img)
        .map_err(|e| Rejection::Unreadable {
            detail: format!("encoding failed: {e}"),
        })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixtures made by `scripts/make-photos.py` with cjpeg, cwebp and a PNG writer: 64 × 32,
    /// red on the left half, blue on the right (the PNG: a green square in a clear frame).
    const JPEG: &[u8] = include_bytes!("../../tests/fixtures/photos/photo.jpg");
    const PNG: &[u8] = include_bytes!("../../tests/fixtures/photos/photo.png");
    const WEBP: &[u8] = include_bytes!("../../tests/fixtures/photos/photo.webp");
    /// [`JPEG`] with an EXIF segment: Orientation 6 and a GPS latitude.
    const SIDEWAYS: &[u8] = include_bytes!("../../tests/fixtures/photos/sideways-with-gps.jpg");
    /// 20,000 × 20,000 one-bit pixels in 48 KB.
    const BOMB: &[u8] = include_bytes!("../../tests/fixtures/photos/bomb-20000x20000.png");

    fn limits() -> PhotoLimits {
        photo_limits(5 * 1024 * 1024)
    }

    fn decoded(r: &Rendition) -> RgbImage {
        image::load_from_memory_with_format(&r.jpeg, ImageFormat::Jpeg)
            .map(DynamicImage::into_rgb8)
            .unwrap_or_default()
    }

    #[test]
    fn each_accepted_type_becomes_two_jpegs_never_enlarged() {
        for (bytes, kind) in [
            (JPEG, "image/jpeg"),
            (PNG, "image/png"),
            (WEBP, "image/webp"),
        ] {
            let out = render(bytes, kind, &limits()).unwrap_or_default();
            assert_eq!(out.len(), 2, "{kind}");
            for r in &out {
                assert_eq!((r.width, r.height), (64, 32), "{kind}");
                assert!(r.jpeg.starts_with(&[0xFF, 0xD8]), "{kind}: a JPEG");
                assert_eq!(decoded(r).dimensions(), (64, 32), "{kind}");
            }
        }
    }

    #[test]
    fn a_large_photo_is_scaled_to_fit_each_size() {
        let big = RgbImage::from_fn(1600, 1200, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(big)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap_or_default();
        let out = render(&png, "image/png", &limits()).unwrap_or_default();
        let dims: Vec<_> = out.iter().map(|r| (r.size, r.width, r.height)).collect();
        assert_eq!(
            dims,
            vec![(Size::Thumbnail, 400, 300), (Size::Detail, 1200, 900)]
        );
    }

    #[test]
    fn exif_orientation_is_applied_then_every_metadata_segment_is_dropped() {
        assert!(SIDEWAYS.windows(4).any(|w| w == b"Exif"));
        let out = render(SIDEWAYS, "image/jpeg", &limits()).unwrap_or_default();
        let r = &out[0];
        // Orientation 6: turned 90° clockwise, the red left half is now on top.
        assert_eq!((r.width, r.height), (32, 64));
        let img = decoded(r);
        let top = img.get_pixel(16, 4).0;
        let bottom = img.get_pixel(16, 60).0;
        assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "bottom is blue: {bottom:?}"
        );
        for r in &out {
            assert!(!r.jpeg.windows(4).any(|w| w == b"Exif"), "no EXIF left");
            assert!(
                !r.jpeg.windows(2).any(|w| w == [0xFF, 0xE1]),
                "no APP1 segment"
            );
        }
    }

    #[test]
    fn transparency_becomes_white() {
        let out = render(PNG, "image/png", &limits()).unwrap_or_default();
        let img = decoded(&out[0]);
        let corner = img.get_pixel(1, 1).0;
        assert!(
            corner.iter().all(|c| *c > 240),
            "corner is white: {corner:?}"
        );
        let middle = img.get_pixel(32, 16).0;
        assert!(
            middle[1] > 120 && middle[0] < 80,
            "middle is green: {middle:?}"
        );
    }

    #[test]
    fn a_renamed_file_is_refused_for_what_it_really_is() {
        assert_eq!(
            render(PNG, "image/jpeg", &limits()),
            Err(Rejection::TypeMismatch {
                declared: PhotoType::Jpeg,
                actual: "image/png"
            })
        );
        assert_eq!(
            render(b"GIF89a\x01\x00\x01\x00", "image/png", &limits()),
            Err(Rejection::NotAnImage)
        );
        assert_eq!(
            render(b"%PDF-1.7 not a photo", "image/jpeg", &limits()),
            Err(Rejection::NotAnImage)
        );
        assert_eq!(
            render(JPEG, "image/gif", &limits()),
            Err(Rejection::TypeNotAllowed {
                declared: "image/gif".into()
            })
        );
    }

    #[test]
    fn a_bomb_is_refused_from_its_header_and_an_oversize_file_unread() {
        let refused = render(BOMB, "image/png", &limits());
        assert!(
            matches!(
                refused,
                Err(Rejection::TooManyPixels {
                    width: 20_000,
                    height: 20_000,
                    ..
                })
            ),
            "{refused:?}"
        );
        let small = photo_limits(600);
        assert_eq!(
            render(JPEG, "image/jpeg", &small),
            Err(Rejection::TooLarge {
                bytes: JPEG.len() as u64,
                max: 600
            })
        );
        let reason = Rejection::TooManyPixels {
            width: 20_000,
            height: 20_000,
            limits: limits(),
        }
        .to_string();
        assert!(
            reason.contains("20000 × 20000") && reason.contains("10000 pixels a side"),
            "{reason}"
        );
    }

    #[test]
    fn a_truncated_photo_is_unreadable_not_a_panic() {
        let cut = &JPEG[..JPEG.len() / 2];
        assert!(matches!(
            render(cut, "image/jpeg", &limits()),
            Err(Rejection::Unreadable { .. })
        ));
    }
}
