//! Hostile text in every free-text field stays inert in the generated files.

mod common;

use archgen::{GenerateOptions, spec};

#[test]
fn hostile_text_is_inert_in_terraform() {
    for (text, tree) in hostile_trees() {
        let text: String = text.chars().take(60).collect();
        for (path, body) in tree {
            if path.ends_with(".tf") || path.ends_with(".tfvars") {
                let parsed = hcl::parse(body)
                    .unwrap_or_else(|e| panic!("{path} with {text:?}: {e}\n{body}"));
                // No template expression may carry the hostile text: every `${` from the spec is escaped.
                let _ = parsed;
                assert!(
                    !unescaped(body, "${file("),
                    "{path}: interpolation survived:\n{body}"
                );
                assert!(
                    !unescaped(body, "%{ for x"),
                    "{path}: template directive survived:\n{body}"
                );
            }
        }
    }
}

#[test]
fn hostile_ids_are_rejected_with_a_diagnostic() {
    let source = "name: hostile\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  dev: { size: small }\ncomponents:\n  - id: 'x\"; rm -rf ~'\n    function: cache\n";
    let sourced = spec::parse("hostile.yaml", source).expect("parses");
    let err = archgen::generate(
        &sourced,
        &common::catalog(),
        &common::templates(),
        &GenerateOptions::default(),
    )
    .expect_err("must be rejected");
    match err {
        archgen::Failure::Invalid(report) => {
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| d.code == "archgen::spec::invalid_id")
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Whether `needle` (starting with `$` or `%`) occurs without the doubled escape before it.
fn unescaped(body: &str, needle: &str) -> bool {
    let lead = needle.as_bytes()[0];
    body.match_indices(needle)
        .any(|(i, _)| i == 0 || body.as_bytes()[i - 1] != lead)
}

#[test]
fn the_escape_check_can_fail() {
    assert!(unescaped("a = \"${file(x)}\"", "${file("));
    assert!(!unescaped("a = \"$${file(x)}\"", "${file("));
}

/// Markers of the hostile texts that would do something if they reached a shell unquoted.
const SHELL_MARKERS: &[&str] = &["pwned", "boom", "rm -rf", "1/0"];

/// Every hostile text (and the 10k-character one), generated on all three providers; once
/// per test binary.
fn hostile_trees() -> &'static [(String, archgen::render::OutputTree)] {
    static TREES: std::sync::OnceLock<Vec<(String, archgen::render::OutputTree)>> =
        std::sync::OnceLock::new();
    TREES.get_or_init(|| {
        common::hostile_texts()
            .into_iter()
            .map(|text| {
                let tree = common::generate_text("hostile.yaml", &common::hostile_spec(&text));
                (text, tree)
            })
            .collect()
    })
}

#[test]
fn hostile_text_is_inert_in_shell_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shellcheck = std::process::Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok();
    for (text, tree) in hostile_trees() {
        let short: String = text.chars().take(60).collect();
        for (path, body) in tree {
            if !path.ends_with(".sh") {
                continue;
            }
            if let Err(e) = live_markers(body, SHELL_MARKERS) {
                panic!("{path} with {short:?}: {e}");
            }
            let file = dir.path().join("script.sh");
            std::fs::write(&file, body).expect("write");
            let out = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .expect("bash");
            assert!(
                out.status.success(),
                "{path} with {short:?}: bash -n: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            if shellcheck {
                let out = std::process::Command::new("shellcheck")
                    .args(["-f", "gcc", "-S", "warning"])
                    .arg(&file)
                    .output()
                    .expect("shellcheck");
                assert!(
                    out.status.success(),
                    "{path} with {short:?}: shellcheck:\n{}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
    }
}

/// Where a shell lexer would leave each byte of a script live (word text, double-quoted
/// text, command substitutions, unquoted here-documents) or inert (single-quoted, escaped,
/// comments, quoted here-documents). `Err` names the first marker found in live text.
fn live_markers(script: &str, markers: &[&str]) -> Result<(), String> {
    let live = shell_live_bytes(script);
    for marker in markers {
        for (at, _) in script.match_indices(marker) {
            if live[at..at + marker.len()].iter().any(|l| *l) {
                let number = script[..at].matches('\n').count() + 1;
                let text = script.lines().nth(number - 1).unwrap_or_default();
                return Err(format!("`{marker}` is live at line {number}: {text}"));
            }
        }
    }
    Ok(())
}

/// Per byte: whether a POSIX shell would treat it as live (see [`live_markers`]). Handles
/// single and double quotes, backslashes, comments, `$(...)` / backticks nested in either, and
/// here-documents (`<<WORD`, `<<-WORD`, `<<'WORD'`).
fn shell_live_bytes(script: &str) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Frame {
        /// Top level or inside `$(`: (parenthesis depth).
        Command(usize),
        Double,
        Backtick,
    }
    let bytes = script.as_bytes();
    let mut live = vec![false; bytes.len()];
    let mut stack = vec![Frame::Command(0)];
    let mut heredocs: Vec<(String, bool, bool)> = Vec::new(); // (word, quoted, dash)
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let top = *stack.last().expect("stack");
        // Shared by the frames: an escape skips the next byte (every frame); a single quote
        // runs to the next one (not inside double quotes); `$(` opens a command (not inside
        // backticks).
        if c == b'\\' {
            i += 2;
            continue;
        }
        if c == b'\'' && top != Frame::Double {
            i = script[i + 1..]
                .find('\'')
                .map_or(bytes.len(), |e| i + 1 + e)
                + 1;
            continue;
        }
        if c == b'$' && top != Frame::Backtick && bytes.get(i + 1) == Some(&b'(') {
            live[i] = true;
            stack.push(Frame::Command(0));
            i += 2;
            continue;
        }
        match top {
            Frame::Command(depth) => match c {
                b'#' if i == 0 || b" \t\n;|&(".contains(&bytes[i - 1]) => {
                    i = script[i..].find('\n').map_or(bytes.len(), |e| i + e);
                    continue;
                }
                b'"' => stack.push(Frame::Double),
                b'`' => stack.push(Frame::Backtick),
                b'(' => *stack.last_mut().expect("stack") = Frame::Command(depth + 1),
                b')' if depth > 0 => *stack.last_mut().expect("stack") = Frame::Command(depth - 1),
                b')' if stack.len() > 1 => {
                    stack.pop();
                }
                b'<' if script[i..].starts_with("<<") && !script[i..].starts_with("<<<") => {
                    let rest = &script[i + 2..];
                    let dash = rest.starts_with('-');
                    let rest = rest.trim_start_matches('-').trim_start();
                    let quoted = rest.starts_with('\'') || rest.starts_with('"');
                    let word: String = rest
                        .trim_start_matches(['\'', '"'])
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    heredocs.push((word, quoted, dash));
                }
                b'\n' if !heredocs.is_empty() => {
                    live[i] = true;
                    i += 1;
                    for (word, quoted, dash) in std::mem::take(&mut heredocs) {
                        while i < bytes.len() {
                            let end = script[i..].find('\n').map_or(bytes.len(), |e| i + e);
                            let row = &script[i..end];
                            let row = if dash {
                                row.trim_start_matches('\t')
                            } else {
                                row
                            };
                            let is_end = row == word;
                            if !is_end && !quoted {
                                live[i..end].iter_mut().for_each(|l| *l = true);
                            }
                            i = end + 1;
                            if is_end {
                                break;
                            }
                        }
                    }
                    continue;
                }
                _ => {}
            },
            Frame::Double => match c {
                b'"' => {
                    stack.pop();
                }
                b'`' => stack.push(Frame::Backtick),
                _ => {}
            },
            Frame::Backtick => {
                if c == b'`' {
                    stack.pop();
                }
            }
        }
        live[i] = true;
        i += 1;
    }
    live
}

#[test]
fn the_shell_check_can_fail() {
    let m = &["pwned"];
    // Live: bare words, double quotes, substitutions, unquoted here-documents, broken quoting.
    assert!(live_markers("describe x; touch pwned\n", m).is_err());
    assert!(live_markers("describe \"$(touch pwned)\"\n", m).is_err());
    assert!(live_markers("describe \"x `touch pwned`\"\n", m).is_err());
    assert!(live_markers("describe 'x'\"touch pwned\"\n", m).is_err());
    assert!(live_markers("describe 'it's touch pwned'\n", m).is_err());
    assert!(live_markers("cat <<EOF\ntouch pwned\nEOF\n", m).is_err());
    assert!(live_markers("# comment\ntouch pwned\n", m).is_err());
    assert!(live_markers("x=$(printf '%s' \"a\")\ntouch pwned\n", m).is_err());
    // Inert: single quotes (with escaped quotes), comments, quoted here-documents.
    assert!(live_markers("describe 'x\"; touch pwned'\n", m).is_ok());
    assert!(live_markers("describe 'it'\\''s $(touch pwned)'\n", m).is_ok());
    assert!(live_markers("# touch pwned ; `x`\necho ok\n", m).is_ok());
    assert!(live_markers("cat <<'EOF'\ntouch pwned\nEOF\necho ok\n", m).is_ok());
    assert!(live_markers("echo \"${x#y}\" # touch pwned\n", m).is_ok());
}

#[test]
fn hostile_text_stays_in_yaml_string_values() {
    // Spec free text does not reach the workflow; the output directory (`repo_path`) does.
    let catalog = common::catalog();
    let templates = common::templates();
    for text in common::hostile_texts() {
        let short: String = text.chars().take(60).collect();
        let sourced =
            spec::parse("hostile.yaml", &common::hostile_spec(&text)).expect("hostile spec");
        let options = GenerateOptions {
            repo_path: format!("infra/{text}"),
            ..GenerateOptions::default()
        };
        let tree = match archgen::generate(&sourced, &catalog, &templates, &options) {
            Ok(generated) => generated.tree,
            Err(archgen::Failure::Invalid(report)) => {
                assert!(!report.diagnostics.is_empty());
                continue;
            }
            Err(other) => panic!("{short:?}: {other:?}"),
        };
        for (path, body) in &tree {
            if !(path.ends_with(".yml") || path.ends_with(".yaml")) {
                continue;
            }
            let value: serde_json::Value = serde_saphyr::from_str(body)
                .unwrap_or_else(|e| panic!("{path} with {short:?}: {e}\n{body}"));
            if let Err(e) = yaml_keys_are_ours(&value, &text) {
                panic!("{path} with {short:?}: {e}");
            }
        }
    }
}

/// No mapping key contains a line of `hostile`, and the hostile `${{ secrets.pwned }}` only
/// appears after the literal-text expression `${{ '${{' }}` (the template's own expressions
/// are fine).
fn yaml_keys_are_ours(value: &serde_json::Value, hostile: &str) -> Result<(), String> {
    let pieces: Vec<&str> = hostile
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| p.len() >= 4)
        .collect();
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if pieces.iter().any(|p| key.contains(p)) {
                    return Err(format!("hostile text became a key: {key:?}"));
                }
                yaml_keys_are_ours(v, hostile)?;
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                yaml_keys_are_ours(v, hostile)?;
            }
        }
        serde_json::Value::String(s) => {
            let neutral = s.replace("${{ '${{' }}", "");
            if hostile.contains("${{") && neutral.contains("${{ secrets.pwned") {
                return Err(format!("live GitHub expression: {s:?}"));
            }
        }
        _ => {}
    }
    Ok(())
}

#[test]
fn the_yaml_key_check_can_fail() {
    let bad: serde_json::Value =
        serde_saphyr::from_str("a:\n  b: 1\nx: y\nboom time: 2\n").expect("yaml");
    assert!(yaml_keys_are_ours(&bad, "boom time").is_err());
    let live: serde_json::Value =
        serde_saphyr::from_str("a: \"x/${{ secrets.pwned }}\"\n").expect("yaml");
    assert!(yaml_keys_are_ours(&live, "${{ secrets.pwned }}").is_err());
    let ok: serde_json::Value =
        serde_saphyr::from_str("a: \"x/${{ '${{' }} secrets.pwned }}\"\n").expect("yaml");
    assert!(yaml_keys_are_ours(&ok, "${{ secrets.pwned }}").is_ok());
}

#[test]
fn hostile_text_cannot_break_out_of_mermaid_labels() {
    for (text, tree) in hostile_trees() {
        let short: String = text.chars().take(60).collect();
        for (path, body) in tree {
            let diagrams: Vec<&str> = if path.ends_with(".mmd") {
                vec![body.as_str()]
            } else if path.ends_with(".md") {
                mermaid_blocks(body)
            } else {
                continue;
            };
            for diagram in diagrams {
                if let Err(e) = check_mermaid(diagram) {
                    panic!("{path} with {short:?}: {e}\n{diagram}");
                }
            }
        }
    }
}

/// The `mermaid` fenced code blocks of a Markdown document.
fn mermaid_blocks(markdown: &str) -> Vec<&str> {
    markdown
        .split("```mermaid\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().unwrap_or_default())
        .collect()
}

/// Each line of a generated diagram is one statement of the shapes the templates write, and
/// every label is inert: after Mermaid's `#name;` / `#123;` entities are taken out, no `"`,
/// `#`, `;`, `|`, `%`, brackets, `<`, `>`, backtick or `:` remains (what
/// `filters::mermaid_label` promises), and no line terminator (JavaScript's include U+2028 /
/// U+2029). Comment lines cannot hold a `%%{...}%%` directive.
fn check_mermaid(diagram: &str) -> Result<(), String> {
    let mut kind = None;
    for line in diagram.lines() {
        let s = line.trim_start();
        if kind.is_none() {
            match s {
                "flowchart LR" => kind = Some(true),
                "sequenceDiagram" => kind = Some(false),
                _ if s.starts_with("%%") => {
                    if s[2..].contains("%%") || s.contains("}%") {
                        return Err(format!("directive in a comment: {s}"));
                    }
                }
                _ => return Err(format!("unexpected line before the header: {s}")),
            }
            continue;
        }
        let ok = if kind == Some(true) {
            flowchart_statement(s)
        } else {
            sequence_statement(s)
        };
        ok.map_err(|e| format!("{e}: {s:?}"))?;
    }
    if kind.is_none() {
        return Err("no diagram header".into());
    }
    Ok(())
}

fn mermaid_id(id: &str) -> Result<(), String> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(format!("not a node id: {id:?}"))
    }
}

fn mermaid_text(label: &str) -> Result<(), String> {
    let mut plain = String::new();
    let mut rest = label;
    while let Some(at) = rest.find('#') {
        plain.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find(';')
            .filter(|e| *e > 0 && after[..*e].chars().all(|c| c.is_ascii_alphanumeric()));
        match end {
            Some(e) => rest = &after[e + 1..],
            None => return Err("raw `#`".into()),
        }
    }
    plain.push_str(rest);
    match plain.chars().find(|c| {
        "\"#;|%[]{}()<>`:".contains(*c) || c.is_control() || matches!(*c, '\u{2028}' | '\u{2029}')
    }) {
        Some(c) => Err(format!("raw {c:?} in a label")),
        None => Ok(()),
    }
}

fn flowchart_statement(s: &str) -> Result<(), String> {
    if s == "direction TB" || s == "end" {
        return Ok(());
    }
    for keyword in ["class ", "classDef ", "style "] {
        if let Some(rest) = s.strip_prefix(keyword) {
            return if rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_,:#- ".contains(c))
            {
                Ok(())
            } else {
                Err(format!("unexpected `{keyword}` line"))
            };
        }
    }
    if let Some(rest) = s.strip_prefix("subgraph ") {
        let (id, label) = rest.split_once("[\"").ok_or("subgraph without a label")?;
        mermaid_id(id)?;
        return mermaid_text(label.strip_suffix("\"]").ok_or("unclosed subgraph label")?);
    }
    let (id, rest) = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(|at| s.split_at(at))
        .ok_or("a bare word")?;
    mermaid_id(id)?;
    // Nodes.
    if let Some(label) = rest.strip_prefix("([\"") {
        return mermaid_text(label.strip_suffix("\"])").ok_or("unclosed actor label")?);
    }
    if let Some(label) = rest.strip_prefix("[\"") {
        let label = label
            .strip_suffix("</small>\"]")
            .ok_or("unclosed node label")?;
        let (name, detail) = label
            .split_once("<br/><small>")
            .ok_or("node label without its detail")?;
        mermaid_text(name)?;
        return mermaid_text(detail);
    }
    // Edges.
    let rest = rest.strip_prefix(' ').ok_or("no edge")?;
    let rest = ["<-->", "-->", "-.-"]
        .iter()
        .find_map(|arrow| rest.strip_prefix(arrow))
        .ok_or("not an edge")?;
    let to = if let Some(labelled) = rest.strip_prefix('|') {
        let (label, to) = labelled.split_once("| ").ok_or("unclosed edge label")?;
        mermaid_text(label)?;
        to
    } else {
        rest.strip_prefix(' ').ok_or("edge without a target")?
    };
    mermaid_id(to)
}

fn sequence_statement(s: &str) -> Result<(), String> {
    if s == "autonumber" {
        return Ok(());
    }
    for keyword in ["participant ", "actor "] {
        if let Some(rest) = s.strip_prefix(keyword) {
            let (id, label) = rest.split_once(" as ").ok_or("participant without `as`")?;
            mermaid_id(id)?;
            return mermaid_text(label);
        }
    }
    let (arrow_at, arrow) = ["-->>", "->>"]
        .iter()
        .find_map(|a| s.find(a).map(|at| (at, *a)))
        .ok_or("not a message")?;
    mermaid_id(&s[..arrow_at])?;
    let (to, message) = s[arrow_at + arrow.len()..]
        .split_once(": ")
        .ok_or("message without `: `")?;
    mermaid_id(to)?;
    mermaid_text(message)
}

#[test]
fn the_mermaid_check_can_fail() {
    let flow = |body: &str| check_mermaid(&format!("%% t\nflowchart LR\n{body}\n"));
    assert!(flow("  c_a[\"x<br/><small>y</small>\"]").is_ok());
    assert!(flow("  c_a -->|put #quot;x#quot;| c_b").is_ok());
    assert!(flow("  c_a[\"x\" ] --> c_evil[\"<br/><small>y</small>\"]").is_err());
    assert!(flow("  c_a[\"line\ntwo<br/><small>y</small>\"]").is_err());
    assert!(flow("  c_a -->|a| c_c --> c_d| c_b").is_err());
    assert!(flow("  c_a -->|a; b| c_b").is_err());
    assert!(flow("  c_a -->|a #35 b| c_b").is_err());
    assert!(check_mermaid("%% x %%{init: {}}%%\nflowchart LR\n").is_err());
    let seq = |body: &str| check_mermaid(&format!("sequenceDiagram\n{body}\n"));
    assert!(seq("  c_a->>c_b: put #59; get").is_ok());
    assert!(seq("  c_a->>c_b: put; c_b->>c_a: evil").is_err());
    assert!(seq("  participant c_a as x\u{2028}y").is_err());
    assert!(seq("  c_a->>c_b: a\nc_b->>c_a: b\nnote over c_a: evil").is_err());
}
