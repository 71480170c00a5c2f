//! Links traffic to template resources, and log groups to the functions that write them.
//!
//! A profile names resources by spec id, physical-name suffix or logical id; the template names
//! them by logical id and (often intrinsic) physical names. Both sides are normalised here so
//! that `report-builder`, `ReportBuilder` and `ReportBuilderFunction` meet.

use std::collections::BTreeMap;

use super::template::{Facts, Inventory, Piece, Resource, literal_tail};
use super::traffic::normalize;

/// Logical-id suffixes that name the kind rather than the thing.
const KIND_SUFFIXES: &[&str] = &["Function", "Table", "Bucket", "Queue", "Topic", "LogGroup"];

/// Whether usage key `key` names `r` (whose physical name is `name`).
fn key_names(key: &str, r: &Resource, name: Option<&[Piece]>) -> bool {
    let k = normalize(key);
    if k == normalize(&r.logical_id) {
        return true;
    }
    for suffix in KIND_SUFFIXES {
        if let Some(stem) = r.logical_id.strip_suffix(suffix)
            && !stem.is_empty()
            && k == normalize(stem)
        {
            return true;
        }
    }
    if let Some(tail) = name.and_then(literal_tail) {
        let segs: Vec<&str> = tail.split('-').filter(|s| !s.is_empty()).collect();
        for i in 0..segs.len() {
            if normalize(&segs[i..].concat()) == k {
                return true;
            }
        }
    }
    false
}

/// The name closest to `key` among those that would have named one of `candidates` (logical
/// ids, and their stems without the kind: `ReportBuilder` for `ReportBuilderFunction`), when it
/// is close enough to be a typo of it.
pub fn closest_key(key: &str, candidates: &[&Resource]) -> Option<String> {
    let mut names: Vec<&str> = Vec::new();
    for r in candidates {
        let id = r.logical_id.as_str();
        let stem = KIND_SUFFIXES
            .iter()
            .find_map(|s| id.strip_suffix(s).filter(|stem| !stem.is_empty()));
        names.extend(stem);
        names.push(id);
    }
    stackgen_env::suggest::did_you_mean(key, &names).map(str::to_owned)
}

/// The physical name pieces of a resource, where it has one.
pub fn name_of(r: &Resource) -> Option<&[Piece]> {
    match &r.facts {
        Facts::Function { name, .. }
        | Facts::Table { name, .. }
        | Facts::LogGroup { name, .. }
        | Facts::Bucket { name, .. }
        | Facts::Queue { name, .. }
        | Facts::Topic { name, .. } => name.as_deref(),
        _ => None,
    }
}

/// Result of matching one usage map to the resources of one kind.
pub struct Matched<'t, T> {
    /// logical id → usage.
    pub by_resource: BTreeMap<String, &'t T>,
    /// Keys that named no resource, with the keys that would have.
    pub unmatched: Vec<String>,
    /// Keys that named several resources (the first in template order gets the usage).
    pub ambiguous: Vec<(String, Vec<String>)>,
    /// (key, the key that named the resource first, the resource): two spellings of one
    /// resource (`catalog` and `CatalogFunction`); only the first is priced.
    pub repeated: Vec<(String, String, String)>,
}

/// Matches `usage` keys to `candidates`. `extra` lets a key name resources by another rule
/// (the bucket key `site` names CloudFront origins).
pub fn match_usage<'t, T>(
    usage: &'t BTreeMap<String, T>,
    candidates: &[&Resource],
    extra: &dyn Fn(&str, &Resource) -> bool,
) -> Matched<'t, T> {
    let mut out = Matched {
        by_resource: BTreeMap::new(),
        unmatched: Vec::new(),
        ambiguous: Vec::new(),
        repeated: Vec::new(),
    };
    let mut named_by: BTreeMap<String, &String> = BTreeMap::new();
    for (key, u) in usage {
        // An exact logical id wins outright.
        let exact: Vec<&&Resource> = candidates.iter().filter(|r| r.logical_id == *key).collect();
        // Then a name, and only where no name matches, the caller's fallback (the CDN's site
        // origin for `site`, whichever other buckets the CDN also serves).
        let hits: Vec<&&Resource> = if exact.is_empty() {
            let named: Vec<&&Resource> = candidates
                .iter()
                .filter(|r| key_names(key, r, name_of(r)))
                .collect();
            if named.is_empty() {
                candidates.iter().filter(|r| extra(key, r)).collect()
            } else {
                named
            }
        } else {
            exact
        };
        let target = match hits.as_slice() {
            [] => {
                out.unmatched.push(key.clone());
                continue;
            }
            [one] => one,
            [first, ..] => {
                out.ambiguous.push((
                    key.clone(),
                    hits.iter().map(|r| r.logical_id.clone()).collect(),
                ));
                first
            }
        };
        match named_by.get(&target.logical_id) {
            Some(earlier) => {
                out.repeated
                    .push((key.clone(), (*earlier).clone(), target.logical_id.clone()))
            }
            None => {
                named_by.insert(target.logical_id.clone(), key);
                out.by_resource.insert(target.logical_id.clone(), u);
            }
        }
    }
    out
}

/// The functions whose logs land in log group `lg`.
pub fn functions_logging_to(inv: &Inventory, lg: &Resource) -> Vec<String> {
    let Facts::LogGroup { name: lg_name, .. } = &lg.facts else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &inv.resources {
        let Facts::Function {
            name, log_group, ..
        } = &f.facts
        else {
            continue;
        };
        let hit = match log_group {
            // LoggingConfig.LogGroup names the group (by Ref or by name).
            Some(target) => {
                target.as_slice() == [Piece::Ref(lg.logical_id.clone())]
                    || lg_name.as_deref() == Some(target.as_slice())
            }
            // Otherwise Lambda writes to /aws/lambda/<function name>.
            None => lg_name
                .as_deref()
                .is_some_and(|n| default_group_matches(n, &f.logical_id, name.as_deref())),
        };
        if hit {
            out.push(f.logical_id.clone());
        }
    }
    out
}

/// Whether log group name `group` is `/aws/lambda/` followed by the function's name.
fn default_group_matches(group: &[Piece], fn_logical_id: &str, fn_name: Option<&[Piece]>) -> bool {
    let Some((Piece::Lit(head), rest)) = group.split_first() else {
        return false;
    };
    let Some(after) = head.strip_prefix("/aws/lambda/") else {
        return false;
    };
    let mut tail: Vec<Piece> = Vec::new();
    if !after.is_empty() {
        tail.push(Piece::Lit(after.to_string()));
    }
    tail.extend(rest.iter().cloned());
    if tail == [Piece::Ref(fn_logical_id.to_string())] {
        return true;
    }
    fn_name.is_some_and(|n| !n.contains(&Piece::Opaque) && n == tail.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Arch;

    fn function(id: &str, name: Option<Vec<Piece>>) -> Resource {
        Resource {
            logical_id: id.into(),
            resource_type: "AWS::Lambda::Function".into(),
            facts: Facts::Function {
                memory_mb: 256,
                arch: Arch::Arm,
                ephemeral_mb: 512,
                name,
                log_group: None,
                traced: false,
                sends_email: false,
            },
            condition: None,
        }
    }

    #[test]
    fn keys_match_spec_ids_names_and_logical_ids() {
        let rb = function(
            "ReportBuilderFunction",
            Some(vec![
                Piece::Ref("AWS::StackName".into()),
                Piece::Lit("-report-builder".into()),
            ]),
        );
        let orders = function("OrdersFunction", None);
        for key in [
            "report-builder",
            "ReportBuilder",
            "ReportBuilderFunction",
            "report_builder",
        ] {
            assert!(key_names(key, &rb, name_of(&rb)), "{key}");
        }
        assert!(!key_names("reports", &rb, name_of(&rb)));
        assert!(key_names("orders", &orders, None));
        assert!(!key_names("order", &orders, None));
    }

    #[test]
    fn a_misspelt_key_is_answered_with_the_name_it_likely_meant() {
        let rb = function("ReportBuilderFunction", None);
        let orders = function("OrdersFunction", None);
        let cands = [&rb, &orders];
        assert_eq!(
            closest_key("report-buildr", &cands).as_deref(),
            Some("ReportBuilder")
        );
        assert_eq!(closest_key("ordres", &cands).as_deref(), Some("Orders"));
        assert_eq!(closest_key("payments", &cands), None);
    }

    #[test]
    fn default_log_groups_follow_the_function_name() {
        let name = vec![Piece::Lit("grocer-dev-catalog".into())];
        let lit = vec![Piece::Lit("/aws/lambda/grocer-dev-catalog".into())];
        assert!(default_group_matches(&lit, "CatalogFunction", Some(&name)));
        let by_ref = vec![
            Piece::Lit("/aws/lambda/".into()),
            Piece::Ref("CatalogFunction".into()),
        ];
        assert!(default_group_matches(&by_ref, "CatalogFunction", None));
        assert!(!default_group_matches(&by_ref, "CartFunction", None));
    }
}
