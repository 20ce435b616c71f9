//! `ARCHITECTURE.md`: the design document of a spec — diagram, components, provider mapping,
//! why each service, cost side by side, production risks and the deployment order.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Sink, TemplateError, Templates};
use crate::analyze::{Finding, Level};
use crate::catalog::{Catalog, Provider, Status};
use crate::graph::{STAGES, ServiceGraph};
use crate::tradeoffs::Tradeoffs;

/// What the report draws on besides the graph.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The provider-neutral architecture diagram (`diagrams/architecture.mmd`).
    pub architecture: &'a str,
    /// Each environment's cost table, the providers side by side (Markdown).
    pub cost_tables: &'a BTreeMap<String, String>,
    /// `archgen analyze` findings.
    pub findings: &'a [Finding],
    /// Cross-cloud tradeoff scores.
    pub tradeoffs: &'a Tradeoffs,
}

/// The context of `docs/ARCHITECTURE.md.tera`. Borrowed and serialized straight into Tera
/// values: a large spec's report context is built once, without an intermediate JSON tree.
#[derive(Serialize)]
struct Context<'a> {
    spec: SpecInfo<'a>,
    providers: Vec<&'static str>,
    architecture: &'a str,
    components: Vec<ComponentRow<'a>>,
    mapping: Vec<Row>,
    costs: Vec<Cost<'a>>,
    risks: Vec<Risk<'a>>,
    acknowledged: usize,
    stages: Vec<Stage>,
    tradeoffs: Vec<TradeoffRow<'a>>,
    scale_env: &'a str,
}

#[derive(Serialize)]
struct SpecInfo<'a> {
    name: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct ComponentRow<'a> {
    id: &'a str,
    label: &'a str,
    tier: &'a str,
    function_title: &'a str,
    function_description: &'a str,
    purpose: &'a str,
    implementations: Vec<ImplementationRow<'a>>,
}

#[derive(Serialize)]
struct ImplementationRow<'a> {
    provider: &'static str,
    service: &'a str,
    status: &'static str,
    note: Option<&'a str>,
    docs: &'a str,
}

#[derive(Serialize)]
struct Row {
    title: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Cost<'a> {
    env: &'a str,
    table: String,
}

#[derive(Serialize)]
struct Risk<'a> {
    level: &'static str,
    title: &'a str,
    detail: &'a str,
    components: &'a [String],
    why: &'a str,
    mitigation: &'a str,
    acknowledged: Option<&'a str>,
}

#[derive(Serialize)]
struct Stage {
    name: &'static str,
    components: Vec<String>,
}

#[derive(Serialize)]
struct TradeoffRow<'a> {
    title: &'a str,
    cells: Vec<String>,
    rationale: &'a str,
}

/// Renders `ARCHITECTURE.md` into `out`.
pub fn render(
    graph: &ServiceGraph,
    catalog: &Catalog,
    report: &Report<'_>,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<(), TemplateError> {
    let findings = report.findings;
    let providers: Vec<Provider> = graph.spec.providers.keys().copied().collect();
    let components: Vec<ComponentRow<'_>> = graph
        .ordered()
        .map(|c| {
            let meta = catalog.functions.get(&c.function);
            let implementations = providers
                .iter()
                .filter_map(|p| {
                    catalog
                        .implementation(*p, &c.function)
                        .map(|i| ImplementationRow {
                            provider: p.title(),
                            service: &i.service,
                            status: i.status.as_str(),
                            note: i.note.as_deref(),
                            docs: &i.docs,
                        })
                })
                .collect();
            let function_description = meta.map_or("", |m| m.description.as_str());
            ComponentRow {
                id: &c.id,
                label: &c.label,
                tier: &c.tier,
                function_title: meta.map_or(c.function.as_str(), |m| m.title.as_str()),
                function_description,
                purpose: if c.description.is_empty() {
                    function_description
                } else {
                    &c.description
                },
                implementations,
            }
        })
        .collect();

    let mut functions: Vec<&str> = graph
        .spec
        .components
        .iter()
        .map(|c| c.function.as_str())
        .collect();
    functions.sort_unstable();
    functions.dedup();
    let mapping: Vec<Row> = functions
        .iter()
        .map(|function| {
            let cells: Vec<String> = providers
                .iter()
                .map(|p| match catalog.implementation(*p, function) {
                    Some(i) if i.status == Status::Native => super::filters::md(&i.service),
                    Some(i) => format!(
                        "{} (*{}*)",
                        super::filters::md(&i.service),
                        i.status.as_str()
                    ),
                    None => "—".into(),
                })
                .collect();
            let title = catalog
                .functions
                .get(*function)
                .map_or(*function, |m| m.title.as_str());
            Row {
                title: format!("{title} (`{function}`)"),
                cells,
            }
        })
        .collect();

    let costs: Vec<Cost<'_>> = report
        .cost_tables
        .iter()
        .map(|(env, table)| Cost {
            env,
            table: table
                .replacen(
                    "# Monthly cost, side by side",
                    "### Monthly cost, side by side",
                    1,
                )
                .trim_end()
                .to_string(),
        })
        .collect();

    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|f| (f.acknowledged.is_some(), std::cmp::Reverse(f.level)));
    let risks: Vec<Risk<'_>> = ordered
        .iter()
        .map(|f| Risk {
            level: match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "note",
            },
            title: f.title,
            detail: &f.detail,
            components: &f.components,
            why: f.why,
            mitigation: f.mitigation,
            acknowledged: f.acknowledged.as_deref(),
        })
        .collect();

    let stages: Vec<Stage> = STAGES
        .iter()
        .map(|stage| {
            let mut members: Vec<String> = graph
                .ordered()
                .filter(|c| {
                    catalog
                        .functions
                        .get(&c.function)
                        .is_some_and(|m| m.stage == *stage)
                })
                .map(|c| format!("`{}`", c.id))
                .collect();
            if *stage == "network" {
                members.insert(0, "the foundation (network, keys, logging)".into());
            }
            Stage {
                name: stage,
                components: members,
            }
        })
        .filter(|s| !s.components.is_empty())
        .collect();

    let context = Context {
        spec: SpecInfo {
            name: &graph.spec.name,
            description: &graph.spec.description,
        },
        providers: providers.iter().map(|p| p.title()).collect(),
        architecture: report.architecture.trim_end(),
        components,
        mapping,
        costs,
        risks,
        acknowledged: findings.iter().filter(|f| f.acknowledged.is_some()).count(),
        stages,
        tradeoffs: tradeoff_rows(report.tradeoffs, &providers),
        scale_env: &report.tradeoffs.environment,
    };
    let text = templates.render("docs/ARCHITECTURE.md.tera", &context)?;
    out.put("ARCHITECTURE.md".into(), text);
    Ok(())
}

/// One row per dimension: a cell per provider (best marked), and the rationale.
fn tradeoff_rows<'a>(tradeoffs: &'a Tradeoffs, providers: &[Provider]) -> Vec<TradeoffRow<'a>> {
    tradeoffs
        .dimensions
        .iter()
        .map(|d| {
            let best = d.scores.values().map(|c| c.score).max();
            let worst = d.scores.values().map(|c| c.score).min();
            let cells: Vec<String> = providers
                .iter()
                .map(|p| match d.scores.get(p.as_str()) {
                    Some(c) if Some(c.score) == best && worst < best => {
                        format!("**{}**", c.score)
                    }
                    Some(c) => c.score.to_string(),
                    None => "n/a".into(),
                })
                .collect();
            TradeoffRow {
                title: &d.title,
                cells,
                rationale: &d.rationale,
            }
        })
        .collect()
}
