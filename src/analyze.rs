//! Analyze stage: production-risk rules over the resolved graph.
//!
//! Input: a [`ServiceGraph`] and the [`Catalog`]. Output: [`Finding`]s, each naming the rule,
//! the components it concerns (located in the spec), why it matters, the mitigation and whether
//! archgen can apply it. Rules read only the spec's structure, usage and the catalog's size
//! parameters, so they behave the same on every provider unless they say otherwise.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalog::{Catalog, Provider, Status};
use crate::diagnostics::{Diagnostic, Report, Severity, Span};
use crate::graph::ServiceGraph;
use crate::spec::{ComponentSpec, model::Scalar};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; never fails `--deny warnings`.
    Note,
    /// A production risk.
    Warning,
    /// A defect: the architecture is unsafe as specified.
    Error,
}

/// One rule.
pub struct Rule {
    /// Stable id, used in `acknowledge`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default level.
    pub level: Level,
    /// Why it matters.
    pub why: &'static str,
    /// What to do.
    pub mitigation: &'static str,
    /// Whether archgen can apply the mitigation (by adding a component to the spec).
    pub archgen_applies: bool,
    check: fn(&Facts<'_>) -> Vec<Hit>,
}

/// Where a rule fired.
struct Hit {
    /// Components concerned; the first one locates the finding (none = the whole spec).
    components: Vec<String>,
    /// The specifics.
    detail: String,
}

/// A rule that fired.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule: &'static str,
    /// Rule title.
    pub title: &'static str,
    /// Level.
    pub level: Level,
    /// Components concerned.
    pub components: Vec<String>,
    /// The specifics.
    pub detail: String,
    /// Why it matters.
    pub why: &'static str,
    /// Mitigation.
    pub mitigation: &'static str,
    /// Whether archgen can apply the mitigation.
    pub archgen_applies: bool,
    /// The spec's reason, when acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
    /// Location in the spec.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// Every rule id, for validating `acknowledge`.
pub fn rule_ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

/// The rules.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// Runs every rule.
pub fn analyze(graph: &ServiceGraph, catalog: &Catalog) -> Vec<Finding> {
    let facts = Facts::new(graph, catalog);
    let mut findings = Vec::new();
    for rule in RULES {
        for hit in (rule.check)(&facts) {
            let key_component = hit.components.first().cloned();
            let acknowledged = graph
                .spec
                .acknowledged
                .get(&(key_component.clone(), rule.id.to_string()))
                .or_else(|| graph.spec.acknowledged.get(&(None, rule.id.to_string())))
                .cloned();
            let span = key_component
                .as_deref()
                .and_then(|id| graph.spec.component(id))
                .map(|c| c.span);
            findings.push(Finding {
                rule: rule.id,
                title: rule.title,
                level: rule.level,
                components: hit.components,
                detail: hit.detail,
                why: rule.why,
                mitigation: rule.mitigation,
                archgen_applies: rule.archgen_applies,
                acknowledged,
                span,
            });
        }
    }
    findings
}

/// Findings as located diagnostics (acknowledged ones left out).
pub fn report(graph: &ServiceGraph, findings: &[Finding]) -> Report {
    let diagnostics = findings
        .iter()
        .filter(|f| f.acknowledged.is_none())
        .map(|f| {
            let severity = if f.level == Level::Error {
                Severity::Error
            } else {
                Severity::Warning
            };
            let level = match f.level {
                Level::Note => "note",
                Level::Warning => "warning",
                Level::Error => "error",
            };
            Diagnostic {
                code: f.rule,
                severity,
                message: format!("[{level}] {}: {}", f.title, f.detail),
                span: Some(f.span.unwrap_or_default()),
                label: Some(if f.components.is_empty() {
                    "whole architecture".to_string()
                } else {
                    f.components.join(", ")
                }),
                help: Some(format!(
                    "why: {}\nmitigation: {}{}\nto accept it, add `acknowledge: [{{ rule: {}, reason: ... }}]` {}",
                    f.why,
                    f.mitigation,
                    if f.archgen_applies {
                        " (archgen generates this: add the component to the spec)"
                    } else {
                        ""
                    },
                    f.rule,
                    if f.components.is_empty() {
                        "at the top level of the spec"
                    } else {
                        "to the component"
                    }
                )),
            }
        })
        .collect();
    Report::new(graph.spec.source.clone(), diagnostics)
}

/// Indexes over the graph the rules share.
struct Facts<'a> {
    graph: &'a ServiceGraph,
    catalog: &'a Catalog,
    by_id: BTreeMap<&'a str, &'a ComponentSpec>,
    actors: BTreeSet<&'a str>,
}

const DATA_STORES: [&str; 11] = [
    "relational_db",
    "relational_read_replica",
    "global_relational_db",
    "nosql_kv",
    "global_nosql",
    "cache",
    "search_engine",
    "time_series_db",
    "data_warehouse",
    "file_storage",
    "block_storage",
];
const COMPUTE: [&str; 6] = [
    "serverless_function",
    "container_service",
    "vm_autoscaling_group",
    "container_orchestration",
    "batch_compute",
    "stream_processor",
];
const EDGE_ENTRIES: [&str; 4] = ["cdn", "load_balancer", "api_gateway", "websocket_push"];
const MESSAGING: [&str; 5] = [
    "message_queue",
    "pubsub_topic",
    "streaming_backbone",
    "event_bus",
    "kafka_managed",
];
const RELATIONAL: [&str; 2] = ["relational_db", "global_relational_db"];

impl<'a> Facts<'a> {
    fn new(graph: &'a ServiceGraph, catalog: &'a Catalog) -> Self {
        Self {
            graph,
            catalog,
            by_id: graph
                .spec
                .components
                .iter()
                .map(|c| (c.id.as_str(), c))
                .collect(),
            actors: graph.spec.actors.iter().map(|a| a.id.as_str()).collect(),
        }
    }

    fn components(&self) -> impl Iterator<Item = &'a ComponentSpec> + '_ {
        self.graph.ordered()
    }

    fn function_of(&self, id: &str) -> Option<&'a str> {
        self.by_id.get(id).map(|c| c.function.as_str())
    }

    fn has_function(&self, functions: &[&str]) -> bool {
        self.graph
            .spec
            .components
            .iter()
            .any(|c| functions.contains(&c.function.as_str()))
    }

    /// Ids on the other end of `id`'s connections: its callers (`outgoing` false) or callees.
    fn neighbours(&self, id: &str, outgoing: bool) -> Vec<&'a str> {
        let spec = &self.graph.spec;
        if outgoing {
            spec.connections_from(id).map(|c| c.to.as_str()).collect()
        } else {
            spec.connections_to(id).map(|c| c.from.as_str()).collect()
        }
    }

    /// Ids that connect to `id`.
    fn callers(&self, id: &str) -> Vec<&'a str> {
        self.neighbours(id, false)
    }

    /// Ids `id` connects to.
    fn callees(&self, id: &str) -> Vec<&'a str> {
        self.neighbours(id, true)
    }

    fn children(&self, id: &str) -> Vec<&'a ComponentSpec> {
        self.graph.spec.children(id).collect()
    }

    fn has_child(&self, id: &str, function: &str) -> bool {
        self.children(id).iter().any(|c| c.function == function)
    }

    /// The production-like environments: names containing `prod`, else the largest tier.
    fn prod_envs(&self) -> Vec<&'a str> {
        let envs = &self.graph.spec.environments;
        let named: Vec<&str> = envs
            .keys()
            .filter(|e| e.contains("prod") || e.contains("prd"))
            .map(String::as_str)
            .collect();
        if !named.is_empty() {
            return named;
        }
        let rank = |t: &str| crate::catalog::SIZE_TIERS.iter().position(|x| *x == t);
        envs.iter()
            .max_by_key(|(_, tier)| rank(tier))
            .map(|(name, _)| vec![name.as_str()])
            .unwrap_or_default()
    }

    /// Size parameters of a component in an environment, per targeted provider.
    fn params(
        &self,
        component: &ComponentSpec,
        env: &str,
    ) -> Vec<(Provider, BTreeMap<String, Scalar>)> {
        let Some(tier) = component.sizes.get(env) else {
            return Vec::new();
        };
        self.graph
            .spec
            .providers
            .keys()
            .filter_map(|provider| {
                let implementation = self
                    .catalog
                    .implementation(*provider, &component.function)?;
                let mut params = implementation.sizes.get(tier)?.clone();
                if let Some(pinned) = component.overrides.get(provider) {
                    params.extend(pinned.clone());
                }
                Some((*provider, params))
            })
            .collect()
    }
}

fn number(value: Option<&Scalar>) -> Option<f64> {
    match value? {
        #[expect(
            clippy::cast_precision_loss,
            reason = "size parameters are small integers"
        )]
        Scalar::Int(i) => Some(*i as f64),
        Scalar::Float(f) => Some(*f),
        _ => None,
    }
}

fn hit(components: &[&str], detail: String) -> Hit {
    Hit {
        components: components.iter().map(|c| (*c).to_string()).collect(),
        detail,
    }
}

fn public_entry_without_waf(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| EDGE_ENTRIES.contains(&c.function.as_str()) && c.function != "websocket_push")
        .filter(|c| {
            f.callers(&c.id)
                .iter()
                .any(|caller| f.actors.contains(caller))
        })
        .filter_map(|c| {
            if !f.has_child(&c.id, "waf") {
                return Some(hit(
                    &[&c.id],
                    format!(
                        "`{}` ({}) takes traffic from outside and has no `waf` attached",
                        c.id, c.function
                    ),
                ));
            }
            // A WAF whose service cannot associate with this entry on a targeted provider
            // (the catalog's `parents:` and `parent_connects:`) is generated unassociated
            // there: it protects nothing on that cloud.
            let spec = &f.graph.spec;
            let unprotected: Vec<&str> = spec
                .providers
                .keys()
                .filter(|provider| {
                    f.catalog
                        .implementation(**provider, "waf")
                        .is_some_and(|waf| {
                            waf.association(&c.function, spec.connected_functions(&c.id))
                                .is_err()
                        })
                })
                .map(|provider| provider.title())
                .collect();
            (!unprotected.is_empty()).then(|| {
                hit(
                    &[&c.id],
                    format!(
                        "`{}` ({}) takes traffic from outside and its `waf` cannot be associated \
                         with it on {}: it protects nothing there",
                        c.id,
                        c.function,
                        unprotected.join(", ")
                    ),
                )
            })
        })
        .collect()
}

fn datastore_exposed(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for connection in &f.graph.spec.connections {
        let Some(target) = f.function_of(&connection.to) else {
            continue;
        };
        if !DATA_STORES.contains(&target) {
            continue;
        }
        let from_outside = f.actors.contains(connection.from.as_str());
        let from_edge = f
            .function_of(&connection.from)
            .is_some_and(|source| EDGE_ENTRIES.contains(&source));
        if from_outside || from_edge {
            hits.push(hit(
                &[&connection.to, &connection.from],
                format!(
                    "`{}` ({target}) is reached directly from `{}`, outside the application tier",
                    connection.to, connection.from
                ),
            ));
        }
    }
    hits
}

fn consumer_without_dlq(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| MESSAGING.contains(&c.function.as_str()))
        .filter(|c| {
            f.callees(&c.id).iter().any(|callee| {
                f.function_of(callee)
                    .is_some_and(|fun| COMPUTE.contains(&fun))
            })
        })
        .filter(|c| !f.has_child(&c.id, "dead_letter_queue"))
        .map(|c| {
            hit(
                &[&c.id],
                format!(
                    "consumers of `{}` ({}) have nowhere to put messages they cannot process",
                    c.id, c.function
                ),
            )
        })
        .collect()
}

fn read_heavy_db(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| RELATIONAL.contains(&c.function.as_str()))
        .filter(|c| {
            let readers = f.callers(&c.id).len();
            let rps = c.usage.get("requests_per_second").copied().unwrap_or(0.0);
            readers >= 2 || rps >= 500.0
        })
        .filter(|c| !f.has_child(&c.id, "relational_read_replica"))
        .filter(|c| {
            !f.callers(&c.id).iter().any(|caller| {
                f.callees(caller)
                    .iter()
                    .any(|x| f.function_of(x) == Some("cache"))
            })
        })
        .map(|c| {
            hit(
                &[&c.id],
                format!(
                    "`{}` serves {} callers with neither a read replica nor a cache in front",
                    c.id,
                    f.callers(&c.id).len()
                ),
            )
        })
        .collect()
}

fn connection_pool(f: &Facts<'_>) -> Vec<Hit> {
    if f.has_function(&["db_connection_proxy"]) {
        return Vec::new();
    }
    f.components()
        .filter(|c| RELATIONAL.contains(&c.function.as_str()))
        .filter_map(|c| {
            let scaling: Vec<&str> = f
                .callers(&c.id)
                .into_iter()
                .filter(|caller| {
                    matches!(
                        f.function_of(caller),
                        Some("serverless_function" | "container_service" | "vm_autoscaling_group" | "container_orchestration")
                    )
                })
                .collect();
            let serverless = scaling
                .iter()
                .any(|s| f.function_of(s) == Some("serverless_function"));
            (scaling.len() >= 2 || serverless).then(|| {
                let mut ids = vec![c.id.as_str()];
                ids.extend(scaling.iter().copied());
                hit(
                    &ids,
                    format!(
                        "`{}` takes connections from autoscaled compute ({}) without a connection pooler",
                        c.id,
                        scaling.join(", ")
                    ),
                )
            })
        })
        .collect()
}

fn no_alerting(f: &Facts<'_>) -> Vec<Hit> {
    if f.has_function(&["metric_alerting"]) {
        return Vec::new();
    }
    vec![hit(
        &[],
        "no `metric_alerting` component: nobody is paged when something breaks".into(),
    )]
}

fn no_observability(f: &Facts<'_>) -> Vec<Hit> {
    if f.has_function(&["observability_metrics_logs"]) {
        return Vec::new();
    }
    vec![hit(
        &[],
        "no `observability_metrics_logs` component: no central metrics, logs or dashboards".into(),
    )]
}

fn no_tracing(f: &Facts<'_>) -> Vec<Hit> {
    let services: Vec<&ComponentSpec> = f
        .components()
        .filter(|c| COMPUTE.contains(&c.function.as_str()))
        .collect();
    let talking = services
        .iter()
        .filter(|c| {
            f.callees(&c.id)
                .iter()
                .chain(f.callers(&c.id).iter())
                .any(|other| f.by_id.contains_key(other))
        })
        .count();
    if talking < 3 || f.has_function(&["tracing"]) {
        return Vec::new();
    }
    vec![hit(
        &[],
        format!(
            "{talking} connected compute components and no `tracing`: a slow request cannot be followed across them"
        ),
    )]
}

fn secrets_without_rotation(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| c.function == "secrets")
        .map(|c| {
            hit(
                &[&c.id],
                format!(
                    "`{}` stores credentials that no rotation schedule renews",
                    c.id
                ),
            )
        })
        .collect()
}

fn cache_stampede(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for cache in f.components().filter(|c| c.function == "cache") {
        for caller in f.callers(&cache.id) {
            for store in f.callees(caller) {
                let Some(function) = f.function_of(store) else {
                    continue;
                };
                let origin = RELATIONAL.contains(&function) || function == "data_warehouse";
                if origin && !f.has_child(store, "relational_read_replica") {
                    hits.push(hit(
                        &[&cache.id, store],
                        format!(
                            "when hot keys in `{}` expire, every `{caller}` instance misses at once and queries `{store}`",
                            cache.id
                        ),
                    ));
                }
            }
        }
    }
    hits.sort_by(|a, b| a.components.cmp(&b.components));
    hits.dedup_by(|a, b| a.components == b.components);
    hits
}

fn no_cost_guardrails(f: &Facts<'_>) -> Vec<Hit> {
    if f.has_function(&["budget_alerts"]) {
        return Vec::new();
    }
    vec![hit(&[], "no `budget_alerts` component: a runaway autoscaler or a mis-sized tier shows up only on the invoice".into())]
}

fn hot_shard(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in f
        .components()
        .filter(|c| c.function == "streaming_backbone")
    {
        let Some(eps) = c.usage.get("events_per_second").copied() else {
            continue;
        };
        let kb = c.usage.get("event_size_kb").copied().unwrap_or(1.0);
        for env in f.prod_envs() {
            for (provider, params) in f.params(c, env) {
                let partitions = ["shard_count", "partition_count", "partitions"]
                    .iter()
                    .find_map(|k| number(params.get(*k)));
                let Some(partitions) = partitions else {
                    continue;
                };
                // Per shard / partition: 1,000 records/s and 1 MB/s ingest (Kinesis, Event Hubs).
                let needed = (eps / 1000.0).max(eps * kb / 1024.0);
                if needed > partitions * 0.8 {
                    hits.push(hit(
                        &[&c.id],
                        format!(
                            "{eps} events/s of {kb} KB need about {needed:.1} partitions; {} has {partitions} in `{env}` (over 80% before any skew)",
                            provider.title()
                        ),
                    ));
                }
            }
        }
    }
    hits
}

fn warehouse_mixed_workloads(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| c.function == "data_warehouse")
        .filter_map(|c| {
            let callers = f.callers(&c.id);
            let interactive = callers.iter().any(|x| {
                matches!(
                    f.function_of(x),
                    Some(
                        "container_service"
                            | "serverless_function"
                            | "vm_autoscaling_group"
                            | "container_orchestration"
                            | "bi_dashboards"
                    )
                )
            });
            let batch = callers.iter().any(|x| {
                matches!(
                    f.function_of(x),
                    Some(
                        "stream_processor"
                            | "data_lake_storage"
                            | "object_storage"
                            | "batch_compute"
                            | "streaming_backbone"
                    )
                )
            });
            (interactive && batch).then(|| {
                hit(
                    &[&c.id],
                    format!(
                        "`{}` serves dashboard queries and batch loads on the same compute",
                        c.id
                    ),
                )
            })
        })
        .collect()
}

fn multi_region_writes(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| matches!(c.function.as_str(), "global_nosql" | "global_relational_db"))
        .filter(|c| !f.callers(&c.id).is_empty())
        .map(|c| {
            hit(
                &[&c.id],
                format!("`{}` accepts writes in more than one region; concurrent updates to one item conflict", c.id),
            )
        })
        .collect()
}

/// A size parameter that says "one zone only".
fn single_zone(params: &BTreeMap<String, Scalar>) -> Option<String> {
    for (key, value) in params {
        let flag = match (key.as_str(), value) {
            ("multi_az" | "high_availability" | "zone_redundant", Scalar::Bool(false)) => true,
            ("replicas" | "replicas_per_shard" | "replica_count", v) => {
                number(Some(v)) == Some(0.0)
            }
            ("deployment_type" | "availability_type", Scalar::Str(s)) => {
                let s = s.to_ascii_uppercase();
                s.contains("SINGLE") || s == "ZONAL"
            }
            _ => false,
        };
        if flag {
            return Some(format!("{key} = {}", value.text()));
        }
    }
    None
}

fn single_az_in_prod(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in f
        .components()
        .filter(|c| DATA_STORES.contains(&c.function.as_str()))
    {
        for env in f.prod_envs() {
            for (provider, params) in f.params(c, env) {
                if let Some(reason) = single_zone(&params) {
                    hits.push(hit(
                        &[&c.id],
                        format!(
                            "`{}` runs in one zone in `{env}` on {} ({reason})",
                            c.id,
                            provider.title()
                        ),
                    ));
                }
            }
        }
    }
    hits
}

fn min_max(params: &BTreeMap<String, Scalar>) -> Option<(f64, f64)> {
    let pairs = [
        ("min_count", "max_count"),
        ("min_size", "max_size"),
        ("min_nodes", "max_nodes"),
        ("min_instances", "max_instances"),
        ("min_capacity", "max_capacity"),
        ("min_replicas", "max_replicas"),
    ];
    pairs
        .iter()
        .find_map(|(lo, hi)| Some((number(params.get(*lo))?, number(params.get(*hi))?)))
}

fn no_autoscaling(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in f
        .components()
        .filter(|c| COMPUTE.contains(&c.function.as_str()))
    {
        for env in f.prod_envs() {
            for (provider, params) in f.params(c, env) {
                if let Some((min, max)) = min_max(&params)
                    && (max - min).abs() < f64::EPSILON
                {
                    hits.push(hit(
                        &[&c.id],
                        format!(
                            "`{}` is pinned at {min} instances in `{env}` on {}",
                            c.id,
                            provider.title()
                        ),
                    ));
                }
            }
        }
    }
    hits
}

fn single_instance(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in f
        .components()
        .filter(|c| COMPUTE.contains(&c.function.as_str()))
    {
        for env in f.prod_envs() {
            for (provider, params) in f.params(c, env) {
                if let Some((min, _)) = min_max(&params)
                    && min < 2.0
                    && c.function != "serverless_function"
                {
                    hits.push(hit(
                            &[&c.id],
                            format!(
                                "`{}` can scale down to {min} instance in `{env}` on {}: one failure takes it down",
                                c.id,
                                provider.title()
                            ),
                        ));
                }
            }
        }
    }
    hits
}

// Longest synchronous path from each actor, depth-first over the (acyclic) call graph.
fn walk<'a>(
    f: &Facts<'a>,
    node: &'a str,
    seen: &mut Vec<&'a str>,
    best: &mut Vec<&'a str>,
    synchronous: &dyn Fn(&str) -> bool,
) {
    if seen.len() > best.len() {
        best.clone_from(seen);
    }
    // A queue, topic or stream decouples: what consumes it does not block the caller.
    if f.function_of(node)
        .is_some_and(|fun| MESSAGING.contains(&fun))
    {
        return;
    }
    for connection in f.graph.spec.connections.iter().filter(|c| c.from == node) {
        let next = connection.to.as_str();
        if seen.contains(&next) || !synchronous(&connection.protocol) || f.actors.contains(next) {
            continue;
        }
        seen.push(next);
        walk(f, next, seen, best, synchronous);
        seen.pop();
    }
}

fn long_sync_chain(f: &Facts<'_>) -> Vec<Hit> {
    let synchronous = |protocol: &str| {
        matches!(
            protocol.to_ascii_lowercase().as_str(),
            "" | "http" | "https" | "grpc" | "sql" | "postgres" | "mysql" | "redis" | "wss"
        )
    };
    let mut hits = Vec::new();
    for actor in &f.actors {
        let mut best = Vec::new();
        walk(f, actor, &mut vec![*actor], &mut best, &synchronous);
        if best.len() > 5 {
            hits.push(hit(
                &best[1..],
                format!(
                    "a request from `{actor}` waits on {} synchronous hops: {}",
                    best.len() - 1,
                    best.join(" -> ")
                ),
            ));
        }
    }
    hits
}

fn flow_without_connection(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for flow in &f.graph.spec.flows {
        let mut callers: BTreeSet<&str> = BTreeSet::new();
        let mut called: BTreeSet<&str> = BTreeSet::new();
        for (from, to, _) in &flow.steps {
            // A reply to an earlier caller travels back along the calls that brought the request.
            let reply = callers.contains(to.as_str()) && called.contains(from.as_str());
            callers.insert(from);
            called.insert(to);
            if reply {
                continue;
            }
            let connected = f
                .graph
                .spec
                .connections
                .iter()
                .any(|c| (c.from == *from && c.to == *to) || (c.from == *to && c.to == *from));
            if !connected {
                let component = if f.by_id.contains_key(from.as_str()) {
                    from
                } else {
                    to
                };
                hits.push(hit(
                    &[component],
                    format!(
                        "flow `{}` has `{from}` talk to `{to}`, but no connection joins them",
                        flow.id
                    ),
                ));
            }
        }
    }
    hits
}

fn orphan_component(f: &Facts<'_>) -> Vec<Hit> {
    f.components()
        .filter(|c| c.tier != "operations")
        .filter(|c| {
            f.callers(&c.id).is_empty()
                && f.callees(&c.id).is_empty()
                && c.attached_to.is_none()
                && f.children(&c.id).is_empty()
        })
        .map(|c| hit(&[&c.id], format!("`{}` is connected to nothing", c.id)))
        .collect()
}

fn fallback_service(f: &Facts<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in f.components() {
        for provider in f.graph.spec.providers.keys() {
            if let Some(implementation) = f.catalog.implementation(*provider, &c.function)
                && implementation.status == Status::Fallback
            {
                hits.push(hit(
                    &[&c.id],
                    format!(
                        "{} has no managed `{}`; archgen generates {}",
                        provider.title(),
                        c.function,
                        implementation.service
                    ),
                ));
            }
        }
    }
    hits
}

fn prod_sized_like_dev(f: &Facts<'_>) -> Vec<Hit> {
    let prods = f.prod_envs();
    let others: Vec<&String> = f
        .graph
        .spec
        .environments
        .keys()
        .filter(|e| !prods.contains(&e.as_str()))
        .collect();
    if prods.is_empty() || others.is_empty() {
        return Vec::new();
    }
    f.components()
        .filter(|c| {
            DATA_STORES.contains(&c.function.as_str()) || COMPUTE.contains(&c.function.as_str())
        })
        .filter(|c| {
            prods.iter().all(|p| {
                others
                    .iter()
                    .any(|o| c.sizes.contains_key(*p) && c.sizes.get(*p) == c.sizes.get(o.as_str()))
            })
        })
        .filter(|c| c.sizes.values().any(|t| t == "small"))
        .map(|c| {
            hit(
                &[&c.id],
                format!(
                    "`{}` has the same `small` size in production as in {}",
                    c.id,
                    others
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
        .collect()
}

fn no_central_backup(f: &Facts<'_>) -> Vec<Hit> {
    if f.has_function(&["backup"]) {
        return Vec::new();
    }
    let stores: Vec<&str> = f
        .components()
        .filter(|c| {
            matches!(
                c.function.as_str(),
                "relational_db"
                    | "global_relational_db"
                    | "nosql_kv"
                    | "global_nosql"
                    | "file_storage"
                    | "block_storage"
            )
        })
        .map(|c| c.id.as_str())
        .collect();
    if stores.is_empty() {
        return Vec::new();
    }
    vec![hit(
        &stores,
        format!(
            "{} rely on their own point-in-time recovery only: no backup vault, cross-region copy or retention lock",
            stores.join(", ")
        ),
    )]
}

fn dlq_unwatched(f: &Facts<'_>) -> Vec<Hit> {
    if !f.has_function(&["metric_alerting"]) {
        return Vec::new();
    }
    // With alerting present, a DLQ nobody consumes still needs a redrive path.
    f.components()
        .filter(|c| c.function == "dead_letter_queue")
        .filter(|c| f.callees(&c.id).is_empty())
        .map(|c| {
            hit(
                &[&c.id],
                format!(
                    "`{}` collects failed messages but nothing reprocesses them",
                    c.id
                ),
            )
        })
        .collect()
}

static RULES: &[Rule] = &[
    Rule {
        id: "public-entry-without-waf",
        title: "Public entry point without a WAF",
        level: Level::Warning,
        why: "the first component internet traffic reaches is where injection, bots and layer-7 floods must be stopped",
        mitigation: "attach a `waf` component to it (managed OWASP rules, rate limiting)",
        archgen_applies: true,
        check: public_entry_without_waf,
    },
    Rule {
        id: "datastore-exposed-to-edge",
        title: "Data store reachable from the public edge",
        level: Level::Error,
        why: "a data store called by clients or the edge bypasses authorization, validation and rate limits of the application tier",
        mitigation: "route access through an application component; keep data stores on private networks only",
        archgen_applies: false,
        check: datastore_exposed,
    },
    Rule {
        id: "consumer-without-dlq",
        title: "Queue or stream consumer without a dead-letter queue",
        level: Level::Warning,
        why: "a poison message is retried forever (blocking the queue or shard) or silently dropped",
        mitigation: "attach a `dead_letter_queue` component and alert on its depth",
        archgen_applies: true,
        check: consumer_without_dlq,
    },
    Rule {
        id: "read-heavy-db-without-cache-or-replica",
        title: "Read-heavy database without a cache or read replicas",
        level: Level::Warning,
        why: "reads and writes compete for one primary; its CPU and connections become the ceiling of the system",
        mitigation: "add a `relational_read_replica` attached to it, or a `cache` in front of the reads",
        archgen_applies: true,
        check: read_heavy_db,
    },
    Rule {
        id: "connection-pool-exhaustion",
        title: "Connection-pool exhaustion risk",
        level: Level::Warning,
        why: "every autoscaled instance or function opens its own connections; a scale-out exhausts the database's connection limit",
        mitigation: "add a `db_connection_proxy` (RDS Proxy / PgBouncer / managed pooling) between compute and the database",
        archgen_applies: true,
        check: connection_pool,
    },
    Rule {
        id: "no-alerting",
        title: "No alerting",
        level: Level::Warning,
        why: "metrics nobody is paged on do not shorten an outage",
        mitigation: "add a `metric_alerting` component (alarms + notification channel)",
        archgen_applies: true,
        check: no_alerting,
    },
    Rule {
        id: "no-observability",
        title: "No central metrics and logs",
        level: Level::Warning,
        why: "without central logs and metrics an incident is investigated host by host",
        mitigation: "add an `observability_metrics_logs` component",
        archgen_applies: true,
        check: no_observability,
    },
    Rule {
        id: "no-tracing",
        title: "Distributed calls without tracing",
        level: Level::Note,
        why: "latency and errors across several services cannot be attributed without trace context",
        mitigation: "add a `tracing` component and propagate W3C trace context",
        archgen_applies: true,
        check: no_tracing,
    },
    Rule {
        id: "secrets-without-rotation",
        title: "Secrets without rotation",
        level: Level::Note,
        why: "a leaked credential stays valid until someone remembers to change it",
        mitigation: "attach a rotation function per credential (or use identity-based auth and drop the secret)",
        archgen_applies: false,
        check: secrets_without_rotation,
    },
    Rule {
        id: "cache-stampede",
        title: "Cache stampede exposure",
        level: Level::Warning,
        why: "when a hot key expires, every instance misses together and the origin database takes the full read load at once",
        mitigation: "add TTL jitter and single-flight (request coalescing) in the reading service; warm hot keys; add a read replica",
        archgen_applies: false,
        check: cache_stampede,
    },
    Rule {
        id: "no-cost-guardrails",
        title: "No cost guardrails",
        level: Level::Note,
        why: "autoscaling and usage-priced services fail open on cost",
        mitigation: "add a `budget_alerts` component with thresholds per environment",
        archgen_applies: true,
        check: no_cost_guardrails,
    },
    Rule {
        id: "hot-shard",
        title: "Too few stream partitions for the declared rate",
        level: Level::Warning,
        why: "a partition takes about 1,000 records/s or 1 MB/s; above 80% of the total, any key skew throttles producers",
        mitigation: "raise the size tier (or pin more shards/partitions) and use a high-cardinality partition key",
        archgen_applies: true,
        check: hot_shard,
    },
    Rule {
        id: "warehouse-mixed-workloads",
        title: "Warehouse serving dashboards and batch loads without isolation",
        level: Level::Warning,
        why: "a heavy load or scan queues every tenant's dashboard query behind it",
        mitigation: "configure workload management (WLM queues / workload groups / reservations) with query timeouts; pre-aggregate dashboard metrics",
        archgen_applies: false,
        check: warehouse_mixed_workloads,
    },
    Rule {
        id: "multi-region-writes-without-conflict-strategy",
        title: "Multi-region writes without a conflict strategy",
        level: Level::Warning,
        why: "two regions updating the same item resolve by last writer wins unless the application decides otherwise",
        mitigation: "pin each item's writes to a home region, or design idempotent, commutative updates; document the choice here with `acknowledge`",
        archgen_applies: false,
        check: multi_region_writes,
    },
    Rule {
        id: "single-az-in-prod",
        title: "Stateful store in one zone in production",
        level: Level::Warning,
        why: "a zone outage takes the data store, and everything that needs it, down",
        mitigation: "use a size tier (or pin parameters) with multi-zone / zone-redundant high availability in production",
        archgen_applies: true,
        check: single_az_in_prod,
    },
    Rule {
        id: "no-autoscaling",
        title: "Compute pinned at a fixed size in production",
        level: Level::Warning,
        why: "a traffic spike beyond the fixed capacity is dropped instead of absorbed",
        mitigation: "use a size tier whose maximum exceeds its minimum, with a scaling policy",
        archgen_applies: true,
        check: no_autoscaling,
    },
    Rule {
        id: "single-point-of-failure",
        title: "Compute that can run as a single instance in production",
        level: Level::Warning,
        why: "one instance failing (or being replaced) is an outage",
        mitigation: "run at least two instances across zones in production (a larger size tier, or pin the minimum)",
        archgen_applies: true,
        check: single_instance,
    },
    Rule {
        id: "long-synchronous-chain",
        title: "Long synchronous call chain",
        level: Level::Note,
        why: "latency adds up and availability multiplies down along a chain of blocking calls",
        mitigation: "make non-essential hops asynchronous (queue or events), cache, or collapse services",
        archgen_applies: false,
        check: long_sync_chain,
    },
    Rule {
        id: "flow-without-connection",
        title: "Flow step with no matching connection",
        level: Level::Warning,
        why: "the sequence diagram shows a call the architecture (network rules, IAM grants) does not allow",
        mitigation: "add the connection, or fix the flow",
        archgen_applies: false,
        check: flow_without_connection,
    },
    Rule {
        id: "orphan-component",
        title: "Component connected to nothing",
        level: Level::Warning,
        why: "it costs money, and nothing can reach it with the generated network rules and IAM grants",
        mitigation: "connect it, or remove it",
        archgen_applies: false,
        check: orphan_component,
    },
    Rule {
        id: "fallback-service",
        title: "Provider fallback in use",
        level: Level::Note,
        why: "the provider has no managed service for this function; the stand-in is more for the team to operate",
        mitigation: "review the note in `archgen catalog show FUNCTION`; budget operational work or choose another provider for it",
        archgen_applies: false,
        check: fallback_service,
    },
    Rule {
        id: "prod-sized-like-dev",
        title: "Production sized like development",
        level: Level::Note,
        why: "the smallest tier in production usually lacks the headroom and redundancy of larger tiers",
        mitigation: "give production a larger `size` (environment default, or per component)",
        archgen_applies: true,
        check: prod_sized_like_dev,
    },
    Rule {
        id: "no-central-backup",
        title: "Databases without central backups",
        level: Level::Note,
        why: "point-in-time recovery lives and dies with the account and region; a deletion or ransomware event takes both",
        mitigation: "add a `backup` component (vault, cross-region copy, retention lock)",
        archgen_applies: true,
        check: no_central_backup,
    },
    Rule {
        id: "dead-letters-never-reprocessed",
        title: "Dead-letter queue without a reprocessing path",
        level: Level::Note,
        why: "failed messages accumulate until retention deletes them",
        mitigation: "connect the dead-letter queue to a redrive worker, or document a manual redrive runbook",
        archgen_applies: false,
        check: dlq_unwatched,
    },
];
