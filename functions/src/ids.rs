//! Identifiers: the ones we mint and the ones clients send.
//!
//! Ids we mint are prefixed random UUIDs (`ord-…`, `rep-…`) so a stray id in a log says what it
//! is. Ids clients send (user ids, idempotency keys) are checked for length and characters before
//! they reach a key expression or a log line.

/// A new order id.
pub fn new_order_id() -> String {
    format!("ord-{}", uuid::Uuid::new_v4())
}

/// A new report id.
pub fn new_report_id() -> String {
    format!("rep-{}", uuid::Uuid::new_v4())
}

/// A user id, order id or report id: 1–128 of `A-Z a-z 0-9 - _ . : @`.
pub fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_ids_are_valid_and_distinct() {
        let a = new_order_id();
        assert!(a.starts_with("ord-") && valid_id(&a));
        assert_ne!(a, new_order_id());
        assert!(valid_id(&new_report_id()));
    }

    #[test]
    fn client_ids_are_checked() {
        assert!(valid_id("u-123"));
        assert!(!valid_id(""));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(&"a".repeat(129)));
    }
}
