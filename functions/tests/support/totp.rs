//! Authenticator-app codes as an app computes them from the key Cognito hands out
//! (AssociateSoftwareToken's `SecretCode`, base32): TOTP, RFC 6238, with HMAC-SHA1, 30-second
//! steps and six digits, as Cognito's TOTP MFA uses
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html>).

use std::time::{SystemTime, UNIX_EPOCH};

const STEP: u64 = 30;

fn base32(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u32, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        let Some(index) = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase()) else {
            panic!("{c:?} is not base32");
        };
        value = (value << 5) | index as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
            value &= (1 << bits) - 1;
        }
    }
    out
}

/// The code for the 30-second step `counter`.
pub fn code_at(secret: &str, counter: u64) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &base32(secret));
    let mac = ring::hmac::sign(&key, &counter.to_be_bytes());
    let mac = mac.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    format!("{:06}", (word & 0x7fff_ffff) % 1_000_000)
}

/// The code of now, after waiting out the last seconds of a step, so that the server checks it
/// within the same step (moto accepts the current step only).
pub async fn code_now(secret: &str) -> String {
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    if now() % STEP >= STEP - 5 {
        tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    }
    code_at(secret, now() / STEP)
}

#[test]
fn rfc_6238_test_vectors() {
    // Appendix B, SHA1, key "12345678901234567890" (base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ),
    // the last six digits of the published eight.
    let key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(code_at(key, 59 / STEP), "287082");
    assert_eq!(code_at(key, 1_111_111_109 / STEP), "081804");
    assert_eq!(code_at(key, 1_234_567_890 / STEP), "005924");
}
