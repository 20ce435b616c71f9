//! `ARCHITECTURE.md`: the design document of a spec — diagram, components, provider mapping,
//! why each service, cost side by side, production risks and the deployment order.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{OutputTree, TemplateError, Templates};
use crate::analyze::{Finding, Level};
use crate::catalog::{Catalog, Provider, Status};
use crate::graph::{STAGES, ServiceGraph};
use crate::tradeoffs::Tradeoffs;

/// What the report draws on besides the graph.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// Each environment's cost table, the providers side by side (Markdown).
    pub cost_tables: &'a BTreeMap<String, String>,
    /// `archgen analyze` findings.
    pub findings: &'a [Finding],
    /// Cross-cloud tradeoff scores.
    pub tradeoffs: &'a Tradeoffs,
}

/// Renders `ARCHITECTURE.md` into the tree.
pub fn render(
    graph: &ServiceGraph,
    catalog: &Catalog,
    report: &Report<'_>,
    templates: &Templates,
    tree: &mut OutputTree,
) -> Result<(), TemplateError> {
    let findings = report.findings;
    let providers: Vec<Provider> = graph.spec.providers.keys().copied().collect();
    let components: Vec<Value> = graph
        .ordered()
        .map(|c| {
            let meta = catalog.functions.get(&c.function);
            let implementations: Vec<Value> = providers
                .iter()
                .filter_map(|p| {
                    catalog.implementation(*p, &c.function).map(|i| {
                        json!({
                            "provider": p.title(),
                            "service": i.service,
                            "status": i.status.as_str(),
                            "note": i.note,
                            "docs": i.docs,
                        })
                    })
                })
                .collect();
            json!({
                "id": c.id,
                "label": c.label,
                "tier": c.tier,
                "function_title": meta.map_or(c.function.as_str(), |m| m.title.as_str()),
                "function_description": meta.map_or("", |m| m.description.as_str()),
                "purpose": if c.description.is_empty() { meta.map_or("", |m| m.description.as_str()) } else { c.description.as_str() },
                "implementations": implementations,
            })
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
    let mapping: Vec<Value> = functions
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
            json!({"title": format!("{title} (`{function}`)"), "cells": cells})
        })
        .collect();

    let costs: Vec<Value> = report
        .cost_tables
        .iter()
        .map(|(env, table)| {
            let table = table.replacen(
                "# Monthly cost, side by side",
                "### Monthly cost, side by side",
                1,
            );
            json!({"env": env, "table": table.trim_end()})
        })
        .collect();

    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|f| (f.acknowledged.is_some(), std::cmp::Reverse(f.level)));
    let risks: Vec<Value> = ordered
        .iter()
        .map(|f| {
            json!({
                "level": match f.level { Level::Error => "error", Level::Warning => "warning", Level::Note => "note" },
                "title": f.title,
                "detail": f.detail,
                "components": f.components,
                "why": f.why,
                "mitigation": f.mitigation,
                "acknowledged": f.acknowledged,
            })
        })
        .collect();

    let stages: Vec<Value> = STAGES
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
            json!({"name": stage, "components": members})
        })
        .filter(|s| s["components"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();

    let architecture = tree
        .get("diagrams/architecture.mmd")
        .map_or("", |s| s.trim_end())
        .to_string();
    let context = json!({
        "spec": {"name": graph.spec.name, "description": graph.spec.description},
        "providers": providers.iter().map(|p| p.title()).collect::<Vec<_>>(),
        "architecture": architecture,
        "components": components,
        "mapping": mapping,
        "costs": costs,
        "risks": risks,
        "acknowledged": findings.iter().filter(|f| f.acknowledged.is_some()).count(),
        "stages": stages,
        "tradeoffs": tradeoff_rows(report.tradeoffs, &providers),
        "scale_env": report.tradeoffs.environment,
    });
    let text = templates.render("docs/ARCHITECTURE.md.tera", &context)?;
    tree.insert("ARCHITECTURE.md".into(), text);
    Ok(())
}

/// One row per dimension: a cell per provider (best marked), and the rationale.
fn tradeoff_rows(tradeoffs: &Tradeoffs, providers: &[Provider]) -> Vec<Value> {
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
            json!({"title": d.title, "cells": cells, "rationale": d.rationale})
        })
        .collect()
}
