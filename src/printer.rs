//! All terminal output goes through the [`Printer`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::diagnostics::Report;

/// Where and how output is printed.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    /// Suppress everything but errors.
    pub quiet: bool,
    /// Colour on stderr.
    pub color: bool,
}

impl Printer {
    /// From the global flags and the environment (`NO_COLOR`, terminal detection).
    pub fn new(global: &GlobalArgs) -> Self {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Self {
            quiet: global.quiet,
            color,
        }
    }

    /// Primary output (data the user asked for) on stdout.
    pub fn out(self, text: &str) {
        print!("{text}");
        if !text.ends_with('\n') && !text.is_empty() {
            println!();
        }
    }

    /// A status line on stderr (hidden with --quiet).
    pub fn status(self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A bold/green status verb, cargo style.
    pub fn verb(self, verb: &str, rest: &str) {
        if self.quiet {
            return;
        }
        if self.color {
            eprintln!("\x1b[1;32m{verb:>12}\x1b[0m {rest}");
        } else {
            eprintln!("{verb:>12} {rest}");
        }
    }

    /// An error line on stderr (always shown).
    pub fn error(self, text: &str) {
        if self.color {
            eprintln!("\x1b[1;31merror\x1b[0m: {text}");
        } else {
            eprintln!("error: {text}");
        }
    }

    /// Diagnostics on stderr; warnings are hidden with --quiet.
    pub fn report(self, report: &Report) {
        if report.diagnostics.is_empty() || (self.quiet && !report.has_errors()) {
            return;
        }
        eprint!("{}", report.render(self.color));
    }

    /// Raw text on stderr (diffs).
    pub fn err_raw(self, text: &str) {
        eprint!("{text}");
    }
}
