//! Mermaid diagrams: the architecture by tier (provider-neutral and per provider) and one
//! sequence diagram per flow. Without flows in the spec, the request path is derived from the
//! graph: from the first actor, following connections breadth-first.

use std::collections::{BTreeSet, VecDeque};

use serde::Serialize;

use super::{Sink, TIERS, TemplateError, Templates};
use crate::catalog::{Catalog, Deployment};
use crate::graph::ServiceGraph;
use crate::spec::FlowSpec;

/// Lane titles, as in seed 000's architecture pages.
fn tier_title(tier: &str) -> &'static str {
    match tier {
        "edge" => "Client & edge",
        "compute" => "Application & compute",
        "data" => "Data & state",
        "integration" => "Async & integration",
        _ => "Security & operations",
    }
}

/// Lanes drawn left to right.
const LANE_ORDER: [&str; 5] = ["edge", "compute", "integration", "data", "operations"];

fn node(graph: &ServiceGraph, id: &str) -> String {
    if graph.spec.actors.iter().any(|a| a.id == id) {
        format!("a_{id}")
    } else {
        format!("c_{id}")
    }
}

fn label(graph: &ServiceGraph, id: &str) -> String {
    graph
        .spec
        .actors
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.label.clone())
        .or_else(|| graph.spec.component(id).map(|c| c.label.clone()))
        .unwrap_or_else(|| id.to_string())
}

/// Above this many connections a diagram bundles fan-out: a component with three or more
/// connections into one lane gets a single edge to that lane, labelled with the count.
const BUNDLE_ABOVE: usize = 30;

#[derive(Serialize)]
struct Edge<'a> {
    from: String,
    to: String,
    label: std::borrow::Cow<'a, str>,
    two_way: bool,
}

#[derive(Serialize)]
struct Vertex<'a> {
    node: String,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize)]
struct Lane<'a> {
    id: &'static str,
    title: &'static str,
    nodes: Vec<Vertex<'a>>,
}

#[derive(Serialize)]
struct Attachment {
    from: String,
    to: String,
    label: &'static str,
}

/// The context of `diagrams/architecture.mmd.tera`.
#[derive(Serialize)]
struct Architecture<'a> {
    title: &'a str,
    tiers: Vec<Lane<'a>>,
    actors: Vec<Vertex<'a>>,
    edges: Vec<Edge<'a>>,
    attachments: Vec<Attachment>,
}

/// Edges of the architecture diagram, bundled per target lane on large specs.
fn edges(graph: &ServiceGraph) -> Vec<Edge<'_>> {
    let connections = &graph.spec.connections;
    let lane_of = |id: &str| graph.spec.component(id).map(|c| c.tier.clone());
    let mut fan_out: std::collections::BTreeMap<(String, String), usize> =
        std::collections::BTreeMap::new();
    if connections.len() > BUNDLE_ABOVE {
        for c in connections {
            if let Some(lane) = lane_of(&c.to) {
                *fan_out.entry((c.from.clone(), lane)).or_default() += 1;
            }
        }
        fan_out.retain(|_, n| *n >= 3);
    }
    let mut out = Vec::new();
    let mut bundled: BTreeSet<(String, String)> = BTreeSet::new();
    for c in connections {
        let lane = lane_of(&c.to);
        if let Some(lane) = lane.filter(|l| fan_out.contains_key(&(c.from.clone(), l.clone()))) {
            if bundled.insert((c.from.clone(), lane.clone())) {
                let count = fan_out[&(c.from.clone(), lane.clone())];
                out.push(Edge {
                    from: node(graph, &c.from),
                    to: format!("lane_{lane}"),
                    label: format!("{count} connections").into(),
                    two_way: false,
                });
            }
            continue;
        }
        out.push(Edge {
            from: node(graph, &c.from),
            to: node(graph, &c.to),
            label: c.label.as_str().into(),
            two_way: c.two_way,
        });
    }
    out
}

/// The architecture context; `detail(component id)` is the second line of each node.
fn architecture<'a>(
    graph: &'a ServiceGraph,
    title: &'a str,
    detail: &dyn Fn(&str) -> String,
) -> Architecture<'a> {
    debug_assert!(LANE_ORDER.iter().all(|t| TIERS.contains(t)));
    let tiers: Vec<Lane<'_>> = LANE_ORDER
        .iter()
        .filter_map(|tier| {
            let nodes: Vec<Vertex<'_>> = graph
                .ordered()
                .filter(|c| c.tier == *tier)
                .map(|c| Vertex {
                    node: format!("c_{}", c.id),
                    label: &c.label,
                    detail: Some(detail(&c.id)),
                })
                .collect();
            (!nodes.is_empty()).then(|| Lane {
                id: tier,
                title: tier_title(tier),
                nodes,
            })
        })
        .collect();
    let actors: Vec<Vertex<'_>> = graph
        .spec
        .actors
        .iter()
        .map(|a| Vertex {
            node: format!("a_{}", a.id),
            label: &a.label,
            detail: None,
        })
        .collect();
    let edges = edges(graph);
    // `attached_to` drawn as a dotted link: a WAF protecting its CDN, a DLQ beside its queue.
    let attachments: Vec<Attachment> = graph
        .ordered()
        .filter_map(|c| {
            let parent = c.attached_to.as_deref()?;
            Some(Attachment {
                from: format!("c_{}", c.id),
                to: format!("c_{parent}"),
                label: "attached to",
            })
        })
        .collect();
    Architecture {
        title,
        tiers,
        actors,
        edges,
        attachments,
    }
}

/// Flows from the spec, or one derived request path.
fn flows(graph: &ServiceGraph) -> Vec<FlowSpec> {
    if !graph.spec.flows.is_empty() {
        return graph.spec.flows.clone();
    }
    let Some(start) = graph
        .spec
        .actors
        .first()
        .map(|a| a.id.clone())
        .or_else(|| graph.ordered().last().map(|c| c.id.clone()))
    else {
        return Vec::new();
    };
    // Breadth-first along connections: each connection used once, in spec order.
    let mut steps = Vec::new();
    let mut seen = BTreeSet::from([start.clone()]);
    let mut queue = VecDeque::from([start]);
    while let Some(current) = queue.pop_front() {
        for connection in graph.spec.connections_from(&current) {
            steps.push((
                connection.from.clone(),
                connection.to.clone(),
                connection.label.clone(),
            ));
            if seen.insert(connection.to.clone()) {
                queue.push_back(connection.to.clone());
            }
        }
    }
    if steps.is_empty() {
        return Vec::new();
    }
    vec![FlowSpec {
        id: "request_path".into(),
        label: "Request path (derived from the connections)".into(),
        steps,
    }]
}

#[derive(Serialize)]
struct Participant {
    node: String,
    label: String,
    actor: bool,
}

#[derive(Serialize)]
struct Step<'a> {
    from: String,
    to: String,
    message: &'a str,
    reply: bool,
}

#[derive(Serialize)]
struct Flow<'a> {
    id: &'a str,
    title: &'a str,
    participants: Vec<Participant>,
    steps: Vec<Step<'a>>,
}

/// The context of `diagrams/sequence.mmd.tera`.
#[derive(Serialize)]
struct Sequence<'a> {
    flow: Flow<'a>,
}

#[derive(Serialize)]
struct FlowDoc<'a> {
    title: &'a str,
    text: &'a str,
}

/// The context of `diagrams/README.md.tera`.
#[derive(Serialize)]
struct Readme<'a> {
    title: &'a str,
    architecture: &'a str,
    flows: Vec<FlowDoc<'a>>,
}

fn flow_context<'a>(graph: &ServiceGraph, flow: &'a FlowSpec) -> Sequence<'a> {
    let mut participants: Vec<&String> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (from, to, _) in &flow.steps {
        for id in [from, to] {
            if seen.insert(id.as_str()) {
                participants.push(id);
            }
        }
    }
    let participants: Vec<Participant> = participants
        .iter()
        .map(|id| Participant {
            node: node(graph, id),
            label: label(graph, id),
            actor: graph.spec.actors.iter().any(|a| &a.id == *id),
        })
        .collect();
    // A step to someone who called earlier, from someone who was called earlier, is a reply.
    let mut callers: BTreeSet<&str> = BTreeSet::new();
    let mut called: BTreeSet<&str> = BTreeSet::new();
    let steps: Vec<Step<'_>> = flow
        .steps
        .iter()
        .map(|(from, to, message)| {
            let reply = callers.contains(to.as_str()) && called.contains(from.as_str());
            callers.insert(from);
            called.insert(to);
            Step {
                from: node(graph, from),
                to: node(graph, to),
                message,
                reply,
            }
        })
        .collect();
    Sequence {
        flow: Flow {
            id: &flow.id,
            title: &flow.label,
            participants,
            steps,
        },
    }
}

/// Renders the diagrams under `prefix` (`diagrams` for the neutral set, `<provider>/diagrams`);
/// returns the architecture diagram's text.
fn render_set(
    graph: &ServiceGraph,
    templates: &Templates,
    prefix: &str,
    title: &str,
    detail: &dyn Fn(&str) -> String,
    out: &dyn Sink,
) -> Result<String, TemplateError> {
    let architecture_text: String = templates.render(
        "diagrams/architecture.mmd.tera",
        &architecture(graph, title, detail),
    )?;
    let flows = flows(graph);
    let mut texts: Vec<String> = Vec::with_capacity(flows.len());
    for flow in &flows {
        texts.push(templates.render("diagrams/sequence.mmd.tera", &flow_context(graph, flow))?);
    }
    let readme = templates.render(
        "diagrams/README.md.tera",
        &Readme {
            title,
            architecture: architecture_text.trim_end(),
            flows: flows
                .iter()
                .zip(&texts)
                .map(|(flow, text)| FlowDoc {
                    title: &flow.label,
                    text: text.trim_end(),
                })
                .collect(),
        },
    )?;
    for (flow, text) in flows.iter().zip(texts) {
        out.put(format!("{prefix}/sequence-{}.mmd", flow.id), text.into());
    }
    out.put(
        format!("{prefix}/architecture.mmd"),
        architecture_text.as_str().into(),
    );
    out.put(format!("{prefix}/README.md"), readme);
    Ok(architecture_text)
}

/// The provider-neutral diagrams (`diagrams/`).
pub fn render_neutral(
    graph: &ServiceGraph,
    catalog: &Catalog,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<String, TemplateError> {
    let detail = |id: &str| {
        graph
            .spec
            .component(id)
            .and_then(|c| catalog.functions.get(&c.function))
            .map(|m| m.title.clone())
            .unwrap_or_default()
    };
    render_set(
        graph,
        templates,
        "diagrams",
        &format!("{}: architecture", graph.spec.name),
        &detail,
        out,
    )
}

/// One provider's diagrams (`<provider>/diagrams/`), nodes labelled with its services.
pub fn render_provider(
    deployment: &Deployment<'_>,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<(), TemplateError> {
    let detail = |id: &str| {
        deployment
            .placement(id)
            .map(|p| p.implementation.service.clone())
            .unwrap_or_default()
    };
    render_set(
        deployment.graph,
        templates,
        &format!("{}/diagrams", deployment.provider.as_str()),
        &format!(
            "{} on {}: architecture",
            deployment.graph.spec.name,
            deployment.provider.title()
        ),
        &detail,
        out,
    )
    .map(drop)
}
