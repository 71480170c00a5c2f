//! CloudFront: `AWS::CloudFront::OriginAccessControl`, `AWS::CloudFront::Function` and
//! `AWS::CloudFront::Distribution`, generated from AWS's schemas.
//!
//! A CloudFront Function is a few lines of JavaScript at the edge, billed per invocation
//! ($0.10 per million), with no idle cost; its name is unique in the account (CloudFront is
//! global).

use crate::cfn::{Arn, Attr, Handle, Id, Value};

pub use crate::generated::cloudfront::distribution::{
    CacheBehavior, CustomErrorResponse, CustomOriginConfig, DefaultCacheBehavior, Distribution,
    DistributionConfig, FunctionAssociation, HttpVersion, MinimumProtocolVersion, Origin,
    OriginCustomHeader, PriceClass, S3OriginConfig, SslSupportMethod, ViewerCertificate,
    ViewerProtocolPolicy,
};
pub use crate::generated::cloudfront::function::{Function, FunctionConfig, Runtime};
pub use crate::generated::cloudfront::origin_access_control::{
    OriginAccessControl, OriginAccessControlConfig,
};
pub use crate::generated::cloudfront::response_headers_policy::{
    ContentSecurityPolicy, ContentTypeOptions, FrameOptions, ReferrerPolicy, ResponseHeadersPolicy,
    ResponseHeadersPolicyConfig, SecurityHeadersConfig, StrictTransportSecurity,
};

impl OriginAccessControl {
    /// Lets CloudFront sign its requests to a private S3 origin (replaces origin access
    /// identities): SigV4 on every request.
    pub fn s3(name: Value, description: &str) -> Self {
        OriginAccessControl::new(
            OriginAccessControlConfig::new(name, "s3", "always", "sigv4").description(description),
        )
    }
}

impl Handle<OriginAccessControl> {
    /// `Ref`: the OAC id.
    pub fn oac_id(&self) -> Id<OriginAccessControl> {
        self.reference_as()
    }
}

impl Handle<ResponseHeadersPolicy> {
    /// `Ref`: the policy id (what a cache behaviour's `ResponseHeadersPolicyId` takes).
    pub fn policy_id(&self) -> Id<ResponseHeadersPolicy> {
        self.reference_as()
    }
}

impl Handle<Distribution> {
    /// `Ref`: the distribution id.
    pub fn distribution_id(&self) -> Id<Distribution> {
        self.reference_as()
    }
    /// `dxxxx.cloudfront.net`.
    pub fn domain_name(
        &self,
    ) -> Attr<Distribution, crate::generated::cloudfront::distribution::attribute::DomainName> {
        self.attr_domain_name()
    }
}

impl Handle<Function> {
    /// The published function's ARN (what a behaviour associates).
    pub fn function_arn(&self) -> Arn<Function> {
        self.attr_function_arn()
    }
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
