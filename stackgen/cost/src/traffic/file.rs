//! YAML traffic profiles (`--traffic usage.yaml`).
//!
//! The file has the shape of [`Traffic`] with unknown fields refused, so a typo such as
//! `avg_duraton_ms` is an error naming the file, line and field rather than a silently
//! ignored number. See `examples/traffic/weekend-sale.yaml`.

use std::path::Path;

use super::Traffic;
use crate::error::CostError;
use crate::money::Qty;

/// Lambda's maximum timeout: an average above it cannot be billed.
const MAX_DURATION_MS: u64 = 900_000;

/// The most of anything a profile may say in a month: a trillion (requests, messages, users,
/// GB). Over 380,000 requests a second all month is beyond any store this prices, and the
/// estimator's integer arithmetic holds every product of such numbers with room to spare.
pub const MAX_MONTHLY: u64 = 1_000_000_000_000;

pub(super) fn load(path: &Path) -> Result<Traffic, CostError> {
    let read = |source| CostError::TrafficRead {
        path: path.to_path_buf(),
        source,
    };
    let bytes = stackgen_env::read_bounded(path)
        .map_err(read)?
        .ok_or_else(|| {
            read(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "it is not a regular file, or it is over {} KiB; a traffic profile is a short \
                 YAML file",
                    stackgen_env::MAX_BYTES / 1024
                ),
            ))
        })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        read(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is not UTF-8 text; save it as UTF-8",
        ))
    })?;
    parse(path, &text)
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Traffic, CostError> {
    // Read as plain YAML first: a key written twice (`orders:` under `functions:` twice) is an
    // error there, where reading straight into the profile's maps would keep the last silently.
    let de = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, serde_norway::Value>(de)
        .map_err(|e| parse_error(path, text, &e))?;
    let de = serde_norway::Deserializer::from_str(text);
    let mut t: Traffic =
        serde_path_to_error::deserialize(de).map_err(|e| parse_error(path, text, &e))?;
    t.name = path.display().to_string();
    validate(path, &t)?;
    Ok(t)
}

/// The parser's error with the file, its position (once, in front) and the field's path.
fn parse_error(
    path: &Path,
    text: &str,
    e: &serde_path_to_error::Error<serde_norway::Error>,
) -> CostError {
    let inner = e.inner();
    let position = inner.location().map(|l| (l.line(), l.column()));
    let (field, position, message) = match repeated_key(&inner.to_string()) {
        // The parser points at the mapping that holds the repeat; point at the repeat.
        Some(key) => {
            let repeated = stackgen_env::FieldPath::from_serde(e.path()).key(&key);
            let at = stackgen_env::find_field(text, &repeated, 1).map(|p| (p.line, p.column));
            (
                repeated.to_string(),
                at.or(position),
                format!("`{key}` appears twice here; keep one of them"),
            )
        }
        None => (e.path().to_string(), position, parser_message(inner)),
    };
    CostError::TrafficParse {
        path: path.to_path_buf(),
        location: position
            .map(|(line, column)| format!("line {line} column {column}, "))
            .unwrap_or_default(),
        field: if field == "." {
            "(document)".into()
        } else {
            field
        },
        message,
    }
}

/// The key of serde_norway's "duplicate entry with key" error.
fn repeated_key(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("duplicate entry with key \"")?;
    rest.split_once('"').map(|(key, _)| key.to_owned())
}

/// The parser's sentence without the " at line L column C" it appends (the location is given
/// once, in front); a whole number past 64 bits (which it names as a u128 or i128) in words.
fn parser_message(inner: &serde_norway::Error) -> String {
    let msg = inner.to_string();
    let msg = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    if msg.contains(" as u128") || msg.contains(" as i128") {
        let number = msg
            .split_once("integer `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map_or("", |(n, _)| n);
        return format!(
            "`{number}` is out of range for every number of a traffic profile; give the month's \
             total, at most {MAX_MONTHLY} (a trillion)"
        );
    }
    msg
}

fn validate(path: &Path, t: &Traffic) -> Result<(), CostError> {
    let bad = |field: String, message: String| CostError::TrafficParse {
        path: path.to_path_buf(),
        location: String::new(),
        field,
        message,
    };
    if let Some((field, value)) = too_large(t) {
        return Err(bad(
            field,
            format!(
                "{value} is more than a month of this can be ({MAX_MONTHLY}, a trillion); give \
                 the month's total"
            ),
        ));
    }
    for (id, f) in &t.functions {
        if f.avg_duration_ms > Qty::units(MAX_DURATION_MS) {
            return Err(bad(
                format!("functions.{id}.avg_duration_ms"),
                format!(
                    "{} ms is longer than Lambda's 15-minute limit ({MAX_DURATION_MS} ms)",
                    f.avg_duration_ms.to_decimal_string()
                ),
            ));
        }
        if f.invocations > 0 && f.avg_duration_ms.is_zero() {
            return Err(bad(
                format!("functions.{id}.avg_duration_ms"),
                "is missing or zero for a function with invocations; give the average billed \
                 duration in milliseconds"
                    .into(),
            ));
        }
    }
    for (kind, keys) in [
        ("functions", t.functions.keys().collect::<Vec<_>>()),
        ("tables", t.tables.keys().collect()),
        ("buckets", t.buckets.keys().collect()),
        ("queues", t.queues.keys().collect()),
        ("topics", t.topics.keys().collect()),
    ] {
        if let Some(k) = keys.iter().find(|k| super::normalize(k).is_empty()) {
            return Err(bad(
                format!("{kind}.{k}"),
                "is not a usable resource key".into(),
            ));
        }
    }
    Ok(())
}

/// The first number of the profile (its dotted path and value) above [`MAX_MONTHLY`].
fn too_large(t: &Traffic) -> Option<(String, String)> {
    fn walk(path: &str, v: &serde_json::Value) -> Option<(String, String)> {
        match v {
            serde_json::Value::Number(n) if n.as_f64().is_some_and(|f| f > MAX_MONTHLY as f64) => {
                Some((path.to_owned(), n.to_string()))
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&at, v)
            }),
            _ => None,
        }
    }
    walk("", &serde_json::to_value(t).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_beyond_a_trillion_names_its_field() {
        for (text, field, why) in [
            (
                "api_requests: 100000000000000\n",
                "api_requests",
                "a trillion",
            ),
            (
                "tables: {Products: {reads: 5e12}}\n",
                "tables.Products.reads",
                "a trillion",
            ),
            (
                "queues: {jobs: {messages: 18446744073709551615}}\n",
                "queues.jobs.messages",
                "a trillion",
            ),
            // Beyond what a quantity holds at all: refused as it is read, not stored capped.
            (
                "cloudfront: {data_out_gb: 1e300}\n",
                "cloudfront.data_out_gb",
                "1e300 is too large",
            ),
        ] {
            let e = parse(Path::new("t.yaml"), text)
                .err()
                .unwrap_or_else(|| panic!("{text} was accepted"));
            let message = e.to_string();
            assert!(
                message.contains(field) && message.contains(why),
                "{message}"
            );
        }
        assert!(parse(Path::new("t.yaml"), "api_requests: 1000000000000\n").is_ok());
    }

    /// A function's numbers given twice are an error, not the last ones silently.
    #[test]
    fn a_key_written_twice_is_refused() {
        let text = "functions:\n  orders: {invocations: 10, avg_duration_ms: 50}\n  orders: {invocations: 99, avg_duration_ms: 50}\n";
        let message = parse(Path::new("t.yaml"), text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| panic!("accepted"));
        assert!(
            message.contains("t.yaml")
                && message.contains("line 3 column 3")
                && message.contains("functions.orders")
                && message.contains("appears twice"),
            "{message}"
        );
    }

    #[test]
    fn a_minimal_profile_parses_with_defaults() {
        let t = parse(Path::new("x.yaml"), "api_requests: 5\n").expect("parses");
        assert_eq!(t.api_requests, 5);
        assert_eq!(t.name, "x.yaml");
        assert_eq!(
            t.log_bytes_per_invocation,
            super::super::DEFAULT_LOG_BYTES_PER_INVOCATION
        );
    }
}
