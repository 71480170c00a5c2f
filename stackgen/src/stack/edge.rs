//! Edge: the private site bucket and, where the environment has a CDN, CloudFront in front of
//! it (through an origin access control) and of the HTTP API (`/api/*`, same origin, so
//! browsers send no CORS preflight).
//!
//! Without a CDN (the `local` environment) the bucket still exists, so deploy can upload the
//! UI, and `stackgen dev` serves the same layout.

use retail_spec::API_STAGE;

use super::api::ApiRes;
use super::data::{ACCESS_LOG_SKIP, bucket_policy};
use super::{Ctx, ids};
use crate::model::cloudfront::{
    CacheBehavior, CustomOriginConfig, Distribution, DistributionConfig, Function,
    FunctionAssociation, FunctionConfig, Origin, OriginAccessControl, S3OriginConfig, managed,
};
use crate::model::s3::Bucket;
use crate::model::{
    DeletionPolicy, Handle, Operator, Options, PolicyCondition, Principal, Pseudo, Statement, Tags,
    Value,
};
use crate::sub;

pub(super) struct Edge {
    pub site_bucket: Handle<Bucket>,
    pub distribution: Option<Handle<Distribution>>,
    pub ui_url: Value,
}

const SITE_ORIGIN: &str = "site";
const API_ORIGIN: &str = "api";

const WAF_SKIP: &str = "No WAF: a web ACL costs $5/month plus $1 per rule before any traffic, more than this environment's whole idle budget. The API is throttled at its stage; add AWS WAF when traffic justifies it.";
const TLS_SKIP: &str = "Served on the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; with a custom domain, set an ACM certificate and TLSv1.2_2021.";
const LOGGING_SKIP: &str = "CloudFront standard logs need a log bucket with ACLs enabled; the API behind it keeps access logs, and CloudFront's own metrics cover the static site.";
const FAILOVER_SKIP: &str = "A single-region stack: there is no second origin to fail over to.";
const GEO_SKIP: &str = "The store sells to everyone it can deliver to; no country is restricted.";

pub(super) fn build(ctx: &mut Ctx, api: &ApiRes) -> Edge {
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
            site_bucket,
            distribution: None,
            ui_url,
        };
    }

    let oac = ctx.template.add(
        "SiteOriginAccessControl",
        OriginAccessControl::s3(
            ctx.names.physical("site").into(),
            "CloudFront reads the private site bucket with SigV4",
        ),
    );
    // Unknown pages get the storefront's 404 page at the edge (see storefront.rs).
    let page_router = ctx.template.add(
        "SitePageRouterFunction",
        Function {
            name: ctx.names.physical("page-router").into(),
            auto_publish: true,
            function_code: crate::storefront::cdn_page_router_js(),
            function_config: FunctionConfig {
                comment: "Unknown storefront pages: the 404 page with status 404".to_owned(),
                runtime: "cloudfront-js-2.0",
            },
            tags: Tags::new(),
        },
    );
    let static_methods = vec!["GET", "HEAD"];
    let distribution = ctx.template.add_with(
        ids::DISTRIBUTION,
        Distribution {
            distribution_config: DistributionConfig {
                enabled: true,
                comment: format!("{} storefront and API", ctx.names.stack()),
                default_root_object: Some("index.html".to_owned()),
                http_version: "http2and3",
                ipv6_enabled: true,
                price_class: "PriceClass_100",
                origins: vec![
                    Origin {
                        id: SITE_ORIGIN.to_owned(),
                        domain_name: site_bucket.regional_domain_name(),
                        origin_path: None,
                        s3_origin_config: Some(S3OriginConfig {
                            origin_access_identity: String::new(),
                        }),
                        origin_access_control_id: Some(oac.oac_id()),
                        custom_origin_config: None,
                    },
                    Origin {
                        id: API_ORIGIN.to_owned(),
                        domain_name: api.domain(),
                        origin_path: None,
                        s3_origin_config: None,
                        origin_access_control_id: None,
                        custom_origin_config: Some(CustomOriginConfig {
                            https_port: 443,
                            origin_protocol_policy: "https-only",
                            origin_ssl_protocols: vec!["TLSv1.2"],
                        }),
                    },
                ],
                default_cache_behavior: CacheBehavior {
                    path_pattern: None,
                    target_origin_id: SITE_ORIGIN.to_owned(),
                    viewer_protocol_policy: "redirect-to-https",
                    allowed_methods: static_methods.clone(),
                    cached_methods: static_methods.clone(),
                    compress: true,
                    cache_policy_id: managed::CACHING_OPTIMIZED,
                    origin_request_policy_id: None,
                    response_headers_policy_id: Some(managed::SECURITY_HEADERS),
                    function_associations: vec![FunctionAssociation {
                        event_type: "viewer-request",
                        function_arn: page_router.function_arn(),
                    }],
                },
                cache_behaviors: vec![CacheBehavior {
                    path_pattern: Some(format!("/{API_STAGE}/*")),
                    target_origin_id: API_ORIGIN.to_owned(),
                    viewer_protocol_policy: "https-only",
                    allowed_methods: vec![
                        "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE",
                    ],
                    cached_methods: static_methods,
                    compress: true,
                    cache_policy_id: managed::CACHING_DISABLED,
                    origin_request_policy_id: Some(managed::ALL_VIEWER_EXCEPT_HOST_HEADER),
                    response_headers_policy_id: Some(managed::SECURITY_HEADERS),
                    function_associations: Vec::new(),
                }],
                custom_error_responses: Vec::new(),
                viewer_certificate: None,
            },
            tags: Tags::new(),
        },
        Options::new()
            .skip_checkov("CKV_AWS_68", WAF_SKIP)
            .skip_checkov("CKV_AWS_174", TLS_SKIP)
            .skip_checkov("CKV_AWS_86", LOGGING_SKIP)
            .skip_checkov("CKV_AWS_310", FAILOVER_SKIP)
            .skip_checkov("CKV_AWS_374", GEO_SKIP),
    );

    let cloudfront_reads = Statement::allow(
        "CloudFrontReadsSite",
        &["s3:GetObject"],
        vec![sub!(site_bucket.arn(), "/*")],
    )
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
    ));
    bucket_policy(ctx, &site_bucket, vec![cloudfront_reads]);

    let ui_url = sub!("https://", distribution.domain_name());
    Edge {
        site_bucket,
        distribution: Some(distribution),
        ui_url,
    }
}
