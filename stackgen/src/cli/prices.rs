//! `stackgen prices`: the embedded price table — refresh it from AWS's Price List, or check
//! whether AWS's prices moved (see [`crate::cost::pricelist`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::exit::Exit;
use super::target::runtime;
use crate::cost::pricelist::{self, ChangeKind, Options, Outcome, PriceList};
use crate::cost::prices::file::{TableFile, keep};
use crate::cost::prices::{EMBEDDED_PATH, Meter, Table};

const AFTER_HELP: &str = "\
Examples:
  stackgen prices refresh                        every meter of every region in the table
  stackgen prices refresh --check                exit 2 when AWS's prices moved (a scheduled CI job)
  stackgen prices refresh --region ap-southeast-2
                                                 add or refresh one region
  stackgen prices refresh --all-regions          every commercial region stackgen knows
  stackgen prices refresh --meter sqs-requests   one meter
  stackgen prices refresh --record stackgen/cost/tests/pricelist
                                                 also save every answer as a recording

Asks the AWS Price List Query API (GetProducts, us-east-1's endpoint; any AWS credentials with
pricing:GetProducts) for each meter the estimator prices, rewrites stackgen/cost/data/prices.json with
each entry's SKU, effective date and unit, and prints each entry's fate: moved, added, confirmed,
restated (same price, another block), vanished (a Price List product that is gone) or kept (no
answer: the hand-checked price, page and note stay). Rebuild stackgen to embed the new table.

Exit codes:
  0  written, or (--check) the table matches AWS's prices
  1  error: no credentials, the Price List refused, an unreadable table
  2  --check: a price moved, AWS prices a meter the table lacks, or a product the table read
     from the Price List is gone (each is named)
  64 invalid command line (a --region stackgen does not know, an unknown --meter, a --date
     that is not a day from 2006 to today)";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PricesCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PricesCommand {
    /// Rewrite the price table from AWS's Price List (--check: compare only, exit 2 if stale).
    #[command(after_help = AFTER_HELP)]
    Refresh(RefreshArgs),
}

#[derive(Debug, clap::Args)]
pub struct RefreshArgs {
    /// Compare with AWS's prices and write nothing; exit 2 when a price moved.
    #[arg(long)]
    pub check: bool,
    /// The table to refresh.
    #[arg(long, value_name = "FILE", default_value = EMBEDDED_PATH)]
    pub table: PathBuf,
    /// Where to write the refreshed table (default: over --table).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A region to refresh (repeatable; default: the table's regions).
    #[arg(long = "region", value_name = "REGION", value_parser = parse_region)]
    pub regions: Vec<String>,
    /// Every commercial region stackgen knows.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Only this meter, e.g. `sqs-requests` (repeatable; default: all).
    #[arg(long = "meter", value_name = "METER", value_parser = parse_meter)]
    pub meters: Vec<Meter>,
    /// The table's date when anything in it changes (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<String>,
    /// Write each Price List answer to DIR as a recording (what the tests replay).
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Named AWS profile for the Price List's credentials.
    #[arg(long)]
    pub profile: Option<String>,
    /// Another Price List endpoint (the tests' recorded answers on 127.0.0.1).
    #[arg(long, value_name = "URL", value_parser = endpoint_arg)]
    pub endpoint_url: Option<String>,
}

fn endpoint_arg(text: &str) -> Result<String, String> {
    match crate::env::endpoint_problem(text) {
        None => Ok(text.to_owned()),
        Some(problem) => Err(format!(
            "`{text}` is not an endpoint: {problem}; write e.g. http://127.0.0.1:5000"
        )),
    }
}

fn parse_meter(text: &str) -> Result<Meter, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        let names: Vec<String> = Meter::ALL.iter().map(|m| m.name()).collect();
        format!(
            "unknown meter `{text}`; the meters are: {}",
            names.join(", ")
        )
    })
}

/// A commercial region stackgen knows (a malformed value is a usage error, exit 64).
fn parse_region(text: &str) -> Result<String, String> {
    let known = crate::env::KNOWN_REGIONS;
    if known.contains(&text) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "not a commercial AWS region stackgen knows; the regions are {}",
            known.join(", ")
        ))
    }
}

/// A day from AWS's first prices (2006) to today, UTC, as `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<String, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(text, &format)
        .map_err(|_| "expected a day as YYYY-MM-DD, e.g. 2026-12-01".to_owned())?;
    let today = time::OffsetDateTime::now_utc().date();
    if day.year() < 2006 || day > today {
        return Err(format!(
            "prices are taken on a day from 2006 to today ({today}); give that day"
        ));
    }
    Ok(text.to_owned())
}

pub fn run(args: &Args) -> Result<Exit> {
    match &args.command {
        PricesCommand::Refresh(args) => refresh(args),
    }
}

fn refresh(args: &RefreshArgs) -> Result<Exit> {
    let text = read_table(&args.table)?;
    let old = TableFile::parse(&args.table.display().to_string(), text)?;
    let opts = options(args, &old)?;
    let outcome = runtime()?.block_on(async {
        let mut price_list = PriceList::connect(
            args.endpoint_url.clone(),
            args.profile.clone(),
            args.record.clone(),
        )
        .await;
        let outcome = pricelist::refresh(&mut price_list, &old, &opts).await;
        outcome.map(|o| (o, price_list.requests))
    });
    let (outcome, requests) = outcome.context("cannot refresh the price table")?;
    print_changes(&outcome);
    for w in &outcome.warnings {
        errln!("warning: {w}");
    }
    let stale = outcome.changes.iter().filter(|c| c.is_stale()).count();
    if args.check {
        if stale == 0 {
            outln!(
                "{}: matches AWS's Price List ({requests} GetProducts requests)",
                args.table.display()
            );
            return Ok(Exit::Ok);
        }
        errln!(
            "{}: {stale} price{} moved or missing; run `stackgen prices refresh` and commit the table",
            args.table.display(),
            if stale == 1 { "" } else { "s" }
        );
        return Ok(Exit::Changes);
    }
    let out = args.out.as_deref().unwrap_or(&args.table);
    let name = out.display().to_string();
    let written = keep(outcome.table.write(&name)?);
    // What is written must load as cost-report will load it (amounts, notes, sources).
    Table::load(&name, written)
        .context("the refreshed table would not load; nothing was written")?;
    std::fs::write(out, written).with_context(|| format!("cannot write {name}"))?;
    outln!(
        "wrote {} ({} entries, {requests} GetProducts requests); rebuild stackgen to embed it",
        out.display(),
        outcome.table.entries.len()
    );
    Ok(Exit::Ok)
}

/// The table's text, kept for the life of the process (the table borrows from it).
fn read_table(path: &Path) -> Result<&'static str> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the price table {}: run from the repository's root, or pass --table",
            path.display()
        )
    })?;
    Ok(keep(text))
}

fn options(args: &RefreshArgs, old: &TableFile<'_>) -> Result<Options> {
    let known = crate::env::KNOWN_REGIONS;
    let regions: Vec<String> = if args.all_regions {
        known.iter().map(|r| (*r).to_string()).collect()
    } else if args.regions.is_empty() {
        old.regions.iter().map(|r| r.region.to_string()).collect()
    } else {
        args.regions.clone()
    };
    if let Some(bad) = regions.iter().find(|r| !known.contains(&r.as_str())) {
        bail!(
            "--region {bad}: not a commercial AWS region stackgen knows; the regions are {}",
            known.join(", ")
        );
    }
    let date = match &args.date {
        // Checked as the command line was read (parse_date).
        Some(d) => d.clone(),
        None => {
            let today = time::OffsetDateTime::now_utc().date();
            format!(
                "{:04}-{:02}-{:02}",
                today.year(),
                u8::from(today.month()),
                today.day()
            )
        }
    };
    Ok(Options {
        regions,
        meters: args.meters.clone(),
        date,
    })
}

fn print_changes(outcome: &Outcome) {
    for c in &outcome.changes {
        let meter = c.meter.name();
        match &c.kind {
            ChangeKind::Moved { from, to } => {
                outln!("moved      {} {meter}: {from} → {to}", c.region)
            }
            ChangeKind::Added { to } => outln!("added      {} {meter}: {to}", c.region),
            ChangeKind::Vanished { sku } => outln!(
                "vanished   {} {meter}: the Price List no longer answers with SKU {sku}; check the \
                 query in cost/pricelist/meters.rs (the entry is kept)",
                c.region
            ),
            ChangeKind::Restated { from, to } => {
                outln!(
                    "restated   {} {meter}: {from} → {to} (the same price)",
                    c.region
                )
            }
            ChangeKind::Confirmed => outln!("confirmed  {} {meter}", c.region),
            ChangeKind::Kept { why } => outln!("kept       {} {meter}: {why}", c.region),
        }
    }
}
