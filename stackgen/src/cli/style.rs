//! Terminal styling: colour only on a terminal and only when `NO_COLOR` is unset or empty
//! (<https://no-color.org>), and errors printed as one paragraph.

use std::io::IsTerminal;

/// Whether to colour what goes to stdout.
pub fn stdout_color() -> bool {
    no_color_unset() && std::io::stdout().is_terminal()
}

/// Whether to colour what goes to stderr.
pub fn stderr_color() -> bool {
    no_color_unset() && std::io::stderr().is_terminal()
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// `error: <context>: <cause>: <root cause>` on one paragraph.
pub fn error_paragraph(err: &anyhow::Error) -> String {
    let label = paint(stderr_color(), "1;31", "error:");
    format!("{label} {err:#}")
}
