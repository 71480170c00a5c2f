//! What a typed value refers to, read from the value itself rather than from its JSON.
//!
//! The template's check (`validate.rs`) needs every `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholder
//! and `Fn::If` condition of a resource's properties, an output or a condition, and it runs
//! before rendering writes a byte, so the references are read from the typed values:
//! [`Collector`] is a serde serializer that writes nothing and stops only at the one-entry maps
//! an intrinsic function serializes to (`Value`'s `{"Ref": …}`), whose small argument it hands,
//! as JSON, to the one reader of those calls ([`collect`]). No `serde_json::Value` of the whole
//! document is built.

use serde::Serialize;
use serde::ser::{self, Impossible, Serializer};
use serde_json::{Map, Value as Json};

/// What one reference in a typed template names (what [`crate::cfn::Template::validate`]
/// resolves against the template's declarations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `Ref` or a `Fn::Sub` placeholder: a resource, a parameter or a pseudo parameter.
    Value(String),
    /// `Fn::GetAtt` or a dotted `Fn::Sub` placeholder: a resource.
    Attribute(String),
    /// `Fn::If`'s first argument: a condition.
    Condition(String),
}

impl Reference {
    /// The logical id, parameter or condition name referred to.
    pub fn name(&self) -> &str {
        match self {
            Reference::Value(n) | Reference::Attribute(n) | Reference::Condition(n) => n,
        }
    }
}

/// The references inside `value` (a resource's properties, an output, a condition), in the
/// order they are written.
pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Result<Vec<Reference>, serde_json::Error> {
    let mut out = Vec::new();
    value.serialize(&mut Collector { out: &mut out })?;
    Ok(out)
}

/// The references of a JSON value (an intrinsic call's argument, a free-form property).
pub(crate) fn collect(v: &Json, out: &mut Vec<Reference>) {
    match v {
        Json::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Json::Object(m) => {
            if m.len() == 1 && intrinsic(m, out) {
                return;
            }
            m.values().for_each(|i| collect(i, out));
        }
        _ => {}
    }
}

/// Reads a one-entry object that is a `Ref`, `Fn::GetAtt`, `Fn::If` or `Fn::Sub` call; false
/// for anything else (its values are then searched like any object's).
fn intrinsic(m: &Map<String, Json>, out: &mut Vec<Reference>) -> bool {
    if let Some(Json::String(r)) = m.get("Ref") {
        out.push(Reference::Value(r.clone()));
        return true;
    }
    if let Some(Json::Array(a)) = m.get("Fn::GetAtt") {
        if let Some(Json::String(r)) = a.first() {
            out.push(Reference::Attribute(r.clone()));
        }
        return true;
    }
    if let Some(Json::Array(a)) = m.get("Fn::If") {
        if let Some(Json::String(c)) = a.first() {
            out.push(Reference::Condition(c.clone()));
        }
        a.iter().skip(1).for_each(|i| collect(i, out));
        return true;
    }
    let Some(sub) = m.get("Fn::Sub") else {
        return false;
    };
    let (text, vars) = match sub {
        Json::String(t) => (t.as_str(), None),
        Json::Array(a) => (
            a.first().and_then(Json::as_str).unwrap_or_default(),
            a.get(1).and_then(Json::as_object),
        ),
        _ => ("", None),
    };
    for name in sub_placeholders(text) {
        if vars.is_some_and(|v| v.contains_key(name)) {
            continue;
        }
        match name.split_once('.') {
            Some((r, _)) => out.push(Reference::Attribute(r.to_owned())),
            None => out.push(Reference::Value(name.to_owned())),
        }
    }
    if let Some(vars) = vars {
        vars.values().for_each(|i| collect(i, out));
    }
    true
}

/// The `${Name}` placeholders of an `Fn::Sub` string (not the escaped `${!Literal}` ones).
fn sub_placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        if !name.starts_with('!') {
            out.push(name);
        }
        rest = &rest[end + 1..];
    }
    out
}

/// The keys an intrinsic call that names something is written under.
const CALLS: [&str; 4] = ["Ref", "Fn::GetAtt", "Fn::If", "Fn::Sub"];

/// A serializer that writes nothing: it walks a typed value and collects the references of the
/// intrinsic calls inside it.
struct Collector<'a> {
    out: &'a mut Vec<Reference>,
}

/// A map (or struct) being walked. An entry whose key names an intrinsic function keeps its
/// argument, as JSON, until the map ends: only a map with that one entry is the call, as in the
/// JSON reader; in a larger map the argument is searched like any value.
struct MapWalk<'c, 'a> {
    collector: &'c mut Collector<'a>,
    entries: usize,
    call: Option<&'static str>,
    pending: Option<(&'static str, Json)>,
}

impl MapWalk<'_, '_> {
    fn key(&mut self, call: Option<&'static str>) {
        self.entries += 1;
        self.call = call;
        if let Some((_, argument)) = self.pending.take() {
            collect(&argument, self.collector.out);
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
        match self.call.take() {
            Some(call) if self.entries == 1 => {
                self.pending = Some((call, serde_json::to_value(v)?));
                Ok(())
            }
            _ => v.serialize(&mut *self.collector),
        }
    }

    fn end(self) -> Done {
        if let Some((call, argument)) = self.pending {
            let mut m = Map::new();
            m.insert(call.to_owned(), argument);
            collect(&Json::Object(m), self.collector.out);
        }
        Ok(())
    }
}

/// The intrinsic function `name` names, if any.
fn call_named(name: &str) -> Option<&'static str> {
    CALLS.into_iter().find(|c| *c == name)
}

type Done = Result<(), serde_json::Error>;

impl<'c, 'a> Serializer for &'c mut Collector<'a> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = MapWalk<'c, 'a>;
    type SerializeStruct = MapWalk<'c, 'a>;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, _: bool) -> Done {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Done {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Done {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Done {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Done {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Done {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Done {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Done {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Done {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Done {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Done {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Done {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Done {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Done {
        Ok(())
    }
    fn serialize_none(self) -> Done {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Done {
        // `{"Variant": value}`: a one-entry map.
        let mut walk = self.serialize_map(Some(1))?;
        walk.key(call_named(variant));
        walk.value(v)?;
        walk.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, serde_json::Error> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, serde_json::Error> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, serde_json::Error> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, serde_json::Error> {
        unnamed_call(variant)?;
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapWalk<'c, 'a>, serde_json::Error> {
        Ok(MapWalk {
            collector: self,
            entries: 0,
            call: None,
            pending: None,
        })
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<MapWalk<'c, 'a>, serde_json::Error> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, serde_json::Error> {
        unnamed_call(variant)?;
        Ok(self)
    }
}

/// Sequences, tuples and structs: each element or field is walked in turn.
macro_rules! walk_each {
    ($trait:ident, $method:ident $(, $key:ty)?) => {
        impl ser::$trait for &mut Collector<'_> {
            type Ok = ();
            type Error = serde_json::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, $(_: $key,)? v: &T) -> Done {
                v.serialize(&mut **self)
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    };
}

walk_each!(SerializeSeq, serialize_element);
walk_each!(SerializeTuple, serialize_element);
walk_each!(SerializeTupleStruct, serialize_field);
walk_each!(SerializeTupleVariant, serialize_field);
walk_each!(SerializeStructVariant, serialize_field, &'static str);

/// A tuple or struct variant named like an intrinsic function would be `{"Ref": [...]}` or
/// `{"Ref": {...}}`; no type in the model writes one, and the walker would not read it, so it is
/// refused rather than passed unchecked.
fn unnamed_call(variant: &str) -> Done {
    match call_named(variant) {
        Some(call) => Err(ser::Error::custom(format!(
            "a tuple or struct variant named `{call}` cannot be checked for references; \
             write intrinsic calls with `Value` or `Json`"
        ))),
        None => Ok(()),
    }
}

impl ser::SerializeMap for MapWalk<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        let call = key.serialize(KeyName)?;
        self.key(call);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
        self.value(v)
    }

    fn end(self) -> Done {
        MapWalk::end(self)
    }
}

impl ser::SerializeStruct for MapWalk<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Done {
        self.key(call_named(key));
        self.value(v)
    }

    fn end(self) -> Done {
        MapWalk::end(self)
    }
}

/// Reads a map key that is a string (any other key is no function name).
struct KeyName;

/// serde_json's own words for a map key it cannot write.
const KEY_MUST_BE_A_STRING: &str = "key must be a string";

/// What [`KeyName`] answers for every key that is not a string.
fn not_a_name() -> Result<Option<&'static str>, serde_json::Error> {
    Ok(None)
}

impl Serializer for KeyName {
    type Ok = Option<&'static str>;
    type Error = serde_json::Error;
    type SerializeSeq = Impossible<Self::Ok, Self::Error>;
    type SerializeTuple = Impossible<Self::Ok, Self::Error>;
    type SerializeTupleStruct = Impossible<Self::Ok, Self::Error>;
    type SerializeTupleVariant = Impossible<Self::Ok, Self::Error>;
    type SerializeMap = Impossible<Self::Ok, Self::Error>;
    type SerializeStruct = Impossible<Self::Ok, Self::Error>;
    type SerializeStructVariant = Impossible<Self::Ok, Self::Error>;

    fn serialize_str(self, v: &str) -> Result<Self::Ok, Self::Error> {
        Ok(call_named(v))
    }
    fn serialize_bool(self, _: bool) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_i8(self, _: i8) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_i16(self, _: i16) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_i32(self, _: i32) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_u8(self, _: u8) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_u16(self, _: u16) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_u32(self, _: u32) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_char(self, _: char) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_none(self) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, Self::Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, Self::Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Self::Ok, Self::Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Self::Error> {
        not_a_name()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
}

#[cfg(test)]
mod tests {
    use serde::ser::{SerializeMap, Serializer};
    use serde_json::json;

    use super::*;
    use crate::cfn::Json as FreeJson;

    fn names(refs: &[Reference]) -> Vec<String> {
        refs.iter()
            .map(|r| match r {
                Reference::Value(n) => format!("ref {n}"),
                Reference::Attribute(n) => format!("att {n}"),
                Reference::Condition(n) => format!("if {n}"),
            })
            .collect()
    }

    fn refs_of<T: Serialize>(v: &T) -> Vec<String> {
        names(&of(v).unwrap_or_default())
    }

    #[test]
    fn free_form_json_and_sub_variables_are_searched() {
        let doc = json!({
            "Statement": [{"Resource": {"Fn::GetAtt": ["Table", "Arn"]}}],
            "Body": {"Fn::Sub": ["${A}-${B.Name}-${Local}", {"Local": {"Fn::If": ["IsProd", {"Ref": "P"}, "x"]}}]},
            "Two": {"Ref": "NotACall", "Other": {"Ref": "Inner"}},
        });
        assert_eq!(
            refs_of(&doc),
            [
                "att Table",
                "ref A",
                "att B",
                "if IsProd",
                "ref P",
                "ref Inner"
            ]
        );
        let wrapped = FreeJson::from(json!({"Ref": "X"}));
        assert_eq!(refs_of(&wrapped), ["ref X"]);
    }

    /// A map whose length serde does not know, and an enum variant named like a call, are read
    /// as the JSON they become.
    #[test]
    fn maps_of_unknown_length_and_variants_are_read_as_their_json() {
        struct Unsized(Vec<(&'static str, &'static str)>);
        impl Serialize for Unsized {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                for (k, v) in &self.0 {
                    m.serialize_entry(k, &json!({"Ref": v}))?;
                }
                m.end()
            }
        }
        let one = Unsized(vec![("Ref", "unused")]);
        assert_eq!(refs_of(&json!({"x": 1})), Vec::<String>::new());
        // {"Ref": {"Ref": "unused"}}: a malformed call, whose argument still refers.
        assert_eq!(refs_of(&one), ["ref unused"]);
        let two = Unsized(vec![("Ref", "A"), ("Other", "B")]);
        assert_eq!(refs_of(&two), ["ref A", "ref B"]);

        #[derive(Serialize)]
        enum Call {
            Ref(&'static str),
            #[serde(rename = "Fn::GetAtt")]
            GetAtt(&'static str, &'static str),
        }
        assert_eq!(refs_of(&Call::Ref("Q")), ["ref Q"]);
        assert!(of(&Call::GetAtt("Q", "Arn")).is_err());
    }
}
