//! Building a template: the one place resources, parameters, conditions and outputs are added,
//! and handles to them handed out.
//!
//! A handle, and every value made from one (`queue.arn()`, `sub!(bucket.name(), "/*")`, a policy
//! naming a table), refers to a logical id of the template that made it; used in another template
//! it would render a `Ref` to an id that template does not declare. So a handle cannot reach
//! another template:
//!
//! - A template is only added to inside [`Template::build`] or [`Template::edit`], which hand a
//!   [`Draft`] to a plain `fn` (a closure that captures nothing coerces to one; one that captures
//!   a handle does not compile).
//! - What goes into that `fn` must be `Sync` and what comes out `Send`. [`LogicalId`], and so
//!   everything that holds one (`Handle`, `Value`, `Attr`, `PolicyDocument`, the resources, a
//!   template), is neither: a handle passed in or handed out is a compile error. Templates meet
//!   through typed [`Export`](super::Export)s instead, which hold names, not ids.
//! - The same holds for statics (a `static` needs `Sync`), and a finished [`Template`] has no
//!   way to add to it or to hand out its handles.
//!
//! Two ways through remain, both deliberate: a value kept in a `thread_local!`, and a builder that
//! builds a second template itself and copies property values out of it. [`Template::validate`]
//! refuses what they let through at synth, naming both ids (`docs/adr/0021-…`).
//!
//! ```
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let (template, url) = Template::build("jobs", Tags::new(), "jobs", |t, name| {
//!     let jobs = t.add(name, Queue::new());
//!     t.output("JobsUrl", Output::new("the jobs queue", jobs.url()));
//!     format!("{name} is declared")
//! });
//! assert_eq!(url, "jobs is declared");
//! assert!(template.validate().is_ok());
//! ```
//!
//! A handle does not leave its builder:
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let (_, jobs) = Template::build("a", Tags::new(), &(), |t, _| t.add("Jobs", Queue::new()));
//! ```
//!
//! nor enters another one, as input or by capture:
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let mut a = Template::new("a", Tags::new());
//! a.edit(&(), |t, _| {
//!     let jobs = t.add("Jobs", Queue::new());
//!     Template::build("b", Tags::new(), &jobs.url(), |t, url| {
//!         t.output("Url", Output::new("the jobs queue", url.clone()));
//!     });
//! });
//! ```
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let mut a = Template::new("a", Tags::new());
//! a.edit(&(), |t, _| {
//!     let jobs = t.add("Jobs", Queue::new());
//!     Template::build("b", Tags::new(), &(), |t, _| {
//!         t.output("Url", Output::new("the jobs queue", jobs.url()));
//!     });
//! });
//! ```

use std::ops::Deref;

use super::tags::Tags;
use super::template::{
    Condition, ConditionHandle, Entry, Handle, Options, Output, ParamHandle, Parameter, Resource,
    Template,
};
use super::value::LogicalId;

/// A template being built or edited ([`Template::build`], [`Template::edit`]). It reads as the
/// template it builds (`Deref`), and adds to it.
#[derive(Debug)]
pub struct Draft {
    template: Template,
}

impl Deref for Draft {
    type Target = Template;

    fn deref(&self) -> &Template {
        &self.template
    }
}

impl Template {
    /// A template described as `description`, whose taggable resources all get
    /// `required_tags`, built by `builder` from `input`; with what `builder` returns.
    pub fn build<I: Sync + ?Sized, O: Send>(
        description: &str,
        required_tags: Tags,
        input: &I,
        builder: fn(&mut Draft, &I) -> O,
    ) -> (Template, O) {
        let mut template = Template::new(description, required_tags);
        let out = template.edit(input, builder);
        (template, out)
    }

    /// Adds to or changes this template in `editor`, as [`Template::build`] builds one.
    pub fn edit<I: Sync + ?Sized, O: Send>(
        &mut self,
        input: &I,
        editor: fn(&mut Draft, &I) -> O,
    ) -> O {
        let mut draft = Draft {
            template: std::mem::take(self),
        };
        let out = editor(&mut draft, input);
        *self = draft.template;
        out
    }
}

impl Draft {
    /// The template as built so far, to record what only this crate records.
    pub(crate) fn template_mut(&mut self) -> &mut Template {
        &mut self.template
    }

    fn claim(&mut self, name: &str) -> LogicalId {
        let id = LogicalId::new(name);
        let taken = self.template.resources.iter().any(|e| *e.id() == id)
            || self.template.parameters.iter().any(|(p, _)| *p == id)
            || self.template.conditions.iter().any(|(c, _)| *c == id);
        if taken {
            self.template.duplicates.push(id.as_str().to_owned());
        }
        id
    }

    /// Adds a resource named `name` (made into a PascalCase logical id).
    pub fn add<T: Resource>(&mut self, name: &str, resource: T) -> Handle<T> {
        self.add_with(name, resource, Options::default())
    }

    /// Adds a resource with attributes (`DeletionPolicy`, checkov skips, …).
    pub fn add_with<T: Resource>(
        &mut self,
        name: &str,
        mut resource: T,
        options: Options,
    ) -> Handle<T> {
        let id = self.claim(name);
        if let Some(tags) = resource.tags_mut() {
            for t in self.template.required_tags.iter() {
                tags.set(&t.key, &t.value);
            }
        }
        self.template
            .resources
            .push(Entry::new(id.clone(), Box::new(resource), options));
        Handle::new(id)
    }

    pub fn parameter(&mut self, name: &str, parameter: Parameter) -> ParamHandle {
        let id = self.claim(name);
        self.template.parameters.push((id.clone(), parameter));
        ParamHandle::new(id)
    }

    pub fn condition(&mut self, name: &str, condition: Condition) -> ConditionHandle {
        let id = self.claim(name);
        self.template.conditions.push((id.clone(), condition));
        ConditionHandle::new(id)
    }

    pub fn output(&mut self, name: &str, output: Output) -> LogicalId {
        let id = LogicalId::new(name);
        if self.template.outputs.iter().any(|(o, _)| *o == id) {
            self.template.duplicates.push(id.as_str().to_owned());
        }
        self.template.outputs.push((id.clone(), output));
        id
    }

    pub fn entry_mut(&mut self, id: &LogicalId) -> Option<&mut Entry> {
        self.template.resources.iter_mut().find(|e| e.id() == id)
    }

    pub fn entry_named_mut(&mut self, id: &str) -> Option<&mut Entry> {
        self.template.resources.iter_mut().find(|e| *e.id() == id)
    }

    /// Handles to every resource of type `T` the template holds, in declaration order (for
    /// cross-cutting grants, such as the kill switch acting on every function of the stack).
    pub fn handles<T: Resource>(&self) -> impl Iterator<Item = Handle<T>> + '_ {
        self.resources::<T>().map(|(id, _)| Handle::new(id.clone()))
    }

    pub fn get_mut<T: Resource>(&mut self, id: &LogicalId) -> Option<&mut T> {
        self.entry_mut(id).and_then(Entry::downcast_mut)
    }

    pub fn resource_mut<T: Resource>(&mut self, handle: &Handle<T>) -> Option<&mut T> {
        self.get_mut(handle.id())
    }

    pub fn outputs_mut(&mut self) -> impl Iterator<Item = (&LogicalId, &mut Output)> {
        self.template.outputs.iter_mut().map(|(k, v)| (&*k, v))
    }
}

#[cfg(test)]
impl Draft {
    /// A draft outside any builder, for this crate's tests of what a builder cannot express
    /// (a handle of another template, which [`Template::validate`] still refuses).
    pub(crate) fn new(description: &str, required_tags: Tags) -> Draft {
        Draft {
            template: Template::new(description, required_tags),
        }
    }

    pub(crate) fn finish(self) -> Template {
        self.template
    }
}
