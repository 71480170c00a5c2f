//! The rendering edge: [`Template::render`] (JSON or YAML text) and [`Template::document`] (the
//! template as one JSON value, which the YAML writer and the tests read), each after
//! [`Template::validate`].
//!
//! JSON is written straight to pretty text, without a `serde_json::Value` in between:
//! `stackgen synth` renders a 200 KB template on every run, and building the whole document as
//! a `Value` tree (a map and a string per key, hashed and dropped again) was most of its time.
//! The document's frame (sections, resource ids, `Type`, policies, `Metadata`) is written by
//! hand and each resource's typed properties are serialized into the same buffer at their depth
//! (`pretty.rs`). The bytes are those `serde_json::to_string_pretty` would write for the same
//! document: the tests hold the text to that format (it reads back and pretty-prints to itself),
//! and each resource's written properties to its typed struct's own serialization.

use serde::Serialize;
use serde_json::Value as Json;

use super::pretty::{Object, write_str};
use super::template::{Format, Template, TemplateError};
use super::value::LogicalId;

/// The template as pretty JSON text. The caller has checked it ([`Template::validate`]'s
/// duplicate and reference checks).
pub(crate) fn json(t: &Template) -> Result<Vec<u8>, TemplateError> {
    let mut out = Vec::with_capacity(256 * 1024);
    let mut root = Object::open(&mut out, 0);
    root.key("AWSTemplateFormatVersion");
    write_str(root.out, "2010-09-09");
    root.key("Description");
    write_str(root.out, t.description());
    section(&mut root, "Parameters", t.parameters())?;
    section(&mut root, "Conditions", t.conditions())?;
    root.key("Resources");
    let mut resources = Object::open(root.out, 1);
    for e in t.entries() {
        resources.key(e.id().as_str());
        resource(resources.out, e).map_err(|err| failed(e.id(), err))?;
    }
    resources.close();
    section(&mut root, "Outputs", t.outputs())?;
    root.close();
    Ok(out)
}

fn failed(id: &LogicalId, e: serde_json::Error) -> TemplateError {
    TemplateError::Serialize {
        id: id.as_str().to_owned(),
        message: e.to_string(),
    }
}

/// `Parameters`, `Conditions` or `Outputs`: left out when empty.
fn section<'t, T: Serialize + 't>(
    root: &mut Object<'_>,
    name: &str,
    items: impl ExactSizeIterator<Item = (&'t LogicalId, &'t T)>,
) -> Result<(), TemplateError> {
    if items.len() == 0 {
        return Ok(());
    }
    root.key(name);
    let mut m = Object::open(root.out, 1);
    for (id, item) in items {
        m.entry(id.as_str(), item).map_err(|e| failed(id, e))?;
    }
    m.close();
    Ok(())
}

/// One resource: `Type`, its attributes, then `Properties` unless they are empty.
fn resource(out: &mut Vec<u8>, e: &super::Entry) -> Result<(), serde_json::Error> {
    #[derive(Serialize)]
    struct Checkov<'a> {
        skip: &'a [super::CheckovSkip],
    }
    #[derive(Serialize)]
    struct Metadata<'a> {
        checkov: Checkov<'a>,
    }
    let mut r = Object::open(out, 2);
    r.key("Type");
    write_str(r.out, e.resource_type());
    let o = &e.options;
    if let Some(c) = &o.condition {
        r.entry("Condition", c.as_str())?;
    }
    if !o.depends_on.is_empty() {
        let ids: Vec<&str> = o.depends_on.iter().map(LogicalId::as_str).collect();
        r.entry("DependsOn", &ids)?;
    }
    if let Some(p) = &o.deletion_policy {
        r.entry("DeletionPolicy", p)?;
    }
    if let Some(p) = &o.update_replace_policy {
        r.entry("UpdateReplacePolicy", p)?;
    }
    if !o.checkov_skips.is_empty() {
        let skip = &o.checkov_skips;
        r.entry(
            "Metadata",
            &Metadata {
                checkov: Checkov { skip },
            },
        )?;
    }
    let before = r.out.len();
    let was_first = r.first;
    r.key("Properties");
    let start = r.out.len();
    e.resource().write_properties(r.out, 3)?;
    // As the document leaves them out: properties that are empty or not an object.
    let written = &r.out[start..];
    if written == b"{}" || !written.starts_with(b"{") {
        r.out.truncate(before);
        r.first = was_first;
    }
    r.close();
    Ok(())
}

impl Template {
    /// The template as one JSON value (validated): its rendered JSON text, read back. The YAML
    /// writer, `stackgen dev`'s local runner and tests take it. Reading 200 KB back takes about
    /// a millisecond; building the value from the typed resources instead instantiated every
    /// resource type's serialization a third time (after the text and the reference check),
    /// the model crate's largest share of machine code.
    pub fn document(&self) -> Result<Json, TemplateError> {
        self.validate()?;
        serde_json::from_slice(&json(self)?).map_err(|e| TemplateError::Serialize {
            id: "template".into(),
            message: e.to_string(),
        })
    }

    /// Renders the template: deterministic (declaration order), newline-terminated. YAML uses
    /// the long intrinsic forms (`Fn::Sub:`), never tags such as `!Sub`.
    pub fn render(&self, format: Format) -> Result<String, TemplateError> {
        let mut out = match format {
            Format::Json => {
                self.validate()?;
                let text = json(self)?;
                String::from_utf8(text).map_err(|e| TemplateError::Serialize {
                    id: "template".into(),
                    message: e.to_string(),
                })?
            }
            // Not serde_norway: CloudFormation reads YAML 1.1 (see cfn/yaml.rs).
            Format::Yaml => super::yaml::to_string(&self.document()?),
        };
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::cfn::Draft;
    use crate::cfn::{
        Condition, DeletionPolicy, Format, Options, Output, Parameter, Tags, Template,
    };
    use crate::services::sqs::Queue;

    /// Every part of the frame: parameters, conditions, a resource with each attribute, one
    /// whose properties are empty (left out), outputs with a condition and an export.
    fn everything() -> Template {
        let mut t = Draft::new("all \"parts\"\n", Tags::new());
        let p = t.parameter("Stage", Parameter::string("the stage"));
        let on = t.condition(
            "IsProd",
            Condition::Equals(p.value(), crate::cfn::Value::lit("prod".to_owned())),
        );
        let empty = t.add("Empty", Queue::new());
        t.add_with(
            "Full",
            Queue::new().queue_name(p.value()).visibility_timeout(30),
            Options::new()
                .depends_on(&empty)
                .data_policy(DeletionPolicy::Retain)
                .condition(&on)
                .skip_checkov("CKV_X", "because"),
        );
        let mut out = Output::new("url", empty.url());
        out.condition = Some(on.id().clone());
        out.export_name = Some(p.value());
        t.output("Url", out);
        t.finish()
    }

    /// The hand-written frame and `Pretty` write exactly serde_json's pretty format: the text
    /// reads back (`document`) and pretty-prints to the same bytes.
    #[test]
    fn writes_the_bytes_the_document_pretty_prints_to() {
        let t = everything();
        let doc = t.document().map_err(|e| e.to_string());
        let want = doc.and_then(|d| serde_json::to_string_pretty(&d).map_err(|e| e.to_string()));
        let got = t.render(Format::Json).map_err(|e| e.to_string());
        assert_eq!(got, want.map(|w| w + "\n"));
        let text = got.unwrap_or_default();
        assert!(
            text.contains("\"Empty\": {\n      \"Type\": \"AWS::SQS::Queue\"\n    },"),
            "{text}"
        );
        assert!(
            text.contains("\"DependsOn\": [\n        \"Empty\"\n      ],"),
            "{text}"
        );
    }

    /// The writer's properties are the typed struct's own serialization, read independently of
    /// the text (serde_json's value serializer).
    #[test]
    fn written_properties_are_the_typed_values_serialization() {
        let t = everything();
        let doc = t.document().unwrap_or_default();
        let stage = t.parameters().next().map(|(id, _)| id.clone());
        let typed = Queue::new()
            .queue_name(crate::cfn::Value::reference(
                stage.unwrap_or_else(|| crate::cfn::LogicalId::new("x")),
            ))
            .visibility_timeout(30);
        let want = serde_json::to_value(&typed).unwrap_or_default();
        assert_eq!(doc["Resources"]["Full"]["Properties"], want);
    }
}
