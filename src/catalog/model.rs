//! Catalog data: provider-neutral function metadata and per-provider implementations.
//!
//! LOAD-BEARING: these types are the format of `catalogs/*.yaml` (see docs/templates.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::spec::model::Scalar;

/// `catalogs/functions.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionsFile {
    /// Function id -> metadata.
    pub functions: BTreeMap<String, FunctionMeta>,
}

/// What a function is, independent of any provider.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionMeta {
    /// Human title.
    pub title: String,
    /// One-paragraph definition.
    pub description: String,
    /// Reference category (edge, network, security, compute, data, storage, messaging, ...).
    pub category: String,
    /// core / extended / niche.
    pub coverage: String,
    /// Diagram tier / Terraform file: edge, compute, data, integration, operations.
    pub tier: String,
    /// Deploy stage: network, security, data, compute, edge.
    pub stage: String,
    /// The base function this is a variant of.
    pub variant_of: Option<String>,
    /// Functions a component of this function may be `attached_to`; empty = not attachable.
    #[serde(default)]
    pub parents: Vec<String>,
    /// Connections a component of this function needs.
    #[serde(default)]
    pub requires: Requires,
    /// Needs `secondary_region` on every targeted provider (replicas, global tables).
    #[serde(default)]
    pub secondary_region: bool,
    /// At most one component of this function may be attached to the same parent (a
    /// distribution, load balancer or gateway takes one web ACL on every provider).
    #[serde(default)]
    pub one_per_parent: bool,
}

/// Connections a function needs: at least one to (or from) a component of a listed function.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requires {
    /// Functions this component must connect to (one of).
    #[serde(default)]
    pub outgoing: Vec<String>,
    /// Functions that must connect to this component (one of).
    #[serde(default)]
    pub incoming: Vec<String>,
}

/// `catalogs/<provider>.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    /// Provider id (aws, azure, gcp).
    pub provider: String,
    /// Provider-specific Terraform variables.
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDef>,
    /// Function id -> implementation.
    #[serde(default)]
    pub functions: BTreeMap<String, Implementation>,
}

/// A provider-specific Terraform variable.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDef {
    /// HCL type expression, e.g. `string`.
    #[serde(rename = "type")]
    pub type_expr: String,
    /// Description.
    pub description: String,
    /// Default value in variables.tf (any YAML value); without one the variable is a required input.
    pub value: Option<serde_json::Value>,
    /// Take the value from the spec's provider settings (`project`, `region`, `secondary_region`).
    pub from: Option<String>,
    /// Mark sensitive.
    #[serde(default)]
    pub sensitive: bool,
}

/// How well a provider fills a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// First-party service with close semantics.
    Native,
    /// First-party, with materially different semantics or coverage.
    Partial,
    /// No equivalent; an honest stand-in is generated.
    Fallback,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Partial => "partial",
            Self::Fallback => "fallback",
        }
    }
}

/// How much capacity a service leaves to its operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operations {
    /// Nothing to size: capacity follows use.
    Serverless,
    /// Capacity bounds to set; the service scales within them.
    Managed,
    /// Nodes, shards or units to size and resize.
    Provisioned,
    /// Machines run by you: patching, scaling and upgrades.
    SelfManaged,
}

impl Operations {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Serverless => "serverless",
            Self::Managed => "managed",
            Self::Provisioned => "provisioned",
            Self::SelfManaged => "self-managed",
        }
    }
}

/// A tradeoff score with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// 1 (worst) to 5 (best).
    pub score: u8,
    /// One line: why this service scores so.
    pub why: String,
}

/// Size tiers, smallest first.
pub const SIZE_TIERS: [&str; 4] = ["small", "medium", "large", "xlarge"];

/// One provider's implementation of one function.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Implementation {
    /// Display name of the service.
    pub service: String,
    /// native / partial / fallback.
    pub status: Status,
    /// What differs, or what stands in (required unless native).
    pub note: Option<String>,
    /// How much capacity the service leaves to its operator (default: `serverless` when the
    /// implementation has no size tiers, else `managed`). Feeds the operational-simplicity score.
    pub operations: Option<Operations>,
    /// Tradeoff scores (1-5) on the dimensions this service drives, each with its reason:
    /// `query_performance`, `streaming_throughput`, `ecosystem_integration`,
    /// `operational_simplicity` (see `crate::tradeoffs`).
    #[serde(default)]
    pub scores: BTreeMap<String, Score>,
    /// Documentation link.
    pub docs: String,
    /// Template name under `terraform/<provider>/components/` (without `.tf.tera`); default = function id.
    pub template: Option<String>,
    /// Terraform resource types it creates.
    #[serde(default)]
    pub resources: Vec<String>,
    /// Size tier -> parameters.
    #[serde(default)]
    pub sizes: BTreeMap<String, BTreeMap<String, Scalar>>,
    /// The parameter a spec may pin as "the SKU".
    pub sku_param: Option<String>,
    /// Further accepted SKU values beyond those in `sizes`.
    #[serde(default)]
    pub skus: Vec<Scalar>,
    /// Expressions other templates may reference (`{name}` = the component's Terraform name).
    #[serde(default)]
    pub exports: BTreeMap<String, Export>,
    /// Parent functions this service can associate with when the component is `attached_to`
    /// one; empty = every parent the function allows. Attached to another parent, it is
    /// generated unassociated and resolution warns.
    #[serde(default)]
    pub parents: Vec<String>,
    /// Parents the service associates with only through some of their connections: parent
    /// function -> the functions the parent must connect to. Cloud Armor protects the
    /// serverless backends of a Cloud CDN, never its buckets, so a CDN of bucket origins leaves
    /// the policy unassociated; resolution warns and request lines price nothing.
    #[serde(default)]
    pub parent_connects: BTreeMap<String, Vec<String>>,
}

impl Implementation {
    /// Whether the service associates with its parent, a `parent_function` whose outgoing
    /// connections reach components of the `connected` functions: `Err` says why not.
    pub fn association<'a>(
        &self,
        parent_function: &str,
        mut connected: impl Iterator<Item = &'a str>,
    ) -> Result<(), Unassociated> {
        if !self.parents.is_empty() && !self.parents.iter().any(|f| f == parent_function) {
            return Err(Unassociated::Parent(self.parents.clone()));
        }
        match self.parent_connects.get(parent_function) {
            Some(needed) if !connected.any(|f| needed.iter().any(|n| n == f)) => {
                Err(Unassociated::Connections(needed.clone()))
            }
            _ => Ok(()),
        }
    }
}

/// Why a service is generated unassociated with its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unassociated {
    /// It cannot associate with this kind of parent; it can with these.
    Parent(Vec<String>),
    /// It associates only through the parent's connections to these functions, and the parent
    /// has none.
    Connections(Vec<String>),
}

/// An expression a component exposes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// HCL expression with `{name}` placeholders.
    pub value: String,
    /// Description (used for outputs).
    #[serde(default)]
    pub description: String,
    /// Also write it to outputs.tf.
    #[serde(default)]
    pub output: bool,
    /// Mark the output sensitive.
    #[serde(default)]
    pub sensitive: bool,
}

impl Implementation {
    /// Whether the function has size tiers on this provider.
    pub fn is_sized(&self) -> bool {
        !self.sizes.is_empty()
    }

    /// The operations class, defaulted from whether the service has size tiers.
    pub fn operations(&self) -> Operations {
        self.operations.unwrap_or(if self.is_sized() {
            Operations::Managed
        } else {
            Operations::Serverless
        })
    }

    /// Every SKU a spec may pin: the values of `sku_param` across tiers plus `skus`.
    pub fn known_skus(&self) -> Vec<String> {
        let mut skus: Vec<String> = self.skus.iter().map(Scalar::text).collect();
        if let Some(param) = &self.sku_param {
            for params in self.sizes.values() {
                if let Some(sku) = params.get(param) {
                    skus.push(sku.text());
                }
            }
        }
        skus.sort();
        skus.dedup();
        skus
    }
}
