//! Values one stack hands another, typed: an output of the producing template and the
//! parameter of the consuming template that takes it.
//!
//! CloudFront's certificate and web ACL must live in us-east-1 while the rest of an environment
//! lives in its own region, so an environment can be several stacks in several regions.
//! CloudFormation's own exports (`Fn::ImportValue`) do not cross regions; the producing stack's
//! output is read after it is deployed and passed to the consuming stack as a parameter.
//!
//! [`Draft::export`] turns an attribute into an [`Export`] that keeps the attribute's type
//! (`Export<Certificate, kind::Arn>`); [`Draft::import`] declares the parameter in another
//! template and gives back an attribute of the same type, so the certificate's ARN can go
//! where a certificate ARN belongs and nowhere else, and records an [`Import`] that says which
//! stack's output fills the parameter.
//!
//! ```
//! use stackgen_model::cfn::{Tags, Template};
//! use stackgen_model::services::sqs::Queue;
//!
//! let (_producer, export) = Template::build("edge", Tags::new(), &(), |t, _| {
//!     let queue = t.add("Jobs", Queue::new());
//!     t.export("shop-edge", "JobsQueueArn", "the jobs queue", queue.arn())
//! });
//! let (consumer, ()) = Template::build("main", Tags::new(), &export, |t, export| {
//!     let arn = t.import("JobsQueueArn", export);
//! #   let _ = arn;
//! });
//! assert_eq!(consumer.imports()[0].stack, "shop-edge");
//! ```
//!
//! An export names its output and holds no id of the producing template, so it can leave the
//! producer's builder ([`Draft`] says why a handle cannot).

use std::marker::PhantomData;

use super::attr::Attr;
use super::draft::Draft;
use super::template::{Import, Output, Parameter};
use super::value::{LogicalId, Value};

/// An output of stack `stack` holding an attribute of kind `K` of a resource of type `R`.
pub struct Export<R, K> {
    stack: String,
    output: String,
    description: String,
    _of: PhantomData<fn() -> (R, K)>,
}

impl<R, K> Export<R, K> {
    /// The producing stack's name.
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The output's key in the producing stack.
    pub fn output(&self) -> &str {
        &self.output
    }
}

impl Draft {
    /// Declares output `name` with `attr` and returns the typed export another template can
    /// [`import`](Draft::import). `stack` is the name this template is deployed as.
    pub fn export<R, K>(
        &mut self,
        stack: &str,
        name: &str,
        description: &str,
        attr: Attr<R, K>,
    ) -> Export<R, K> {
        let output = self.output(name, Output::new(description, attr.into_value()));
        Export {
            stack: stack.to_owned(),
            output: output.as_str().to_owned(),
            description: description.to_owned(),
            _of: PhantomData,
        }
    }

    /// Declares parameter `name`, filled at deploy time from `export`'s output, and returns it
    /// as an attribute of the exported type.
    pub fn import<R, K>(&mut self, name: &str, export: &Export<R, K>) -> Attr<R, K> {
        let description = format!(
            "{} (output {} of stack {}, filled in by stackgen)",
            export.description, export.output, export.stack
        );
        let param = self.parameter(name, Parameter::string(&description));
        self.template_mut().record_import(Import {
            parameter: param.id().clone(),
            stack: export.stack.clone(),
            output: LogicalId::new(&export.output),
        });
        Attr::external(Value::reference(param.id().clone()))
    }
}
