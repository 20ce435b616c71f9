//! Diagnostics: every problem archgen finds in a user's input, with the byte span it points at.
//!
//! Stages collect [`Diagnostic`]s instead of failing on the first one; the boundary turns a list of
//! them into a miette report (human) or a JSON document (`--output-format json`).

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, Severity as MietteSeverity, SourceSpan};
use serde::Serialize;

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    /// A span from an offset and a length.
    pub const fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        SourceSpan::new(span.offset.into(), span.len)
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Generation goes on; the user should know.
    Warning,
    /// The input cannot be used.
    Error,
}

/// One problem, located in one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable, namespaced code, e.g. `archgen::spec::unknown_function`.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// One-line statement of the problem.
    pub message: String,
    /// Where it is, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Short text printed under the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it ("did you mean ...", the allowed values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(code: &'static str, message: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            help: None,
        }
    }

    /// A warning at a span.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message, span)
        }
    }

    /// Adds the text shown under the span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line only when there is one.
    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Whether this diagnostic stops the pipeline.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A source file that diagnostics point into.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name shown in reports (the path as the user gave it).
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
}

impl Source {
    /// A named source.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column of a byte offset (column counted in characters).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// Diagnostics bound to the source they point into, ready to print.
#[derive(Debug, Clone)]
pub struct Report {
    /// Where the spans point.
    pub source: Source,
    /// Every problem found, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Binds diagnostics to their source, sorted by position then code (stable output).
    pub fn new(source: Source, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| {
            (a.span.map(|s| s.offset), a.code, &a.message).cmp(&(
                b.span.map(|s| s.offset),
                b.code,
                &b.message,
            ))
        });
        diagnostics.dedup();
        Self {
            source,
            diagnostics,
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Number of errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        (errors, self.diagnostics.len() - errors)
    }

    /// Renders every diagnostic with miette's graphical handler.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
        let named = Arc::new(NamedSource::new(
            self.source.name.clone(),
            self.source.text.to_string(),
        ));
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            let bound = Bound {
                diagnostic,
                source: Arc::clone(&named),
            };
            // Writing into a String cannot fail.
            let _ = handler.render_report(&mut out, &bound);
        }
        out
    }

    /// The machine-readable form of `--output-format json`.
    pub fn to_json(&self) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self
            .diagnostics
            .iter()
            .map(|d| {
                let mut value = serde_json::to_value(d).unwrap_or(serde_json::Value::Null);
                if let (Some(span), Some(object)) = (d.span, value.as_object_mut()) {
                    let (line, column) = self.source.line_col(span.offset);
                    object.insert("line".into(), line.into());
                    object.insert("column".into(), column.into());
                }
                value
            })
            .collect();
        let (errors, warnings) = self.counts();
        serde_json::json!({
            "file": self.source.name,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": items,
        })
    }
}

/// A diagnostic with its source, as miette wants it.
struct Bound<'a> {
    diagnostic: &'a Diagnostic,
    source: Arc<NamedSource<String>>,
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Bound<'_> {}

impl miette::Diagnostic for Bound<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<MietteSeverity> {
        Some(match self.diagnostic.severity {
            Severity::Warning => MietteSeverity::Warning,
            Severity::Error => MietteSeverity::Error,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diagnostic
            .span
            .map(|_| self.source.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diagnostic.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.diagnostic.label.clone(),
            span,
        ))))
    }
}

/// "did you mean" for a misspelt name among known ones (Jaro-Winkler, like cargo).
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(wrong, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}
