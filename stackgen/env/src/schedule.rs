//! Syntax of the kill switch's out-of-hours schedule.
//!
//! The schedule is an EventBridge expression, `cron(minutes hours day-of-month month day-of-week
//! year)` or `rate(value unit)`. AWS only rejects a bad one at deploy time, deep inside a change
//! set; checking it here turns that into an error on the right line of the environment file.

/// The longest schedule expression EventBridge Scheduler accepts.
const MAX_LENGTH: usize = 256;

const EXAMPLE: &str = "e.g. `cron(0 22 * * ? *)` (22:00 UTC every day) or `rate(12 hours)`";

/// Checks an EventBridge `cron(...)` or `rate(...)` expression; the error says what is wrong,
/// including a well-formed `cron` that would never fire (see [`never_fires`]).
pub fn check(expr: &str) -> Result<(), String> {
    let expr = expr.trim();
    // AWS::Scheduler::Schedule's ScheduleExpression: "maxLength": 256 (its resource schema).
    let length = expr.chars().count();
    if length > MAX_LENGTH {
        return Err(format!(
            "the expression is {length} characters long; EventBridge Scheduler takes at most \
             {MAX_LENGTH}, {EXAMPLE}"
        ));
    }
    if let Some(body) = expr.strip_prefix("cron(").and_then(|s| s.strip_suffix(')')) {
        check_cron(body)?;
        match never_fires(body) {
            Some(why) => Err(format!(
                "`cron({body})` is well formed but would never run: {why}. A schedule that names \
                 no day that exists never invokes its target, so the environment would never be \
                 shut down; {EXAMPLE}"
            )),
            None => Ok(()),
        }
    } else if let Some(body) = expr.strip_prefix("rate(").and_then(|s| s.strip_suffix(')')) {
        check_rate(body)
    } else {
        Err(format!(
            "`{expr}` is not a schedule expression; write `cron(minutes hours day-of-month month \
             day-of-week year)` or `rate(value unit)`, {EXAMPLE}"
        ))
    }
}

fn check_rate(body: &str) -> Result<(), String> {
    let parts: Vec<&str> = body.split_whitespace().collect();
    let [value, unit] = parts[..] else {
        return Err(format!(
            "`rate({body})` needs a value and a unit, {EXAMPLE}"
        ));
    };
    let n: u32 = value.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
        format!("`{value}` in `rate({body})` must be a whole number of at least 1")
    })?;
    let singular = ["minute", "hour", "day"];
    let plural = ["minutes", "hours", "days"];
    let ok = if n == 1 {
        singular.contains(&unit)
    } else {
        plural.contains(&unit)
    };
    if ok {
        Ok(())
    } else {
        let allowed = if n == 1 { singular } else { plural };
        Err(format!(
            "`{unit}` is not a unit for `rate({n} …)`; use {} (AWS wants the singular for 1 and \
             the plural otherwise)",
            allowed.join(", ")
        ))
    }
}

/// One cron field: its name, numeric range, names (months, weekdays) and special characters.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    question: bool,
    last_and_weekday: bool,
    nth: bool,
}

const FIELDS: [Field; 6] = [
    Field {
        name: "minutes",
        min: 0,
        max: 59,
        names: &[],
        question: false,
        last_and_weekday: false,
        nth: false,
    },
    Field {
        name: "hours",
        min: 0,
        max: 23,
        names: &[],
        question: false,
        last_and_weekday: false,
        nth: false,
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
        question: true,
        last_and_weekday: true,
        nth: false,
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        question: false,
        last_and_weekday: false,
        nth: false,
    },
    Field {
        name: "day-of-week",
        min: 1,
        max: 7,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        question: true,
        last_and_weekday: true,
        nth: true,
    },
    Field {
        name: "year",
        min: 1970,
        max: 2199,
        names: &[],
        question: false,
        last_and_weekday: false,
        nth: false,
    },
];

fn check_cron(body: &str) -> Result<(), String> {
    let parts: Vec<&str> = body.split_whitespace().collect();
    if parts.len() != FIELDS.len() {
        return Err(format!(
            "`cron({body})` has {} fields; EventBridge cron has 6 (minutes hours day-of-month \
             month day-of-week year), {EXAMPLE}",
            parts.len()
        ));
    }
    for (text, field) in parts.iter().zip(FIELDS.iter()) {
        check_field(text, field).map_err(|why| {
            format!(
                "`cron({body})`: {} field `{text}` {why}, {EXAMPLE}",
                field.name
            )
        })?;
    }
    let (dom, dow) = (parts[2], parts[4]);
    if (dom == "?") == (dow == "?") {
        return Err(format!(
            "`cron({body})`: exactly one of day-of-month (`{dom}`) and day-of-week (`{dow}`) \
             must be `?`, {EXAMPLE}"
        ));
    }
    Ok(())
}

fn check_field(text: &str, field: &Field) -> Result<(), String> {
    if text == "?" {
        return if field.question {
            Ok(())
        } else {
            Err("cannot be `?` (only day-of-month and day-of-week can)".to_string())
        };
    }
    for item in text.split(',') {
        check_item(item, field)?;
    }
    Ok(())
}

fn check_item(item: &str, field: &Field) -> Result<(), String> {
    if item.is_empty() {
        return Err("has an empty list item".to_string());
    }
    if field.last_and_weekday && field.nth && item.contains('#') {
        let (day, nth) = item.split_once('#').unwrap_or((item, ""));
        value(day, field)?;
        return match nth.parse::<u32>() {
            Ok(1..=5) => Ok(()),
            _ => Err(format!("has `#{nth}`; the week number after `#` is 1 to 5")),
        };
    }
    if field.last_and_weekday {
        if item == "L" || (item == "LW" && !field.nth) {
            return Ok(());
        }
        let suffix = if field.nth { 'L' } else { 'W' };
        if let Some(day) = item.strip_suffix(suffix) {
            return value(day, field).map(|_| ());
        }
    }
    let (range, step) = match item.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(s) if s >= 1 && s <= field.max => {}
            _ => {
                return Err(format!(
                    "has step `/{step}`; a step is a whole number from 1 to {}",
                    field.max
                ));
            }
        }
    }
    if range == "*" {
        return Ok(());
    }
    match range.split_once('-') {
        Some((a, b)) => {
            value(a, field)?;
            value(b, field)?;
            Ok(())
        }
        None => value(range, field).map(|_| ()),
    }
}

/// Why a well-formed cron expression never fires, if it does not: no month it names has the
/// day it names in any year it names (the 30th of February, the 31st of a 30-day month, the
/// 29th of February in years that are not leap years). Fields with `L`, `W` or `#` are taken to
/// fire: each names a day that every month has. Years already past are not judged: the check
/// is the same whatever the date, so a file that loads today loads next year too (and
/// `destroy` keeps working).
fn never_fires(body: &str) -> Option<String> {
    let parts: Vec<&str> = body.split_whitespace().collect();
    let [_, _, dom, month, _, years] = parts[..] else {
        return None;
    };
    let years = expand(years, &FIELDS[5])?;
    let first_day = *expand(dom, &FIELDS[2])?.first()?;
    let months = expand(month, &FIELDS[3])?;
    let fits = years
        .iter()
        .any(|y| months.iter().any(|m| first_day <= days_in_month(*y, *m)));
    if fits {
        return None;
    }
    let names: Vec<&str> = months
        .iter()
        .filter_map(|m| {
            FIELDS[3]
                .names
                .get(usize::try_from(*m).ok()?.checked_sub(1)?)
        })
        .copied()
        .collect();
    Some(format!(
        "no month it names ({}) has a day {first_day}",
        names.join(", ")
    ))
}

/// The values a field names, or `None` when it is `?` or uses `L`, `W` or `#` (or a range
/// that wraps around), whose days are not a plain set.
fn expand(text: &str, field: &Field) -> Option<std::collections::BTreeSet<u32>> {
    let mut set = std::collections::BTreeSet::new();
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s.parse::<usize>().ok()?)),
            None => (item, None),
        };
        let (low, high) = match range.split_once('-') {
            _ if range == "*" => (field.min, field.max),
            Some((a, b)) => (value(a, field).ok()?, value(b, field).ok()?),
            None => {
                let v = value(range, field).ok()?;
                (v, if step.is_some() { field.max } else { v })
            }
        };
        if low > high {
            return None;
        }
        set.extend((low..=high).step_by(step.unwrap_or(1).max(1)));
    }
    Some(set)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    if let Some(i) = field
        .names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(text))
    {
        return Ok(field.min + i as u32);
    }
    match text.parse::<u32>() {
        Ok(n) if (field.min..=field.max).contains(&n) => Ok(n),
        _ => {
            let names = if field.names.is_empty() {
                String::new()
            } else {
                format!(
                    " or {}-{}",
                    field.names[0],
                    field.names[field.names.len() - 1]
                )
            };
            Err(format!(
                "has `{text}`; allowed values are {}-{}{names}",
                field.min, field.max
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn refuses_a_schedule_that_never_runs() {
        for (never, why) in [
            (
                "cron(0 22 30 2 ? *)",
                "no month it names (FEB) has a day 30",
            ),
            (
                "cron(0 22 31 4,6,9,11 ? *)",
                "(APR, JUN, SEP, NOV) has a day 31",
            ),
            ("cron(0 22 31 APR-JUN/2 ? *)", "(APR, JUN) has a day 31"),
            ("cron(0 22 29 2 ? 2027)", "(FEB) has a day 29"),
        ] {
            let err = check(never).expect_err(never);
            assert!(
                err.contains(why) && err.contains("never run"),
                "{never}: {err}"
            );
        }
        for fires in [
            "cron(0 22 29 2 ? *)",
            "cron(0 22 29 2 ? 2028)",
            "cron(0 22 31 1-3 ? *)",
            "cron(0 22 L 2 ? *)",
            "cron(0 22 ? FEB 5#5 *)",
            "cron(0 22 * * ? 2020)",
            "cron(0 22 29 2 ? 2027-2028)",
        ] {
            assert_eq!(check(fires), Ok(()), "{fires}");
        }
    }

    #[test]
    fn accepts_aws_documented_expressions() {
        for ok in [
            "cron(0 22 * * ? *)",
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0 9 ? * 2#1 *)",
            "cron(0 0 L * ? *)",
            "cron(0 0 15W * ? *)",
            "cron(30 21 ? * 6L 2026)",
            "cron(0 22 ? * sun,sat *)",
            "rate(1 hour)",
            "rate(5 minutes)",
            "rate(7 days)",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_bad_expressions_saying_why() {
        let cases = [
            ("0 22 * * *", "not a schedule expression"),
            ("cron(0 22 * * *)", "has 5 fields"),
            ("cron(0 22 * * * *)", "exactly one of day-of-month"),
            ("cron(0 22 ? * ? *)", "exactly one of day-of-month"),
            ("cron(60 22 * * ? *)", "minutes field `60`"),
            ("cron(0 24 * * ? *)", "hours field `24`"),
            ("cron(0 22 * 13 ? *)", "month field `13`"),
            ("cron(0 22 ? * FUNDAY *)", "day-of-week field `FUNDAY`"),
            ("cron(0 22 ? * 2#6 *)", "week number"),
            ("cron(0/0 22 * * ? *)", "step"),
            ("cron(0 ? * * ? *)", "cannot be `?`"),
            ("cron(0 22 1,,2 * ? *)", "empty list item"),
            ("rate(1 hours)", "use minute, hour, day"),
            ("rate(2 hour)", "use minutes, hours, days"),
            ("rate(0 hours)", "at least 1"),
            ("rate(hours)", "needs a value and a unit"),
            ("at(2026-01-01T00:00:00)", "not a schedule expression"),
        ];
        for (bad, why) in cases {
            let err = check(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
        // Well formed, and longer than Scheduler takes: refused here, not deep in a change set.
        let long = format!("cron({}1 22 * * ? *)", "1,".repeat(200));
        let err = check(&long).expect_err("too long");
        assert!(err.contains("takes at most 256"), "{err}");
        let fits = format!("cron({}1 22 * * ? *)", "1,".repeat(30));
        assert_eq!(check(&fits), Ok(()));
    }
}
