//! The committed model is what the generator makes of the committed schemas and allowlist:
//! regenerates in memory (from `model/schemas/` only, no venv) and compares byte for byte.

use std::collections::BTreeSet;

use stackgen_model_gen::{
    FACTS_GENERATED_DIR, GENERATED_DIR, SCHEMAS_DIR, generate, model_dir, read_allowlist,
};

const FIX: &str = "run `cargo run -p stackgen-model-gen -- generate` and commit the result";

#[test]
fn the_generated_model_is_up_to_date() {
    let model = model_dir();
    let files = generate(&model).unwrap_or_else(|e| panic!("generate: {e}"));
    for (path, expected) in &files {
        let committed = std::fs::read_to_string(model.join(path))
            .unwrap_or_else(|e| panic!("model/{}: {e}; {FIX}", path.display()));
        assert!(
            committed == *expected,
            "model/{} differs from what the generator writes; {FIX}",
            path.display()
        );
    }
    let written: BTreeSet<_> = files.iter().map(|(p, _)| model.join(p)).collect();
    for dir in [GENERATED_DIR, FACTS_GENERATED_DIR] {
        for entry in std::fs::read_dir(model.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            assert!(
                written.contains(&entry.path()),
                "model/{dir}/{} is not generated any more; {FIX}",
                entry.file_name().to_string_lossy()
            );
        }
    }
}

#[test]
fn the_vendored_schemas_are_exactly_the_allowlisted_types() {
    let model = model_dir();
    let types = read_allowlist(&model.join("allowlist.txt")).unwrap_or_else(|e| panic!("{e}"));
    let wanted: BTreeSet<String> = types.iter().map(|t| t.schema_file()).collect();
    let dir = model.join(SCHEMAS_DIR);
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    assert_eq!(
        present, wanted,
        "model/schemas/ and model/allowlist.txt disagree: run `cargo run -p stackgen-model-gen -- vendor`"
    );
}
