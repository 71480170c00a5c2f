//! `stackgen package`: build every function with cargo-lambda (arm64 zips), hash them and write
//! the asset manifest `out/<env>/assets.json` that deploy and status read.

use anyhow::Result;
use serde_json::json;

use super::deploy::{Layout, OutputFormat, Printer, Target, load_env, package_assets, prepare};
use super::exit::Exit;

const AFTER_HELP: &str = "\
Examples:
  stackgen package --env dev                 build and hash every function
  stackgen package --env dev --format json   the manifest on stdout
  stackgen package --env dev --skip-build    hash the zips already in target/lambda

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
    /// Do not run cargo-lambda; hash the zips already in the lambda dir.
    #[arg(long)]
    pub skip_build: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    prepare(&env)?;
    let manifest = package_assets(&args.layout, &env.name, args.skip_build, &Printer::new())?;
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
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => {
            for (id, a) in &manifest.functions {
                let note = if a.changed { "changed" } else { "unchanged" };
                println!(
                    "{id:<16} {:>10} bytes  {}  {note}",
                    a.size,
                    a.sha256.get(..12).unwrap_or(&a.sha256)
                );
            }
            println!("manifest: {}", path.display());
        }
    }
    Ok(Exit::Ok)
}

fn deploy_manifest_path(args: &Args, env: &str) -> std::path::PathBuf {
    crate::deploy::AssetManifest::path_in(&args.layout.out.join(env))
}
