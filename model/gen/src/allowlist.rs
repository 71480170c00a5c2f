//! The allowlist (`model/allowlist.txt`): which resource types the model covers.

use std::path::Path;

use crate::GenError;

/// An allowlisted type, `AWS::<Service>::<Resource>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeName {
    pub full: String,
    pub service: String,
    pub resource: String,
    /// Listed under `[typed]`: the generator also writes its typed property structs.
    pub typed: bool,
}

impl TypeName {
    /// Parses `AWS::Service::Resource` (letters and digits only in each part).
    pub fn parse(text: &str) -> Option<TypeName> {
        let mut parts = text.split("::");
        let (Some("AWS"), Some(service), Some(resource), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let ok = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.chars().all(|c| c.is_ascii_alphanumeric())
        };
        (ok(service) && ok(resource)).then(|| TypeName {
            full: text.to_owned(),
            service: service.to_owned(),
            resource: resource.to_owned(),
            typed: false,
        })
    }

    /// The Rust module of its service, in both generated trees: `ApiGatewayV2` → `apigatewayv2`.
    pub fn module(&self) -> String {
        self.service.to_ascii_lowercase()
    }

    /// The vendored schema's file name: `SQS_Queue.json`.
    pub fn schema_file(&self) -> String {
        format!("{}_{}.json", self.service, self.resource)
    }
}

/// The section of the allowlist a line is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `[typed]`: types with typed property structs.
    Typed,
    /// `[facts]` (and the lines before any section): types known by their facts only.
    Facts,
    /// `[references]`: properties that take another resource's attribute.
    References,
}

/// One meaningful line of the allowlist: its section, its 1-based number, its text without
/// the comment.
pub struct Line<'a> {
    pub section: Section,
    pub number: usize,
    pub text: &'a str,
}

/// The allowlist's entries, with their section; comments, blank lines and section lines dropped.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut section = Section::Facts;
    text.lines().enumerate().filter_map(move |(i, line)| {
        let entry = line.split('#').next().unwrap_or_default().trim();
        let next = match entry {
            "" => return None,
            "[typed]" => Section::Typed,
            "[facts]" => Section::Facts,
            "[references]" => Section::References,
            _ => {
                return Some(Line {
                    section,
                    number: i + 1,
                    text: entry,
                });
            }
        };
        section = next;
        None
    })
}

/// Reads the allowlist's types: one type a line, `#` comments, blank lines ignored; sorted, no
/// repeats. A `[typed]` line starts the types that get typed property structs, a `[facts]` line
/// the types known by their facts only (the default until a section line); the `[references]`
/// section is read by [`crate::reference::read_references`].
pub fn read_allowlist(path: &Path) -> Result<Vec<TypeName>, GenError> {
    let text = std::fs::read_to_string(path).map_err(|e| GenError::io(path, e))?;
    let mut types: Vec<TypeName> = Vec::new();
    for line in lines(&text).filter(|l| l.section != Section::References) {
        let fail = |message: String| GenError::Allowlist {
            line: line.number,
            message,
        };
        let entry = line.text;
        let mut t = TypeName::parse(entry).ok_or_else(|| {
            fail(format!(
                "`{entry}` is not a resource type (AWS::Service::Resource), nor a section \
                 ([typed], [facts] or [references])"
            ))
        })?;
        t.typed = line.section == Section::Typed;
        if types.iter().any(|u| u.full == t.full) {
            return Err(fail(format!("{entry} is listed twice")));
        }
        types.push(t);
    }
    types.sort();
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_parse_strictly() {
        let t = TypeName::parse("AWS::SQS::Queue").expect("a type");
        assert_eq!((t.service.as_str(), t.resource.as_str()), ("SQS", "Queue"));
        assert_eq!(t.schema_file(), "SQS_Queue.json");
        for bad in [
            "SQS::Queue",
            "AWS::SQS",
            "AWS::SQS::Queue::X",
            "Custom::X::Y",
            "AWS::sqs::Q",
        ] {
            assert!(TypeName::parse(bad).is_none(), "{bad}");
        }
    }
}
