//! How often a schedule fires in a month.
//!
//! Schedules (the out-of-hours kill switch, scheduled rules) cost per invocation and invoke
//! functions, so the estimator needs their monthly count from the expression alone:
//! `rate(5 minutes)`, `cron(0 22 * * ? *)`, `at(2026-12-01T00:00:00)`.

use super::money::Qty;

/// Invocations per average month (365/12 days), or `None` for an expression not understood.
pub fn invocations_per_month(expr: &str) -> Option<Qty> {
    let e = expr.trim();
    if let Some(body) = e.strip_prefix("rate(").and_then(|s| s.strip_suffix(')')) {
        let mut it = body.split_whitespace();
        let n: u128 = it.next()?.parse().ok()?;
        let unit = it.next()?;
        if n == 0 || it.next().is_some() {
            return None;
        }
        let minutes_per_month: u128 = 365 * 24 * 60; // ÷ 12 below
        let per = match unit.trim_end_matches('s') {
            "minute" => n,
            "hour" => n * 60,
            "day" => n * 60 * 24,
            _ => return None,
        };
        return Some(Qty::ratio(minutes_per_month, per * 12));
    }
    if e.starts_with("at(") && e.ends_with(')') {
        return Some(Qty::ZERO); // one-off; counted as nothing recurring
    }
    let body = e.strip_prefix("cron(")?.strip_suffix(')')?;
    let f: Vec<&str> = body.split_whitespace().collect();
    if f.len() != 6 {
        return None;
    }
    let minutes = count(f[0], 0, 59)?;
    let hours = count(f[1], 0, 23)?;
    let months = count_named(f[3], 1, 12, &MONTHS)?;
    // Days per average month: a day-of-month list, a day-of-week list (× 365/12/7), or every day.
    let days_num_den: (u128, u128) = match (f[2], f[4]) {
        ("?" | "*", "?" | "*") => (365, 12),
        (dom, "?" | "*") => (count(dom, 1, 31)?, 1),
        ("?" | "*", dow) => (count_named(dow, 1, 7, &DAYS)? * 365, 12 * 7),
        _ => return None,
    };
    let (dn, dd) = days_num_den;
    Some(Qty::ratio(minutes * hours * dn * months, dd * 12))
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn count_named(field: &str, lo: u128, hi: u128, names: &[&str]) -> Option<u128> {
    let mut s = field.to_uppercase();
    for (i, n) in names.iter().enumerate() {
        s = s.replace(n, &(lo + i as u128).to_string());
    }
    count(&s, lo, hi)
}

/// Values a cron field matches: `*`, `n`, `a-b`, `*/s`, `a/s`, `a-b/s`, comma lists;
/// `L`, `W` and `#` count as one value.
fn count(field: &str, lo: u128, hi: u128) -> Option<u128> {
    let mut total = 0;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u128>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (a, b) = if range == "*" || range == "?" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (a.parse().ok()?, b.parse().ok()?)
        } else if range.contains(['L', 'W', '#']) {
            (0, 0)
        } else {
            let a: u128 = range.parse().ok()?;
            (a, if part.contains('/') { hi } else { a })
        };
        if b < a {
            return None;
        }
        total += (b - a) / step + 1;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_crons_count_per_average_month() {
        assert_eq!(
            invocations_per_month("rate(1 day)"),
            Some(Qty::ratio(365, 12))
        );
        assert_eq!(
            invocations_per_month("rate(5 minutes)"),
            Some(Qty::units(8_760))
        );
        assert_eq!(
            invocations_per_month("cron(0 22 * * ? *)"),
            Some(Qty::ratio(365, 12))
        );
        assert_eq!(
            invocations_per_month("cron(0 22 ? * MON-FRI *)"),
            Some(Qty::ratio(5 * 365, 12 * 7))
        );
        assert_eq!(
            invocations_per_month("cron(0/15 * * * ? *)"),
            Some(Qty::ratio(4 * 24 * 365, 12))
        );
        assert_eq!(
            invocations_per_month("cron(0 8 1 * ? *)"),
            Some(Qty::units(1))
        );
        assert_eq!(invocations_per_month("sometimes"), None);
    }
}
