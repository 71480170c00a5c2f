//! The `orders` Lambda function (see `retail_functions::orders`).

use retail_functions::orders::Orders;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::http(&retail_spec::ORDERS_FN, Orders::new, |app, req| {
        app.handle(req)
    })
}
