//! Escaping filters, one per target language. Every spec value that lands in generated text
//! goes through one of these (templates get them as Tera filters of the same name).

use std::fmt::Write as _;

/// A double-quoted literal with C-style escapes, shared by HCL and YAML. With `template_safe`,
/// `${` and `%{` are doubled so HCL reads them as literal text, not interpolation.
fn quoted(value: &str, template_safe: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if template_safe && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An HCL quoted string literal, quotes included: escapes, and `${` / `%{` made literal.
pub fn hcl_str(value: &str) -> String {
    quoted(value, true)
}

/// A POSIX shell word: single-quoted, with embedded single quotes closed and escaped.
pub fn sh_quote(value: &str) -> String {
    // Bytes, not characters: a non-ASCII character's bytes are never in the safe set, so the
    // word is quoted, as it must be.
    if !value.is_empty()
        && value.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b'@' | b',' | b'+'
                )
        })
    {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    push_quoted(&mut out, value, '\'', "'\\''");
    out
}

/// `text` appended to `out` between two `quote`s, each `quote` inside it written as `escaped`
/// (a shell word's `'\''`, a CSV field's `""`).
pub fn push_quoted(out: &mut String, text: &str, quote: char, escaped: &str) {
    out.push(quote);
    for (index, part) in text.split(quote).enumerate() {
        if index > 0 {
            out.push_str(escaped);
        }
        out.push_str(part);
    }
    out.push(quote);
}

/// A YAML double-quoted scalar (quotes included), safe in any flow or block position.
pub fn yaml_str(value: &str) -> String {
    quoted(value, false)
}

/// The printable ASCII that [`mermaid_label`] writes as an entity.
const MERMAID_SPECIAL: [bool; 256] = byte_set(b"\"#&<>[]{}()|;`%:");

/// Text for a Mermaid label inside `"..."`: quotes, brackets, pipes, arrows and entities made
/// inert with Mermaid's `#code;` entity syntax; newlines become spaces.
pub fn mermaid_label(value: &str) -> String {
    // Most labels are printable ASCII without a special: copied whole.
    if value
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !MERMAID_SPECIAL[usize::from(b)])
    {
        return value.to_string();
    }
    mermaid_label_chars(value)
}

/// [`mermaid_label`] character by character: the rule its fast path agrees with.
fn mermaid_label_chars(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '[' | ']' | '{' | '}' | '(' | ')' | '|' | ';' | '`' | '%' | ':' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            // JavaScript (Mermaid's lexer) ends lines at U+2028 / U+2029 too.
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for a Mermaid `%%` comment: [`comment`], with `%` as the entity `#37;` so that the text
/// cannot form a `%%{init: ...}%%` directive (Mermaid finds those anywhere, comments included).
pub fn mermaid_comment(value: &str) -> String {
    comment(value).replace('%', "#37;")
}

/// Text for a Markdown table cell or line: pipes escaped, no newlines, no raw HTML, and no
/// emphasis or links from free text (`\\ * _ [ ]` escaped outside code spans).
pub fn md(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_md(&mut out, value);
    out
}

/// Bytes [`push_md`] must look at: Markdown's specials, HTML's angle brackets, controls, and
/// 0xC2 (the lead byte of the C1 controls U+0080..U+009F); every other byte is copied in runs.
const MD_SPECIAL: [bool; 256] = {
    let mut table = byte_set(b"`\\*_[]|<>\x7f\xc2");
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table
};

/// A membership table of `bytes`, indexed by byte, for escapers that scan a byte at a time.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// [`md`], appended to `out`.
pub fn push_md(out: &mut String, value: &str) {
    // Inside a `code span` a backslash is literal, so only the table's `|` is escaped there.
    let bytes = value.as_bytes();
    let mut in_code = false;
    // `run..at` is copied as it is; `run` and `at` are always at character boundaries (an
    // ASCII byte, or just past a C1 control's two bytes).
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if !MD_SPECIAL[usize::from(byte)] {
            at += 1;
            continue;
        }
        match byte {
            b'`' => {
                in_code = !in_code;
                at += 1;
                continue;
            }
            b'\\' | b'*' | b'_' | b'[' | b']' => {
                if !in_code {
                    out.push_str(&value[run..at]);
                    out.push('\\');
                    run = at;
                }
                at += 1;
                continue;
            }
            0xc2 => {
                if matches!(bytes.get(at + 1), Some(0x80..=0x9f)) {
                    out.push_str(&value[run..at]);
                    at += 2;
                    run = at;
                } else {
                    at += 1;
                }
                continue;
            }
            _ => {}
        }
        out.push_str(&value[run..at]);
        match byte {
            b'|' => out.push_str("\\|"),
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'\n' | b'\r' | b'\t' => out.push(' '),
            _ => {} // a control character: dropped
        }
        at += 1;
        run = at;
    }
    out.push_str(&value[run..]);
}

/// Text for a single-line comment in HCL, shell or YAML: no newlines, no control characters,
/// no U+2028 / U+2029 (line breaks to YAML 1.1 and JavaScript).
pub fn comment(value: &str) -> String {
    // Printable ASCII has no control character and no line separator: copied whole.
    if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return value.to_string();
    }
    comment_chars(value)
}

/// [`comment`] character by character: the rule its fast path agrees with.
fn comment_chars(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-run escaper gives what escaping character by character gives.
    #[test]
    fn markdown_escaping_matches_the_per_character_rules() {
        fn reference(value: &str) -> String {
            let mut out = String::new();
            let mut in_code = false;
            for c in value.chars() {
                match c {
                    '`' => {
                        in_code = !in_code;
                        out.push(c);
                    }
                    '\\' | '*' | '_' | '[' | ']' if !in_code => {
                        out.push('\\');
                        out.push(c);
                    }
                    '|' => out.push_str("\\|"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '\n' | '\r' | '\t' => out.push(' '),
                    c if c.is_control() => {}
                    c => out.push(c),
                }
            }
            out
        }
        let pieces = [
            "plain",
            "`code_[x]`",
            "a\\b",
            "*em*",
            "_u_",
            "[l](u)",
            "|",
            "<b>",
            "\n\r\t",
            "\u{7}",
            "\u{7f}",
            "\u{80}",
            "\u{9f}",
            "\u{a0}",
            "\u{c2}\u{a9}",
            "\u{e9}",
            "\u{1f600}",
            "\u{2028}",
            "`",
            "x`y",
            "\u{85}z",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let value = format!("{a}{b}{c}");
                    assert_eq!(md(&value), reference(&value), "{value:?}");
                }
            }
        }
    }

    /// The byte-level fast paths of `sh_quote`, `mermaid_label` and `comment` give what the
    /// character-by-character rules give, for ASCII, specials, controls and non-ASCII text
    /// (`sh_reference` is `sh_quote` as it was before its fast path).
    #[test]
    fn fast_paths_match_the_per_character_rules() {
        fn sh_reference(value: &str) -> String {
            if !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c))
            {
                return value.to_string();
            }
            format!("'{}'", value.replace('\'', "'\\''"))
        }
        let pieces = [
            "",
            "plain-name_1",
            "a.b/c:d=e@f,g+h",
            "it's",
            "'",
            " ",
            "\"#&<>",
            "[]{}()|;`%:",
            "$(id)",
            "\n\r\t",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{80}",
            "\u{9f}",
            "\u{a0}",
            "\u{e9}",
            "\u{2028}",
            "\u{2029}",
            "\u{1f600}",
            "~",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let value = format!("{a}{b}{c}");
                    assert_eq!(sh_quote(&value), sh_reference(&value), "{value:?}");
                    assert_eq!(
                        mermaid_label(&value),
                        mermaid_label_chars(&value),
                        "{value:?}"
                    );
                    assert_eq!(comment(&value), comment_chars(&value), "{value:?}");
                }
            }
        }
    }

    #[test]
    fn hcl_strings_cannot_interpolate_or_break_out() {
        assert_eq!(hcl_str(r#"x"; rm -rf ~"#), r#""x\"; rm -rf ~""#);
        assert_eq!(hcl_str("${var.a} %{if}"), r#""$${var.a} %%{if}""#);
        assert_eq!(hcl_str("a\\b\nc"), r#""a\\b\nc""#);
        assert_eq!(hcl_str("$x %y"), r#""$x %y""#);
    }

    #[test]
    fn shell_words_are_inert() {
        assert_eq!(sh_quote("plain-name_1"), "plain-name_1");
        assert_eq!(sh_quote("x\"; rm -rf ~"), "'x\"; rm -rf ~'");
        assert_eq!(sh_quote("it's $(id)"), "'it'\\''s $(id)'");
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn yaml_and_mermaid() {
        assert_eq!(yaml_str("a: b\n- c"), r#""a: b\n- c""#);
        assert_eq!(mermaid_label("a\"-->b[x]"), "a#quot;--#gt;b#91;x#93;");
        assert_eq!(mermaid_label("a\u{2028}b\u{2029}c"), "a b c");
        assert_eq!(
            mermaid_comment("x %%{init: {}}%%"),
            "x #37;#37;{init: {}}#37;#37;"
        );
        assert_eq!(comment("a\nb\u{2028}c"), "a b c");
    }
}
