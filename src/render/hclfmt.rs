//! A formatter for the HCL archgen renders, producing what `terraform fmt` produces.
//!
//! Templates only need the right structure: this pass re-indents every line by bracket depth
//! (two spaces a level), collapses blank lines, and aligns the `=` of consecutive single-line
//! attributes the way hclwrite does. Heredocs are not supported (templates use `jsonencode`).

use super::text::{Buf, Text};

/// Formats HCL text; the result ends with exactly one newline.
///
/// One pass over the lines. Lines wait in a small buffer only while what follows can still
/// change them (a run of attributes whose `=` align, blank lines that a closing bracket
/// drops); every other line flushes the buffer, so a large file is never held as lines.
pub fn format(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    format_into(input, &mut out);
    out
}

/// [`format`], appending to `out` (nothing when `input` is only blank lines).
pub fn format_into(input: &str, out: &mut String) {
    let mut pending = Pending::default();
    // hclwrite's indent stack: each line that opens brackets pushes its net count; closing
    // lines pop whole entries, so `jsonencode({` indents its body one level, not two.
    let mut indents: Vec<i64> = Vec::new();
    let mut scanner = Scanner::default();
    for raw in lines(input) {
        let text = trim(raw);
        let continuing_string = scanner.in_string();
        if text.is_empty() && !continuing_string {
            pending.push(
                Line {
                    indent: indent_of(&indents),
                    text: "",
                    delta: 0,
                    in_string: false,
                    attribute: None,
                },
                out,
            );
            continue;
        }
        let scan = scanner.scan(text);
        let net = scan.opens - scan.closes;
        let indent = match net.cmp(&0) {
            std::cmp::Ordering::Greater => {
                let indent = indent_of(&indents);
                indents.push(net);
                indent
            }
            std::cmp::Ordering::Less => {
                let mut closed = -net;
                while closed > 0 {
                    let Some(last) = indents.last_mut() else {
                        break;
                    };
                    if closed >= *last {
                        closed -= *last;
                        indents.pop();
                    } else {
                        *last -= closed;
                        closed = 0;
                    }
                }
                indent_of(&indents)
            }
            std::cmp::Ordering::Equal => indent_of(&indents),
        };
        let attribute = if net == 0 && !continuing_string {
            attribute_key(text)
        } else {
            None
        };
        pending.push(
            Line {
                indent: if continuing_string { -1 } else { indent },
                text: if continuing_string { raw } else { text },
                delta: net,
                in_string: continuing_string,
                attribute,
            },
            out,
        );
    }
    pending.finish(out);
}

/// The lines of `input`, as `str::lines` splits them (`\n` or `\r\n`; a final line ending
/// ends the last line), with the line endings checked as bytes (see [`attribute_key`]).
fn lines(input: &str) -> impl Iterator<Item = &str> {
    input.split_inclusive('\n').map(|line| {
        let Some(line) = strip_suffix_byte(line, b'\n') else {
            return line;
        };
        strip_suffix_byte(line, b'\r').unwrap_or(line)
    })
}

/// `str::trim`, with ASCII whitespace stripped byte by byte: the Unicode rule (a `char` decoded
/// from each end) runs only when a non-ASCII byte is at an end after that.
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0x0B)
        .unwrap_or(bytes.len());
    let end = bytes[start..]
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0x0B)
        .map_or(start, |last| start + last + 1);
    let trimmed = &text[start..end];
    match (trimmed.as_bytes().first(), trimmed.as_bytes().last()) {
        (Some(first), Some(last)) if !first.is_ascii() || !last.is_ascii() => trimmed.trim(),
        _ => trimmed,
    }
}

/// `strip_suffix` for one ASCII byte, without `memcmp`.
fn strip_suffix_byte(text: &str, byte: u8) -> Option<&str> {
    debug_assert!(byte.is_ascii());
    (text.as_bytes().last() == Some(&byte)).then(|| &text[..text.len() - 1])
}

/// Lines not yet written: no leading, trailing or repeated blank lines, none right inside
/// brackets, and each run of single-line attributes at one indent level aligned on `=`.
#[derive(Default)]
struct Pending<'a> {
    lines: Vec<Line<'a>>,
    /// The last line written, which the next blank line is judged against.
    written: Option<Line<'a>>,
}

impl<'a> Pending<'a> {
    fn push(&mut self, line: Line<'a>, out: &mut String) {
        if line.text.is_empty() && !line.in_string {
            let after_opener = self
                .lines
                .last()
                .or(self.written.as_ref())
                .is_none_or(|prev| prev.text.is_empty() || (prev.delta > 0 && !prev.in_string));
            if after_opener {
                return;
            }
        } else if !line.in_string && line.text.starts_with(['}', ']', ')']) {
            while self
                .lines
                .last()
                .is_some_and(|prev| prev.text.is_empty() && !prev.in_string)
            {
                self.lines.pop();
            }
        }
        // A line with text that is not an attribute ends any run of attributes, and no blank
        // line before it can be dropped any more: everything pending can be written.
        let settles = !line.text.is_empty() && line.attribute.is_none();
        self.lines.push(line);
        if settles {
            self.write(out);
        }
    }

    /// Writes what is pending, trailing blank lines dropped: the end of the input.
    fn finish(mut self, out: &mut String) {
        while self.lines.last().is_some_and(|prev| prev.text.is_empty()) {
            self.lines.pop();
        }
        self.write(out);
    }

    fn write(&mut self, out: &mut String) {
        let lines = &self.lines;
        let mut index = 0;
        while index < lines.len() {
            let line = &lines[index];
            if line.attribute.is_none() {
                push_line(out, line, None);
                index += 1;
                continue;
            }
            // A run of single-line attributes at one indent level aligns on `=`.
            let mut end = index;
            while end < lines.len()
                && lines[end].indent == line.indent
                && lines[end].attribute.is_some()
            {
                end += 1;
            }
            let width = lines[index..end]
                .iter()
                .filter_map(|l| l.attribute.map(|(key, _)| width_of(key)))
                .max()
                .unwrap_or(0);
            for l in &lines[index..end] {
                push_line(out, l, Some(width));
            }
            index = end;
        }
        self.written = self.lines.pop();
        self.lines.clear();
    }
}

/// A key's width in characters (its length when ASCII, as keys almost always are).
fn width_of(key: &str) -> usize {
    if key.is_ascii() {
        key.len()
    } else {
        key.chars().count()
    }
}

fn indent_of(indents: &[i64]) -> i64 {
    i64::try_from(indents.len()).unwrap_or(0)
}

/// Appends one part of a file to `out`, formatted: a header comment line, a blank line and
/// `body` (whole top-level blocks), after a blank line when `out` already has parts. The bytes
/// are those of formatting the whole file (`header`, a blank line and `body` per part) at once,
/// without holding its unformatted text; a blank `body` leaves only the header.
pub fn append_part(out: &mut Text, header: &str, body: &str) {
    // Formatted into a string first: the formatter appends a few bytes at a time.
    let mut part = String::with_capacity(header.len() + body.len() + body.len() / 8 + 2);
    if !out.is_empty() {
        part.push('\n');
    }
    format_into(header, &mut part);
    let before = part.len();
    part.push('\n');
    format_into(body, &mut part);
    if part.len() == before + 1 {
        part.truncate(before);
    }
    out.push_str(&part);
}

/// One line of the input, trimmed.
#[derive(Debug)]
struct Line<'a> {
    indent: i64,
    text: &'a str,
    delta: i64,
    in_string: bool,
    /// `key = value` on one line with balanced brackets: its key and value (computed once).
    attribute: Option<(&'a str, &'a str)>,
}

/// `key = value` on a trimmed line with balanced brackets (outside a string): its key and value.
///
/// Single characters are checked as bytes: `str::strip_prefix(char)` compares through `memcmp`,
/// which was a tenth of the formatter's time.
fn attribute_key(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    // A closing bracket opened on the same line is fine; one that closes an outer block is not.
    if matches!(first, b'}' | b']' | b')') {
        return None;
    }
    let key_end = if first == b'"' {
        memchr_byte(&bytes[1..], b'"')? + 2
    } else {
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        bytes
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .unwrap_or(bytes.len())
    };
    let (key, rest) = text.split_at(key_end);
    let rest = trim_start(rest);
    if rest.as_bytes().first() != Some(&b'=') {
        return None;
    }
    let value = &rest[1..];
    if matches!(value.as_bytes().first(), Some(b'=' | b'>')) {
        return None;
    }
    Some((key, trim(value)))
}

/// The index of the first `byte` in `bytes`.
fn memchr_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    bytes.iter().position(|&b| b == byte)
}

/// `str::trim_start`, ASCII whitespace stripped byte by byte (see [`trim`]).
fn trim_start(text: &str) -> &str {
    let start = text
        .as_bytes()
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0x0B)
        .unwrap_or(text.len());
    let rest = &text[start..];
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
        rest.trim_start()
    } else {
        rest
    }
}

fn push_line(out: &mut String, line: &Line<'_>, width: Option<usize>) {
    if line.text.is_empty() {
        out.push('\n');
        return;
    }
    if line.in_string {
        out.push_str(line.text);
        out.push('\n');
        return;
    }
    let indent = usize::try_from(line.indent).unwrap_or(0) * 2;
    if let (Some(width), Some((key, value))) = (width, line.attribute) {
        let pad = width.saturating_sub(width_of(key));
        out.reserve(indent + key.len() + pad + 3 + value.len() + 1);
        push_spaces(out, indent);
        out.push_str(key);
        push_spaces(out, pad);
        out.push_str(" = ");
        out.push_str(value);
    } else {
        out.reserve(indent + line.text.len() + 1);
        push_spaces(out, indent);
        out.push_str(line.text);
    }
    out.push('\n');
}

/// Appends `n` spaces, a slice at a time.
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let take = n.min(SPACES.len());
        out.push_str(&SPACES[..take]);
        n -= take;
    }
}

/// `type.name` of every top-level `resource "type" "name"` block, found with the formatter's
/// bracket scanner (strings, interpolations and comments skipped) instead of a second parse
/// of text the render has already checked with the full parser.
pub fn resource_addresses(input: &str) -> Vec<String> {
    let mut scanner = Scanner::default();
    let mut depth: i64 = 0;
    let mut out = Vec::new();
    for raw in lines(input) {
        let continuing_string = scanner.in_string();
        let text = raw.trim();
        if depth == 0
            && !continuing_string
            && let Some(rest) = text.strip_prefix("resource")
            && let Some(labels) = two_labels(rest)
        {
            out.push(labels);
        }
        let scan = scanner.scan(text);
        depth = (depth + scan.opens - scan.closes).max(0);
    }
    out
}

/// `"type" "name" {` -> `type.name` (plain labels only, as templates write them).
fn two_labels(rest: &str) -> Option<String> {
    let label = |text: &str| -> Option<(String, usize)> {
        let text_start = text.len() - text.trim_start().len();
        let body = text.trim_start().strip_prefix('"')?;
        let end = body.find('"')?;
        let value = &body[..end];
        (!value.is_empty() && !value.contains('\\'))
            .then(|| (value.to_string(), text_start + end + 2))
    };
    if !rest.starts_with([' ', '\t', '"']) {
        return None;
    }
    let (kind, used) = label(rest)?;
    let (name, used2) = label(&rest[used..])?;
    rest[used + used2..]
        .trim_start()
        .starts_with('{')
        .then(|| format!("{kind}.{name}"))
}

/// The bytes [`Scanner::scan`] acts on inside a string literal.
static IN_STRING: [bool; 256] = byte_set(b"\\\"$%");
/// The bytes [`Scanner::scan`] acts on outside string literals (in code or an interpolation).
static OUTSIDE_STRING: [bool; 256] = byte_set(b"\"#/{}[]()");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

#[derive(Default)]
struct Scan {
    opens: i64,
    closes: i64,
}

/// Tracks strings and `${ }` / `%{ }` template interpolations across a line, so brackets
/// inside string literals do not count.
#[derive(Default)]
struct Scanner {
    /// Stack of contexts: `true` = inside a string, `false` = inside an interpolation.
    stack: Vec<bool>,
    /// Brace depth inside each interpolation level.
    braces: Vec<i64>,
}

impl Scanner {
    fn in_string(&self) -> bool {
        self.stack.last().copied().unwrap_or(false)
    }

    /// Scans one line byte by byte: every byte that matters is ASCII, and no byte of a
    /// multi-byte UTF-8 character is.
    fn scan(&mut self, text: &str) -> Scan {
        let mut scan = Scan::default();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Skip to the next byte that can matter where the scan is (most bytes do not).
            let matters = if self.in_string() {
                &IN_STRING
            } else {
                &OUTSIDE_STRING
            };
            match bytes[i..].iter().position(|&b| matters[usize::from(b)]) {
                Some(skip) => i += skip,
                None => break,
            }
            let c = bytes[i];
            let next = bytes.get(i + 1).copied();
            i += 1;
            if self.in_string() {
                match c {
                    b'\\' => i += 1,
                    b'"' => {
                        self.stack.pop();
                    }
                    b'$' | b'%' if next == Some(b'{') => {
                        i += 1;
                        self.stack.push(false);
                        self.braces.push(0);
                    }
                    _ => {}
                }
                continue;
            }
            let in_interpolation = !self.stack.is_empty();
            match c {
                b'"' => self.stack.push(true),
                b'#' if !in_interpolation => break,
                b'/' if !in_interpolation && next == Some(b'/') => break,
                b'{' | b'[' | b'(' => {
                    if in_interpolation && c == b'{' {
                        if let Some(b) = self.braces.last_mut() {
                            *b += 1;
                        }
                    } else if !in_interpolation {
                        scan.opens += 1;
                    }
                }
                b'}' | b']' | b')' => {
                    if in_interpolation && c == b'}' {
                        if self.braces.last().copied().unwrap_or(0) == 0 {
                            self.braces.pop();
                            self.stack.pop();
                        } else if let Some(b) = self.braces.last_mut() {
                            *b -= 1;
                        }
                    } else if !in_interpolation {
                        scan.closes += 1;
                    }
                }
                _ => {}
            }
        }
        scan
    }
}

#[cfg(test)]
mod tests {
    use super::{Text, append_part, format, format_into, resource_addresses};

    /// The byte-level trims agree with `str::trim` and `str::trim_start`, ASCII and Unicode
    /// whitespace (vertical tab, NEL, no-break space, ideographic space) at either end.
    #[test]
    fn trims_agree_with_str_trim() {
        let pieces = [
            "", " ", "\t", "\x0B", "\x0C", "\r", "\n", "\u{85}", "\u{A0}", "\u{3000}", "a", "é",
            "a b", "\u{85}x",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(super::trim(&text), text.trim(), "{text:?}");
                    assert_eq!(super::trim_start(&text), text.trim_start(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn lines_splits_like_str_lines() {
        for input in [
            "", "a", "a\n", "a\r\nb", "a\r\n", "a\rb\r", "\n\n", "x\r", "\r\n\r\n",
        ] {
            assert_eq!(
                super::lines(input).collect::<Vec<_>>(),
                input.lines().collect::<Vec<_>>(),
                "{input:?}"
            );
        }
    }

    /// Terraform tier files are formatted component by component (a header comment, then the
    /// component's blocks): the same bytes as formatting the whole file at once.
    #[test]
    fn formatting_components_one_by_one_equals_formatting_the_file() {
        let parts = [
            (
                "# a (cache): Valkey",
                "\n\nresource \"x\" \"a\" {\nname = 1\n  longer_name = 2\n\n\n}\n\n",
            ),
            ("# b (queue): SQS", "\n\n\n"),
            (
                "# c (cdn): CloudFront",
                "locals {\n    x = [\n1,\n]\n}\nresource \"y\" \"c\" {}",
            ),
        ];
        let mut whole = String::new();
        let mut pieces = Text::new();
        for (header, body) in parts {
            whole.push_str(&format!("{header}\n\n{body}\n\n"));
            append_part(&mut pieces, header, body);
        }
        assert_eq!(pieces.into_string(), format(&whole));
        let mut out = String::from("kept\n");
        format_into("\n  \n\n", &mut out);
        assert_eq!(out, "kept\n", "blank input appends nothing");
    }

    #[test]
    fn resource_addresses_are_top_level_resource_blocks_only() {
        let input = "# resource \"x\" \"y\" {\nresource \"aws_s3_bucket\" \"b\" {\nx = \"}\"\ny = {\nresource \"n\" \"m\" {}\n}\n}\ndata \"a\" \"d\" {}\n  resource \"aws_kms_key\" \"k\"   {\nz = \"${var.x == \"{\" ? 1 : 2}\"\n}\nresource \"bad\" {}\n";
        assert_eq!(
            resource_addresses(input),
            vec!["aws_s3_bucket.b".to_string(), "aws_kms_key.k".to_string()]
        );
    }

    #[test]
    fn aligns_consecutive_attributes_and_breaks_at_blocks() {
        let input = "resource \"a\" \"b\" {\nname = \"x\"\ninstance_type = \"t3\"\ntags = {\nName = \"n\"\n}\nx = 1\n\n\n}\n";
        let expected = "resource \"a\" \"b\" {\n  name          = \"x\"\n  instance_type = \"t3\"\n  tags = {\n    Name = \"n\"\n  }\n  x = 1\n}\n";
        assert_eq!(format(input), expected);
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let input = "locals {\na = \"{[(\"\nb = \"${var.x == \"}\" ? 1 : 2}\"\n}\n";
        let expected = "locals {\n  a = \"{[(\"\n  b = \"${var.x == \"}\" ? 1 : 2}\"\n}\n";
        assert_eq!(format(input), expected);
    }

    #[test]
    fn closing_lines_dedent_and_blank_lines_collapse() {
        let input = "\n\na {\n\n  b = [\n\"x\",\n  ]\n\n}\n\n\nc {}\n";
        let expected = "a {\n  b = [\n    \"x\",\n  ]\n}\n\nc {}\n";
        assert_eq!(format(input), expected);
    }

    #[test]
    fn a_line_opening_two_brackets_indents_once() {
        let input =
            "p = jsonencode({\nVersion = \"1\"\nStatement = [{\nEffect = \"Allow\"\n}]\n})\n";
        let expected = "p = jsonencode({\n  Version = \"1\"\n  Statement = [{\n    Effect = \"Allow\"\n  }]\n})\n";
        assert_eq!(format(input), expected);
    }

    #[test]
    fn comments_keep_their_place() {
        let input = "a {\n#checkov:skip=CKV_X:reason {\nb = 1\n}\n";
        assert_eq!(
            format(input),
            "a {\n  #checkov:skip=CKV_X:reason {\n  b = 1\n}\n"
        );
    }
}
