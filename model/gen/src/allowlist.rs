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

    /// The vendored schema's file name: `SQS_Queue.json`.
    pub fn schema_file(&self) -> String {
        format!("{}_{}.json", self.service, self.resource)
    }
}

/// Reads the allowlist: one type a line, `#` comments, blank lines ignored; sorted, no repeats.
/// A `[typed]` line starts the types that get typed property structs, a `[facts]` line the
/// types known by their facts only (the default until a section line).
pub fn read_allowlist(path: &Path) -> Result<Vec<TypeName>, GenError> {
    let text = std::fs::read_to_string(path).map_err(|e| GenError::io(path, e))?;
    let mut types: Vec<TypeName> = Vec::new();
    let mut typed = false;
    for (number, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or_default().trim();
        match entry {
            "" => continue,
            "[typed]" => {
                typed = true;
                continue;
            }
            "[facts]" => {
                typed = false;
                continue;
            }
            _ => {}
        }
        let fail = |message: String| GenError::Allowlist {
            line: number + 1,
            message,
        };
        let mut t = TypeName::parse(entry).ok_or_else(|| {
            fail(format!(
                "`{entry}` is not a resource type (AWS::Service::Resource), nor a section \
                 ([typed] or [facts])"
            ))
        })?;
        t.typed = typed;
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
