//! Every function x provider x size tier renders in isolation: a spec with just that component
//! (plus the parent it must be attached to and the connections it requires) generates, every
//! `.tf` parses, conforms to the provider schemas, and is `terraform fmt`-clean. No catalog entry
//! is dead or broken even when no example uses it.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use archgen::catalog::{Catalog, Provider};
use archgen::{GenerateOptions, spec};

/// Adds a component of `function` (and, recursively, what it needs) to the spec text.
fn add_component(
    catalog: &Catalog,
    providers: &[Provider],
    function: &str,
    id: &str,
    components: &mut String,
    connections: &mut String,
    depth: usize,
) -> bool {
    let Some(meta) = catalog.functions.get(function) else {
        return false;
    };
    let available = |f: &str| {
        providers
            .iter()
            .all(|p| catalog.implementation(*p, f).is_some())
    };
    let mut line = format!("  - {{ id: {id}, function: {function}");
    if !meta.parents.is_empty() {
        let Some(parent) = meta.parents.iter().find(|f| available(f)) else {
            return false;
        };
        if depth > 3 {
            return false;
        }
        let parent_id = format!("{id}_parent");
        if !add_component(
            catalog,
            providers,
            parent,
            &parent_id,
            components,
            connections,
            depth + 1,
        ) {
            return false;
        }
        let _ = write!(line, ", attached_to: {parent_id}");
    }
    line.push_str(" }\n");
    components.push_str(&line);
    for (direction, wanted) in [
        ("out", &meta.requires.outgoing),
        ("in", &meta.requires.incoming),
    ] {
        if wanted.is_empty() {
            continue;
        }
        let Some(other) = wanted.iter().find(|f| available(f)) else {
            return false;
        };
        let other_id = format!("{id}_{direction}");
        if !add_component(
            catalog,
            providers,
            other,
            &other_id,
            components,
            connections,
            depth + 1,
        ) {
            return false;
        }
        let (from, to) = if direction == "out" {
            (id, other_id.as_str())
        } else {
            (other_id.as_str(), id)
        };
        let _ = writeln!(connections, "  - {{ from: {from}, to: {to} }}");
    }
    true
}

fn spec_for(catalog: &Catalog, function: &str, providers: &[Provider]) -> Option<String> {
    let mut components = String::new();
    let mut connections = String::new();
    if !add_component(
        catalog,
        providers,
        function,
        "subject",
        &mut components,
        &mut connections,
        0,
    ) {
        return None;
    }
    let mut text = format!("name: walk-{}\nproviders:\n", function.replace('_', "-"));
    for provider in providers {
        let (region, secondary, extra) = match provider {
            Provider::Aws => ("us-east-1", "us-west-2", ""),
            Provider::Azure => ("eastus", "westus2", ""),
            Provider::Gcp => ("us-central1", "us-east1", ", project: walk-project-1"),
        };
        let _ = writeln!(
            text,
            "  {provider}: {{ region: {region}, secondary_region: {secondary}{extra} }}"
        );
    }
    text.push_str("environments:\n  s: { size: small }\n  m: { size: medium }\n  l: { size: large }\n  x: { size: xlarge }\n");
    text.push_str("components:\n");
    text.push_str(&components);
    if !connections.is_empty() {
        text.push_str("connections:\n");
        text.push_str(&connections);
    }
    Some(text)
}

#[test]
fn every_function_renders_in_isolation_on_every_provider_and_size() {
    let catalog = common::catalog();
    let templates = common::templates();
    let schemas = common::schema_check::schemas();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut problems = Vec::new();
    let mut rendered = 0;
    let mut skipped = BTreeSet::new();
    for function in catalog.functions.keys() {
        for provider in Provider::ALL {
            if catalog.implementation(provider, function).is_none() {
                continue;
            }
            let Some(text) = spec_for(&catalog, function, &[provider]) else {
                skipped.insert(format!("{provider}/{function}"));
                continue;
            };
            let name = format!("{provider}-{function}");
            let sourced = match spec::parse(&name, &text) {
                Ok(sourced) => sourced,
                Err(report) => {
                    problems.push(format!(
                        "{name}: spec does not parse:\n{}",
                        report.render(false)
                    ));
                    continue;
                }
            };
            let tree = match archgen::generate(
                &sourced,
                &catalog,
                &templates,
                &GenerateOptions::default(),
            ) {
                Ok(generated) => generated.tree,
                Err(archgen::Failure::Invalid(report)) => {
                    problems.push(format!(
                        "{name}: invalid:\n{}\n{text}",
                        report.render(false)
                    ));
                    continue;
                }
                Err(other) => {
                    problems.push(format!("{name}: {other:?}"));
                    continue;
                }
            };
            rendered += 1;
            for (path, body) in &tree {
                if !path.ends_with(".tf") {
                    continue;
                }
                common::schema_check::check_file(
                    body,
                    &schemas,
                    &format!("{name}/{path}"),
                    &mut problems,
                );
                let target = dir.path().join(&name).join(path);
                std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
                std::fs::write(&target, body).expect("write");
            }
        }
    }
    assert!(rendered > 0, "nothing rendered");
    assert!(
        skipped.is_empty(),
        "could not build a spec for: {skipped:?}"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );

    if let Some(Err(diff)) = common::terraform_fmt_check(dir.path()) {
        panic!("terraform fmt would change:\n{diff}");
    }
}

/// build.rs embeds the catalogs as JSON converted from the YAML; an overlay of the very same
/// YAML files (parsed at run time, as `--catalog-dir` is) replaces every entry, so the two
/// catalogs must be identical: a YAML scalar that JSON types differently (`1.0` read as a
/// string, a date, `yes`) would show here.
#[test]
fn the_embedded_json_catalog_equals_its_yaml_source() {
    let embedded = common::catalog();
    let overlay = common::root().join("catalogs");
    let from_yaml = archgen::catalog::load(Some(&overlay))
        .unwrap_or_else(|report| panic!("{}", report.render(false)));
    let show = |catalog: &Catalog| format!("{catalog:#?}");
    let (a, b) = (show(&embedded), show(&from_yaml));
    assert!(a.len() > 500_000, "the catalog is not empty");
    if a != b {
        let diff = similar::TextDiff::from_lines(&a, &b);
        panic!(
            "embedded (JSON) and YAML catalogs differ:\n{}",
            diff.unified_diff().context_radius(3)
        );
    }
}
