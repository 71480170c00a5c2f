//! `stackgen logs`: the environment's function logs, one line each, coloured by level (see
//! [`crate::logs`]): CloudWatch Logs in AWS, `stackgen dev`'s files for an environment whose
//! functions run on this machine.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};

use super::exit::Exit;
use super::style::stdout_color;
use super::target::{OutputFormat, Target, connect, load_env, prepare_to_read, runtime};
use crate::env::{Environment, FunctionCode};
use crate::logs::{self, Event, Query, Source, cloudwatch, local};
use crate::stack::RetailStack;

const AFTER_HELP: &str = "\
Examples:
  stackgen logs --env dev                              every function, the last 10 minutes
  stackgen logs --env prod --function orders --since 2h --filter \"order refused\"
  stackgen logs --env dev --follow                     new lines as they arrive (Ctrl-C stops)
  stackgen logs --env local                            what `stackgen dev` ran (out/logs/local/)
  stackgen logs --env dev --format json | jq .message  one JSON object per line

Where: CloudWatch Logs (each function's /aws/lambda/<name> log group) for an environment whose
functions run in AWS; `stackgen dev`'s log files for one with `function_code: host`, or with
--log-dir. --filter matches the exact text, case-sensitive.

Exit codes:
  0  printed (also when nothing matched; --follow: stopped with Ctrl-C or by its reader)
  1  error: unknown function, log group or directory missing, AWS refused
  64 invalid command line (a --since that is not a duration, …)";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Only this function (its id, e.g. `orders`); repeat for more. Default: every function.
    #[arg(long = "function", short = 'f', value_name = "ID")]
    pub functions: Vec<String>,
    /// How far back to start: 30s, 10m, 2h, 1d.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10m",
        allow_hyphen_values = true,
        value_parser = since_arg
    )]
    pub since: String,
    /// Keep printing new lines until Ctrl-C.
    #[arg(long)]
    pub follow: bool,
    /// Only lines containing this text (case-sensitive).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Read `stackgen dev`'s log files from here (default for `function_code: host`
    /// environments: out/logs/<env>).
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
    /// `json`: one JSON object per line ({timestampMs, function, message}).
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// `--since` as the command line is read: a malformed one is a usage error (exit 64).
fn since_arg(text: &str) -> Result<String, String> {
    logs::parse_since(text).map(|_| text.to_owned())
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    let since = logs::parse_since(&args.since).map_err(|e| anyhow!(e))?;
    let (stack, _) = prepare_to_read(&env)?;
    let query = Query {
        sources: sources(&env, &stack, &args.functions)?,
        start_ms: logs::now_ms() - i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
        filter: args.filter.clone(),
    };
    let printer = Printer::new(args.format, &query);
    let local_dir = match (&args.log_dir, env.function_code) {
        (Some(dir), _) => Some(dir.clone()),
        (None, FunctionCode::Host) => {
            Some(local::default_dir(std::path::Path::new("."), &env.name))
        }
        (None, FunctionCode::Lambda | FunctionCode::LambdaQuick) => None,
    };
    runtime()?.block_on(async {
        match local_dir {
            Some(dir) => read_local(&dir, &query, args.follow, &printer).await,
            None => read_cloudwatch(args, &env, &query, &printer).await,
        }
    })?;
    Ok(Exit::Ok)
}

/// The log of each selected function (all of them when none is named).
fn sources(env: &Environment, stack: &RetailStack, wanted: &[String]) -> Result<Vec<Source>> {
    let all: Vec<Source> = stack
        .functions
        .iter()
        .map(|f| Source {
            function: f.spec.id,
            log_group: format!("/aws/lambda/{}", f.function_name),
        })
        .collect();
    if wanted.is_empty() {
        return Ok(all);
    }
    let ids: Vec<&str> = all.iter().map(|s| s.function).collect();
    wanted
        .iter()
        .map(|w| {
            all.iter()
                .find(|s| s.function == w)
                .cloned()
                .ok_or_else(|| {
                    let hint = crate::env::suggest::did_you_mean(w, &ids)
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    anyhow!(
                        "environment `{}` has no function `{w}`; {hint}its functions are {}",
                        env.name,
                        ids.join(", ")
                    )
                })
        })
        .collect()
}

async fn read_local(
    dir: &std::path::Path,
    query: &Query,
    follow: bool,
    printer: &Printer,
) -> Result<()> {
    if !dir.is_dir() {
        bail!(
            "no log directory {}: `stackgen dev` writes one file per function there while it runs (`make run` starts it); pass --log-dir for another place",
            dir.display()
        );
    }
    let mut tail = local::Tail::default();
    let mut printed = 0;
    loop {
        let events = if follow {
            tail.read(dir, query)
        } else {
            tail.read_to_end(dir, query)
        };
        let events =
            events.with_context(|| format!("cannot read the log files in {}", dir.display()))?;
        printed += printer.print(&events);
        if !follow || super::output::closed() || stopped().await {
            break;
        }
    }
    printer.nothing_note(printed, &format!("in {}", dir.display()));
    Ok(())
}

async fn read_cloudwatch(
    args: &Args,
    env: &Environment,
    query: &Query,
    printer: &Printer,
) -> Result<()> {
    let ctx = connect(env, args.target.profile.as_deref()).await?;
    let mut reader = cloudwatch::Reader::new(&ctx, &env.name);
    let mut start = query.start_ms;
    let mut printed = 0;
    loop {
        let events = reader
            .read(query, start)
            .await
            .with_context(|| format!("cannot read the logs of `{}`", env.name))?;
        if let Some(last) = events.last() {
            start = last.timestamp_ms;
        }
        printed += printer.print(&events);
        if !args.follow || super::output::closed() || stopped().await {
            break;
        }
    }
    printer.nothing_note(printed, "in CloudWatch Logs");
    Ok(())
}

/// Waits for the next poll; true when Ctrl-C came first.
async fn stopped() -> bool {
    tokio::select! {
        _ = tokio::time::sleep(logs::FOLLOW_EVERY) => false,
        _ = tokio::signal::ctrl_c() => true,
    }
}

/// Writes events to stdout as text or JSON lines.
struct Printer {
    format: OutputFormat,
    colour: bool,
    width: usize,
    what: String,
}

impl Printer {
    fn new(format: OutputFormat, query: &Query) -> Self {
        Printer {
            format,
            colour: stdout_color(),
            width: query
                .sources
                .iter()
                .map(|s| s.function.len())
                .max()
                .unwrap_or(0),
            what: match &query.filter {
                Some(f) => format!("no log lines containing {f:?}"),
                None => "no log lines".to_owned(),
            },
        }
    }

    fn print(&self, events: &[Event]) -> usize {
        for e in events {
            match self.format {
                OutputFormat::Text => outln!("{}", e.render(self.width, self.colour)),
                OutputFormat::Json => match serde_json::to_string(e) {
                    Ok(line) => outln!("{line}"),
                    Err(_) => outln!("{}", e.message),
                },
            }
        }
        events.len()
    }

    /// Says on stderr that nothing matched, so an empty screen is not mistaken for a hang.
    fn nothing_note(&self, printed: usize, place: &str) {
        if printed == 0 {
            errln!("{} {place} in that time", self.what);
        }
    }
}
