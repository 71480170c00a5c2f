//! Comparing two template values the way CloudFormation does, down to the changed leaves.
//!
//! CloudFormation accepts `"128"` and `128` interchangeably, treats `DependsOn` as a set, and
//! compares an intrinsic function (`Ref`, `Fn::GetAtt`, …) as a whole expression. A naive JSON
//! diff gets all three wrong and reports noise; this module encodes those rules once, and walks
//! two values to the deepest path where they really differ.

use serde_json::{Map, Value};

use super::path::PropertyPath;

/// One difference between two values at a path: added (`old` is `None`), removed (`new` is
/// `None`) or modified.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawChange {
    pub path: PropertyPath,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// An intrinsic function call (`{"Ref": …}`, `{"Fn::Sub": …}`) is compared and reported as
/// one expression.
pub(crate) use stackgen_intrinsics::is_intrinsic;

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    let parse = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// CloudFormation's notion of equality: scalars compare by their text (`128` = `"128"`,
/// `true` = `"true"`), mappings by keys, lists by position.
pub(crate) fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| loosely_equal(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| loosely_equal(v, w))
        }
        (Value::Null, Value::Null) => true,
        _ => match (scalar_text(a), scalar_text(b)) {
            (Some(x), Some(y)) => {
                x == y || ((a.is_number() || b.is_number()) && numbers_equal(a, b))
            }
            _ => false,
        },
    }
}

/// `DependsOn` is a set of logical ids, written as one string or a list.
pub(crate) fn normalize_depends_on(value: &Value) -> Value {
    let mut ids: Vec<String> = match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(scalar_text).collect(),
        other => return other.clone(),
    };
    ids.sort();
    ids.dedup();
    Value::Array(ids.into_iter().map(Value::String).collect())
}

/// Appends to `out` every difference between `old` and `new`, at the deepest path that still
/// makes sense (an intrinsic function is never split).
pub(crate) fn diff_values(path: &PropertyPath, old: &Value, new: &Value, out: &mut Vec<RawChange>) {
    if loosely_equal(old, new) {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) if !is_intrinsic(old) && !is_intrinsic(new) => {
            diff_maps(path, a, b, out);
        }
        (Value::Array(a), Value::Array(b)) => diff_lists(path, a, b, out),
        _ => out.push(RawChange {
            path: path.clone(),
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

/// Differences between two mappings, in the new mapping's key order, then keys only the old one has.
pub(crate) fn diff_maps(
    path: &PropertyPath,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    out: &mut Vec<RawChange>,
) {
    for (key, new_value) in new {
        match old.get(key) {
            Some(old_value) => diff_values(&path.key(key), old_value, new_value, out),
            None => out.push(RawChange {
                path: path.key(key),
                old: None,
                new: Some(new_value.clone()),
            }),
        }
    }
    for (key, old_value) in old {
        if !new.contains_key(key) {
            out.push(RawChange {
                path: path.key(key),
                old: Some(old_value.clone()),
                new: None,
            });
        }
    }
}

/// The `Key` of every element when the list is a tag list (`[{Key, Value}, …]`) with unique keys.
fn tag_keys(items: &[Value]) -> Option<Vec<&str>> {
    let keys: Vec<&str> = items
        .iter()
        .map(|item| item.as_object()?.get("Key")?.as_str())
        .collect::<Option<_>>()?;
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted.len() == keys.len()).then_some(keys)
}

fn diff_lists(path: &PropertyPath, old: &[Value], new: &[Value], out: &mut Vec<RawChange>) {
    if !old.is_empty()
        && !new.is_empty()
        && let (Some(old_keys), Some(new_keys)) = (tag_keys(old), tag_keys(new))
    {
        diff_tag_lists(path, (old, &old_keys), (new, &new_keys), out);
        return;
    }
    for op in align(old, new) {
        match op {
            Aligned::Pair(i, j) => diff_values(&path.index(j), &old[i], &new[j], out),
            Aligned::Removed(i) => out.push(RawChange {
                path: path.index(i),
                old: Some(old[i].clone()),
                new: None,
            }),
            Aligned::Added(j) => out.push(RawChange {
                path: path.index(j),
                old: None,
                new: Some(new[j].clone()),
            }),
        }
    }
}

fn diff_tag_lists(
    path: &PropertyPath,
    (old, old_keys): (&[Value], &[&str]),
    (new, new_keys): (&[Value], &[&str]),
    out: &mut Vec<RawChange>,
) {
    for (j, key) in new_keys.iter().enumerate() {
        let here = path.keyed("Key", key);
        match old_keys.iter().position(|k| k == key) {
            Some(i) => diff_values(&here, &old[i], &new[j], out),
            None => out.push(RawChange {
                path: here,
                old: None,
                new: Some(new[j].clone()),
            }),
        }
    }
    for (i, key) in old_keys.iter().enumerate() {
        if !new_keys.contains(key) {
            out.push(RawChange {
                path: path.keyed("Key", key),
                old: Some(old[i].clone()),
                new: None,
            });
        }
    }
}

/// How an element of the old list corresponds to the new list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aligned {
    /// Old element `i` became new element `j` (equal, or changed in place).
    Pair(usize, usize),
    Removed(usize),
    Added(usize),
}

/// Aligns two lists on their longest common subsequence of equal elements; between two anchors,
/// removed and added elements are paired by position (an in-place edit), the rest are plain
/// removals or additions. Template lists are short, so the quadratic table is fine.
fn align(old: &[Value], new: &[Value]) -> Vec<Aligned> {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if loosely_equal(&old[i], &new[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops = Vec::new();
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let flush = |ops: &mut Vec<Aligned>, removed: &mut Vec<usize>, added: &mut Vec<usize>| {
        let pairs = removed.len().min(added.len());
        for k in 0..pairs {
            ops.push(Aligned::Pair(removed[k], added[k]));
        }
        ops.extend(removed[pairs..].iter().map(|&i| Aligned::Removed(i)));
        ops.extend(added[pairs..].iter().map(|&j| Aligned::Added(j)));
        removed.clear();
        added.clear();
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && loosely_equal(&old[i], &new[j]) {
            flush(&mut ops, &mut removed, &mut added);
            ops.push(Aligned::Pair(i, j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(j);
            j += 1;
        } else {
            removed.push(i);
            i += 1;
        }
    }
    flush(&mut ops, &mut removed, &mut added);
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(old: Value, new: Value) -> Vec<(String, Option<Value>, Option<Value>)> {
        let mut out = Vec::new();
        diff_values(&PropertyPath::root(), &old, &new, &mut out);
        out.into_iter()
            .map(|c| (c.path.to_string(), c.old, c.new))
            .collect()
    }

    #[test]
    fn scalars_compare_as_cloudformation_does() {
        assert!(loosely_equal(&json!(128), &json!("128")));
        assert!(loosely_equal(&json!("1.0"), &json!(1)));
        assert!(!loosely_equal(&json!("3.10"), &json!("3.1")));
        assert!(loosely_equal(&json!(true), &json!("true")));
        assert!(!loosely_equal(&json!(true), &json!("True")));
        assert!(!loosely_equal(&json!(128), &json!(256)));
        assert!(!loosely_equal(&json!(null), &json!("")));
        assert!(!loosely_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn equal_values_have_no_changes() {
        let v = json!({"A": [1, {"B": "x"}], "C": {"Ref": "P"}});
        assert!(changes(v.clone(), v).is_empty());
    }

    #[test]
    fn reports_the_deepest_changed_leaf() {
        let old = json!({"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
        let new = json!({"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
        assert_eq!(
            changes(old, new),
            vec![(
                "KeySchema[0].AttributeName".to_owned(),
                Some(json!("pk")),
                Some(json!("id"))
            )]
        );
    }

    #[test]
    fn added_and_removed_keys() {
        let got = changes(json!({"A": 1, "B": 2}), json!({"A": 1, "C": 3}));
        assert_eq!(
            got,
            vec![
                ("C".to_owned(), None, Some(json!(3))),
                ("B".to_owned(), Some(json!(2)), None)
            ]
        );
    }

    #[test]
    fn intrinsics_are_compared_whole() {
        let got = changes(
            json!({"Role": {"Fn::GetAtt": ["OldRole", "Arn"]}}),
            json!({"Role": {"Fn::GetAtt": ["NewRole", "Arn"]}}),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "Role");
    }

    #[test]
    fn literal_replaced_by_intrinsic_is_one_change() {
        let got = changes(json!({"Name": "x"}), json!({"Name": {"Ref": "P"}}));
        assert_eq!(
            got,
            vec![(
                "Name".to_owned(),
                Some(json!("x")),
                Some(json!({"Ref": "P"}))
            )]
        );
    }

    #[test]
    fn list_insertion_is_one_addition_not_a_cascade() {
        let got = changes(json!(["a", "b", "c"]), json!(["z", "a", "b", "c"]));
        assert_eq!(got, vec![("[0]".to_owned(), None, Some(json!("z")))]);
        let got = changes(json!(["a", "b", "c"]), json!(["a", "c"]));
        assert_eq!(got, vec![("[1]".to_owned(), Some(json!("b")), None)]);
    }

    #[test]
    fn list_edit_in_place_recurses() {
        let got = changes(
            json!([{"Id": "1", "Arn": "a"}, {"Id": "2", "Arn": "b"}]),
            json!([{"Id": "1", "Arn": "a"}, {"Id": "2", "Arn": "c"}]),
        );
        assert_eq!(
            got,
            vec![("[1].Arn".to_owned(), Some(json!("b")), Some(json!("c")))]
        );
    }

    #[test]
    fn tag_lists_are_matched_by_key_not_position() {
        let old = json!([{"Key": "Env", "Value": "dev"}, {"Key": "Owner", "Value": "a"}]);
        let new = json!([{"Key": "Owner", "Value": "b"}, {"Key": "Env", "Value": "dev"}, {"Key": "New", "Value": "1"}]);
        let got = changes(old, new);
        assert_eq!(
            got,
            vec![
                (
                    "[Key=Owner].Value".to_owned(),
                    Some(json!("a")),
                    Some(json!("b"))
                ),
                (
                    "[Key=New]".to_owned(),
                    None,
                    Some(json!({"Key": "New", "Value": "1"}))
                ),
            ]
        );
    }

    #[test]
    fn depends_on_is_a_set() {
        assert_eq!(normalize_depends_on(&json!("A")), json!(["A"]));
        assert_eq!(
            normalize_depends_on(&json!(["B", "A", "B"])),
            json!(["A", "B"])
        );
    }
}
