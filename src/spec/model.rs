//! The spec as written: serde + schemars types, every reference-bearing value spanned.
//!
//! LOAD-BEARING: these types are the file format. Field names, docs and defaults here are the
//! spec reference (README) and the JSON Schema (`archgen schema`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::yaml::Sp;
use crate::catalog::Provider;

/// An archgen architecture spec: one provider-neutral description of a system.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "archgen spec")]
pub struct SpecFile {
    /// Name of the architecture; lower-case letters, digits and `-` (used as a resource-name prefix).
    pub name: Sp<String>,
    /// What the system does; copied into generated docs.
    #[serde(default)]
    pub description: String,
    /// The clouds to generate for, each with its region(s).
    pub providers: Sp<Providers>,
    /// Deployment environments (at least one; typically `dev` and `prod`), each with a default size tier.
    pub environments: Sp<BTreeMap<Sp<String>, Environment>>,
    /// People and external systems that use the architecture; shown in diagrams, never deployed.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// The building blocks, each filling one catalog function.
    pub components: Vec<Component>,
    /// Who talks to whom.
    #[serde(default)]
    pub connections: Vec<Connection>,
    /// Named request or event flows: ordered steps, for sequence diagrams.
    #[serde(default)]
    pub flows: Vec<Flow>,
    /// `archgen analyze` findings about the whole spec that were considered and accepted.
    #[serde(default)]
    pub acknowledge: Vec<Acknowledgement>,
}

/// An accepted `archgen analyze` finding.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// Rule id (`archgen analyze --list-rules`).
    pub rule: Sp<String>,
    /// Why it is acceptable here.
    pub reason: Sp<String>,
}

/// Target providers. Omit a provider to skip it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Providers {
    /// Amazon Web Services.
    pub aws: Option<Sp<ProviderSettings>>,
    /// Microsoft Azure.
    pub azure: Option<Sp<ProviderSettings>>,
    /// Google Cloud.
    pub gcp: Option<Sp<ProviderSettings>>,
}

impl Providers {
    /// One provider's settings, when the spec targets it.
    pub fn get(&self, provider: Provider) -> Option<&Sp<ProviderSettings>> {
        match provider {
            Provider::Aws => self.aws.as_ref(),
            Provider::Azure => self.azure.as_ref(),
            Provider::Gcp => self.gcp.as_ref(),
        }
    }
}

/// Where to deploy on one provider.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Primary region, e.g. `us-east-1`, `eastus`, `us-central1`.
    pub region: Sp<String>,
    /// Secondary region for multi-region components (replicas, failover).
    pub secondary_region: Option<Sp<String>>,
    /// GCP only: the project id to deploy into.
    pub project: Option<Sp<String>>,
    /// GCP only: a project id per environment, for the environments that do not deploy into
    /// `project` (e.g. `{ dev: shop-dev }`; `project` stays the default of the others).
    #[serde(default)]
    pub projects: BTreeMap<Sp<String>, Sp<String>>,
}

/// One deployment environment.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Default size tier of every sized component: `small`, `medium`, `large` or `xlarge`.
    #[schemars(extend("enum" = ["small", "medium", "large", "xlarge"]))]
    pub size: Sp<String>,
    /// Factor applied to every traffic and volume value a component's `usage` gives (not to
    /// `duration_ms`, `memory_mb` or `event_size_kb`) when costing this environment, e.g. `0.05`
    /// for a dev environment that sees 5% of production traffic. Default 1. Values given under a
    /// component's `environments.<env>.usage` are taken as written.
    pub usage_scale: Option<Sp<f64>>,
}

/// Someone or something outside the architecture.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Identifier used in connections and flows.
    pub id: Sp<String>,
    /// Display name.
    pub name: Option<String>,
}

/// One building block of the architecture.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Identifier: lower-case letters, digits and `_`, starting with a letter. Terraform
    /// addresses derive from it, so they change only when it does.
    pub id: Sp<String>,
    /// The catalog function it fills (`archgen catalog list`), e.g. `cache`.
    pub function: Sp<String>,
    /// Display name for diagrams and docs (free text).
    pub name: Option<String>,
    /// What it is for (free text).
    pub description: Option<String>,
    /// Diagram tier, overriding the function's: `edge`, `compute`, `data`, `integration`, `operations`.
    #[schemars(extend("enum" = ["edge", "compute", "data", "integration", "operations"]))]
    pub tier: Option<Sp<String>>,
    /// Size tier for every environment, overriding the environment's default.
    #[schemars(extend("enum" = ["small", "medium", "large", "xlarge"]))]
    pub size: Option<Sp<String>>,
    /// Per-environment settings, keyed by environment name.
    #[serde(default)]
    pub environments: BTreeMap<Sp<String>, ComponentEnvironment>,
    /// Provider-specific size parameters, e.g. `aws: { node_type: cache.r7g.large }` pins a SKU.
    #[serde(default)]
    pub overrides: Overrides,
    /// Usage assumptions for the cost engine.
    #[serde(default)]
    pub usage: Usage,
    /// The component this one extends: a read replica's primary, a dead-letter queue's queue,
    /// a WAF's CDN or load balancer, a schema registry's stream.
    pub attached_to: Option<Sp<String>>,
    /// Components that must be deployed before this one (besides connections).
    #[serde(default)]
    pub depends_on: Vec<Sp<String>>,
    /// `archgen analyze` findings about this component that were considered and accepted.
    #[serde(default)]
    pub acknowledge: Vec<Acknowledgement>,
}

/// Per-environment settings of a component.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentEnvironment {
    /// Size tier in this environment.
    #[schemars(extend("enum" = ["small", "medium", "large", "xlarge"]))]
    pub size: Option<Sp<String>>,
    /// Usage assumptions in this environment, overriding the component's `usage` value by value.
    #[serde(default)]
    pub usage: Usage,
}

/// Size parameters pinned per provider (parameter name -> value).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Parameters for AWS.
    #[serde(default)]
    pub aws: BTreeMap<Sp<String>, Sp<Scalar>>,
    /// Parameters for Azure.
    #[serde(default)]
    pub azure: BTreeMap<Sp<String>, Sp<Scalar>>,
    /// Parameters for GCP.
    #[serde(default)]
    pub gcp: BTreeMap<Sp<String>, Sp<Scalar>>,
}

impl Overrides {
    /// One provider's pinned parameters.
    pub fn get(&self, provider: Provider) -> &BTreeMap<Sp<String>, Sp<Scalar>> {
        match provider {
            Provider::Aws => &self.aws,
            Provider::Azure => &self.azure,
            Provider::Gcp => &self.gcp,
        }
    }
}

/// A size parameter value.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// true / false
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text, e.g. a SKU.
    Str(String),
}

impl Scalar {
    /// The value as written (`2048`, `true`, `cache.r7g.large`).
    pub fn text(&self) -> String {
        match self {
            Self::Bool(b) => b.to_string(),
            Self::Int(i) => i.to_string(),
            Self::Float(f) => f.to_string(),
            Self::Str(s) => s.clone(),
        }
    }
}

/// Usage assumptions that drive the cost engine; any may be omitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// Average requests per second.
    pub requests_per_second: Option<Sp<f64>>,
    /// Average events (records) per second.
    pub events_per_second: Option<Sp<f64>>,
    /// Average event size in KB.
    pub event_size_kb: Option<Sp<f64>>,
    /// Data stored, GB.
    pub storage_gb: Option<Sp<f64>>,
    /// Data transferred out to the internet per month, GB.
    pub egress_gb_month: Option<Sp<f64>>,
    /// Logs ingested per month, GB.
    pub log_gb_month: Option<Sp<f64>>,
    /// Function invocations per month.
    pub invocations_per_month: Option<Sp<f64>>,
    /// Average function duration, ms.
    pub duration_ms: Option<Sp<f64>>,
    /// Function memory, MB.
    pub memory_mb: Option<Sp<f64>>,
    /// Messages published or delivered per month.
    pub messages_per_month: Option<Sp<f64>>,
    /// Concurrent connections (`WebSockets`, database clients).
    pub concurrent_connections: Option<Sp<f64>>,
    /// Monthly active users (identity).
    pub monthly_active_users: Option<Sp<f64>>,
    /// Data scanned by queries per month, TB.
    pub scanned_tb_month: Option<Sp<f64>>,
    /// Share of requests a CDN answers from its cache, from 0 to 1 (cache fills and shield
    /// requests are priced on the rest).
    pub cache_hit_ratio: Option<Sp<f64>>,
}

/// A connection from one component or actor to another.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    /// Caller / producer (component or actor id).
    pub from: Sp<String>,
    /// Callee / consumer (component or actor id).
    pub to: Sp<String>,
    /// What flows, e.g. `put records`.
    pub label: Option<String>,
    /// Protocol, e.g. `https`, `postgres`, `redis`, `amqp`.
    pub protocol: Option<String>,
    /// `one_way` (default) or `two_way`.
    #[schemars(extend("enum" = ["one_way", "two_way"]))]
    pub direction: Option<Sp<String>>,
}

/// A named flow through the architecture.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Identifier.
    pub id: Sp<String>,
    /// Display name.
    pub name: Option<String>,
    /// Ordered steps.
    pub steps: Vec<FlowStep>,
}

/// One message in a flow.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowStep {
    /// Sender (component or actor id).
    pub from: Sp<String>,
    /// Receiver (component or actor id).
    pub to: Sp<String>,
    /// What is sent.
    pub message: Option<String>,
}
