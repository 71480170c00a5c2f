//! Packaging with the real cargo-lambda: a tiny crate with one binary named like a spec
//! function is built for arm64, zipped, hashed and recorded; a second run finds it unchanged.

mod support;

use std::path::{Path, PathBuf};

use stackgen::deploy::package::{
    AssetManifest, PackageError, PackageRequest, find_cargo_lambda, find_cargo_lambda_in, package,
};
use support::{Recorded, TestResult};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn a_missing_cargo_lambda_names_the_install_command() {
    let nowhere = std::env::temp_dir().join("stackgen-no-tools-here");
    let err = find_cargo_lambda_in(std::slice::from_ref(&nowhere), &nowhere.join(".venv/bin"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("pip install cargo-lambda==1.9.2"), "{err}");
    assert!(err.contains("make tools"), "{err}");
}

#[test]
fn a_function_is_built_zipped_hashed_and_recorded_then_found_unchanged() -> TestResult {
    // The project's own cargo-lambda (PATH or .venv), as `stackgen package` finds it.
    find_cargo_lambda(&workspace_root())?;
    let dir = std::env::temp_dir().join(format!("stackgen-package-{}", std::process::id()));
    let crate_dir = dir.join("fixture");
    std::fs::create_dir_all(crate_dir.join("src/bin"))?;
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        "[package]\nname = \"fixture-functions\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(
        crate_dir.join("src/bin/catalog.rs"),
        "fn main() { println!(\"catalog\"); }\n",
    )?;
    let request = PackageRequest {
        workspace_root: workspace_root(),
        functions_manifest: crate_dir.join("Cargo.toml"),
        lambda_dir: dir.join("lambda"),
        out_dir: dir.join("out/test"),
        functions: &[&retail_spec::CATALOG],
    };
    let first = package(&request, &Recorded::default())?;
    let asset = first
        .functions
        .get("catalog")
        .ok_or("catalog not recorded")?;
    assert_eq!(asset.zip, dir.join("lambda/catalog/bootstrap.zip"));
    assert_eq!(asset.sha256.len(), 64);
    assert!(asset.size > 0 && asset.changed);
    let on_disk = AssetManifest::read(&AssetManifest::path_in(&request.out_dir))?
        .ok_or("assets.json not written")?;
    assert_eq!(
        on_disk.functions.get("catalog").map(|a| &a.sha256),
        Some(&asset.sha256)
    );

    let second = package(&request, &Recorded::default())?;
    let again = second
        .functions
        .get("catalog")
        .ok_or("catalog not recorded")?;
    assert_eq!(
        again.sha256, asset.sha256,
        "an unchanged function builds to the same zip"
    );
    assert!(!again.changed);

    // A binary the crate does not have is named in the error.
    let missing = PackageRequest {
        functions: &[&retail_spec::CART],
        ..request
    };
    let err = package(&missing, &Recorded::default())
        .err()
        .ok_or("built a missing binary")?;
    assert!(
        matches!(
            err,
            PackageError::BuildFailed { .. } | PackageError::ZipMissing { .. }
        ),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
