//! The `order-notifier` Lambda function (see `retail_functions::notifier`): run by the orders
//! table's stream.

use retail_functions::notifier::Notifier;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::stream(&retail_spec::ORDER_NOTIFIER, Notifier::new, |app, event| {
        app.handle(event)
    })
}
