//! The evidence index of an environment: what the rendered stack is (the synth summary), that
//! every guardrail passed on it and what each looked at, which checkov checks are skipped on
//! purpose and why (the reasons live in the resources' Metadata), and where the evidence of the
//! last `make test` run is (lint output, browser screenshots with what each proves, the smoke
//! test), which `make evidence` indexes in `out/evidence/README.md`.
//!
//! Only what follows from the template is written here, so the committed page stays exact;
//! what a run produced (versions, timings, pictures) stays with the run.

use std::collections::BTreeMap;

use super::View;
use crate::env::Environment;
use crate::guard::Report;

/// `evidence.md`.
pub fn page(env: &Environment, view: &View, guard: &Report) -> String {
    let mut out = super::generated(env);
    out.push_str(&format!("# Evidence: `{}`\n\n", env.name));
    out.push_str(&synth_summary(env, view));
    out.push_str(&guardrails(guard));
    out.push_str(&checkov_skips(view));
    out.push_str(&format!(
        "## The last run\n\n\
         `make test` renders this template again and checks it, then runs the store in a browser. \
         `make evidence` (the last step of `make test`) indexes what that run left in \
         `out/evidence/README.md`:\n\n\
         | evidence | file | what it shows |\n| --- | --- | --- |\n\
         | synth summary | `out/evidence/synth.txt` | `stackgen synth --all`: every environment rendered, the guardrails passed, each template's size |\n\
         | cfn-lint | `out/evidence/cfn-lint-{e}.txt` | AWS's resource schemas for {r}: no error, no warning |\n\
         | checkov | `out/evidence/checkov.txt` | every CloudFormation check passed or skipped with the reason above |\n\
         | arm64 boot | `out/evidence/boot-arm64.txt` | the functions' arm64 zip (`stackgen package --env dev`) started under qemu-aarch64 behind `stackgen dev`'s runtime API: each handler's answer |\n\
         | browser | `out/screenshots/*.png`, `out/screenshots/index.json` | the storefront and back office in headless Chromium against `stackgen dev` on the emulator, one picture per step with what it proves |\n\
         | smoke test | `out/ui-test/smoke.log` | `stackgen smoke` through `stackgen dev`: a customer's order placed and cancelled, stock back, clean-up |\n\
         | logs | `out/ui-test/logs.out` | `stackgen logs` reading the orders the run placed from the functions' log files |\n\n\
         CI keeps `out/evidence/`, `out/screenshots/` and `out/ui-test/` of each run.\n",
        e = env.name,
        r = env.region
    ));
    out
}

fn synth_summary(env: &Environment, view: &View) -> String {
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &view.resources {
        *by_type.entry(r.ty).or_default() += 1;
    }
    let mut out = format!(
        "## What `stackgen synth --env {}` renders\n\n\
         Stack `{}-{}` in `{}`: {} resources of {} types.\n\n\
         | type | count |\n| --- | ---: |\n",
        env.name,
        env.project,
        env.name,
        env.region,
        view.resources.len(),
        by_type.len()
    );
    for (ty, n) in &by_type {
        out.push_str(&format!("| `{ty}` | {n} |\n"));
    }
    out.push('\n');
    out
}

fn guardrails(guard: &Report) -> String {
    let mut out = String::from(
        "## Guardrails\n\n`synth`, `deploy` and `docs` refuse a stack that breaks any of these \
         (exit 3); this one passes all of them.\n\n\
         | rule | what it requires | looked at | violations |\n| --- | --- | ---: | ---: |\n",
    );
    for r in &guard.results {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.rule.id,
            r.rule.title,
            r.checked,
            r.violations.len()
        ));
    }
    out.push('\n');
    out
}

fn checkov_skips(view: &View) -> String {
    let mut skips: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for r in &view.resources {
        let Some(list) = r.meta.pointer("/checkov/skip").and_then(|s| s.as_array()) else {
            continue;
        };
        for s in list {
            let id = s["id"].as_str().unwrap_or_default().to_owned();
            let why = s["comment"].as_str().unwrap_or_default().to_owned();
            skips.entry((id, why)).or_default().push(r.id);
        }
    }
    let mut out = String::from(
        "## checkov checks skipped on purpose\n\nEach skip is written in the resource's \
         `Metadata` with its reason; checkov reads it there.\n\n",
    );
    if skips.is_empty() {
        out.push_str("None.\n\n");
        return out;
    }
    out.push_str("| check | resources | why |\n| --- | --- | --- |\n");
    for ((id, why), ids) in &skips {
        out.push_str(&format!(
            "| `{id}` | {} | {why} |\n",
            ids.iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push('\n');
    out
}
