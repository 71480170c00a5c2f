//! Edge: the private site bucket and, where the environment has a CDN, CloudFront in front of
//! it (through an origin access control) and of the HTTP API (`/api/*`, same origin, so
//! browsers send no CORS preflight).
//!
//! Without a CDN (the `local` environment) the bucket still exists, so deploy can upload the
//! UI, and `stackgen dev` serves the same layout.

use retail_spec::{API_STAGE, BucketSpec, ORIGIN_VERIFY_HEADER};

use super::api::ApiRes;
use super::data::{ACCESS_LOG_SKIP, Data, bucket_policy};
use super::functions::Built;
use super::global::GlobalExports;
use super::{Ctx, ids};
use crate::model::cloudfront::{
    CacheBehavior, ContentSecurityPolicy, ContentTypeOptions, CustomOriginConfig,
    DefaultCacheBehavior, Distribution, DistributionConfig, FrameOptions, Function,
    FunctionAssociation, FunctionConfig, HttpVersion, MinimumProtocolVersion, Origin,
    OriginAccessControl, OriginCustomHeader, PriceClass, ReferrerPolicy, ResponseHeadersPolicy,
    ResponseHeadersPolicyConfig, Runtime, S3OriginConfig, SecurityHeadersConfig, SslSupportMethod,
    StrictTransportSecurity, ViewerCertificate, ViewerProtocolPolicy, managed,
};
use crate::model::route53::{AliasTarget, CLOUDFRONT_HOSTED_ZONE_ID, RecordSet};
use crate::model::s3::Bucket;
use crate::model::{
    DeletionPolicy, Handle, Operator, Options, PolicyCondition, Principal, Pseudo, Secret,
    Statement, Value, pascal_case,
};
use crate::storefront;
use crate::sub;

pub(super) struct Edge {
    pub site_bucket: Handle<Bucket>,
    pub distribution: Option<Handle<Distribution>>,
    pub ui_url: Value,
    /// The storefront's origin (`https://name`), what browsers send as `Origin`.
    pub origin: Value,
}

const SITE_ORIGIN: &str = "site";
const API_ORIGIN: &str = "api";

const WAF_SKIP: &str = "No WAF: a web ACL costs $5/month plus $1 per rule before any traffic, more than this environment's whole idle budget. The API is throttled at its stage; add AWS WAF when traffic justifies it.";
const TLS_SKIP: &str = "Served on the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; with a custom domain, set an ACM certificate and TLSv1.2_2021.";
const LOGGING_SKIP: &str = "CloudFront standard logs need a log bucket with ACLs enabled; the API behind it keeps access logs, and CloudFront's own metrics cover the static site.";
const FAILOVER_SKIP: &str = "A single-region stack: there is no second origin to fail over to.";
const GEO_SKIP: &str = "The store sells to everyone it can deliver to; no country is restricted.";

/// The response headers policy of every behaviour: the security headers `storefront` defines
/// (`stackgen dev` sends the same), overriding whatever an origin sends.
fn security_headers(ctx: &mut Ctx) -> Handle<ResponseHeadersPolicy> {
    // The uploads bucket's name ends in the account id, which only CloudFormation knows.
    const ACCOUNT: &str = "\u{0}account\u{0}";
    let uploads = format!(
        "{}-{ACCOUNT}",
        ctx.names.physical(retail_spec::UPLOADS.name)
    );
    let origin = retail_spec::bucket_origin(&uploads, &ctx.env.region);
    let text = storefront::content_security_policy(&ctx.env.region, &origin);
    let (before, after) = text.split_once(ACCOUNT).unwrap_or((&text, ""));
    let csp = sub!(before.to_owned(), Pseudo::AccountId, after.to_owned());
    let config = SecurityHeadersConfig::new()
        .content_security_policy(ContentSecurityPolicy::new(csp, true))
        .content_type_options(ContentTypeOptions::new(true))
        .frame_options(FrameOptions::new(storefront::FRAME_OPTIONS, true))
        .referrer_policy(ReferrerPolicy::new(true, storefront::REFERRER_POLICY))
        .strict_transport_security(
            StrictTransportSecurity::new(storefront::HSTS_MAX_AGE_SECONDS, true)
                .include_subdomains(true),
        );
    let name = ctx.names.physical("security-headers");
    ctx.template.add(
        "SecurityHeadersPolicy",
        ResponseHeadersPolicy::new(
            ResponseHeadersPolicyConfig::new(name)
                .comment("Security headers of the storefront and API (CSP, HSTS, no framing)")
                .security_headers_config(config),
        ),
    )
}

/// What the edge is built from.
pub(super) struct Sources<'a> {
    pub api: &'a ApiRes,
    pub data: &'a Data,
    pub global: Option<&'a GlobalExports>,
    /// The value the CDN sends the API in [`ORIGIN_VERIFY_HEADER`] ([`origin_secret`]).
    pub origin_secret: Option<&'a Secret>,
}

/// Where the environment has a CDN: the secret it sends the API with every request
/// ([`ORIGIN_VERIFY_HEADER`]), so that the HTTP functions can refuse a request that went to the
/// API's own `execute-api` address instead, past the CDN's web ACL and security headers.
pub(super) fn origin_secret(ctx: &mut Ctx) -> Option<Secret> {
    ctx.env.features.cdn.then(|| {
        ctx.template.secret(
            super::ORIGIN_SECRET_PARAMETER,
            "The value the CDN sends the API in x-origin-verify and the HTTP functions check (generated by the first stackgen deploy, kept by every later one).",
        )
    })
}

/// Every function that checks the origin header is updated after the distribution
/// (`DependsOn`). CloudFormation finishes a distribution's update when CloudFront reports it
/// `Deployed`: "the distribution's information is fully propagated to all CloudFront edge
/// locations" (CloudFront API Reference, Distribution, `Status`:
/// <https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Distribution.html>), which
/// takes minutes, while a function's new variables apply within seconds. So a deploy that adds
/// the header has every edge location sending it before the functions ask for it. A rotation
/// (`--rotate-secrets`) is two updates, so that no request is refused at all: the first gives
/// the functions the new value as [`Secret::previous`] (the CDN's value unchanged), the second
/// switches the CDN to it and then the functions' `current` (`deploy::secrets`).
pub(super) fn checks_after_distribution(ctx: &mut Ctx, functions: &[Built], edge: &Edge) {
    let Some(distribution) = &edge.distribution else {
        return;
    };
    for f in functions {
        let checks = f
            .info
            .environment
            .iter()
            .any(|v| v.name == retail_spec::ORIGIN_VERIFY_VAR);
        if let (true, Some(entry)) = (checks, ctx.template.entry_mut(f.function.id())) {
            entry.options.depends_on.push(distribution.id().clone());
        }
    }
}

pub(super) fn build(ctx: &mut Ctx, sources: &Sources) -> Edge {
    let Sources { data, global, .. } = *sources;
    let site_bucket = ctx.template.add_with(
        ids::SITE_BUCKET,
        Bucket::private(ctx.names.bucket("site"), 7),
        Options::new()
            .data_policy(DeletionPolicy::Delete)
            .skip_checkov("CKV_AWS_18", ACCESS_LOG_SKIP),
    );

    if !ctx.env.features.cdn {
        bucket_policy(ctx, &site_bucket, Vec::new());
        let ui_url = sub!(
            "https://",
            site_bucket.regional_domain_name(),
            "/index.html"
        );
        return Edge {
            origin: sub!("https://", site_bucket.regional_domain_name()),
            site_bucket,
            distribution: None,
            ui_url,
        };
    }

    let config = distribution_config(ctx, sources, &site_bucket);
    let (config, options) = protect(ctx, global, config);
    let distribution = ctx
        .template
        .add_with(ids::DISTRIBUTION, Distribution::new(config), options);
    let domain = ctx.env.domain.as_ref();
    if let Some(d) = domain {
        alias_records(ctx, &d.name, &d.zone_id, &distribution);
    }
    cdn_reads(ctx, data, &site_bucket, &distribution);
    let origin = match domain {
        Some(d) => Value::from(format!("https://{}", d.name)),
        None => sub!("https://", distribution.domain_name()),
    };
    Edge {
        site_bucket,
        distribution: Some(distribution),
        ui_url: origin.clone(),
        origin,
    }
}

/// The distribution's origins and behaviours: the site bucket (through an origin access control,
/// with the 404 page router), the API under `/<stage>/`, and the functions' buckets it serves;
/// every answer with the security headers.
fn distribution_config(
    ctx: &mut Ctx,
    sources: &Sources,
    site_bucket: &Handle<Bucket>,
) -> DistributionConfig {
    let (api, data) = (sources.api, sources.data);
    let oac = ctx.template.add(
        "SiteOriginAccessControl",
        OriginAccessControl::s3(
            ctx.names.physical("site").into(),
            "CloudFront reads the private site and images buckets with SigV4",
        ),
    );
    // Unknown pages get the storefront's 404 page at the edge (see storefront.rs).
    let page_router = ctx.template.add(
        "SitePageRouterFunction",
        Function::new(
            crate::storefront::cdn_page_router_js(),
            FunctionConfig::new(
                "Unknown storefront pages: the 404 page with status 404",
                Runtime::CloudfrontJs20,
            ),
            ctx.names.physical("page-router"),
        )
        // Publish to LIVE on every update, so the distribution runs what the template says.
        .auto_publish(true),
    );
    let headers = security_headers(ctx);
    let methods = |list: &[&str]| -> Vec<Value> { list.iter().map(|&m| m.into()).collect() };
    let static_methods = ["GET", "HEAD"];
    let site_origin = Origin::new(site_bucket.regional_domain_name(), SITE_ORIGIN)
        // Present with an empty identity: an S3 origin reached through the OAC.
        .s3_origin_config(S3OriginConfig::new().origin_access_identity(""))
        .origin_access_control_id(oac.oac_id());
    let mut api_origin = Origin::new(api.domain(), API_ORIGIN).custom_origin_config(
        CustomOriginConfig::new("https-only")
            .https_port(443)
            .origin_ssl_protocols(["TLSv1.2".into()]),
    );
    if let Some(secret) = sources.origin_secret {
        api_origin = api_origin.origin_custom_headers([OriginCustomHeader::new(
            ORIGIN_VERIFY_HEADER,
            secret.current(),
        )]);
    }
    let site_behavior =
        DefaultCacheBehavior::new(SITE_ORIGIN, ViewerProtocolPolicy::RedirectToHttps)
            .allowed_methods(methods(&static_methods))
            .cached_methods(methods(&static_methods))
            .compress(true)
            .cache_policy_id(managed::CACHING_OPTIMIZED)
            .response_headers_policy_id(headers.policy_id())
            .function_associations([FunctionAssociation::new()
                .event_type("viewer-request")
                .function_arn(page_router.function_arn())]);
    let api_behavior = CacheBehavior::new(format!("/{API_STAGE}/*"), API_ORIGIN, "https-only")
        .allowed_methods(methods(&[
            "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE",
        ]))
        .cached_methods(methods(&static_methods))
        .compress(true)
        .cache_policy_id(managed::CACHING_DISABLED)
        .origin_request_policy_id(managed::ALL_VIEWER_EXCEPT_HOST_HEADER)
        .response_headers_policy_id(headers.policy_id());
    let mut origins = vec![site_origin, api_origin];
    let mut behaviors = vec![api_behavior];
    for (spec, bucket) in served(data) {
        let (origin, behavior) = served_bucket(spec, bucket, &oac, &headers);
        origins.push(origin);
        behaviors.push(behavior);
    }
    DistributionConfig::new(site_behavior, true)
        .comment(format!("{} storefront and API", ctx.names.stack()))
        .default_root_object("index.html")
        .http_version(HttpVersion::Http2and3)
        .ipv6_enabled(true)
        .price_class(PriceClass::PriceClass100)
        .origins(origins)
        .cache_behaviors(behaviors)
}

/// The global stack's web ACL and the domain's certificate on the distribution (each imported
/// from the global stack), or the checkov skip that says why there is none; then the skips
/// every distribution has.
fn protect(
    ctx: &mut Ctx,
    global: Option<&GlobalExports>,
    mut config: DistributionConfig,
) -> (DistributionConfig, Options) {
    // Checkov's skips, in the order the rendered Metadata lists them.
    let mut options = Options::new();
    match global.and_then(|g| g.web_acl.as_ref()) {
        Some(acl) => config = config.web_acl_id(ctx.template.import("CdnWebAclArn", acl)),
        None => options = options.skip_checkov("CKV_AWS_68", WAF_SKIP),
    }
    let domain = ctx.env.domain.as_ref();
    match (domain, global.and_then(|g| g.certificate.as_ref())) {
        (Some(d), Some(cert)) => {
            config = config.aliases([d.name.clone().into()]).viewer_certificate(
                ViewerCertificate::new()
                    .acm_certificate_arn(ctx.template.import("CertificateArn", cert))
                    .ssl_support_method(SslSupportMethod::SniOnly)
                    .minimum_protocol_version(MinimumProtocolVersion::TLSv122021),
            );
        }
        _ => options = options.skip_checkov("CKV_AWS_174", TLS_SKIP),
    }
    let options = options
        .skip_checkov("CKV_AWS_86", LOGGING_SKIP)
        .skip_checkov("CKV_AWS_310", FAILOVER_SKIP)
        .skip_checkov("CKV_AWS_374", GEO_SKIP);
    (config, options)
}

/// Each bucket the distribution serves lets it (and only it) read what it serves.
fn cdn_reads(
    ctx: &mut Ctx,
    data: &Data,
    site_bucket: &Handle<Bucket>,
    distribution: &Handle<Distribution>,
) {
    let reads = |sid: &str, bucket: &Handle<Bucket>, prefix: &str| {
        cloudfront_reads(sid, sub!(bucket.arn(), "/", prefix, "*"), distribution)
    };
    let site_reads = reads("CloudFrontReadsSite", site_bucket, "");
    bucket_policy(ctx, site_bucket, vec![site_reads]);
    for (spec, bucket) in served(data) {
        let prefix = spec.cdn_prefix.unwrap_or_default();
        let statement = reads(
            &format!("CloudFrontReads{}", pascal_case(spec.name)),
            bucket,
            prefix,
        );
        bucket_policy(ctx, bucket, vec![statement]);
    }
}

/// The functions' buckets the CDN serves (`BucketSpec::cdn_prefix`).
fn served(data: &Data) -> impl Iterator<Item = (&'static BucketSpec, &Handle<Bucket>)> {
    data.buckets
        .iter()
        .filter(|(spec, _)| spec.cdn_prefix.is_some())
        .map(|(spec, h)| (*spec, h))
}

/// The origin and behaviour of a served bucket: `/<prefix>*` from the bucket through the OAC,
/// cached as the objects say (their keys are content-addressed, `Cache-Control` a year).
fn served_bucket(
    spec: &BucketSpec,
    bucket: &Handle<Bucket>,
    oac: &Handle<OriginAccessControl>,
    headers: &Handle<ResponseHeadersPolicy>,
) -> (Origin, CacheBehavior) {
    let get_head = || -> Vec<Value> { vec!["GET".into(), "HEAD".into()] };
    let origin = Origin::new(bucket.regional_domain_name(), spec.name)
        .s3_origin_config(S3OriginConfig::new().origin_access_identity(""))
        .origin_access_control_id(oac.oac_id());
    let behavior = CacheBehavior::new(
        format!("/{}*", spec.cdn_prefix.unwrap_or_default()),
        spec.name,
        "redirect-to-https",
    )
    .allowed_methods(get_head())
    .cached_methods(get_head())
    .compress(true)
    .cache_policy_id(managed::CACHING_OPTIMIZED)
    .response_headers_policy_id(headers.policy_id());
    (origin, behavior)
}

/// CloudFront, for this distribution only, may read `objects` of a bucket.
fn cloudfront_reads(sid: &str, objects: Value, distribution: &Handle<Distribution>) -> Statement {
    Statement::allow(sid, &["s3:GetObject"], vec![objects])
        .principal(Principal::Service(vec![
            "cloudfront.amazonaws.com".to_owned(),
        ]))
        .when(PolicyCondition::new(
            Operator::StringEquals,
            "AWS:SourceArn",
            sub!(
                "arn:",
                Pseudo::Partition,
                ":cloudfront::",
                Pseudo::AccountId,
                ":distribution/",
                distribution.distribution_id()
            ),
        ))
}

/// The storefront's name pointed at the distribution: A and AAAA alias records (alias queries
/// to CloudFront are free; "Choosing between alias and non-alias records":
/// <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html>).
fn alias_records(ctx: &mut Ctx, name: &str, zone_id: &str, distribution: &Handle<Distribution>) {
    for (id, kind) in [("StorefrontAliasA", "A"), ("StorefrontAliasAaaa", "AAAA")] {
        ctx.template.add(
            id,
            RecordSet::new(name.to_owned(), kind)
                .hosted_zone_id(zone_id.to_owned())
                .alias_target(AliasTarget::new(
                    distribution.domain_name(),
                    CLOUDFRONT_HOSTED_ZONE_ID,
                )),
        );
    }
}
