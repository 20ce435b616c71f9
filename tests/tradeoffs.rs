//! Tradeoff scores: computed from the catalog data of the services a spec uses, weighted by
//! cost, and complete wherever a function is scored at all.

mod common;

use archgen::catalog::{self, Provider};
use archgen::tradeoffs::{SCORED, Tradeoffs};
use archgen::{GenerateOptions, spec};

const PROVIDERS: &str = "providers:\n  aws: { region: us-east-1 }\n  azure: { region: eastus }\n  gcp: { region: us-central1, project: tradeoff-test }\nenvironments:\n  dev: { size: small }\n  prod: { size: large }\n";

fn tradeoffs(components: &str, catalog: &catalog::Catalog) -> Tradeoffs {
    let text = format!("name: t\n{PROVIDERS}components:\n{components}");
    let sourced = spec::parse("t.yaml", &text).expect("parses");
    archgen::tradeoffs_for(&sourced, catalog, &GenerateOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"))
}

fn score(t: &Tradeoffs, dimension: &str, provider: &str) -> Option<u8> {
    t.dimensions
        .iter()
        .find(|d| d.id == dimension)
        .unwrap_or_else(|| panic!("no {dimension}"))
        .scores
        .get(provider)
        .map(|c| c.score)
}

#[test]
fn a_warehouse_alone_scores_its_engines() {
    let t = tradeoffs(
        "  - { id: warehouse, function: data_warehouse }\n",
        &common::catalog(),
    );
    assert_eq!(
        t.environment, "prod",
        "the largest size tier weights the scores"
    );
    // BigQuery 5, Redshift Serverless 4, Synapse dedicated pool 3 (catalogs/<provider>.yaml).
    assert_eq!(score(&t, "query_performance", "gcp"), Some(5));
    assert_eq!(score(&t, "query_performance", "aws"), Some(4));
    assert_eq!(score(&t, "query_performance", "azure"), Some(3));
    // Nothing streams: the dimension is present but unscored, and says why.
    let streaming = t
        .dimensions
        .iter()
        .find(|d| d.id == "streaming_throughput")
        .expect("streaming");
    assert!(streaming.scores.is_empty());
    assert!(
        streaming.rationale.starts_with("Not scored"),
        "{}",
        streaming.rationale
    );
    // Synapse is provisioned (3), BigQuery and Redshift Serverless managed (4).
    assert_eq!(score(&t, "operational_simplicity", "azure"), Some(3));
    assert_eq!(score(&t, "operational_simplicity", "gcp"), Some(4));
    // The rationale names the services behind the scores.
    let query = &t.dimensions[0];
    for service in ["BigQuery", "Redshift", "Synapse"] {
        assert!(query.rationale.contains(service), "{}", query.rationale);
    }
}

#[test]
fn cost_at_scale_gives_the_cheapest_provider_five() {
    let t = tradeoffs(
        "  - { id: warehouse, function: data_warehouse }\n  - { id: stream, function: streaming_backbone }\n",
        &common::catalog(),
    );
    let cost = t
        .dimensions
        .iter()
        .find(|d| d.id == "cost_at_scale")
        .expect("cost");
    let fives = cost.scores.values().filter(|c| c.score == 5).count();
    assert!(fives >= 1, "{cost:?}");
    for cell in cost.scores.values() {
        // score = round(5 x cheapest / total): the mean is that ratio, never above 5.
        assert!(cell.mean <= 5.0 && cell.mean > 0.0);
    }
    assert!(cost.rationale.contains("(cheapest)"), "{}", cost.rationale);
}

#[test]
fn heavier_services_weigh_more() {
    // A large, expensive Bigtable time-series store (3) outweighs a cheap on-demand query
    // engine (5) on GCP.
    let t = tradeoffs(
        "  - { id: series, function: time_series_db, size: xlarge }\n  - { id: adhoc, function: serverless_sql_query, size: small }\n",
        &common::catalog(),
    );
    let cell = &t.dimensions[0].scores["gcp"];
    assert_eq!(cell.drivers[0].component, "series");
    assert!(cell.mean < 4.0, "{cell:?}");
}

#[test]
fn scores_follow_the_catalog_data() {
    // Lower Redshift's score in an override catalog: the spec's AWS score follows.
    let dir = tempfile::tempdir().expect("tempdir");
    let aws = std::fs::read_to_string(common::root().join("catalogs/aws.yaml")).expect("aws");
    let marker = "query_performance: {score: 4, why: \"columnar MPP";
    assert!(aws.contains(marker), "the test's marker moved");
    std::fs::write(
        dir.path().join("aws.yaml"),
        aws.replace(marker, "query_performance: {score: 1, why: \"columnar MPP"),
    )
    .expect("write");
    let catalog = catalog::load(Some(dir.path())).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let t = tradeoffs(
        "  - { id: warehouse, function: data_warehouse }\n",
        &catalog,
    );
    assert_eq!(score(&t, "query_performance", "aws"), Some(1));
}

#[test]
fn a_score_out_of_range_is_a_catalog_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aws = std::fs::read_to_string(common::root().join("catalogs/aws.yaml")).expect("aws");
    let marker = "query_performance: {score: 4, why: \"columnar MPP";
    std::fs::write(
        dir.path().join("aws.yaml"),
        aws.replace(marker, "query_speed: {score: 9, why: \"columnar MPP"),
    )
    .expect("write");
    let report = catalog::load(Some(dir.path())).expect_err("invalid catalog");
    let text = report.render(false);
    assert!(text.contains("unknown dimension `query_speed`"), "{text}");
    assert!(text.contains("needs a score from 1 to 5"), "{text}");
}

#[test]
fn a_function_scored_on_one_cloud_is_scored_on_all() {
    let catalog = common::catalog();
    let providers = [Provider::Aws, Provider::Azure, Provider::Gcp];
    let mut scored_functions = 0;
    for function in catalog.functions.keys() {
        for dimension in SCORED {
            let have: Vec<Provider> = providers
                .iter()
                .copied()
                .filter(|p| {
                    catalog
                        .implementation(*p, function)
                        .is_some_and(|i| i.scores.contains_key(dimension))
                })
                .collect();
            if dimension == "query_performance" || dimension == "streaming_throughput" {
                assert!(
                    have.is_empty() || have.len() == providers.len(),
                    "{function}: {dimension} is scored on {have:?} only"
                );
            }
            if !have.is_empty() {
                scored_functions += 1;
            }
        }
    }
    assert!(scored_functions >= 20, "only {scored_functions} scored");
}

#[test]
fn every_example_is_scored_on_the_five_dimensions() {
    for name in common::examples() {
        let path = common::root()
            .join("examples")
            .join(&name)
            .join("archgen.yaml");
        let sourced = spec::load(&path).expect("loads");
        let t = archgen::tradeoffs_for(&sourced, &common::catalog(), &GenerateOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let ids: Vec<&str> = t.dimensions.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "query_performance",
                "cost_at_scale",
                "streaming_throughput",
                "operational_simplicity",
                "ecosystem_integration"
            ]
        );
        for d in &t.dimensions {
            for (provider, cell) in &d.scores {
                assert!((1..=5).contains(&cell.score), "{name} {} {provider}", d.id);
            }
        }
    }
}
