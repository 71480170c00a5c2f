//! Finding where a field lives in the YAML source.
//!
//! Parse errors come with a line and column from the parser, but a rule checked after parsing
//! (say, "thresholds must ascend") only knows the field path. To point the user at the right
//! line we walk the same YAML again with the same parser, following the path, and raise a marker
//! error on the node we are looking for: the parser stamps that error with the node's position.
//! Using the real parser (rather than searching the text) keeps flow style (`[1, 2]`), quoting,
//! comments and anchors right.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a field path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// One broken rule (`rules`, `domain`, `emulator`): the field it is about and what is wrong, so the error
/// can point at the field's line.
pub type Violation = (FieldPath, String);

/// A path to a field in an environment file, displayed as `budget.thresholds_percent[1]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// The document itself.
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// A path of mapping keys, written with dots: `budget.emails`.
    pub fn keys(dotted: &str) -> Self {
        FieldPath(
            dotted
                .split('.')
                .filter(|k| !k.is_empty())
                .map(|k| Seg::Key(k.to_string()))
                .collect(),
        )
    }

    /// This path followed by a mapping key.
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        FieldPath(segs)
    }

    /// This path followed by a list index.
    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        FieldPath(segs)
    }

    /// The enclosing path, or `None` for the document itself.
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(FieldPath(rest.to_vec()))
    }

    /// Converts the path `serde_path_to_error` reports.
    pub fn from_serde(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        let mut segs = Vec::new();
        for seg in path.iter() {
            match seg {
                Segment::Seq { index } => segs.push(Seg::Index(*index)),
                Segment::Map { key } => segs.push(Seg::Key(key.clone())),
                Segment::Enum { variant } => segs.push(Seg::Key(variant.clone())),
                Segment::Unknown => segs.push(Seg::Key("?".to_string())),
            }
        }
        FieldPath(segs)
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A 1-based line and column in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };
}

const MARKER: &str = "\u{0}stackgen-locate-marker";

/// Where `path` is in `source`: the key for a mapping field, the element for a list item.
/// `occurrence` picks among repeated keys (0 = first). `None` when the path is not in the source
/// (a defaulted field) or the source does not parse.
pub fn find(source: &str, path: &FieldPath, occurrence: usize) -> Option<Position> {
    let de = serde_norway::Deserializer::from_str(source);
    let seek = Seek {
        path: &path.0,
        occurrence,
    };
    match seek.deserialize(de) {
        Ok(()) => None,
        Err(err) if err.to_string().contains(MARKER) => err.location().map(|l| Position {
            line: l.line(),
            column: l.column(),
        }),
        Err(_) => None,
    }
}

/// Where `path` is, or failing that where its nearest enclosing field is, or the file start.
pub fn find_or_parent(source: &str, path: &FieldPath) -> Position {
    let mut current = Some(path.clone());
    while let Some(p) = current {
        if p.is_root() {
            break;
        }
        if let Some(pos) = find(source, &p, 0) {
            return pos;
        }
        current = p.parent();
    }
    Position::START
}

/// Follows `path` through the document; raises the marker error on arrival.
struct Seek<'p> {
    path: &'p [Seg],
    occurrence: usize,
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.path.is_empty() {
            deserializer.deserialize_any(Mark)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Seg::Key(want), rest)) = self.path.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut seen = 0;
        while let Some(hit) = map.next_key_seed(KeySeek {
            want,
            mark_here: rest.is_empty(),
            // The occurrence picks among repeats of the last key only: the path to it goes
            // through the first (and only) key at each level above.
            occurrence: if rest.is_empty() { self.occurrence } else { 0 },
            seen: &mut seen,
        })? {
            if hit {
                map.next_value_seed(Seek {
                    path: rest,
                    occurrence: self.occurrence,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Seg::Index(want), rest)) = self.path.split_first() else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut i = 0;
        loop {
            let found = if i == *want {
                seq.next_element_seed(Seek {
                    path: rest,
                    occurrence: self.occurrence,
                })?
                .is_some()
            } else {
                seq.next_element::<IgnoredAny>()?.is_some()
            };
            if !found {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Reads one mapping key; reports whether it is the one wanted, or marks it.
struct KeySeek<'a> {
    want: &'a str,
    mark_here: bool,
    occurrence: usize,
    seen: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for KeySeek<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeek<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        if key != self.want {
            return Ok(false);
        }
        let this = *self.seen;
        *self.seen += 1;
        if this != self.occurrence {
            return Ok(false);
        }
        if self.mark_here {
            return Err(E::custom(MARKER));
        }
        Ok(true)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// Raises the marker error on whatever node it is asked to read.
struct Mark;

impl<'de> Visitor<'de> for Mark {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
name: dev # comment
budget:
  monthly_usd: 50
  thresholds_percent: [50, 80, 100]
  emails:
    - a@example.com
    - b@example.com
stores:
  - id: store-01
    name: Downtown
  - {id: store-02, name: Riverside}
";

    fn at(path: &str, index: Option<usize>) -> Option<(usize, usize)> {
        let mut p = FieldPath::keys(path);
        if let Some(i) = index {
            p = p.index(i);
        }
        find(DOC, &p, 0).map(|p| (p.line, p.column))
    }

    #[test]
    fn finds_keys_and_list_items_in_block_and_flow_style() {
        assert_eq!(at("name", None), Some((1, 1)));
        assert_eq!(at("budget.monthly_usd", None), Some((3, 3)));
        assert_eq!(at("budget.thresholds_percent", Some(1)), Some((4, 28)));
        assert_eq!(at("budget.emails", Some(1)), Some((7, 7)));
        assert_eq!(at("stores", Some(0)), Some((9, 5)));
        let p = FieldPath::keys("stores").index(1).key("name");
        assert_eq!(find(DOC, &p, 0).map(|p| (p.line, p.column)), Some((11, 20)));
    }

    #[test]
    fn absent_paths_fall_back_to_the_nearest_parent() {
        assert_eq!(at("budget.nope", None), None);
        assert_eq!(at("budget.emails", Some(7)), None);
        let pos = find_or_parent(DOC, &FieldPath::keys("budget.nope"));
        assert_eq!((pos.line, pos.column), (2, 1));
        assert_eq!(
            find_or_parent(DOC, &FieldPath::keys("zzz")),
            Position::START
        );
    }

    #[test]
    fn picks_the_requested_occurrence_of_a_repeated_key() {
        let doc = "a: 1\nb: 2\na: 3\n";
        let second = find(doc, &FieldPath::keys("a"), 1).map(|p| p.line);
        assert_eq!(second, Some(3));
    }

    #[test]
    fn displays_like_serde_path_to_error() {
        let p = FieldPath::keys("budget.thresholds_percent").index(1);
        assert_eq!(p.to_string(), "budget.thresholds_percent[1]");
        assert_eq!(
            FieldPath::keys("stores").index(0).key("id").to_string(),
            "stores[0].id"
        );
    }

    #[test]
    fn garbage_is_not_found_rather_than_a_panic() {
        assert_eq!(find("b: [\na: 1", &FieldPath::keys("a"), 0), None);
        assert_eq!(find("", &FieldPath::keys("a"), 0), None);
        assert_eq!(find("- 1\n- 2", &FieldPath::keys("a"), 0), None);
        assert_eq!(find("a: 1", &FieldPath::root().index(3), 0), None);
    }
}
