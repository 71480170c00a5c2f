//! A presigned POST: how a staff member's browser uploads a photo straight to S3.
//!
//! A presigned PUT URL cannot bound the size of what is sent; a POST policy can. S3 checks each
//! of the policy's conditions against the form the browser sends and refuses the upload when one
//! fails: the bucket, the exact key, the exact `Content-Type` and the `content-length-range`
//! (Amazon S3 API Reference, "Creating a POST policy",
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html>). The
//! policy, base64-encoded, is the string to sign with the function's own temporary credentials,
//! whose session token is both a form field and a condition ("Authenticating Requests:
//! Browser-Based Uploads Using POST (AWS Signature Version 4)",
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html>).

use base64::Engine;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::SystemTime;
use time::OffsetDateTime;
use time::macros::format_description;

/// How long a presigned upload stays valid: long enough to pick a file and send 5 MB on a slow
/// shop connection, short enough that a leaked form is soon useless.
pub const VALID_SECONDS: i64 = 10 * 60;

/// The credentials that sign: the function role's temporary credentials in Lambda.
pub struct Signer<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
}

/// What may be uploaded.
pub struct Upload<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub content_type: &'a str,
    pub max_bytes: u64,
}

/// The form a browser sends: `fields` first, then the file as the last field, named `file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresignedPost {
    pub url: String,
    pub fields: BTreeMap<String, String>,
    pub max_bytes: u64,
    pub expires_at: String,
}

/// Where the browser posts: the bucket's virtual-hosted endpoint in AWS, or `<endpoint>/<bucket>`
/// when the SDK is pointed at another endpoint (the local emulator).
pub fn bucket_url(bucket: &str, region: &str, endpoint: Option<&str>) -> String {
    match endpoint {
        Some(e) => format!("{}/{bucket}", e.trim_end_matches('/')),
        None => format!("{}/", retail_spec::bucket_origin(bucket, region)),
    }
}

/// Signs a POST policy for `upload`, valid from `now` for [`VALID_SECONDS`].
pub fn presign(
    upload: &Upload<'_>,
    signer: &Signer<'_>,
    url: String,
    now: OffsetDateTime,
) -> PresignedPost {
    let day = now
        .format(format_description!("[year][month][day]"))
        .unwrap_or_default();
    let stamp = now
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let expires = now + time::Duration::seconds(VALID_SECONDS);
    let expires_at = expires
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].000Z"
        ))
        .unwrap_or_default();
    let credential = format!(
        "{}/{day}/{}/s3/aws4_request",
        signer.access_key_id, signer.region
    );
    let mut fields = BTreeMap::from([
        ("key".to_owned(), upload.key.to_owned()),
        ("Content-Type".to_owned(), upload.content_type.to_owned()),
        ("x-amz-algorithm".to_owned(), "AWS4-HMAC-SHA256".to_owned()),
        ("x-amz-credential".to_owned(), credential),
        ("x-amz-date".to_owned(), stamp),
    ]);
    if let Some(token) = signer.session_token {
        fields.insert("x-amz-security-token".to_owned(), token.to_owned());
    }
    let mut conditions: Vec<Value> = vec![
        json!({"bucket": upload.bucket}),
        json!(["content-length-range", 1, upload.max_bytes]),
    ];
    conditions.extend(fields.iter().map(|(k, v)| json!({ k: v })));
    let policy = json!({"expiration": expires_at, "conditions": conditions});
    let encoded = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
    let signing_key = aws_sigv4::sign::v4::generate_signing_key(
        signer.secret_access_key,
        SystemTime::from(now),
        signer.region,
        "s3",
    );
    let signature = aws_sigv4::sign::v4::calculate_signature(signing_key, encoded.as_bytes());
    fields.insert("policy".to_owned(), encoded);
    fields.insert("x-amz-signature".to_owned(), signature);
    PresignedPost {
        url,
        fields,
        max_bytes: upload.max_bytes,
        expires_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(token: Option<&str>) -> PresignedPost {
        let now = OffsetDateTime::from_unix_timestamp(1_764_763_200)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        presign(
            &Upload {
                bucket: "grocer-dev-uploads",
                key: "uploads/APL-001/u1",
                content_type: "image/png",
                max_bytes: 5 * 1024 * 1024,
            },
            &Signer {
                access_key_id: "AKIAIOSFODNN7EXAMPLE",
                secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                session_token: token,
                region: "eu-west-1",
            },
            bucket_url("grocer-dev-uploads", "eu-west-1", None),
            now,
        )
    }

    fn policy(post: &PresignedPost) -> Value {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&post.fields["policy"])
            .unwrap_or_default();
        serde_json::from_slice(&raw).unwrap_or_default()
    }

    #[test]
    fn the_policy_pins_bucket_key_type_and_size_and_every_signed_field() {
        let post = signed(Some("session-token"));
        let p = policy(&post);
        let conditions = p["conditions"].as_array().cloned().unwrap_or_default();
        assert!(conditions.contains(&json!({"bucket": "grocer-dev-uploads"})));
        assert!(conditions.contains(&json!({"key": "uploads/APL-001/u1"})));
        assert!(conditions.contains(&json!({"Content-Type": "image/png"})));
        assert!(conditions.contains(&json!(["content-length-range", 1, 5_242_880])));
        assert!(conditions.contains(&json!({"x-amz-security-token": "session-token"})));
        // Every field the form sends but the policy and signature is a condition.
        for (k, v) in &post.fields {
            if k != "policy" && k != "x-amz-signature" {
                assert!(conditions.contains(&json!({ k: v })), "{k}");
            }
        }
        assert_eq!(p["expiration"], "2025-12-03T12:10:00.000Z");
        assert_eq!(
            post.fields["x-amz-credential"],
            "AKIAIOSFODNN7EXAMPLE/20251203/eu-west-1/s3/aws4_request"
        );
        assert_eq!(post.fields["x-amz-date"], "20251203T120000Z");
        assert_eq!(
            post.url,
            "https://grocer-dev-uploads.s3.eu-west-1.amazonaws.com/"
        );
    }

    #[test]
    fn the_signature_is_sigv4_of_the_encoded_policy() {
        let post = signed(None);
        assert!(!post.fields.contains_key("x-amz-security-token"));
        let sig = &post.fields["x-amz-signature"];
        assert_eq!(sig.len(), 64);
        // Recomputed the long way (HMAC chain of "AWS4"+secret, date, region, service,
        // "aws4_request", then the policy) from AWS's description of SigV4 POST signing.
        let mac = |key: &[u8], data: &[u8]| hmac_sha256(key, data);
        let k = mac(b"AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", b"20251203");
        let k = mac(&k, b"eu-west-1");
        let k = mac(&k, b"s3");
        let k = mac(&k, b"aws4_request");
        let want = hex::encode(mac(&k, post.fields["policy"].as_bytes()));
        assert_eq!(sig, &want);
    }

    /// HMAC-SHA256 as RFC 2104 defines it, written out so the test does not use the signer's
    /// own HMAC.
    fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(data)
            .finalize();
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .to_vec()
    }

    #[test]
    fn an_endpoint_override_posts_path_style() {
        assert_eq!(
            bucket_url("b", "eu-west-1", Some("http://127.0.0.1:5599/")),
            "http://127.0.0.1:5599/b"
        );
    }
}
