//! The template: typed resources, parameters, conditions and outputs, and the handles that
//! let one resource refer to another.
//!
//! A template is built in a [`Draft`](super::Draft) (`draft.rs`, which says why a handle cannot
//! reach another template): `Draft::add` stamps the environment's required tags on the resource
//! (when its type is taggable) and returns a [`Handle`] whose typed accessors (`table.arn()`,
//! `queue.url()`, …) are the only way to reference it. CloudFormation infers ordering from those
//! references, so `DependsOn` is only written where a caller asks for an ordering no reference
//! expresses; [`Template::validate`] refuses a `DependsOn` that a reference already implies
//! (cfn-lint W3005) and any reference to an id the template does not declare.
//!
//! This file says what a template holds. How it is built, and what is done with a finished one,
//! lives beside it, each an `impl` of its own that this file does not import: building
//! (`draft.rs`), the check (`validate.rs`), rendering (`render.rs`) and the exports other
//! templates import (`export.rs`).

use super::secret::SecretNames;
use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::attr::Attr;
use super::references::Reference;
use super::tags::Tags;
use super::value::{LogicalId, Value};

/// A CloudFormation resource type with typed properties. Implemented with this crate's
/// `resource!` macro, which also writes the type's [`AnyResource`] implementation.
pub trait Resource: AnyResource + Serialize + fmt::Debug + 'static {
    /// `AWS::S3::Bucket`, …
    const TYPE: &'static str;
}

/// Implements [`Resource`] and [`AnyResource`] for a properties struct; `tags = field` marks a
/// taggable type.
///
/// `AnyResource` is implemented per type here rather than once for every `T: Resource`: a
/// blanket implementation is generic, so its code (each type's `Serialize` for each of the
/// template's serializers: the pretty text and the reference check) would be generated in every crate
/// that adds a resource to a template, and again whenever that crate's code generation is redone.
/// Written per type, it is compiled once, in this crate.
macro_rules! resource {
    ($ty:ty, $name:literal) => {
        $crate::cfn::template::resource!(@impl $ty, $name, []);
    };
    ($ty:ty, $name:literal, tags = $field:ident) => {
        $crate::cfn::template::resource!(@impl $ty, $name, [$field]);
    };
    (@impl $ty:ty, $name:literal, [$($field:ident)?]) => {
        impl $crate::cfn::Resource for $ty {
            const TYPE: &'static str = $name;
        }
        impl $crate::cfn::AnyResource for $ty {
            fn resource_type(&self) -> &'static str {
                $name
            }
            fn write_properties(
                &self,
                out: &mut Vec<u8>,
                depth: usize,
            ) -> Result<(), serde_json::Error> {
                $crate::cfn::pretty::write_value(out, depth, self)
            }
            fn property_references(
                &self,
            ) -> Result<Vec<$crate::cfn::references::Reference>, serde_json::Error> {
                $crate::cfn::references::of(self)
            }
            $crate::cfn::template::resource!(@tags $($field)?);
        }
    };
    (@tags) => {
        fn tags(&self) -> Option<&$crate::cfn::Tags> {
            None
        }
        fn tags_mut(&mut self) -> Option<&mut $crate::cfn::Tags> {
            None
        }
    };
    (@tags $field:ident) => {
        fn tags(&self) -> Option<&$crate::cfn::Tags> {
            Some(&self.$field)
        }
        fn tags_mut(&mut self) -> Option<&mut $crate::cfn::Tags> {
            Some(&mut self.$field)
        }
    };
}
pub(crate) use resource;

/// A resource of any type, as the template stores it.
pub trait AnyResource: Any + fmt::Debug {
    fn resource_type(&self) -> &'static str;
    /// Writes the `Properties` object as pretty JSON text `depth` levels in (`cfn/render.rs`).
    fn write_properties(&self, out: &mut Vec<u8>, depth: usize) -> Result<(), serde_json::Error>;
    /// What the properties refer to (`cfn/references.rs`).
    fn property_references(&self) -> Result<Vec<Reference>, serde_json::Error>;
    fn tags(&self) -> Option<&Tags>;
    fn tags_mut(&mut self) -> Option<&mut Tags>;
}

/// A typed reference to a resource added to a template. Attribute accessors live next to each
/// resource type (`impl Handle<Table> { fn arn(&self) … }`).
pub struct Handle<T> {
    id: LogicalId,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle {
            id: self.id.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({})", self.id)
    }
}

impl<T> Handle<T> {
    /// The handle of the resource `id` (only a template makes one, as it adds the resource).
    pub(crate) fn new(id: LogicalId) -> Self {
        Handle {
            id,
            _type: PhantomData,
        }
    }
}

impl<T: Resource> Handle<T> {
    pub fn id(&self) -> &LogicalId {
        &self.id
    }

    /// `Ref` (what it returns depends on the type; the typed accessors name it).
    pub(crate) fn reference(&self) -> Value {
        Value::reference(self.id.clone())
    }

    /// `Fn::GetAtt` of a documented attribute (only typed accessors call this).
    pub(crate) fn attribute(&self, name: &'static str) -> Value {
        Value::get_att(self.id.clone(), name)
    }

    /// `Ref`, typed as the attribute of kind `K` that it returns for this type.
    pub(crate) fn reference_as<K>(&self) -> Attr<T, K> {
        Attr::new(self.reference())
    }

    /// `Fn::GetAtt` of a documented attribute, typed as kind `K`.
    pub(crate) fn attribute_as<K>(&self, name: &'static str) -> Attr<T, K> {
        Attr::new(self.attribute(name))
    }
}

/// What happens to a resource's physical data when it is deleted or replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeletionPolicy {
    Delete,
    Retain,
    RetainExceptOnCreate,
    Snapshot,
}

impl DeletionPolicy {
    pub fn keeps_data(self) -> bool {
        !matches!(self, DeletionPolicy::Delete)
    }
}

/// A checkov check skipped for a resource, with the reason (rendered into `Metadata`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckovSkip {
    pub id: &'static str,
    pub comment: String,
}

/// Resource attributes other than `Properties`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// Explicit ordering that no reference expresses.
    pub depends_on: Vec<LogicalId>,
    pub deletion_policy: Option<DeletionPolicy>,
    pub update_replace_policy: Option<DeletionPolicy>,
    pub condition: Option<LogicalId>,
    pub checkov_skips: Vec<CheckovSkip>,
}

impl Options {
    pub fn new() -> Self {
        Self::default()
    }

    /// An ordering CloudFormation cannot infer (there is no reference between the two).
    pub fn depends_on<T: Resource>(mut self, on: &Handle<T>) -> Self {
        self.depends_on.push(on.id().clone());
        self
    }

    /// Sets both `DeletionPolicy` and `UpdateReplacePolicy`.
    pub fn data_policy(mut self, policy: DeletionPolicy) -> Self {
        self.deletion_policy = Some(policy);
        self.update_replace_policy = Some(policy);
        self
    }

    /// Data kept for good once it exists: `DeletionPolicy: RetainExceptOnCreate` and
    /// `UpdateReplacePolicy: Retain`.
    ///
    /// A plain `Retain` also keeps what a failed *first* create made, so every retry of that
    /// create fails on "already exists" for a named table. AWS: "RetainExceptOnCreate behaves
    /// like Retain for stack operations, except for the stack operation that initially created
    /// the resource. If the stack operation that created the resource is rolled back,
    /// CloudFormation deletes the resource" (CloudFormation User Guide, "DeletionPolicy
    /// attribute", <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html>).
    /// `UpdateReplacePolicy` has no such value, so it stays `Retain`.
    pub fn retain_data(mut self) -> Self {
        self.deletion_policy = Some(DeletionPolicy::RetainExceptOnCreate);
        self.update_replace_policy = Some(DeletionPolicy::Retain);
        self
    }

    pub fn condition(mut self, condition: &ConditionHandle) -> Self {
        self.condition = Some(condition.id().clone());
        self
    }

    /// Skips a checkov check on this resource; the reason is part of the template.
    pub fn skip_checkov(mut self, id: &'static str, reason: &str) -> Self {
        self.checkov_skips.push(CheckovSkip {
            id,
            comment: reason.to_owned(),
        });
        self
    }
}

/// One resource in the template.
#[derive(Debug)]
pub struct Entry {
    id: LogicalId,
    resource: Box<dyn AnyResource>,
    pub options: Options,
}

impl Entry {
    /// Resource `id`, as the template adds it.
    pub(crate) fn new(id: LogicalId, resource: Box<dyn AnyResource>, options: Options) -> Self {
        Entry {
            id,
            resource,
            options,
        }
    }

    pub fn id(&self) -> &LogicalId {
        &self.id
    }

    pub fn resource_type(&self) -> &'static str {
        self.resource.resource_type()
    }

    pub fn resource(&self) -> &dyn AnyResource {
        self.resource.as_ref()
    }

    pub fn resource_mut(&mut self) -> &mut dyn AnyResource {
        self.resource.as_mut()
    }

    pub fn downcast<T: Resource>(&self) -> Option<&T> {
        let any: &dyn Any = self.resource.as_ref();
        any.downcast_ref::<T>()
    }

    pub fn downcast_mut<T: Resource>(&mut self) -> Option<&mut T> {
        let any: &mut dyn Any = self.resource.as_mut();
        any.downcast_mut::<T>()
    }
}

/// Parameter types used by the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ParameterType {
    String,
    Number,
    /// Comma-separated strings; a `Ref` to it is a list.
    CommaDelimitedList,
}

/// A template parameter (supplied at deploy time).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub kind: ParameterType,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// CloudFormation shows the value as `****` in every answer (DescribeStacks, change sets,
    /// events) instead of the value.
    #[serde(rename = "NoEcho", skip_serializing_if = "std::ops::Not::not")]
    pub no_echo: bool,
}

impl Parameter {
    pub fn string(description: &str) -> Self {
        Parameter {
            kind: ParameterType::String,
            description: description.to_owned(),
            default: None,
            allowed_pattern: None,
            constraint_description: None,
            min_length: None,
            max_length: None,
            no_echo: false,
        }
    }
}

/// A reference to a declared parameter.
#[derive(Clone, Debug)]
pub struct ParamHandle {
    id: LogicalId,
}

impl ParamHandle {
    pub(super) fn new(id: LogicalId) -> Self {
        ParamHandle { id }
    }

    pub fn id(&self) -> &LogicalId {
        &self.id
    }

    /// `Ref` to the parameter's value.
    pub fn value(&self) -> Value {
        Value::reference(self.id.clone())
    }
}

/// A condition expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Equals(Value, Value),
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
    /// Another declared condition.
    Is(LogicalId),
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match self {
            Condition::Equals(a, b) => m.serialize_entry("Fn::Equals", &(a, b))?,
            Condition::Not(c) => m.serialize_entry("Fn::Not", &[c])?,
            Condition::And(cs) => m.serialize_entry("Fn::And", cs)?,
            Condition::Or(cs) => m.serialize_entry("Fn::Or", cs)?,
            Condition::Is(id) => m.serialize_entry("Condition", id.as_str())?,
        }
        m.end()
    }
}

/// A reference to a declared condition.
#[derive(Clone, Debug)]
pub struct ConditionHandle {
    id: LogicalId,
}

impl ConditionHandle {
    pub(super) fn new(id: LogicalId) -> Self {
        ConditionHandle { id }
    }

    pub fn id(&self) -> &LogicalId {
        &self.id
    }

    pub fn condition(&self) -> Condition {
        Condition::Is(self.id.clone())
    }
}

/// A stack output.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub description: String,
    pub value: Value,
    pub export_name: Option<Value>,
    pub condition: Option<LogicalId>,
}

impl Output {
    pub fn new(description: &str, value: impl Into<Value>) -> Self {
        Output {
            description: description.to_owned(),
            value: value.into(),
            export_name: None,
            condition: None,
        }
    }
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(c) = &self.condition {
            m.serialize_entry("Condition", c.as_str())?;
        }
        m.serialize_entry("Description", &self.description)?;
        m.serialize_entry("Value", &self.value)?;
        if let Some(e) = &self.export_name {
            #[derive(Serialize)]
            struct Export<'a> {
                #[serde(rename = "Name")]
                name: &'a Value,
            }
            m.serialize_entry("Export", &Export { name: e })?;
        }
        m.end()
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// What is wrong with a template that cannot be rendered.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TemplateError {
    #[error(
        "logical id `{0}` is declared twice; every resource, parameter, condition and output needs its own name"
    )]
    DuplicateId(String),
    #[error(
        "`{from}` refers to `{to}`, which this template does not declare; pass handles from the same template"
    )]
    Dangling { from: String, to: String },
    #[error(
        "`{resource}` has `DependsOn: {on}` although it already references `{on}`; drop the DependsOn (cfn-lint W3005)"
    )]
    RedundantDependsOn { resource: String, on: String },
    #[error("could not serialise `{id}`: {message}")]
    Serialize { id: String, message: String },
}

/// A parameter of this template filled from another stack's output at deploy time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub parameter: LogicalId,
    /// The producing stack's name.
    pub stack: String,
    /// The output's key in the producing stack.
    pub output: LogicalId,
}

/// A CloudFormation template: built and changed only through a [`Draft`](super::Draft)
/// ([`Template::build`], [`Template::edit`]); read, checked and rendered as it is.
#[derive(Debug, Default)]
pub struct Template {
    pub(super) description: String,
    pub(super) required_tags: Tags,
    pub(super) parameters: Vec<(LogicalId, Parameter)>,
    pub(super) conditions: Vec<(LogicalId, Condition)>,
    pub(super) resources: Vec<Entry>,
    pub(super) outputs: Vec<(LogicalId, Output)>,
    pub(super) duplicates: Vec<String>,
    pub(super) imports: Vec<Import>,
    pub(super) secrets: Vec<SecretNames>,
}

impl Template {
    /// An empty template whose taggable resources will all get `required_tags`.
    pub fn new(description: &str, required_tags: Tags) -> Self {
        Template {
            description: description.to_owned(),
            required_tags,
            ..Template::default()
        }
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn required_tags(&self) -> &Tags {
        &self.required_tags
    }

    pub fn entries(&self) -> &[Entry] {
        &self.resources
    }

    pub fn entry(&self, id: &LogicalId) -> Option<&Entry> {
        self.resources.iter().find(|e| e.id == *id)
    }

    /// Finds a resource by its logical id as text.
    pub fn entry_named(&self, id: &str) -> Option<&Entry> {
        self.resources.iter().find(|e| e.id == id)
    }

    /// Removes a resource (for tests that build a breaking stack).
    pub fn remove(&mut self, id: &str) -> Option<Entry> {
        let i = self.resources.iter().position(|e| e.id == id)?;
        Some(self.resources.remove(i))
    }

    /// Every resource of type `T`, in declaration order.
    pub fn resources<T: Resource>(&self) -> impl Iterator<Item = (&LogicalId, &T)> {
        self.resources
            .iter()
            .filter_map(|e| e.downcast::<T>().map(|r| (&e.id, r)))
    }

    pub fn get<T: Resource>(&self, id: &LogicalId) -> Option<&T> {
        self.entry(id).and_then(Entry::downcast)
    }

    pub fn resource<T: Resource>(&self, handle: &Handle<T>) -> Option<&T> {
        self.get(handle.id())
    }

    pub fn parameters(&self) -> impl ExactSizeIterator<Item = (&LogicalId, &Parameter)> {
        self.parameters.iter().map(|(k, v)| (k, v))
    }

    /// The parameters filled from other stacks' outputs ([`Draft::import`](super::Draft::import)).
    pub fn imports(&self) -> &[Import] {
        &self.imports
    }

    /// The secrets the deploy generates once and keeps ([`Draft::secret`](super::Draft::secret)).
    pub fn secrets(&self) -> &[SecretNames] {
        &self.secrets
    }

    pub(crate) fn record_secret(&mut self, names: SecretNames) {
        self.secrets.push(names);
    }

    pub(crate) fn record_import(&mut self, import: Import) {
        self.imports.push(import);
    }

    pub fn outputs(&self) -> impl ExactSizeIterator<Item = (&LogicalId, &Output)> {
        self.outputs.iter().map(|(k, v)| (k, v))
    }

    pub fn conditions(&self) -> impl ExactSizeIterator<Item = (&LogicalId, &Condition)> {
        self.conditions.iter().map(|(k, v)| (k, v))
    }

    /// The ids declared twice, which [`Template::validate`] refuses.
    pub(crate) fn duplicate_ids(&self) -> &[String] {
        &self.duplicates
    }
}

/// Serialises a sequence with one element as that element, otherwise as a list (IAM style).
pub fn serialize_one_or_many<S: Serializer, V: Serialize>(
    items: &[V],
    s: S,
) -> Result<S::Ok, S::Error> {
    if let [one] = items {
        one.serialize(s)
    } else {
        let mut q = s.serialize_seq(Some(items.len()))?;
        for i in items {
            q.serialize_element(i)?;
        }
        q.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::Draft;
    use crate::cfn::{Pseudo, Tags};
    use crate::services::apigw::Api;
    use crate::services::sqs::Queue;
    use crate::sub;
    use serde_json::Value as Json;

    fn tags() -> Tags {
        let mut t = Tags::new();
        t.set("Project", "p");
        t.set("Env", "dev");
        t
    }

    fn queue(name: &str) -> Queue {
        Queue::new()
            .queue_name(name)
            .message_retention_period(60)
            .visibility_timeout(30)
    }

    fn doc(t: &Template) -> Json {
        match t.document() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn references_come_from_handles_and_tags_are_stamped_in_each_shape() {
        let mut t = Draft::new("test", tags());
        let dlq = t.add("jobs dlq", queue("dlq"));
        let q = queue("jobs").redrive_policy(crate::services::sqs::RedrivePolicy {
            dead_letter_target_arn: dlq.arn(),
            max_receive_count: 3,
        });
        let jobs = t.add("jobs-queue", q);
        let api = t.add(
            "Api",
            Api::new()
                .name(sub!("api-", Pseudo::Region))
                .description("")
                .protocol_type("HTTP"),
        );
        t.output("JobsUrl", Output::new("url", jobs.url()));
        let d = doc(&t);
        assert_eq!(jobs.id().as_str(), "JobsQueue");
        assert_eq!(
            d["Resources"]["JobsQueue"]["Properties"]["RedrivePolicy"],
            serde_json::json!({"deadLetterTargetArn": {"Fn::GetAtt": ["JobsDlq", "Arn"]}, "maxReceiveCount": 3})
        );
        assert_eq!(
            d["Resources"]["JobsDlq"]["Properties"]["Tags"],
            serde_json::json!([{"Key": "Project", "Value": "p"}, {"Key": "Env", "Value": "dev"}])
        );
        assert_eq!(
            d["Resources"]["Api"]["Properties"]["Tags"],
            serde_json::json!({"Project": "p", "Env": "dev"})
        );
        assert_eq!(
            d["Resources"]["Api"]["Properties"]["Name"],
            serde_json::json!({"Fn::Sub": "api-${AWS::Region}"})
        );
        assert_eq!(
            d["Outputs"]["JobsUrl"]["Value"],
            serde_json::json!({"Ref": "JobsQueue"})
        );
        // No DependsOn is written for references.
        assert!(d["Resources"]["JobsQueue"].get("DependsOn").is_none());
        assert_eq!(api.id().as_str(), "Api");
    }

    #[test]
    fn a_handle_from_another_template_is_refused() {
        let mut other = Draft::new("other", Tags::new());
        let foreign = other.add("Elsewhere", queue("x"));
        let mut t = Draft::new("test", Tags::new());
        t.output("Url", Output::new("url", foreign.url()));
        assert_eq!(
            t.validate(),
            Err(TemplateError::Dangling {
                from: "Url".into(),
                to: "Elsewhere".into()
            })
        );
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let mut t = Draft::new("test", Tags::new());
        t.add("jobs", queue("a"));
        t.add("Jobs", queue("b"));
        assert_eq!(t.validate(), Err(TemplateError::DuplicateId("Jobs".into())));
    }

    #[test]
    fn depends_on_only_where_no_reference_orders_it() {
        let mut t = Draft::new("test", Tags::new());
        let a = t.add("A", queue("a"));
        let b = t.add_with("B", queue("b"), Options::new().depends_on(&a));
        assert!(t.validate().is_ok());
        assert_eq!(
            doc(&t)["Resources"]["B"]["DependsOn"],
            serde_json::json!(["A"])
        );
        let c = queue("c").queue_name(sub!(b.name(), "-c"));
        t.add_with("C", c, Options::new().depends_on(&b));
        assert_eq!(
            t.validate(),
            Err(TemplateError::RedundantDependsOn {
                resource: "C".into(),
                on: "B".into()
            })
        );
    }

    #[test]
    fn parameters_conditions_and_if() {
        let mut t = Draft::new("test", Tags::new());
        let p = t.parameter("Suffix", Parameter::string("a suffix"));
        let c = t.condition(
            "HasSuffix",
            Condition::Not(Box::new(Condition::Equals(p.value(), "".into()))),
        );
        let mut q = queue("q");
        q.queue_name = Some(Value::if_(&c, sub!("q-", p.value()), "q".into()));
        t.add_with(
            "Q",
            q,
            Options::new()
                .condition(&c)
                .data_policy(DeletionPolicy::Retain),
        );
        let d = doc(&t);
        assert_eq!(
            d["Conditions"]["HasSuffix"],
            serde_json::json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "Suffix"}, ""]}]})
        );
        assert_eq!(
            d["Resources"]["Q"]["Properties"]["QueueName"],
            serde_json::json!({"Fn::If": ["HasSuffix", {"Fn::Sub": "q-${Suffix}"}, "q"]})
        );
        assert_eq!(d["Resources"]["Q"]["Condition"], "HasSuffix");
        assert_eq!(d["Resources"]["Q"]["DeletionPolicy"], "Retain");
        assert_eq!(
            d["Parameters"]["Suffix"],
            serde_json::json!({"Type": "String", "Description": "a suffix"})
        );
    }

    #[test]
    fn renders_json_and_yaml_deterministically() {
        let build = || {
            let mut t = Draft::new("test", tags());
            let a = t.add("A", queue("a"));
            t.add_with(
                "B",
                queue("b"),
                Options::new().skip_checkov("CKV_X", "because"),
            );
            t.output("AUrl", Output::new("url", a.url()));
            t
        };
        let (one, two) = (build(), build());
        for f in [Format::Json, Format::Yaml] {
            let (x, y) = (one.render(f), two.render(f));
            assert!(x.is_ok());
            assert_eq!(x, y);
        }
        let yaml = one.render(Format::Yaml).unwrap_or_default();
        assert!(
            yaml.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"),
            "{yaml}"
        );
        assert!(yaml.contains("Metadata:\n      checkov:\n        skip:\n          - id: CKV_X\n            comment: because\n"), "{yaml}");
        let json = one.render(Format::Json).unwrap_or_default();
        let keys: Vec<&str> = json.lines().filter(|l| l.starts_with("  \"")).collect();
        assert_eq!(
            keys,
            vec![
                "  \"AWSTemplateFormatVersion\": \"2010-09-09\",",
                "  \"Description\": \"test\",",
                "  \"Resources\": {",
                "  \"Outputs\": {"
            ]
        );
    }

    #[test]
    fn typed_lookup_and_mutation() {
        let mut t = Draft::new("test", Tags::new());
        let a = t.add("A", queue("a"));
        if let Some(q) = t.resource_mut(&a) {
            q.visibility_timeout = Some(99.into());
        }
        assert_eq!(
            t.resource(&a).and_then(|q| q.visibility_timeout.clone()),
            Some(Value::lit(99))
        );
        assert_eq!(t.resources::<Queue>().count(), 1);
        assert_eq!(t.resources::<Api>().count(), 0);
        assert!(t.template_mut().remove("A").is_some());
        assert!(t.entries().is_empty());
    }
}
