//! The cost engine: billing formulas against hand-computed values (with test price data), every
//! catalog entry priced or free on every provider, the comparison and the diff.

mod common;

use archgen::catalog::{self, Provider};
use archgen::cost::{self, render};
use archgen::{GenerateOptions, spec};

const SPEC: &str = "name: c\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  dev: { size: small }\n  prod: { size: large }\ncomponents:\n  - { id: stream, function: streaming_backbone, usage: { events_per_second: 1000, event_size_kb: 30 } }\n  - { id: cache, function: cache }\n  - { id: bucket, function: object_storage }\n";

/// Test prices: numbers chosen so the expected totals are easy to compute by hand.
const PRICES: &str = r#"provider: aws
as_of: "2026-01-01"
currency: USD
regions: [us-east-1, eu-west-1]
functions:
  streaming_backbone:
    lines:
      - name: Shard hours
        unit: shard-hour
        quantity: shard_count * hours
        price: { us-east-1: 0.01, eu-west-1: 0.02 }
      - name: PUT payload units
        unit: 1M units
        quantity: events_per_second * seconds * ceil(event_size_kb / 25) / 1000000
        price: { us-east-1: 0.5, eu-west-1: 1.0 }
  cache:
    lines:
      - name: Small nodes
        when: { node_type: cache.t4g.small }
        unit: node-hour
        quantity: (replicas + 1) * hours
        price: { us-east-1: 0.1, eu-west-1: 0.1 }
      - name: Backup storage
        unit: GB-month
        quantity: storage_gb
        free_units: 10
        price: { us-east-1: 1.0, eu-west-1: 1.0 }
  object_storage:
    lines:
      - name: Storage
        unit: GB-month
        quantity: storage_gb
        min_monthly: 3
        price: { us-east-1: 0.01, eu-west-1: 0.01 }
      - name: Requests
        free: first million free in this test
    unpriced:
      - replication traffic
"#;

/// Test usage defaults (laid over the built-in ones entry by entry).
const USAGE: &str = "functions:\n  cache:\n    small: { storage_gb: 50 }\n    large: { storage_gb: 5 }\n  object_storage:\n    small: { storage_gb: 50 }\n";

/// The embedded catalog with test AWS prices and usage laid over it.
fn catalog_with(prices: &str) -> Result<catalog::Catalog, archgen::diagnostics::Report> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("pricing")).expect("mkdir");
    std::fs::write(dir.path().join("pricing/aws.yaml"), prices).expect("write");
    std::fs::write(dir.path().join("pricing/usage.yaml"), USAGE).expect("write");
    catalog::load(Some(dir.path()))
}

fn sheets(spec_text: &str, prices: &str) -> Vec<cost::CostSheet> {
    let catalog = catalog_with(prices).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let sourced = spec::parse("c.yaml", spec_text).expect("parses");
    archgen::cost_sheets_for(&sourced, &catalog, &GenerateOptions::default()).expect("prices")
}

/// The `dev` sheet of `spec_text` priced with `prices`.
fn dev_sheet(spec_text: &str, prices: &str) -> cost::CostSheet {
    sheets(spec_text, prices)
        .into_iter()
        .find(|s| s.environment == "dev")
        .expect("dev")
}

/// An item not priced, of `kind`.
fn not_priced(kind: cost::UnpricedKind) -> cost::Unpriced {
    cost::Unpriced {
        kind,
        component: "x".into(),
        item: "y".into(),
        reason: "z".into(),
    }
}

/// Equal to the cent.
fn assert_money(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 0.005, "{actual} != {expected}");
}

fn line<'a>(sheet: &'a cost::CostSheet, component: &str, name: &str) -> &'a cost::CostLine {
    sheet
        .components
        .iter()
        .find(|c| c.id == component)
        .and_then(|c| c.lines.iter().find(|l| l.name == name))
        .unwrap_or_else(|| panic!("{component}/{name} not on the sheet"))
}

#[test]
fn billing_formulas_match_hand_computed_values() {
    let sheets = sheets(SPEC, PRICES);
    let dev = sheets.iter().find(|s| s.environment == "dev").expect("dev");
    // small: 2 shards (aws catalog) x 730 h x $0.01 = $14.60
    assert_money(line(dev, "stream", "Shard hours").monthly, 14.6);
    // 1000 ev/s x 2,628,000 s x ceil(30/25)=2 units / 1e6 = 5256 M units x $0.5 = $2,628.00
    let put = line(dev, "stream", "PUT payload units");
    assert!((put.quantity - 5256.0).abs() < 1e-9);
    assert_money(put.monthly, 2628.0);
    assert!(
        put.assumptions
            .iter()
            .any(|a| a.name == "events_per_second" && a.source == "spec")
    );
    // small cache: t4g.small, 1 replica -> 2 nodes x 730 h x $0.1 = $146.00
    assert_money(line(dev, "cache", "Small nodes").monthly, 146.0);
    // backup: default storage_gb 50 - 10 free = 40 x $1 = $40.00
    let backup = line(dev, "cache", "Backup storage");
    assert_money(backup.monthly, 40.0);
    assert!(
        backup
            .assumptions
            .iter()
            .any(|a| a.name == "storage_gb" && a.source == "default (small)")
    );
    // bucket: 50 GB x $0.01 = $0.50, raised to the $3.00 minimum
    assert_money(line(dev, "bucket", "Storage").monthly, 3.0);
    assert!(line(dev, "bucket", "Requests").free.is_some());
    assert!(dev.unpriced.iter().any(|u| u.item == "replication traffic"));
    assert_money(dev.total, 14.6 + 2628.0 + 146.0 + 40.0 + 3.0);

    let prod = sheets
        .iter()
        .find(|s| s.environment == "prod")
        .expect("prod");
    // large cache is not a t4g.small: its node line cannot be priced and says so.
    assert!(
        prod.unpriced
            .iter()
            .any(|u| u.component == "cache" && u.reason.contains("node_type"))
    );
    // the tier default for large (5 GB) is under the free allowance: $0.
    assert_money(line(prod, "cache", "Backup storage").monthly, 0.0);
}

#[test]
fn environments_scale_spec_usage_and_components_override_it_per_environment() {
    // dev sees 1% of prod traffic; the bucket states its own dev storage outright.
    let text = SPEC
        .replace("dev: { size: small }", "dev: { size: small, usage_scale: 0.01 }")
        .replace(
            "{ id: bucket, function: object_storage }",
            "{ id: bucket, function: object_storage, usage: { storage_gb: 900 }, environments: { dev: { usage: { storage_gb: 400 } } } }",
        );
    let sheets = sheets(&text, PRICES);
    let dev = sheets.iter().find(|s| s.environment == "dev").expect("dev");
    let prod = sheets
        .iter()
        .find(|s| s.environment == "prod")
        .expect("prod");
    // dev: 1000 ev/s x 0.01 = 10 ev/s x 2,628,000 s x 2 units / 1e6 = 52.56 M units x $0.5 = $26.28;
    // event_size_kb (30) describes one event and is not scaled.
    let put = line(dev, "stream", "PUT payload units");
    assert!((put.quantity - 52.56).abs() < 1e-9, "{}", put.quantity);
    assert_money(put.monthly, 26.28);
    let events = put
        .assumptions
        .iter()
        .find(|a| a.name == "events_per_second")
        .expect("events_per_second assumption");
    assert!((events.value - 10.0).abs() < 1e-9);
    assert_eq!(events.source, "spec × 0.01 (dev)");
    let size = put
        .assumptions
        .iter()
        .find(|a| a.name == "event_size_kb")
        .expect("event_size_kb assumption");
    assert_eq!((size.value, size.source.as_str()), (30.0, "spec"));
    // prod is unscaled: 5256 M units x $0.5 = $2,628.00.
    assert_money(line(prod, "stream", "PUT payload units").monthly, 2628.0);
    // bucket: dev takes its own 400 GB as written (not scaled): 400 x $0.01 = $4.00;
    // prod 900 GB x $0.01 = $9.00.
    let dev_storage = line(dev, "bucket", "Storage");
    assert_money(dev_storage.monthly, 4.0);
    assert_eq!(dev_storage.assumptions[0].source, "spec (dev)");
    assert_money(line(prod, "bucket", "Storage").monthly, 9.0);
}

#[test]
fn a_once_per_line_is_charged_on_the_largest_environment_only() {
    // Shield Advanced-like: one fee per organization, whatever the number of environments.
    let prices = format!(
        "{PRICES}  ddos_protection:\n    lines:\n      - name: Subscription\n        unit: month\n        quantity: \"1\"\n        price: {{ us-east-1: 3000.0, eu-west-1: 3000.0 }}\n        once_per: AWS Organization\n"
    );
    let text = SPEC
        .replace(
            "prod: { size: large }",
            "prod: { size: large }\n  staging: { size: medium }\n  perf: { size: large }",
        )
        .replace(
            "  - { id: cache, function: cache }",
            "  - { id: cache, function: cache }\n  - { id: shield, function: ddos_protection }",
        );
    let sheets = sheets(&text, &prices);
    let by_env = |env: &str| {
        let sheet = sheets.iter().find(|s| s.environment == env).expect(env);
        line(sheet, "shield", "Subscription").clone()
    };
    // perf and prod are both large: the last by name (prod) carries the fee.
    let prod = by_env("prod");
    assert_money(prod.monthly, 3000.0);
    assert_eq!(prod.free, None);
    for env in ["dev", "perf", "staging"] {
        let other = by_env(env);
        assert_money(other.monthly, 0.0);
        assert_eq!(
            other.free.as_deref(),
            Some("billed once per AWS Organization: on the `prod` sheet"),
            "{env}"
        );
    }
}

#[test]
fn an_automatic_discount_prices_the_line_net_and_says_so() {
    // The stream's shard hours with a 25% automatic discount: without it the line is
    // shard_count x 730 h x $0.01 in every environment; with it, three quarters of that.
    let plain = sheets(SPEC, PRICES);
    let discounted = sheets(
        SPEC,
        &PRICES.replace(
            "        quantity: shard_count * hours\n        price: { us-east-1: 0.01, eu-west-1: 0.02 }\n",
            "        quantity: shard_count * hours\n        price: { us-east-1: 0.01, eu-west-1: 0.02 }\n        discount: { rate: 0.25, why: test discount for whole months }\n",
        ),
    );
    for (before, after) in plain.iter().zip(&discounted) {
        let list = line(before, "stream", "Shard hours");
        let net = line(after, "stream", "Shard hours");
        assert!(list.monthly > 0.0);
        assert_money(net.monthly, (list.monthly * 0.75 * 100.0).round() / 100.0);
        // The unit price stays the list price; the discount is an assumption beside it.
        assert!((net.unit_price - list.unit_price).abs() < f64::EPSILON);
        let discount = net
            .assumptions
            .iter()
            .find(|a| a.name == "discount")
            .expect("discount assumption");
        assert!((discount.value - 0.25).abs() < f64::EPSILON);
        assert_eq!(discount.source, "test discount for whole months");
    }
}

#[test]
fn a_discount_outside_0_to_1_is_rejected() {
    let prices = PRICES.replace(
        "        price: { us-east-1: 0.01, eu-west-1: 0.02 }\n",
        "        price: { us-east-1: 0.01, eu-west-1: 0.02 }\n        discount: { rate: 1.5, why: wrong }\n",
    );
    let report = catalog_with(&prices).expect_err("rate 1.5 is rejected");
    let text = report.render(false);
    assert!(
        text.contains("discount rate 1.5 is not between 0 and 1"),
        "{text}"
    );
}

#[test]
fn an_unknown_region_is_priced_at_the_first_region_with_a_warning() {
    let text = SPEC.replace("us-east-1", "ap-south-1");
    let sheets = sheets(&text, PRICES);
    let dev = &sheets[0];
    assert_eq!(dev.priced_region, "us-east-1");
    assert!(dev.unpriced.iter().any(|u| u.item == "region ap-south-1"));
}

#[test]
fn a_missing_usage_value_is_unpriced_not_zero() {
    let prices = PRICES.replace(
        "quantity: storage_gb\n        min_monthly: 3",
        "quantity: lookups_per_second * 2\n        min_monthly: 3",
    );
    let dev = dev_sheet(SPEC, &prices);
    assert!(
        dev.unpriced
            .iter()
            .any(|u| u.component == "bucket" && u.reason.contains("lookups_per_second"))
    );
}

#[test]
fn the_comparison_marks_the_cheapest_only_when_it_is_certain() {
    let mut a = sheets(SPEC, &PRICES.replace("replication traffic", "x")).remove(0);
    a.unpriced.clear();
    let mut b = a.clone();
    b.provider = "gcp".into();
    b.total = a.total - 1.0;
    let comparison = render::compare(&[a.clone(), b.clone()]);
    assert_eq!(comparison.cheapest, "gcp");
    // A secondary item (not derivable from a spec) leaves the total comparable.
    b.unpriced.push(not_priced(cost::UnpricedKind::Secondary));
    assert_eq!(render::compare(&[a.clone(), b.clone()]).cheapest, "gcp");
    for kind in [cost::UnpricedKind::Missing, cost::UnpricedKind::Unlisted] {
        let mut partial = b.clone();
        partial.unpriced.push(not_priced(kind));
        // gcp's total is a lower bound below aws's: either could be cheaper.
        let comparison = render::compare(&[a.clone(), partial.clone()]);
        assert_eq!(comparison.cheapest, "", "{kind:?}");
        let markdown = render::comparison_markdown(&comparison, &std::collections::BTreeMap::new());
        assert!(
            markdown.contains("No provider is marked cheapest"),
            "{markdown}"
        );
        assert!(markdown.contains("+ not priced"), "{markdown}");
        // A lower bound above aws's total: aws is certainly the cheapest.
        partial.total = a.total + 1.0;
        assert_eq!(
            render::compare(&[a.clone(), partial]).cheapest,
            "aws",
            "{kind:?}"
        );
    }
}

#[test]
fn an_unlisted_line_is_not_priced_and_shows_its_quantity() {
    let prices = PRICES.replace(
        "      - name: Requests\n        free: first million free in this test\n",
        "      - name: Requests\n        free: first million free in this test\n      - name: Support seats\n        unit: seat-month\n        quantity: storage_gb / 10\n        unlisted: seats are quoted by sales\n",
    );
    assert_ne!(prices, PRICES);
    let dev = dev_sheet(SPEC, &prices);
    let bucket = dev
        .components
        .iter()
        .find(|c| c.id == "bucket")
        .expect("bucket");
    assert!(bucket.lines.iter().all(|l| l.name != "Support seats"));
    // The bucket's total is the priced lines only: max(50 GB x $0.01, $3 floor).
    assert_money(bucket.monthly, 3.0);
    let seats = dev
        .unpriced
        .iter()
        .find(|u| u.item == "Support seats")
        .expect("listed as not priced");
    assert_eq!(seats.kind, cost::UnpricedKind::Unlisted);
    assert_eq!(seats.component, "bucket");
    assert_eq!(
        seats.reason,
        "no public list price (seats are quoted by sales); 5 seat-month, from storage_gb=50 (default (small))"
    );
    // A price on an unlisted line is a contradiction the loader rejects.
    let with_price = prices.replace(
        "        unlisted: seats are quoted by sales\n",
        "        unlisted: seats are quoted by sales\n        price: { us-east-1: 1.0, eu-west-1: 1.0 }\n",
    );
    let report = catalog_with(&with_price).expect_err("price on an unlisted line");
    let text = report.render(false);
    assert!(text.contains("has no list price"), "{text}");
}

#[test]
fn diff_shows_the_delta_per_component() {
    let old = sheets(SPEC, PRICES);
    let new = sheets(
        &SPEC.replace("events_per_second: 1000", "events_per_second: 2000"),
        PRICES,
    );
    let d = render::diff(&old[0], &new[0]);
    assert_eq!(d.components.len(), 1);
    let (before, after) = d.components["stream"];
    assert!((after - before - 2628.0).abs() < 0.01);
    let text = render::diff_markdown(&[d]);
    assert!(text.contains("+$2,628.00"), "{text}");
}

#[test]
fn every_catalog_entry_is_priced_or_free_on_every_provider_in_its_default_region() {
    let catalog = common::catalog();
    let mut missing = Vec::new();
    for provider in Provider::ALL {
        let Some(file) = catalog.providers.get(&provider) else {
            continue;
        };
        let default_region = match provider {
            Provider::Aws => "us-east-1",
            Provider::Azure => "eastus",
            Provider::Gcp => "us-central1",
        };
        let prices = catalog.prices.providers.get(&provider);
        if !prices.is_some_and(|p| p.regions.iter().any(|r| r == default_region)) {
            missing.push(format!("{provider}: no prices for {default_region}"));
            continue;
        }
        let prices = prices.expect("checked");
        for (function, implementation) in &file.functions {
            let Some(pricing) = prices.functions.get(function) else {
                missing.push(format!("{provider}/{function}: no pricing"));
                continue;
            };
            if pricing.free.is_none() && pricing.lines.is_empty() {
                missing.push(format!("{provider}/{function}: neither lines nor free"));
            }
            // Every SKU a size tier uses has a price when the function prices by SKU.
            for (tier, params) in &implementation.sizes {
                let sku_lines: Vec<_> = pricing
                    .lines
                    .iter()
                    .filter(|l| !l.when.is_empty())
                    .collect();
                if sku_lines.is_empty() {
                    continue;
                }
                if !sku_lines
                    .iter()
                    .any(|l| l.when.iter().all(|(k, v)| params.get(k) == Some(v)))
                {
                    missing.push(format!(
                        "{provider}/{function}: no SKU line for tier {tier}"
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} gaps:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// One component on one provider, priced with the built-in data.
fn priced(
    provider: &str,
    region: &str,
    function: &str,
    size: &str,
    usage: &str,
) -> cost::ComponentCost {
    let project = if provider == "gcp" {
        ", project: cost-test-1"
    } else {
        ""
    };
    let text = format!(
        "name: c\nproviders:\n  {provider}: {{ region: {region}{project} }}\nenvironments:\n  e: {{ size: {size} }}\ncomponents:\n  - {{ id: x, function: {function}, usage: {{ {usage} }} }}\n"
    );
    let sourced = spec::parse("c.yaml", &text).expect("parses");
    let sheets =
        archgen::cost_sheets_for(&sourced, &common::catalog(), &GenerateOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
    sheets[0].components[0].clone()
}

/// Hand-computed from the published list prices in catalogs/pricing (the line-by-line
/// arithmetic is in each comment); a change to the data or the engine that moves these fails.
#[test]
fn real_price_data_matches_hand_computed_sheets() {
    // Kinesis, 4 shards (medium), 72 h retention, 1,000 events/s of 1 KB, us-east-1:
    // shards 4 x 730 x $0.015 = 43.80; PUT units 2,628 M x $0.014 = 36.79;
    // extended retention 4 x 730 x $0.020 = 58.40; shard-level metrics 4 x 7 x $0.30 = 8.40.
    let kinesis = priced(
        "aws",
        "us-east-1",
        "streaming_backbone",
        "medium",
        "events_per_second: 1000, event_size_kb: 1",
    );
    assert!((kinesis.monthly - 147.39).abs() < 0.011, "{kinesis:#?}");

    // Cloud SQL db-custom-2-7680 REGIONAL (medium), 100 GB, us-central1:
    // vCPU 2 x 730 x $0.0826 = 120.60; memory 7.5 x 730 x $0.014 = 76.65; SSD 100 x $0.34 = 34.00;
    // backups 100 x $0.08 = 8.00; password secret version $0.06.
    let cloud_sql = priced(
        "gcp",
        "us-central1",
        "relational_db",
        "medium",
        "storage_gb: 100",
    );
    assert!((cloud_sql.monthly - 239.31).abs() < 0.011, "{cloud_sql:#?}");

    // PostgreSQL Flexible Server GP_Standard_D4ds_v5 with zone-redundant HA (medium), eastus:
    // compute 2 x 730 x $0.356 = 519.76; storage 2 x 128 GB x $0.115 = 29.44.
    let postgres = priced(
        "azure",
        "eastus",
        "relational_db",
        "medium",
        "storage_gb: 100",
    );
    assert!((postgres.monthly - 549.20).abs() < 0.011, "{postgres:#?}");
}

/// Seed 001's cost table prices 6 x kafka.m5.2xlarge at "$0.42/hr x 730hr x 6 = $1,839".
/// $0.42 is the kafka.m5.xlarge rate; the 2xlarge broker (8 vCPU, 32 GB) lists at $0.84/hr in
/// us-east-1 (aws.amazon.com/msk/pricing), so the brokers alone are 6 x 730 x $0.84 = $3,679.20.
#[test]
fn seed_001_underprices_its_kafka_brokers() {
    let msk = priced(
        "aws",
        "us-east-1",
        "kafka_managed",
        "xlarge",
        "events_per_second: 0",
    );
    let brokers = msk
        .lines
        .iter()
        .find(|l| l.sku.contains("kafka.m5.2xlarge") || l.name.contains("kafka.m5.2xlarge"))
        .unwrap_or_else(|| panic!("no broker line: {msk:#?}"));
    assert!((brokers.monthly - 3679.20).abs() < 0.011, "{brokers:#?}");
    let seed_value = 1839.0;
    assert!(
        brokers.monthly > 1.9 * seed_value,
        "the seed's figure is the xlarge rate"
    );
}

/// Test prices for the graph-aware line fields: a CDN whose shield line depends on its origins,
/// a WAF that inherits its parent's requests and is covered by a `ddos_protection` component.
const GRAPH_PRICES: &str = "  cdn:\n    lines:\n      - name: Dynamic shield\n        when_connected: [load_balancer]\n        unit: 10k requests\n        quantity: requests_per_second * seconds / 10000\n        price: { us-east-1: 0.01, eu-west-1: 0.01 }\n      - name: Static shield\n        unless_connected: [load_balancer]\n        unit: 10k requests\n        quantity: requests_per_second * seconds * (1 - cache_hit_ratio) / 10000\n        price: { us-east-1: 0.01, eu-west-1: 0.01 }\n  waf:\n    inherit_usage: [requests_per_second]\n    lines:\n      - name: Requests\n        unit: 1M requests\n        quantity: requests_per_second * seconds / 1000000\n        price: { us-east-1: 1.0, eu-west-1: 1.0 }\n        covered_by: { function: ddos_protection, target: parent, protects: [cdn, load_balancer], why: included in the shield }\n      - name: CDN logs\n        when_parent: [cdn]\n        unit: GB\n        quantity: \"1\"\n        price: { us-east-1: 2.0, eu-west-1: 2.0 }\n      - name: Other logs\n        unless_parent: [cdn]\n        unit: GB\n        quantity: \"1\"\n        price: { us-east-1: 3.0, eu-west-1: 3.0 }\n  ddos_protection:\n    free: test\n";

fn graph_spec(cdn_usage: &str, connections: &str) -> String {
    format!(
        "name: g\nproviders:\n  aws: {{ region: us-east-1 }}\nenvironments:\n  prod: {{ size: large }}\ncomponents:\n  - {{ id: site, function: cdn, usage: {{ {cdn_usage} }} }}\n  - {{ id: bucket, function: object_storage }}\n  - {{ id: app_lb, function: load_balancer }}\n  - {{ id: waf, function: waf, attached_to: site }}\n  - {{ id: lb_waf, function: waf, attached_to: app_lb, usage: {{ requests_per_second: 10 }} }}\n  - {{ id: shield, function: ddos_protection }}\nconnections:\n{connections}"
    )
}

fn graph_sheet(cdn_usage: &str, connections: &str) -> cost::CostSheet {
    sheets(
        &graph_spec(cdn_usage, connections),
        &format!("{PRICES}{GRAPH_PRICES}"),
    )
    .remove(0)
}

#[test]
fn lines_can_depend_on_connections_parents_and_the_parents_usage() {
    let origin_bucket = "  - { from: site, to: bucket }\n";
    let origin_lb = "  - { from: site, to: app_lb }\n";
    // A static distribution: only cache misses reach the shield. 100 req/s x 2,628,000 s x
    // (1 - 0.75) / 10,000 = 6,570 units x $0.01 = $65.70; the dynamic line does not apply.
    let sheet = graph_sheet(
        "requests_per_second: 100, cache_hit_ratio: 0.75",
        origin_bucket,
    );
    let site = sheet
        .components
        .iter()
        .find(|c| c.id == "site")
        .expect("site");
    assert_eq!(
        site.lines
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["Static shield"]
    );
    assert_money(site.lines[0].monthly, 65.7);
    assert!(
        site.lines[0]
            .assumptions
            .iter()
            .any(|a| a.name == "cache_hit_ratio" && a.source == "spec")
    );
    // A dynamic origin: every request, 26,280 units = $262.80.
    let sheet = graph_sheet("requests_per_second: 100", origin_lb);
    let site = sheet
        .components
        .iter()
        .find(|c| c.id == "site")
        .expect("site");
    assert_eq!(
        site.lines
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["Dynamic shield"]
    );
    assert_money(site.lines[0].monthly, 262.8);
    // The WAF on the CDN takes the CDN's requests (262.8 M x $1) and its CDN-only log line;
    // the WAF on the load balancer keeps its own usage and the other log line.
    // The shield connects to nothing it protects, so it protects every cdn and load balancer.
    let waf = line(&sheet, "waf", "Requests");
    assert_money(waf.monthly, 0.0);
    assert_eq!(
        waf.free.as_deref(),
        Some("included in the shield (`shield` protects `site`)")
    );
    assert_money(line(&sheet, "waf", "CDN logs").monthly, 2.0);
    assert!(
        sheet
            .components
            .iter()
            .find(|c| c.id == "waf")
            .expect("waf")
            .lines
            .iter()
            .all(|l| l.name != "Other logs")
    );
    assert_money(line(&sheet, "lb_waf", "Other logs").monthly, 3.0);

    // A shield connected to the load balancer protects it alone: the CDN's WAF pays, with
    // the CDN's requests, and says where they came from.
    let sheet = graph_sheet(
        "requests_per_second: 100",
        &format!("{origin_lb}  - {{ from: shield, to: app_lb }}\n"),
    );
    let waf = line(&sheet, "waf", "Requests");
    assert_eq!(waf.free, None);
    assert_money(waf.monthly, 262.8);
    assert!(
        waf.assumptions
            .iter()
            .any(|a| a.name == "requests_per_second" && a.source == "`site` spec")
    );
    let lb_waf = line(&sheet, "lb_waf", "Requests");
    assert_eq!(
        lb_waf.free.as_deref(),
        Some("included in the shield (`shield` protects `app_lb`)")
    );
}

#[test]
fn a_line_naming_an_unknown_function_is_rejected() {
    let prices = format!(
        "{PRICES}{}",
        GRAPH_PRICES.replace("when_parent: [cdn]", "when_parent: [cdnn]")
    );
    let Err(report) = catalog_with(&prices) else {
        panic!("an unknown function in when_parent must be rejected");
    };
    assert!(
        report
            .render(false)
            .contains("names unknown function `cdnn`"),
        "{}",
        report.render(false)
    );
}

#[test]
fn a_cache_hit_ratio_above_1_is_a_spec_error() {
    let catalog = common::catalog();
    let text = graph_spec("cache_hit_ratio: 1.5", "  - { from: site, to: bucket }\n");
    let sourced = spec::parse("g.yaml", &text).expect("parses");
    let Err(failure) = archgen::cost_sheets_for(&sourced, &catalog, &GenerateOptions::default())
    else {
        panic!("a ratio above 1 must be rejected");
    };
    let text = format!("{failure:?}");
    assert!(text.contains("cache_hit_ratio"), "{text}");
}

#[test]
fn an_unassociated_waf_evaluates_no_requests() {
    // GCP: a Cloud Armor policy attaches to a CDN's backend services, never to its buckets.
    let catalog = common::catalog();
    let spec_with = |origins: &str, connections: &str| {
        format!(
            "name: w\nproviders:\n  gcp: {{ region: us-central1, project: cost-test-1 }}\nenvironments:\n  prod: {{ size: medium }}\ncomponents:\n  - {{ id: site, function: cdn, usage: {{ requests_per_second: 100, cache_hit_ratio: 0.8 }} }}\n  - {{ id: files, function: object_storage }}\n{origins}  - {{ id: w, function: waf, attached_to: site }}\nconnections:\n  - {{ from: site, to: files }}\n{connections}"
        )
    };
    let price = |text: &str| {
        let sourced = spec::parse("w.yaml", text).expect("parses");
        archgen::cost_sheets_for(&sourced, &catalog, &GenerateOptions::default())
            .expect("prices")
            .remove(0)
    };
    let name = "Requests evaluated (cache misses of the CDN it guards)";
    let bucket_only = price(&spec_with("", ""));
    let requests = line(&bucket_only, "w", name);
    assert_money(requests.monthly, 0.0);
    assert_eq!(
        requests.free.as_deref(),
        Some("not associated with `site` on GCP: it evaluates no requests")
    );
    // With a Cloud Run origin the policy is attached: 100 req/s x 2,628,000 s x (1 - 0.8)
    // = 52.56 M requests x $0.75 = $39.42, from the CDN's usage.
    let with_service = price(&spec_with(
        "  - { id: app, function: container_service }\n",
        "  - { from: site, to: app }\n",
    ));
    let requests = line(&with_service, "w", name);
    assert_eq!(requests.free, None);
    assert_money(requests.monthly, 39.42);
}

/// A virtual machine size costs the same per hour in a region whichever service runs it (node
/// pool, batch pool, scale set): the hourly VM rates of a provider's price file agree wherever
/// the same size is priced by the VM-hour. Databases are left out on purpose: the same instance
/// class costs twice as much Multi-AZ, and Aurora differs from RDS.
#[test]
fn the_same_vm_size_has_one_hourly_rate_per_region() {
    let catalog = common::catalog();
    let vm_keys = ["vm_size", "machine_type", "instance_type"];
    let vm_units = ["VM-hour", "instance-hour", "node-hour"];
    let mut conflicts = Vec::new();
    for (provider, file) in &catalog.prices.providers {
        // (size, region) -> (price, function, line)
        let mut seen: std::collections::BTreeMap<(String, String), (f64, String, String)> =
            std::collections::BTreeMap::new();
        let mut compared = 0;
        for (function, pricing) in &file.functions {
            for line in &pricing.lines {
                if !vm_units.contains(&line.unit.as_str()) || line.when.len() != 1 {
                    continue;
                }
                let Some((key, archgen::spec::model::Scalar::Str(size))) = line.when.iter().next()
                else {
                    continue;
                };
                if !vm_keys.contains(&key.as_str()) {
                    continue;
                }
                for (region, price) in &line.price {
                    let slot = (size.clone(), region.clone());
                    match seen.get(&slot) {
                        // Published rates are rounded differently on different pages
                        // (0.6768 and 0.677): agree within 0.1%.
                        Some((other, f, l)) => {
                            compared += 1;
                            if (price - other).abs() > other * 0.001 {
                                conflicts.push(format!(
                                    "{provider} {size} {region}: {price} ({function}: {}) vs {other} ({f}: {l})",
                                    line.name
                                ));
                            }
                        }
                        None => {
                            seen.insert(slot, (*price, function.clone(), line.name.clone()));
                        }
                    }
                }
            }
        }
        // Guard against the filter silently matching nothing.
        if matches!(provider, Provider::Azure | Provider::Gcp) {
            assert!(
                compared > 0,
                "{provider}: no VM size priced twice; the filter is stale"
            );
        }
    }
    assert!(conflicts.is_empty(), "{}", conflicts.join("\n"));
}

/// A load balancer behind a CDN pays no internet egress of its own (AWS: the ALB accepts only
/// the CDN, and origin transfer to the CDN is free; GCP: the CDN's URL map is the only
/// frontend, so there are no forwarding rules of its own either), and says why; without a CDN
/// in front it does. Priced with the shipped catalogs.
#[test]
fn a_load_balancer_behind_a_cdn_pays_no_egress_of_its_own() {
    let line_names = |fronted: bool, provider: &str| -> Vec<String> {
        let cdn = if fronted {
            "  - { id: edge, function: cdn }\n"
        } else {
            ""
        };
        let connection = if fronted {
            "connections:\n  - { from: edge, to: lb }\n"
        } else {
            ""
        };
        let text = format!(
            "name: f\nproviders:\n  aws: {{ region: us-east-1 }}\n  gcp: {{ region: us-central1, project: fronted-test }}\nenvironments:\n  prod: {{ size: medium }}\ncomponents:\n{cdn}  - {{ id: lb, function: load_balancer, usage: {{ egress_gb_month: 100 }} }}\n{connection}"
        );
        let tree = common::generate_text("f.yaml", &text);
        let sheet: serde_json::Value =
            serde_json::from_str(&tree[&format!("{provider}/cost/prod.json")]).expect("json");
        sheet["components"]
            .as_array()
            .expect("components")
            .iter()
            .filter(|c| c["id"] == "lb")
            .flat_map(|c| c["lines"].as_array().expect("lines").clone())
            .map(|l| {
                let priced = if l["free"].is_string() {
                    "free"
                } else {
                    "priced"
                };
                format!("{} ({priced})", l["name"].as_str().expect("name"))
            })
            .collect()
    };
    let aws_direct = line_names(false, "aws");
    let aws_fronted = line_names(true, "aws");
    assert!(
        aws_direct.contains(&"Data transfer out to the internet (priced)".to_string()),
        "{aws_direct:?}"
    );
    assert!(
        !aws_direct
            .iter()
            .any(|l| l.starts_with("Transfer to CloudFront")),
        "{aws_direct:?}"
    );
    assert!(
        !aws_fronted
            .iter()
            .any(|l| l.starts_with("Data transfer out")),
        "{aws_fronted:?}"
    );
    assert!(
        aws_fronted.contains(&"Transfer to CloudFront (free)".to_string()),
        "{aws_fronted:?}"
    );
    let gcp_direct = line_names(false, "gcp");
    let gcp_fronted = line_names(true, "gcp");
    for priced in [
        "Forwarding rules (HTTPS + HTTP redirect) (priced)",
        "Internet egress (Premium Tier, first TiB) (priced)",
    ] {
        assert!(gcp_direct.contains(&priced.to_string()), "{gcp_direct:?}");
        assert!(
            !gcp_fronted.contains(&priced.to_string()),
            "{gcp_fronted:?}"
        );
    }
    assert!(
        gcp_fronted.contains(&"Data processed (responses) (priced)".to_string()),
        "{gcp_fronted:?}"
    );
    assert!(
        gcp_fronted.contains(&"Frontend and egress through the CDN (free)".to_string()),
        "{gcp_fronted:?}"
    );
}
