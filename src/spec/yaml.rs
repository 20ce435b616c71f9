//! The only module that names the YAML crate (serde-saphyr). Swapping it is a one-file change.
//!
//! [`Sp<T>`] carries the byte span of a value so semantic errors can point at it; [`parse`]
//! turns a syntax or type error into a located [`Diagnostic`].

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::{Diagnostic, Span};

/// A value with the byte span it was read from.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    /// A value with a span (for tests and synthesized values).
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Sp<T> {}
impl<T: PartialOrd> PartialOrd for Sp<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}
impl<T: Ord> Ord for Sp<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}
impl<T: Hash> Hash for Sp<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let offset = usize::try_from(span.byte_offset().unwrap_or(0)).unwrap_or(0);
        let len = usize::try_from(span.byte_len().unwrap_or(0)).unwrap_or(0);
        Ok(Self {
            value: spanned.value,
            span: Span::new(offset, len),
        })
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Parses YAML text into `T`; a syntax or type error becomes one located diagnostic.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|err| to_diagnostic(&err, text))
}

fn to_diagnostic(err: &serde_saphyr::Error, text: &str) -> Diagnostic {
    let span = err.location().map(|location| {
        let span = location.span();
        let from_lines = offset_of(text, location.line(), location.column());
        let offset = match span.byte_offset() {
            Some(offset) if offset > 0 || location.line() <= 1 => {
                usize::try_from(offset).unwrap_or(from_lines)
            }
            _ => from_lines,
        };
        let offset = offset.min(text.len());
        let len = usize::try_from(span.byte_len().unwrap_or(0)).unwrap_or(0);
        Span::new(offset, len.max(1).min(text.len().saturating_sub(offset)))
    });
    let mut message = err.to_string();
    // The location is shown by the report itself.
    if let Some(index) = message.find(" at line ") {
        message.truncate(index);
    }
    let mut message = message.lines().next().unwrap_or("invalid YAML").to_string();
    // serde-saphyr prefixes "error: line N column M: "; the report shows the position itself.
    if let Some(rest) = message.strip_prefix("error: ") {
        message = rest.to_string();
    }
    if message.starts_with("line ")
        && let Some(index) = message.find(": ")
    {
        message = message[index + 2..].to_string();
    }
    // serde-saphyr's advice to its API users is not for spec authors.
    if let Some(index) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(index);
    }
    let (code, help) = classify(&message);
    Diagnostic::error(code, message, span)
        .with_label("here")
        .with_help_opt(help)
}

/// Picks a stable code and a help line for serde-saphyr's message.
fn classify(message: &str) -> (&'static str, Option<String>) {
    const SYNTAX: [&str; 8] = [
        "while parsing",
        "while scanning",
        "did not find",
        "not allowed in this context",
        "cannot start any token",
        "found unexpected",
        "unexpected end",
        "invalid indentation",
    ];
    if message.contains("unknown field") {
        let help = message.find("expected one of").map(|i| {
            format!(
                "allowed fields: {}",
                &message[i + "expected one of ".len()..]
            )
        });
        ("archgen::spec::unknown_field", help)
    } else if message.contains("duplicate") {
        (
            "archgen::spec::duplicate_key",
            Some("each key may appear once in a mapping".into()),
        )
    } else if message.contains("missing field") {
        ("archgen::spec::missing_field", None)
    } else if SYNTAX.iter().any(|s| message.contains(s)) {
        ("archgen::spec::yaml_syntax", None)
    } else {
        ("archgen::spec::wrong_type", None)
    }
}

/// Parses one item of a block sequence on its own, so that a type error in one list item does
/// not hide the errors in the others. `item_start` is the byte offset of the item's content
/// (after `- `); diagnostics come back with spans in the full text.
pub fn parse_item<T: DeserializeOwned>(text: &str, item_start: usize) -> Result<T, Diagnostic> {
    let item_start = item_start.min(text.len());
    let line_start = text[..item_start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..item_start];
    // Only block items (`  - key: ...`) can be cut out; flow items parse with their list.
    let Some(dash) = prefix.rfind('-') else {
        return parse::<T>(&text[item_start..]).map_err(|d| shift(d, item_start));
    };
    let dash_column = prefix[..dash].chars().count();
    let mut end = text.len();
    let mut offset = text[item_start..]
        .find('\n')
        .map_or(text.len(), |i| item_start + i + 1);
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = &text[offset..line_end];
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let indent = line.len() - trimmed.len();
            if indent <= dash_column {
                end = offset;
                break;
            }
        }
        offset = line_end;
    }
    // Same byte length as the original span, with the `- ` blanked out, so offsets map 1:1.
    let mut fragment = " ".repeat(item_start - line_start);
    fragment.push_str(&text[item_start..end]);
    parse::<T>(&fragment).map_err(|d| shift(d, line_start))
}

fn shift(mut diagnostic: Diagnostic, by: usize) -> Diagnostic {
    if let Some(span) = &mut diagnostic.span {
        span.offset += by;
    }
    diagnostic
}

/// Byte offset of a 1-based line and column (column in characters).
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for (index, current) in text.split_inclusive('\n').enumerate() {
        if index as u64 + 1 == line {
            let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(0);
            return offset
                + current
                    .char_indices()
                    .nth(skip)
                    .map_or(current.len(), |(i, _)| i);
        }
        offset += current.len();
    }
    text.len()
}
