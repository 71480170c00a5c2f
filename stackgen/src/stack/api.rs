//! API: the HTTP API with one Lambda integration per HTTP function and the routes of
//! `retail_spec::ROUTES`, served from the stage `retail_spec::API_STAGE` with access logs.
//!
//! Each function may be invoked by this API only (the permission's source ARN is the API's).
//! The stage throttles requests, which also caps what a runaway client can cost.

use retail_spec::{API_STAGE, ROUTES, Trigger};

use super::functions::Built;
use super::{Ctx, ids, log_group_options};
use crate::model::apigw::{AccessLogSettings, Api, Integration, Route, RouteSettings, Stage};
use crate::model::lambda::Permission;
use crate::model::logs::LogGroup;
use crate::model::{Handle, Options, Pseudo, Tags, Value, pascal_case};
use crate::sub;

pub(super) struct ApiRes {
    pub api: Handle<Api>,
    pub stage: Handle<Stage>,
}

impl ApiRes {
    /// `https://<api>.execute-api.<region>.<suffix>/api`.
    pub fn base_url(&self) -> Value {
        sub!(
            "https://",
            self.api.api_id(),
            ".execute-api.",
            Pseudo::Region,
            ".",
            Pseudo::UrlSuffix,
            format!("/{API_STAGE}")
        )
    }

    /// The API's host name (the CDN's origin).
    pub fn domain(&self) -> Value {
        sub!(
            self.api.api_id(),
            ".execute-api.",
            Pseudo::Region,
            ".",
            Pseudo::UrlSuffix
        )
    }
}

/// Steady-state requests per second across the API, and the burst above it.
const RATE_LIMIT: f64 = 50.0;
pub(crate) const BURST_LIMIT: u32 = 100;

/// One JSON line per request.
const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime","method":"$context.httpMethod","routeKey":"$context.routeKey","path":"$context.path","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","latencyMs":"$context.responseLatency","integrationLatencyMs":"$context.integrationLatency","integrationError":"$context.integrationErrorMessage"}"#;

const AUTHORIZATION_SKIP: &str = "Public storefront API: catalog, cart and orders are open to shoppers by design and the user id is an opaque client-generated id. Requests are throttled at the stage. Add a JWT authorizer here when customer accounts exist.";

pub(super) fn build(ctx: &mut Ctx, functions: &[Built]) -> ApiRes {
    let api = ctx.template.add(
        ids::HTTP_API,
        Api {
            name: ctx.names.physical("api").into(),
            description: format!("Retail HTTP API of {}", ctx.names.stack()),
            protocol_type: "HTTP",
            tags: Tags::new(),
        },
    );
    let access_logs = ctx.template.add_with(
        "HttpApiAccessLogGroup",
        LogGroup {
            log_group_name: format!("/aws/apigateway/{}", ctx.names.physical("api")).into(),
            retention_in_days: ctx.env.log_retention_days,
            tags: Tags::new(),
        },
        log_group_options(),
    );
    let stage = ctx.template.add(
        ids::API_STAGE,
        Stage {
            api_id: api.api_id(),
            stage_name: API_STAGE.to_owned(),
            description: "The only stage; the CDN forwards /api/* here unchanged.".to_owned(),
            auto_deploy: true,
            access_log_settings: Some(AccessLogSettings {
                destination_arn: sub!(
                    "arn:",
                    Pseudo::Partition,
                    ":logs:",
                    Pseudo::Region,
                    ":",
                    Pseudo::AccountId,
                    ":log-group:",
                    access_logs.name()
                ),
                format: ACCESS_LOG_FORMAT.to_owned(),
            }),
            default_route_settings: Some(RouteSettings {
                throttling_burst_limit: BURST_LIMIT,
                throttling_rate_limit: RATE_LIMIT,
                detailed_metrics_enabled: false,
            }),
            tags: Tags::new(),
        },
    );

    for f in functions
        .iter()
        .filter(|f| matches!(f.spec.trigger, Trigger::Http))
    {
        let stem = ids::function(f.spec);
        let integration = ctx.template.add(
            &format!("{stem}Integration"),
            Integration {
                api_id: api.api_id(),
                description: format!("{} (Lambda proxy, payload 2.0)", f.spec.id),
                integration_type: "AWS_PROXY",
                integration_uri: f.function.arn(),
                payload_format_version: "2.0",
                timeout_in_millis: f.spec.integration_timeout_seconds() * 1000,
            },
        );
        ctx.template.add(
            &format!("{stem}ApiPermission"),
            Permission {
                action: "lambda:InvokeFunction",
                function_name: f.function.name(),
                principal: "apigateway.amazonaws.com",
                source_arn: sub!(
                    "arn:",
                    Pseudo::Partition,
                    ":execute-api:",
                    Pseudo::Region,
                    ":",
                    Pseudo::AccountId,
                    ":",
                    api.api_id(),
                    format!("/{API_STAGE}/*")
                ),
            },
        );
        for route in ROUTES.iter().filter(|r| r.function.id == f.spec.id) {
            ctx.template.add_with(
                &format!(
                    "Route{}{}",
                    pascal_case(&route.method.as_str().to_ascii_lowercase()),
                    pascal_case(route.path)
                ),
                Route {
                    api_id: api.api_id(),
                    route_key: route.route_key(),
                    target: sub!("integrations/", integration.integration_id()),
                    authorization_type: "NONE",
                },
                Options::new().skip_checkov("CKV_AWS_309", AUTHORIZATION_SKIP),
            );
        }
    }
    ApiRes { api, stage }
}
