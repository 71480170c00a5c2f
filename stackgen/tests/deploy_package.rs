//! Packaging with the real cargo-lambda: a tiny crate whose binary is named like the functions'
//! (`bootstrap`) is built for arm64, zipped, hashed and recorded for every function; a second
//! run finds it unchanged. And `function_code: host`: the same crate built for this machine,
//! zipped as `bootstrap` (checked with Python's zipfile), re-zipped identically when unchanged
//! and to a new hash when the code changes.

mod support;

use std::path::{Path, PathBuf};

use stackgen::deploy::package::{
    AssetManifest, PackageError, PackageRequest, find_cargo_lambda, find_cargo_lambda_in, package,
    record,
};
use stackgen::env::FunctionCode;
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
fn the_functions_binary_is_built_zipped_hashed_and_recorded_then_found_unchanged() -> TestResult {
    // The project's own cargo-lambda (PATH or .venv), as `stackgen package` finds it.
    find_cargo_lambda(&workspace_root())?;
    let dir = std::env::temp_dir().join(format!("stackgen-package-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let crate_dir = fixture_crate(&dir, &[("bootstrap", "every function")])?;
    let request = PackageRequest {
        workspace_root: workspace_root(),
        functions_manifest: crate_dir.join("Cargo.toml"),
        lambda_dir: dir.join("lambda"),
        out_dir: dir.join("out/test"),
        functions: &[&retail_spec::CATALOG, &retail_spec::CART],
        code: FunctionCode::Lambda,
        host_bin_dir: dir.join("target/debug"),
    };
    let recorded = Recorded::default();
    let first = package(&request, &recorded)?;
    let asset = first
        .functions
        .get("catalog")
        .ok_or("catalog not recorded")?;
    assert_eq!(asset.zip, dir.join("lambda/bootstrap/bootstrap.zip"));
    assert_eq!(asset.sha256.len(), 64);
    assert!(asset.size > 0 && asset.changed);
    assert_eq!(
        first.functions.get("cart"),
        Some(asset),
        "every function ships in the one zip"
    );
    assert!(
        recorded
            .steps()
            .iter()
            .any(|s| s.contains("profile release")),
        "{:?}",
        recorded.steps()
    );
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
        "unchanged code builds to the same zip"
    );
    assert!(!again.changed);

    // A crate without the `bootstrap` binary: cargo's failure, named.
    let other = dir.join("other");
    let without = PackageRequest {
        functions_manifest: fixture_crate(&other, &[("catalog", "catalog")])?.join("Cargo.toml"),
        lambda_dir: other.join("lambda"),
        ..request
    };
    let err = package(&without, &Recorded::default())
        .err()
        .ok_or("built a missing binary")?;
    assert!(matches!(err, PackageError::BuildFailed { .. }), "{err:?}");
    assert!(err.to_string().contains("--bin bootstrap"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// A crate with one binary per function id given, in a temporary directory.
fn fixture_crate(dir: &Path, bins: &[(&str, &str)]) -> Result<PathBuf, std::io::Error> {
    let crate_dir = dir.join("fixture");
    std::fs::create_dir_all(crate_dir.join("src/bin"))?;
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        "[package]\nname = \"fixture-functions\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    for (name, says) in bins {
        std::fs::write(
            crate_dir.join(format!("src/bin/{name}.rs")),
            format!("fn main() {{ println!(\"{says}\"); }}\n"),
        )?;
    }
    Ok(crate_dir)
}

/// What Python's zipfile reads in `zip`: names, the entry's Unix mode, whether the CRCs check
/// out, and whether the entry's bytes equal `expected`.
fn python_reads(zip: &Path, expected: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let venv_python = workspace_root().join(".venv/bin/python");
    let python = if venv_python.is_file() {
        venv_python
    } else {
        PathBuf::from("python3")
    };
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(
            "import sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             i = z.infolist()[0]\n\
             same = z.read('bootstrap') == open(sys.argv[2], 'rb').read()\n\
             print(z.namelist(), oct(i.external_attr >> 16), z.testzip(), same, i.compress_type)",
        )
        .arg(zip)
        .arg(expected)
        .output()?;
    if !out.status.success() {
        return Err(format!("zipfile: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn host_code_zips_this_machines_build_as_bootstrap_and_rezips_only_on_change() -> TestResult {
    let dir = std::env::temp_dir().join(format!("stackgen-host-package-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let crate_dir = fixture_crate(&dir, &[("bootstrap", "v1")])?;
    let request = PackageRequest {
        workspace_root: workspace_root(),
        functions_manifest: crate_dir.join("Cargo.toml"),
        lambda_dir: dir.join("lambda-host"),
        out_dir: dir.join("out/local"),
        functions: &[&retail_spec::CATALOG],
        code: FunctionCode::Host,
        host_bin_dir: dir.join("target/debug"),
    };
    let recorded = Recorded::default();
    let first = package(&request, &recorded)?;
    let asset = first
        .functions
        .get("catalog")
        .ok_or("catalog not recorded")?
        .clone();
    assert_eq!(asset.zip, dir.join("lambda-host/bootstrap/bootstrap.zip"));
    assert!(asset.changed);
    let (sha, size) = stackgen::deploy::package::hash_file(&asset.zip)?;
    assert_eq!((sha.as_str(), size), (asset.sha256.as_str(), asset.size));
    assert_eq!(
        python_reads(&asset.zip, &dir.join("target/debug/bootstrap"))?,
        "['bootstrap'] 0o100755 None True 0",
        "one executable entry `bootstrap` holding the host binary, stored"
    );
    assert!(
        recorded
            .steps()
            .iter()
            .any(|s| s.contains("function_code: host")),
        "{:?}",
        recorded.steps()
    );
    let binary_ran = std::process::Command::new(dir.join("target/debug/bootstrap")).output()?;
    assert_eq!(String::from_utf8_lossy(&binary_ran.stdout), "v1\n");

    // Unchanged code: the same zip, byte for byte, so nothing would be uploaded again.
    let second = package(&request, &Recorded::default())?;
    let again = second
        .functions
        .get("catalog")
        .ok_or("catalog not recorded")?;
    assert_eq!(again.sha256, asset.sha256);
    assert!(!again.changed);
    // --skip-package hashes the same zip.
    let skipped = record(&request)?;
    assert_eq!(
        skipped.functions.get("catalog").map(|a| &a.sha256),
        Some(&asset.sha256)
    );

    // Changed code: a new hash, marked changed.
    fixture_crate(&dir, &[("bootstrap", "v2")])?;
    let third = package(&request, &Recorded::default())?;
    let changed = third
        .functions
        .get("catalog")
        .ok_or("catalog not recorded")?;
    assert_ne!(changed.sha256, asset.sha256);
    assert!(changed.changed);

    // A crate without the `bootstrap` binary: cargo's failure, named.
    let other = dir.join("other");
    let missing = PackageRequest {
        functions_manifest: fixture_crate(&other, &[("catalog", "catalog")])?.join("Cargo.toml"),
        host_bin_dir: other.join("target/debug"),
        ..request.clone()
    };
    let err = package(&missing, &Recorded::default())
        .err()
        .ok_or("packaged a missing binary")?;
    assert!(
        matches!(err, PackageError::HostBuildFailed { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("--bin bootstrap"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

#[test]
fn host_and_quick_zips_never_replace_the_release_zip() {
    let root = workspace_root();
    let standard = PackageRequest::standard(&root, "local");
    assert_eq!(standard.code, FunctionCode::Lambda);
    assert_eq!(standard.lambda_dir, root.join("target/lambda"));
    let host = PackageRequest::standard(&root, "local").with_code(FunctionCode::Host);
    assert_eq!(host.lambda_dir, root.join("target/lambda-host"));
    assert_eq!(
        host.zip_path(),
        root.join("target/lambda-host/bootstrap/bootstrap.zip")
    );
    let quick = PackageRequest::standard(&root, "dev").with_code(FunctionCode::LambdaQuick);
    assert_eq!(
        quick.zip_path(),
        root.join("target/lambda-quick-zip/bootstrap/bootstrap.zip")
    );
    let mut chosen = PackageRequest::standard(&root, "local");
    chosen.lambda_dir = PathBuf::from("/somewhere/else");
    assert_eq!(
        chosen.with_code(FunctionCode::Host).lambda_dir,
        PathBuf::from("/somewhere/else"),
        "an explicit --lambda-dir is kept"
    );
    let env = stackgen::env::load_named(&root.join("environments"), "local")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        env.function_code,
        FunctionCode::Host,
        "make run relies on it"
    );
    for (name, code) in [
        ("dev", FunctionCode::LambdaQuick),
        ("prod", FunctionCode::Lambda),
    ] {
        let env = stackgen::env::load_named(&root.join("environments"), name)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(env.function_code, code, "{name}");
    }
}

/// `--skip-build` records only a zip Lambda can run: not a file that is no zip, nor a zip
/// without `bootstrap` at its root (it once recorded both, and the deploy would have shipped
/// them).
#[test]
fn a_zip_lambda_cannot_run_is_refused_before_it_is_recorded() -> TestResult {
    let dir = std::env::temp_dir().join(format!("stackgen-notazip-{}", std::process::id()));
    let mut request = PackageRequest::standard(&workspace_root(), "dev");
    request.lambda_dir = dir.join("lambda");
    request.out_dir = dir.join("out");
    let zip = request.zip_path();
    std::fs::create_dir_all(zip.parent().ok_or("no parent")?)?;
    let elsewhere = stackgen::deploy::package::bootstrap_zip::archive(b"x")
        .map_err(|size| format!("{size}"))?
        .iter()
        .map(|b| if *b == b'b' { b'B' } else { *b })
        .collect::<Vec<u8>>();
    for (bytes, says) in [
        (b"notazip".to_vec(), "not a zip archive"),
        (elsewhere, "holds no `bootstrap`"),
    ] {
        std::fs::write(&zip, &bytes)?;
        let err = stackgen::deploy::package::record(&request)
            .err()
            .ok_or("a bad zip was recorded")?
            .to_string();
        assert!(err.contains(says) && err.contains("--skip-build"), "{err}");
        assert!(
            !request.out_dir.join("assets.json").exists(),
            "nothing recorded"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
