//! The `images` Lambda function (see `retail_functions::images::processor`).

use retail_functions::images::processor::ImageProcessor;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::queue(
        &retail_spec::IMAGES_FN,
        ImageProcessor::new,
        |app, event| app.handle(event),
    )
}
