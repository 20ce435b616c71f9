//! Cross-cloud tradeoff scores: 1-5 per provider on the dimensions seed 000 compares, computed
//! from catalog data about the services this spec uses and from the cost engine's totals.
//!
//! Each dimension scores the components that bear on it (a query engine on query performance,
//! a stream on streaming throughput; every component on operational simplicity and ecosystem
//! integration). A provider's score is the mean of its services' scores weighted by their
//! monthly cost in the production-scale environment (plus $1, so free services still count):
//! the services that carry the bill carry the score. A service with an item not priced weighs
//! at least the mean of what the clouds that price it fully charge for the same component.
//! Cost at scale compares the totals of that environment: the cheapest provider scores 5, the
//! others 5 x cheapest / theirs. A total with items not priced is a lower bound: it is compared
//! with the cheapest fully priced total, scores 5 when below it and is never called the
//! cheapest.
//!
//! The per-service scores and reasons are catalog data (`scores:` and `operations:` on each
//! implementation), so a new service brings its own.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use crate::catalog::{Deployment, Implementation, Operations, Provider, Status};
use crate::cost::{CostSheet, render::money};

/// Dimensions scored from per-service catalog scores.
pub const SCORED: [&str; 4] = [
    QUERY_PERFORMANCE,
    STREAMING_THROUGHPUT,
    OPERATIONAL_SIMPLICITY,
    ECOSYSTEM_INTEGRATION,
];

const QUERY_PERFORMANCE: &str = "query_performance";
const STREAMING_THROUGHPUT: &str = "streaming_throughput";
const OPERATIONAL_SIMPLICITY: &str = "operational_simplicity";
const ECOSYSTEM_INTEGRATION: &str = "ecosystem_integration";
const COST_AT_SCALE: &str = "cost_at_scale";

/// The tradeoff analysis of one spec.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Tradeoffs {
    /// The environment whose costs weight the scores (the one with the largest size tier).
    pub environment: String,
    /// Providers compared.
    pub providers: Vec<String>,
    /// One entry per dimension, in a fixed order.
    pub dimensions: Vec<Dimension>,
}

/// One dimension's scores.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Dimension {
    /// Stable id, e.g. `query_performance`.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Provider -> score; empty when no component of the spec bears on the dimension.
    pub scores: BTreeMap<String, Cell>,
    /// One line naming the services behind the scores.
    pub rationale: String,
}

/// One provider's score on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Cell {
    /// 1 (worst) to 5 (best).
    pub score: u8,
    /// The weighted mean the score rounds.
    pub mean: f64,
    /// The services scored, heaviest first.
    pub drivers: Vec<Driver>,
}

/// One service's contribution.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Driver {
    /// Component id.
    pub component: String,
    /// The provider's service.
    pub service: String,
    /// Its score.
    pub score: u8,
    /// Weight: monthly cost in the scale environment plus $1.
    pub weight: f64,
    /// Why it scores so.
    pub why: String,
}

/// Scores every dimension for the given deployments; `sheets` are the cost sheets of every
/// provider and environment (those of the production-scale environment are used).
pub fn analyze(
    deployments: &BTreeMap<Provider, Deployment<'_>>,
    sheets: &[CostSheet],
) -> Tradeoffs {
    let environment = scale_environment(deployments, sheets);
    let scale_sheets: BTreeMap<&str, &CostSheet> = sheets
        .iter()
        .filter(|s| s.environment == environment)
        .map(|s| (s.provider.as_str(), s))
        .collect();
    let titles = [
        (QUERY_PERFORMANCE, "Query performance"),
        (COST_AT_SCALE, "Cost at scale"),
        (STREAMING_THROUGHPUT, "Streaming throughput"),
        (OPERATIONAL_SIMPLICITY, "Operational simplicity"),
        (ECOSYSTEM_INTEGRATION, "Ecosystem integration"),
    ];
    let weights = cost_weights(&scale_sheets);
    let dimensions = titles
        .iter()
        .map(|(id, title)| {
            if *id == COST_AT_SCALE {
                cost_dimension(&environment, deployments, &scale_sheets)
            } else {
                scored_dimension(id, title, deployments, &weights)
            }
        })
        .collect();
    Tradeoffs {
        environment,
        providers: deployments.keys().map(|p| p.as_str().to_string()).collect(),
        dimensions,
    }
}

/// The environment with the largest default size tier (the last by name among equals).
fn scale_environment(
    deployments: &BTreeMap<Provider, Deployment<'_>>,
    sheets: &[CostSheet],
) -> String {
    deployments
        .values()
        .next()
        .and_then(|d| d.graph.spec.largest_environment())
        .map(str::to_string)
        .or_else(|| sheets.first().map(|s| s.environment.clone()))
        .unwrap_or_default()
}

/// A service's own score on a dimension, if it bears on it.
fn service_score(dimension: &str, implementation: &Implementation) -> Option<(u8, String)> {
    if let Some(score) = implementation.scores.get(dimension) {
        return Some((score.score, score.why.clone()));
    }
    match dimension {
        OPERATIONAL_SIMPLICITY => {
            let class = implementation.operations();
            let (score, what) = match class {
                Operations::Serverless => (5, "nothing to size, capacity follows use"),
                Operations::Managed => {
                    (4, "capacity bounds to set, the service scales within them")
                }
                Operations::Provisioned => (3, "nodes, shards or units to size and resize"),
                Operations::SelfManaged => (2, "machines to patch, scale and upgrade"),
            };
            if implementation.status == Status::Fallback && class != Operations::SelfManaged {
                Some((
                    score - 1,
                    format!(
                        "{}: {what}; a stand-in you integrate yourself",
                        class.as_str()
                    ),
                ))
            } else {
                Some((score, format!("{}: {what}", class.as_str())))
            }
        }
        ECOSYSTEM_INTEGRATION => Some(match implementation.status {
            Status::Native => (4, "first-party service with the usual integrations".into()),
            Status::Partial => (3, "first-party, with different semantics".into()),
            Status::Fallback => (2, "a stand-in: integrations are yours to build".into()),
        }),
        _ => None,
    }
}

/// Provider -> component -> the monthly cost that weights its scores. A component with an item
/// not priced on a provider (no price data, or no public list price) weighs at least the mean of
/// what the providers that price it fully charge for it: an unknown bill is not a small one.
fn cost_weights<'a>(
    sheets: &BTreeMap<&'a str, &'a CostSheet>,
) -> BTreeMap<&'a str, BTreeMap<&'a str, f64>> {
    // Per sheet, the components with items that leave its total short (a set: a scan of the
    // items per component grew with the square of the spec).
    let short: BTreeMap<&str, BTreeSet<&str>> = sheets
        .iter()
        .map(|(provider, sheet)| {
            let ids = sheet.short_items().map(|u| u.component.as_str()).collect();
            (*provider, ids)
        })
        .collect();
    let is_short = |provider: &str, id: &str| short.get(provider).is_some_and(|s| s.contains(id));
    let mut complete: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (provider, sheet) in sheets {
        for component in &sheet.components {
            if !is_short(provider, &component.id) {
                complete
                    .entry(component.id.as_str())
                    .or_default()
                    .push(component.monthly);
            }
        }
    }
    sheets
        .iter()
        .map(|(provider, sheet)| {
            let costs = sheet
                .components
                .iter()
                .map(|c| {
                    let mut weight = c.monthly;
                    if is_short(provider, &c.id)
                        && let Some(known) = complete.get(c.id.as_str())
                    {
                        #[expect(clippy::cast_precision_loss, reason = "at most three providers")]
                        let mean = known.iter().sum::<f64>() / known.len() as f64;
                        weight = weight.max(mean);
                    }
                    (c.id.as_str(), weight)
                })
                .collect();
            (*provider, costs)
        })
        .collect()
}

fn scored_dimension(
    id: &str,
    title: &str,
    deployments: &BTreeMap<Provider, Deployment<'_>>,
    weights: &BTreeMap<&str, BTreeMap<&str, f64>>,
) -> Dimension {
    let mut scores = BTreeMap::new();
    for (provider, deployment) in deployments {
        let costs = weights.get(provider.as_str());
        let mut drivers: Vec<Driver> = deployment
            .placements
            .iter()
            .filter_map(|p| {
                let (score, why) = service_score(id, p.implementation)?;
                Some(Driver {
                    component: p.component.id.clone(),
                    service: p.implementation.service.clone(),
                    score,
                    weight: round2(
                        costs
                            .and_then(|c| c.get(p.component.id.as_str()))
                            .copied()
                            .unwrap_or(0.0)
                            + 1.0,
                    ),
                    why,
                })
            })
            .collect();
        if drivers.is_empty() {
            continue;
        }
        drivers.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.component.cmp(&b.component))
        });
        let total: f64 = drivers.iter().map(|d| d.weight).sum();
        let mean = drivers
            .iter()
            .map(|d| f64::from(d.score) * d.weight)
            .sum::<f64>()
            / total;
        scores.insert(
            provider.as_str().to_string(),
            Cell {
                score: to_score(mean),
                mean: round2(mean),
                drivers,
            },
        );
    }
    let rationale = if scores.is_empty() {
        format!(
            "Not scored: no component of this spec bears on {}.",
            title.to_lowercase()
        )
    } else {
        scored_rationale(&scores)
    };
    Dimension {
        id: id.to_string(),
        title: title.to_string(),
        scores,
        rationale,
    }
}

/// Per provider, best first: its heaviest service, and the lowest-scoring one when it holds
/// the score down.
fn scored_rationale(scores: &BTreeMap<String, Cell>) -> String {
    let mut ordered: Vec<(&String, &Cell)> = scores.iter().collect();
    ordered.sort_by(|a, b| b.1.score.cmp(&a.1.score).then_with(|| a.0.cmp(b.0)));
    let parts: Vec<String> = ordered
        .iter()
        .map(|(provider, cell)| {
            let title = Provider::parse(provider)
                .map_or_else(|| (*provider).clone(), |p| p.title().to_string());
            let top = &cell.drivers[0];
            let mut text = format!(
                "{title} {}: {} {} ({})",
                cell.score, top.service, top.score, top.why
            );
            // The service that pulls hardest the other way (score gap x weight), if any.
            let pull = |d: &Driver| f64::from(d.score.abs_diff(top.score)) * d.weight;
            if let Some(other) =
                cell.drivers
                    .iter()
                    .filter(|d| d.score != top.score)
                    .max_by(|a, b| {
                        pull(a)
                            .total_cmp(&pull(b))
                            .then_with(|| b.component.cmp(&a.component))
                    })
            {
                let verb = if other.score < top.score {
                    "held back by"
                } else {
                    "lifted by"
                };
                text.push_str(&format!(
                    ", {verb} {} {} ({})",
                    other.service, other.score, other.why
                ));
            }
            text
        })
        .collect();
    format!("{}.", parts.join("; "))
}

fn cost_dimension(
    environment: &str,
    deployments: &BTreeMap<Provider, Deployment<'_>>,
    sheets: &BTreeMap<&str, &CostSheet>,
) -> Dimension {
    let totals: Vec<(Provider, &CostSheet)> = deployments
        .keys()
        .filter_map(|p| sheets.get(p.as_str()).map(|s| (*p, *s)))
        .collect();
    // A total with items not priced is a lower bound; the reference is the cheapest fully
    // priced total when there is one, so a lower bound below it scores 5 without claiming to
    // be the cheapest.
    let short = |sheet: &CostSheet| sheet.short_items().count();
    let complete_cheapest = totals
        .iter()
        .filter(|(_, s)| short(s) == 0)
        .map(|(_, s)| s.total)
        .fold(f64::INFINITY, f64::min);
    let cheapest = if complete_cheapest.is_finite() {
        complete_cheapest
    } else {
        totals
            .iter()
            .map(|(_, s)| s.total)
            .fold(f64::INFINITY, f64::min)
    };
    let mut scores = BTreeMap::new();
    for (provider, sheet) in &totals {
        let ratio = if sheet.total > 0.0 {
            (cheapest / sheet.total).min(1.0)
        } else {
            1.0
        };
        let mut components: Vec<_> = sheet.components.iter().collect();
        components.sort_by(|a, b| {
            b.monthly
                .total_cmp(&a.monthly)
                .then_with(|| a.id.cmp(&b.id))
        });
        let drivers = components
            .iter()
            .take(3)
            .map(|c| Driver {
                component: c.id.clone(),
                service: c.service.clone(),
                score: to_score(5.0 * ratio),
                weight: round2(c.monthly + 1.0),
                why: format!("{} a month", money(c.monthly)),
            })
            .collect();
        scores.insert(
            provider.as_str().to_string(),
            Cell {
                score: to_score(5.0 * ratio),
                mean: round2(5.0 * ratio),
                drivers,
            },
        );
    }
    let mut ordered = totals.clone();
    ordered.sort_by(|a, b| a.1.total.total_cmp(&b.1.total).then_with(|| a.0.cmp(&b.0)));
    let parts: Vec<String> = ordered
        .iter()
        .map(|(provider, sheet)| {
            let missing = short(sheet);
            let mut text = format!(
                "{} {}{}",
                provider.title(),
                if missing > 0 { "at least " } else { "" },
                money(sheet.total)
            );
            if sheet.total > cheapest && cheapest > 0.0 {
                text.push_str(&format!(
                    " (+{:.0}%)",
                    (sheet.total / cheapest - 1.0) * 100.0
                ));
            } else if missing == 0 {
                let below = totals.iter().any(|(_, other)| other.total < sheet.total);
                text.push_str(if below {
                    " (cheapest fully priced)"
                } else {
                    " (cheapest)"
                });
            }
            if let Some(top) = sheet.components.iter().max_by(|a, b| {
                a.monthly
                    .total_cmp(&b.monthly)
                    .then_with(|| b.id.cmp(&a.id))
            }) {
                text.push_str(&format!(
                    ", most of it {} {}",
                    top.service,
                    money(top.monthly)
                ));
            }
            if missing > 0 {
                text.push_str(&format!(", {missing} item(s) not priced"));
            }
            text
        })
        .collect();
    Dimension {
        id: COST_AT_SCALE.to_string(),
        title: "Cost at scale".to_string(),
        scores,
        rationale: format!(
            "Monthly list price in `{environment}`: {}.",
            parts.join("; ")
        ),
    }
}

/// Rounds a 1-5 mean to a score (halves up), clamped to 1..=5.
fn to_score(mean: f64) -> u8 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 1..=5 first"
    )]
    let score = (mean.clamp(1.0, 5.0) + 0.5).floor() as u8;
    score.min(5)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::to_score;

    #[test]
    fn means_round_halves_up_and_clamp() {
        assert_eq!(to_score(4.49), 4);
        assert_eq!(to_score(4.5), 5);
        assert_eq!(to_score(0.2), 1);
        assert_eq!(to_score(7.0), 5);
        assert_eq!(to_score(2.5), 3);
    }
}
