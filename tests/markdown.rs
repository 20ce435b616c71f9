//! Generated Markdown renders on GitHub: every table row has its header's column count, and
//! every relative link points at a file of the generated tree (or a heading of its target).
//! `scripts/check-markdown.sh` runs markdownlint-cli2 over the same files in CI.

mod common;

use std::collections::BTreeSet;

/// Splits a table row into cells on `|` not escaped by `\`.
fn cells(row: &str) -> usize {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    let mut count = 1;
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

/// Problems with the tables of one document.
fn table_problems(path: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut header: Option<usize> = None;
    let mut fenced = false;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('|') {
            header = None;
            continue;
        }
        let n = cells(line);
        match header {
            None => header = Some(n),
            Some(expected) if n != expected => problems.push(format!(
                "{path}:{}: {n} cells, the header has {expected}: {line}",
                number + 1
            )),
            Some(_) => {}
        }
    }
    problems
}

/// GitHub's heading anchor: lower-case, punctuation dropped, spaces to `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Relative links (`](target)`) of one document that resolve to nothing in the tree.
fn link_problems(path: &str, text: &str, tree: &archgen::render::OutputTree) -> Vec<String> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut problems = Vec::new();
    for (i, _) in text.match_indices("](") {
        let rest = &text[i + 2..];
        let Some(end) = rest.find(')') else { continue };
        let target = &rest[..end];
        if target.starts_with("https://") || target.starts_with("mailto:") {
            continue;
        }
        if target.starts_with("http://") {
            problems.push(format!("{path}: insecure link {target}"));
            continue;
        }
        let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
        let resolved = if file.is_empty() {
            path.to_string()
        } else if dir.is_empty() {
            file.to_string()
        } else {
            format!("{dir}/{file}")
        };
        let Some(body) = tree.get(&resolved) else {
            problems.push(format!("{path}: link to missing {target}"));
            continue;
        };
        if !fragment.is_empty() {
            let anchors: BTreeSet<String> = body
                .lines()
                .filter_map(|l| l.strip_prefix('#'))
                .map(|h| anchor(h.trim_start_matches('#')))
                .collect();
            if !anchors.contains(fragment) {
                problems.push(format!("{path}: no heading #{fragment} in {resolved}"));
            }
        }
    }
    problems
}

#[test]
fn generated_markdown_tables_and_links_hold_in_every_example() {
    let mut problems = Vec::new();
    let mut documents = 0;
    for name in common::examples() {
        let tree = common::generate_example(&name);
        for (path, text) in &tree {
            if !path.ends_with(".md") {
                continue;
            }
            documents += 1;
            problems.extend(table_problems(&format!("{name}/{path}"), text));
            problems.extend(link_problems(path, text, &tree));
        }
    }
    assert!(documents > 100, "only {documents} documents");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checks_catch_a_broken_table_and_a_dead_link() {
    let broken = "| a | b |\n| --- | --- |\n| one | two | three |\n";
    assert_eq!(table_problems("x.md", broken).len(), 1);
    let escaped = "| a | b |\n| --- | --- |\n| one \\| more | two |\n";
    assert!(table_problems("x.md", escaped).is_empty());
    let mut tree = archgen::render::OutputTree::new();
    tree.insert("docs/b.md".into(), "# Title here\n".into());
    let text = "[ok](b.md) [anchor](b.md#title-here) [gone](c.md) [bad](b.md#nope)";
    let problems = link_problems("docs/a.md", text, &tree);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn hostile_free_text_cannot_break_a_table_or_add_a_link() {
    let text = "x | y ] (https://evil.example) [click](https://evil.example) *bold* _it_ \\| `a|b`";
    let tree = common::generate_text("hostile.yaml", &common::hostile_spec(text));
    let mut problems = Vec::new();
    for (path, body) in &tree {
        if path.ends_with(".md") {
            problems.extend(table_problems(path, body));
            // Outside fenced blocks (Mermaid labels have their own escaping).
            let mut fenced = false;
            for line in body.lines() {
                if line.starts_with("```") {
                    fenced = !fenced;
                }
                assert!(
                    fenced || !line.contains("[click](https://evil.example)"),
                    "{path}: a link from free text survived: {line}"
                );
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
