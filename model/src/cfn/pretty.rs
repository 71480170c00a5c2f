//! Pretty JSON written into a byte buffer at any depth: serde_json's `PrettyFormatter`, copied
//! so that a value can start indented, and a hand-written object for a document's frame.
//!
//! The renderer (`render.rs`) writes a template's frame with [`Object`] and each resource's
//! typed properties with [`write_value`], which `resource!` (`template.rs`) calls for every
//! resource type; the bytes are those `serde_json::to_string_pretty` would write.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

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
pub(crate) struct Object<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    depth: usize,
    pub(crate) first: bool,
}

impl<'o> Object<'o> {
    pub(crate) fn open(out: &'o mut Vec<u8>, depth: usize) -> Self {
        out.push(b'{');
        Object {
            out,
            depth,
            first: true,
        }
    }

    /// Writes `"key": ` on a new line; the value follows.
    pub(crate) fn key(&mut self, key: &str) {
        self.out
            .extend_from_slice(if self.first { b"\n" } else { b",\n" });
        self.first = false;
        for _ in 0..=self.depth {
            self.out.extend_from_slice(b"  ");
        }
        write_str(self.out, key);
        self.out.extend_from_slice(b": ");
    }

    pub(crate) fn entry<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        v: &T,
    ) -> Result<(), serde_json::Error> {
        self.key(key);
        write_value(self.out, self.depth + 1, v)
    }

    pub(crate) fn close(self) {
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
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    // Writing a &str into a Vec<u8> cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}
