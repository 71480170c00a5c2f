//! CloudFront: `AWS::CloudFront::OriginAccessControl`, `AWS::CloudFront::Function` and
//! `AWS::CloudFront::Distribution`.

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

/// Lets CloudFront sign its requests to a private S3 origin (replaces origin access identities).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OriginAccessControl {
    pub origin_access_control_config: OriginAccessControlConfig,
}
resource!(OriginAccessControl, "AWS::CloudFront::OriginAccessControl");

impl OriginAccessControl {
    /// SigV4-signs every request to an S3 origin.
    pub fn s3(name: Value, description: &str) -> Self {
        OriginAccessControl {
            origin_access_control_config: OriginAccessControlConfig {
                name,
                description: description.to_owned(),
                origin_access_control_origin_type: "s3",
                signing_behavior: "always",
                signing_protocol: "sigv4",
            },
        }
    }
}

impl Handle<OriginAccessControl> {
    /// `Ref`: the OAC id.
    pub fn oac_id(&self) -> Value {
        self.reference()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OriginAccessControlConfig {
    pub name: Value,
    pub description: String,
    pub origin_access_control_origin_type: &'static str,
    pub signing_behavior: &'static str,
    pub signing_protocol: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Distribution {
    pub distribution_config: DistributionConfig,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Distribution, "AWS::CloudFront::Distribution", tags = tags);

impl Handle<Distribution> {
    /// `Ref`: the distribution id.
    pub fn distribution_id(&self) -> Value {
        self.reference()
    }
    /// `dxxxx.cloudfront.net`.
    pub fn domain_name(&self) -> Value {
        self.attribute("DomainName")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DistributionConfig {
    pub enabled: bool,
    pub comment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_root_object: Option<String>,
    pub http_version: &'static str,
    #[serde(rename = "IPV6Enabled")]
    pub ipv6_enabled: bool,
    pub price_class: &'static str,
    pub origins: Vec<Origin>,
    pub default_cache_behavior: CacheBehavior,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cache_behaviors: Vec<CacheBehavior>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_error_responses: Vec<CustomErrorResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub viewer_certificate: Option<ViewerCertificate>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Origin {
    pub id: String,
    pub domain_name: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_path: Option<String>,
    #[serde(rename = "S3OriginConfig", skip_serializing_if = "Option::is_none")]
    pub s3_origin_config: Option<S3OriginConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_access_control_id: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_origin_config: Option<CustomOriginConfig>,
}

/// Present (with an empty identity) to mark an S3 origin reached through an OAC.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3OriginConfig {
    pub origin_access_identity: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomOriginConfig {
    #[serde(rename = "HTTPSPort")]
    pub https_port: u16,
    #[serde(rename = "OriginProtocolPolicy")]
    pub origin_protocol_policy: &'static str,
    #[serde(rename = "OriginSSLProtocols")]
    pub origin_ssl_protocols: Vec<&'static str>,
}

/// A cache behaviour (the default one has no path pattern).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CacheBehavior {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_pattern: Option<String>,
    pub target_origin_id: String,
    pub viewer_protocol_policy: &'static str,
    pub allowed_methods: Vec<&'static str>,
    pub cached_methods: Vec<&'static str>,
    pub compress: bool,
    pub cache_policy_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_request_policy_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers_policy_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub function_associations: Vec<FunctionAssociation>,
}

/// A CloudFront Function run on a behaviour's viewer requests or responses.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionAssociation {
    /// `viewer-request` or `viewer-response`.
    pub event_type: &'static str,
    #[serde(rename = "FunctionARN")]
    pub function_arn: Value,
}

/// A CloudFront Function: a few lines of JavaScript at the edge, billed per invocation
/// ($0.10 per million), with no idle cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    /// Unique in the account (CloudFront is global): 1–64 of `[a-zA-Z0-9-_]`.
    pub name: Value,
    /// Publish to LIVE on every update, so the distribution runs what the template says.
    pub auto_publish: bool,
    pub function_code: String,
    pub function_config: FunctionConfig,
    /// Taggable per its schema, so the template stamps the required tags on it.
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Function, "AWS::CloudFront::Function", tags = tags);

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionConfig {
    pub comment: String,
    /// `cloudfront-js-2.0`.
    pub runtime: &'static str,
}

impl Handle<Function> {
    /// The published function's ARN (what a behaviour associates).
    pub fn function_arn(&self) -> Value {
        self.attribute("FunctionARN")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomErrorResponse {
    pub error_code: u16,
    #[serde(rename = "ErrorCachingMinTTL")]
    pub error_caching_min_ttl: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ViewerCertificate {
    pub cloud_front_default_certificate: bool,
}

/// AWS managed cache and origin-request policies (ids are fixed by AWS).
pub mod managed {
    /// `Managed-CachingOptimized`.
    pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
    /// `Managed-CachingDisabled`.
    pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    /// `Managed-AllViewerExceptHostHeader`: forwards everything but `Host` (API Gateway needs
    /// its own host name).
    pub const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
    /// `Managed-SecurityHeadersPolicy`: HSTS, X-Content-Type-Options, X-Frame-Options, …
    pub const SECURITY_HEADERS: &str = "67f7725c-6f97-4210-82d7-5512b31e9d03";
}
