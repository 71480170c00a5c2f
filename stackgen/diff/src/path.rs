//! Where in a template a change happened.
//!
//! A diff is only useful if it points at the exact property: `Properties.KeySchema[0].AttributeName`
//! says more than "the table changed". [`PropertyPath`] is that address, rendered the way people
//! read templates (dots for keys, `[n]` for list positions, `[Key=Env]` for tag lists that are
//! matched by key rather than by position).

use std::fmt;

use serde::{Serialize, Serializer};

/// One step into a template value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A key of a mapping (`Properties`, `MemorySize`).
    Key(String),
    /// A position in a list (`[0]`).
    Index(usize),
    /// An element of a list of `{Key, Value}` objects (tags), found by its key (`[Key=Env]`).
    Keyed { field: String, value: String },
}

/// The address of a value inside a resource (or a section entry), from its root.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PropertyPath(Vec<Segment>);

impl PropertyPath {
    /// The empty path: the value itself.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Builds a path from keys only (`["Properties", "TableName"]`).
    pub fn from_keys<I, S>(keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self(keys.into_iter().map(|k| Segment::Key(k.into())).collect())
    }

    /// This path followed by a mapping key.
    pub fn key(&self, key: &str) -> Self {
        self.with(Segment::Key(key.to_owned()))
    }

    /// This path followed by a list position.
    pub fn index(&self, index: usize) -> Self {
        self.with(Segment::Index(index))
    }

    /// This path followed by a keyed list element.
    pub fn keyed(&self, field: &str, value: &str) -> Self {
        self.with(Segment::Keyed {
            field: field.to_owned(),
            value: value.to_owned(),
        })
    }

    fn with(&self, segment: Segment) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment);
        Self(segments)
    }

    /// The steps of the path, root first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// True for the empty path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `self` equals `other` or lies above it.
    pub fn is_prefix_of(&self, other: &PropertyPath) -> bool {
        other.0.len() >= self.0.len() && other.0[..self.0.len()] == self.0[..]
    }

    /// True when one path contains the other (they address overlapping values).
    pub fn overlaps(&self, other: &PropertyPath) -> bool {
        self.is_prefix_of(other) || other.is_prefix_of(self)
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for PropertyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if is_plain_key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => write!(f, "[{}]", serde_json::Value::from(key.as_str()))?,
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Keyed { field, value } => write!(f, "[{field}={value}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for PropertyPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_keys_indexes_and_tag_keys_like_a_template_reader_would() {
        let path = PropertyPath::root()
            .key("Properties")
            .key("KeySchema")
            .index(0)
            .key("AttributeName");
        assert_eq!(path.to_string(), "Properties.KeySchema[0].AttributeName");
        let tag = PropertyPath::root()
            .key("Properties")
            .key("Tags")
            .keyed("Key", "Env");
        assert_eq!(
            tag.key("Value").to_string(),
            "Properties.Tags[Key=Env].Value"
        );
    }

    #[test]
    fn quotes_keys_that_are_not_identifiers() {
        let path = PropertyPath::root().key("Metadata").key("aws:cdk:path");
        assert_eq!(path.to_string(), "Metadata[\"aws:cdk:path\"]");
        assert_eq!(PropertyPath::root().to_string(), "");
    }

    #[test]
    fn prefix_and_overlap() {
        let parent = PropertyPath::from_keys(["Properties", "Budget"]);
        let child = parent.key("BudgetName");
        assert!(parent.is_prefix_of(&child));
        assert!(!child.is_prefix_of(&parent));
        assert!(child.overlaps(&parent));
        assert!(!child.overlaps(&PropertyPath::from_keys(["Properties", "Other"])));
    }
}
