//! Every analyze rule has a spec where it fires and one where it does not; acknowledgements
//! silence a finding and must name a real rule; the findings on every example are snapshotted.

mod common;

use std::collections::BTreeSet;

use archgen::{analyze, graph, spec};

const HEAD: &str = "name: t\nproviders:\n  aws: { region: us-east-1, secondary_region: us-west-2 }\nenvironments:\n  dev: { size: small }\n  prod: { size: medium }\nactors:\n  - { id: u }\n";

fn findings(yaml: &str) -> Vec<analyze::Finding> {
    let catalog = common::catalog();
    let sourced = spec::parse("t.yaml", yaml).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let valid = spec::validate(&sourced, &catalog, None)
        .unwrap_or_else(|r| panic!("{}\n{yaml}", r.render(false)));
    let graph = graph::build(valid, &catalog).unwrap_or_else(|r| panic!("{}", r.render(false)));
    analyze::analyze(&graph, &catalog)
}

fn fired(yaml: &str) -> BTreeSet<&'static str> {
    findings(yaml)
        .iter()
        .filter(|f| f.acknowledged.is_none())
        .map(|f| f.rule)
        .collect()
}

fn spec_text(components: &str, connections: &str, rest: &str) -> String {
    let mut text = format!("{HEAD}components:\n{components}");
    if !connections.is_empty() {
        text.push_str("connections:\n");
        text.push_str(connections);
    }
    text.push_str(rest);
    text
}

/// (rule, spec where it fires, spec where it does not).
fn cases() -> Vec<(&'static str, String, String)> {
    let app_db =
        "  - { id: app, function: container_service }\n  - { id: db, function: relational_db }\n";
    vec![
        (
            "public-entry-without-waf",
            spec_text("  - { id: e, function: cdn }\n  - { id: lb, function: load_balancer }\n", "  - { from: u, to: e }\n  - { from: e, to: lb }\n", ""),
            spec_text("  - { id: e, function: cdn }\n  - { id: lb, function: load_balancer }\n  - { id: w, function: waf, attached_to: e }\n", "  - { from: u, to: e }\n  - { from: e, to: lb }\n", ""),
        ),
        (
            "datastore-exposed-to-edge",
            spec_text("  - { id: db, function: relational_db }\n", "  - { from: u, to: db }\n", ""),
            spec_text(app_db, "  - { from: u, to: app }\n  - { from: app, to: db }\n", ""),
        ),
        (
            "consumer-without-dlq",
            spec_text("  - { id: q, function: message_queue }\n  - { id: w, function: serverless_function }\n", "  - { from: q, to: w }\n", ""),
            spec_text("  - { id: q, function: message_queue }\n  - { id: w, function: serverless_function }\n  - { id: d, function: dead_letter_queue, attached_to: q }\n", "  - { from: q, to: w }\n", ""),
        ),
        (
            "read-heavy-db-without-cache-or-replica",
            spec_text("  - { id: a, function: container_service }\n  - { id: b, function: vm_autoscaling_group }\n  - { id: db, function: relational_db }\n", "  - { from: a, to: db }\n  - { from: b, to: db }\n", ""),
            spec_text("  - { id: a, function: container_service }\n  - { id: b, function: vm_autoscaling_group }\n  - { id: db, function: relational_db }\n  - { id: r, function: relational_read_replica, attached_to: db }\n", "  - { from: a, to: db }\n  - { from: b, to: db }\n", ""),
        ),
        (
            "connection-pool-exhaustion",
            spec_text("  - { id: f, function: serverless_function }\n  - { id: db, function: relational_db }\n", "  - { from: f, to: db }\n", ""),
            spec_text("  - { id: v, function: vm_autoscaling_group }\n  - { id: db, function: relational_db }\n", "  - { from: v, to: db }\n", ""),
        ),
        (
            "no-alerting",
            spec_text(app_db, "  - { from: app, to: db }\n", ""),
            spec_text(&format!("{app_db}  - {{ id: al, function: metric_alerting }}\n"), "  - { from: app, to: db }\n", ""),
        ),
        (
            "no-observability",
            spec_text(app_db, "  - { from: app, to: db }\n", ""),
            spec_text(&format!("{app_db}  - {{ id: o, function: observability_metrics_logs }}\n"), "  - { from: app, to: db }\n", ""),
        ),
        (
            "no-tracing",
            spec_text("  - { id: a, function: container_service }\n  - { id: b, function: container_service }\n  - { id: c, function: serverless_function }\n", "  - { from: a, to: b }\n  - { from: b, to: c }\n", ""),
            spec_text("  - { id: a, function: container_service }\n  - { id: b, function: container_service }\n  - { id: c, function: serverless_function }\n  - { id: t, function: tracing }\n", "  - { from: a, to: b }\n  - { from: b, to: c }\n", ""),
        ),
        (
            "secrets-without-rotation",
            spec_text(&format!("{app_db}  - {{ id: s, function: secrets }}\n"), "  - { from: app, to: s }\n", ""),
            spec_text(app_db, "  - { from: app, to: db }\n", ""),
        ),
        (
            "cache-stampede",
            spec_text(&format!("{app_db}  - {{ id: c, function: cache }}\n"), "  - { from: app, to: c }\n  - { from: app, to: db }\n", ""),
            spec_text(&format!("{app_db}  - {{ id: c, function: cache }}\n  - {{ id: r, function: relational_read_replica, attached_to: db }}\n"), "  - { from: app, to: c }\n  - { from: app, to: db }\n", ""),
        ),
        (
            "no-cost-guardrails",
            spec_text(app_db, "  - { from: app, to: db }\n", ""),
            spec_text(&format!("{app_db}  - {{ id: b, function: budget_alerts }}\n"), "  - { from: app, to: db }\n", ""),
        ),
        (
            "hot-shard",
            spec_text("  - { id: s, function: streaming_backbone, usage: { events_per_second: 5000 } }\n", "", ""),
            spec_text("  - { id: s, function: streaming_backbone, usage: { events_per_second: 1000 } }\n", "", ""),
        ),
        (
            "warehouse-mixed-workloads",
            spec_text("  - { id: app, function: container_service }\n  - { id: lake, function: data_lake_storage }\n  - { id: wh, function: data_warehouse }\n", "  - { from: app, to: wh }\n  - { from: lake, to: wh }\n", ""),
            spec_text("  - { id: app, function: container_service }\n  - { id: wh, function: data_warehouse }\n", "  - { from: app, to: wh }\n", ""),
        ),
        (
            "multi-region-writes-without-conflict-strategy",
            spec_text("  - { id: app, function: container_service }\n  - { id: g, function: global_nosql }\n", "  - { from: app, to: g }\n", ""),
            spec_text("  - { id: app, function: container_service }\n  - { id: n, function: nosql_kv }\n", "  - { from: app, to: n }\n", ""),
        ),
        (
            "single-az-in-prod",
            spec_text("  - { id: c, function: cache, overrides: { aws: { replicas: 0 } } }\n", "", ""),
            spec_text("  - { id: c, function: cache }\n", "", ""),
        ),
        (
            "no-autoscaling",
            spec_text("  - { id: a, function: container_service, overrides: { aws: { min_count: 3, max_count: 3 } } }\n", "", ""),
            spec_text("  - { id: a, function: container_service }\n", "", ""),
        ),
        (
            "single-point-of-failure",
            spec_text("  - { id: a, function: container_service, overrides: { aws: { min_count: 1 } } }\n", "", ""),
            spec_text("  - { id: a, function: container_service }\n", "", ""),
        ),
        (
            "long-synchronous-chain",
            spec_text(
                "  - { id: a, function: container_service }\n  - { id: b, function: container_service }\n  - { id: c, function: container_service }\n  - { id: d, function: container_service }\n  - { id: e, function: container_service }\n  - { id: g, function: relational_db }\n",
                "  - { from: u, to: a }\n  - { from: a, to: b }\n  - { from: b, to: c }\n  - { from: c, to: d }\n  - { from: d, to: e }\n  - { from: e, to: g }\n",
                "",
            ),
            spec_text(
                "  - { id: a, function: container_service }\n  - { id: b, function: container_service }\n  - { id: q, function: message_queue }\n  - { id: d, function: container_service }\n  - { id: e, function: container_service }\n  - { id: g, function: relational_db }\n",
                "  - { from: u, to: a }\n  - { from: a, to: b }\n  - { from: b, to: q }\n  - { from: q, to: d }\n  - { from: d, to: e }\n  - { from: e, to: g }\n",
                "",
            ),
        ),
        (
            "flow-without-connection",
            spec_text(app_db, "  - { from: u, to: app }\n", "flows:\n  - id: f\n    steps:\n      - { from: u, to: app }\n      - { from: app, to: db }\n"),
            spec_text(app_db, "  - { from: u, to: app }\n  - { from: app, to: db }\n", "flows:\n  - id: f\n    steps:\n      - { from: u, to: app }\n      - { from: app, to: db }\n      - { from: app, to: u }\n"),
        ),
        (
            "orphan-component",
            spec_text(&format!("{app_db}  - {{ id: c, function: cache }}\n"), "  - { from: app, to: db }\n", ""),
            spec_text(&format!("{app_db}  - {{ id: c, function: cache }}\n"), "  - { from: app, to: db }\n  - { from: app, to: c }\n", ""),
        ),
        (
            "fallback-service",
            spec_text("  - { id: ws, function: websocket_push }\n", "  - { from: u, to: ws }\n", "")
                .replace("  aws: { region: us-east-1, secondary_region: us-west-2 }\n", "  aws: { region: us-east-1, secondary_region: us-west-2 }\n  gcp: { region: us-central1, secondary_region: us-east1, project: test-project-1 }\n"),
            spec_text("  - { id: ws, function: websocket_push }\n", "  - { from: u, to: ws }\n", ""),
        ),
        (
            "prod-sized-like-dev",
            spec_text(app_db, "  - { from: app, to: db }\n", "").replace("prod: { size: medium }", "prod: { size: small }"),
            spec_text(app_db, "  - { from: app, to: db }\n", ""),
        ),
        (
            "no-central-backup",
            spec_text(app_db, "  - { from: app, to: db }\n", ""),
            spec_text(&format!("{app_db}  - {{ id: b, function: backup }}\n"), "  - { from: app, to: db }\n", ""),
        ),
        (
            "dead-letters-never-reprocessed",
            spec_text("  - { id: q, function: message_queue }\n  - { id: w, function: serverless_function }\n  - { id: d, function: dead_letter_queue, attached_to: q }\n  - { id: al, function: metric_alerting }\n", "  - { from: q, to: w }\n", ""),
            spec_text("  - { id: q, function: message_queue }\n  - { id: w, function: serverless_function }\n  - { id: d, function: dead_letter_queue, attached_to: q }\n  - { id: al, function: metric_alerting }\n", "  - { from: q, to: w }\n  - { from: d, to: w }\n", ""),
        ),
    ]
}

#[test]
fn every_rule_has_a_positive_and_a_negative_case() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases.iter().map(|(rule, _, _)| *rule).collect();
    let all: BTreeSet<&str> = analyze::rule_ids().into_iter().collect();
    assert_eq!(covered, all, "every rule needs a case");
    assert!(all.len() >= 20, "at least 20 rules");
    for (rule, positive, negative) in &cases {
        assert!(
            fired(positive).contains(rule),
            "{rule} should fire on:\n{positive}\nfired: {:?}",
            fired(positive)
        );
        assert!(
            !fired(negative).contains(rule),
            "{rule} should not fire on:\n{negative}"
        );
    }
}

#[test]
fn a_waf_that_cannot_associate_with_the_entry_on_a_provider_does_not_protect_it() {
    // Azure's WAF policy attaches to Front Door (cdn) only: on an API gateway it is generated
    // unassociated, so the gateway is still unprotected on Azure (and only there).
    let components = "  - { id: api, function: api_gateway }\n  - { id: fn1, function: serverless_function }\n  - { id: w, function: waf, attached_to: api }\n";
    let connections = "  - { from: u, to: api }\n  - { from: api, to: fn1 }\n";
    let aws_only = spec_text(components, connections, "");
    assert!(
        !fired(&aws_only).contains("public-entry-without-waf"),
        "AWS WAF associates with API Gateway"
    );
    let with_azure = aws_only.replace(
        "providers:\n",
        "providers:\n  azure: { region: eastus, secondary_region: westus2 }\n",
    );
    let detail = only_waf_finding(&with_azure);
    assert!(
        detail.contains("cannot be associated with it on Azure"),
        "{detail}"
    );
}

/// The detail of the one `public-entry-without-waf` finding on `spec`.
fn only_waf_finding(spec: &str) -> String {
    let hits: Vec<_> = findings(spec)
        .into_iter()
        .filter(|f| f.rule == "public-entry-without-waf")
        .collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    hits[0].detail.clone()
}

#[test]
fn a_cloud_armor_policy_on_a_cdn_of_buckets_only_does_not_protect_it() {
    // Cloud Armor backend policies attach to a Cloud CDN's serverless backends, not to its
    // buckets: on GCP a CDN of bucket origins leaves its WAF unassociated (and only on GCP).
    let components = "  - { id: site, function: cdn }\n  - { id: files, function: object_storage }\n  - { id: w, function: waf, attached_to: site }\n";
    let bucket_only = spec_text(
        components,
        "  - { from: u, to: site }\n  - { from: site, to: files }\n",
        "",
    )
    .replace(
        "providers:\n",
        "providers:\n  gcp: { region: us-central1, project: analyze-test-1 }\n",
    );
    let detail = only_waf_finding(&bucket_only);
    assert!(
        detail.contains("cannot be associated with it on GCP"),
        "{detail}"
    );
    // With a Cloud Run origin too, the policy protects that backend service.
    let with_service = bucket_only
        .replace(
            "  - { id: w, function: waf, attached_to: site }\n",
            "  - { id: w, function: waf, attached_to: site }\n  - { id: app, function: container_service }\n",
        )
        .replace(
            "  - { from: site, to: files }\n",
            "  - { from: site, to: files }\n  - { from: site, to: app }\n",
        );
    assert!(
        !fired(&with_service).contains("public-entry-without-waf"),
        "{with_service}"
    );
}

/// The warnings of generating `text`, as JSON text.
fn warnings(text: &str) -> String {
    let sourced = archgen::spec::parse("spec.yaml", text).expect("parses");
    archgen::generate(
        &sourced,
        &common::catalog(),
        &common::templates(),
        &archgen::GenerateOptions::default(),
    )
    .unwrap_or_else(|failure| panic!("{failure:?}"))
    .warnings
    .to_json()
    .to_string()
}

/// Generation warns at the WAF that GCP leaves unassociated, and why; with a Cloud Run origin
/// it does not.
#[test]
fn generation_warns_at_a_cloud_armor_policy_on_a_cdn_of_buckets_only() {
    let text = "name: w\nproviders:\n  gcp: { region: us-central1, project: analyze-test-1 }\nenvironments:\n  prod: { size: small }\ncomponents:\n  - { id: site, function: cdn }\n  - { id: files, function: object_storage }\n  - { id: w, function: waf, attached_to: site }\nconnections:\n  - { from: site, to: files }\n";
    let rendered = warnings(text);
    assert!(
        rendered.contains("archgen::catalog::unassociated_attachment")
            && rendered.contains("only through its")
            && rendered.contains("`site` has none"),
        "{rendered}"
    );
    let with_service = text
        .replace(
            "  - { id: files, function: object_storage }\n",
            "  - { id: files, function: object_storage }\n  - { id: app, function: container_service }\n",
        )
        .replace(
            "  - { from: site, to: files }\n",
            "  - { from: site, to: files }\n  - { from: site, to: app }\n",
        );
    let rendered = warnings(&with_service);
    assert!(!rendered.contains("unassociated_attachment"), "{rendered}");
}

#[test]
fn acknowledging_a_finding_silences_it() {
    let yaml = spec_text(
        "  - { id: s, function: secrets, acknowledge: [{ rule: secrets-without-rotation, reason: rotated by the vendor } ] }\n  - { id: app, function: container_service }\n",
        "  - { from: app, to: s }\n",
        "acknowledge:\n  - { rule: no-cost-guardrails, reason: billing alerts live in the org account }\n",
    );
    let all = findings(&yaml);
    let secret = all
        .iter()
        .find(|f| f.rule == "secrets-without-rotation")
        .expect("still reported");
    assert_eq!(
        secret.acknowledged.as_deref(),
        Some("rotated by the vendor")
    );
    let cost = all
        .iter()
        .find(|f| f.rule == "no-cost-guardrails")
        .expect("still reported");
    assert!(cost.acknowledged.is_some());
    assert!(!fired(&yaml).contains("secrets-without-rotation"));
}

#[test]
fn acknowledging_an_unknown_rule_is_an_error() {
    let yaml = spec_text(
        "  - { id: s, function: secrets, acknowledge: [{ rule: secret-without-rotation, reason: x }] }\n",
        "",
        "",
    );
    let catalog = common::catalog();
    let sourced = spec::parse("t.yaml", &yaml).expect("parses");
    let report = spec::validate(&sourced, &catalog, None).expect_err("unknown rule");
    let text = report.render(false);
    assert!(
        text.contains("did you mean `secrets-without-rotation`?"),
        "{text}"
    );
}

#[test]
fn findings_on_every_example_are_snapshotted() {
    let settings = common::snapshot_settings("analyze");
    settings.bind(|| {
        for example in common::examples() {
            let path = common::root()
                .join("examples")
                .join(&example)
                .join("archgen.yaml");
            let text = std::fs::read_to_string(&path).expect("read");
            let catalog = common::catalog();
            let sourced =
                spec::parse(&format!("examples/{example}/archgen.yaml"), &text).expect("parses");
            let valid = spec::validate(&sourced, &catalog, None)
                .unwrap_or_else(|r| panic!("{}", r.render(false)));
            let graph =
                graph::build(valid, &catalog).unwrap_or_else(|r| panic!("{}", r.render(false)));
            let findings = analyze::analyze(&graph, &catalog);
            insta::assert_snapshot!(
                example.clone(),
                analyze::report(&graph, &findings).render(false)
            );
        }
    });
}

/// A usage value that is also a size parameter (Lambda's `memory_mb`) and differs from the
/// size's is reported at its component, with the override that would pin it; a value the size
/// already has, or one pinned by an override, is not.
#[test]
fn generation_warns_when_a_usage_value_is_a_differing_size_parameter() {
    let spec = |usage: &str, overrides: &str| {
        format!(
            "name: m\nproviders:\n  aws: {{ region: us-east-1 }}\nenvironments:\n  dev: {{ size: small }}\n  prod: {{ size: medium }}\ncomponents:\n  - id: worker\n    function: serverless_function\n{overrides}    usage: {{ invocations_per_month: 1000, {usage} }}\n"
        )
    };
    // small = 512 MB, medium = 1024 MB on AWS Lambda.
    let differing = warnings(&spec("memory_mb: 512", ""));
    assert!(
        differing.contains("archgen::catalog::usage_is_a_size_parameter")
            && differing.contains("usage `memory_mb: 512` of `worker` is not used")
            && differing.contains("1024 in prod")
            && !differing.contains("512 in dev")
            && differing.contains("overrides.aws.memory_mb: 512"),
        "{differing}"
    );
    let per_env = spec(
        "memory_mb: 1024",
        "    environments: { dev: { usage: { memory_mb: 512 } } }\n",
    );
    assert!(
        !warnings(&per_env).contains("usage_is_a_size_parameter"),
        "{per_env}"
    );
    let pinned = spec(
        "memory_mb: 512",
        "    overrides: { aws: { memory_mb: 512 } }\n",
    );
    assert!(
        !warnings(&pinned).contains("usage_is_a_size_parameter"),
        "{pinned}"
    );
}
