//! All terminal output goes through the [`Printer`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Step;
use crate::cli::{ColorChoice, GlobalArgs};
use crate::diagnostics::Report;

/// A style for [`Printer::paint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Bold.
    Bold,
    /// Dimmed.
    Dim,
    /// Green (created).
    Green,
    /// Yellow (updated).
    Yellow,
    /// Red (removed).
    Red,
}

impl Paint {
    fn code(self) -> &'static str {
        match self {
            Self::Bold => "1",
            Self::Dim => "2",
            Self::Green => "32",
            Self::Yellow => "33",
            Self::Red => "31",
        }
    }
}

/// Whether a progress bar is drawn: only on a terminal, never with `--quiet` or under CI.
pub fn progress_visible(quiet: bool, ci: bool, stderr_is_terminal: bool) -> bool {
    !quiet && !ci && stderr_is_terminal
}

/// A progress bar on stderr (or nothing, when hidden). Cleared when dropped.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Moves to `step` (its index steps are done) out of `extra` more steps than the operation
    /// reports itself (e.g. writing after generating).
    pub fn step(&self, step: Step<'_>, extra: usize) {
        self.bar.set_length((step.total + extra) as u64);
        self.bar.set_position(step.index as u64);
        self.bar.set_message(step.label.to_string());
    }

    /// Moves to the last of the `extra` steps after the operation's own.
    pub fn last(&self, label: &str) {
        let len = self.bar.length().unwrap_or(1);
        self.bar.set_position(len.saturating_sub(1));
        self.bar.set_message(label.to_string());
    }

    /// Runs `f` with the bar hidden (to print something while it is drawn).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

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

    /// `text` in `paint` when colouring, else as it is.
    pub fn paint(self, paint: Paint, text: &str) -> String {
        if self.color {
            format!("\x1b[{}m{text}\x1b[0m", paint.code())
        } else {
            text.to_string()
        }
    }

    /// A progress bar on stderr titled `verb`; hidden unless stderr is a terminal, and with
    /// `--quiet` or when `CI` is set.
    pub fn progress(self, verb: &str) -> Progress {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        if !progress_visible(self.quiet, ci, std::io::stderr().is_terminal()) {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        let template = if self.color {
            "{prefix:>12.green.bold} [{bar:25}] {pos}/{len} {wide_msg}"
        } else {
            "{prefix:>12} [{bar:25}] {pos}/{len} {wide_msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(verb.to_string());
        Progress { bar }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_on_a_terminal_without_quiet_or_ci() {
        assert!(progress_visible(false, false, true));
        assert!(!progress_visible(true, false, true), "--quiet");
        assert!(!progress_visible(false, true, true), "CI");
        assert!(!progress_visible(false, false, false), "not a terminal");
    }

    #[test]
    fn paint_is_plain_without_colour() {
        let plain = Printer {
            quiet: false,
            color: false,
        };
        assert_eq!(plain.paint(Paint::Green, "12 created"), "12 created");
        let coloured = Printer {
            quiet: false,
            color: true,
        };
        assert_eq!(
            coloured.paint(Paint::Red, "1 removed"),
            "\x1b[31m1 removed\x1b[0m"
        );
    }
}
