//! Deploy workflow artifacts: per provider `scripts/deploy.sh` and `scripts/destroy.sh` (staged
//! Terraform driven by the graph's deploy order), and the GitHub Actions pipeline.

use std::collections::BTreeMap;

use super::{OutputTree, TemplateError, Templates, TerraformLayout};
use crate::catalog::{Deployment, Provider};
use crate::graph::ServiceGraph;

/// Renders one provider's scripts under `<provider>/scripts/`.
pub fn render_provider(
    _deployment: &Deployment<'_>,
    _layout: &TerraformLayout,
    _templates: &Templates,
    _tree: &mut OutputTree,
) -> Result<(), TemplateError> {
    Ok(())
}

/// Renders the provider-neutral pipeline (`.github/workflows/`).
pub fn render_neutral(
    _graph: &ServiceGraph,
    _deployments: &BTreeMap<Provider, Deployment<'_>>,
    _options: &crate::GenerateOptions,
    _templates: &Templates,
    _tree: &mut OutputTree,
) -> Result<(), TemplateError> {
    Ok(())
}
