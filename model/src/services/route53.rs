//! Amazon Route 53: `AWS::Route53::RecordSet` (the storefront's alias records), generated from
//! AWS's schema. The hosted zone itself is the customer's and is never created here.

pub use crate::generated::route53::record_set::{AliasTarget, RecordSet};

/// The hosted zone id every CloudFront alias target names, in every partition that has
/// CloudFront ("Values for alias records", `HostedZoneId`:
/// <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html>).
pub const CLOUDFRONT_HOSTED_ZONE_ID: &str = "Z2FDTNDATAQYW2";
