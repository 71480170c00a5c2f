//! YAML rendering of a template document, safe for CloudFormation's YAML 1.1 parser.
//!
//! General YAML 1.2 emitters (serde_norway included) write `OFF`, `yes`, `y`, `12:30` or
//! `2010-09-09` as plain scalars; a YAML 1.1 reader (CloudFormation's, cfn-lint's) turns those
//! into booleans, sexagesimal numbers and dates. This emitter writes a string plain only when it
//! is unambiguous under both versions and double-quotes (JSON escaping, valid YAML) otherwise.

use std::fmt::Write as _;

use serde_json::Value as Json;

/// Renders `doc` as block-style YAML (two-space indent, sequences indented under their key).
pub fn to_string(doc: &Json) -> String {
    let mut out = String::new();
    match doc {
        Json::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn is_block(v: &Json) -> bool {
    match v {
        Json::Object(m) => !m.is_empty(),
        Json::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn write_map(out: &mut String, m: &serde_json::Map<String, Json>, level: usize) {
    for (k, v) in m {
        indent(out, level);
        out.push_str(&string(k));
        out.push(':');
        write_value_after_key(out, v, level);
    }
}

fn write_value_after_key(out: &mut String, v: &Json, level: usize) {
    match v {
        Json::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, level + 2);
        }
        Json::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, level + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, a: &[Json], level: usize) {
    for item in a {
        indent(out, level);
        out.push('-');
        match item {
            Json::Object(m) if !m.is_empty() => {
                // First entry on the dash's line, the rest aligned under it.
                let mut first = true;
                for (k, v) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 2);
                    }
                    out.push_str(&string(k));
                    out.push(':');
                    write_value_after_key(out, v, level + 2);
                }
            }
            Json::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
        debug_assert!(!is_block(item) || out.ends_with('\n'));
    }
}

fn scalar(v: &Json) -> String {
    match v {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => string(s),
        Json::Object(_) => "{}".to_owned(),
        Json::Array(_) => "[]".to_owned(),
    }
}

/// Words YAML 1.1 or 1.2 read as booleans or null.
const RESERVED: &[&str] = &[
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
];

/// A string as a scalar: plain when unambiguous, otherwise double-quoted.
fn string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        let mut q = String::with_capacity(s.len() + 2);
        q.push('"');
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                '\n' => q.push_str("\\n"),
                '\t' => q.push_str("\\t"),
                '\r' => q.push_str("\\r"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    let _ = write!(q, "\\u{:04X}", c as u32);
                }
                c => q.push(c),
            }
        }
        q.push('"');
        q
    }
}

/// Plain only if it starts with a letter, `_` or `/`, uses a conservative character set (no
/// spaces, quotes, brackets, `#` or `,`) and is not a reserved word. Numbers, dates, times
/// and anything else that could be read as something other than a string are quoted.
fn is_plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if !s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '*' | '+' | '$')
    }) {
        return false;
    }
    if s.ends_with(':') || s.contains(": ") {
        return false;
    }
    !RESERVED.iter().any(|w| w.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "OFF",
            "on",
            "Yes",
            "y",
            "N",
            "true",
            "null",
            "~",
            "1e3",
            "12:30",
            "2010-09-09",
            "0777",
            ".5",
            "-",
            "",
            "a b",
            "#x",
            "${X}",
            "[a]",
            "x:",
        ] {
            assert!(string(s).starts_with('"'), "{s} must be quoted");
        }
        for s in [
            "Fn::Sub",
            "AWS::S3::Bucket",
            "arn:aws:s3:::x/*",
            "bootstrap",
            "provided.al2023",
            "s3:GetObject",
            "OFFICE",
            "ENABLED",
        ] {
            assert_eq!(string(s), s);
        }
        assert_eq!(string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
    }

    #[test]
    fn block_layout() {
        let doc = serde_json::json!({
            "A": "OFF",
            "B": {"C": [1, {"D": "x", "E": ["y1", []]}, ["z"]], "F": {}},
            "G": [],
            "H": true
        });
        assert_eq!(
            to_string(&doc),
            "A: \"OFF\"\nB:\n  C:\n    - 1\n    - D: x\n      E:\n        - y1\n        - []\n    -\n      - z\n  F: {}\nG: []\nH: true\n"
        );
    }

    #[test]
    fn round_trips_through_a_yaml_parser() {
        let doc = serde_json::json!({
            "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": {"Fn::Sub": "q-${AWS::Region}"},
                "Mode": "OFF", "Time": "12:30", "Text": "a: b # c\n\"d\"", "N": 3, "F": 1.5, "Empty": ""
            }}}
        });
        let back: Result<serde_json::Value, _> = serde_norway::from_str(&to_string(&doc));
        assert_eq!(back.ok(), Some(doc));
    }
}
