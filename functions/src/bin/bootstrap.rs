//! `bootstrap`: every retail Lambda function in one executable; `_HANDLER` (the function's
//! Handler setting) says which one this process is (see `retail_functions::entry`).

fn main() -> std::process::ExitCode {
    let handler = std::env::var(retail_functions::entry::HANDLER_VAR).ok();
    retail_functions::entry::start(handler.as_deref())
}
