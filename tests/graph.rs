//! Deploy order: dependencies first, then stages, then ids; stable; hard cycles are errors.

mod common;

use archgen::{graph, spec};

fn order(yaml: &str) -> Result<Vec<String>, String> {
    let catalog = common::catalog();
    let sourced = spec::parse("g.yaml", yaml).map_err(|r| r.render(false))?;
    let valid = spec::validate(&sourced, &catalog, None).map_err(|r| r.render(false))?;
    let graph = graph::build(valid, &catalog).map_err(|r| r.render(false))?;
    Ok(graph.ordered().map(|c| c.id.clone()).collect())
}

const HEAD: &str =
    "name: g\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  dev: { size: small }\n";

#[test]
fn stages_then_dependencies_then_ids() {
    let yaml = format!(
        "{HEAD}components:\n  - {{ id: edge, function: cdn }}\n  - {{ id: web, function: load_balancer }}\n  - {{ id: app, function: vm_autoscaling_group }}\n  - {{ id: db, function: relational_db }}\n  - {{ id: replica, function: relational_read_replica, attached_to: db }}\n  - {{ id: secrets, function: secrets }}\nconnections:\n  - {{ from: edge, to: web }}\n  - {{ from: web, to: app }}\n  - {{ from: app, to: db }}\n"
    );
    assert_eq!(
        order(&yaml).expect("valid"),
        ["secrets", "db", "replica", "app", "web", "edge"]
    );
}

#[test]
fn a_callee_in_a_later_stage_still_comes_first() {
    // The queue (data) is called by nothing; the function (compute) is called by the stream
    // processor (data), so the function must precede it despite its later stage.
    let yaml = format!(
        "{HEAD}components:\n  - {{ id: worker, function: serverless_function }}\n  - {{ id: stream, function: streaming_backbone }}\nconnections:\n  - {{ from: stream, to: worker }}\n"
    );
    assert_eq!(order(&yaml).expect("valid"), ["worker", "stream"]);
}

#[test]
fn connection_cycles_are_broken_deterministically() {
    let yaml = format!(
        "{HEAD}components:\n  - {{ id: b, function: vm_autoscaling_group }}\n  - {{ id: a, function: vm_autoscaling_group }}\nconnections:\n  - {{ from: a, to: b }}\n  - {{ from: b, to: a }}\n"
    );
    let first = order(&yaml).expect("valid");
    assert_eq!(first.len(), 2);
    assert_eq!(first, order(&yaml).expect("valid"));
}

#[test]
fn hard_cycles_are_errors() {
    let yaml = format!(
        "{HEAD}components:\n  - {{ id: a, function: cache, depends_on: [b] }}\n  - {{ id: b, function: cache, depends_on: [a] }}\n"
    );
    let err = order(&yaml).expect_err("cycle");
    assert!(err.contains("dependency cycle: a -> b"), "{err}");
}
