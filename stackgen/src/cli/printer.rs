//! How commands talk to a person on stderr: progress lines and stack events as they happen,
//! and typed confirmations before anything destructive.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result, bail};

use super::style::{paint, stderr_color};
use crate::deploy::{Progress, StackEvent};

/// Progress on stderr: steps as `›` lines, stack events as status lines.
pub struct Printer {
    color: bool,
}

impl Printer {
    pub fn new() -> Printer {
        Printer {
            color: stderr_color(),
        }
    }
}

impl Default for Printer {
    fn default() -> Self {
        Printer::new()
    }
}

impl Progress for Printer {
    fn step(&self, message: &str) {
        errln!("{} {message}", paint(self.color, "36", "›"));
    }
    fn stack_event(&self, event: &StackEvent) {
        let status = event.status.as_str();
        let code = if status.ends_with("FAILED") || status.contains("ROLLBACK") {
            "31"
        } else if status.ends_with("COMPLETE") {
            "32"
        } else {
            "33"
        };
        let reason = event
            .reason
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        errln!(
            "  {} {} ({}){reason}",
            paint(self.color, code, &format!("{status:<28}")),
            event.logical_id,
            event.resource_type
        );
    }
}

/// Asks for `expected` to be typed on a TTY; refuses without a TTY.
pub fn confirm(prompt: &str, expected: &str, flag_hint: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "{prompt} This needs a typed confirmation and stdin is not a terminal; pass {flag_hint} to go ahead without asking"
        );
    }
    err!("{prompt} Type `{expected}` to continue: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the confirmation from stdin")?;
    Ok(line.trim() == expected)
}
