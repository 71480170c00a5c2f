//! The shape of one resource type's facts.
//!
//! Everything here except [`ResourceFacts::data_store`] and the stricter create-only list is read
//! from AWS's resource provider schema by the generator (`model/gen`); the statics live in
//! `generated/`. Property pointers are JSON pointers as the schema writes them
//! (`/properties/KeySchema/*/AttributeName`, `*` = any element of a list).

use crate::hand::{self, DataStore};

/// What AWS's resource provider schema says about one CloudFormation resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceFacts {
    /// `AWS::SQS::Queue`, …
    pub type_name: &'static str,
    /// The IAM service prefix of the type's own API (`sqs`): the prefix every handler of the
    /// schema uses. `None` when the schema lists no handler permissions (older, non-provider
    /// types such as `AWS::DocDB::DBCluster`).
    pub service: Option<&'static str>,
    /// Every IAM service prefix the schema's handlers (create, read, update, delete, list) call,
    /// sorted: what a role that deploys this type may need (`lambda`, `iam`, `kms`, `s3`, …).
    pub iam_prefixes: &'static [&'static str],
    /// Every IAM action the schema's handlers list, sorted: what CloudFormation may call to
    /// create, read, update, delete and list a resource of the type (some only for properties
    /// a template may not set, such as a KMS key).
    pub handler_actions: &'static [&'static str],
    /// The IAM actions of the schema's read handler alone, sorted: what CloudFormation calls,
    /// with the caller's credentials, to read a resource of the type when it detects drift.
    pub read_actions: &'static [&'static str],
    /// Whether the type takes tags, and where.
    pub tagging: Tagging,
    /// `createOnlyProperties`: changing one replaces the resource.
    pub create_only: &'static [&'static str],
    /// `conditionalCreateOnlyProperties`: changing one may replace the resource.
    pub conditional_create_only: &'static [&'static str],
    /// `readOnlyProperties`: the attributes CloudFormation reports (`Fn::GetAtt`).
    pub read_only: &'static [&'static str],
    /// `writeOnlyProperties`: accepted on write, never read back.
    pub write_only: &'static [&'static str],
    /// `primaryIdentifier`: the properties that identify a deployed resource.
    pub primary_identifier: &'static [&'static str],
    /// `required`: top-level property names a template must set.
    pub required: &'static [&'static str],
    /// The create-only property that names the physical resource (`/properties/QueueName`):
    /// CloudFormation cannot replace a custom-named resource while the name stays the same.
    /// Derived by the generator: a create-only property named `<Type>Name` or `Name`, or the
    /// single primary identifier when it ends in `Name` or `Identifier`.
    pub physical_name: Option<&'static str>,
}

/// Whether a type takes tags, from the schema's `tagging` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagging {
    /// `taggable: false`, or no `tagging` block and no `Tags` property.
    NotTaggable,
    /// Tags go in `property` (a pointer, `/properties/Tags`), written as `shape`.
    Taggable {
        property: &'static str,
        shape: TagShape,
    },
}

/// How a type's tag property is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagShape {
    /// A list of `{"Key": …, "Value": …}` objects (most types).
    List,
    /// A map from key to value (`AWS::ApiGatewayV2::Api`, `AWS::SSM::Parameter`, …).
    Map,
}

impl Tagging {
    /// True for taggable types.
    pub const fn is_taggable(&self) -> bool {
        matches!(self, Tagging::Taggable { .. })
    }
}

impl ResourceFacts {
    /// What is lost when a resource of this type is deleted, from the hand-written table of data
    /// stores (schemas do not say which types hold data). `None` for stateless types.
    pub fn data_store(&self) -> Option<&'static DataStore> {
        hand::data_store(self.type_name)
    }

    /// The properties whose change replaces the resource: the schema's `createOnlyProperties`
    /// plus the few the CloudFormation reference and the service API are stricter about
    /// ([`hand::STRICTER_CREATE_ONLY`]).
    pub fn replacing(&self) -> Vec<&'static str> {
        let mut all = self.create_only.to_vec();
        for pointer in hand::stricter_create_only(self.type_name) {
            if !all.contains(pointer) {
                all.push(pointer);
            }
        }
        all
    }

    /// The properties whose change may replace the resource, minus those [`Self::replacing`]
    /// already lists.
    pub fn maybe_replacing(&self) -> Vec<&'static str> {
        let always = self.replacing();
        self.conditional_create_only
            .iter()
            .copied()
            .filter(|pointer| !always.contains(pointer))
            .collect()
    }
}
