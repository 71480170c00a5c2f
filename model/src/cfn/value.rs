//! Property values: a literal, or a CloudFormation intrinsic function.
//!
//! References to resources and parameters can only be made from the handles a template's
//! [`Draft`] hands out ([`LogicalId`] has no public constructor), so a template built through this
//! module cannot name something it does not declare. String building (`Fn::Sub`) is typed too: a
//! [`Value::concat`] of literal text and references renders as the smallest intrinsic that
//! expresses it (a plain string, a single `Ref`/`GetAtt`, or an `Fn::Sub`).
//!
//! [`Draft`]: super::Draft

use std::fmt;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// The logical id of something a template declares (resource, parameter or condition).
///
/// Only a template creates these, for what it declares (and, in an [`Import`](super::Import), for
/// the producing stack's output). Neither `Send` nor `Sync`, and neither is anything that holds
/// one: a handle, every `Value` (a literal one too: the type cannot tell), a policy, a resource, a
/// template. That is what keeps them inside the builder of their own template
/// ([`Draft`](super::Draft) says how).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogicalId(String, InItsTemplate);

/// What makes a [`LogicalId`] neither `Send` nor `Sync`; in a compile error it reads "`*const ()`
/// cannot be sent between threads safely … required because it appears within the type
/// `InItsTemplate`": a handle or a value that refers to a resource was passed into or out of a
/// template's builder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct InItsTemplate(std::marker::PhantomData<*const ()>);

impl LogicalId {
    /// Builds an id from a human name: `report-builder` + `Function` → `ReportBuilderFunction`.
    pub(crate) fn new(name: &str) -> Self {
        LogicalId(pascal_case(name), InItsTemplate::default())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for LogicalId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for LogicalId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// `report-builder`, `Function` → `ReportBuilderFunction`: every run of ASCII letters and
/// digits becomes a word whose first letter is upper-cased; everything else separates words.
/// The result is a valid CloudFormation logical id (alphanumeric) and stable for a given name.
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if start {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            start = false;
        } else {
            start = true;
        }
    }
    out
}

/// CloudFormation pseudo parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pseudo {
    AccountId,
    Partition,
    Region,
    StackName,
    StackId,
    UrlSuffix,
}

impl Pseudo {
    pub const fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }
}

/// A property value of type `T`: a literal or an intrinsic function that CloudFormation
/// resolves at deploy time.
#[derive(Clone, Debug, PartialEq)]
pub struct Value<T = String>(pub(crate) Repr<T>);

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Repr<T> {
    Lit(T),
    /// `Ref` to a resource or parameter.
    Ref(LogicalId),
    Pseudo(Pseudo),
    GetAtt(LogicalId, &'static str),
    /// Concatenation of text and string values (rendered as `Fn::Sub`).
    Sub(Vec<Part>),
    Join(String, Vec<Value<String>>),
    If(LogicalId, Box<Value<T>>, Box<Value<T>>),
    NoValue,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Part {
    Text(String),
    Expr(Value<String>),
}

impl<T> Value<T> {
    pub fn lit(v: T) -> Self {
        Value(Repr::Lit(v))
    }

    pub(crate) fn reference(id: LogicalId) -> Self {
        Value(Repr::Ref(id))
    }

    pub(crate) fn get_att(id: LogicalId, attribute: &'static str) -> Self {
        Value(Repr::GetAtt(id, attribute))
    }

    /// `Fn::If`: `then` when the condition holds, else `otherwise`.
    pub fn if_(condition: &super::ConditionHandle, then: Value<T>, otherwise: Value<T>) -> Self {
        Value(Repr::If(
            condition.id().clone(),
            Box::new(then),
            Box::new(otherwise),
        ))
    }

    /// `Ref: AWS::NoValue` — removes the property (useful inside `Fn::If`).
    pub fn no_value() -> Self {
        Value(Repr::NoValue)
    }

    /// The literal, when this value is one.
    pub fn as_lit(&self) -> Option<&T> {
        match &self.0 {
            Repr::Lit(v) => Some(v),
            _ => None,
        }
    }

    /// The resource or parameter this value is exactly a `Ref` to.
    pub fn as_ref_id(&self) -> Option<&LogicalId> {
        match &self.0 {
            Repr::Ref(id) => Some(id),
            _ => None,
        }
    }

    /// Whether this value is exactly a `Ref` to the pseudo parameter `p`.
    pub fn is_pseudo(&self, p: Pseudo) -> bool {
        matches!(&self.0, Repr::Pseudo(q) if *q == p)
    }

    /// The resource and attribute this value is exactly a `GetAtt` of.
    pub fn as_get_att(&self) -> Option<(&LogicalId, &'static str)> {
        match &self.0 {
            Repr::GetAtt(id, a) => Some((id, a)),
            _ => None,
        }
    }

    /// Every logical id this value refers to (through `Ref`, `GetAtt`, `Fn::Sub`, `Fn::If`, …).
    pub fn references(&self) -> Vec<&LogicalId> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a LogicalId>) {
        match &self.0 {
            Repr::Lit(_) | Repr::Pseudo(_) | Repr::NoValue => {}
            Repr::Ref(id) | Repr::GetAtt(id, _) => out.push(id),
            Repr::Sub(parts) => {
                for p in parts {
                    if let Part::Expr(v) = p {
                        v.collect_refs(out);
                    }
                }
            }
            Repr::Join(_, items) => items.iter().for_each(|v| v.collect_refs(out)),
            Repr::If(c, a, b) => {
                out.push(c);
                a.collect_refs(out);
                b.collect_refs(out);
            }
        }
    }
}

impl Value<String> {
    /// Concatenates literal text and string values; renders as `Fn::Sub` (or simpler).
    /// Usually written with the [`sub!`](crate::sub) macro.
    pub fn concat(items: impl IntoIterator<Item = Value<String>>) -> Self {
        let mut parts: Vec<Part> = Vec::new();
        fn push_text(parts: &mut Vec<Part>, s: &str) {
            if s.is_empty() {
                return;
            }
            if let Some(Part::Text(t)) = parts.last_mut() {
                t.push_str(s);
            } else {
                parts.push(Part::Text(s.to_owned()));
            }
        }
        for item in items {
            match item.0 {
                Repr::Lit(s) => push_text(&mut parts, &s),
                Repr::Sub(inner) => {
                    for p in inner {
                        match p {
                            Part::Text(s) => push_text(&mut parts, &s),
                            e @ Part::Expr(_) => parts.push(e),
                        }
                    }
                }
                other => parts.push(Part::Expr(Value(other))),
            }
        }
        match parts.len() {
            0 => Value::lit(String::new()),
            1 => match parts.pop() {
                Some(Part::Text(s)) => Value::lit(s),
                Some(Part::Expr(v)) => v,
                None => Value::lit(String::new()),
            },
            _ => Value(Repr::Sub(parts)),
        }
    }

    /// `Fn::Join`.
    pub fn join(separator: &str, items: impl IntoIterator<Item = Value<String>>) -> Self {
        Value(Repr::Join(
            separator.to_owned(),
            items.into_iter().collect(),
        ))
    }

    /// The text of this value when it is known at synth time (a literal, or a concatenation of
    /// literals only).
    pub fn literal_text(&self) -> Option<&str> {
        match &self.0 {
            Repr::Lit(s) => Some(s),
            _ => None,
        }
    }

    /// A readable form of this value for messages: literals as they are, references as
    /// `${Id}` / `${Id.Attr}`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        describe_into(self, &mut out);
        out
    }
}

fn describe_into(v: &Value<String>, out: &mut String) {
    match &v.0 {
        Repr::Lit(s) => out.push_str(s),
        Repr::Ref(id) => out.push_str(&format!("${{{id}}}")),
        Repr::Pseudo(p) => out.push_str(&format!("${{{}}}", p.name())),
        Repr::GetAtt(id, a) => out.push_str(&format!("${{{id}.{a}}}")),
        Repr::Sub(parts) => {
            for p in parts {
                match p {
                    Part::Text(t) => out.push_str(t),
                    Part::Expr(e) => describe_into(e, out),
                }
            }
        }
        Repr::Join(sep, items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                describe_into(item, out);
            }
        }
        Repr::If(c, a, _) => {
            out.push_str(&format!("(if {c}) "));
            describe_into(a, out);
        }
        Repr::NoValue => out.push_str("(no value)"),
    }
}

/// Shown as [`Value::describe`] does: literals as they are, references as `${Id.Attr}`.
impl fmt::Display for Value<String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A string value equals text when it is that literal (checks and tests read the model).
impl PartialEq<&str> for Value<String> {
    fn eq(&self, other: &&str) -> bool {
        self.literal_text() == Some(*other)
    }
}

/// A number equals an integer when it is that literal.
impl PartialEq<i64> for Value<i64> {
    fn eq(&self, other: &i64) -> bool {
        self.as_lit() == Some(other)
    }
}

impl<T> From<T> for Value<T> {
    fn from(v: T) -> Self {
        Value::lit(v)
    }
}

impl From<&str> for Value<String> {
    fn from(v: &str) -> Self {
        Value::lit(v.to_owned())
    }
}

impl From<&String> for Value<String> {
    fn from(v: &String) -> Self {
        Value::lit(v.clone())
    }
}

impl From<Pseudo> for Value<String> {
    fn from(p: Pseudo) -> Self {
        Value(Repr::Pseudo(p))
    }
}

impl From<&Value<String>> for Value<String> {
    fn from(v: &Value<String>) -> Self {
        v.clone()
    }
}

/// Concatenates text and values into one string value:
/// `sub!("https://", api.id(), ".execute-api.", Pseudo::Region, ".", Pseudo::UrlSuffix)`.
#[macro_export]
macro_rules! sub {
    ($($part:expr),+ $(,)?) => {
        $crate::cfn::Value::<String>::concat([$($crate::cfn::Value::<String>::from($part)),+])
    };
}

struct One<'a, K: Serialize + ?Sized, V: Serialize + ?Sized>(&'a K, &'a V);

impl<K: Serialize + ?Sized, V: Serialize + ?Sized> Serialize for One<'_, K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.0, self.1)?;
        m.end()
    }
}

struct Pair<'a, A: Serialize + ?Sized, B: Serialize + ?Sized>(&'a A, &'a B);

impl<A: Serialize + ?Sized, B: Serialize + ?Sized> Serialize for Pair<'_, A, B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut q = s.serialize_seq(Some(2))?;
        q.serialize_element(self.0)?;
        q.serialize_element(self.1)?;
        q.end()
    }
}

impl<T: Serialize> Serialize for Value<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Lit(v) => v.serialize(s),
            Repr::Ref(id) => One("Ref", id.as_str()).serialize(s),
            Repr::Pseudo(p) => One("Ref", p.name()).serialize(s),
            Repr::NoValue => One("Ref", "AWS::NoValue").serialize(s),
            Repr::GetAtt(id, a) => One("Fn::GetAtt", &[id.as_str(), a]).serialize(s),
            Repr::Join(sep, items) => One("Fn::Join", &Pair(sep, items)).serialize(s),
            Repr::If(c, a, b) => {
                struct Args<'a, T>(&'a str, &'a Value<T>, &'a Value<T>);
                impl<T: Serialize> Serialize for Args<'_, T> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut q = s.serialize_seq(Some(3))?;
                        q.serialize_element(self.0)?;
                        q.serialize_element(self.1)?;
                        q.serialize_element(self.2)?;
                        q.end()
                    }
                }
                One("Fn::If", &Args(c.as_str(), a, b)).serialize(s)
            }
            Repr::Sub(parts) => {
                let (text, vars) = sub_template(parts);
                if vars.is_empty() {
                    One("Fn::Sub", &text).serialize(s)
                } else {
                    One("Fn::Sub", &Pair(&text, &SubVars(&vars))).serialize(s)
                }
            }
        }
    }
}

struct SubVars<'a>(&'a [(String, &'a Value<String>)]);

impl Serialize for SubVars<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The `Fn::Sub` template string and its variable map. `Ref`s, pseudo parameters and
/// `GetAtt`s are written inline (`${Api}`, `${AWS::Region}`, `${Bucket.Arn}`); other
/// intrinsics become variables `${Sub0}`, `${Sub1}`, … Literal `${` is escaped as `${!`.
fn sub_template(parts: &[Part]) -> (String, Vec<(String, &Value<String>)>) {
    let mut text = String::new();
    let mut vars = Vec::new();
    for p in parts {
        match p {
            Part::Text(t) => text.push_str(&t.replace("${", "${!")),
            Part::Expr(v) => match &v.0 {
                Repr::Ref(id) => text.push_str(&format!("${{{id}}}")),
                Repr::Pseudo(p) => text.push_str(&format!("${{{}}}", p.name())),
                Repr::GetAtt(id, a) => text.push_str(&format!("${{{id}.{a}}}")),
                _ => {
                    let name = format!("Sub{}", vars.len());
                    text.push_str(&format!("${{{name}}}"));
                    vars.push((name, v));
                }
            },
        }
    }
    (text, vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }

    #[test]
    fn pascal_case_is_stable_and_alphanumeric() {
        assert_eq!(pascal_case("report-builder"), "ReportBuilder");
        assert_eq!(pascal_case("orders events dlq"), "OrdersEventsDlq");
        assert_eq!(pascal_case("Products"), "Products");
        assert_eq!(pascal_case("/aws/lambda/x_1"), "AwsLambdaX1");
    }

    #[test]
    fn concat_collapses_to_the_simplest_form() {
        let id = LogicalId::new("Api");
        assert_eq!(json(&sub!("a", "b")), r#""ab""#);
        assert_eq!(
            json(&Value::<String>::concat([Value::reference(id.clone())])),
            r#"{"Ref":"Api"}"#
        );
        let v = sub!(
            "https://",
            Value::reference(id.clone()),
            ".x.",
            Pseudo::Region
        );
        assert_eq!(json(&v), r#"{"Fn::Sub":"https://${Api}.x.${AWS::Region}"}"#);
        let g = sub!(Value::<String>::get_att(id.clone(), "Arn"), "/*");
        assert_eq!(json(&g), r#"{"Fn::Sub":"${Api.Arn}/*"}"#);
        // nested concatenations flatten
        let n = sub!(g.clone(), "-", "x");
        assert_eq!(json(&n), r#"{"Fn::Sub":"${Api.Arn}/*-x"}"#);
        assert_eq!(n.describe(), "${Api.Arn}/*-x");
    }

    #[test]
    fn sub_escapes_literal_placeholders_and_uses_variables_for_complex_parts() {
        let id = LogicalId::new("T");
        let j = Value::join(",", [Value::from("a"), Value::reference(id.clone())]);
        let v = sub!("${literal}", j);
        assert_eq!(
            json(&v),
            r#"{"Fn::Sub":["${!literal}${Sub0}",{"Sub0":{"Fn::Join":[",",["a",{"Ref":"T"}]]}}]}"#
        );
        assert_eq!(v.references(), vec![&id]);
    }

    #[test]
    fn literals_serialise_as_themselves() {
        assert_eq!(json(&Value::lit(3u32)), "3");
        assert_eq!(json(&Value::<bool>::lit(true)), "true");
        assert_eq!(
            json(&Value::<String>::no_value()),
            r#"{"Ref":"AWS::NoValue"}"#
        );
    }
}
