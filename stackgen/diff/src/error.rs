//! Why a diff could not be computed.
//!
//! Each error names the template (by its label: a file path or "deployed stack …"), the place in
//! it, and what to do, so that `stackgen diff` can print it as is and exit 1.

use std::path::PathBuf;

/// A template could not be read or is not a CloudFormation template.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("cannot read template file {path}: {source}. Check the path given to --against.")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{path} cannot be a template: {why}. Point --against at a template file (JSON or YAML)."
    )]
    NotATemplateFile { path: PathBuf, why: String },

    #[error(
        "{origin} is not valid JSON: {source}. A template starting with `{{` is read as JSON; fix \
         the syntax at that line and column."
    )]
    Json {
        origin: String,
        #[source]
        source: serde_json::Error,
    },

    #[error("{origin} is not valid YAML: {source}. Fix the syntax at that line and column.")]
    Yaml {
        origin: String,
        #[source]
        source: serde_norway::Error,
    },

    #[error(
        "{origin} uses the YAML tag !{tag} at {location}, which is not a CloudFormation intrinsic \
         function. Use one of !Ref, !GetAtt, !Sub, !Join, !Select, !Split, !If, !Equals, !And, \
         !Or, !Not, !FindInMap, !GetAZs, !ImportValue, !Base64, !Cidr, !Condition, !Transform, \
         !ToJsonString, !Length, or write the long form (`Fn::Name:`)."
    )]
    UnknownTag {
        origin: String,
        tag: String,
        location: String,
    },

    #[error(
        "{origin}: {detail} A CloudFormation template is a mapping with a `Resources` mapping."
    )]
    NotATemplate { origin: String, detail: String },

    #[error(
        "{origin}: resource {logical_id} {detail}. Every resource needs `Type: AWS::Service::Thing`."
    )]
    BadResource {
        origin: String,
        logical_id: String,
        detail: String,
    },
}
