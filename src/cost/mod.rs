//! Cost stage: every component of a [`Deployment`] priced from data, per environment.
//!
//! Input: a deployment (one provider) and the [`Prices`]. Output: a [`CostSheet`] per
//! environment: per component, per billing line, the quantity, the unit price and the monthly
//! cost, with every usage assumption the line used and where it came from. Free items say free;
//! items that cannot be priced are listed, never shown as $0. Hours per month = 730.

pub mod formula;
pub mod model;
pub mod render;

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;

use crate::catalog::resolve::Placement;
use crate::catalog::{Deployment, Provider};
use crate::diagnostics::{Diagnostic, Report, Source};
use crate::spec::model::Scalar;
pub use model::{FunctionPricing, Line, PricingFile, UsageFile};

/// Hours in a month, as every cloud price page counts them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// All price data.
#[derive(Debug, Clone, Default)]
pub struct Prices {
    /// Provider -> its prices.
    pub providers: BTreeMap<Provider, PricingFile>,
    /// Usage defaults.
    pub usage: UsageFile,
}

/// Loads the embedded price data, overlaid by `<override_dir>/pricing/*.yaml` entry by entry.
pub fn load(override_dir: Option<&Path>) -> Result<Prices, Report> {
    let mut prices = Prices::default();
    let sources = crate::catalog::sources(
        override_dir,
        &[
            "pricing/usage.yaml",
            "pricing/aws.yaml",
            "pricing/azure.yaml",
            "pricing/gcp.yaml",
        ],
    )?;
    for (name, text) in sources {
        if text.trim().is_empty() {
            continue;
        }
        let source = Source::new(name.clone(), text.as_str());
        if name.ends_with("usage.yaml") {
            let file: UsageFile = crate::catalog::parse_source(&name, &text)
                .map_err(|d| Report::new(source, vec![d]))?;
            prices.usage.default.extend(file.default);
            for (function, tiers) in file.functions {
                prices
                    .usage
                    .functions
                    .entry(function)
                    .or_default()
                    .extend(tiers);
            }
            continue;
        }
        let file: PricingFile = crate::catalog::parse_source(&name, &text)
            .map_err(|d| Report::new(source.clone(), vec![d]))?;
        let Some(provider) = Provider::parse(&file.provider) else {
            return Err(Report::new(
                source,
                vec![Diagnostic::error(
                    "archgen::cost::unknown_provider",
                    format!("unknown provider `{}`", file.provider),
                    None,
                )],
            ));
        };
        match prices.providers.get_mut(&provider) {
            Some(existing) => {
                existing.functions.extend(file.functions);
                existing.as_of = file.as_of;
            }
            None => {
                prices.providers.insert(provider, file);
            }
        }
    }
    check(&mut prices)?;
    Ok(prices)
}

/// Every formula parses (and is kept parsed) and every line prices every listed region (an
/// `unlisted` line prices none).
fn check(prices: &mut Prices) -> Result<(), Report> {
    let mut problems = Vec::new();
    for (provider, file) in &mut prices.providers {
        for (function, pricing) in &mut file.functions {
            for line in &mut pricing.lines {
                if line.free.is_some() {
                    continue;
                }
                match &line.quantity {
                    Some(q) => match formula::parse(q) {
                        Ok(expr) => line.parsed = Some(expr),
                        Err(err) => {
                            problems.push(format!("{provider} {function} `{}`: {err}", line.name));
                        }
                    },
                    None => problems.push(format!(
                        "{provider} {function} `{}`: no quantity",
                        line.name
                    )),
                }
                if let Some(discount) = &line.discount
                    && !(discount.rate > 0.0 && discount.rate < 1.0)
                {
                    problems.push(format!(
                        "{provider} {function} `{}`: discount rate {} is not between 0 and 1",
                        line.name, discount.rate
                    ));
                }
                if line.unlisted.is_some() {
                    if !line.price.is_empty() {
                        problems.push(format!(
                            "{provider} {function} `{}`: an `unlisted` line has no list price, so it cannot have `price`",
                            line.name
                        ));
                    }
                    continue;
                }
                for region in &file.regions {
                    if !line.price.contains_key(region) {
                        problems.push(format!(
                            "{provider} {function} `{}`: no price for {region}",
                            line.name
                        ));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Report::new(
        Source::new("catalogs/pricing", ""),
        problems
            .into_iter()
            .map(|p| Diagnostic::error("archgen::cost::invalid_prices", p, None))
            .collect(),
    ))
}

/// Where a value a formula used came from.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Assumption {
    /// Name used in the formula.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// `spec`, `default (<tier>)`, `size`, or `constant`.
    pub source: String,
}

/// One priced billing line.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CostLine {
    /// Line name.
    pub name: String,
    /// Provider SKU / meter.
    pub sku: String,
    /// Unit.
    pub unit: String,
    /// Monthly quantity (after free units).
    pub quantity: f64,
    /// USD per unit.
    pub unit_price: f64,
    /// USD per month.
    pub monthly: f64,
    /// Values the quantity formula used.
    pub assumptions: Vec<Assumption>,
    /// Why the line is free, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free: Option<String>,
    /// Public price page.
    pub source: String,
}

/// One component's costs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ComponentCost {
    /// Component id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Function.
    pub function: String,
    /// Service on this provider.
    pub service: String,
    /// Diagram tier.
    pub tier: String,
    /// Size tier in this environment.
    pub size: String,
    /// Priced lines.
    pub lines: Vec<CostLine>,
    /// Why the whole component is free, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free: Option<String>,
    /// USD per month.
    pub monthly: f64,
}

/// Something that could not be priced.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Unpriced {
    /// Component id.
    pub component: String,
    /// What.
    pub item: String,
    /// Why.
    pub reason: String,
    /// `secondary`: a billing dimension the price data lists as not derivable from a spec
    /// (request-driven extras); `missing`: a line that should be priced but could not be
    /// (missing usage value, SKU or price data).
    pub kind: UnpricedKind,
}

/// Why an item is not priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnpricedKind {
    /// Listed in the price data as not derivable from a spec.
    Secondary,
    /// Should be priced, but data is missing.
    Missing,
    /// Has no public list price (quoted by the provider's sales team); the reason gives the
    /// quantity the spec implies.
    Unlisted,
}

impl UnpricedKind {
    /// The item is part of the service's bill, so the total is short of what the provider
    /// charges and cannot be compared as if complete. Secondary items (not derivable from a
    /// spec, or priced on another component) do not count.
    #[must_use]
    pub fn leaves_total_short(self) -> bool {
        matches!(self, Self::Missing | Self::Unlisted)
    }
}

/// The monthly cost of one deployment in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CostSheet {
    /// Spec name.
    pub spec: String,
    /// Provider.
    pub provider: String,
    /// Environment.
    pub environment: String,
    /// Region of the deployment.
    pub region: String,
    /// Region whose prices were used (differs when the price data lacks the region).
    pub priced_region: String,
    /// Date of the prices.
    pub as_of: String,
    /// Currency.
    pub currency: String,
    /// Hours per month used.
    pub hours_per_month: f64,
    /// Components in deploy order.
    pub components: Vec<ComponentCost>,
    /// Subtotals by diagram tier.
    pub by_tier: BTreeMap<String, f64>,
    /// Total per month.
    pub total: f64,
    /// What could not be priced (not included in the total).
    pub unpriced: Vec<Unpriced>,
}

impl CostSheet {
    /// The items not priced that leave the total short of the bill (see
    /// [`UnpricedKind::leaves_total_short`]).
    pub fn short_items(&self) -> impl Iterator<Item = &Unpriced> {
        self.unpriced.iter().filter(|u| u.kind.leaves_total_short())
    }

    /// The sheet without its priced lines: each component's total, the tier subtotals, the
    /// total and the unpriced items stay. That is all a comparison or the tradeoff analysis
    /// reads, once the sheet's own files are rendered, and for a large spec the lines (each
    /// with its assumptions) are most of a sheet's memory.
    #[must_use]
    pub fn into_totals(mut self) -> Self {
        for component in &mut self.components {
            component.lines = Vec::new();
        }
        self
    }
}

/// Prices one deployment in one environment.
pub fn price(deployment: &Deployment<'_>, prices: &Prices, environment: &str) -> CostSheet {
    let provider = deployment.provider;
    let spec = &deployment.graph.spec;
    let file = prices.providers.get(&provider);
    let region = deployment.target.region.clone();
    let priced_region = file
        .and_then(|f| {
            if f.regions.contains(&region) {
                Some(region.clone())
            } else {
                f.regions.first().cloned()
            }
        })
        .unwrap_or_else(|| region.clone());
    let mut sheet = CostSheet {
        spec: spec.name.clone(),
        provider: provider.as_str().into(),
        environment: environment.into(),
        region: region.clone(),
        priced_region: priced_region.clone(),
        as_of: file.map_or_else(|| "(no price data)".into(), |f| f.as_of.clone()),
        currency: file.map_or_else(|| "USD".into(), |f| f.currency.clone()),
        hours_per_month: HOURS_PER_MONTH,
        components: Vec::new(),
        by_tier: BTreeMap::new(),
        total: 0.0,
        unpriced: Vec::new(),
    };
    // once_per lines are charged on this environment's sheet only.
    let carrier = spec.largest_environment().unwrap_or_default();
    for placement in &deployment.placements {
        let component = &placement.component;
        let tier = placement
            .tiers
            .get(environment)
            .cloned()
            .unwrap_or_default();
        let params = placement
            .params
            .get(environment)
            .cloned()
            .unwrap_or_default();
        let mut cost = ComponentCost {
            id: component.id.clone(),
            label: component.label.clone(),
            function: component.function.clone(),
            service: placement.implementation.service.clone(),
            tier: component.tier.clone(),
            size: tier.clone(),
            lines: Vec::new(),
            free: None,
            monthly: 0.0,
        };
        let pricing = file.and_then(|f| f.functions.get(&component.function));
        let Some(pricing) = pricing else {
            sheet.unpriced.push(Unpriced {
                component: component.id.clone(),
                item: placement.implementation.service.clone(),
                reason: format!(
                    "no price data for `{}` on {}",
                    component.function,
                    provider.title()
                ),
                kind: UnpricedKind::Missing,
            });
            sheet.components.push(cost);
            continue;
        };
        if let Some(free) = &pricing.free {
            cost.free = Some(free.clone());
        }
        for item in pricing.unpriced.iter().filter_map(|u| u.applies(&params)) {
            sheet.unpriced.push(Unpriced {
                component: component.id.clone(),
                item: item.to_string(),
                reason: "not derivable from the spec".into(),
                kind: UnpricedKind::Secondary,
            });
        }
        let sku_lines: Vec<&Line> = pricing
            .lines
            .iter()
            .filter(|l| !l.when.is_empty())
            .collect();
        let mut matched_sku = false;
        for line in &pricing.lines {
            if !line.when.iter().all(|(k, v)| params.get(k) == Some(v)) {
                continue;
            }
            matched_sku |= !line.when.is_empty();
            let connected = |functions: &[String]| {
                spec.connections_from(&component.id).any(|c| {
                    deployment
                        .placement(&c.to)
                        .is_some_and(|p| functions.contains(&p.component.function))
                })
            };
            let parent_is = |functions: &[String]| {
                component
                    .attached_to
                    .as_deref()
                    .and_then(|id| deployment.placement(id))
                    .is_some_and(|p| functions.contains(&p.component.function))
            };
            let fronted_by = |functions: &[String]| {
                spec.connections_to(&component.id).any(|c| {
                    deployment
                        .placement(&c.from)
                        .is_some_and(|p| functions.contains(&p.component.function))
                })
            };
            if (!line.when_connected.is_empty() && !connected(&line.when_connected))
                || (!line.unless_connected.is_empty() && connected(&line.unless_connected))
                || (!line.when_fronted_by.is_empty() && !fronted_by(&line.when_fronted_by))
                || (!line.unless_fronted_by.is_empty() && fronted_by(&line.unless_fronted_by))
                || (!line.when_parent.is_empty() && !parent_is(&line.when_parent))
                || (!line.unless_parent.is_empty() && parent_is(&line.unless_parent))
            {
                continue;
            }
            let carried_elsewhere = line.once_per.as_ref().and_then(|scope| {
                (carrier != environment)
                    .then(|| format!("billed once per {scope}: on the `{carrier}` sheet"))
            });
            let covered = line
                .covered_by
                .as_ref()
                .and_then(|cover| covering(deployment, placement, cover))
                .or_else(|| {
                    line.needs_association
                        .then(|| unassociated(deployment, placement))
                        .flatten()
                });
            if let Some(free) = line
                .free
                .as_ref()
                .or(carried_elsewhere.as_ref())
                .or(covered.as_ref())
            {
                cost.lines.push(CostLine {
                    name: line.name.clone(),
                    sku: line.sku.clone(),
                    unit: line.unit.clone(),
                    quantity: 0.0,
                    unit_price: 0.0,
                    monthly: 0.0,
                    assumptions: Vec::new(),
                    free: Some(free.clone()),
                    source: line.source.clone(),
                });
                continue;
            }
            let context = LineContext {
                params: &params,
                component,
                parent: component
                    .attached_to
                    .as_deref()
                    .and_then(|id| spec.component(id))
                    .filter(|_| !pricing.inherit_usage.is_empty()),
                inherit: &pricing.inherit_usage,
                tier: &tier,
                environment,
                scale: spec.usage_scale.get(environment).copied().unwrap_or(1.0),
                prices,
                region: &priced_region,
            };
            if let Some(why) = &line.unlisted {
                sheet.unpriced.push(Unpriced {
                    component: component.id.clone(),
                    item: line.name.clone(),
                    reason: unlisted_reason(line, &context, why),
                    kind: UnpricedKind::Unlisted,
                });
                continue;
            }
            match price_line(line, &context) {
                Ok(line_cost) => {
                    cost.monthly += line_cost.monthly;
                    cost.lines.push(line_cost);
                }
                Err(reason) => sheet.unpriced.push(Unpriced {
                    component: component.id.clone(),
                    item: line.name.clone(),
                    reason,
                    kind: UnpricedKind::Missing,
                }),
            }
        }
        if !sku_lines.is_empty() && !matched_sku {
            let skus: Vec<String> = params
                .iter()
                .filter(|(k, _)| sku_lines.iter().any(|l| l.when.contains_key(*k)))
                .map(|(k, v)| format!("{k} = {}", v.text()))
                .collect();
            sheet.unpriced.push(Unpriced {
                component: component.id.clone(),
                item: sku_lines[0].name.clone(),
                reason: format!("no price for {}", skus.join(", ")),
                kind: UnpricedKind::Missing,
            });
        }
        cost.monthly = round_cents(cost.monthly);
        *sheet.by_tier.entry(component.tier.clone()).or_default() += cost.monthly;
        sheet.total += cost.monthly;
        sheet.components.push(cost);
    }
    sheet.total = round_cents(sheet.total);
    for value in sheet.by_tier.values_mut() {
        *value = round_cents(*value);
    }
    if priced_region != region && !priced_region.is_empty() {
        sheet.unpriced.push(Unpriced {
            component: String::new(),
            item: format!("region {region}"),
            reason: format!(
                "no price data for {region}; {priced_region} prices are used as an estimate"
            ),
            kind: UnpricedKind::Secondary,
        });
    }
    sheet
}

/// Why a [`CoveredBy`](model::CoveredBy) line is free for `placement`, when a component of the
/// covering function protects it (or, for `target: parent`, the component it is attached to).
/// A covering component protects the components of `protects` it connects to, or every such
/// component when it connects to none of them.
fn covering(
    deployment: &Deployment<'_>,
    placement: &Placement<'_>,
    cover: &model::CoveredBy,
) -> Option<String> {
    let spec = &deployment.graph.spec;
    let target = match cover.target {
        model::CoverTarget::Itself => placement,
        model::CoverTarget::Parent => {
            deployment.placement(placement.component.attached_to.as_deref()?)?
        }
    };
    if !cover.protects.contains(&target.component.function) {
        return None;
    }
    let protectable = |id: &str| {
        deployment
            .placement(id)
            .is_some_and(|p| cover.protects.contains(&p.component.function))
    };
    deployment
        .placements
        .iter()
        .filter(|p| p.component.function == cover.function)
        .find(|shield| {
            let linked: Vec<&str> = spec
                .connections_from(&shield.component.id)
                .map(|c| c.to.as_str())
                .filter(|id| protectable(id))
                .collect();
            linked.is_empty() || linked.contains(&target.component.id.as_str())
        })
        .map(|shield| {
            format!(
                "{} (`{}` protects `{}`)",
                cover.why, shield.component.id, target.component.id
            )
        })
}

/// Why a `needs_association` line is free: the component's service is generated unassociated
/// with the component it is attached to.
fn unassociated(deployment: &Deployment<'_>, placement: &Placement<'_>) -> Option<String> {
    let spec = &deployment.graph.spec;
    let parent = placement.component.attached_to.as_deref()?;
    let parent_function = spec.component(parent)?.function.as_str();
    placement
        .implementation
        .association(parent_function, spec.connected_functions(parent))
        .err()
        .map(|_| {
            format!(
                "not associated with `{parent}` on {}: it evaluates no requests",
                deployment.provider.title()
            )
        })
}

fn round_cents(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Usage values that describe a unit of work rather than an amount of it: an environment's
/// `usage_scale` leaves them alone.
const UNSCALED_USAGE: [&str; 4] = [
    "duration_ms",
    "memory_mb",
    "event_size_kb",
    "cache_hit_ratio",
];

/// What one billing line is priced against.
struct LineContext<'a> {
    params: &'a BTreeMap<String, Scalar>,
    component: &'a crate::spec::ComponentSpec,
    /// The component it is attached to, when the function inherits usage from it.
    parent: Option<&'a crate::spec::ComponentSpec>,
    /// Usage keys taken from `parent` when the component gives none.
    inherit: &'a [String],
    tier: &'a str,
    environment: &'a str,
    scale: f64,
    prices: &'a Prices,
    region: &'a str,
}

impl LineContext<'_> {
    /// A usage value and where it came from: the component's per-environment usage, its
    /// usage (scaled by the environment's `usage_scale`), the function's default for the
    /// size tier, or the global default.
    fn usage(&self, name: &str) -> Option<(f64, String)> {
        let component = self.component;
        if let Some(found) = self.spec_usage(component, name) {
            return Some(found);
        }
        if let Some(parent) = self.parent
            && self.inherit.iter().any(|k| k == name)
            && let Some((value, source)) = self.spec_usage(parent, name)
        {
            return Some((value, format!("`{}` {source}", parent.id)));
        }
        let tier = self.tier;
        self.prices
            .usage
            .functions
            .get(&component.function)
            .and_then(|t| t.get(tier))
            .and_then(|u| u.get(name))
            .map(|v| (*v, format!("default ({tier})")))
            .or_else(|| {
                self.prices
                    .usage
                    .default
                    .get(name)
                    .map(|v| (*v, "default".to_string()))
            })
    }
}

impl LineContext<'_> {
    /// A usage value the spec gives `component`: its per-environment usage, else its usage
    /// scaled by the environment's `usage_scale`.
    fn spec_usage(
        &self,
        component: &crate::spec::ComponentSpec,
        name: &str,
    ) -> Option<(f64, String)> {
        if let Some(value) = component
            .env_usage
            .get(self.environment)
            .and_then(|u| u.get(name))
        {
            return Some((*value, format!("spec ({})", self.environment)));
        }
        let value = component.usage.get(name)?;
        #[expect(
            clippy::float_cmp,
            reason = "1 is the exact default, not a computed value"
        )]
        Some(if self.scale == 1.0 || UNSCALED_USAGE.contains(&name) {
            (*value, "spec".to_string())
        } else {
            (
                value * self.scale,
                format!("spec × {} ({})", self.scale, self.environment),
            )
        })
    }
}

/// Why an unlisted line is not priced, with the quantity the spec implies and what drove it.
fn unlisted_reason(line: &Line, context: &LineContext<'_>, why: &str) -> String {
    match line_quantity(line, context) {
        Ok((quantity, assumptions)) => {
            let drivers: Vec<String> = assumptions
                .iter()
                .map(|a| format!("{}={} ({})", a.name, render::quantity(a.value), a.source))
                .collect();
            let drivers = if drivers.is_empty() {
                String::new()
            } else {
                format!(", from {}", drivers.join(", "))
            };
            format!(
                "no public list price ({why}); {} {}{drivers}",
                render::quantity(quantity),
                line.unit
            )
        }
        Err(reason) => format!("no public list price ({why}); quantity unknown: {reason}"),
    }
}

/// A line's billed quantity (after its free units) and the assumptions that drove it.
fn line_quantity(line: &Line, context: &LineContext<'_>) -> Result<(f64, Vec<Assumption>), String> {
    let params = context.params;
    let parsed;
    let expr = if let Some(expr) = &line.parsed {
        expr
    } else {
        parsed = formula::parse(line.quantity.as_deref().unwrap_or("0"))?;
        &parsed
    };
    let mut assumptions: Vec<Assumption> = Vec::new();
    let mut resolve = |name: &str| -> Option<f64> {
        let found = match name {
            "hours" => Some((HOURS_PER_MONTH, "constant".to_string())),
            "seconds" => Some((HOURS_PER_MONTH * 3600.0, "constant".to_string())),
            "days" => Some((HOURS_PER_MONTH / 24.0, "constant".to_string())),
            _ => match params.get(name) {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "size parameters are small integers"
                )]
                Some(Scalar::Int(i)) => Some((*i as f64, "size".to_string())),
                Some(Scalar::Float(f)) => Some((*f, "size".to_string())),
                Some(Scalar::Bool(b)) => Some((f64::from(u8::from(*b)), "size".to_string())),
                Some(Scalar::Str(_)) => None,
                None => context.usage(name),
            },
        };
        let (value, source) = found?;
        if source != "constant" && !assumptions.iter().any(|a| a.name == name) {
            assumptions.push(Assumption {
                name: name.to_string(),
                value,
                source,
            });
        }
        Some(value)
    };
    let raw = expr
        .eval(&mut resolve)
        .map_err(|name| format!("`{name}` is unknown (give it under `usage` in the spec)"))?;
    let quantity = (raw - line.free_units.unwrap_or(0.0)).max(0.0);
    Ok((quantity, assumptions))
}

fn price_line(line: &Line, context: &LineContext<'_>) -> Result<CostLine, String> {
    let region = context.region;
    let (quantity, mut assumptions) = line_quantity(line, context)?;
    let unit_price = *line
        .price
        .get(region)
        .ok_or_else(|| format!("no price for region {region}"))?;
    let mut monthly = quantity * unit_price;
    if let Some(discount) = &line.discount {
        monthly *= 1.0 - discount.rate;
        assumptions.push(Assumption {
            name: "discount".to_string(),
            value: discount.rate,
            source: discount.why.clone(),
        });
    }
    if let Some(minimum) = line.min_monthly {
        monthly = monthly.max(minimum);
    }
    Ok(CostLine {
        name: line.name.clone(),
        sku: line.sku.clone(),
        unit: line.unit.clone(),
        quantity,
        unit_price,
        monthly: round_cents(monthly),
        assumptions,
        free: None,
        source: line.source.clone(),
    })
}
