//! Wall-clock time in the formats the records use.
//!
//! Timestamps are RFC 3339 UTC with exactly three fractional digits, so that string order is
//! time order (the by-user index sorts on `createdAt`). TTL attributes are epoch seconds.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
const DAY: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Now.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `2026-11-01T09:30:00.123Z`.
pub fn timestamp(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    // The format has only numeric components, which always format.
    utc.format(TIMESTAMP)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

/// `2026-11-01`.
pub fn day(date: Date) -> String {
    date.format(DAY).unwrap_or_else(|_| date.to_string())
}

/// Parses `2026-11-01`.
pub fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text, DAY).ok()
}

/// Epoch seconds `seconds` from `at` (DynamoDB TTL values).
pub fn expires_in(at: OffsetDateTime, seconds: i64) -> i64 {
    at.unix_timestamp().saturating_add(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_sort_as_strings() {
        let a = timestamp(datetime!(2026-11-01 09:30:00.1 UTC));
        let b = timestamp(datetime!(2026-11-01 09:30:00.05 UTC));
        assert_eq!(a, "2026-11-01T09:30:00.100Z");
        assert!(b < a);
    }

    #[test]
    fn days_round_trip() {
        let d = parse_day("2026-02-28").unwrap_or_else(|| panic!("parse"));
        assert_eq!(day(d), "2026-02-28");
        assert!(parse_day("2026-02-30").is_none());
        assert!(parse_day("26-2-1").is_none());
    }
}
