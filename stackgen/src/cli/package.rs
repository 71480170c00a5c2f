//! `stackgen package`: build the functions' binary with cargo-lambda (an arm64 zip) — or, for an
//! environment with `function_code: host`, for this machine — hash the zip and write the asset
//! manifest `out/<env>/assets.json` that deploy and status read.

use anyhow::{Context, Result};
use serde_json::json;

use super::exit::Exit;
use super::printer::Printer;
use super::target::{Layout, OutputFormat, Target, load_env, prepare_for};
use crate::deploy::{self, Progress};

const AFTER_HELP: &str = "\
Examples:
  stackgen package --env dev                 build and hash every function
  stackgen package --env dev --format json   the manifest on stdout
  stackgen package --env prod                the arm64 release build (function_code: lambda)
  stackgen package --env dev                 the quicker lambda-quick build (dev.yaml's
                                             function_code: lambda-quick) into target/lambda-quick-zip
  stackgen package --env dev --skip-build    hash the zip already built
  stackgen package --env local               the host debug build zipped as bootstrap
                                             (function_code: host) into target/lambda-host

Exit codes:
  0  packaged
  1  error: cargo-lambda missing (the message gives the install command), build failed
  3  guardrail violations";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub layout: Layout,
    /// Do not build; hash the zips already in the lambda dir.
    #[arg(long)]
    pub skip_build: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    prepare_for(&env, "; nothing was packaged")?;
    let request = args.layout.request(&env.name).for_environment(&env);
    let printer = Printer::new();
    let manifest = if args.skip_build {
        printer.step(&deploy::package::skip_build_note(&request, "--skip-build"));
        deploy::package::record(&request)
    } else {
        deploy::package(&request, &printer)
    }
    .with_context(|| format!("cannot package the functions of `{}`", env.name))?;
    let path = deploy_manifest_path(args, &env.name);
    match args.format {
        OutputFormat::Json => {
            let functions: serde_json::Map<String, serde_json::Value> = manifest
                .functions
                .iter()
                .map(|(id, a)| {
                    (
                        id.clone(),
                        json!({"zip": a.zip, "sha256": a.sha256, "size": a.size, "changed": a.changed}),
                    )
                })
                .collect();
            let doc = json!({"environment": env.name, "manifest": path, "functions": functions});
            outln!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => {
            for (id, a) in &manifest.functions {
                let note = if a.changed { "changed" } else { "unchanged" };
                outln!(
                    "{id:<16} {:>10} bytes  {}  {note}",
                    a.size,
                    a.sha256.get(..12).unwrap_or(&a.sha256)
                );
            }
            outln!("manifest: {}", path.display());
        }
    }
    Ok(Exit::Ok)
}

fn deploy_manifest_path(args: &Args, env: &str) -> std::path::PathBuf {
    crate::deploy::AssetManifest::path_in(&args.layout.out.join(env))
}
