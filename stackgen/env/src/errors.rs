//! What can go wrong when loading an environment, as one clear paragraph each.
//!
//! Every error about the content of a file names the file, the line and column, and the field
//! path (`environments/dev.yaml:12:3: budget.thresholds_percent[1]: …`), then says what is
//! allowed, so the user can fix it without opening the source of stackgen.

use std::fmt;
use std::path::PathBuf;

/// One problem at one place in an environment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Field path such as `budget.thresholds_percent[1]`; empty when about the whole file.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Why an environment could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// The environment file does not exist.
    #[error("{}", not_found(path, dir, *dir_state, available, misnamed.as_deref()))]
    NotFound {
        /// `<dir>/<name>.yaml`.
        path: PathBuf,
        dir: PathBuf,
        /// Whether `dir` is a directory at all (else: the wrong `--environments-dir`), and
        /// whether it can be listed.
        dir_state: DirState,
        available: Vec<String>,
        /// A file of that name with another spelling of the extension (`qa.yml`, `qa.YAML`).
        misnamed: Option<PathBuf>,
    },
    /// The environment name cannot be a file name in the environments directory.
    #[error(
        "`{name}` is not an environment name: names are lower-case kebab-case (a-z, 0-9 and \
         single hyphens, e.g. `dev` or `qa-eu`) and each one is a file `<name>.yaml` in the \
         environments directory"
    )]
    BadName { name: String },
    /// The file exists but cannot be read.
    #[error(
        "cannot read the environment file {}: {source}; check that it is a readable file",
        path.display()
    )]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid YAML.
    #[error("{0} (the file is not valid YAML: check indentation, quoting and brackets there)")]
    Syntax(Problem),
    /// The file is not UTF-8 text (UTF-16, Latin-1, …), or holds more than one YAML document.
    #[error("{0}")]
    Format(Problem),
    /// Valid YAML, but not the shape of an environment: unknown or missing field, wrong type.
    #[error("{0}")]
    Schema(Problem),
    /// The right shape, but values that are not allowed (the first one, then a list of the rest).
    #[error("{}", invalid(problems))]
    Invalid { problems: Vec<Problem> },
}

impl EnvError {
    /// The located problems this error reports (none for a missing or unreadable file).
    pub fn problems(&self) -> &[Problem] {
        match self {
            EnvError::Syntax(p) | EnvError::Schema(p) | EnvError::Format(p) => {
                std::slice::from_ref(p)
            }
            EnvError::Invalid { problems } => problems,
            EnvError::NotFound { .. } | EnvError::BadName { .. } | EnvError::Unreadable { .. } => {
                &[]
            }
        }
    }
}

/// What the environments directory of a missing file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirState {
    /// No such directory: the wrong `--environments-dir`, or the wrong working directory.
    Missing,
    /// A directory this user cannot list (why).
    Unlistable(std::io::ErrorKind),
    Listed,
}

impl DirState {
    pub fn of(dir: &std::path::Path) -> DirState {
        match std::fs::read_dir(dir) {
            Ok(_) => DirState::Listed,
            Err(_) if !dir.is_dir() => DirState::Missing,
            Err(e) => DirState::Unlistable(e.kind()),
        }
    }
}

fn not_found(
    path: &std::path::Path,
    dir: &std::path::Path,
    dir_state: DirState,
    available: &[String],
    misnamed: Option<&std::path::Path>,
) -> String {
    let name = path.file_stem().unwrap_or_default().to_string_lossy();
    let mut msg = format!(
        "environment `{name}` not found: there is no file {}",
        path.display()
    );
    if let Some(other) = misnamed {
        msg.push_str(&format!(
            ", but there is {}: environment files end in `.yaml`; rename it to {}",
            other.display(),
            path.display()
        ));
    } else if dir_state == DirState::Missing {
        msg.push_str(&format!(
            ", and there is no directory {}; run stackgen from the repository root, or pass \
             --environments-dir (or STACKGEN_ENVIRONMENTS_DIR) the directory that holds the \
             environment files",
            dir.display()
        ));
    } else if let DirState::Unlistable(e) = dir_state {
        msg.push_str(&format!(
            ", and the directory {} cannot be listed ({e}) to say which environments it holds; \
             check its permissions (this user needs to read it)",
            dir.display()
        ));
    } else if available.is_empty() {
        msg.push_str(&format!(
            ", and {} holds no environment files (`<name>.yaml`); run stackgen from the \
             repository root or create one from the examples in the README",
            dir.display()
        ));
    } else {
        msg.push_str(&format!(
            "; the environments in {} are: {}. Use one of those, or create {} (copy `{}.yaml` \
             and change `name`, `tags.Env` and the values that differ)",
            dir.display(),
            available.join(", "),
            path.display(),
            available
                .iter()
                .find(|a| *a == "dev")
                .unwrap_or(&available[0]),
        ));
    }
    msg
}

fn invalid(problems: &[Problem]) -> String {
    let Some((first, rest)) = problems.split_first() else {
        return "the environment is not valid".to_string();
    };
    let mut msg = first.to_string();
    if !rest.is_empty() {
        let others: Vec<String> = rest
            .iter()
            .map(|p| format!("line {} {}: {}", p.line, p.field, p.message))
            .collect();
        msg.push_str(&format!(
            " — and {} more in this file: {}",
            rest.len(),
            others.join("; ")
        ));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(line: usize, field: &str, message: &str) -> Problem {
        Problem {
            file: PathBuf::from("environments/dev.yaml"),
            line,
            column: 3,
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    #[test]
    fn a_problem_reads_file_line_column_field_message() {
        let p = problem(12, "budget.thresholds_percent[1]", "too big");
        assert_eq!(
            p.to_string(),
            "environments/dev.yaml:12:3: budget.thresholds_percent[1]: too big"
        );
    }

    #[test]
    fn several_problems_stay_one_paragraph() {
        let err = EnvError::Invalid {
            problems: vec![
                problem(3, "region", "bad region"),
                problem(9, "account", "bad id"),
            ],
        };
        let text = err.to_string();
        assert!(!text.contains('\n'));
        assert!(text.starts_with("environments/dev.yaml:3:3: region: bad region"));
        assert!(text.contains("and 1 more in this file: line 9 account: bad id"));
        assert_eq!(err.problems().len(), 2);
    }

    #[test]
    fn not_found_lists_what_exists() {
        let err = EnvError::NotFound {
            path: PathBuf::from("environments/qa.yaml"),
            dir: PathBuf::from("environments"),
            dir_state: DirState::Listed,
            available: vec!["dev".into(), "local".into(), "prod".into()],
            misnamed: None,
        };
        let text = err.to_string();
        assert!(text.contains("environments/qa.yaml"), "{text}");
        assert!(text.contains("dev, local, prod"), "{text}");
        assert!(text.contains("copy `dev.yaml`"), "{text}");
    }
}
