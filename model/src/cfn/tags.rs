//! Resource tags, in the two shapes CloudFormation uses.
//!
//! Most types take a list of `{Key, Value}`; API Gateway v2 takes a plain map. Resources keep
//! tags as one [`Tags`] value either way and choose the shape when serialising, so the template
//! can stamp the environment's required tags on every taggable resource uniformly.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

/// One tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// An ordered set of tags (keys unique; insertion order kept so output is deterministic).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<Tag>);

impl Tags {
    pub fn new() -> Self {
        Tags(Vec::new())
    }

    /// Sets `key` to `value`, replacing an existing value.
    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(t) = self.0.iter_mut().find(|t| t.key == key) {
            value.clone_into(&mut t.value);
        } else {
            self.0.push(Tag {
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }

    pub fn remove(&mut self, key: &str) {
        self.0.retain(|t| t.key != key);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Serialises as `{"Key": "Value", …}` (API Gateway v2's shape).
    pub fn serialize_as_map<S: Serializer>(tags: &Tags, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(tags.0.len()))?;
        for t in &tags.0 {
            m.serialize_entry(&t.key, &t.value)?;
        }
        m.end()
    }
}

/// Tags serialised as a map (`{"Key": "Value", …}`, API Gateway v2's shape): what the generated
/// properties of such a type write.
#[derive(Debug, Clone, Copy)]
pub struct TagsAsMap<'a>(pub &'a Tags);

impl Serialize for TagsAsMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Tags::serialize_as_map(self.0, s)
    }
}

impl Serialize for Tags {
    /// `[{"Key": …, "Value": …}, …]`, the shape of most resource types.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct KeyValue<'a> {
            key: &'a str,
            value: &'a str,
        }
        let mut q = s.serialize_seq(Some(self.0.len()))?;
        for t in &self.0 {
            q.serialize_element(&KeyValue {
                key: &t.key,
                value: &t.value,
            })?;
        }
        q.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes() {
        let mut t = Tags::new();
        t.set("Env", "dev");
        t.set("Project", "grocer");
        t.set("Env", "prod");
        assert_eq!(
            serde_json::to_string(&t).unwrap_or_default(),
            r#"[{"Key":"Env","Value":"prod"},{"Key":"Project","Value":"grocer"}]"#
        );
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        assert!(Tags::serialize_as_map(&t, &mut ser).is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"Env":"prod","Project":"grocer"}"#
        );
        t.remove("Env");
        assert_eq!(t.get("Env"), None);
    }
}
