//! The functions match the spec: one entry point per `retail_spec::FUNCTIONS` entry, each app builds
//! from exactly the environment its grants give it, and every route in `retail_spec::ROUTES` is
//! served by its function (not "no route", not an internal error).

mod support;

use lambda_http::{Body, Request, Response};
use retail_functions::config::FunctionEnv;
use retail_functions::entry::{self, ENTRY_POINTS};
use retail_functions::{alerts, cart, catalog, inventory, orders, reports};
use retail_spec::{FUNCTIONS, FunctionSpec, ROUTES, Trigger};
use support::Stack;
use support::api::{Reply, call};

#[test]
fn one_entry_point_per_function() {
    let mut found: Vec<&str> = ENTRY_POINTS.iter().map(|e| e.function.handler()).collect();
    found.sort_unstable();
    let mut wanted: Vec<&str> = FUNCTIONS.iter().map(|f| f.handler()).collect();
    wanted.sort_unstable();
    assert_eq!(
        found, wanted,
        "entry::ENTRY_POINTS and retail_spec::FUNCTIONS differ"
    );
    for f in FUNCTIONS {
        let entry = entry::find(f.handler())
            .unwrap_or_else(|| panic!("no entry point for `{}`", f.handler()));
        assert_eq!(
            entry.function, *f,
            "`{}` starts another function's spec",
            f.id
        );
    }
}

/// An HTTP app of any function, boxed for the route loop.
enum App {
    Catalog(catalog::Catalog),
    Cart(cart::Cart),
    Orders(orders::Orders),
    Inventory(inventory::Inventory),
    Reports(reports::Reports),
}

impl App {
    async fn handle(&self, req: Request) -> Response<Body> {
        match self {
            App::Catalog(a) => a.handle(req).await,
            App::Cart(a) => a.handle(req).await,
            App::Orders(a) => a.handle(req).await,
            App::Inventory(a) => a.handle(req).await,
            App::Reports(a) => a.handle(req).await,
        }
    }
}

fn build(
    f: &'static FunctionSpec,
    stack: &Stack,
    env: &FunctionEnv,
) -> Result<Option<App>, String> {
    let sdk = &stack.sdk;
    let e = |x: retail_functions::config::ConfigError| x.to_string();
    Ok(match f.id {
        "catalog" => Some(App::Catalog(catalog::Catalog::new(sdk, env).map_err(e)?)),
        "cart" => Some(App::Cart(cart::Cart::new(sdk, env).map_err(e)?)),
        "orders" => Some(App::Orders(orders::Orders::new(sdk, env).map_err(e)?)),
        "inventory" => Some(App::Inventory(
            inventory::Inventory::new(sdk, env).map_err(e)?,
        )),
        "reports" => Some(App::Reports(reports::Reports::new(sdk, env).map_err(e)?)),
        "report-builder" => {
            reports::builder::ReportBuilder::new(sdk, env).map_err(e)?;
            None
        }
        "stock-alerts" => {
            alerts::StockAlerts::new(sdk, env).map_err(e)?;
            None
        }
        "kill-switch" => {
            retail_functions::killswitch::KillSwitch::new(sdk, env).map_err(e)?;
            None
        }
        "order-expiry" => {
            orders::Expiry::new(sdk, env).map_err(e)?;
            None
        }
        "order-notifier" => {
            retail_functions::notifier::Notifier::new(sdk, env).map_err(e)?;
            None
        }
        "images" => {
            retail_functions::images::processor::ImageProcessor::new(sdk, env).map_err(e)?;
            None
        }
        other => return Err(format!("no app for function {other}")),
    })
}

#[tokio::test]
async fn every_app_builds_from_its_grants_and_serves_its_routes() {
    let stack = Stack::new("wiring").await;
    for f in FUNCTIONS {
        let app = build(f, &stack, &stack.env(f)).unwrap_or_else(|e| panic!("{}: {e}", f.id));
        // Without the grant-derived variables, building fails with a message naming one.
        let empty = FunctionEnv::new(f, Vec::new());
        let err = build(f, &stack, &empty).err().unwrap_or_default();
        assert!(err.contains("environment variable"), "{}: {err}", f.id);

        match (f.trigger, app) {
            (Trigger::Http, Some(app)) => {
                for route in ROUTES.iter().filter(|r| r.function.id == f.id) {
                    let params: Vec<&str> = route.path_parameters().iter().map(|_| "X-1").collect();
                    let r = Reply::of(app.handle(call(route).path(&params).build()).await);
                    let msg = r.body["error"]["message"].as_str().unwrap_or_default();
                    assert!(r.status != 500, "{}: {}", route.route_key(), r.body);
                    assert!(
                        !msg.starts_with("No route"),
                        "{}: {}",
                        route.route_key(),
                        r.body
                    );
                }
            }
            (
                Trigger::Queue { .. }
                | Trigger::Topic { .. }
                | Trigger::Schedule { .. }
                | Trigger::Stream { .. },
                None,
            ) => {}
            (t, _) => panic!("{}: trigger {t:?} does not match its app", f.id),
        }
    }
}
