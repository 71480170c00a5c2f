//! The `stackgen synth` and `stackgen check` commands, run as a user runs them: output files,
//! summary, determinism across processes, guardrail refusals and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh empty directory under the target dir (removed at the start of the next run).
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "synth-cli-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir
}

fn stackgen(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("cannot run stackgen: {e}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> Vec<u8> {
    match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

#[test]
fn synth_writes_the_template_and_a_summary() {
    let out = scratch("one");
    let o = stackgen(&["synth", "--env", "dev", "--out", s(&out)]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    let file = out.join("dev/grocer-dev.template.json");
    let body = read(&file);
    assert!(
        stdout.contains(&format!("grocer-dev [dev] → {}", file.display())),
        "{stdout}"
    );
    assert!(stdout.contains("will be uploaded via S3"), "{stdout}");
    let functions = retail_spec::FUNCTIONS.len().to_string();
    assert!(
        stdout.lines().any(|l| {
            let mut words = l.split_whitespace();
            words.next() == Some("AWS::Lambda::Function")
                && words.next() == Some(functions.as_str())
        }),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "guardrails: passed ({} rules",
            stackgen::guard::RULES.len()
        )),
        "{stdout}"
    );
    let json: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => panic!("not JSON: {e}"),
    };
    assert_eq!(json["AWSTemplateFormatVersion"], "2010-09-09");
    assert!(!stdout.contains('\x1b'), "NO_COLOR must disable colour");
}

#[test]
fn an_environment_with_a_domain_writes_one_template_per_stack() {
    let out = scratch("stacks");
    let o = stackgen(&["synth", "--env", "prod", "--out", s(&out)]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    let global = out.join("prod/grocer-prod-global.template.json");
    assert!(
        stdout.contains(&format!(
            "grocer-prod-global [prod] in us-east-1 → {}",
            global.display()
        )),
        "{stdout}"
    );
    let global: serde_json::Value = match serde_json::from_slice(&read(&global)) {
        Ok(v) => v,
        Err(e) => panic!("not JSON: {e}"),
    };
    let main: serde_json::Value =
        match serde_json::from_slice(&read(&out.join("prod/grocer-prod.template.json"))) {
            Ok(v) => v,
            Err(e) => panic!("not JSON: {e}"),
        };
    // The certificate and the CDN's web ACL are the global stack's outputs, and the main
    // stack's parameters of the same names: deploy carries them across.
    for key in ["CertificateArn", "CdnWebAclArn"] {
        assert!(global["Outputs"][key].is_object(), "{global}");
        assert_eq!(main["Parameters"][key]["Type"], "String");
    }
    let cert = &global["Resources"]["StorefrontCertificate"]["Properties"];
    assert_eq!(cert["DomainName"], "shop.example.com");
    assert_eq!(cert["ValidationMethod"], "DNS");
    assert_eq!(
        cert["DomainValidationOptions"][0]["HostedZoneId"],
        "Z0123456789EXAMPLE0AB"
    );
    assert_eq!(
        global["Resources"]["CdnWebAcl"]["Properties"]["Scope"],
        "CLOUDFRONT"
    );
    let config = &main["Resources"]["Distribution"]["Properties"]["DistributionConfig"];
    assert_eq!(config["Aliases"][0], "shop.example.com");
    assert_eq!(config["WebACLId"]["Ref"], "CdnWebAclArn");
    assert_eq!(
        config["ViewerCertificate"]["MinimumProtocolVersion"],
        "TLSv1.2_2021"
    );
    assert_eq!(config["HttpVersion"], "http2and3");
    for (id, kind) in [("StorefrontAliasA", "A"), ("StorefrontAliasAaaa", "AAAA")] {
        let record = &main["Resources"][id]["Properties"];
        assert_eq!(record["Type"], kind);
        assert_eq!(record["AliasTarget"]["HostedZoneId"], "Z2FDTNDATAQYW2");
    }
    assert_eq!(
        main["Outputs"]["UiUrl"]["Value"],
        "https://shop.example.com"
    );
    // dev has neither a domain nor a web ACL: one stack, as before.
    let o = stackgen(&["synth", "--env", "dev", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!out.join("dev/grocer-dev-global.template.json").exists());
}

#[test]
fn synth_is_byte_identical_across_processes_and_formats_are_selectable() {
    let (a, b) = (scratch("a"), scratch("b"));
    for dir in [&a, &b] {
        let o = stackgen(&["synth", "--all", "--out", s(dir)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let o = stackgen(&[
            "synth",
            "-e",
            "local",
            "-e",
            "prod",
            "--format",
            "yaml",
            "--out",
            s(dir),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    for rel in [
        "local/grocer-local.template.json",
        "dev/grocer-dev.template.json",
        "prod/grocer-prod.template.json",
        "local/grocer-local.template.yaml",
        "prod/grocer-prod.template.yaml",
    ] {
        let (x, y) = (read(&a.join(rel)), read(&b.join(rel)));
        assert!(!x.is_empty(), "{rel} is empty");
        assert!(x == y, "{rel} differs between two runs");
    }
    let yaml = text(&read(&a.join("prod/grocer-prod.template.yaml")));
    assert!(
        yaml.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"),
        "{}",
        &yaml[..80.min(yaml.len())]
    );
}

/// A copy of the environments with prod's termination protection switched off.
fn broken_environments() -> PathBuf {
    let dir = scratch("envs");
    for name in ["dev", "prod"] {
        let src = workspace().join(format!("environments/{name}.yaml"));
        let mut body = text(&read(&src));
        if name == "prod" {
            assert!(body.contains("termination_protection: true"));
            body = body.replace(
                "termination_protection: true",
                "termination_protection: false",
            );
        }
        if let Err(e) = std::fs::write(dir.join(format!("{name}.yaml")), body) {
            panic!("{e}");
        }
    }
    dir
}

#[test]
fn guardrail_violations_stop_synth_before_anything_is_written() {
    let envs = broken_environments();
    let out = scratch("refused");
    let o = stackgen(&[
        "synth",
        "--env",
        "dev",
        "--env",
        "prod",
        "--environments-dir",
        s(&envs),
        "--out",
        s(&out),
    ]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("FAIL  protection"), "{stderr}");
    assert!(
        stderr.contains("protection.termination_protection is off"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fix: set protection.termination_protection: true"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    // Not even the valid dev template.
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0);
}

/// `--all` over several broken files names every one of them, not the first.
#[test]
fn every_broken_environment_file_is_named() {
    let dir = scratch("two-broken");
    for name in ["dev", "prod", "local"] {
        let body = text(&read(
            &workspace().join(format!("environments/{name}.yaml")),
        ));
        let body = match name {
            "dev" => body.replace("region:", "regoin:"),
            "prod" => format!("{body}\nsurprise: true\n"),
            _ => body,
        };
        std::fs::write(dir.join(format!("{name}.yaml")), body).unwrap_or_default();
    }
    let o = stackgen(&["check", "--all", "--environments-dir", s(&dir)]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 environment files cannot be used")
            && stderr.contains("environment `dev`")
            && stderr.contains("environment `prod`")
            && !stderr.contains("environment `local`"),
        "{stderr}"
    );
}

#[test]
fn check_prints_the_report_and_writes_nothing() {
    let o = stackgen(&["check", "--env", "dev"]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains(&format!(
            "Guardrails for stack grocer-dev (environment dev): {} rules, all passed",
            stackgen::guard::RULES.len()
        )),
        "{stdout}"
    );
    for rule in stackgen::guard::RULES {
        assert!(
            stdout.contains(rule.id),
            "{} missing from\n{stdout}",
            rule.id
        );
    }

    let envs = broken_environments();
    let o = stackgen(&[
        "check",
        "--env",
        "prod",
        "--environments-dir",
        s(&envs),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let json: serde_json::Value = match serde_json::from_slice(&o.stdout) {
        Ok(v) => v,
        Err(e) => panic!("not JSON ({e}): {}", text(&o.stdout)),
    };
    let violations: Vec<&serde_json::Value> = json[0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["violations"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(violations.len(), 1, "{json}");
    assert_eq!(violations[0]["rule"], "protection");
    assert_eq!(violations[0]["resource"], "(environment)");
}

#[test]
fn errors_are_one_paragraph_with_exit_code_1() {
    let o = stackgen(&["synth", "--env", "staging"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot use environment `staging`: "),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"));

    let o = stackgen(&["synth"]);
    assert_eq!(
        o.status.code(),
        Some(64),
        "usage errors are EX_USAGE, never diff's 2"
    );
}

/// An exported but empty `STACKGEN_ENVIRONMENTS_DIR` (a CI variable that was never set) is
/// named as the cause, not reported as a flag nobody typed; other usage errors stay clap's.
#[test]
fn an_empty_environments_variable_is_named() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .args(args)
            .current_dir(workspace())
            .env("NO_COLOR", "1")
            .env("STACKGEN_ENVIRONMENTS_DIR", "")
            .output()
            .unwrap_or_else(|e| panic!("cannot run stackgen: {e}"))
    };
    let o = run(&["check", "--env", "dev"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(64), "{stderr}");
    assert!(
        stderr.starts_with("error: STACKGEN_ENVIRONMENTS_DIR is set but empty"),
        "{stderr}"
    );
    let o = run(&["synth", "--env", "dev", "--format", "YAML"]);
    assert!(text(&o.stderr).contains("invalid value 'YAML'"));
    // A value given on the command line wins over the empty variable.
    let o = run(&[
        "check",
        "--env",
        "dev",
        "--environments-dir",
        "environments",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The same for `staff add`'s password, before anything is asked of AWS.
    let o = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["staff", "add", "--env", "local", "fay@example.com"])
        .current_dir(workspace())
        .env("STACKGEN_STAFF_PASSWORD", "")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run stackgen: {e}"));
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: STACKGEN_STAFF_PASSWORD is set but empty"),
        "{stderr}"
    );
}

/// An error that names its cause in its own message is printed with the cause once, not once
/// more for each error in the chain that returns it as its source.
#[test]
fn an_unwritable_output_directory_names_the_cause_once() {
    let o = stackgen(&["synth", "--env", "dev", "--out", "/dev/null/out"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write /dev/null/out/dev/"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("Not a directory").count(), 1, "{stderr}");
}

/// A write that fails half way leaves what was written listed on stdout, and the error names
/// the templates that were not written.
#[test]
fn a_failed_write_lists_what_was_written_and_what_was_not() {
    let out = scratch("half");
    std::fs::write(out.join("prod"), "a file where prod's directory goes").unwrap_or_default();
    let o = stackgen(&[
        "synth",
        "--env",
        "dev",
        "--env",
        "prod",
        "--env",
        "local",
        "--out",
        s(&out),
    ]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(out.join("dev").join("grocer-dev.template.json").is_file());
    assert!(stdout.contains("grocer-dev"), "{stdout}");
    assert!(
        stderr.contains("1 template(s) written")
            && stderr.contains("not written: grocer-prod-global, grocer-prod, grocer-local"),
        "{stderr}"
    );
}

#[test]
fn help_documents_examples_and_exit_codes() {
    let o = stackgen(&["--help"]);
    let help = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    for want in [
        "Examples:",
        "stackgen synth --env dev",
        "Exit codes:",
        "3  guardrail violations",
        "NO_COLOR",
    ] {
        assert!(help.contains(want), "{want} missing from\n{help}");
    }
    let o = stackgen(&["synth", "--help"]);
    let help = text(&o.stdout);
    for want in [
        "--env <NAME>",
        "--all",
        "--out <DIR>",
        "--format <FORMAT>",
        "--environments-dir <DIR>",
        "Examples:",
    ] {
        assert!(help.contains(want), "{want} missing from\n{help}");
    }
}
