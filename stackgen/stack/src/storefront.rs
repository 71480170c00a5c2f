//! The storefront as the pages see it, whoever serves them: the generated `config.js` and the
//! content type of each `ui/` file.
//!
//! `stackgen deploy` uploads `ui/` and `config.js` to the site bucket; `stackgen dev` serves the
//! same files from disk. Both read this one definition, so a page behaves the same locally and
//! in AWS.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::env::Environment;
use crate::outputs;

/// What the pages read from `window.STACKGEN_CONFIG` (see `ui/js/api.js`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteConfig {
    /// API base URL without a trailing slash (`https://…/api`, or `/api` on the same origin).
    pub api_base: String,
    pub env: String,
    pub stores: Vec<SiteStore>,
    /// The largest product photo the back office may upload (`images.max_upload_mb`), so the
    /// page refuses a larger file before asking for an upload.
    pub photo_max_bytes: u64,
    /// Where the pages sign users in; absent when the stack's user pool is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<SiteAuth>,
}

/// The user pool as the pages' sign-in reads it (`ui/js/auth.js`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteAuth {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// Cognito's API: `https://cognito-idp.<region>.amazonaws.com/` in AWS (it answers CORS),
    /// `/cognito/` on `stackgen dev`'s origin (proxied to the emulator).
    pub endpoint: String,
    /// The pool's password rules, which the sign-up and new-password forms state and check.
    pub password: SitePassword,
}

/// [`retail_spec::PASSWORD_POLICY`] as the pages read it: the rules are declared once, for the
/// user pool, `stackgen staff add` and the forms alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SitePassword {
    pub min_length: u32,
    pub lowercase: bool,
    pub uppercase: bool,
    pub digits: bool,
    pub symbols: bool,
}

impl Default for SitePassword {
    fn default() -> Self {
        let p = &retail_spec::PASSWORD_POLICY;
        SitePassword {
            min_length: p.min_length,
            lowercase: p.lowercase,
            uppercase: p.uppercase,
            digits: p.digits,
            symbols: p.symbols,
        }
    }
}

impl SiteAuth {
    /// The pool's public Cognito endpoint in AWS.
    pub fn aws(region: &str, user_pool_id: &str, client_id: &str) -> SiteAuth {
        SiteAuth {
            region: region.to_owned(),
            user_pool_id: user_pool_id.to_owned(),
            client_id: client_id.to_owned(),
            endpoint: format!("https://cognito-idp.{region}.amazonaws.com/"),
            password: SitePassword::default(),
        }
    }
}

/// One store as the pages list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteStore {
    pub id: String,
    pub name: String,
}

impl SiteConfig {
    /// The configuration for `env` with the API at `api_base`, or at `/<stage>` on the pages'
    /// own origin (the CDN's layout, and `stackgen dev`'s) when `None`.
    pub fn for_environment(env: &Environment, api_base: Option<String>) -> SiteConfig {
        SiteConfig {
            api_base: api_base.unwrap_or_else(|| format!("/{}", retail_spec::API_STAGE)),
            env: env.name.clone(),
            stores: env
                .stores
                .iter()
                .map(|s| SiteStore {
                    id: s.id.clone(),
                    name: s.name.clone(),
                })
                .collect(),
            photo_max_bytes: env.images.max_upload_bytes(),
            auth: None,
        }
    }

    /// The configuration `deploy` uploads next to the pages, from the deployed stack's outputs.
    ///
    /// Behind the CDN the pages and `/api/*` share one origin (the distribution forwards
    /// `/api/*` to the HTTP API), so the pages call `/api` on their own origin: the HTTP API
    /// has no CORS configuration and the functions send no CORS headers, so an absolute
    /// `execute-api` URL would make every call cross-origin and fail in the browser. Only an
    /// environment without a CDN whose API URL resolved gets that absolute URL.
    pub fn for_deployed(env: &Environment, outputs: &BTreeMap<String, String>) -> SiteConfig {
        let api_base = if env.features.cdn {
            None
        } else {
            resolved(outputs, outputs::API_URL).map(|url| url.trim_end_matches('/').to_string())
        };
        let mut config = SiteConfig::for_environment(env, api_base);
        config.auth = match (
            resolved(outputs, outputs::USER_POOL_ID),
            resolved(outputs, outputs::USER_POOL_CLIENT_ID),
        ) {
            (Some(pool), Some(client)) => Some(SiteAuth::aws(&env.region, pool, client)),
            _ => None,
        };
        config
    }

    /// The body of `config.js`.
    pub fn script(&self) -> String {
        // serde_json escapes quotes and control characters; `<` is escaped too so the same text
        // is safe inline in HTML.
        let json = serde_json::to_string(self)
            .unwrap_or_else(|_| "{}".into())
            .replace('<', "\\u003c");
        format!(
            "// Generated by stackgen for environment `{}`; do not edit.\nwindow.STACKGEN_CONFIG = {json};\n",
            self.env
        )
    }
}

/// The API base a client outside the browser uses to reach the deployed store exactly as a
/// shopper does: through the CDN (`UiUrl` + `/api`) where there is one, else `ApiUrl`.
/// `None` when the stack has no such output or it is unresolved (the emulator's skipped
/// API Gateway and CloudFront leave `${…}` in it).
pub fn public_api_base(env: &Environment, outputs: &BTreeMap<String, String>) -> Option<String> {
    if env.features.cdn {
        resolved(outputs, outputs::UI_URL)
            .map(|ui| format!("{}/{}", ui.trim_end_matches('/'), retail_spec::API_STAGE))
    } else {
        resolved(outputs, outputs::API_URL).map(|api| api.trim_end_matches('/').to_string())
    }
}

fn resolved<'a>(outputs: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    outputs
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty() && !v.contains("${"))
}

/// The pages of `ui/` a shopper navigates to (everything else there is an asset they load).
/// HSTS lifetime: two years, the value browsers' preload lists ask for (RFC 6797 leaves it to
/// the site; <https://hstspreload.org> requires at least one year).
pub const HSTS_MAX_AGE_SECONDS: i64 = 63_072_000;
/// The pages are never framed (clickjacking): `X-Frame-Options: DENY` and, for browsers that
/// read CSP level 2, `frame-ancestors 'none'`.
pub const FRAME_OPTIONS: &str = "DENY";
/// Full URLs stay on the site; other origins see only the origin, and nothing over plain HTTP.
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// The Cognito endpoint the sign-in calls from the browser in AWS (`SiteAuth::endpoint`).
pub fn cognito_origin(region: &str) -> String {
    format!("https://cognito-idp.{region}.amazonaws.com")
}

/// The content security policy of every page: scripts, styles, images and fonts from the site
/// only (no inline script or style anywhere in `ui/`), API calls to the same origin, Cognito
/// and the uploads bucket (`upload_origin`, where the back office posts photos), no framing, no
/// plugins, forms posting to the site only.
pub fn content_security_policy(region: &str, upload_origin: &str) -> String {
    [
        "default-src 'self'".to_owned(),
        "script-src 'self'".to_owned(),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        "font-src 'self'".to_owned(),
        format!(
            "connect-src 'self' {} {upload_origin}",
            cognito_origin(region)
        ),
        "frame-ancestors 'none'".to_owned(),
        "base-uri 'self'".to_owned(),
        "form-action 'self'".to_owned(),
        "object-src 'none'".to_owned(),
    ]
    .join("; ")
}

/// The security headers of every response, as `stackgen dev` sends them. The CDN's response
/// headers policy (`stack/edge.rs`) is built from the same constants, so the browser test that
/// runs against `stackgen dev` proves the policy the CDN sends.
pub fn security_headers(region: &str, upload_origin: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "content-security-policy",
            content_security_policy(region, upload_origin),
        ),
        (
            "strict-transport-security",
            format!("max-age={HSTS_MAX_AGE_SECONDS}; includeSubDomains"),
        ),
        ("x-content-type-options", "nosniff".to_owned()),
        ("x-frame-options", FRAME_OPTIONS.to_owned()),
        ("referrer-policy", REFERRER_POLICY.to_owned()),
    ]
}

/// A request for any other page path gets [`NOT_FOUND_HTML`] with status 404, from the CDN
/// (a CloudFront Function, see [`cdn_page_router_js`]) and from `stackgen dev` alike; a test
/// keeps this list equal to the `.html` files of `ui/`.
pub const PAGES: &[&str] = &["index.html", "admin.html"];

/// The page an unknown page path gets, with status 404. Served at any depth, so every link in
/// it is absolute; ASCII only and no inline script or style, so it can be a JavaScript string
/// at the edge and satisfies a strict content security policy.
pub const NOT_FOUND_HTML: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Page not found &middot; Greenleaf Market</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/css/app.css" />
  </head>
  <body>
    <header class="site-header">
      <div class="wrap header-row">
        <a class="brand" href="/">
          <img class="brand-mark" src="/favicon.svg" alt="" width="32" height="32" />
          <span>Greenleaf Market</span>
        </a>
      </div>
    </header>
    <main id="main" class="wrap">
      <h1>We could not find that page</h1>
      <p>The address may be mistyped, or the page has moved.</p>
      <p><a class="btn btn-primary" href="/">Go to the shop</a></p>
    </main>
  </body>
</html>
"#;

/// The CDN's viewer-request function on the site behaviour: a request for a page that is not
/// one of [`PAGES`] is answered at the edge with [`NOT_FOUND_HTML`] and status 404, instead of
/// the private bucket's `403 AccessDenied` XML (S3 answers 403 for a missing key when the
/// caller may not list the bucket: Amazon S3 API Reference, GetObject,
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>). A distribution's
/// custom error responses cannot do this: they apply to every behaviour, so they would also
/// replace the API's own 403 and 404 answers under `/api/*`. Viewer-request functions may
/// generate the response themselves (CloudFront Developer Guide, "Determine function
/// purpose", <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/function-code-choose-purpose.html>).
pub fn cdn_page_router_js() -> String {
    let pages: Vec<String> = std::iter::once("/".to_string())
        .chain(PAGES.iter().map(|p| format!("/{p}")))
        .collect();
    let pages = serde_json::to_string(&pages).unwrap_or_else(|_| "[]".into());
    let body = serde_json::to_string(NOT_FOUND_HTML).unwrap_or_else(|_| "\"\"".into());
    format!(
        r#"// Generated by stackgen from the storefront's pages; do not edit.
var PAGES = {pages};
var NOT_FOUND = {body};
function handler(event) {{
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  var isPage = last.indexOf('.') === -1 || /\.html$/i.test(last);
  if (!isPage || PAGES.indexOf(uri) !== -1) {{
    return request;
  }}
  return {{
    statusCode: 404,
    statusDescription: 'Not Found',
    headers: {{
      'content-type': {{ value: 'text/html; charset=utf-8' }},
      'cache-control': {{ value: 'no-cache' }},
      'x-content-type-options': {{ value: 'nosniff' }}
    }},
    body: {{ encoding: 'text', data: NOT_FOUND }}
  }};
}}
"#
    )
}

/// Whether a request path asks for a page (`/`, `/shop`, `/a/b.html`) rather than an asset
/// (`/js/store.js`): no file extension in its last segment, or `.html`.
pub fn is_page_path(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    !last.contains('.') || last.to_ascii_lowercase().ends_with(".html")
}

/// The content type for a file name or key (by its extension).
pub fn content_type(name: &str) -> &'static str {
    let file = name.rsplit('/').next().unwrap_or(name);
    let ext = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_script_is_escaped_json() {
        let config = SiteConfig {
            api_base: "/api".into(),
            env: "local".into(),
            stores: vec![SiteStore {
                id: "store-01".into(),
                name: "Down\"town</script>".into(),
            }],
            photo_max_bytes: 5_242_880,
            auth: None,
        };
        let script = config.script();
        assert!(script.contains(
            r#"window.STACKGEN_CONFIG = {"apiBase":"/api","env":"local","stores":[{"id":"store-01","name":"Down\"town\u003c/script>"}],"photoMaxBytes":5242880};"#
        ), "{script}");
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/store.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("app.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("blob"), "application/octet-stream");
        assert_eq!(content_type("dir.v2/blob"), "application/octet-stream");
    }

    #[test]
    fn pages_are_exactly_the_html_files_of_ui() {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
        let mut html: Vec<String> = std::fs::read_dir(&ui)
            .expect("ui/")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".html"))
            .collect();
        html.sort();
        let mut pages: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
        pages.sort();
        assert_eq!(html, pages);
    }

    #[test]
    fn the_not_found_page_is_ascii_and_the_edge_function_carries_it() {
        assert!(NOT_FOUND_HTML.is_ascii());
        assert!(!NOT_FOUND_HTML.contains("<script") && !NOT_FOUND_HTML.contains("style="));
        let js = cdn_page_router_js();
        assert!(
            js.contains(r#"var PAGES = ["/","/index.html","/admin.html"];"#),
            "{js}"
        );
        assert!(js.contains("We could not find that page"));
        // CloudFront Functions take at most 10 KB of code.
        assert!(js.len() < 10 * 1024, "{} bytes", js.len());
    }

    #[test]
    fn pages_and_assets_are_told_apart() {
        for page in [
            "/",
            "/shop",
            "/a/b/",
            "/admin.html",
            "/nope.HTML",
            "/orders/42",
        ] {
            assert!(is_page_path(page), "{page}");
        }
        for asset in ["/js/store.js", "/css/app.css", "/favicon.svg", "/config.js"] {
            assert!(!is_page_path(asset), "{asset}");
        }
    }

    fn committed(name: &str) -> Environment {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../environments");
        crate::env::load_named(&dir, name).expect("committed environment")
    }

    /// What a real AWS deploy reads back: both URLs resolved.
    fn aws_outputs() -> BTreeMap<String, String> {
        BTreeMap::from([
            (
                outputs::API_URL.to_string(),
                "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/api".to_string(),
            ),
            (
                outputs::UI_URL.to_string(),
                "https://d111111abcdef8.cloudfront.net".to_string(),
            ),
        ])
    }

    /// The CDN serves the pages and forwards `/api/*` on the same origin; the HTTP API has no
    /// CORS, so any absolute API URL in config.js would break every call in the browser.
    #[test]
    fn a_cdn_environment_calls_the_api_on_its_own_origin() {
        for name in ["dev", "prod"] {
            let env = committed(name);
            assert!(env.features.cdn, "{name} has a CDN");
            let config = SiteConfig::for_deployed(&env, &aws_outputs());
            assert_eq!(config.api_base, "/api", "{name}");
            assert!(config.script().contains(r#""apiBase":"/api""#));
        }
    }

    #[test]
    fn without_a_cdn_the_resolved_api_url_is_used_and_an_unresolved_one_is_not() {
        let env = committed("local");
        assert!(!env.features.cdn);
        let config = SiteConfig::for_deployed(&env, &aws_outputs());
        assert_eq!(
            config.api_base,
            "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/api"
        );
        let emulator = BTreeMap::from([(
            outputs::API_URL.to_string(),
            "https://${HttpApi}.execute-api.us-east-1.amazonaws.com/api".to_string(),
        )]);
        assert_eq!(SiteConfig::for_deployed(&env, &emulator).api_base, "/api");
    }

    /// The smoke check goes the way a shopper goes: through the CDN where there is one.
    #[test]
    fn the_public_api_base_is_the_cdn_s_api_path_where_there_is_a_cdn() {
        assert_eq!(
            public_api_base(&committed("dev"), &aws_outputs()).as_deref(),
            Some("https://d111111abcdef8.cloudfront.net/api")
        );
        assert_eq!(
            public_api_base(&committed("local"), &aws_outputs()).as_deref(),
            Some("https://a1b2c3.execute-api.eu-west-1.amazonaws.com/api")
        );
        assert_eq!(public_api_base(&committed("dev"), &BTreeMap::new()), None);
    }
}
