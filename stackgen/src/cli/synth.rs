//! `stackgen synth`: render environments' stacks to `out/<env>/<stack>.template.json|yaml`,
//! after the guardrails pass for every selected environment (otherwise nothing is written).

use std::path::PathBuf;

use std::fmt::Write as _;

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::exit::{Exit, GuardrailsFailed};
use super::select::EnvSelection;
use super::style::{paint, stderr_color, stdout_color};
use crate::model::Format;
use crate::synth::{self, TEMPLATE_BODY_LIMIT};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    Json,
    Yaml,
}

impl From<TemplateFormat> for Format {
    fn from(f: TemplateFormat) -> Self {
        match f {
            TemplateFormat::Json => Format::Json,
            TemplateFormat::Yaml => Format::Yaml,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  stackgen synth --env dev
  stackgen synth --env dev --env prod --out build/templates
  stackgen synth --all --format yaml

Guardrails run first for every selected environment; on any violation nothing is written and
the exit code is 3.")]
pub struct Args {
    #[command(flatten)]
    pub select: EnvSelection,
    /// Output directory; templates go to <OUT>/<env>/<stack>.template.<format>.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Template format.
    #[arg(long, value_enum, default_value_t = TemplateFormat::Json)]
    pub format: TemplateFormat,
}

pub fn run(args: &Args) -> Result<Exit> {
    let envs = args.select.load()?;
    let format: Format = args.format.into();

    let mut prepared = Vec::new();
    for env in &envs {
        let p = synth::prepare_to_render(env)
            .with_context(|| format!("cannot build the stack of environment `{}`", env.name))?;
        prepared.push(p);
    }
    // Render everything before writing anything: rendering validates each template (every
    // reference resolves), which comes before the guardrails, as `stack::build` does.
    let mut rendered = Vec::new();
    for p in &prepared {
        for stack in p.stack.stacks() {
            let text = stack
                .template
                .render(format)
                .with_context(|| format!("cannot render the template of `{}`", stack.name))?;
            let path =
                synth::stack_template_path(&args.out, &p.stack.environment, stack.name, format);
            rendered.push((p, stack, path, text));
        }
    }
    let failing: Vec<_> = prepared.iter().filter(|p| !p.report.passed()).collect();
    if !failing.is_empty() {
        for p in &failing {
            err!("{}", p.report.render(stderr_color()));
        }
        return Err(GuardrailsFailed {
            count: failing.iter().map(|p| p.report.violations().count()).sum(),
            envs: failing
                .iter()
                .map(|p| p.stack.environment.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            note: "; nothing was written",
        }
        .into());
    }

    let color = stdout_color();
    let mut summary = String::new();
    for (i, (p, stack, path, text)) in rendered.iter().enumerate() {
        if let Err(e) = synth::write_file(path, text) {
            // What was written stays written: say which, and which were not.
            out!("{summary}");
            let left: Vec<&str> = rendered[i..].iter().map(|(_, s, _, _)| s.name).collect();
            return Err(anyhow::Error::new(e).context(format!(
                "{} template(s) written (listed above), not written: {}",
                i,
                left.join(", ")
            )));
        }
        written(&mut summary, color, p, stack, path, text.len());
    }
    out!("{summary}");
    Ok(Exit::Ok)
}

/// One stack's lines (written to stdout at once: one write, not one per line): where it went, its size, what it holds, and the guardrails.
fn written(
    out: &mut String,
    color: bool,
    p: &synth::Prepared,
    stack: &crate::stack::StackRef<'_>,
    path: &std::path::Path,
    size: usize,
) {
    let region = if stack.main {
        String::new()
    } else {
        format!(" in {}", stack.region)
    };
    let _ = writeln!(
        out,
        "{} {}{region} → {} ({} bytes{})",
        paint(color, "1", stack.name),
        paint(color, "2", &format!("[{}]", p.stack.environment)),
        path.display(),
        thousands(size),
        if size > TEMPLATE_BODY_LIMIT {
            format!(
                "; over {}: will be uploaded via S3",
                thousands(TEMPLATE_BODY_LIMIT)
            )
        } else {
            String::new()
        }
    );
    let counts = synth::resources_by_type(stack.template);
    let total: usize = counts.values().sum();
    let _ = writeln!(
        out,
        "  {total} resources, {} parameters, {} outputs",
        stack.template.parameters().count(),
        stack.template.outputs().count()
    );
    let width = counts.keys().map(|k| k.len()).max().unwrap_or(0);
    for (ty, n) in &counts {
        let _ = writeln!(out, "    {ty:width$}  {n:>3}");
    }
    if stack.main {
        let _ = writeln!(
            out,
            "  guardrails: {} ({} rules, every stack of the environment)",
            paint(color, "32", "passed"),
            p.report.results.len()
        );
    }
}

/// `51200` → `51,200`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(51_200), "51,200");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
