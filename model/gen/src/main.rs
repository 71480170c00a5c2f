//! `stackgen-model-gen vendor | generate`: see the library's docs (`src/lib.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use stackgen_model_gen::{GenError, generate, model_dir, vendor};

const USAGE: &str = "usage: stackgen-model-gen vendor [--from <cfnlint/data/schemas>] | generate";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["vendor"] => run_vendor(None),
        ["vendor", "--from", dir] => run_vendor(Some(PathBuf::from(dir))),
        ["generate"] => run_generate(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(64);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stackgen-model-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_vendor(from: Option<PathBuf>) -> Result<(), GenError> {
    let model = model_dir();
    let bundle = match from {
        Some(dir) => dir,
        None => stackgen_model_gen::vendor::find_bundle(&model.join(".."))?,
    };
    let done = vendor(&model, &bundle, &stackgen_model_gen::vendor::today())?;
    println!(
        "vendored {} schemas from cfn-lint {} (schema_date {}) into model/schemas/",
        done.copied, done.cfn_lint_version, done.schema_date
    );
    for name in done.removed {
        println!("removed model/schemas/{name} (no longer allowlisted)");
    }
    Ok(())
}

fn run_generate() -> Result<(), GenError> {
    let model = model_dir();
    let files = generate(&model)?;
    for dir in [
        stackgen_model_gen::GENERATED_DIR,
        stackgen_model_gen::FACTS_GENERATED_DIR,
    ] {
        let dir = model.join(dir);
        std::fs::create_dir_all(&dir).map_err(|e| GenError::Io {
            path: dir.clone(),
            source: e,
        })?;
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if !files.iter().any(|(p, _)| model.join(p) == path) {
                std::fs::remove_file(&path).map_err(|source| GenError::Io { path, source })?;
            }
        }
    }
    for (path, source) in &files {
        let target = model.join(path);
        std::fs::write(&target, source).map_err(|e| GenError::Io {
            path: target.clone(),
            source: e,
        })?;
    }
    println!(
        "wrote {} files under model/{} and model/{}",
        files.len(),
        stackgen_model_gen::GENERATED_DIR,
        stackgen_model_gen::FACTS_GENERATED_DIR
    );
    Ok(())
}
