//! Guardrails: the rules every stack must pass before a template is written or deployed.
//!
//! Each rule reads the typed template (the same values that are rendered) and the environment,
//! and reports violations that name the resource, the rule and the fix. `synth`, `check` and
//! `deploy` run [`check`] first and stop on any violation. The bootstrap's and the CI roles'
//! rules live beside those stacks (`deploy/bootstrap/guard.rs`, `deploy/ci/guard.rs`); they use
//! the same [`Report`], [`Rule`] and outcome, and the bucket rules (`buckets`), and [`check`]
//! does not run them.

mod access;
pub(crate) mod buckets;
mod budget;
mod edge;
mod ghost;
mod iam;
mod logs;
mod protection;
mod roles;
mod tables;
mod tags;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use crate::env::Environment;
use crate::model::Template;
use crate::stack::RetailStack;

/// A guardrail rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    /// Stable id (`required-tags`).
    pub id: &'static str,
    /// What the rule demands.
    pub title: &'static str,
}

/// One broken rule on one resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    pub rule: &'static str,
    /// Logical id of the resource, or `(environment)` / `(stack)`.
    pub resource: String,
    pub problem: String,
    pub fix: String,
}

/// The outcome of one rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleResult {
    pub rule: Rule,
    /// How many resources (or settings) the rule looked at.
    pub checked: usize,
    pub violations: Vec<Violation>,
    /// Waivers and allowances the environment file made explicitly.
    pub notes: Vec<String>,
}

/// The guardrail report of one stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub stack: String,
    pub environment: String,
    pub results: Vec<RuleResult>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.violations.is_empty())
    }

    pub fn violations(&self) -> impl Iterator<Item = &Violation> {
        self.results.iter().flat_map(|r| r.violations.iter())
    }

    /// A human-readable report; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_owned()
            }
        };
        let count = self.violations().count();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Guardrails for stack {} (environment {}): {} rules, {}",
            self.stack,
            self.environment,
            self.results.len(),
            if count == 0 {
                paint("32", "all passed")
            } else {
                paint(
                    "31",
                    &format!("{count} violation{}", if count == 1 { "" } else { "s" }),
                )
            }
        );
        let width = self
            .results
            .iter()
            .map(|r| r.rule.id.len())
            .max()
            .unwrap_or(0);
        for r in &self.results {
            let mark = if r.violations.is_empty() {
                paint("32", "pass")
            } else {
                paint("31", "FAIL")
            };
            let _ = writeln!(
                out,
                "  {mark}  {:width$}  {} ({} checked)",
                r.rule.id, r.rule.title, r.checked
            );
            for n in &r.notes {
                let _ = writeln!(out, "        note: {n}");
            }
            for v in &r.violations {
                let _ = writeln!(out, "        {}: {}", paint("1", &v.resource), v.problem);
                let _ = writeln!(out, "          fix: {}", v.fix);
            }
        }
        out
    }
}

/// What a rule looks at.
pub(crate) struct Subject<'a> {
    pub template: &'a Template,
    pub env: &'a Environment,
    pub stack_name: &'a str,
    pub termination_protection: bool,
}

impl Subject<'_> {
    /// Production-like: named `prod`, or protected by the environment file.
    pub fn production(&self) -> bool {
        self.env.name == "prod"
            || self.env.protection.termination_protection
            || self.env.protection.retain_data
    }
}

/// Builds one rule's result.
pub(crate) struct Outcome {
    rule: Rule,
    checked: usize,
    violations: Vec<Violation>,
    notes: Vec<String>,
}

impl Outcome {
    pub fn new(rule: Rule) -> Self {
        Outcome {
            rule,
            checked: 0,
            violations: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn checked(&mut self) {
        self.checked += 1;
    }

    pub fn violation(
        &mut self,
        resource: &str,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.violations.push(Violation {
            rule: self.rule.id,
            resource: resource.to_owned(),
            problem: problem.into(),
            fix: fix.into(),
        });
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    pub fn finish(self) -> RuleResult {
        RuleResult {
            rule: self.rule,
            checked: self.checked,
            violations: self.violations,
            notes: self.notes,
        }
    }
}

/// Every rule, in report order.
pub const RULES: &[Rule] = &[
    tags::RULE,
    logs::RULE,
    budget::RULE,
    ghost::RULE,
    buckets::PRIVATE,
    buckets::ENCRYPTED,
    buckets::TLS_ONLY,
    tables::ON_DEMAND,
    tables::PITR,
    iam::RULE,
    protection::RULE,
    access::RULE,
    roles::RULE,
    edge::RULE,
];

/// Runs every guardrail on a built stack and its companion stacks. A companion's resources
/// are reported as `<stack>/<logical id>`; the rules about the environment as a whole (budget,
/// protection of the business tables) read the main stack only.
pub fn check(stack: &RetailStack, env: &Environment) -> Report {
    let mut report = check_template(
        &stack.template,
        &stack.name,
        stack.termination_protection,
        env,
    );
    for companion in &stack.companions {
        let s = Subject {
            template: &companion.template,
            env,
            stack_name: &companion.name,
            termination_protection: stack.termination_protection,
        };
        let results = [
            tags::check(&s),
            logs::check(&s),
            ghost::check(&s),
            buckets::private(s.template),
            buckets::encrypted(s.template),
            buckets::tls_only(s.template),
            tables::check_on_demand(&s),
            iam::check(&s),
            access::check(&s),
            roles::check(&s),
        ];
        for result in results {
            merge(&mut report, result, &companion.name);
        }
    }
    report
}

/// Adds a companion stack's result of a rule to the report's result of the same rule.
fn merge(report: &mut Report, result: RuleResult, stack: &str) {
    let Some(into) = report
        .results
        .iter_mut()
        .find(|r| r.rule.id == result.rule.id)
    else {
        return;
    };
    into.checked += result.checked;
    into.violations
        .extend(result.violations.into_iter().map(|mut v| {
            if !v.resource.starts_with('(') {
                v.resource = format!("{stack}/{}", v.resource);
            }
            v
        }));
}

/// Runs every guardrail on a template that will be deployed as `stack_name`.
pub fn check_template(
    template: &Template,
    stack_name: &str,
    termination_protection: bool,
    env: &Environment,
) -> Report {
    let s = Subject {
        template,
        env,
        stack_name,
        termination_protection,
    };
    Report {
        stack: stack_name.to_owned(),
        environment: env.name.clone(),
        results: vec![
            tags::check(&s),
            logs::check(&s),
            budget::check(&s),
            ghost::check(&s),
            buckets::private(template),
            buckets::encrypted(template),
            buckets::tls_only(template),
            tables::check_on_demand(&s),
            tables::check_pitr(&s),
            iam::check(&s),
            protection::check(&s),
            access::check(&s),
            roles::check(&s),
            edge::check(&s),
        ],
    }
}
