//! API: the HTTP API with one Lambda integration per HTTP function and the routes of
//! `retail_spec::ROUTES`, served from the stage `retail_spec::API_STAGE` with access logs.
//!
//! Each function may be invoked by this API only (the permission's source ARN is the API's).
//! The stage throttles requests, which also caps what a runaway client can cost.
//!
//! Every route that the spec does not call public gets the JWT authorizer of the environment's
//! user pool and requires the access-token scope, so only the storefront client's access
//! tokens pass; `guard::access` refuses a template where that is not so.

use retail_spec::{ACCESS_TOKEN_SCOPE, API_STAGE, ROUTES, Route as SpecRoute, Trigger};

use super::functions::Built;
use super::identity::Identity;
use super::{Ctx, ids, log_group_options};
use crate::model::apigw::{
    AccessLogSettings, Api, AuthorizationType, Authorizer, AuthorizerType, Integration,
    JwtConfiguration, Route, RouteSettings, Stage,
};
use crate::model::lambda::Permission;
use crate::model::logs::LogGroup;
use crate::model::{Handle, Id, Options, Pseudo, Value, pascal_case};
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

/// Why a public route has no authorizer (checkov CKV_AWS_309).
const PUBLIC_ROUTE_SKIP: &str = "Public by the spec (retail_spec::Caller::Public): the catalog is browsed without an account. It only reads; requests are throttled at the stage.";

pub(super) fn build(ctx: &mut Ctx, functions: &[Built], identity: &Identity) -> ApiRes {
    let api = ctx.template.add(
        ids::HTTP_API,
        Api::new()
            .name(ctx.names.physical("api"))
            .description(format!("Retail HTTP API of {}", ctx.names.stack()))
            .protocol_type("HTTP"),
    );
    let stage = stage(ctx, &api);
    let authorizer = authorizer(ctx, &api, identity);
    for f in functions
        .iter()
        .filter(|f| matches!(f.spec.trigger, Trigger::Http))
    {
        let stem = ids::function(f.spec);
        let integration = ctx.template.add(
            &format!("{stem}Integration"),
            Integration::new(api.api_id(), "AWS_PROXY")
                .description(format!("{} (Lambda proxy, payload 2.0)", f.spec.id))
                .integration_uri(f.function.arn())
                .payload_format_version("2.0")
                .timeout_in_millis(i64::from(f.spec.integration_timeout_seconds()) * 1000),
        );
        ctx.template.add(
            &format!("{stem}ApiPermission"),
            Permission::new(
                "lambda:InvokeFunction",
                f.function.name(),
                "apigateway.amazonaws.com",
            )
            .source_arn(sub!(
                "arn:",
                Pseudo::Partition,
                ":execute-api:",
                Pseudo::Region,
                ":",
                Pseudo::AccountId,
                ":",
                api.api_id(),
                format!("/{API_STAGE}/*")
            )),
        );
        for route in ROUTES.iter().filter(|r| r.function.id == f.spec.id) {
            add_route(ctx, &api, &authorizer, route, integration.integration_id());
        }
    }
    ApiRes { api, stage }
}

/// The one stage: auto-deployed, throttled, with JSON access logs to a log group of its own.
fn stage(ctx: &mut Ctx, api: &Handle<Api>) -> Handle<Stage> {
    let access_logs = ctx.template.add_with(
        "HttpApiAccessLogGroup",
        LogGroup::new()
            .log_group_name(format!("/aws/apigateway/{}", ctx.names.physical("api")))
            .retention_in_days(i64::from(ctx.env.log_retention_days)),
        log_group_options(),
    );
    ctx.template.add(
        ids::API_STAGE,
        Stage::new(api.api_id(), API_STAGE)
            .description("The only stage; the CDN forwards /api/* here unchanged.")
            .auto_deploy(true)
            .access_log_settings(
                AccessLogSettings::new()
                    .destination_arn(access_logs.delivery_arn())
                    .format(ACCESS_LOG_FORMAT),
            )
            .default_route_settings(
                RouteSettings::new()
                    .throttling_burst_limit(i64::from(BURST_LIMIT))
                    .throttling_rate_limit(RATE_LIMIT)
                    .detailed_metrics_enabled(false),
            ),
    )
}

/// The user pool's JWT authorizer: tokens of the storefront client, from the header.
fn authorizer(ctx: &mut Ctx, api: &Handle<Api>, identity: &Identity) -> Handle<Authorizer> {
    ctx.template.add(
        "UserPoolAuthorizer",
        Authorizer::new(
            api.api_id(),
            AuthorizerType::Jwt,
            ctx.names.physical("user-pool"),
        )
        .identity_source(["$request.header.Authorization".into()])
        .jwt_configuration(
            JwtConfiguration::new()
                .audience([identity.client.client_id().into()])
                .issuer(identity.pool.provider_url()),
        ),
    )
}

fn add_route(
    ctx: &mut Ctx,
    api: &Handle<Api>,
    authorizer: &Handle<Authorizer>,
    route: &SpecRoute,
    integration_id: Id<Integration>,
) {
    let id = format!(
        "Route{}{}",
        pascal_case(&route.method.as_str().to_ascii_lowercase()),
        pascal_case(route.path)
    );
    let target = sub!("integrations/", integration_id);
    if route.caller.needs_token() {
        ctx.template.add(
            &id,
            Route::new(api.api_id(), route.route_key())
                .target(target)
                .authorization_type(AuthorizationType::Jwt)
                .authorizer_id(authorizer.authorizer_id())
                .authorization_scopes([ACCESS_TOKEN_SCOPE.into()]),
        );
    } else {
        ctx.template.add_with(
            &id,
            Route::new(api.api_id(), route.route_key())
                .target(target)
                .authorization_type(AuthorizationType::None),
            Options::new().skip_checkov("CKV_AWS_309", PUBLIC_ROUTE_SKIP),
        );
    }
}
