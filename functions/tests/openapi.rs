//! The OpenAPI document (`functions/openapi.yaml`) describes exactly the routes of
//! `retail_spec::ROUTES`, with their path parameters, and the error codes the code can return.

use retail_functions::error::ErrorCode;
use retail_spec::ROUTES;
use serde_norway::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .trim_start_matches("#/")
            .split('/')
            .fold(doc, |node, key| &node[key]),
        None => v,
    }
}

#[test]
fn documents_exactly_the_spec_routes() {
    let doc = document();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let mut documented = BTreeSet::new();
    let paths = doc["paths"]
        .as_mapping()
        .unwrap_or_else(|| panic!("no paths"));
    for (path, item) in paths {
        let path = path.as_str().unwrap_or_default();
        for m in METHODS {
            if item.get(m).is_some() {
                documented.insert(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    let spec: BTreeSet<String> = ROUTES.iter().map(|r| r.route_key()).collect();
    let missing: Vec<_> = spec.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&spec).collect();
    assert!(
        missing.is_empty(),
        "routes without documentation: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "documented routes that do not exist: {extra:?}"
    );
}

#[test]
fn path_parameters_and_operation_ids() {
    let doc = document();
    let mut ids = BTreeSet::new();
    for route in ROUTES {
        let item = &doc["paths"][route.path];
        let op = &item[route.method.as_str().to_lowercase().as_str()];
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty() && ids.insert(id.to_owned()),
            "{}: operationId",
            route.route_key()
        );
        let declared: BTreeSet<String> = [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_sequence)
            .flatten()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"].as_str() == Some("path"))
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        let wanted: BTreeSet<String> = route
            .path_parameters()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(declared, wanted, "{}: path parameters", route.route_key());
        let responses = op["responses"].as_mapping().map(|m| m.len()).unwrap_or(0);
        assert!(
            responses >= 2,
            "{}: success and error responses",
            route.route_key()
        );
    }
}

#[test]
fn error_codes_match_the_code() {
    let doc = document();
    let documented: BTreeSet<String> = doc["components"]["schemas"]["Error"]["properties"]["error"]
        ["properties"]["code"]["enum"]
        .as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let real: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(documented, real);
}

#[test]
fn every_operation_declares_who_may_call_it_as_the_spec_does() {
    let doc = document();
    assert!(doc["components"]["securitySchemes"]["userPool"]["scheme"].as_str() == Some("bearer"));
    for route in ROUTES {
        let op = &doc["paths"][route.path][route.method.as_str().to_lowercase().as_str()];
        let key = route.route_key();
        assert_eq!(
            op["x-caller"].as_str(),
            Some(route.caller.as_str()),
            "{key}: x-caller"
        );
        let security = op["security"]
            .as_sequence()
            .unwrap_or_else(|| panic!("{key}: no security"));
        if route.caller.needs_token() {
            assert_eq!(security.len(), 1, "{key}");
            assert!(security[0].get("userPool").is_some(), "{key}");
            for status in ["401", "403"] {
                assert!(op["responses"].get(status).is_some(), "{key}: {status}");
            }
        } else {
            assert!(security.is_empty(), "{key}: a public route needs no token");
        }
    }
}

/// Every operation that takes a body says what happens to one too large or not sent as JSON.
#[test]
fn every_body_may_be_refused_for_its_size_and_its_type() {
    let doc = document();
    let paths = doc["paths"]
        .as_mapping()
        .unwrap_or_else(|| panic!("no paths"));
    let mut checked = 0;
    for (path, item) in paths {
        for m in METHODS {
            let Some(op) = item.get(m).filter(|op| op.get("requestBody").is_some()) else {
                continue;
            };
            for status in ["413", "415"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{} {}: no {status} response",
                    m.to_uppercase(),
                    path.as_str().unwrap_or_default()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} operations take a body");
}

/// The handler table of `functions/README.md` lists every route of each HTTP function, so it
/// cannot go stale when a route is added.
#[test]
fn the_readme_lists_every_route_of_each_function() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for route in ROUTES {
        let id = route.function.id;
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("{path} has no row for the function `{id}`"));
        let named = format!("`{} {}`", route.method.as_str(), route.path);
        assert!(
            row.contains(&named),
            "{path}: the `{id}` row lacks {named}: {row}"
        );
    }
}
