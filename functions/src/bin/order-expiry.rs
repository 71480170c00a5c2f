//! The `order-expiry` Lambda function (see `retail_functions::orders::Expiry`): run every hour by
//! EventBridge Scheduler.

use retail_functions::orders::Expiry;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::scheduled(
        &retail_spec::ORDER_EXPIRY,
        Expiry::new,
        |app, _event| async move { app.run().await.map_err(|e| e.to_string()) },
    )
}
