//! The `archgen` binary: parse the command line, run, exit with the command's code.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc where it builds (see Cargo.toml): fewer instructions per allocation than glibc's
/// malloc for the many small, short-lived strings and maps of rendering. Its options are built
/// in (`.cargo/config.toml`).
#[cfg(all(
    not(target_os = "windows"),
    not(target_os = "openbsd"),
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "powerpc64"
    )
))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = archgen::cli::Cli::parse();
    ExitCode::from(archgen::commands::run(&cli))
}
