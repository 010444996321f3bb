//! The `spanlab` binary: parses the command line; no subcommand opens the window.

fn main() -> std::process::ExitCode {
    spanlab::cli::run()
}
