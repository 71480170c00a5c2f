//! The template written straight to pretty JSON text, without a `serde_json::Value` in between.
//!
//! `stackgen synth` renders a 200 KB template on every run, and building the whole document as
//! a `Value` tree (a map and a string per key, hashed and dropped again) was most of its time.
//! Here the document's frame (sections, resource ids, `Type`, policies, `Metadata`) is written
//! by hand and each resource's typed properties are serialized into the same buffer at their
//! depth by [`Pretty`], a copy of serde_json's `PrettyFormatter` that can start indented. The
//! bytes are those `serde_json::to_string_pretty` writes for [`Template::document`] (a unit test
//! and the template snapshots hold them equal).

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

use super::template::{Template, TemplateError};
use super::value::LogicalId;

/// serde_json's pretty formatter (two spaces a level), started at a given depth.
#[derive(Debug, Clone, Copy)]
pub struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A formatter whose value starts `depth` levels in.
    pub fn at(depth: usize) -> Self {
        Pretty {
            depth,
            has_value: false,
        }
    }
}

fn indent<W: ?Sized + io::Write>(w: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl Pretty {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// `]` or `}`: on a line of its own unless the array or object is empty.
    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    /// Before an element or key: a comma after the first, a new line, the indentation.
    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.depth)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Serializes `value` into `out` as pretty JSON that starts `depth` levels in.
pub fn write_value<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    depth: usize,
    value: &T,
) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        out,
        Pretty::at(depth),
    ))
}

/// An object being written by hand: its keys at `depth + 1`.
struct Object<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    first: bool,
}

impl<'o> Object<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize) -> Self {
        out.push(b'{');
        Object {
            out,
            depth,
            first: true,
        }
    }

    /// Writes `"key": ` on a new line; the value follows.
    fn key(&mut self, key: &str) {
        self.out
            .extend_from_slice(if self.first { b"\n" } else { b",\n" });
        self.first = false;
        for _ in 0..=self.depth {
            self.out.extend_from_slice(b"  ");
        }
        write_str(self.out, key);
        self.out.extend_from_slice(b": ");
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), serde_json::Error> {
        self.key(key);
        write_value(self.out, self.depth + 1, v)
    }

    fn close(self) {
        if !self.first {
            self.out.push(b'\n');
            for _ in 0..self.depth {
                self.out.extend_from_slice(b"  ");
            }
        }
        self.out.push(b'}');
    }
}

/// A JSON string literal (escaped as serde_json escapes it).
fn write_str(out: &mut Vec<u8>, s: &str) {
    // Writing a &str into a Vec<u8> cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

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

#[cfg(test)]
mod tests {
    use crate::cfn::{
        Condition, DeletionPolicy, Format, Options, Output, Parameter, Tags, Template,
    };
    use crate::services::sqs::Queue;

    /// Every part of the frame: parameters, conditions, a resource with each attribute, one
    /// whose properties are empty (left out), outputs with a condition and an export.
    fn everything() -> Template {
        let mut t = Template::new("all \"parts\"\n", Tags::new());
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
        t
    }

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
}
