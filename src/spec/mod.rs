//! Spec stage: load a YAML spec and validate it against the catalog.
//!
//! Input: a file path. Output: a [`ValidSpec`] (every reference resolved, every size and SKU
//! known), or a [`Report`] listing every problem at once, each pointing into the file.

pub mod model;
mod validate;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

use crate::catalog::{Provider, SIZE_TIERS};
use crate::diagnostics::{Diagnostic, Report, Source, Span};
use crate::index::Positions;
pub use model::SpecFile;
pub use validate::validate;

/// A parsed spec and the text it came from.
#[derive(Debug, Clone)]
pub struct SourcedSpec {
    /// The file, for diagnostics.
    pub source: Source,
    /// The parsed document.
    pub file: SpecFile,
}

/// Reads and parses a spec file. `display_name` is what diagnostics call it.
pub fn load(path: &Path) -> Result<SourcedSpec, Report> {
    let display_name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|err| {
        Report::new(
            Source::new(display_name.clone(), ""),
            vec![Diagnostic::error(
                "archgen::io",
                format!("cannot read {display_name}: {err}"),
                None,
            )],
        )
    })?;
    parse(&display_name, &text)
}

/// Parses spec text (no I/O). On a type or field error, every list item and the top level are
/// also parsed on their own, so one run reports the errors of every item.
pub fn parse(name: &str, text: &str) -> Result<SourcedSpec, Report> {
    let source = Source::new(name, text);
    let first = match yaml::parse::<SpecFile>(text) {
        Ok(file) => return Ok(SourcedSpec { source, file }),
        Err(diagnostic) => diagnostic,
    };
    let mut diagnostics = vec![first];
    if diagnostics[0].code != "archgen::spec::yaml_syntax" {
        if let Err(d) = yaml::parse::<TopLevel>(text) {
            diagnostics.push(d);
        }
        if let Ok(lists) = yaml::parse::<Lists>(text) {
            for item in lists.actors.unwrap_or_default() {
                diagnostics.extend(yaml::parse_item::<model::Actor>(text, item.span.offset).err());
            }
            for item in lists.components.unwrap_or_default() {
                diagnostics
                    .extend(yaml::parse_item::<model::Component>(text, item.span.offset).err());
            }
            for item in lists.connections.unwrap_or_default() {
                diagnostics
                    .extend(yaml::parse_item::<model::Connection>(text, item.span.offset).err());
            }
            for item in lists.flows.unwrap_or_default() {
                diagnostics.extend(yaml::parse_item::<model::Flow>(text, item.span.offset).err());
            }
        }
    }
    // The whole-document error reappears in its item's parse: keep one per position.
    let mut seen = std::collections::BTreeSet::new();
    diagnostics.retain(|d| seen.insert(d.span.map(|s| s.offset)));
    Err(Report::new(source, diagnostics))
}

/// The top level with the lists left unparsed: its own fields' errors.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TopLevel {
    name: String,
    #[serde(default)]
    description: String,
    providers: model::Providers,
    environments: BTreeMap<String, model::Environment>,
    actors: Option<serde::de::IgnoredAny>,
    components: serde::de::IgnoredAny,
    connections: Option<serde::de::IgnoredAny>,
    flows: Option<serde::de::IgnoredAny>,
    acknowledge: Option<serde::de::IgnoredAny>,
}

/// Where each list item starts.
#[derive(serde::Deserialize)]
struct Lists {
    actors: Option<Vec<yaml::Sp<serde::de::IgnoredAny>>>,
    components: Option<Vec<yaml::Sp<serde::de::IgnoredAny>>>,
    connections: Option<Vec<yaml::Sp<serde::de::IgnoredAny>>>,
    flows: Option<Vec<yaml::Sp<serde::de::IgnoredAny>>>,
}

/// A spec that passed validation: the stage output every later stage starts from.
#[derive(Debug, Clone)]
pub struct ValidSpec {
    /// The file, for later diagnostics (warnings at resolve time).
    pub source: Source,
    /// Name (validated slug).
    pub name: String,
    /// Description.
    pub description: String,
    /// Targeted providers and their settings.
    pub providers: BTreeMap<Provider, ProviderTarget>,
    /// Environment name -> default size tier.
    pub environments: BTreeMap<String, String>,
    /// Environment name -> factor on spec-given traffic and volume usage (1 when not set).
    pub usage_scale: BTreeMap<String, f64>,
    /// Actors, in spec order.
    pub actors: Vec<ActorSpec>,
    /// Components, in spec order.
    pub components: Vec<ComponentSpec>,
    /// Connections, in spec order.
    pub connections: Vec<ConnectionSpec>,
    /// Flows, in spec order.
    pub flows: Vec<FlowSpec>,
    /// Warnings found while validating.
    pub warnings: Vec<Diagnostic>,
    /// Accepted analyze findings: (component id or `None` for the spec, rule id) -> reason.
    pub acknowledged: BTreeMap<(Option<String>, String), String>,
    /// `components` by id.
    pub by_id: Positions,
    /// `components` by the id they are attached to.
    pub attached: Positions,
    /// `connections` by their `from`.
    pub outgoing: Positions,
    /// `connections` by their `to`.
    pub incoming: Positions,
}

/// One targeted provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTarget {
    /// Primary region.
    pub region: String,
    /// Secondary region, if any.
    pub secondary_region: Option<String>,
    /// GCP project id (the default of environments without one in `projects`).
    pub project: Option<String>,
    /// GCP: environment -> project id, for every environment (empty elsewhere).
    pub projects: BTreeMap<String, String>,
}

impl ProviderTarget {
    /// The project `env` deploys into (GCP).
    pub fn project_for(&self, env: &str) -> Option<&str> {
        self.projects
            .get(env)
            .or(self.project.as_ref())
            .map(String::as_str)
    }
}

/// An actor.
#[derive(Debug, Clone)]
pub struct ActorSpec {
    /// Id.
    pub id: String,
    /// Display name.
    pub label: String,
}

/// A validated component.
#[derive(Debug, Clone)]
pub struct ComponentSpec {
    /// Id (`[a-z][a-z0-9_]*`).
    pub id: String,
    /// Display name (free text; escape before use).
    pub label: String,
    /// Description (free text).
    pub description: String,
    /// Catalog function.
    pub function: String,
    /// Diagram tier.
    pub tier: String,
    /// Environment -> size tier.
    pub sizes: BTreeMap<String, String>,
    /// Provider -> pinned parameters.
    pub overrides: BTreeMap<Provider, BTreeMap<String, model::Scalar>>,
    /// Usage assumptions (name -> value), only those given.
    pub usage: BTreeMap<String, f64>,
    /// Environment -> usage assumptions given for that environment only.
    pub env_usage: BTreeMap<String, BTreeMap<String, f64>>,
    /// Parent component id.
    pub attached_to: Option<String>,
    /// Explicit dependencies.
    pub depends_on: Vec<String>,
    /// Span of the id, for diagnostics.
    pub span: Span,
}

/// A validated connection.
#[derive(Debug, Clone)]
pub struct ConnectionSpec {
    /// From id.
    pub from: String,
    /// To id.
    pub to: String,
    /// Label (free text).
    pub label: String,
    /// Protocol (free text).
    pub protocol: String,
    /// Whether replies flow back as well.
    pub two_way: bool,
    /// Span of `from`.
    pub span: Span,
}

/// A validated flow.
#[derive(Debug, Clone)]
pub struct FlowSpec {
    /// Id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Steps (from, to, message).
    pub steps: Vec<(String, String, String)>,
}

impl ValidSpec {
    /// A component by id.
    pub fn component(&self, id: &str) -> Option<&ComponentSpec> {
        self.by_id.get(id, &self.components).next()
    }

    /// The components attached to `id`, in spec order.
    pub fn children(&self, id: &str) -> impl Iterator<Item = &ComponentSpec> {
        self.attached.get(id, &self.components)
    }

    /// The connections from `id`, in spec order.
    pub fn connections_from(&self, id: &str) -> impl Iterator<Item = &ConnectionSpec> {
        self.outgoing.get(id, &self.connections)
    }

    /// The functions of the components `id` connects to, in connection order.
    pub fn connected_functions(&self, id: &str) -> impl Iterator<Item = &str> {
        self.connections_from(id)
            .filter_map(|c| self.component(&c.to))
            .map(|c| c.function.as_str())
    }

    /// The connections to `id`, in spec order.
    pub fn connections_to(&self, id: &str) -> impl Iterator<Item = &ConnectionSpec> {
        self.incoming.get(id, &self.connections)
    }

    /// The environment with the largest size tier (the last by name among equals): the one
    /// tradeoffs weigh costs in and that carries once-per-organization charges.
    pub fn largest_environment(&self) -> Option<&str> {
        let rank = |size: &str| SIZE_TIERS.iter().position(|t| *t == size).unwrap_or(0);
        self.environments
            .iter()
            .max_by_key(|(name, size)| (rank(size), name.as_str()))
            .map(|(name, _)| name.as_str())
    }
}
