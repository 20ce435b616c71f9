//! Graph stage: the spec's components and their relations as a petgraph graph, with a stable
//! deploy order.
//!
//! Input: a [`ValidSpec`]. Output: a [`ServiceGraph`] whose `order` lists every component so
//! that each comes after what it depends on (`attached_to`, `depends_on`, and the components it
//! calls), preferring the deploy stages network -> security -> data -> compute -> edge, then the
//! id. Cycles through `attached_to` / `depends_on` make an order impossible and are errors;
//! cycles made only of connections (a worker calling back its API) are broken deterministically.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::catalog::Catalog;
use crate::diagnostics::{Diagnostic, Report};
use crate::spec::ValidSpec;

/// Deploy stages, in order.
pub const STAGES: [&str; 5] = ["network", "security", "data", "compute", "edge"];

/// Why one component must come before another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependency {
    /// `attached_to` or `depends_on`: a hard requirement.
    Hard,
    /// A connection: the callee should exist before the caller.
    Soft,
}

/// Components as nodes; an edge `a -> b` means `a` must be deployed before `b`.
#[derive(Debug, Clone)]
pub struct ServiceGraph {
    /// The spec this graph was built from.
    pub spec: ValidSpec,
    /// Node weights are indexes into `spec.components`.
    pub graph: DiGraph<usize, Dependency>,
    /// Indexes into `spec.components`, in deploy order.
    pub order: Vec<usize>,
}

impl ServiceGraph {
    /// Components in deploy order.
    pub fn ordered(&self) -> impl Iterator<Item = &crate::spec::ComponentSpec> {
        self.order.iter().map(|i| &self.spec.components[*i])
    }
}

/// Builds the graph and its deploy order.
pub fn build(spec: ValidSpec, catalog: &Catalog) -> Result<ServiceGraph, Report> {
    let mut graph: DiGraph<usize, Dependency> = DiGraph::new();
    let mut nodes: BTreeMap<&str, NodeIndex> = BTreeMap::new();
    for (index, component) in spec.components.iter().enumerate() {
        nodes.insert(component.id.as_str(), graph.add_node(index));
    }
    for component in &spec.components {
        let node = nodes[component.id.as_str()];
        let hard = component
            .attached_to
            .iter()
            .chain(component.depends_on.iter());
        for before in hard {
            if let Some(before) = nodes.get(before.as_str()) {
                graph.update_edge(*before, node, Dependency::Hard);
            }
        }
    }
    for connection in &spec.connections {
        if let (Some(from), Some(to)) = (
            nodes.get(connection.from.as_str()),
            nodes.get(connection.to.as_str()),
        ) && graph.find_edge(*to, *from).is_none()
        {
            graph.add_edge(*to, *from, Dependency::Soft);
        }
    }

    // A cycle of hard edges: report it at every member.
    let hard_only = graph.filter_map(
        |_, weight| Some(*weight),
        |_, edge| (*edge == Dependency::Hard).then_some(*edge),
    );
    let mut diagnostics = Vec::new();
    for scc in tarjan_scc(&hard_only) {
        if scc.len() < 2 {
            continue;
        }
        let mut members: Vec<&str> = scc
            .iter()
            .map(|n| spec.components[hard_only[*n]].id.as_str())
            .collect();
        members.sort_unstable();
        let first = spec
            .component(members[0])
            .map(|c| c.span)
            .unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                "archgen::graph::cycle",
                format!(
                    "dependency cycle: {} (through `attached_to` / `depends_on`)",
                    members.join(" -> ")
                ),
                Some(first),
            )
            .with_label("part of the cycle")
            .with_help(
                "no deploy order exists; remove one `depends_on` or `attached_to` in the cycle",
            ),
        );
    }
    if !diagnostics.is_empty() {
        return Err(Report::new(spec.source.clone(), diagnostics));
    }

    let order = stable_order(&graph, &spec, catalog);
    Ok(ServiceGraph { spec, graph, order })
}

/// Kahn's algorithm with a priority of (stage, id); soft edges inside a cycle are dropped in
/// that same priority order, so the result is deterministic.
fn stable_order(
    graph: &DiGraph<usize, Dependency>,
    spec: &ValidSpec,
    catalog: &Catalog,
) -> Vec<usize> {
    let key = |node: NodeIndex| {
        let component = &spec.components[graph[node]];
        let stage = catalog
            .functions
            .get(&component.function)
            .and_then(|m| STAGES.iter().position(|s| *s == m.stage))
            .unwrap_or(STAGES.len());
        (stage, component.id.clone(), node)
    };
    let mut indegree: Vec<usize> = graph
        .node_indices()
        .map(|n| {
            graph
                .edges_directed(n, petgraph::Direction::Incoming)
                .count()
        })
        .collect();
    let mut done = vec![false; graph.node_count()];
    let mut ready: BinaryHeap<Reverse<(usize, String, NodeIndex)>> = graph
        .node_indices()
        .filter(|n| indegree[n.index()] == 0)
        .map(|n| Reverse(key(n)))
        .collect();
    let mut order = Vec::with_capacity(graph.node_count());
    while order.len() < graph.node_count() {
        let node = if let Some(Reverse((_, _, node))) = ready.pop() {
            node
        } else {
            // Only soft cycles remain: take the best remaining node regardless of its edges.
            let Some(node) = graph
                .node_indices()
                .filter(|n| !done[n.index()])
                .min_by_key(|n| key(*n))
            else {
                break;
            };
            node
        };
        if done[node.index()] {
            continue;
        }
        done[node.index()] = true;
        order.push(graph[node]);
        for edge in graph.edges_directed(node, petgraph::Direction::Outgoing) {
            let target = edge.target();
            if done[target.index()] {
                continue;
            }
            indegree[target.index()] = indegree[target.index()].saturating_sub(1);
            if indegree[target.index()] == 0 {
                ready.push(Reverse(key(target)));
            }
        }
    }
    order
}
