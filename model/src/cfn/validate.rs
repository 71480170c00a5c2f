//! The template's check before it is rendered: ids unique, every reference resolved, no
//! redundant `DependsOn`.
//!
//! Every `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholder, `Fn::If` condition, resource `Condition`
//! and `DependsOn` must name something the template declares, and no `DependsOn` may repeat a
//! reference (cfn-lint W3005). The references come from the typed values (`references.rs`). A
//! handle of another template cannot be passed to a template's builder (`draft.rs`); what can
//! still arrive on purpose (a value kept in a `thread_local!`, or copied out of a second template
//! built inside a builder) fails here, at synth.

use std::collections::HashSet;

use super::references::{Reference, of};
use super::template::{Condition, Template, TemplateError};

impl Template {
    /// Checks that ids are unique, every reference resolves and no `DependsOn` is redundant.
    pub fn validate(&self) -> Result<(), TemplateError> {
        if let Some(d) = self.duplicate_ids().first() {
            return Err(TemplateError::DuplicateId(d.clone()));
        }
        check(self)
    }
}

/// Verifies that every reference of `t` resolves and that no `DependsOn` is redundant.
fn check(t: &Template) -> Result<(), TemplateError> {
    let resources: HashSet<&str> = t.entries().iter().map(|e| e.id().as_str()).collect();
    let parameters: HashSet<&str> = t.parameters().map(|(id, _)| id.as_str()).collect();
    let conditions: HashSet<&str> = t.conditions().map(|(id, _)| id.as_str()).collect();
    let resolves = |r: &Reference| match r {
        Reference::Value(n) => {
            n.starts_with("AWS::")
                || resources.contains(n.as_str())
                || parameters.contains(n.as_str())
        }
        Reference::Attribute(n) => resources.contains(n.as_str()),
        Reference::Condition(n) => conditions.contains(n.as_str()),
    };
    let check = |from: &str, refs: &[Reference]| match refs.iter().find(|r| !resolves(r)) {
        Some(r) => Err(TemplateError::Dangling {
            from: from.to_owned(),
            to: r.name().to_owned(),
        }),
        None => Ok(()),
    };
    let serialize = |id: &str, e: serde_json::Error| TemplateError::Serialize {
        id: id.to_owned(),
        message: e.to_string(),
    };
    for (id, c) in t.conditions() {
        let mut refs = of(c).map_err(|e| serialize(id.as_str(), e))?;
        named_conditions(c, &mut refs);
        check(id.as_str(), &refs)?;
    }
    for (id, o) in t.outputs() {
        let mut refs = of(o).map_err(|e| serialize(id.as_str(), e))?;
        refs.extend(
            o.condition
                .iter()
                .map(|c| Reference::Condition(c.as_str().to_owned())),
        );
        check(id.as_str(), &refs)?;
    }
    for e in t.entries() {
        let id = e.id().as_str();
        let mut refs = e
            .resource()
            .property_references()
            .map_err(|err| serialize(id, err))?;
        refs.extend(
            e.options
                .condition
                .iter()
                .map(|c| Reference::Condition(c.as_str().to_owned())),
        );
        check(id, &refs)?;
        for d in &e.options.depends_on {
            let d = d.as_str();
            if !resources.contains(d) {
                return Err(TemplateError::Dangling {
                    from: id.to_owned(),
                    to: d.to_owned(),
                });
            }
            if refs
                .iter()
                .any(|r| matches!(r, Reference::Value(n) | Reference::Attribute(n) if n == d))
            {
                return Err(TemplateError::RedundantDependsOn {
                    resource: id.to_owned(),
                    on: d.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The other conditions a condition is built from (`{"Condition": "IsProd"}`, at any depth).
fn named_conditions(c: &Condition, out: &mut Vec<Reference>) {
    match c {
        Condition::Is(id) => out.push(Reference::Condition(id.as_str().to_owned())),
        Condition::Not(c) => named_conditions(c, out),
        Condition::And(cs) | Condition::Or(cs) => cs.iter().for_each(|c| named_conditions(c, out)),
        Condition::Equals(..) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::Draft;
    use crate::cfn::{Options, Output, Tags, Value};
    use crate::services::sqs::Queue;

    #[test]
    fn the_template_check_covers_conditions_outputs_and_depends_on() {
        let mut t = Draft::new("t", Tags::new());
        let q = t.add("Q", Queue::new());
        t.condition(
            "Alias",
            Condition::Is(crate::cfn::LogicalId::new("Missing")),
        );
        assert_eq!(
            check(&t),
            Err(TemplateError::Dangling {
                from: "Alias".into(),
                to: "Missing".into()
            })
        );

        let mut t = Draft::new("t", Tags::new());
        let q2 = t.add("Q", Queue::new());
        let mut out = Output::new("url", q2.url());
        out.condition = Some(crate::cfn::LogicalId::new("Nowhere"));
        t.output("Url", out);
        assert!(matches!(check(&t), Err(TemplateError::Dangling { to, .. }) if to == "Nowhere"));

        let mut t = Draft::new("t", Tags::new());
        let a = t.add("A", Queue::new());
        t.add_with(
            "B",
            Queue::new().queue_name(Value::from(a.url())),
            Options::new().depends_on(&a),
        );
        assert!(matches!(
            check(&t),
            Err(TemplateError::RedundantDependsOn { resource, on }) if resource == "B" && on == "A"
        ));
        drop(q);
    }
}
