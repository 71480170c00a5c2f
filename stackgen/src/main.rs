//! The `stackgen` binary: everything lives in the library (`stackgen::cli`).

fn main() -> std::process::ExitCode {
    stackgen::cli::main()
}
