//! Inputs the fuzz targets (`fuzz/`) found crashing, through the same library path: parse,
//! validate, analyze, cost and generate in memory, and every generated file re-parses.

mod common;

use archgen::{GenerateOptions, spec};

/// What `fuzz/src/lib.rs` `exercise` does with spec text; panics on the bugs it looks for.
fn exercise(name: &str, text: &str) -> Option<archgen::render::OutputTree> {
    let catalog = common::catalog();
    let sourced = match spec::parse(name, text) {
        Ok(sourced) => sourced,
        Err(report) => {
            let _ = report.render(false);
            return None;
        }
    };
    if let Ok(valid) = spec::validate(&sourced, &catalog, None)
        && let Ok(graph) = archgen::graph::build(valid, &catalog)
    {
        let findings = archgen::analyze::analyze(&graph, &catalog);
        let _ = archgen::analyze::report(&graph, &findings).render(false);
    }
    if let Ok(sheets) = archgen::cost_sheets_for(&sourced, &catalog, &GenerateOptions::default()) {
        for sheet in &sheets {
            let _ = archgen::cost::render::table(sheet);
            let _ = archgen::cost::render::json(sheet);
        }
    }
    match archgen::generate(
        &sourced,
        &catalog,
        &common::templates(),
        &GenerateOptions::default(),
    ) {
        Ok(generated) => Some(generated.tree),
        Err(archgen::Failure::Invalid(report)) => {
            let _ = report.render(false);
            None
        }
        Err(archgen::Failure::Template(err)) => panic!("{name}: a built-in template failed: {err}"),
        Err(other) => panic!("{name}: {other:?}"),
    }
}

fn check_tree(tree: &archgen::render::OutputTree) {
    for (path, body) in tree {
        if path.ends_with(".tf") || path.ends_with(".tfvars") || path.ends_with(".hcl") {
            hcl::parse(body).unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
        } else if path.ends_with(".yml") || path.ends_with(".yaml") {
            serde_saphyr::from_str::<serde_json::Value>(body)
                .unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(body)
                .unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
        }
    }
}

/// The text of `tests/fixtures/fuzz/<name>`.
fn fixture(name: &str) -> String {
    std::fs::read_to_string(common::root().join("tests/fixtures/fuzz").join(name)).expect("fixture")
}

/// Every Terraform file of `provider` in `tree`, concatenated.
fn terraform_of(tree: &archgen::render::OutputTree, provider: &str) -> String {
    let prefix = format!("{provider}/terraform/");
    tree.iter()
        .filter(|(path, _)| path.starts_with(&prefix))
        .map(|(_, body)| body.as_str())
        .collect()
}

/// A spec that must be invalid: nothing generates, and validation fails; its report as JSON and
/// rendered.
fn invalid(name: &str, text: &str) -> (String, String) {
    assert!(exercise(name, text).is_none(), "{name} generated");
    let sourced = spec::parse(name, text).expect("parses");
    let Err(report) = spec::validate(&sourced, &common::catalog(), None) else {
        panic!("{name} must be invalid");
    };
    (report.to_json().to_string(), report.render(false))
}

/// Every file under tests/fixtures/fuzz/ goes through without a panic; the valid ones
/// generate files that re-parse.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = common::root().join("tests/fixtures/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/fixtures/fuzz") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let name = path.display().to_string();
        if let Some(tree) = exercise(&name, &text) {
            check_tree(&tree);
        }
        seen += 1;
    }
    assert!(seen > 0, "no fixtures in {}", dir.display());
}

/// structured (fuzz/artifacts/structured/crash-159662981fa67c06f669b803628555e3e2e6e7da): an
/// Azure WAF attached to an API gateway or a load balancer (a Front Door policy cannot protect
/// them) rendered `c.parent.exports.profile_id`, a cdn export, and the built-in template failed.
#[test]
fn azure_waf_attached_to_a_non_cdn_parent_generates_an_unassociated_policy() {
    let text = fixture("azure_waf_on_api_gateway.yaml");
    let tree = exercise("azure_waf_on_api_gateway.yaml", &text).expect("valid spec generates");
    check_tree(&tree);
    let edge = terraform_of(&tree, "azure");
    assert!(edge.contains("azurerm_cdn_frontdoor_firewall_policy"));
    assert!(!edge.contains("azurerm_cdn_frontdoor_security_policy"));
    assert!(edge.contains("Not associated: "));
}

/// The same spec warns, at each WAF, that Azure leaves it unassociated (the catalog's
/// `parents: [cdn]`), so the unprotected API gateway and load balancer are not silent.
#[test]
fn azure_waf_attached_to_a_non_cdn_parent_warns_that_it_is_unassociated() {
    let text = fixture("azure_waf_on_api_gateway.yaml");
    let sourced = spec::parse("azure_waf_on_api_gateway.yaml", &text).expect("parses");
    let generated = archgen::generate(
        &sourced,
        &common::catalog(),
        &common::templates(),
        &GenerateOptions::default(),
    )
    .unwrap_or_else(|failure| panic!("{failure:?}"));
    let json = generated.warnings.to_json().to_string();
    let rendered = generated.warnings.render(false);
    assert_eq!(
        json.matches("archgen::catalog::unassociated_attachment")
            .count(),
        2,
        "{rendered}"
    );
    assert!(json.contains("`api`, a `api_gateway`"), "{rendered}");
    assert!(json.contains("`lb`, a `load_balancer`"), "{rendered}");
}

/// structured (fuzz/artifacts/structured/crash-d0a3f822acc50af80133e576e8660a5b0177b389): a
/// dead-letter queue attached to a stream failed the built-in Azure template. Event Hubs
/// exports `namespace_id` like Service Bus, so the Service Bus branch rendered the parent's
/// queue or topic name, which a stream does not have. A stream's dead letters now go to a
/// storage queue, as a function's do; a Service Bus queue keeps its built-in sub-queue.
#[test]
fn azure_dead_letter_queue_attached_to_a_stream_uses_a_storage_queue() {
    let text = fixture("azure_dlq_on_event_hubs.yaml");
    let tree = exercise("azure_dlq_on_event_hubs.yaml", &text).expect("valid spec generates");
    check_tree(&tree);
    let azure = terraform_of(&tree, "azure");
    assert!(
        azure.contains("resource \"azurerm_storage_queue\" \"stream_dlq\""),
        "the stream's dead letters go to a storage queue"
    );
    assert!(
        !azure.contains("resource \"azurerm_storage_queue\" \"jobs_dlq\""),
        "a Service Bus queue keeps its built-in dead-letter sub-queue"
    );
    assert!(azure.contains("jobs_dlq_path = \"${azurerm_servicebus_queue."));
}

/// structured (fuzz/artifacts/structured/crash-690ea9c7e12f884735449a4774a9dc365a3dde33): two
/// WAFs attached to one CDN made the AWS template write `web_acl_id` twice. A distribution,
/// load balancer or gateway takes one web ACL on every provider (`one_per_parent` in
/// functions.yaml), so the second WAF is a located error, and the spec generates nothing.
#[test]
fn a_second_waf_on_one_parent_is_a_located_error() {
    let text = fixture("two_wafs_on_one_cdn.yaml");
    let (json, rendered) = invalid("two_wafs_on_one_cdn.yaml", &text);
    assert_eq!(
        json.matches("archgen::spec::duplicate_attachment").count(),
        1,
        "{rendered}"
    );
    assert!(
        rendered.contains("`rules_b` is a second `waf` attached to `edge`"),
        "{rendered}"
    );
    // The span is the second WAF's `attached_to: edge`.
    let line = text
        .lines()
        .position(|l| l.contains("id: rules_b"))
        .expect("line")
        + 1;
    assert!(
        rendered.contains(&format!("two_wafs_on_one_cdn.yaml:{line}:")),
        "{rendered}"
    );
}

/// The same rule for dead-letter queues: two attached to one SQS queue generated two
/// `aws_sqs_queue_redrive_policy` resources for one queue (they would overwrite each other on
/// every apply); a queue, subscription or function has one dead-letter target.
#[test]
fn a_second_dead_letter_queue_on_one_parent_is_a_located_error() {
    let text = "name: two-dlqs\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  prod: { size: small }\ncomponents:\n  - { id: jobs, function: message_queue }\n  - { id: dlq_a, function: dead_letter_queue, attached_to: jobs }\n  - { id: dlq_b, function: dead_letter_queue, attached_to: jobs }\n";
    let (_, rendered) = invalid("two_dlqs.yaml", text);
    assert!(
        rendered.contains("`dlq_b` is a second `dead_letter_queue` attached to `jobs`"),
        "{rendered}"
    );
    assert!(rendered.contains("two_dlqs.yaml:9:"), "{rendered}");
}

/// structured (fuzz/artifacts/structured/crash-321736acac75348256235797b0ff5760f7c83acf): the
/// same connection declared twice made the AWS function template write the peer's endpoint
/// variable twice (an HCL object with a repeated key). A second connection between the same
/// two ends is now a located error.
#[test]
fn a_connection_declared_twice_is_a_located_error() {
    let text = "name: twice\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  prod: { size: small }\ncomponents:\n  - { id: cache, function: cache }\n  - { id: api, function: serverless_function }\nconnections:\n  - { from: api, to: cache }\n  - { from: api, to: cache }\n";
    let (_, rendered) = invalid("twice.yaml", text);
    assert!(
        rendered.contains("archgen::spec::duplicate_connection"),
        "{rendered}"
    );
    assert!(
        rendered.contains("`api` -> `cache` is declared twice"),
        "{rendered}"
    );
    assert!(rendered.contains("twice.yaml:11:"), "{rendered}");
}
