//! Errors of the cost estimator, each one paragraph naming what was being read and the fix.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CostError {
    #[error(
        "no prices for region `{region}`: the embedded price table (taken {taken}) covers {supported}. \
         Use one of those regions, or add the region's prices to stackgen/cost/src/prices/ with \
         their source and date."
    )]
    UnsupportedRegion {
        region: String,
        supported: String,
        taken: &'static str,
    },

    #[error(
        "the price table built into this stackgen is broken: {0}. Rebuild from a commit whose \
         `cargo test -p stackgen-cost prices` passes, or restore stackgen/cost/data/prices.json"
    )]
    PriceTable(#[from] crate::prices::file::TableFileError),

    #[error(
        "the template to estimate is not a CloudFormation template: {problem}. Pass the rendered \
         template JSON (out/<env>/template.json), not an environment file or a cost report."
    )]
    NotATemplate { problem: String },

    #[error(
        "cannot read traffic profile {path}: {source}. Check the path, or use a built-in profile: \
         idle, demo or 1m."
    )]
    TrafficRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "traffic profile {path}, {location}field `{field}`: {message}. See \
         examples/traffic/weekend-sale.yaml for the format."
    )]
    TrafficParse {
        path: PathBuf,
        location: String,
        field: String,
        message: String,
    },

    #[error(
        "the traffic profile `{profile}` makes {resource}'s {component} too large to price (the \
         estimate's arithmetic ran out of range); lower that resource's numbers in the profile"
    )]
    OutOfRange {
        profile: String,
        resource: String,
        component: String,
    },

    #[error(
        "`{name}` is neither a built-in traffic profile (idle, demo, 1m) nor a file that exists. \
         Name a built-in profile or the path of a YAML profile."
    )]
    UnknownProfile { name: String },

    #[error(
        "cannot use {path} as the base of --compare: {message}. Pass a JSON cost report written by \
         `stackgen cost-report --format json`, or a rendered template JSON."
    )]
    CompareBase { path: PathBuf, message: String },

    #[error(
        "Cost Explorer {operation} failed: {message}. --actuals needs credentials allowed to call \
         ce:{operation} (Cost Explorer must be enabled for the account, and the Project/Env tags \
         activated as cost allocation tags)."
    )]
    CostExplorer {
        operation: &'static str,
        message: String,
    },

    #[error(transparent)]
    Aws(#[from] stackgen_aws::AwsError),

    #[error("Cost Explorer returned an amount that is not a number: `{value}` ({context})")]
    BadAmount { value: String, context: String },
}
