//! YAML traffic profiles: the shipped example works, and mistakes are errors that name the
//! file, the line and the field.

use std::path::{Path, PathBuf};

use stackgen::cost::{CostError, EstimateOptions, Qty, Traffic, TrafficArg, estimate};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/traffic/weekend-sale.yaml")
}

fn dev_like() -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cost_fixtures/dev-like.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("json")
}

fn parse_err(yaml: &str) -> String {
    match Traffic::from_yaml(Path::new("profiles/bad.yaml"), yaml) {
        Ok(t) => panic!("accepted: {t:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_shipped_example_loads_and_prices_every_key() {
    let t = TrafficArg::File(example()).load().expect("example loads");
    assert_eq!(t.api_requests, 250_000);
    assert_eq!(t.log_bytes_per_invocation, 700);
    assert_eq!(t.functions["catalog"].invocations, 150_000);
    assert_eq!(
        t.functions["report-builder"].log_gb,
        Some(Qty::thousandths(10))
    );
    let r = estimate(
        &dev_like(),
        &t,
        &EstimateOptions {
            label: "dev".into(),
            region: "us-east-1".into(),
            free_tier: false,
            budget: None,
        },
    )
    .expect("estimate");
    assert!(
        r.warnings.iter().all(|w| !w.contains("names no")),
        "every key of the example names a resource: {:?}",
        r.warnings
    );
    // The measured log volume of the report builder is used as given.
    let lg = r.resource("ReportBuilderLogGroup").expect("log group");
    assert_eq!(lg.components[0].quantity, Qty::thousandths(10));
    // A file profile gets its own row next to the built-in ones.
    let names: Vec<&str> = r.profiles.iter().map(|p| p.profile.as_str()).collect();
    assert_eq!(names.len(), 4);
    assert!(names[3].ends_with("weekend-sale.yaml"));
}

#[test]
fn an_unknown_field_names_file_line_and_field() {
    let e = parse_err(
        "api_requests: 10\nfunctions:\n  catalog:\n    invocations: 5\n    avg_duraton_ms: 40\n",
    );
    assert!(e.contains("profiles/bad.yaml"), "{e}");
    assert!(e.contains("line 5"), "{e}");
    assert!(e.contains("functions.catalog"), "{e}");
    assert!(e.contains("unknown field `avg_duraton_ms`"), "{e}");
    assert!(
        e.contains("avg_duration_ms"),
        "the message lists the expected fields: {e}"
    );
}

#[test]
fn a_wrong_type_names_the_field() {
    let e = parse_err("tables:\n  Products:\n    reads: lots\n");
    assert!(e.contains("tables.Products.reads"), "{e}");
    assert!(e.contains("line 3"), "{e}");
}

#[test]
fn a_negative_quantity_is_refused() {
    let e = parse_err("buckets:\n  site:\n    storage_gb: -1\n");
    assert!(e.contains("buckets.site.storage_gb"), "{e}");
    assert!(e.contains("non-negative"), "{e}");
}

#[test]
fn a_top_level_typo_is_refused() {
    let e = parse_err("api_request: 10\n");
    assert!(e.contains("unknown field `api_request`"), "{e}");
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn durations_must_be_given_and_possible() {
    let e = parse_err("functions:\n  catalog: { invocations: 10 }\n");
    assert!(
        e.contains("functions.catalog.avg_duration_ms") && e.contains("missing or zero"),
        "{e}"
    );
    let e = parse_err("functions:\n  catalog: { invocations: 10, avg_duration_ms: 1000000 }\n");
    assert!(e.contains("15-minute"), "{e}");
}

#[test]
fn a_missing_file_is_an_unknown_profile() {
    let arg: TrafficArg = "no/such/profile.yaml".parse().expect("infallible");
    match arg.load() {
        Err(CostError::UnknownProfile { name }) => assert_eq!(name, "no/such/profile.yaml"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        "1m".parse::<TrafficArg>().expect("infallible"),
        TrafficArg::Builtin(stackgen::cost::BuiltinProfile::OneMillion)
    );
}

#[test]
fn usage_for_a_resource_the_template_lacks_is_a_warning_naming_it() {
    let t = Traffic::from_yaml(
        Path::new("x.yaml"),
        "functions:\n  checkout: { invocations: 10, avg_duration_ms: 20 }\n",
    )
    .expect("parses");
    let r = estimate(
        &dev_like(),
        &t,
        &EstimateOptions {
            label: "dev".into(),
            region: "us-east-1".into(),
            free_tier: false,
            budget: None,
        },
    )
    .expect("estimate");
    let w = r
        .warnings
        .iter()
        .find(|w| w.contains("`checkout`"))
        .expect("warning");
    assert!(
        w.contains("CatalogFunction"),
        "lists the functions there are: {w}"
    );
}

/// Two spellings of one function (`catalog` and `CatalogFunction`) are not added up or silently
/// dropped: the first is priced, and a warning names both.
#[test]
fn one_resource_named_twice_is_priced_once_with_a_warning() {
    let options = EstimateOptions {
        label: "dev".into(),
        region: "us-east-1".into(),
        free_tier: false,
        budget: None,
    };
    let usage = |yaml: &str| {
        let t = Traffic::from_yaml(Path::new("x.yaml"), yaml).expect("parses");
        estimate(&dev_like(), &t, &options).expect("estimate")
    };
    let once =
        usage("functions:\n  CatalogFunction: { invocations: 60000, avg_duration_ms: 50 }\n");
    let twice = usage(
        "functions:\n  catalog: { invocations: 150000, avg_duration_ms: 40 }\n  \
         CatalogFunction: { invocations: 60000, avg_duration_ms: 50 }\n",
    );
    let w = twice
        .warnings
        .iter()
        .find(|w| w.contains("both name CatalogFunction"))
        .unwrap_or_else(|| panic!("no warning: {:?}", twice.warnings));
    assert!(
        w.contains("`CatalogFunction`") && w.contains("`catalog`"),
        "{w}"
    );
    // The key that sorts first (`CatalogFunction`) is the one priced.
    assert_eq!(once.totals.total, twice.totals.total);
}

/// A number past 64 bits is named at its field, in words (the parser called it a u128).
#[test]
fn a_number_past_64_bits_is_named_at_its_field() {
    let err = Traffic::from_yaml(Path::new("x.yaml"), "api_requests: 99999999999999999999\n")
        .expect_err("too large");
    let text = err.to_string();
    assert!(
        text.contains("field `api_requests`")
            && text.contains("is out of range for every number of a traffic profile")
            && !text.contains("u128"),
        "{text}"
    );
}

/// A device in place of a traffic profile is refused unread (it was read until memory ran out).
#[test]
fn a_device_is_not_a_traffic_profile() {
    let err = Traffic::from_file(Path::new("/dev/zero")).expect_err("refused");
    assert!(err.to_string().contains("not a regular file"), "{err}");
}
