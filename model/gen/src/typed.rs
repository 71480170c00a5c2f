//! Reads the typed shape of one resource type out of its schema: the properties struct, the
//! nested property types (`definitions`), the enumerations and the read-only attributes.
//!
//! The JSON-schema subset AWS's resource schemas use maps onto Rust as follows; each rule is on
//! the function that applies it ([`Reader::ty`] for property types).
//!
//! | schema | Rust |
//! | --- | --- |
//! | `string` | `Value` (a literal or an intrinsic) |
//! | `string` with `enum` | `Value<E>`, `E` a generated enum |
//! | `integer`, `number`, `boolean` | `Value<i64>`, `Value<f64>`, `Value<bool>` |
//! | `array` | `Vec<T>` |
//! | `object` with `properties`, or a `$ref` to one | a generated struct |
//! | `object` with only `patternProperties`/`additionalProperties` | `BTreeMap<String, T>` |
//! | free-form JSON (`["object", "string"]`, `format: json`, an open `object`) | `Json` |
//! | an IAM policy (`PolicyDocument`, `AssumeRolePolicyDocument`) | `PolicyDocument` (hand-written) |
//! | the type's tag property | `Tags` (hand-written; the template stamps the required tags) |
//! | a string that takes another resource's attribute (`src/reference.rs`) | `Attr<R, K>` (`Arn<Role>`) |
//!
//! Every Rust name (struct, field, module, variant) comes from `naming.rs`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::GenError;
use crate::allowlist::TypeName;
use crate::naming::{field_name, singular, type_name, variant_name};
use crate::reference::{Kind, Reference, annotated, kind_of};

/// A property type, as the emitter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bool,
    Int,
    Num,
    Json,
    Policy,
    /// The tag property; `true` for the map shape.
    Tags(bool),
    Enum(String),
    Struct(String),
    List(Box<Ty>),
    Map(Box<Ty>),
    /// An attribute of a resource of the `target` type (`AWS::IAM::Role`).
    Attr {
        target: String,
        kind: Kind,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The property's name in CloudFormation (`QueueName`).
    pub json: String,
    /// The Rust field name (`queue_name`, `r#type`).
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    /// Boxed because the struct contains itself through this field (WAFv2's `NotStatement`).
    pub boxed: bool,
    pub doc: String,
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    /// `(Rust variant, CloudFormation value)`.
    pub variants: Vec<(String, String)>,
}

/// The typed shape of one resource type.
#[derive(Debug, Clone)]
pub struct Typed {
    pub type_name: TypeName,
    /// The Rust module of the type inside its service's file (`queue`, `user_pool_client`).
    pub module: String,
    /// The properties struct (named after the resource) first, then the nested types.
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
    /// Every read-only property, as an `Fn::GetAtt` accessor.
    pub attributes: Vec<Attribute>,
    /// The tag field's Rust name, when the type is taggable.
    pub tags_field: Option<String>,
}

/// A read-only property of a typed resource.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// `attr_stream_arn`.
    pub accessor: String,
    /// `StreamArn`, `Endpoint.Address` (the `Fn::GetAtt` name).
    pub name: String,
    pub kind: Kind,
}

/// What the reader needs to know beyond the schema: the `[references]` lines and which types
/// are typed (a schema's annotation only types a property when its target is).
pub struct Context<'a> {
    pub references: &'a [Reference],
    pub typed: &'a BTreeSet<String>,
}

/// Reads the typed shape of `type_name` from its schema; returns it with the allowlist lines
/// of the references it applied.
pub fn read(
    type_name: &TypeName,
    schema: &Value,
    context: &Context<'_>,
) -> Result<(Typed, BTreeSet<usize>), GenError> {
    let mut reader = Reader {
        schema,
        type_name,
        structs: Vec::new(),
        enums: Vec::new(),
        names: BTreeSet::new(),
        defs: BTreeMap::new(),
        owner: type_name.resource.clone(),
        context,
        applied: BTreeSet::new(),
        problems: Vec::new(),
    };
    let read_only: BTreeSet<String> = pointers(schema, "readOnlyProperties");
    let tag_pointer = crate::schema::tag_pointer(schema);
    let root = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| GenError::Schema {
            type_name: type_name.full.clone(),
            message: "no properties".into(),
        })?;
    reader.names.insert(type_name.resource.clone());
    let required = names(schema.get("required"));
    let mut fields = Vec::new();
    let mut tags_field = None;
    for (name, property) in root {
        let pointer = format!("/properties/{name}");
        if read_only.contains(&pointer) {
            continue;
        }
        let ty = if tag_pointer.as_deref() == Some(pointer.as_str()) {
            let map =
                reader.resolve(property).get("type").and_then(Value::as_str) == Some("object");
            tags_field = Some(field_name(name));
            Ty::Tags(map)
        } else {
            let ty = reader.ty(property, name);
            reader.referenced(&type_name.resource, name, property, ty)
        };
        fields.push(field(name, property, ty, required.contains(name)));
    }
    // The tags last: the rendered properties read better with them at the end.
    if let Some(i) = fields.iter().position(|f| matches!(f.ty, Ty::Tags(_))) {
        let tags = fields.remove(i);
        fields.push(tags);
    }
    let resource = StructDef {
        name: type_name.resource.clone(),
        doc: text(schema),
        fields,
    };
    reader.structs.insert(0, resource);
    mark_boxes(&mut reader.structs);
    if let Some(problem) = reader.problems.first() {
        return Err(GenError::Schema {
            type_name: type_name.full.clone(),
            message: problem.clone(),
        });
    }
    let typed = Typed {
        module: field_name(&type_name.resource),
        type_name: type_name.clone(),
        structs: reader.structs,
        enums: reader.enums,
        attributes: attributes(type_name, &read_only),
        tags_field,
    };
    Ok((typed, reader.applied))
}

/// The attributes a handle gives access to: the read-only properties, except those inside
/// arrays (`*` in the pointer), which `Fn::GetAtt` cannot name.
fn attributes(type_name: &TypeName, read_only: &BTreeSet<String>) -> Vec<Attribute> {
    read_only
        .iter()
        .filter_map(|p| p.strip_prefix("/properties/"))
        .filter(|p| !p.contains('*'))
        .map(|p| {
            let name = p.replace('/', ".");
            Attribute {
                accessor: attribute_accessor(p),
                kind: kind_of(&type_name.resource, &name),
                name,
            }
        })
        .collect()
}

/// The accessor of a read-only property on the resource's `Handle`, named as CDK's L1 layer
/// names them (`attrArn`): `Arn` → `attr_arn`, `Endpoint/Address` → `attr_endpoint_address`.
/// The prefix leaves the plain names (`arn`, `url`, `name`) to the hand-written accessors that
/// say what a `Ref` or an attribute is.
fn attribute_accessor(pointer: &str) -> String {
    let name = field_name(&pointer.replace('/', ""));
    format!("attr_{}", name.trim_start_matches("r#"))
}

struct Reader<'a> {
    schema: &'a Value,
    type_name: &'a TypeName,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
    /// Every Rust type name taken in this type's module.
    names: BTreeSet<String>,
    /// Definition name → what it became (a struct, an enum, ...), once read.
    defs: BTreeMap<String, Ty>,
    /// The struct whose fields are being read (names a nested type that would clash).
    owner: String,
    context: &'a Context<'a>,
    /// The allowlist lines of the references applied.
    applied: BTreeSet<usize>,
    /// References that name a property which is not a string.
    problems: Vec<String>,
}

impl Reader<'_> {
    /// `ty`, or the attribute type of the resource it takes when the allowlist's `[references]`
    /// or the schema's annotation says it takes one (see `src/reference.rs`).
    fn referenced(&mut self, strukt: &str, property: &str, schema: &Value, ty: Ty) -> Ty {
        let resource = &self.type_name.resource;
        let explicit = self.context.references.iter().find(|r| {
            r.owner == self.type_name.full
                && r.strukt.as_deref().unwrap_or(resource) == strukt
                && r.property == property
        });
        let (target, kind, line) = match explicit {
            Some(r) => (r.target.clone(), r.kind.clone(), r.line),
            None => match annotated(schema) {
                Some((t, k)) if self.context.typed.contains(&t) && t != self.type_name.full => {
                    (t, k, 0)
                }
                _ => return ty,
            },
        };
        let Some(target_name) = TypeName::parse(&target) else {
            return ty;
        };
        let attr = Ty::Attr {
            kind: kind_of(&target_name.resource, &kind),
            target,
        };
        let typed = match ty {
            Ty::Str => attr,
            Ty::List(item) if *item == Ty::Str => Ty::List(Box::new(attr)),
            other => {
                if line > 0 {
                    self.problems.push(format!(
                        "model/allowlist.txt line {line}: {strukt}.{property} is not a string or \
                         a list of strings, so it cannot take another resource's attribute"
                    ));
                }
                return other;
            }
        };
        if line > 0 {
            self.applied.insert(line);
        }
        typed
    }

    /// The schema `property` refers to through `$ref`, or `property` itself.
    fn resolve<'v>(&'v self, property: &'v Value) -> &'v Value {
        match property.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|p| self.schema.pointer(p))
                .unwrap_or(property),
            None => property,
        }
    }

    /// The Rust type of a property schema; `hint` names a struct or enum it needs.
    fn ty(&mut self, property: &Value, hint: &str) -> Ty {
        if matches!(hint, "PolicyDocument" | "AssumeRolePolicyDocument") {
            return Ty::Policy;
        }
        if let Some(target) = property.get("$ref").and_then(Value::as_str) {
            let ty = self.definition(target);
            // A `$ref` with item bounds is a list of it (DynamoDB's `KeySchema`).
            let listy = property.get("minItems").is_some() || property.get("maxItems").is_some();
            return if listy && !matches!(ty, Ty::List(_)) {
                Ty::List(Box::new(ty))
            } else {
                ty
            };
        }
        if let Some(branches) = choice(property) {
            // `oneOf`/`anyOf`: a typed branch wins over free-form JSON; branches that only add
            // `required` (a union of optional properties) leave the object as it is.
            if let Some(typed) = branches.iter().find(|b| b.get("$ref").is_some()) {
                return self.ty(typed, hint);
            }
            if branches
                .iter()
                .all(|b| b.get("type").is_none() && b.get("properties").is_none())
                && property.get("properties").is_none()
                && property.get("type").is_none()
            {
                let formats_only = branches.iter().all(|b| {
                    b.as_object()
                        .is_some_and(|o| o.keys().all(|k| k == "format"))
                });
                return if formats_only { Ty::Str } else { Ty::Json };
            }
        }
        let types = types(property);
        let has = |t: &str| types.iter().any(|u| u == t);
        if has("object") && has("string") {
            return Ty::Json;
        }
        if has("string") || (types.is_empty() && is_string_format(property)) {
            return match property.get("enum").and_then(Value::as_array) {
                Some(values) => self.enumeration(values, property, hint),
                None => Ty::Str,
            };
        }
        if has("boolean") {
            return Ty::Bool;
        }
        if has("integer") {
            return Ty::Int;
        }
        if has("number") {
            return Ty::Num;
        }
        if has("array") {
            return match property.get("items") {
                Some(items) => Ty::List(Box::new(self.ty(items, &singular(hint)))),
                None => Ty::List(Box::new(Ty::Json)),
            };
        }
        if has("object") || types.is_empty() {
            return self.object(property, hint);
        }
        Ty::Json
    }

    /// An object: a struct when it has properties (its own or its branches'), a map when it
    /// only has pattern or additional properties, else free-form JSON.
    fn object(&mut self, property: &Value, hint: &str) -> Ty {
        if has_properties(property) {
            let name = self.take_name(hint);
            self.structure(&name, property);
            return Ty::Struct(self.same_struct(name, &type_name(hint)));
        }
        let values = property
            .get("patternProperties")
            .and_then(Value::as_object)
            .and_then(|p| p.values().next())
            .or_else(|| {
                property
                    .get("additionalProperties")
                    .filter(|a| a.is_object())
            });
        match values {
            // A map whose values may be strings maps to strings, whatever else the schema
            // allows (cfn-lint's patch of Lambda's environment variables adds numbers and
            // objects, which Lambda turns into strings anyway).
            Some(v) if types(v).iter().any(|t| t == "string") && v.get("enum").is_none() => {
                Ty::Map(Box::new(Ty::Str))
            }
            Some(v) => Ty::Map(Box::new(self.ty(v, &singular(hint)))),
            None => Ty::Json,
        }
    }

    /// A `#/definitions/X` reference, read once per definition.
    fn definition(&mut self, target: &str) -> Ty {
        let Some(name) = target.strip_prefix("#/definitions/") else {
            return Ty::Json;
        };
        if let Some(done) = self.defs.get(name) {
            return done.clone();
        }
        let Some(def) = self
            .schema
            .pointer(&format!("/definitions/{name}"))
            .cloned()
        else {
            return Ty::Json;
        };
        // An array definition is a list even with `properties` (cfn-lint's patches put item
        // constraints there: DynamoDB's `KeySchema`).
        if has_properties(&def) && !types(&def).iter().any(|t| t == "array") {
            let rust = self.take_name(name);
            // Recorded before reading the fields, so a definition that contains itself refers
            // to its own struct.
            self.defs.insert(name.to_owned(), Ty::Struct(rust.clone()));
            self.structure(&rust, &def);
            Ty::Struct(rust)
        } else {
            let ty = self.ty(&def, name);
            self.defs.insert(name.to_owned(), ty.clone());
            ty
        }
    }

    /// Reads the struct `name` from an object schema (its properties, then those its `oneOf`
    /// or `anyOf` branches add, all optional).
    fn structure(&mut self, name: &str, object: &Value) {
        let required = names(object.get("required"));
        let mut fields: Vec<Field> = Vec::new();
        let own = object.get("properties").and_then(Value::as_object);
        let branches = choice(object).unwrap_or_default();
        let from_branches = branches
            .iter()
            .filter_map(|b| b.get("properties").and_then(Value::as_object));
        let mut seen = BTreeSet::new();
        let outer = std::mem::replace(&mut self.owner, name.to_owned());
        for (i, props) in own.into_iter().chain(from_branches).enumerate() {
            let own_props = i == 0 && own.is_some();
            for (prop, schema) in props {
                if !seen.insert(prop.clone()) {
                    continue;
                }
                let ty = self.ty(schema, prop);
                let ty = self.referenced(name, prop, schema, ty);
                let req = own_props && required.contains(prop);
                let mut f = field(prop, schema, ty, req);
                while fields.iter().any(|g| g.rust == f.rust) {
                    f.rust.push_str("_2");
                }
                fields.push(f);
            }
        }
        self.owner = outer;
        self.structs.push(StructDef {
            name: name.to_owned(),
            doc: text(object),
            fields,
        });
    }

    /// The struct just read as `name`, or an identical one read before under the same base
    /// name (an inline object that two properties repeat is one type).
    fn same_struct(&mut self, name: String, base: &str) -> String {
        let Some(new) = self.structs.iter().position(|s| s.name == name) else {
            return name;
        };
        let signature = |s: &StructDef| -> Vec<(String, Ty, bool)> {
            s.fields
                .iter()
                .map(|f| (f.json.clone(), f.ty.clone(), f.required))
                .collect()
        };
        let wanted = signature(&self.structs[new]);
        let earlier = self.structs.iter().find(|s| {
            s.name != name
                && s.name
                    .trim_end_matches(|c: char| c.is_ascii_digit())
                    .ends_with(base)
                && signature(s) == wanted
        });
        match earlier.map(|s| s.name.clone()) {
            Some(earlier) => {
                self.structs.remove(new);
                self.names.remove(&name);
                earlier
            }
            None => name,
        }
    }

    fn enumeration(&mut self, values: &[Value], property: &Value, hint: &str) -> Ty {
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        if values.is_empty() {
            return Ty::Str;
        }
        // The same values under the same name (a definition used twice) are one enum.
        let base = type_name(hint);
        if let Some(e) = self.enums.iter().find(|e| {
            (e.name == base || e.name.starts_with(&base))
                && e.variants.iter().map(|(_, v)| v).eq(values.iter())
        }) {
            return Ty::Enum(e.name.clone());
        }
        // A generic property name (`Type`, `Status`) says little as a type name on its own:
        // `SubscriberType`, `RecoveryOptionName`.
        let hint = if GENERIC.contains(&hint) && !self.owner.ends_with(hint) {
            format!("{}{hint}", self.owner)
        } else {
            hint.to_owned()
        };
        let name = self.take_name(&hint);
        let mut variants: Vec<(String, String)> = Vec::new();
        for v in values {
            let mut rust = variant_name(&v);
            while variants.iter().any(|(r, _)| *r == rust) {
                rust.push('_');
            }
            variants.push((rust, v));
        }
        self.enums.push(EnumDef {
            name: name.clone(),
            doc: text(property),
            variants,
        });
        Ty::Enum(name)
    }

    /// A free Rust type name for `hint` in this module: `Status`, else prefixed with the
    /// struct that has it (`VersioningConfigurationStatus`), else numbered.
    fn take_name(&mut self, hint: &str) -> String {
        let base = type_name(hint);
        let base = if base == self.type_name.resource {
            format!("{base}Property")
        } else {
            base
        };
        let free = |n: &String| !self.names.contains(n) && !RESERVED.contains(&n.as_str());
        let owned = format!("{}{base}", self.owner);
        let base = if !free(&base) && free(&owned) {
            owned
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) || RESERVED.contains(&name.as_str()) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }
}

/// Property names too generic to name an enum by themselves.
const GENERIC: &[&str] = &[
    "Name", "Type", "Status", "State", "Mode", "Format", "Protocol", "Unit", "Version", "Value",
    "Kind", "Action", "Level", "Scope", "Source", "Target", "Priority", "Policy",
];

/// Names a generated type may not take: the hand-written types the generated code uses.
const RESERVED: &[&str] = &[
    "Value",
    "Json",
    "Tags",
    "Tag",
    "PolicyDocument",
    "Handle",
    "Option",
    "Vec",
    "String",
    "BTreeMap",
    "Box",
];

fn field(name: &str, schema: &Value, ty: Ty, required: bool) -> Field {
    Field {
        json: name.to_owned(),
        rust: field_name(name),
        ty,
        required,
        boxed: false,
        doc: text(schema),
    }
}

/// Boxes every struct-typed field (not inside a list or map) through which its struct contains
/// itself, so the generated types have a size.
fn mark_boxes(structs: &mut [StructDef]) {
    let direct: BTreeMap<String, Vec<String>> = structs
        .iter()
        .map(|s| {
            let targets = s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Struct(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            (s.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(s) = stack.pop() {
            if s == to {
                return true;
            }
            if seen.insert(s.clone()) {
                stack.extend(direct.get(&s).into_iter().flatten().cloned());
            }
        }
        false
    };
    for s in structs.iter_mut() {
        for f in &mut s.fields {
            if let Ty::Struct(t) = &f.ty {
                f.boxed = reaches(t, &s.name);
            }
        }
    }
}

fn choice(property: &Value) -> Option<Vec<Value>> {
    property
        .get("oneOf")
        .or_else(|| property.get("anyOf"))
        .and_then(Value::as_array)
        .cloned()
}

fn has_properties(object: &Value) -> bool {
    object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || choice(object).is_some_and(|b| b.iter().any(|b| b.get("properties").is_some()))
}

fn types(property: &Value) -> Vec<String> {
    match property.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A `format` naming another resource's attribute (`AWS::IAM::Role.Arn`) or a string format.
fn is_string_format(property: &Value) -> bool {
    property
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f != "json")
        || property.get("enum").is_some()
}

fn names(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn pointers(schema: &Value, key: &str) -> BTreeSet<String> {
    names(schema.get(key))
}

fn text(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_structs_enums_maps_and_recursion() {
        let t = TypeName::parse("AWS::X::Thing").expect("a type");
        let schema = json!({
            "typeName": "AWS::X::Thing",
            "properties": {
                "Name": {"type": "string"},
                "Mode": {"type": "string", "enum": ["FAST", "slow.way"]},
                "Rule": {"$ref": "#/definitions/Rule"},
                "Labels": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
                "PolicyDocument": {"type": ["object", "string"]},
                "Arn": {"type": "string"},
                "Role": {"type": "string"},
                "Topic": {"type": "string", "format": "AWS::SNS::Topic.Arn"},
                "Queues": {"type": "array", "items": {"type": "string"}},
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}
            },
            "definitions": {
                "Rule": {"type": "object", "properties": {
                    "Not": {"$ref": "#/definitions/Rule"},
                    "All": {"type": "array", "items": {"$ref": "#/definitions/Rule"}}
                }},
                "Tag": {"type": "object", "properties": {"Key": {"type": "string"}}}
            },
            "required": ["Name"],
            "readOnlyProperties": ["/properties/Arn"],
            "tagging": {"taggable": true}
        });
        let references = [
            Reference {
                owner: "AWS::X::Thing".into(),
                strukt: None,
                property: "Role".into(),
                target: "AWS::IAM::Role".into(),
                kind: "Arn".into(),
                line: 7,
            },
            Reference {
                owner: "AWS::X::Thing".into(),
                strukt: None,
                property: "Queues".into(),
                target: "AWS::SQS::Queue".into(),
                kind: "QueueUrl".into(),
                line: 8,
            },
        ];
        let typed_types: BTreeSet<String> = ["AWS::SNS::Topic".to_owned()].into();
        let context = Context {
            references: &references,
            typed: &typed_types,
        };
        let (typed, applied) = read(&t, &schema, &context).expect("typed");
        assert_eq!(applied, [7, 8].into());
        let attr = |target: &str, kind: &'static str| Ty::Attr {
            target: target.into(),
            kind: Kind::Common(kind),
        };
        let root = &typed.structs[0];
        let fields: Vec<(&str, &Ty, bool)> = root
            .fields
            .iter()
            .map(|f| (f.rust.as_str(), &f.ty, f.required))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", &Ty::Str, true),
                ("mode", &Ty::Enum("ThingMode".into()), false),
                ("rule", &Ty::Struct("Rule".into()), false),
                ("labels", &Ty::Map(Box::new(Ty::Str)), false),
                ("policy_document", &Ty::Policy, false),
                ("role", &attr("AWS::IAM::Role", "Arn"), false),
                ("topic", &attr("AWS::SNS::Topic", "Arn"), false),
                (
                    "queues",
                    &Ty::List(Box::new(attr("AWS::SQS::Queue", "Url"))),
                    false
                ),
                ("tags", &Ty::Tags(false), false),
            ]
        );
        let rule = typed
            .structs
            .iter()
            .find(|s| s.name == "Rule")
            .expect("Rule");
        assert!(rule.fields[0].boxed, "Rule contains itself through Not");
        assert!(!rule.fields[1].boxed, "a list needs no box");
        assert_eq!(
            typed.enums[0].variants[1],
            ("SlowWay".into(), "slow.way".into())
        );
        let arn = &typed.attributes[0];
        assert_eq!(
            (arn.accessor.as_str(), arn.name.as_str(), &arn.kind),
            ("attr_arn", "Arn", &Kind::Common("Arn"))
        );
        assert_eq!(typed.tags_field.as_deref(), Some("tags"));
    }
}
