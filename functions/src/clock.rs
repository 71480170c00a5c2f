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

/// The first day a date may name: the records' epoch-second attributes start there, and no
/// date arithmetic from a later day leaves the type's range.
pub const FIRST_DAY: Date = time::macros::date!(1970 - 01 - 01);

/// Parses `2026-11-01`: four digits of year, [`FIRST_DAY`] or later. `time` also reads a
/// signed or zero year (`-9999-01-01`, `+9999-12-31`, `0000-01-01`), which no record holds and
/// whose arithmetic overflows the type's range.
pub fn parse_day(text: &str) -> Option<Date> {
    let plain = text.len() == 10 && text.starts_with(|c: char| c.is_ascii_digit());
    let date = Date::parse(text, DAY).ok().filter(|_| plain)?;
    (date >= FIRST_DAY).then_some(date)
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
        for far in ["-9999-01-01", "+9999-12-31", "0000-01-01", "1969-12-31"] {
            assert!(parse_day(far).is_none(), "{far}");
        }
        assert!(parse_day("9999-12-31").is_some());
    }
}
