//! The committed environment files load, say what the README says they say, and are found by
//! name; a missing one is an error that lists the ones that exist.

use std::path::{Path, PathBuf};

use stackgen::env::{self, EnvError, KillAction};

fn environments() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments")
}

fn load(name: &str) -> env::Environment {
    match env::load_named(&environments(), name) {
        Ok(e) => e,
        Err(err) => panic!("environments/{name}.yaml must load: {err}"),
    }
}

#[test]
fn the_three_environments_are_listed() {
    assert_eq!(env::list(&environments()), vec!["dev", "local", "prod"]);
}

#[test]
fn every_listed_environment_loads() {
    for name in env::list(&environments()) {
        let e = load(&name);
        assert_eq!(e.name, name);
        assert_eq!(e.tags.env, name);
        assert_eq!(e.project, "grocer");
        assert!(e.stores.iter().any(|s| s.id == "store-01"));
    }
}

#[test]
fn local_is_shaped_for_the_emulator() {
    let e = load("local");
    assert_eq!(e.region, "us-east-1");
    assert!(!e.features.cdn, "moto has no CloudFront");
    assert!(!e.features.anomaly_detection);
    assert!(e.features.demo_data);
    assert!(e.features.budget);
    assert_eq!(e.log_retention_days, 1);
    assert_eq!(e.account, None);
    assert!(!e.is_protected());
}

#[test]
fn dev_is_deletable_with_a_nightly_shutdown() {
    let e = load("dev");
    assert_eq!(e.region, "eu-west-1");
    assert!(e.features.cdn);
    assert!(e.features.demo_data);
    assert_eq!(e.log_retention_days, 7);
    assert_eq!(e.kill_switch.action, KillAction::Destroy);
    assert_eq!(e.kill_switch.threshold_percent, 100);
    assert_eq!(
        e.kill_switch.schedule.as_deref(),
        Some("cron(0 22 * * ? *)")
    );
    assert!(!e.is_protected());
    assert_eq!(e.budget.thresholds_percent, vec![50, 80, 100]);
}

#[test]
fn prod_is_protected_and_throttles() {
    let e = load("prod");
    assert_eq!(e.account.as_deref(), Some("111122223333"));
    assert!(e.protection.termination_protection);
    assert!(e.protection.retain_data);
    assert!(e.protection.point_in_time_recovery);
    assert!(e.is_protected());
    assert_eq!(e.kill_switch.action, KillAction::Throttle);
    assert_eq!(e.kill_switch.schedule, None);
    assert!(!e.features.demo_data);
    assert_eq!(e.log_retention_days, 90);
    assert!(e.allow_always_on.is_empty());
}

#[test]
fn load_by_path_equals_load_by_name() {
    let by_path = env::load(&environments().join("dev.yaml")).map_err(|e| e.to_string());
    assert_eq!(by_path, Ok(load("dev")));
}

#[test]
fn a_missing_environment_lists_the_available_ones() {
    let err = env::load_named(&environments(), "qa").expect_err("qa.yaml does not exist");
    let text = err.to_string();
    assert!(matches!(err, EnvError::NotFound { .. }), "{err:?}");
    assert!(text.contains("environment `qa` not found"), "{text}");
    assert!(text.contains("qa.yaml"), "{text}");
    assert!(text.contains("dev, local, prod"), "{text}");
}

#[test]
fn a_missing_directory_says_it_does_not_exist() {
    let dir = environments().join("no-such-dir");
    let err = env::load_named(&dir, "dev").expect_err("no directory");
    let text = err.to_string();
    assert!(
        text.contains(&format!("there is no directory {}", dir.display()))
            && text.contains("--environments-dir"),
        "{text}"
    );
    assert!(env::list(&dir).is_empty());
}

#[test]
fn names_that_are_not_kebab_case_are_refused_before_touching_the_disk() {
    for bad in ["../etc/passwd", "Dev", "", "dev.yaml", "a/b"] {
        let err = env::load_named(&environments(), bad).expect_err(bad);
        assert!(matches!(err, EnvError::BadName { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("kebab-case"), "{err}");
    }
}

#[test]
fn a_directory_where_a_file_should_be_is_unreadable_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("stackgen-env-load-{}", std::process::id()));
    let as_dir = dir.join("dev.yaml");
    std::fs::create_dir_all(&as_dir).expect("temp dir");
    let err = env::load(&as_dir).expect_err("a directory is not a file");
    assert!(matches!(err, EnvError::Unreadable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("cannot read the environment file"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A device (`/dev/zero` behind a symlink), a named pipe and a file over 1 MiB are refused
/// before they are read: the first was read until memory ran out, the second waited for ever.
#[test]
fn a_device_a_pipe_or_a_huge_file_is_refused_unread() {
    let dir = std::env::temp_dir().join(format!("stackgen-env-odd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let zero = dir.join("zero.yaml");
    let _ = std::fs::remove_file(&zero);
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let pipe = dir.join("pipe.yaml");
    let _ = std::fs::remove_file(&pipe);
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let huge = dir.join("huge.yaml");
    std::fs::write(&huge, format!("# {}\n", "x".repeat(2 << 20))).expect("written");
    for path in [&zero, &pipe, &huge] {
        let err = env::load(path).expect_err("refused");
        assert!(matches!(err, EnvError::Format(_)), "{err:?}");
        assert!(
            err.to_string().contains("this is not an environment file"),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A hidden file (an editor's `.dev.yaml`) is not an environment: `list` (what `--all` and the
/// "no such environment" message use) leaves it out.
#[test]
fn hidden_files_are_not_environments() {
    let dir = std::env::temp_dir().join(format!("stackgen-env-hidden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in [".dev.yaml", "dev.yaml", "prod.yaml"] {
        std::fs::write(dir.join(name), "name: x\n").expect("written");
    }
    assert_eq!(env::list(&dir), ["dev", "prod"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `qa.yml` is the likeliest reason `--env qa` finds nothing: the message names it and the
/// rename, instead of only listing the other environments.
#[test]
fn a_file_with_the_other_extension_is_named() {
    let dir = std::env::temp_dir().join(format!("stackgen-env-yml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("dev.yaml"), "name: dev\n").expect("written");
    std::fs::write(dir.join("qa.yml"), "name: qa\n").expect("written");
    let text = env::load_named(&dir, "qa")
        .expect_err("no qa.yaml")
        .to_string();
    assert!(text.contains("but there is"), "{text}");
    assert!(
        text.contains("qa.yml: environment files end in `.yaml`"),
        "{text}"
    );
    assert_eq!(env::list(&dir), ["dev"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A link whose target is gone is listed (so `check --all` reports it rather than skipping it)
/// and loading it names the link and its missing target.
#[cfg(unix)]
#[test]
fn a_dangling_link_is_reported_not_skipped() {
    let dir = std::env::temp_dir().join(format!("stackgen-env-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let gone = dir.join("gone.yaml");
    std::os::unix::fs::symlink(&gone, dir.join("ghost.yaml")).expect("link");
    assert_eq!(env::list(&dir), ["ghost"]);
    let err = env::load_named(&dir, "ghost").expect_err("dangling");
    let text = err.to_string();
    assert!(matches!(err, EnvError::Unreadable { .. }), "{err:?}");
    assert!(text.contains("ghost.yaml"), "{text}");
    assert!(text.contains("is a symbolic link to"), "{text}");
    assert!(text.contains("which does not exist"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
