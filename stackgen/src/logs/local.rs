//! The log files `stackgen dev` keeps, one per function (`<dir>/<function id>.log`, each line
//! `<RFC 3339 time>\t<line>`), read as CloudWatch's events would be; [`Tail`] follows them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::line::parse_rfc3339_ms;
use super::{Event, Query};

/// Where `stackgen dev` writes an environment's logs unless told otherwise: `out/logs/<env>/`
/// under the repository root it serves.
pub fn default_dir(workspace: &Path, env: &str) -> PathBuf {
    workspace.join("out").join("logs").join(env)
}

/// The log file of one function.
pub fn file_of(dir: &Path, function: &str) -> PathBuf {
    dir.join(format!("{function}.log"))
}

/// Follows the files of a query: each [`Tail::read`] returns the events written since the last.
#[derive(Debug, Default)]
pub struct Tail {
    offsets: HashMap<PathBuf, ReadTo>,
}

/// How far a file was read: the offset, and the time of the last timed line read (which a line
/// without a time after it is shown at).
type ReadTo = (u64, Option<i64>);

impl Tail {
    /// The events of every source since the last call (the first call reads whole files), at or
    /// after the query's start, oldest first. A function without a file has written nothing yet.
    /// A last line without its newline is still being written: the next call reads it.
    pub fn read(&mut self, dir: &Path, query: &Query) -> std::io::Result<Vec<Event>> {
        self.read_lines(dir, query, false)
    }

    /// [`read`](Self::read) for the last time (no `--follow`): a last line without a newline is
    /// read too, since nothing will finish it (a worker killed mid-line).
    pub fn read_to_end(&mut self, dir: &Path, query: &Query) -> std::io::Result<Vec<Event>> {
        self.read_lines(dir, query, true)
    }

    fn read_lines(
        &mut self,
        dir: &Path,
        query: &Query,
        unfinished_too: bool,
    ) -> std::io::Result<Vec<Event>> {
        let mut events = Vec::new();
        for source in &query.sources {
            let path = file_of(dir, source.function);
            let named = |e: std::io::Error| {
                std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
            };
            let file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(named(e)),
            };
            let at = self.offsets.get(&path).copied().unwrap_or_default();
            let (at, found) =
                read_file(file, at, unfinished_too, source.function).map_err(named)?;
            events.extend(
                found
                    .into_iter()
                    .filter(|e| e.timestamp_ms >= query.start_ms && query.matches(&e.message)),
            );
            self.offsets.insert(path, at);
        }
        events.sort_by_key(|e| e.timestamp_ms);
        Ok(events)
    }
}

/// The events of `function`'s `file` from `(offset, time of the last timed line)` on, and
/// where that leaves the two.
fn read_file(
    file: std::fs::File,
    at: ReadTo,
    unfinished_too: bool,
    function: &str,
) -> std::io::Result<(ReadTo, Vec<Event>)> {
    let len = file.metadata()?.len();
    // A file shorter than what was read was truncated: start again from its top.
    let (offset, mut previous) = if len < at.0 { (0, None) } else { at };
    let mut reader = BufReader::new(file);
    reader.seek(SeekFrom::Start(offset))?;
    let mut read = offset;
    let mut raw = Vec::new();
    let mut events = Vec::new();
    loop {
        raw.clear();
        let n = reader.read_until(b'\n', &mut raw)?;
        if n == 0 || (raw.last() != Some(&b'\n') && !unfinished_too) {
            break;
        }
        read += n as u64;
        // A function may print bytes that are not UTF-8: they show as U+FFFD, and the other
        // lines (and files) are read all the same.
        let line = String::from_utf8_lossy(&raw);
        if let Some(event) = parse(function, line.trim_end_matches(['\n', '\r']), previous) {
            previous = Some(event.timestamp_ms);
            events.push(event);
        }
    }
    Ok(((read, previous), events))
}

/// `<time>\t<line>`. A line of another shape (no time: written by hand, or by an older
/// `stackgen dev`) is shown at the time of the line before it, not dropped; before any timed
/// line there is no time to give it, and it is skipped.
fn parse(function: &str, raw: &str, previous: Option<i64>) -> Option<Event> {
    let timed = raw
        .split_once('\t')
        .and_then(|(at, message)| Some((parse_rfc3339_ms(at)?, message)));
    let (timestamp_ms, message) = match timed {
        Some(timed) => timed,
        None => (previous?, raw),
    };
    Some(Event {
        timestamp_ms,
        function: function.to_owned(),
        message: message.to_owned(),
        id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::Source;
    use std::io::Write;

    fn query(start_ms: i64, filter: Option<&str>) -> Query {
        Query {
            sources: vec![
                Source {
                    function: "orders",
                    log_group: String::new(),
                },
                Source {
                    function: "cart",
                    log_group: String::new(),
                },
            ],
            start_ms,
            filter: filter.map(str::to_owned),
        }
    }

    #[test]
    fn reads_merges_filters_and_follows() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("stackgen-logs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            file_of(&dir, "orders"),
            "2026-12-02T10:00:00.000Z\told line\n\
             not a stamped line\n\
             2026-12-02T10:00:02.000Z\t{\"level\":\"INFO\",\"msg\":\"order placed\"}\n",
        )?;
        std::fs::write(
            file_of(&dir, "cart"),
            "2026-12-02T10:00:01.000Z\t{\"level\":\"INFO\",\"msg\":\"cart set\"}\n",
        )?;
        let start = parse_rfc3339_ms("2026-12-02T10:00:01.000Z").unwrap_or_default();
        let mut tail = Tail::default();
        let first = tail.read(&dir, &query(start, None))?;
        let order: Vec<(&str, &str)> = first
            .iter()
            .map(|e| (e.function.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("cart", r#"{"level":"INFO","msg":"cart set"}"#),
                ("orders", r#"{"level":"INFO","msg":"order placed"}"#)
            ]
        );
        // Following: only what was appended since, and a half-written line waits.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(file_of(&dir, "orders"))?;
        write!(
            f,
            "2026-12-02T10:00:03.000Z\tsecond\n2026-12-02T10:00:04.000Z\thal"
        )?;
        let next = tail.read(&dir, &query(start, None))?;
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].message, "second");
        writeln!(f, "f")?;
        let next = tail.read(&dir, &query(start, Some("half")))?;
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].message, "half");
        // A byte that is not UTF-8 (a function's raw output) costs that character, not the
        // file: the line and the ones after it are read.
        f.write_all(b"2026-12-02T10:00:05.000Z	bad \xff byte\n2026-12-02T10:00:06.000Z	after\n")?;
        let next = tail.read(&dir, &query(start, None))?;
        let messages: Vec<&str> = next.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["bad \u{FFFD} byte", "after"]);
        // A line without a time is shown at the time of the line before it (read by the call
        // before); a last line without its newline waits while following, and the last read of
        // a plain `stackgen logs` takes it (nothing will finish a line a killed worker began).
        f.write_all(b"  at frame 1\n2026-12-02T10:00:07.000Z\tkilled mid-li")?;
        let next = tail.read(&dir, &query(start, None))?;
        let shown: Vec<(i64, &str)> = next
            .iter()
            .map(|e| (e.timestamp_ms, e.message.as_str()))
            .collect();
        let six = parse_rfc3339_ms("2026-12-02T10:00:06.000Z").unwrap_or_default();
        assert_eq!(shown, [(six, "  at frame 1")]);
        let last = tail.read_to_end(&dir, &query(start, None))?;
        let shown: Vec<&str> = last.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(shown, ["killed mid-li"]);
        std::fs::remove_dir_all(&dir)
    }
}
