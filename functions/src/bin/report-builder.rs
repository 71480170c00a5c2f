//! The `report-builder` Lambda function (see `retail_functions::reports::builder`).

use retail_functions::reports::builder::ReportBuilder;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::queue(
        &retail_spec::REPORT_BUILDER,
        ReportBuilder::new,
        |app, event| app.handle(event),
    )
}
