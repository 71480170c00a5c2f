//! Writes a typed resource as Rust: `pub mod queue { pub struct Queue { … } … }` inside its
//! service's file, with a constructor taking the required properties, a setter per optional
//! one, `impl Resource` (the template renders it) and the read-only attributes on its
//! `Handle`.

use std::fmt::Write;

use crate::allowlist::TypeName;
use crate::naming::field_name;
use crate::reference::Kind;
use crate::typed::{EnumDef, Field, StructDef, Ty, Typed};

/// The module of one typed resource type.
pub fn module(t: &Typed) -> String {
    let mut body = String::new();
    for (i, s) in t.structs.iter().enumerate() {
        let first = if i == 0 {
            format!("The properties of `{}`.", t.type_name.full)
        } else {
            format!("A property type of `{}`.", t.type_name.full)
        };
        body.push_str(&structure(s, &first));
        if i == 0 {
            body.push_str(&resource_impl(t, s));
        }
        body.push_str(&builder(s));
    }
    for e in &t.enums {
        body.push_str(&enumeration(e, &t.type_name.full));
    }
    body.push_str(&attributes(t));
    let mut out = format!(
        "/// `{}`: its properties ([`{}`]({}::{})), their nested types and its attributes.\npub mod {} {{\n",
        t.type_name.full, t.type_name.resource, t.module, t.type_name.resource, t.module
    );
    out.push_str(&imports(t));
    out.push_str(&body);
    out.push_str("}\n");
    out
}

/// Only what the module uses, so the generated code has no unused imports.
fn imports(t: &Typed) -> String {
    let mut used = std::collections::BTreeSet::new();
    fn walk(ty: &Ty, used: &mut std::collections::BTreeSet<&'static str>) {
        match ty {
            Ty::Str | Ty::Bool | Ty::Int | Ty::Num | Ty::Enum(_) => {
                used.insert("Value");
            }
            Ty::Json => {
                used.insert("Json");
            }
            Ty::Policy => {
                used.insert("PolicyDocument");
            }
            Ty::Tags(_) => {
                used.insert("Tags");
            }
            Ty::Struct(_) | Ty::Attr { .. } => {}
            Ty::List(item) => walk(item, used),
            Ty::Map(value) => {
                used.insert("BTreeMap");
                walk(value, used);
            }
        }
    }
    for f in t.structs.iter().flat_map(|s| &s.fields) {
        walk(&f.ty, &mut used);
    }
    if !t.attributes.is_empty() {
        used.insert("Handle");
    }
    let mut out = String::new();
    if used.remove("BTreeMap") {
        out.push_str("use std::collections::BTreeMap;\n\n");
    }
    out.push_str("use serde::ser::{Serialize, SerializeStruct, Serializer};\n\n");
    let cfn: Vec<&str> = used.into_iter().collect();
    match cfn.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "use crate::cfn::{one};");
        }
        many => {
            let _ = writeln!(out, "use crate::cfn::{{{}}};", many.join(", "));
        }
    }
    out.push('\n');
    out
}

/// A doc comment: the schema's description verbatim in a text block (AWS's prose is not
/// rustdoc), after an optional first line.
pub(crate) fn doc(first: &str, description: &str) -> String {
    let mut out = String::new();
    if !first.is_empty() {
        let _ = writeln!(out, "/// {first}");
    }
    if description.is_empty() {
        return out;
    }
    if !first.is_empty() {
        out.push_str("///\n");
    }
    out.push_str("/// ```text\n");
    for line in description.lines() {
        let line = line.trim_end().replace("```", "'''");
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            let _ = writeln!(out, "/// {line}");
        }
    }
    out.push_str("/// ```\n");
    out
}

/// The Rust type of a field's value (without the `Option` of an optional field).
fn rust_type(ty: &Ty) -> String {
    match ty {
        Ty::Str => "Value".into(),
        Ty::Bool => "Value<bool>".into(),
        Ty::Int => "Value<i64>".into(),
        Ty::Num => "Value<f64>".into(),
        Ty::Json => "Json".into(),
        Ty::Policy => "PolicyDocument".into(),
        Ty::Tags(_) => "Tags".into(),
        Ty::Enum(name) => format!("Value<{name}>"),
        Ty::Struct(name) => name.clone(),
        Ty::List(item) => format!("Vec<{}>", rust_type(item)),
        Ty::Map(value) => format!("BTreeMap<String, {}>", rust_type(value)),
        Ty::Attr { target, kind } => match TypeName::parse(target) {
            Some(t) => attr_type(&resource_path(&t), &t, kind),
            None => "Value".into(),
        },
    }
}

/// `crate::generated::iam::role::Role`.
fn resource_path(t: &TypeName) -> String {
    format!(
        "crate::generated::{}::{}::{}",
        t.module(),
        field_name(&t.resource),
        t.resource
    )
}

/// `crate::cfn::Arn<Role>`, `crate::cfn::Attr<Table, …::table::attribute::StreamArn>`.
fn attr_type(resource: &str, t: &TypeName, kind: &Kind) -> String {
    match kind {
        Kind::Common(k) => format!("crate::cfn::{k}<{resource}>"),
        Kind::Own(marker) => format!(
            "crate::cfn::Attr<{resource}, crate::generated::{}::{}::attribute::{marker}>",
            t.module(),
            field_name(&t.resource)
        ),
    }
}

fn field_type(f: &Field) -> String {
    let inner = rust_type(&f.ty);
    let inner = if f.boxed {
        format!("Box<{inner}>")
    } else {
        inner
    };
    match (&f.ty, f.required) {
        (Ty::Tags(_), _) | (_, true) => inner,
        _ => format!("Option<{inner}>"),
    }
}

fn structure(s: &StructDef, first: &str) -> String {
    let all_optional = s.fields.iter().all(|f| !f.required);
    let mut out = doc(first, &s.doc);
    let _ = writeln!(
        out,
        "#[derive(Clone, Debug, PartialEq{})]",
        if all_optional { ", Default" } else { "" }
    );
    let _ = writeln!(out, "pub struct {} {{", s.name);
    for f in &s.fields {
        out.push_str(&doc(&format!("`{}`", f.json), &f.doc));
        let _ = writeln!(out, "pub {}: {},", f.rust, field_type(f));
    }
    out.push_str("}\n\n");
    out.push_str(&serialize_struct(s));
    out
}

/// `impl Serialize`, written out as `#[derive(Serialize)]` would expand it (the same
/// `serialize_struct` calls: each property under its schema name, an unset one skipped), so the
/// rendered JSON is the same, without running serde's derive macro over ~600 types on every
/// build of the crate.
fn serialize_struct(s: &StructDef) -> String {
    let present = |f: &Field| match (&f.ty, f.required) {
        (Ty::Tags(_), _) => format!("!self.{}.is_empty()", f.rust),
        (_, true) => "true".to_owned(),
        (_, false) => format!("self.{}.is_some()", f.rust),
    };
    let mut out = format!(
        "impl Serialize for {} {{\nfn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{\n",
        s.name
    );
    let counted: Vec<String> = s
        .fields
        .iter()
        .map(|f| format!("usize::from({})", present(f)))
        .collect();
    let len = if counted.is_empty() {
        "0".to_owned()
    } else {
        counted.join(" + ")
    };
    let _ = writeln!(
        out,
        "let mut state = serializer.serialize_struct({:?}, {len})?;",
        s.name
    );
    for f in &s.fields {
        let value = match &f.ty {
            Ty::Tags(true) => format!("&crate::cfn::TagsAsMap(&self.{})", f.rust),
            _ => format!("&self.{}", f.rust),
        };
        if f.required && !matches!(f.ty, Ty::Tags(_)) {
            let _ = writeln!(out, "state.serialize_field({:?}, {value})?;", f.json);
        } else {
            let _ = writeln!(
                out,
                "if {} {{\nstate.serialize_field({:?}, {value})?;\n}} else {{\nstate.skip_field({:?})?;\n}}",
                present(f),
                f.json,
                f.json
            );
        }
    }
    out.push_str("state.end()\n}\n}\n\n");
    out
}

fn resource_impl(t: &Typed, s: &StructDef) -> String {
    match &t.tags_field {
        Some(field) => format!(
            "crate::cfn::template::resource!({}, {:?}, tags = {field});\n\n",
            s.name, t.type_name.full
        ),
        None => format!(
            "crate::cfn::template::resource!({}, {:?});\n\n",
            s.name, t.type_name.full
        ),
    }
}

/// `new` with the required properties; a setter per optional one.
fn builder(s: &StructDef) -> String {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let mut out = format!("impl {} {{\n", s.name);
    let params: Vec<String> = required
        .iter()
        .map(|f| format!("{}: impl Into<{}>", f.rust, field_type(f)))
        .collect();
    let _ = writeln!(
        out,
        "/// The properties CloudFormation requires; the others start unset.{}",
        if params.len() > 7 {
            "\n#[allow(clippy::too_many_arguments)]"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "pub fn new({}) -> Self {{", params.join(", "));
    out.push_str(&format!("{} {{\n", s.name));
    for f in &s.fields {
        let value = match (&f.ty, f.required) {
            (Ty::Tags(_), _) => "Tags::new()".to_owned(),
            (_, true) => format!("{}.into()", f.rust),
            (_, false) => "None".to_owned(),
        };
        let _ = writeln!(out, "{}: {value},", f.rust);
    }
    out.push_str("}\n}\n");
    for f in s.fields.iter().filter(|f| !f.required) {
        let (param, set) = match &f.ty {
            Ty::Tags(_) => ("Tags".to_owned(), "value".to_owned()),
            _ if f.boxed => (
                format!("impl Into<{}>", rust_type(&f.ty)),
                "Some(Box::new(value.into()))".to_owned(),
            ),
            _ => (
                format!("impl Into<{}>", rust_type(&f.ty)),
                "Some(value.into())".to_owned(),
            ),
        };
        let _ = writeln!(
            out,
            "/// Sets `{}`.\npub fn {}(mut self, value: {param}) -> Self {{\nself.{} = {set};\nself\n}}",
            f.json, f.rust, f.rust
        );
    }
    out.push_str("}\n\n");
    out
}

fn enumeration(e: &EnumDef, type_name: &str) -> String {
    let mut out = doc(
        &format!("The values a property of `{type_name}` takes."),
        &e.doc,
    );
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n");
    let _ = writeln!(out, "pub enum {} {{", e.name);
    for (rust, json) in &e.variants {
        let _ = writeln!(out, "/// `{json}`\n{rust},");
    }
    out.push_str("}\n\n");
    // As `#[derive(Serialize)]` with `#[serde(rename = …)]` expands it: a unit variant named as
    // the schema spells the value.
    let _ = writeln!(
        out,
        "impl Serialize for {} {{\nfn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{\nlet (index, value) = match self {{",
        e.name
    );
    for (i, (rust, json)) in e.variants.iter().enumerate() {
        let _ = writeln!(out, "{}::{rust} => ({i}u32, {json:?}),", e.name);
    }
    let _ = writeln!(
        out,
        "}};\nserializer.serialize_unit_variant({:?}, index, value)\n}}\n}}\n",
        e.name
    );
    out
}

/// `Fn::GetAtt` accessors for the read-only properties, typed with their kind, and a marker
/// type in `attribute` for each kind of the type's own.
fn attributes(t: &Typed) -> String {
    if t.attributes.is_empty() {
        return String::new();
    }
    let resource = &t.type_name.resource;
    let mut out = format!("impl Handle<{resource}> {{\n");
    let mut own = Vec::new();
    for a in &t.attributes {
        let ty = attr_type(resource, &t.type_name, &a.kind);
        let _ = writeln!(
            out,
            "/// `Fn::GetAtt` `{}`.\npub fn {}(&self) -> {ty} {{\nself.attribute_as({:?})\n}}",
            a.name, a.accessor, a.name
        );
        if let Kind::Own(marker) = &a.kind {
            own.push((marker, &a.name));
        }
    }
    out.push_str("}\n");
    if !own.is_empty() {
        let _ = writeln!(
            out,
            "\n/// The kinds of `{}`'s attributes that other types do not share.\npub mod attribute {{",
            t.type_name.full
        );
        for (marker, name) in own {
            let _ = writeln!(out, "/// `Fn::GetAtt` `{name}`.\npub enum {marker} {{}}");
        }
        out.push_str("}\n");
    }
    out
}
