//! Every function's entry point, in one binary.
//!
//! All functions ship as one executable, `bootstrap` ([`retail_spec::FUNCTIONS_BINARY`]): one
//! build, one link-time optimisation, one zip and one upload for the whole backend instead of one
//! per function (`make bench` measures both the build and the cold start it leads to). Each
//! function's `Handler` setting names its entry point here; Lambda passes it to the process as
//! `_HANDLER` ("Defined runtime environment variables",
//! <https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>),
//! and `stackgen dev` does the same. A worker is still one function: it builds only that
//! function's app and serves only its events.

use std::process::ExitCode;

use retail_spec::{self as spec, FUNCTIONS, FunctionSpec};

use crate::runtime;
use crate::{alerts, cart, catalog, images, inventory, killswitch, notifier, orders, reports};

/// The environment variable naming the function to run.
pub const HANDLER_VAR: &str = "_HANDLER";

/// The exit status when `_HANDLER` names no function (or is missing): the process stops before
/// talking to the runtime API, and Lambda reports `Runtime.ExitError` with the message logged.
pub const UNKNOWN_HANDLER_EXIT: u8 = 2;

/// One function's entry point: its spec (whose id is the handler) and the runtime loop it runs.
pub struct EntryPoint {
    pub function: &'static FunctionSpec,
    pub run: fn() -> ExitCode,
}

/// The entry points, one per [`retail_spec::FUNCTIONS`] entry (a test holds them to it).
pub static ENTRY_POINTS: &[EntryPoint] = &[
    EntryPoint {
        function: &spec::CATALOG,
        run: || {
            runtime::http(&spec::CATALOG, catalog::Catalog::new, |app, req| {
                app.handle(req)
            })
        },
    },
    EntryPoint {
        function: &spec::CART,
        run: || runtime::http(&spec::CART, cart::Cart::new, |app, req| app.handle(req)),
    },
    EntryPoint {
        function: &spec::ORDERS_FN,
        run: || {
            runtime::http(&spec::ORDERS_FN, orders::Orders::new, |app, req| {
                app.handle(req)
            })
        },
    },
    EntryPoint {
        function: &spec::INVENTORY,
        run: || {
            runtime::http(&spec::INVENTORY, inventory::Inventory::new, |app, req| {
                app.handle(req)
            })
        },
    },
    EntryPoint {
        function: &spec::REPORTS_FN,
        run: || {
            runtime::http(&spec::REPORTS_FN, reports::Reports::new, |app, req| {
                app.handle(req)
            })
        },
    },
    EntryPoint {
        function: &spec::REPORT_BUILDER,
        run: || {
            runtime::queue(
                &spec::REPORT_BUILDER,
                reports::builder::ReportBuilder::new,
                |app, event| app.handle(event),
            )
        },
    },
    EntryPoint {
        function: &spec::STOCK_ALERTS_FN,
        run: || {
            runtime::queue(
                &spec::STOCK_ALERTS_FN,
                alerts::StockAlerts::new,
                |app, event| app.handle(event),
            )
        },
    },
    EntryPoint {
        function: &spec::IMAGES_FN,
        run: || {
            runtime::queue(
                &spec::IMAGES_FN,
                images::processor::ImageProcessor::new,
                |app, event| app.handle(event),
            )
        },
    },
    EntryPoint {
        function: &spec::ORDER_NOTIFIER,
        run: || {
            runtime::stream(
                &spec::ORDER_NOTIFIER,
                notifier::Notifier::new,
                |app, event| app.handle(event),
            )
        },
    },
    EntryPoint {
        function: &spec::ORDER_EXPIRY,
        run: || {
            runtime::events(
                &spec::ORDER_EXPIRY,
                orders::Expiry::new,
                |app, _event| async move { app.run().await.map_err(|e| e.to_string()) },
            )
        },
    },
    EntryPoint {
        function: &spec::KILL_SWITCH_FN,
        run: || {
            // SNS notifications from the kill-switch topic, or the schedule's
            // `{"action":"destroy","source":"schedule"}`. An error goes back to Lambda, so the
            // Errors alarm counts it and SNS retries the delivery.
            runtime::events(
                &spec::KILL_SWITCH_FN,
                killswitch::KillSwitch::new,
                |app, event| async move { app.handle(event).await.map_err(|e| e.to_string()) },
            )
        },
    },
];

/// The entry point of the function whose handler is `handler`.
pub fn find(handler: &str) -> Option<&'static EntryPoint> {
    ENTRY_POINTS
        .iter()
        .find(|entry| entry.function.handler() == handler)
}

/// Runs the function `handler` names (the process's `_HANDLER`) until the runtime API goes away.
/// A missing or unknown handler is one line on stderr (Lambda puts it in the function's log) and
/// exit status [`UNKNOWN_HANDLER_EXIT`].
pub fn start(handler: Option<&str>) -> ExitCode {
    match handler.map(|h| (h, find(h))) {
        Some((_, Some(entry))) => (entry.run)(),
        Some((name, None)) => refuse(&format!(
            "{HANDLER_VAR} is `{name}`, which names no function"
        )),
        None => refuse(&format!("{HANDLER_VAR} is not set")),
    }
}

fn refuse(what: &str) -> ExitCode {
    let known: Vec<&str> = FUNCTIONS.iter().map(|f| f.handler()).collect();
    eprintln!(
        "{what}: this binary holds every retail function and runs the one its {HANDLER_VAR} \
         names, which Lambda sets from the function's Handler ({}). Re-render and deploy the \
         stack so each function's Handler is its id, or under `stackgen dev` let the runner \
         start it.",
        known.join(", ")
    );
    ExitCode::from(UNKNOWN_HANDLER_EXIT)
}
