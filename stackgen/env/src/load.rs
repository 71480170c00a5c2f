//! Reading `environments/<env>.yaml` into a validated [`Environment`].
//!
//! Loading happens in three passes over the text, each with its own kind of error:
//! 1. YAML syntax (any YAML value): a malformed file is reported at the parser's line and column.
//! 2. Shape (the typed model, with `serde_path_to_error` for the field path): unknown fields list
//!    the allowed ones with a "did you mean", missing fields say where to add them, wrong types
//!    say what is expected.
//! 3. Rules (`rules.rs`): values AWS would refuse late and values that contradict each other,
//!    each located in the source by `locate.rs`.

use std::path::{Path, PathBuf};

use super::errors::{EnvError, Problem};
use super::locate::{self, FieldPath, Position};
use super::model::{Environment, KillAction};
use super::rules;
use super::suggest::did_you_mean;

/// The extension of environment files.
pub const EXTENSION: &str = "yaml";

/// The largest environment file read: the committed ones are a few kilobytes, and a path that
/// names a device (`/dev/zero`) would otherwise be read until memory runs out.
pub const MAX_BYTES: u64 = 1 << 20;

/// Loads and validates the environment file at `path`; its stem must equal its `name`.
pub fn load(path: &Path) -> Result<Environment, EnvError> {
    let bytes = read_bounded(path).map_err(|source| {
        let dangling = std::fs::read_link(path).ok();
        if let Some(target) = dangling.filter(|_| source.kind() == std::io::ErrorKind::NotFound) {
            EnvError::Unreadable {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!(
                        "it is a symbolic link to {}, which does not exist (point the link at an environment file, or remove it)",
                        target.display()
                    ),
                ),
            }
        } else if source.kind() == std::io::ErrorKind::NotFound {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            EnvError::NotFound {
                path: path.to_path_buf(),
                available: list(&dir),
                dir_state: super::errors::DirState::of(&dir),
                misnamed: misnamed(path),
                dir,
            }
        } else {
            EnvError::Unreadable {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    let Some(bytes) = bytes else {
        return Err(EnvError::Format(Problem {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            field: String::new(),
            message: format!(
                "this is not an environment file: it is not a regular file, or it is over {} \
                 KiB (the committed ones are a few kilobytes); point at the YAML file itself",
                MAX_BYTES / 1024
            ),
        }));
    };
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => return Err(not_utf8(path, e.as_bytes(), e.utf8_error().valid_up_to())),
    };
    parse(path, &source)
}

/// The file's bytes; `None` for something that is not a regular file (a device, a pipe) or is
/// larger than [`MAX_BYTES`]. Reads at most one byte past the limit whatever the file claims.
/// Traffic profiles are read the same way.
pub fn read_bounded(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    // Looked at before it is opened: opening a named pipe waits for a writer, for ever.
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a directory",
        ));
    }
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_BYTES).then_some(bytes))
}

/// The file is not UTF-8: where the first bad byte is, and what the file probably is.
fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> EnvError {
    let (pos, message) = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        (
            Position::START,
            "the file is UTF-16 text (it starts with UTF-16's byte order mark); save it as UTF-8"
                .to_owned(),
        )
    } else {
        let byte = bytes.get(valid_up_to).copied().unwrap_or_default();
        (
            position_of_offset(&bytes[..valid_up_to]),
            format!(
                "byte 0x{byte:02X} here is not UTF-8: the file was probably saved as Latin-1 or \
                 Windows-1252; save it as UTF-8"
            ),
        )
    };
    EnvError::Format(Problem {
        file: path.to_path_buf(),
        line: pos.line,
        column: pos.column,
        field: String::new(),
        message,
    })
}

/// Loads `<dir>/<name>.yaml`. A missing file is an error listing the environments that exist.
pub fn load_named(dir: &Path, name: &str) -> Result<Environment, EnvError> {
    if !rules::is_kebab(name) {
        return Err(EnvError::BadName {
            name: name.to_string(),
        });
    }
    load(&dir.join(format!("{name}.{EXTENSION}")))
}

/// The file beside `path` with the same stem and another spelling of `.yaml` (`.yml`, `.YAML`),
/// when there is one: the likely reason `path` is missing.
fn misnamed(path: &Path) -> Option<PathBuf> {
    let dir = path.parent()?;
    let stem = path.file_stem()?;
    std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .ok()?
    .filter_map(Result::ok)
    .map(|e| e.path())
    .filter(|p| p.file_stem() == Some(stem) && p.is_file())
    .find(|p| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
    })
    .map(|p| dir.join(p.file_name().unwrap_or_default()))
}

/// Names of the environments in `dir` (stems of its `*.yaml` files, hidden ones left out: an
/// editor's `.dev.yaml` is not an environment), sorted. Empty when the directory cannot be read.
/// A symbolic link whose target is gone is listed, so that `--all` reports it rather than
/// skipping it.
pub fn list(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() || p.is_symlink())
        .filter(|p| p.extension().is_some_and(|e| e == EXTENSION))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// Parses and validates environment YAML. `file` names the source in messages, and its stem
/// is the name the environment must have.
pub fn parse(file: &Path, source: &str) -> Result<Environment, EnvError> {
    check_syntax(file, source)?;
    let mut env = read_shape(file, source)?;
    env.file = file.to_path_buf();
    // 3. Rules.
    let stem = stem_of(file);
    let mut problems: Vec<Problem> = rules::check(&env, &stem)
        .into_iter()
        .map(|(field, message)| {
            let pos = locate::find_or_parent(source, &field);
            problem(file, pos, &field, message)
        })
        .collect();
    if problems.is_empty() {
        return Ok(env);
    }
    problems.sort_by_key(|p| (p.line, p.column));
    Err(EnvError::Invalid { problems })
}

/// A problem at `pos` of `file`, about `field`.
fn problem(file: &Path, pos: Position, field: &FieldPath, message: String) -> Problem {
    Problem {
        file: file.to_path_buf(),
        line: pos.line,
        column: pos.column,
        field: field.to_string(),
        message,
    }
}

/// Where the YAML parser says an error is, when it says.
fn position_of(err: &serde_norway::Error) -> Option<Position> {
    err.location().map(|l| Position {
        line: l.line(),
        column: l.column(),
    })
}

/// Why `source` did not parse as YAML, as the error to report: a key twice, a number past 64
/// bits, a second document, or the parser's own words.
fn unparsable(
    file: &Path,
    source: &str,
    err: serde_path_to_error::Error<serde_norway::Error>,
) -> EnvError {
    let path = FieldPath::from_serde(err.path());
    let text = strip_position(err.inner());
    if let Some(key) = between(&text, "duplicate entry with key \"", "\"") {
        let field = path.key(&key);
        let pos = locate::find(source, &field, 1)
            .unwrap_or_else(|| locate::find_or_parent(source, &path));
        return EnvError::Schema(problem(
            file,
            pos,
            &field,
            format!("`{key}` appears twice here; keep one of them"),
        ));
    }
    // A whole number past 64 bits: valid YAML, that no field takes (the parser names
    // it as a u128 or an i128).
    if text.contains(" as u128") || text.contains(" as i128") {
        let number = between(&text, "integer `", "`").unwrap_or_default();
        let pos = locate::find_or_parent(source, &path);
        return EnvError::Schema(problem(
            file,
            pos,
            &path,
            format!(
                "`{number}` is out of range for every number field of an environment \
                 file; write the value the field takes (see environments/dev.yaml)"
            ),
        ));
    }
    if text.contains("more than one document") {
        return EnvError::Format(problem(
            file,
            second_document(source),
            &FieldPath::root(),
            "a second YAML document starts here; an environment file holds one: remove \
             this `---` and what follows, or move that to a file of its own"
                .to_owned(),
        ));
    }
    let pos = position_of(err.inner()).unwrap_or_else(|| second_document(source));
    EnvError::Syntax(problem(file, pos, &FieldPath::root(), text))
}

/// 1. Syntax: one YAML document, a mapping, no key twice.
fn check_syntax(file: &Path, source: &str) -> Result<(), EnvError> {
    let de = serde_norway::Deserializer::from_str(source);
    let value: serde_norway::Value = match serde_path_to_error::deserialize(de) {
        Ok(v) => v,
        Err(err) => return Err(unparsable(file, source, err)),
    };
    if let Some((field, tag)) = first_tag(&value, &FieldPath::root()) {
        let pos = locate::find_or_parent(source, &field);
        return Err(EnvError::Schema(problem(
            file,
            pos,
            &field,
            format!(
                "the YAML tag `{tag}` has no meaning in an environment file (stackgen writes the \
                 template's `!Ref`/`!Sub` itself); write the plain value without the tag"
            ),
        )));
    }
    let message = match value {
        serde_norway::Value::Mapping(_) => return Ok(()),
        serde_norway::Value::Null => {
            "the file is empty; an environment is a YAML mapping starting with `name:`, \
             `project:`, `region:`, `tags:` … (see environments/dev.yaml)"
        }
        _ => {
            "the file must be a YAML mapping of fields (`name: dev`, `region: eu-west-1`, …), \
             not a list or a single value (see environments/dev.yaml)"
        }
    };
    Err(EnvError::Schema(problem(
        file,
        Position::START,
        &FieldPath::root(),
        message.to_string(),
    )))
}

/// The first tagged node (`!Ref x`, `!!binary …`) and where it is: the shape's reading would
/// drop the tag and keep the value, which is never what the writer of a tag meant.
fn first_tag(value: &serde_norway::Value, at: &FieldPath) -> Option<(FieldPath, String)> {
    use serde_norway::Value;
    match value {
        Value::Tagged(tagged) => Some((at.clone(), tagged.tag.to_string())),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_tag(item, &at.index(i))),
        Value::Mapping(map) => map.iter().find_map(|(key, item)| {
            let name = key
                .as_str()
                .map_or_else(|| format!("{key:?}"), str::to_owned);
            first_tag(item, &at.key(&name))
        }),
        _ => None,
    }
}

/// 2. Shape: the fields and their types, unknown fields refused with what is allowed.
fn read_shape(file: &Path, source: &str) -> Result<Environment, EnvError> {
    let de = serde_norway::Deserializer::from_str(source);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = FieldPath::from_serde(err.path());
        let pos = position_of(err.inner()).unwrap_or(Position::START);
        let text = strip_position(err.inner());
        let (field, pos, message) = explain_shape_error(source, path, pos, &text);
        EnvError::Schema(problem(file, pos, &field, message))
    })
}

/// Turns a serde error about the shape into (field, position, message-with-what-is-allowed).
fn explain_shape_error(
    source: &str,
    path: FieldPath,
    pos: Position,
    text: &str,
) -> (FieldPath, Position, String) {
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let names = backticked(rest);
        let (unknown, allowed) = match names.split_first() {
            Some((u, a)) => (u.clone(), a.to_vec()),
            None => (String::new(), Vec::new()),
        };
        let allowed_refs: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let mut msg = format!("unknown field `{unknown}`");
        if allowed.is_empty() {
            msg.push_str("; no fields are allowed here");
        } else {
            msg.push_str(&format!("; allowed here: {}", allowed.join(", ")));
        }
        if let Some(hint) = did_you_mean(&unknown, &allowed_refs) {
            msg.push_str(&format!(". Did you mean `{hint}`?"));
        }
        return (path, pos, msg);
    }
    if let Some(missing) = between(text, "missing field `", "`") {
        let field = path.key(&missing);
        let place = if path.is_root() {
            "at the top level".to_string()
        } else {
            format!("under `{path}`")
        };
        let msg = format!("required field `{missing}` is missing; add `{missing}: …` {place}");
        return (field, pos, msg);
    }
    if let Some(dup) = between(text, "duplicate field `", "`") {
        let field = path.key(&dup);
        let pos = locate::find(source, &field, 1).unwrap_or(pos);
        return (
            field,
            pos,
            format!("`{dup}` appears twice here; keep one of them"),
        );
    }
    if let Some(rest) = text.strip_prefix("unknown variant `") {
        let names = backticked(rest);
        if let Some((given, allowed)) = names.split_first() {
            let allowed_refs: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let mut msg = format!(
                "`{given}` is not allowed; allowed values: {}",
                allowed.join(", ")
            );
            if let Some(hint) = did_you_mean(given, &allowed_refs) {
                msg.push_str(&format!(". Did you mean `{hint}`?"));
            }
            return (path, pos, msg);
        }
    }
    if text.contains("expected a YAML tag starting with '!'") {
        // An enum field given a mapping or a list; today only the kill-switch action is one.
        let msg = format!(
            "expected one word, one of: {}",
            KillAction::NAMES.join(", ")
        );
        return (path, pos, msg);
    }
    (path, pos, humanize(text))
}

/// Serde's expectations in the words of the environment file.
fn humanize(text: &str) -> String {
    let mut out = text.to_string();
    for (serde_says, we_say) in [
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected a boolean", "expected true or false"),
        ("invalid type: unit value", "no value is given"),
        (
            "expected a sequence",
            "expected a list (`- item` lines or `[a, b]`)",
        ),
        ("expected a string", "expected text"),
        ("expected option", "expected text"),
    ] {
        out = out.replace(serde_says, we_say);
    }
    if let Some(at) = out.find("expected struct ") {
        out.truncate(at);
        out.push_str("expected a mapping of fields (indented `key: value` lines)");
    }
    out
}

/// The parser's message without the position it appends (we report the position ourselves)
/// and without its own path prefix.
fn strip_position(err: &serde_norway::Error) -> String {
    let mut text = err.to_string();
    if let Some(loc) = err.location() {
        let suffix = format!(" at line {} column {}", loc.line(), loc.column());
        if let Some(at) = text.find(&suffix) {
            text.replace_range(at..at + suffix.len(), "");
        }
    }
    if let Some((prefix, rest)) = text.split_once(": ") {
        let looks_like_path =
            !prefix.is_empty() && !prefix.contains(char::is_whitespace) && !prefix.contains('`');
        if looks_like_path {
            text = rest.to_string();
        }
    }
    text
}

/// The text between the first `start` and the following `end`.
fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_string())
}

/// The backticked words of a serde message, given the text right after its first backtick
/// (`foo`, expected one of `a`, `b`` → foo, a, b).
fn backticked(rest: &str) -> Vec<String> {
    format!("`{rest}")
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Line and column just after `bytes`.
fn position_of_offset(bytes: &[u8]) -> Position {
    let line = bytes.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

/// Where a second YAML document starts (`---` after content), for "more than one document".
fn second_document(source: &str) -> Position {
    let mut seen_content = false;
    for (i, line) in source.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("---") && seen_content {
            return Position {
                line: i + 1,
                column: 1,
            };
        }
        if !trimmed.is_empty() && !trimmed.starts_with('#') && !trimmed.starts_with("---") {
            seen_content = true;
        }
    }
    Position::START
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticked_words_after_the_first_quote() {
        // `rest` starts right after the opening backtick of the first word.
        let rest = "foo`, expected one of `a`, `b`, `c`";
        assert_eq!(backticked(rest), vec!["foo", "a", "b", "c"]);
        assert_eq!(backticked("foo`, there are no fields"), vec!["foo"]);
    }

    #[test]
    fn positions_of_offsets() {
        assert_eq!(position_of_offset(b""), Position { line: 1, column: 1 });
        assert_eq!(
            position_of_offset(b"ab\ncd"),
            Position { line: 2, column: 3 }
        );
    }

    #[test]
    fn second_document_line() {
        assert_eq!(second_document("---\na: 1\n---\nb: 2\n").line, 3);
        assert_eq!(second_document("# c\n---\na: 1\n").line, 1);
    }
}
