//! One log stream per function, as CloudWatch Logs would have it.
//!
//! Every line a worker process writes (stdout and stderr) and every platform line `stackgen dev`
//! writes for it (`START`/`END`/`REPORT RequestId: …`, crashes, timeouts) goes to the console
//! prefixed with the function id, the function's own JSON lines left intact after the prefix.
//! With a log directory, each function also gets its own file holding its lines as CloudWatch
//! keeps log events: the time the line was received, a tab, the line as written
//! (`2026-12-02T15:12:53.600Z\t{"level":"INFO",…}`); `stackgen logs` reads them back. Writing
//! happens on one task fed by a channel, so a slow terminal never blocks a request.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

/// Where the lines go.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// Print every line to stdout with its source prefix.
    pub console: bool,
    /// Also write `<dir>/<source>.log` per source (raw lines, no prefix).
    pub dir: Option<PathBuf>,
}

struct Entry {
    source: Arc<str>,
    /// When the line was received (RFC 3339, milliseconds).
    at: String,
    line: String,
}

/// RFC 3339 UTC with milliseconds (`2026-12-02T15:12:53.600Z`), as Lambda stamps its lines
/// (the format `stackgen logs` reads back).
pub fn timestamp() -> String {
    crate::logs::line::rfc3339_ms(crate::logs::now_ms())
}

/// A cheap, cloneable handle for writing lines.
#[derive(Clone)]
pub struct LogSink {
    tx: mpsc::UnboundedSender<Entry>,
}

impl std::fmt::Debug for LogSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogSink")
    }
}

/// The task draining the channel; finishes when every sink is dropped.
pub struct LogWriter {
    handle: tokio::task::JoinHandle<()>,
}

impl LogWriter {
    /// Waits until every line sent so far has been written (call after dropping the sinks).
    pub async fn finish(self) {
        let _ = self.handle.await;
    }
}

impl LogSink {
    /// Starts the writer. `width` pads the console prefix so the columns line up.
    pub fn start(options: LogOptions, width: usize) -> (LogSink, LogWriter) {
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = tokio::spawn(write_lines(rx, options, width));
        (LogSink { tx }, LogWriter { handle })
    }

    /// A sink that drops everything (tests that do not look at logs).
    pub fn discard() -> LogSink {
        let (tx, _rx) = mpsc::unbounded_channel();
        LogSink { tx }
    }

    /// Writes one line for `source` (a function id, or `dev` for the runner itself).
    pub fn line(&self, source: &Arc<str>, line: impl Into<String>) {
        // A closed channel only happens at shutdown, when lines no longer matter.
        let _ = self.tx.send(Entry {
            source: Arc::clone(source),
            at: timestamp(),
            line: line.into(),
        });
    }
}

async fn write_lines(mut rx: mpsc::UnboundedReceiver<Entry>, options: LogOptions, width: usize) {
    let mut files: HashMap<Arc<str>, Option<std::io::BufWriter<std::fs::File>>> = HashMap::new();
    if let Some(dir) = &options.dir
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        // Not eprintln!: a closed stderr (`stackgen dev 2>&1 | head`) must not stop the runner.
        let _ = writeln!(
            std::io::stderr(),
            "stackgen dev: cannot create the log directory {}: {e}; logging to the console only",
            dir.display()
        );
    }
    let mut batch = Vec::with_capacity(64);
    while rx.recv_many(&mut batch, 256).await > 0 {
        let mut console = options.console.then(|| std::io::stdout().lock());
        for entry in batch.drain(..) {
            if let Some(out) = console.as_mut() {
                let line = crate::logs::line::visible(&entry.line);
                let _ = writeln!(out, "{:>width$} | {line}", entry.source);
            }
            if let Some(dir) = &options.dir {
                let file = files.entry(Arc::clone(&entry.source)).or_insert_with(|| {
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(dir.join(format!("{}.log", entry.source)))
                        .ok()
                        .map(std::io::BufWriter::new)
                });
                if let Some(file) = file.as_mut() {
                    let _ = writeln!(file, "{}\t{}", entry.at, entry.line);
                }
            }
        }
        if let Some(out) = console.as_mut() {
            let _ = out.flush();
        }
        for file in files.values_mut().flatten() {
            let _ = file.flush();
        }
    }
}
