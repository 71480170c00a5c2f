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
    format!("{label} {}", chain(err))
}

/// The error and its causes, `: `-separated, leaving out a cause the error before it already
/// said: many errors name their cause in their own message and also return it as their
/// `source` (`cannot write out/dev/…: Not a directory (os error 20)`), which `{:#}` prints
/// twice. Only the message just before is compared, so a short cause is not dropped because
/// some unrelated part of the text happens to contain it.
fn chain(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    let mut previous = text.clone();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !previous.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        previous = cause;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot write x.json: {source}")]
    struct Named {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated_and_a_new_one_is_added() {
        let io = std::io::Error::new(std::io::ErrorKind::NotADirectory, "Not a directory");
        let err = anyhow::Error::new(Named { source: io }).context("cannot synth `dev`");
        assert_eq!(
            chain(&err),
            "cannot synth `dev`: cannot write x.json: Not a directory"
        );
        let err = anyhow::anyhow!("disk full").context("cannot write the report");
        assert_eq!(chain(&err), "cannot write the report: disk full");
        // Said two errors up, not by the error before it: kept.
        let err = anyhow::anyhow!("timed out")
            .context("the upload failed")
            .context("the upload timed out at 5 s");
        assert_eq!(
            chain(&err),
            "the upload timed out at 5 s: the upload failed: timed out"
        );
    }
}
