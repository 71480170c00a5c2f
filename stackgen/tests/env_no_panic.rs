//! No input makes loading panic: truncations and random corruptions of the committed files all
//! end in `Ok` or in an error that names the file and a position inside it.

use std::panic;
use std::path::{Path, PathBuf};

use stackgen::env;

/// Deterministic xorshift, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SIGNIFICANT: &[u8] = b":-[]{}#&*!|>'\"%@?,\t\n 0123456789aZ~.\\";

fn check(file: &Path, source: &str, what: &str) {
    let outcome = panic::catch_unwind(|| env::parse(file, source));
    let result = match outcome {
        Ok(r) => r,
        Err(_) => panic!("parse panicked on {what}:\n---\n{source}\n---"),
    };
    if let Err(err) = result {
        let msg = err.to_string();
        assert!(!msg.is_empty(), "{what}");
        let lines = source.lines().count().max(1) + 1;
        for p in err.problems() {
            assert_eq!(p.file, file, "{what}: {msg}");
            assert!(
                p.line >= 1 && p.line <= lines,
                "{what}: line {} of {lines}: {msg}",
                p.line
            );
            assert!(p.column >= 1, "{what}: {msg}");
            assert!(msg.contains(&file.display().to_string()), "{what}: {msg}");
        }
    }
}

fn committed() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    env::list(&dir)
        .into_iter()
        .map(|name| {
            let path = dir.join(format!("{name}.yaml"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            (path, text)
        })
        .collect()
}

#[test]
fn every_truncation_loads_or_fails_cleanly() {
    for (path, text) in committed() {
        for (cut, _) in text.char_indices().step_by(3) {
            check(
                &path,
                &text[..cut],
                &format!("{} cut at byte {cut}", path.display()),
            );
        }
    }
}

#[test]
fn random_corruptions_load_or_fail_cleanly() {
    let mut rng = Rng(0x5eed_1c71_9e2f_0001);
    for (path, text) in committed() {
        for round in 0..600 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..=rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[at] = SIGNIFICANT[rng.below(SIGNIFICANT.len())],
                    1 => bytes.insert(at, SIGNIFICANT[rng.below(SIGNIFICANT.len())]),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            let Ok(mutated) = String::from_utf8(bytes) else {
                continue;
            };
            check(
                &path,
                &mutated,
                &format!("{} round {round}", path.display()),
            );
        }
    }
}

#[test]
fn hostile_yaml_fails_cleanly() {
    let file = Path::new("environments/dev.yaml");
    let deep = format!("name: {}{}", "[".repeat(5000), "]".repeat(5000));
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n\
                  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e]\n\
                  g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    for (what, source) in [
        ("deep nesting", deep.as_str()),
        ("billion laughs", laughs),
        ("self alias", "name: &a [*a]\n"),
        ("unknown alias", "name: *nothing\n"),
        ("binary tag", "name: !!binary aGVsbG8=\n"),
        ("custom tag", "name: !dev dev\n"),
        ("complex key", "? [a, b]\n: 1\n"),
        ("null byte", "name: \u{0}\n"),
        ("bom", "\u{feff}name: dev\n"),
        ("only a comment", "# hi"),
        ("only document markers", "---\n...\n"),
        (
            "huge number",
            "log_retention_days: 99999999999999999999999999\n",
        ),
    ] {
        check(file, source, what);
    }
}
