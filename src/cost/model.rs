//! Price data files (`catalogs/pricing/`): see docs/pricing.md.
//!
//! LOAD-BEARING: these types are the file format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::spec::model::Scalar;

/// `catalogs/pricing/<provider>.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricingFile {
    /// Provider id.
    pub provider: String,
    /// When the prices were read.
    pub as_of: String,
    /// Currency of every price.
    pub currency: String,
    /// Regions every line is priced in.
    pub regions: Vec<String>,
    /// Function id -> how it is billed.
    #[serde(default)]
    pub functions: BTreeMap<String, FunctionPricing>,
}

/// A billing dimension a spec cannot price: always, or only for some sizes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum UnpricedItem {
    /// Listed on every sheet of the function.
    Always(String),
    /// Listed only when a size parameter starts with the given text (e.g. `instance_type`
    /// starting with `t4g.`: a burstable size).
    When {
        /// What is not priced.
        item: String,
        /// Parameter -> the prefix its value must start with (all must hold).
        when_starts_with: BTreeMap<String, String>,
    },
}

impl UnpricedItem {
    /// The item's text when it applies to a component with these size parameters.
    pub fn applies(&self, params: &BTreeMap<String, crate::spec::model::Scalar>) -> Option<&str> {
        match self {
            Self::Always(item) => Some(item),
            Self::When {
                item,
                when_starts_with,
            } => when_starts_with
                .iter()
                .all(|(key, prefix)| {
                    matches!(params.get(key), Some(crate::spec::model::Scalar::Str(value)) if value.starts_with(prefix.as_str()))
                })
                .then_some(item.as_str()),
        }
    }
}

/// How one function is billed on one provider.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionPricing {
    /// The whole function is free: why.
    pub free: Option<String>,
    /// Billing lines.
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Billing dimensions that cannot be priced from a spec.
    #[serde(default)]
    pub unpriced: Vec<UnpricedItem>,
    /// Usage keys an attached component takes from the component it is attached to when its
    /// own spec does not give them (a WAF inspects the requests of the CDN it guards).
    #[serde(default)]
    pub inherit_usage: Vec<String>,
}

/// One billing dimension.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Shown on the sheet.
    pub name: String,
    /// The provider's SKU or meter name.
    #[serde(default)]
    pub sku: String,
    /// Unit of the quantity.
    #[serde(default)]
    pub unit: String,
    /// Quantity formula (docs/pricing.md).
    pub quantity: Option<String>,
    /// `quantity`, parsed once when the price files load (not part of the file format).
    #[serde(skip)]
    pub parsed: Option<super::formula::Expr>,
    /// USD per unit, per region.
    #[serde(default)]
    pub price: BTreeMap<String, f64>,
    /// Public page the price comes from.
    #[serde(default)]
    pub source: String,
    /// Applies only when the size parameters equal these values.
    #[serde(default)]
    pub when: BTreeMap<String, Scalar>,
    /// This dimension costs nothing: why.
    pub free: Option<String>,
    /// The provider publishes no list price for this dimension (it is quoted by its sales
    /// team): why. The quantity is still computed and the line is listed as not priced, with
    /// that quantity, instead of being given a price nobody can trace.
    pub unlisted: Option<String>,
    /// Units free every month, subtracted before pricing.
    pub free_units: Option<f64>,
    /// Minimum monthly charge.
    pub min_monthly: Option<f64>,
    /// Billed once for every environment together (an organization-wide subscription): the
    /// scope, e.g. `AWS Organization`. Only the environment with the largest size tier carries
    /// the line; the other sheets list it as free, naming the one that pays.
    pub once_per: Option<String>,
    /// A discount the provider applies automatically, without a commitment (GCP sustained-use
    /// discounts): the sheet keeps the list unit price and prices the line net of it.
    pub discount: Option<Discount>,
    /// Applies only when the component connects to a component of one of these functions.
    #[serde(default)]
    pub when_connected: Vec<String>,
    /// Applies only when the component connects to no component of these functions.
    #[serde(default)]
    pub unless_connected: Vec<String>,
    /// Applies only when a component of one of these functions connects to the component (a
    /// CDN in front of a load balancer).
    #[serde(default)]
    pub when_fronted_by: Vec<String>,
    /// Applies only when no component of these functions connects to the component.
    #[serde(default)]
    pub unless_fronted_by: Vec<String>,
    /// Applies only when the component is attached to a component of one of these functions.
    #[serde(default)]
    pub when_parent: Vec<String>,
    /// Applies only when the component is not attached to a component of these functions.
    #[serde(default)]
    pub unless_parent: Vec<String>,
    /// Charged only when the component's service is associated with the component it is
    /// attached to (the catalog's `parents` and `parent_connects`); an unassociated WAF
    /// evaluates no requests, and the line says so.
    #[serde(default)]
    pub needs_association: bool,
    /// Free when another component's service includes this charge (AWS Shield Advanced
    /// includes the AWS WAF charges of the resources it protects).
    pub covered_by: Option<CoveredBy>,
}

/// When a line's charge is included in another component's service.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoveredBy {
    /// The covering component's function (`ddos_protection`).
    pub function: String,
    /// Whose protection counts: the component itself (`self`) or the component it is attached
    /// to (`parent`: a WAF is billed as covered when the resource it guards is protected).
    #[serde(default)]
    pub target: CoverTarget,
    /// Functions the covering component can protect. It protects those it connects to, or,
    /// when it connects to none of them, every component of these functions in the spec (as
    /// its template does).
    pub protects: Vec<String>,
    /// What is included and where that is published; printed as the line's reason.
    pub why: String,
}

/// Whose protection a [`CoveredBy`] looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverTarget {
    /// The priced component.
    #[default]
    #[serde(rename = "self")]
    Itself,
    /// The component it is attached to.
    Parent,
}

/// An automatic discount on a line.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    /// Fraction off the list price (0.2 = 20%).
    pub rate: f64,
    /// What the discount is and when it applies; printed beside the line.
    pub why: String,
}

/// `catalogs/pricing/usage.yaml`: usage defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UsageFile {
    /// For any function and tier.
    #[serde(default)]
    pub default: BTreeMap<String, f64>,
    /// Function -> size tier -> usage key -> value.
    #[serde(default)]
    pub functions: BTreeMap<String, BTreeMap<String, BTreeMap<String, f64>>>,
}

#[cfg(test)]
mod unpriced_tests {
    use super::UnpricedItem;
    use crate::spec::model::Scalar;
    use std::collections::BTreeMap;

    /// A plain item applies everywhere; a conditional one only to sizes whose parameter starts
    /// with its prefix (a non-text or missing parameter never matches).
    #[test]
    fn conditional_unpriced_items_follow_the_size() {
        let items: Vec<UnpricedItem> = serde_saphyr::from_str(
            "- always\n- item: burst credits\n  when_starts_with: { instance_type: \"t4g.\" }\n",
        )
        .expect("parses");
        let params = |value: Scalar| BTreeMap::from([("instance_type".to_string(), value)]);
        let listed = |p: &BTreeMap<String, Scalar>| -> Vec<&str> {
            items.iter().filter_map(|i| i.applies(p)).collect()
        };
        let t4g = params(Scalar::Str("t4g.medium".into()));
        let m7g = params(Scalar::Str("m7g.large".into()));
        assert_eq!(listed(&t4g), ["always", "burst credits"]);
        assert_eq!(listed(&m7g), ["always"]);
        assert_eq!(listed(&params(Scalar::Int(4))), ["always"]);
        assert_eq!(listed(&BTreeMap::new()), ["always"]);
    }
}
