//! Reading a template from text: JSON, or YAML with CloudFormation's short-form tags.
//!
//! The old side of a diff comes from GetTemplate or from a file someone saved, and either may
//! be YAML written by hand with `!Ref`, `!GetAtt A.Arn` or `!Sub`. Those tags are turned into
//! the long form (`{"Ref": …}`, `{"Fn::GetAtt": ["A", "Arn"]}`) so that both sides of the diff
//! compare as the same JSON the rendered template is made of.

use std::path::Path;

use serde_json::{Map, Number, Value};
use serde_norway::Value as Yaml;

use super::error::DiffError;

/// Short-form tags CloudFormation accepts, written `!Name`, meaning `Fn::Name` (except `Ref`
/// and `Condition`, which keep their names).
const FUNCTIONS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
];

/// Parses a template. Text starting with `{` is JSON; anything else is YAML. `origin` names the
/// text in errors (a file path, "deployed stack retail-dev").
pub fn parse_template(text: &str, origin: &str) -> Result<Value, DiffError> {
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|source| DiffError::Json {
            origin: origin.to_owned(),
            source,
        })?
    } else {
        if let Some(line) = second_document(text) {
            return Err(DiffError::NotATemplate {
                origin: origin.to_owned(),
                detail: format!(
                    "it holds more than one YAML document (the second starts with the `---` at \
                     line {line}); keep the one template to compare and remove the rest."
                ),
            });
        }
        let yaml: Yaml = serde_norway::from_str(text).map_err(|source| DiffError::Yaml {
            origin: origin.to_owned(),
            source,
        })?;
        yaml_to_json(yaml, origin, &mut Vec::new())?
    };
    if !value.is_object() {
        return Err(DiffError::NotATemplate {
            origin: origin.to_owned(),
            detail: format!("the document is {}, not a mapping.", kind(&value)),
        });
    }
    // "The `Resources` section is a required top-level section in a CloudFormation template"
    // (CloudFormation User Guide, "CloudFormation template Resources syntax"): a mapping
    // without it (an environment file, a cost report, package.json) is not a template, and
    // diffing it would list its keys as template changes.
    let detail = match value.get("Resources") {
        Some(Value::Object(_)) => return Ok(value),
        Some(other) => format!(
            "its `Resources` is {}, not a mapping of logical ids to resources",
            kind(other)
        ),
        None => "it has no `Resources` (an environment file or a cost report?)".to_owned(),
    };
    Err(DiffError::NotATemplate {
        origin: origin.to_owned(),
        detail: format!(
            "{detail}; pass a template that `stackgen synth` wrote or `aws cloudformation \
             get-template` returned."
        ),
    })
}

/// The keys written twice in one object of a JSON text, as dotted paths (`Resources.Queue`).
/// CloudFormation accepts such a template and keeps the last value (so does the parse above),
/// which hides a copy-paste mistake in a saved template; cfn-lint reports it (E0000). Empty for
/// text that is not JSON.
pub fn duplicate_keys(text: &str) -> Vec<String> {
    use serde::de::DeserializeSeed;
    if !text.trim_start().starts_with('{') {
        return Vec::new();
    }
    let found = std::cell::RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    // A syntax error is parse_template's to report.
    let _ = Walk {
        path: String::new(),
        found: &found,
    }
    .deserialize(&mut de);
    found.into_inner()
}

/// A walk of a JSON value that notes repeated keys under their path.
struct Walk<'a> {
    path: String,
    found: &'a std::cell::RefCell<Vec<String>>,
}

impl Walk<'_> {
    fn under(&self, step: &str) -> Self {
        Walk {
            path: if self.path.is_empty() || step.starts_with('[') {
                format!("{}{step}", self.path)
            } else {
                format!("{}.{step}", self.path)
            },
            found: self.found,
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(self.under(&format!("[{i}]")))?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let inner = self.under(&key);
            if !seen.insert(key) {
                self.found.borrow_mut().push(inner.path.clone());
            }
            map.next_value_seed(inner)?;
        }
        Ok(())
    }
}

/// The line of a `---` that starts a second YAML document: one after content, or a second one
/// (a document may open with one). Comments and blank lines are not content.
fn second_document(text: &str) -> Option<usize> {
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        let marker = line == "---" || line.starts_with("--- ");
        if marker && content {
            return Some(i + 1);
        }
        content |= marker || !(line.trim().is_empty() || line.trim_start().starts_with('#'));
    }
    None
}

/// Larger than any template CloudFormation takes (1 MB from S3: "CloudFormation quotas",
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>),
/// with room for a pretty-printed copy of one.
const MAX_TEMPLATE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads and parses a template file. A pipe or a device is refused before it is opened
/// (opening a named pipe waits for a writer, for ever), and so is a file larger than any
/// template, which is read no further than the limit whatever it claims.
pub fn load_template(path: &Path) -> Result<Value, DiffError> {
    use std::io::Read;
    let read = |source| DiffError::Read {
        path: path.to_owned(),
        source,
    };
    let refuse = |why: String| DiffError::NotATemplateFile {
        path: path.to_owned(),
        why,
    };
    let meta = std::fs::metadata(path).map_err(read)?;
    if meta.is_dir() {
        return Err(refuse("it is a directory".to_owned()));
    }
    if !meta.is_file() {
        return Err(refuse(
            "it is not a regular file (a pipe, a socket or a device)".to_owned(),
        ));
    }
    let too_big = || {
        refuse(format!(
            "it is larger than {} MiB, and CloudFormation takes no template over 1 MB",
            MAX_TEMPLATE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TEMPLATE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(read)?;
    if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
        return Err(too_big());
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| read(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    parse_template(&text, &path.display().to_string())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn location(path: &[String]) -> String {
    if path.is_empty() {
        "the top level".to_owned()
    } else {
        path.join(".")
    }
}

fn yaml_to_json(yaml: Yaml, origin: &str, path: &mut Vec<String>) -> Result<Value, DiffError> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(format!("[{i}]"));
                out.push(yaml_to_json(item, origin, path)?);
                path.pop();
            }
            Value::Array(out)
        }
        Yaml::Mapping(mapping) => {
            let mut out = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    other => {
                        return Err(DiffError::NotATemplate {
                            origin: origin.to_owned(),
                            detail: format!(
                                "a mapping key at {} is {other:?}; keys must be plain strings.",
                                location(path)
                            ),
                        });
                    }
                };
                path.push(key.clone());
                let value = yaml_to_json(value, origin, path)?;
                path.pop();
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => tagged_to_json(*tagged, origin, path)?,
    })
}

/// A short-form intrinsic (`!Ref`, `!GetAtt`, `!Sub`, …) as its long JSON form; YAML's own
/// tags are dropped.
fn tagged_to_json(
    tagged: serde_norway::value::TaggedValue,
    origin: &str,
    path: &mut Vec<String>,
) -> Result<Value, DiffError> {
    let tag = tagged.tag.to_string();
    let name = tag.trim_start_matches('!');
    if name.starts_with("tag:yaml.org,2002:") {
        return yaml_to_json(tagged.value, origin, path);
    }
    let inner = yaml_to_json(tagged.value, origin, path)?;
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_owned(), inner),
        "GetAtt" => {
            let value = match inner {
                // `!GetAtt Resource.Attribute.Maybe.Dotted`: the resource id has no dots.
                Value::String(s) => match s.split_once('.') {
                    Some((resource, attribute)) => {
                        Value::Array(vec![Value::from(resource), Value::from(attribute)])
                    }
                    None => Value::String(s),
                },
                other => other,
            };
            ("Fn::GetAtt".to_owned(), value)
        }
        known if FUNCTIONS.contains(&known) => (format!("Fn::{known}"), inner),
        unknown => {
            return Err(DiffError::UnknownTag {
                origin: origin.to_owned(),
                tag: unknown.to_owned(),
                location: location(path),
            });
        }
    };
    let mut map = Map::new();
    map.insert(key, value);
    Ok(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_and_equivalent_yaml_parse_to_the_same_value() {
        let json_text = r#"{"Resources": {"T": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}}}}"#;
        let yaml_text =
            "Resources:\n  T:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 5\n";
        assert_eq!(
            parse_template(json_text, "a.json").expect("json"),
            parse_template(yaml_text, "a.yaml").expect("yaml")
        );
    }

    /// A key written twice in one object is found under its path; the same key in two
    /// objects is not; the template still parses, the last value kept as CloudFormation does.
    #[test]
    fn keys_written_twice_are_named_by_path() {
        let text = r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}, "T": {"Type": "T", "Properties": {"L": [{"A": 1, "A": 2}]}}, "Q": {"Type": "AWS::SNS::Topic"}}, "Outputs": {"Q": {}}}"#;
        assert_eq!(
            duplicate_keys(text),
            ["Resources.T.Properties.L[0].A", "Resources.Q"]
        );
        let value = parse_template(text, "saved.json").expect("parses");
        assert_eq!(value["Resources"]["Q"]["Type"], "AWS::SNS::Topic");
        assert!(duplicate_keys(r#"{"Resources": {"A": {}, "B": {"A": 1}}}"#).is_empty());
        assert!(
            duplicate_keys("Resources:\n  A: {}\n").is_empty(),
            "YAML is not read here"
        );
    }

    /// A file of two YAML documents names the line the second starts at; a single document
    /// opening with `---` is fine.
    #[test]
    fn a_second_yaml_document_is_named_at_its_line() {
        let two = "# saved\nResources:\n  A:\n    Type: T\n---\nResources: {}\n";
        let message = parse_template(two, "two.yaml")
            .expect_err("two documents")
            .to_string();
        assert!(message.contains("more than one YAML document"), "{message}");
        assert!(message.contains("line 5"), "{message}");
        let one = "---\n# a template\nResources:\n  A:\n    Type: T\n";
        assert!(parse_template(one, "one.yaml").is_ok());
    }

    #[test]
    fn short_form_tags_become_long_form_intrinsics() {
        let text = r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt FnRole.Arn
      Endpoint: !GetAtt Db.Endpoint.Address
      Listed: !GetAtt [FnRole, Arn]
      Name: !Sub "${AWS::StackName}-fn"
      Table: !Ref OrdersTable
      Zone: !Select [0, !GetAZs ""]
      Mode: !If [IsProd, big, small]
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Both: !And [!Condition IsProd, !Not [!Condition Other]]
"#;
        let value = parse_template(text, "t.yaml").expect("parses");
        let props = &value["Resources"]["Fn"]["Properties"];
        assert_eq!(props["Role"], json!({"Fn::GetAtt": ["FnRole", "Arn"]}));
        assert_eq!(
            props["Endpoint"],
            json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
        );
        assert_eq!(props["Listed"], json!({"Fn::GetAtt": ["FnRole", "Arn"]}));
        assert_eq!(props["Name"], json!({"Fn::Sub": "${AWS::StackName}-fn"}));
        assert_eq!(props["Table"], json!({"Ref": "OrdersTable"}));
        assert_eq!(
            props["Zone"],
            json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
        );
        assert_eq!(props["Mode"], json!({"Fn::If": ["IsProd", "big", "small"]}));
        assert_eq!(
            value["Conditions"]["IsProd"],
            json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]})
        );
        assert_eq!(
            value["Conditions"]["Both"],
            json!({"Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "Other"}]}]})
        );
    }

    #[test]
    fn unknown_tags_are_an_error_that_says_where() {
        let err = parse_template("Resources:\n  A:\n    Type: !Bogus x\n", "old.yaml")
            .expect_err("unknown tag");
        let message = err.to_string();
        assert!(message.contains("old.yaml"), "{message}");
        assert!(message.contains("!Bogus"), "{message}");
        assert!(message.contains("Resources.A.Type"), "{message}");
    }

    #[test]
    fn syntax_errors_name_the_origin() {
        let err = parse_template("{\"Resources\": ", "deployed stack x").expect_err("bad json");
        assert!(
            err.to_string()
                .starts_with("deployed stack x is not valid JSON")
        );
        let err = parse_template("Resources: [a\n", "f.yaml").expect_err("bad yaml");
        assert!(err.to_string().starts_with("f.yaml is not valid YAML"));
        let err = parse_template("- a\n- b\n", "list.yaml").expect_err("not a mapping");
        assert!(err.to_string().contains("is a list"), "{err}");
        // A mapping that is not a template: an environment file, a cost report.
        for (text, origin) in [
            ("name: dev\nregion: eu-west-1\n", "dev.yaml"),
            (
                "{\"schema\": \"stackgen.cost-report/1\", \"resources\": []}",
                "cost.json",
            ),
        ] {
            let err = parse_template(text, origin).expect_err("not a template");
            assert!(err.to_string().contains("has no `Resources`"), "{err}");
        }
        // `Resources` of the wrong shape is named as such.
        let err = parse_template("Resources: [a, b]\n", "list-resources.yaml").expect_err("list");
        assert!(
            err.to_string()
                .contains("its `Resources` is a list, not a mapping"),
            "{err}"
        );
    }

    #[test]
    fn numeric_and_boolean_keys_become_strings() {
        let value = parse_template(
            "Mappings:\n  M:\n    1: {a: true}\nResources: {}\n",
            "m.yaml",
        )
        .expect("ok");
        assert_eq!(value["Mappings"]["M"]["1"]["a"], json!(true));
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let err = load_template(Path::new("/nonexistent/old.json")).expect_err("missing");
        assert!(err.to_string().contains("/nonexistent/old.json"));
    }
}
