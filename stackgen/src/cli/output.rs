//! Standard output that a reader who stops reading cannot crash.
//!
//! Rust ignores SIGPIPE, so once the reader of a pipe has gone (`stackgen status --env dev |
//! head -3`) every write to stdout fails with `BrokenPipe`, and `println!` panics on it (exit
//! 101 and a panic message). Commands print through [`outln!`] and [`out!`] instead:
//!
//! - once stdout is closed, further output is dropped and the command carries on to its end and
//!   exits with its own code, so `diff`'s 2 still means "changes" to a pipeline that read only
//!   the first lines, and a deploy is never cut short by its reader;
//! - a command that would print for ever (`logs --follow`) asks [`closed`] and stops;
//! - progress and errors go to stderr through [`errln!`] and [`err!`], which drops what a closed stderr
//!   cannot take (`stackgen deploy 2>&1 | head` must not stop a deploy halfway);
//! - any other write failure (a full disk under `> report.md`) is kept, further output dropped,
//!   and [`take_failure`] hands it to `main`, which reports it and exits 1.

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout failed: nothing more is written.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The first write failure that was not the reader going away.
static FAILURE: Mutex<Option<io::Error>> = Mutex::new(None);

/// Writes `args` to stdout, unless an earlier write failed.
pub fn write(args: fmt::Arguments<'_>) {
    if STOPPED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        stop(e);
    }
}

/// Writes `args` and a newline to stdout, unless an earlier write failed.
pub fn write_line(args: fmt::Arguments<'_>) {
    write(format_args!("{args}\n"));
}

/// Writes `args` to stderr. A failure is ignored: stderr is where it would be reported, and the
/// command must not stop over a message it could not show.
pub fn write_err(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// Writes `args` and a newline to stderr, as [`write_err`].
pub fn write_err_line(args: fmt::Arguments<'_>) {
    write_err(format_args!("{args}\n"));
}

fn stop(e: io::Error) {
    STOPPED.store(true, Ordering::Relaxed);
    if e.kind() != io::ErrorKind::BrokenPipe
        && let Ok(mut failure) = FAILURE.lock()
    {
        failure.get_or_insert(e);
    }
}

/// True once stdout can take no more: its reader has gone or a write failed.
pub fn closed() -> bool {
    STOPPED.load(Ordering::Relaxed)
}

/// The write failure to report, if one happened that was not the reader going away.
pub fn take_failure() -> Option<io::Error> {
    FAILURE.lock().ok().and_then(|mut f| f.take())
}

/// `println!` that survives a closed stdout (see the module doc).
macro_rules! outln {
    () => {
        $crate::cli::output::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_line(format_args!($($arg)*))
    };
}

/// `print!` that survives a closed stdout (see the module doc).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write(format_args!($($arg)*))
    };
}

/// `eprintln!` that survives a closed stderr (see the module doc).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err_line(format_args!($($arg)*))
    };
}

/// `eprint!` that survives a closed stderr (see the module doc).
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(format_args!($($arg)*))
    };
}
