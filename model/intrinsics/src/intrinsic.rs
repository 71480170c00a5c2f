//! Intrinsic functions in template JSON: the one reader for every part of stackgen that reads a
//! template as JSON rather than building it: `diff` (what a deployed template refers to), the
//! cost estimator (names built from pieces), the local runner's resolver (`stackgen dev`) and
//! the plan that maps functions to their resources.
//!
//! A template written by hand or by another tool may use either form CloudFormation accepts
//! (`{"Fn::GetAtt": ["Db", "Endpoint.Address"]}` or `"Db.Endpoint.Address"`), may nest functions
//! anywhere, and may be malformed: [`Intrinsic::parse`] says which function a value calls and
//! with what, or why its arguments are not what CloudFormation takes
//! (CloudFormation User Guide, "Intrinsic function reference",
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>).
//! [`references`] walks a whole value for the names it refers to. (The typed side, the model's
//! `Value`, knows its references by construction: `Value::references`.)

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use crate::sub::parse_sub;

/// One intrinsic function call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Intrinsic<'a> {
    /// `{"Ref": name}`: a resource, a parameter or a pseudo parameter (`AWS::Region`).
    Ref(&'a str),
    /// `{"Fn::GetAtt": [resource, attribute]}` or `"resource.attribute"` (the attribute may
    /// itself contain dots: `Endpoint.Address`).
    GetAtt {
        resource: &'a str,
        attribute: &'a str,
    },
    /// `{"Fn::Sub": text}` or `[text, {variable: value}]`.
    Sub {
        text: &'a str,
        variables: Option<&'a Map<String, Json>>,
    },
    /// `{"Fn::Join": [delimiter, items]}`; `items` is a list or a function returning one.
    Join { delimiter: &'a str, items: &'a Json },
    /// `{"Fn::If": [condition, then, otherwise]}`.
    If {
        condition: &'a str,
        then: &'a Json,
        otherwise: &'a Json,
    },
    /// Any other `Fn::*` (`Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::ImportValue`, …),
    /// with its argument as written.
    Other { name: &'a str, argument: &'a Json },
}

/// An intrinsic whose arguments are not what CloudFormation takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{function} takes {expected}, got {found}")]
pub struct IntrinsicError {
    pub function: &'static str,
    pub expected: &'static str,
    pub found: String,
}

fn bad(function: &'static str, expected: &'static str, found: &Json) -> IntrinsicError {
    IntrinsicError {
        function,
        expected,
        found: found.to_string(),
    }
}

impl<'a> Intrinsic<'a> {
    /// The function `value` calls: `Ok(None)` when it is no call (a literal, a list, an object
    /// with other keys), an error when it calls one with arguments CloudFormation refuses.
    pub fn parse(value: &'a Json) -> Result<Option<Intrinsic<'a>>, IntrinsicError> {
        let Some((name, arg)) = call(value) else {
            return Ok(None);
        };
        let parsed = match name {
            "Ref" => Intrinsic::Ref(arg.as_str().ok_or_else(|| bad("Ref", "a name", arg))?),
            "Fn::GetAtt" => get_att(arg)?,
            "Fn::Sub" => sub(arg)?,
            "Fn::Join" => match arg.as_array().map(Vec::as_slice) {
                Some([Json::String(delimiter), items]) => Intrinsic::Join { delimiter, items },
                _ => return Err(bad("Fn::Join", "[delimiter, list]", arg)),
            },
            "Fn::If" => match arg.as_array().map(Vec::as_slice) {
                Some([Json::String(condition), then, otherwise]) => Intrinsic::If {
                    condition,
                    then,
                    otherwise,
                },
                _ => return Err(bad("Fn::If", "[condition name, then, else]", arg)),
            },
            name => Intrinsic::Other {
                name,
                argument: arg,
            },
        };
        Ok(Some(parsed))
    }

    /// The resource or parameter a `Ref` or `Fn::GetAtt` points at (pseudo parameters
    /// included: the caller knows whether `AWS::Region` matters to it).
    pub fn target(&self) -> Option<&'a str> {
        match *self {
            Intrinsic::Ref(name) => Some(name),
            Intrinsic::GetAtt { resource, .. } => Some(resource),
            _ => None,
        }
    }
}

/// The function name and argument of a one-key object whose key is `Ref` or `Fn::*`.
fn call(value: &Json) -> Option<(&str, &Json)> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    let (key, arg) = map.iter().next()?;
    (key == "Ref" || key.starts_with("Fn::")).then_some((key.as_str(), arg))
}

fn get_att(arg: &Json) -> Result<Intrinsic<'_>, IntrinsicError> {
    const EXPECTED: &str = "[resource, attribute] or \"resource.attribute\"";
    let (resource, attribute) = match arg {
        Json::String(dotted) => dotted.split_once('.'),
        Json::Array(parts) => match parts.as_slice() {
            [Json::String(r), Json::String(a)] => Some((r.as_str(), a.as_str())),
            _ => None,
        },
        _ => None,
    }
    .filter(|(r, a)| !r.is_empty() && !a.is_empty())
    .ok_or_else(|| bad("Fn::GetAtt", EXPECTED, arg))?;
    Ok(Intrinsic::GetAtt {
        resource,
        attribute,
    })
}

fn sub(arg: &Json) -> Result<Intrinsic<'_>, IntrinsicError> {
    const EXPECTED: &str = "a string or [string, {variables}]";
    match arg {
        Json::String(text) => Ok(Intrinsic::Sub {
            text,
            variables: None,
        }),
        Json::Array(parts) => match parts.as_slice() {
            [Json::String(text)] => Ok(Intrinsic::Sub {
                text,
                variables: None,
            }),
            [Json::String(text), Json::Object(variables)] => Ok(Intrinsic::Sub {
                text,
                variables: Some(variables),
            }),
            _ => Err(bad("Fn::Sub", EXPECTED, arg)),
        },
        _ => Err(bad("Fn::Sub", EXPECTED, arg)),
    }
}

/// True when `value` is an intrinsic function call (`{"Ref": …}`, `{"Fn::Sub": …}`), whose
/// value CloudFormation computes on deploy.
pub fn is_intrinsic(value: &Json) -> bool {
    call(value).is_some()
}

/// The logical ids and parameter names `value` refers to, anywhere inside it: through `Ref`,
/// `Fn::GetAtt` and `Fn::Sub` placeholders (a `Fn::Sub` variable shadows the name it defines).
/// Pseudo parameters (`AWS::Region`) are left out. A malformed call counts what its argument
/// refers to.
pub fn references(value: &Json) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(value, &BTreeSet::new(), &mut out);
    out
}

fn add(name: &str, locals: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    if !name.is_empty() && !name.starts_with("AWS::") && !locals.contains(name) {
        out.insert(name.to_owned());
    }
}

fn collect(value: &Json, locals: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    match Intrinsic::parse(value) {
        Ok(Some(Intrinsic::Ref(name) | Intrinsic::GetAtt { resource: name, .. })) => {
            add(name, locals, out);
        }
        Ok(Some(Intrinsic::Sub { text, variables })) => {
            let mut inner = locals.clone();
            for (name, expr) in variables.into_iter().flatten() {
                collect(expr, locals, out);
                inner.insert(name.clone());
            }
            for part in parse_sub(text).parts {
                if let Some(name) = part.target() {
                    add(name, &inner, out);
                }
            }
        }
        Ok(Some(Intrinsic::Join { items, .. })) => collect(items, locals, out),
        Ok(Some(Intrinsic::If {
            then, otherwise, ..
        })) => {
            collect(then, locals, out);
            collect(otherwise, locals, out);
        }
        Ok(Some(Intrinsic::Other { argument, .. })) => collect(argument, locals, out),
        Ok(None) | Err(_) => match value {
            Json::Array(items) => items.iter().for_each(|v| collect(v, locals, out)),
            Json::Object(map) => map.values().for_each(|v| collect(v, locals, out)),
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn names(value: Json) -> Vec<String> {
        references(&value).into_iter().collect()
    }

    #[test]
    fn both_getatt_forms_and_every_function_parse() {
        let long = json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]});
        let short = json!({"Fn::GetAtt": "Db.Endpoint.Address"});
        let want = Intrinsic::GetAtt {
            resource: "Db",
            attribute: "Endpoint.Address",
        };
        assert_eq!(Intrinsic::parse(&long), Ok(Some(want)));
        assert_eq!(Intrinsic::parse(&short), Ok(Some(want)));
        assert_eq!(
            Intrinsic::parse(&json!({"Ref": "P"}))
                .ok()
                .flatten()
                .and_then(|i| i.target()),
            Some("P")
        );
        let join = json!({"Fn::Join": [",", ["a", "b"]]});
        assert!(matches!(
            Intrinsic::parse(&join),
            Ok(Some(Intrinsic::Join { delimiter: ",", .. }))
        ));
        let select = json!({"Fn::Select": [0, ["a"]]});
        assert!(matches!(
            Intrinsic::parse(&select),
            Ok(Some(Intrinsic::Other {
                name: "Fn::Select",
                ..
            }))
        ));
        for plain in [
            json!("text"),
            json!({"Ref": "A", "Other": 1}),
            json!({"Key": "V"}),
        ] {
            assert_eq!(Intrinsic::parse(&plain), Ok(None), "{plain}");
            assert!(!is_intrinsic(&plain));
        }
    }

    #[test]
    fn malformed_calls_say_what_the_function_takes() {
        for (value, function) in [
            (json!({"Ref": 3}), "Ref"),
            (json!({"Fn::GetAtt": "NoDot"}), "Fn::GetAtt"),
            (json!({"Fn::GetAtt": ["OnlyOne"]}), "Fn::GetAtt"),
            (json!({"Fn::Sub": {"a": 1}}), "Fn::Sub"),
            (json!({"Fn::Join": [",", "x", "y"]}), "Fn::Join"),
            (json!({"Fn::If": ["C", "x"]}), "Fn::If"),
        ] {
            let err = Intrinsic::parse(&value).expect_err("malformed");
            assert_eq!(err.function, function, "{value}");
            assert!(err.to_string().starts_with(&format!("{function} takes ")));
        }
    }

    #[test]
    fn finds_ref_getatt_and_sub_placeholders() {
        assert_eq!(names(json!({"Ref": "Table"})), ["Table"]);
        assert_eq!(names(json!({"Fn::GetAtt": ["Fn", "Arn"]})), ["Fn"]);
        assert_eq!(names(json!({"Fn::GetAtt": "Db.Endpoint.Address"})), ["Db"]);
        assert_eq!(
            names(json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Fn.Arn}"})),
            ["Bucket", "Fn"]
        );
    }

    #[test]
    fn sub_variables_shadow_and_their_values_count() {
        let value = json!({"Fn::Sub": ["${Name}-${Other}", {"Name": {"Ref": "Param"}}]});
        assert_eq!(names(value), ["Other", "Param"]);
    }

    #[test]
    fn nested_expressions_and_plain_values() {
        let value = json!({"Fn::If": ["C", {"Ref": "A"}, {"Fn::Join": ["", [{"Ref": "B"}, "x"]]}]});
        assert_eq!(names(value), ["A", "B"]);
        assert!(names(json!({"Ref": "AWS::Region"})).is_empty());
        assert_eq!(
            names(json!({"Key": [{"Fn::Select": [0, {"Ref": "List"}]}]})),
            ["List"]
        );
        assert_eq!(names(json!({"Fn::GetAtt": [{"Ref": "P"}]})), ["P"]);
    }
}
