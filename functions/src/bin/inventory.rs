//! The `inventory` Lambda function (see `retail_functions::inventory`).

use retail_functions::inventory::Inventory;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::http(&retail_spec::INVENTORY, Inventory::new, |app, req| {
        app.handle(req)
    })
}
