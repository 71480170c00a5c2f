//! `stackgen diff`: what deploying the rendered template would change, before it is deployed.
//!
//! The engine compares two CloudFormation templates (the deployed one, from GetTemplate or a
//! saved file, against the newly rendered one) and, optionally, the parameter values of each
//! deployment. It reports added, removed, updated and replaced resources down to the changed
//! property path, classifies every change with AWS's own create-only data (see
//! [`replacement`]), and puts destructive changes first: removal or replacement of a
//! resource that holds data, and any replacement. A security section ([`security`]) lists the
//! permissions the deploy would grant or take away, broadening first. Renderers turn the result into terminal text,
//! a pull-request comment (Markdown) or stable JSON; [`DiffExit`] maps it to Terraform's
//! `-detailed-exitcode` convention (0 no changes, 1 error, 2 changes).
//!
//! ```
//! use stackgen_diff::{DiffInput, Format, diff_templates, render};
//! use serde_json::json;
//!
//! let old = json!({"Resources": {"Orders": {"Type": "AWS::SQS::Queue",
//!     "Properties": {"QueueName": "orders"}}}});
//! let new = json!({"Resources": {"Orders": {"Type": "AWS::SQS::Queue",
//!     "Properties": {"QueueName": "orders-v2"}}}});
//! let diff = diff_templates(&DiffInput::new("deployed", old), &DiffInput::new("rendered", new))?;
//! assert_eq!(diff.exit().code(), 2);
//! assert!(diff.resource("Orders").is_some_and(|r| r.destructive));
//! println!("{}", render(&diff, Format::Text, false));
//! # Ok::<(), stackgen_diff::DiffError>(())
//! ```

mod error;
mod exit;
mod model;
mod path;
mod references;
pub mod render;
pub mod replacement;
mod resources;
mod sections;
pub mod security;
mod source;
pub mod stateful;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

pub use error::DiffError;
pub use exit::DiffExit;
pub use model::{
    ChangeCause, ChangeKind, EntryAction, EntryDiff, Note, PropertyChange, Replacement,
    ResourceAction, ResourceCounts, ResourceDiff, Section, SectionDiff, TemplateDiff, ValueChange,
};
pub use path::{PropertyPath, Segment};
pub use render::{Format, render};
pub use sections::MASKED as MASKED_PARAMETER_VALUE;
pub use security::SecurityChange;
pub use source::{duplicate_keys, load_template, parse_template};
pub use stateful::{DataFate, DataOutcome, PolicyAttribute};

/// One side of a diff: a template and, when known, the parameter values it is deployed with.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffInput {
    /// Names the side in output and errors: "deployed stack retail-dev", "out/dev/template.json".
    pub label: String,
    /// The template as JSON (use [`parse_template`] / [`load_template`] for text and files).
    pub template: Value,
    /// Parameter values (DescribeStacks for the deployed side, the environment's values for the
    /// rendered side). Parameter values are compared only when both sides have them.
    pub parameters: Option<BTreeMap<String, String>>,
}

impl DiffInput {
    /// A side with a template and no parameter values.
    pub fn new(label: impl Into<String>, template: Value) -> Self {
        Self {
            label: label.into(),
            template,
            parameters: None,
        }
    }

    /// The same side, with parameter values.
    pub fn with_parameters(mut self, parameters: BTreeMap<String, String>) -> Self {
        self.parameters = Some(parameters);
        self
    }
}

fn top_level(input: &DiffInput) -> Result<&Map<String, Value>, DiffError> {
    input
        .template
        .as_object()
        .ok_or_else(|| DiffError::NotATemplate {
            origin: input.label.clone(),
            detail: "the template is not a mapping.".to_owned(),
        })
}

/// Compares `old` (deployed or saved) with `new` (rendered).
///
/// Errors only when a template is not a CloudFormation template (not a mapping, `Resources`
/// not a mapping, a resource without `Type`): the caller reports it and exits 1.
pub fn diff_templates(old: &DiffInput, new: &DiffInput) -> Result<TemplateDiff, DiffError> {
    let rules = replacement::ReplacementRules::embedded();
    let (old_top, new_top) = (top_level(old)?, top_level(new)?);
    let old_resources = resources::resources_of(&old.template, &old.label)?;
    let new_resources = resources::resources_of(&new.template, &new.label)?;

    let mut warnings = Vec::new();
    let mut sections = sections::diff_sections(old_top, new_top);
    let changed_parameters = match (&old.parameters, &new.parameters) {
        (Some(old_values), Some(new_values)) => {
            let (section, changed) = sections::diff_parameter_values(
                old_top,
                old_values,
                new_top,
                new_values,
                &mut warnings,
            );
            sections.extend(section);
            changed
        }
        _ => BTreeSet::new(),
    };
    warnings.extend(sections::export_warnings(&sections, old_top));
    for (input, top) in [(old, old_top), (new, new_top)] {
        if let Some(transform) = top.get("Transform") {
            warnings.push(format!(
                "{} declares Transform {transform}: the diff compares the templates before macros \
                 expand them, so resources the transform creates are not shown",
                input.label
            ));
        }
    }
    let resources =
        resources::diff_resources(&old_resources, &new_resources, &changed_parameters, rules);
    Ok(TemplateDiff {
        old_label: old.label.clone(),
        new_label: new.label.clone(),
        resources,
        sections,
        security: security::changes(&old.template, &new.template),
        warnings,
    })
}

#[cfg(test)]
mod tests;
