//! The `archgen` binary: parse the command line, run, exit with the command's code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = archgen::cli::Cli::parse();
    ExitCode::from(archgen::commands::run(&cli))
}
