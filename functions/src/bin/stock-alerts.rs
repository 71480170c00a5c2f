//! The `stock-alerts` Lambda function (see `retail_functions::alerts`).

use retail_functions::alerts::StockAlerts;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::queue(
        &retail_spec::STOCK_ALERTS_FN,
        StockAlerts::new,
        |app, event| app.handle(event),
    )
}
