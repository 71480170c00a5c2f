//! The `reports` Lambda function (see `retail_functions::reports`).

use retail_functions::reports::Reports;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::http(&retail_spec::REPORTS_FN, Reports::new, |app, req| {
        app.handle(req)
    })
}
