//! Building a template: the one place resources, parameters, conditions and outputs are added,
//! and handles to them handed out.
//!
//! A handle, and every value made from one (`queue.arn()`, `sub!(bucket.name(), "/*")`, a policy
//! naming a table, a redrive policy's `Json`), refers to a logical id of the template that made
//! it; used in another template it would render a `Ref` to an id that template does not declare.
//! So a handle cannot reach another template:
//!
//! - A template is only added to inside [`Template::build`], or [`Template::edit`] which reopens
//!   a finished one the same way: each hands a [`Draft`] to a plain `fn` (a closure that
//!   captures nothing coerces to one; one that captures a handle does not compile).
//! - What goes into that `fn` must be `Sync` and what comes out `Send`. [`LogicalId`], and so
//!   everything that holds one (`Handle`, every `Value` and `Attr`, `Json`, `PolicyDocument`,
//!   the resources, a template), is neither: a handle passed in or handed out is a compile error.
//!   Templates meet through typed [`Export`](super::Export)s instead, which hold names, not ids.
//! - A `static` needs `Sync`, so none can hold one either.
//! - A finished [`Template`] gives out no handles and no mutable access; it can lose a resource
//!   (`remove`, for tests of a broken stack), never gain one outside `edit`.
//!
//! Three ways through remain, each written on purpose: a value kept in a `thread_local!`; a
//! builder that builds a second template itself and copies values out of it (a finished template
//! can be read); and a value serialised to plain JSON (`serde_json::Value` is `Send`) and made a
//! `Json` again. [`Template::validate`] refuses what they let through at synth, naming both ids
//! (`docs/adr/0021-…`; `model/tests/cross_template.rs` runs each).
//!
//! Templates meet through exports, also when one is built inside another's builder:
//!
//! ```
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let (a, jobs) = Template::build("a", Tags::new(), &(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     t.export("stack-a", "JobsUrl", "the jobs queue", queue.url())
//! });
//! let (b, ()) = Template::build("b", Tags::new(), &jobs, |t, jobs| {
//!     let url = t.import("JobsUrl", jobs);
//!     t.output("Url", Output::new("the jobs queue", url));
//! });
//! assert!(a.validate().is_ok() && b.validate().is_ok());
//!
//! let mut c = Template::new("c", Tags::new());
//! c.edit(&(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     let jobs = t.export("stack-c", "JobsUrl", "the jobs queue", queue.url());
//!     Template::build("d", Tags::new(), &jobs, |t, jobs| {
//!         let url = t.import("JobsUrl", jobs);
//!         t.output("Url", Output::new("the jobs queue", url));
//!     });
//! });
//! ```
//!
//! Each example below is one of those with the export replaced by the attribute itself, and does
//! not compile. Handed out of a builder:
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let (a, jobs) = Template::build("a", Tags::new(), &(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     queue.url()
//! });
//! let (b, ()) = Template::build("b", Tags::new(), &jobs, |t, jobs| {
//!     t.output("Url", Output::new("the jobs queue", jobs.clone()));
//! });
//! ```
//!
//! given to another builder as its input:
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let mut c = Template::new("c", Tags::new());
//! c.edit(&(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     Template::build("d", Tags::new(), &queue.url(), |t, url| {
//!         t.output("Url", Output::new("the jobs queue", url.clone()));
//!     });
//! });
//! ```
//!
//! captured by it:
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Output, Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let mut c = Template::new("c", Tags::new());
//! c.edit(&(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     Template::build("d", Tags::new(), &(), |t, _| {
//!         t.output("Url", Output::new("the jobs queue", queue.url()));
//!     });
//! });
//! ```
//!
//! or kept in a static:
//!
//! ```compile_fail
//! use stackgen_model::cfn::{Output, Tags, Template, Url};
//! use stackgen_model::services::sqs::Queue;
//!
//! static JOBS: std::sync::OnceLock<Url<Queue>> = std::sync::OnceLock::new();
//!
//! let (a, ()) = Template::build("a", Tags::new(), &(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     let _ = JOBS.set(queue.url());
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
        // Taken out for the edit and put back after it (an editor that panics leaves the
        // template empty; nothing reads it after a panic).
        let mut draft = Draft {
            template: std::mem::take(self),
        };
        let out = editor(&mut draft, input);
        *self = draft.template;
        out
    }
}

impl Template {
    /// Changes resource `id`, of type `T`, with `change` given `input`: an [`edit`](Template::edit)
    /// of one resource (tests use it to break a built stack). False when the template has no
    /// `T` named `id`.
    pub fn change<T: Resource, I: Sync + ?Sized>(
        &mut self,
        id: &str,
        input: &I,
        change: fn(&mut T, &I),
    ) -> bool {
        self.edit(&(id, input, change), |t, (id, input, change)| {
            let resource = t.entry_named_mut(id).and_then(|e| e.downcast_mut::<T>());
            resource.map(|r| change(r, input)).is_some()
        })
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
