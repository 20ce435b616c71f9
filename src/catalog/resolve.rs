//! Resolution: a service graph mapped onto one provider's catalog.
//!
//! Input: a [`ServiceGraph`] and the [`Catalog`]. Output: a [`Deployment`]: for every component,
//! in deploy order, the implementation that fills it, its size parameters per environment and the
//! expressions it exports. Fallback implementations produce warnings pointing at the component.

use std::collections::BTreeMap;

use super::model::Unassociated;
use super::{Catalog, FunctionMeta, Implementation, Provider, Status};
use crate::diagnostics::{Diagnostic, Report};
use crate::graph::ServiceGraph;
use crate::index::Positions;
use crate::spec::model::Scalar;
use crate::spec::{ComponentSpec, ProviderTarget};

/// One component placed on one provider.
#[derive(Debug, Clone)]
/// The spec's component and the catalog's entries are borrowed: cloning them per placement was
/// most of a large spec's resolve.
pub struct Placement<'a> {
    /// The component as specified.
    pub component: &'a ComponentSpec,
    /// Its function's metadata.
    pub meta: &'a FunctionMeta,
    /// The provider's implementation.
    pub implementation: &'a Implementation,
    /// Terraform label (= id).
    pub name: String,
    /// Id with `-` for `_`.
    pub slug: String,
    /// Id with only `[a-z0-9]`.
    pub compact: String,
    /// Environment -> size parameters (tier values with the spec's pins applied).
    pub params: BTreeMap<String, BTreeMap<String, Scalar>>,
    /// Environment -> size tier.
    pub tiers: BTreeMap<String, String>,
    /// Export name -> HCL expression.
    pub exports: BTreeMap<String, String>,
}

/// Everything needed to render one provider's artifacts.
#[derive(Debug, Clone)]
pub struct Deployment<'a> {
    /// The provider.
    pub provider: Provider,
    /// Its settings from the spec.
    pub target: ProviderTarget,
    /// The graph (and through it the spec).
    pub graph: &'a ServiceGraph,
    /// Components in deploy order.
    pub placements: Vec<Placement<'a>>,
    /// Provider-specific Terraform variables from the catalog.
    pub variables: BTreeMap<String, super::model::VariableDef>,
    /// Warnings (fallback services).
    pub warnings: Vec<Diagnostic>,
    /// `placements` by component id.
    pub by_id: Positions,
    /// `placements` by the component id they are attached to.
    pub attached: Positions,
}

impl<'a> Deployment<'a> {
    /// The index in `placements` of component `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.positions(id).first().copied()
    }

    /// The placement of component `id`.
    pub fn placement(&self, id: &str) -> Option<&Placement<'a>> {
        self.by_id.get(id, &self.placements).next()
    }

    /// The placements attached to `id`, in deploy order.
    pub fn children(&self, id: &str) -> impl Iterator<Item = &Placement<'a>> {
        self.attached.get(id, &self.placements)
    }

    /// The deployment without what only its own rendering reads: each placement's size
    /// parameters, tiers and exports, and the Terraform variables. The placements (component,
    /// function, implementation, names), the target and the warnings stay: all that the
    /// cross-provider files (pipeline, tradeoffs) read once the provider's files are rendered,
    /// at a fraction of a large spec's memory.
    #[must_use]
    pub fn into_outline(mut self) -> Self {
        for placement in &mut self.placements {
            placement.params = BTreeMap::new();
            placement.tiers = BTreeMap::new();
            placement.exports = BTreeMap::new();
        }
        self.variables = BTreeMap::new();
        self
    }
}

/// Maps every component onto `provider`.
pub fn resolve<'a>(
    graph: &'a ServiceGraph,
    catalog: &'a Catalog,
    provider: Provider,
) -> Result<Deployment<'a>, Report> {
    let spec = &graph.spec;
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut placements = Vec::with_capacity(spec.components.len());
    let Some(target) = spec.providers.get(&provider).cloned() else {
        return Err(Report::new(
            spec.source.clone(),
            vec![
                Diagnostic::error(
                    "archgen::catalog::provider_not_targeted",
                    format!("the spec does not target {provider}"),
                    None,
                )
                .with_help(format!("add `{provider}` with a region under `providers`")),
            ],
        ));
    };
    for component in graph.ordered() {
        let (Some(meta), Some(implementation)) = (
            catalog.functions.get(&component.function),
            catalog.implementation(provider, &component.function),
        ) else {
            problems.push(Diagnostic::error(
                "archgen::spec::unsupported_function",
                format!(
                    "function `{}` has no implementation on {provider}",
                    component.function
                ),
                Some(component.span),
            ));
            continue;
        };
        if implementation.status == Status::Fallback {
            warnings.push(
                Diagnostic::warning(
                    "archgen::catalog::fallback",
                    format!(
                        "{} has no native `{}`; generating the fallback: {}",
                        provider.title(),
                        component.function,
                        implementation.service
                    ),
                    Some(component.span),
                )
                .with_label(format!("{provider} fallback"))
                .with_help_opt(implementation.note.clone()),
            );
        }
        if let Some(parent) = component.attached_to.as_deref()
            && let Some(parent_function) = spec.component(parent).map(|p| p.function.as_str())
            && let Err(why) =
                implementation.association(parent_function, spec.connected_functions(parent))
        {
            let (message, help) = match why {
                Unassociated::Parent(parents) => (
                    format!(
                        "{} cannot associate {} with `{parent}`, a `{parent_function}`; \
                         generating `{}` unassociated (it protects nothing)",
                        provider.title(),
                        implementation.service,
                        component.id
                    ),
                    format!("on {provider}, attach it to a {}", parents.join(", a ")),
                ),
                Unassociated::Connections(needed) => (
                    format!(
                        "{} associates {} with a `{parent_function}` only through its \
                         connections to a {}, and `{parent}` has none; generating `{}` \
                         unassociated (it protects nothing)",
                        provider.title(),
                        implementation.service,
                        needed.join(", a "),
                        component.id
                    ),
                    implementation.note.clone().unwrap_or_else(|| {
                        format!("connect `{parent}` to a {}", needed.join(", a "))
                    }),
                ),
            };
            warnings.push(
                Diagnostic::warning(
                    "archgen::catalog::unassociated_attachment",
                    message,
                    Some(component.span),
                )
                .with_label(format!("unassociated on {provider}"))
                .with_help(help),
            );
        }
        let overrides = component.overrides.get(&provider);
        let mut params = BTreeMap::new();
        let mut tiers = BTreeMap::new();
        for (env, tier) in &component.sizes {
            tiers.insert(env.clone(), tier.clone());
            if let Some(base) = implementation.sizes.get(tier) {
                let mut values = base.clone();
                if let Some(overrides) = overrides {
                    values.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                params.insert(env.clone(), values);
            }
        }
        if let Some(warning) = shadowed_usage(provider, component, implementation, &params) {
            warnings.push(warning);
        }
        let name = component.id.clone();
        let exports = implementation
            .exports
            .iter()
            .map(|(key, export)| (key.clone(), export.value.replace("{name}", &name)))
            .collect();
        placements.push(Placement {
            slug: name.replace('_', "-"),
            compact: name.chars().filter(char::is_ascii_alphanumeric).collect(),
            name,
            component,
            meta,
            implementation,
            params,
            tiers,
            exports,
        });
    }
    if !problems.is_empty() {
        return Err(Report::new(spec.source.clone(), problems));
    }
    let variables = catalog
        .providers
        .get(&provider)
        .map(|f| f.variables.clone())
        .unwrap_or_default();
    Ok(Deployment {
        by_id: Positions::of(&placements, |p| Some(&p.component.id)),
        attached: Positions::of(&placements, |p| p.component.attached_to.as_deref()),
        provider,
        target,
        graph,
        placements,
        variables,
        warnings,
    })
}

/// A warning when the spec gives a usage value (e.g. `memory_mb`) that is a size parameter of
/// the implementation on `provider` and differs from it in some environment: the size sets it
/// in the Terraform and the cost sheet, so the usage value changes neither;
/// `overrides.<provider>.<param>` pins it.
fn shadowed_usage(
    provider: Provider,
    component: &crate::spec::ComponentSpec,
    implementation: &Implementation,
    params: &BTreeMap<String, BTreeMap<String, Scalar>>,
) -> Option<Diagnostic> {
    let pinned = component.overrides.get(&provider);
    let mut keys: Vec<&String> = component
        .usage
        .keys()
        .chain(component.env_usage.values().flat_map(BTreeMap::keys))
        .filter(|key| pinned.is_none_or(|p| !p.contains_key(*key)))
        .collect();
    keys.sort();
    keys.dedup();
    // (key, environment, usage value, size value) where they differ.
    let differing: Vec<(&String, &String, f64, String)> = keys
        .into_iter()
        .flat_map(|key| {
            params.iter().filter_map(move |(env, values)| {
                let sized = values.get(key)?;
                let used = component
                    .env_usage
                    .get(env)
                    .and_then(|u| u.get(key))
                    .or_else(|| component.usage.get(key))
                    .copied()?;
                let same = match sized {
                    Scalar::Int(i) => i.to_string() == used.to_string(),
                    Scalar::Float(f) => f.to_bits() == used.to_bits(),
                    Scalar::Bool(_) | Scalar::Str(_) => false,
                };
                (!same).then(|| (key, env, used, sized.text()))
            })
        })
        .collect();
    let (key, _, used, _) = differing.first()?;
    let sizes: Vec<String> = differing
        .iter()
        .filter(|(k, ..)| k == key)
        .map(|(_, env, _, sized)| format!("{sized} in {env}"))
        .collect();
    Some(
        Diagnostic::warning(
            "archgen::catalog::usage_is_a_size_parameter",
            format!(
                "on {}, usage `{key}: {used}` of `{}` is not used: `{key}` is a size parameter of \
                 {} ({}), which sets it in the Terraform and the cost sheet",
                provider.title(),
                component.id,
                implementation.service,
                sizes.join(", ")
            ),
            Some(component.span),
        )
        .with_label(format!("usage ignored on {provider}"))
        .with_help(format!(
            "to deploy and price {used} on {provider}, pin it: `overrides.{provider}.{key}: {used}` \
             (or pick a size whose `{key}` matches)"
        )),
    )
}
