//! Provider-schema conformance checker shared by the tests: every resource, data source and
//! provider block is checked against the trimmed real provider schemas in
//! `tests/provider-schemas/` (refreshed by `scripts/trim-provider-schemas.py`).

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use hcl::{Block, Body, Structure};
use serde_json::Value;

pub fn schemas() -> BTreeMap<String, Value> {
    let dir = super::root().join("tests/provider-schemas");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("tests/provider-schemas") {
        let path = entry.expect("entry").path();
        let value: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let name = value["provider"].as_str().expect("provider").to_string();
        out.insert(name, value);
    }
    out
}

fn provider_of(resource_type: &str) -> &str {
    resource_type.split('_').next().unwrap_or("")
}

fn strs(value: &Value, key: &str) -> Vec<String> {
    value[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one block body against a schema node; pushes problems.
fn check_body(body: &Body, schema: &Value, at: &str, problems: &mut Vec<String>) {
    let arguments = strs(schema, "arguments");
    let any = strs(schema, "any");
    let attr_blocks = strs(schema, "attr_blocks");
    let required = strs(schema, "required");
    let max_one = strs(schema, "max_one");
    let blocks = schema["blocks"].as_object().cloned().unwrap_or_default();
    let meta = [
        "count",
        "for_each",
        "depends_on",
        "provider",
        "lifecycle",
        "connection",
        "provisioner",
    ];
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for structure in body {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key.as_str();
                *seen.entry(key.to_string()).or_default() += 1;
                if meta.contains(&key)
                    || arguments.iter().any(|a| a == key)
                    || any.iter().any(|a| a == key)
                    || attr_blocks.iter().any(|a| a == key)
                {
                    continue;
                }
                if blocks.contains_key(key) {
                    problems.push(format!("{at}: `{key}` is a block, written as an attribute"));
                } else {
                    problems.push(format!("{at}: unknown argument `{key}`"));
                }
            }
            Structure::Block(block) => {
                let key = block.identifier.as_str();
                if key == "dynamic" {
                    let name = block
                        .labels
                        .first()
                        .map(|l| l.as_str().to_string())
                        .unwrap_or_default();
                    *seen.entry(name.clone()).or_default() += 1;
                    match blocks.get(&name) {
                        Some(inner) => {
                            for content in block
                                .body
                                .blocks()
                                .filter(|b| b.identifier.as_str() == "content")
                            {
                                check_body(&content.body, inner, &format!("{at}.{name}"), problems);
                            }
                        }
                        None if any.contains(&name) => {}
                        None => problems.push(format!("{at}: unknown dynamic block `{name}`")),
                    }
                    continue;
                }
                *seen.entry(key.to_string()).or_default() += 1;
                if meta.contains(&key) || any.iter().any(|a| a == key) {
                    continue;
                }
                match blocks.get(key) {
                    Some(inner) => check_body(&block.body, inner, &format!("{at}.{key}"), problems),
                    None if arguments.iter().any(|a| a == key) => {
                        problems.push(format!("{at}: `{key}` is an argument, written as a block"));
                    }
                    None => problems.push(format!("{at}: unknown block `{key}`")),
                }
            }
        }
    }
    for name in &max_one {
        if seen.get(name).copied().unwrap_or(0) > 1 {
            problems.push(format!("{at}: block `{name}` may appear once"));
        }
    }
    for name in &required {
        if !seen.contains_key(name) {
            problems.push(format!("{at}: missing required `{name}`"));
        }
    }
}

pub fn check_block(
    block: &Block,
    schemas: &BTreeMap<String, Value>,
    file: &str,
    problems: &mut Vec<String>,
    checked: &mut usize,
) {
    let labels: Vec<&str> = block.labels.iter().map(hcl::BlockLabel::as_str).collect();
    let (section, schema_of) = match block.identifier.as_str() {
        "resource" => ("resources", labels.first().copied()),
        "data" => ("data_sources", labels.first().copied()),
        "provider" => ("provider_config", labels.first().copied()),
        _ => return,
    };
    let Some(kind) = schema_of else { return };
    let provider = if section == "provider_config" {
        kind
    } else {
        provider_of(kind)
    };
    // `provider = google-beta` selects the beta schema for a google_* block.
    let beta = block.body.attributes().any(|a| {
        a.key.as_str() == "provider" && a.expr.to_string().replace(' ', "") == "google-beta"
    });
    let provider = if provider == "google" && beta {
        "google-beta"
    } else {
        provider
    };
    let Some(schema) = schemas.get(provider) else {
        problems.push(format!("{file}: no trimmed schema for provider `{provider}` (run scripts/trim-provider-schemas.py)"));
        return;
    };
    *checked += 1;
    let node = if section == "provider_config" {
        &schema["provider_config"]
    } else {
        &schema[section][kind]
    };
    if node.is_null() {
        problems.push(format!(
            "{file}: {section} type `{kind}` does not exist in {provider} {}",
            schema["provider_version"]
        ));
        return;
    }
    let at = format!("{file}: {} {}", block.identifier.as_str(), labels.join("."));
    check_body(&block.body, node, &at, problems);
}

/// Checks every block of one HCL file; returns the number of blocks checked.
pub fn check_file(
    text: &str,
    schemas: &BTreeMap<String, Value>,
    file: &str,
    problems: &mut Vec<String>,
) -> usize {
    let mut checked = 0;
    match hcl::parse(text) {
        Ok(body) => {
            for block in body.blocks() {
                check_block(block, schemas, file, problems, &mut checked);
            }
        }
        Err(err) => problems.push(format!("{file}: does not parse: {err}")),
    }
    checked
}
