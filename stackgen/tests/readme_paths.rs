//! A reader who follows the README (and `docs/benchmarks.md`, which it links to) finds every
//! file it names: each relative link and each backticked path (`stackgen/src/smoke/http.rs`, or
//! a name such as `journey.rs` given under its directory in the layout table) must be a file or
//! directory of the repository. Placeholders
//! (`docs/<env>/`), globs, URLs, what runs produce (`out/…`) and one-word directories (an S3
//! prefix such as `daily/`) are not files to find.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file and directory of the repository, relative, with `/` separators (directories end
/// with `/`); build output, dependencies and generated output are left out.
fn tree(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if matches!(
            name.as_str(),
            "target" | "node_modules" | ".venv" | ".git" | "out" | ".cache"
        ) {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if path.is_dir() {
            out.push(format!("{rel}/"));
            tree(root, &path, out);
        } else {
            out.push(rel);
        }
    }
}

/// Relative links and backticked tokens that look like paths.
fn named_paths(readme: &str) -> Vec<String> {
    const EXTENSIONS: &[&str] = &[
        ".rs", ".md", ".sh", ".py", ".mjs", ".yaml", ".toml", ".json", ".txt", ".svg", ".html",
        ".js", ".css",
    ];
    let mut out = Vec::new();
    for (i, _) in readme.match_indices("](") {
        let rest = &readme[i + 2..];
        let end = rest.find([')', '#', ' ']).unwrap_or(rest.len());
        out.push(rest[..end].to_owned());
    }
    for (i, token) in readme.split('`').enumerate() {
        let looks_like_path = !token.contains(char::is_whitespace)
            && (EXTENSIONS.iter().any(|e| token.ends_with(e))
                || (token.ends_with('/')
                    && token.trim_end_matches('/').contains('/')
                    && !token.starts_with('/')));
        if i % 2 == 1 && looks_like_path {
            out.push(token.to_owned());
        }
    }
    out.retain(|p| {
        !p.is_empty()
            && !p.starts_with("http")
            && !p.starts_with("out/")
            && !p.starts_with('.')
            && !p.contains(['<', '*', '{', '$'])
    });
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_file_the_readme_names_exists() {
    let root = repo();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    // The benchmarks' history, which the README's table links to, is held to the same rule.
    let benchmarks =
        std::fs::read_to_string(root.join("docs/benchmarks.md")).expect("docs/benchmarks.md");
    let mut files = Vec::new();
    tree(&root, &root, &mut files);
    let named = named_paths(&format!("{readme}\n{benchmarks}"));
    assert!(named.len() > 50, "the README names files: {named:?}");
    let missing: Vec<&String> = named
        .iter()
        .filter(|p| {
            !files
                .iter()
                .any(|f| f == *p || f.ends_with(&format!("/{p}")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "the README names files the repository does not have: {missing:?}"
    );
}

#[test]
fn the_check_finds_a_missing_file() {
    let named = named_paths(
        "see `stackgen/src/nowhere.rs` and [the notes](docs/design.md), not `docs/<env>/`",
    );
    assert_eq!(named, ["docs/design.md", "stackgen/src/nowhere.rs"]);
}
