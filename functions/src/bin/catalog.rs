//! The `catalog` Lambda function (see `retail_functions::catalog`).

use retail_functions::catalog::Catalog;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::http(&retail_spec::CATALOG, Catalog::new, |app, req| {
        app.handle(req)
    })
}
