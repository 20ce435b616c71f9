//! Deploy workflow artifacts: per provider `scripts/deploy.sh` and `scripts/destroy.sh` (staged
//! Terraform driven by the graph's deploy order), and the GitHub Actions pipeline.
//!
//! Everything provider-specific is a template: `scripts/<provider>/provider.sh.tera` (backend
//! settings from the environment, preflight against the provider CLI) and
//! `scripts/<provider>/health/<function>.sh.tera` (the health checks of one component, from its
//! Terraform outputs; a function without a template gets none). Adding a service needs no Rust.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::filters::yaml_str;
use super::{Sink, TemplateError, Templates, TerraformLayout};
use crate::catalog::resolve::Placement;
use crate::catalog::{Deployment, Provider};
use crate::graph::{STAGES, ServiceGraph};

/// One deploy stage: the components whose function deploys in it, in deploy order.
struct Stage<'a> {
    name: String,
    /// Foundation resource addresses (the network stage only).
    foundation: Vec<String>,
    components: Vec<&'a Placement<'a>>,
}

/// The stages in deploy order: network (with the foundation), security, data, compute, edge,
/// then any stage the catalog names that archgen does not know (in order of appearance).
fn stages<'a>(deployment: &'a Deployment<'_>, layout: &TerraformLayout) -> Vec<Stage<'a>> {
    let mut names: Vec<String> = STAGES.iter().map(ToString::to_string).collect();
    for placement in &deployment.placements {
        if !names.contains(&placement.meta.stage) {
            names.push(placement.meta.stage.clone());
        }
    }
    names
        .into_iter()
        .map(|name| Stage {
            foundation: if name == STAGES[0] {
                layout.foundation.clone()
            } else {
                Vec::new()
            },
            components: deployment
                .placements
                .iter()
                .filter(|p| p.meta.stage == name)
                .collect(),
            name,
        })
        .collect()
}

/// Output name of every export of a placement that is written to `outputs.tf`.
fn outputs(placement: &Placement<'_>) -> BTreeMap<String, String> {
    placement
        .implementation
        .exports
        .iter()
        .filter(|(_, export)| export.output)
        .map(|(key, _)| (key.clone(), format!("{}_{key}", placement.name)))
        .collect()
}

/// A component as the script templates see it, built as Tera values (one per component per
/// stage list and health check: converting JSON for each was a tenth of this render).
fn component_value(placement: &Placement<'_>, layout: &TerraformLayout) -> tera::Value {
    // Spec / catalog text with `$` or a backtick: single-quoted on purpose (shellcheck SC2016).
    let literal = [
        &placement.component.label,
        &placement.implementation.service,
    ]
    .iter()
    .any(|text| text.contains(['$', '`']));
    let text = |s: &str| tera::Value::from(s);
    BTreeMap::from([
        ("name", text(&placement.name)),
        ("label", text(&placement.component.label)),
        ("function", text(&placement.component.function)),
        ("service", text(&placement.implementation.service)),
        ("stage", text(&placement.meta.stage)),
        ("literal", literal.into()),
        (
            "addresses",
            layout
                .components
                .get(&placement.component.id)
                .cloned()
                .unwrap_or_default()
                .into(),
        ),
    ])
    .into()
}

fn provider_json(deployment: &Deployment<'_>) -> Value {
    json!({
        "id": deployment.provider.as_str(),
        "title": deployment.provider.title(),
        "region": deployment.target.region,
        "secondary_region": deployment.target.secondary_region,
        "project": deployment.target.project,
        // `[{env, project}]` in environment order (GCP; empty elsewhere).
        "projects": deployment
            .graph
            .spec
            .environments
            .keys()
            .filter_map(|env| {
                let project = deployment.target.project_for(env)?;
                Some(json!({"env": env, "project": project}))
            })
            .collect::<Vec<_>>(),
    })
}

/// Renders one provider's scripts under `<provider>/scripts/`.
pub fn render_provider(
    deployment: &Deployment<'_>,
    layout: &TerraformLayout,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<(), TemplateError> {
    let provider = deployment.provider.as_str();
    let spec = &deployment.graph.spec;
    let base = json!({
        "spec": {"name": spec.name},
        "provider": provider_json(deployment),
        "environments": spec.environments.keys().collect::<Vec<_>>(),
    });

    // The base, converted to Tera values once: each health check adds its component, and the
    // scripts add the provider settings, the health checks and their stages.
    let mut shared = templates.context("scripts/deploy.sh.tera", &base)?;
    let provider_sh = format!("scripts/{provider}/provider.sh.tera");
    let provider_sh: String = templates.render_context(&provider_sh, &shared)?;

    // Health checks: one template per function, used when it exists.
    let mut health: Vec<tera::Value> = Vec::new();
    for placement in &deployment.placements {
        let name = super::health_template(deployment.provider, &placement.component.function);
        let text = if templates.contains(&name) {
            let mut context = shared.clone();
            context.insert_value("c", component_value(placement, layout));
            context.insert_value("outputs", tera::Value::from(outputs(placement)));
            templates
                .render_context::<String>(&name, &context)?
                .trim()
                .to_string()
        } else {
            String::new()
        };
        health.push(
            BTreeMap::from([
                ("name", tera::Value::from(placement.name.as_str())),
                ("label", placement.component.label.as_str().into()),
                ("function", placement.component.function.as_str().into()),
                ("text", text.into()),
            ])
            .into(),
        );
    }
    // Stages with something to apply, each converted once; destroy takes them in reverse.
    let deploy_stages: Vec<tera::Value> = stages(deployment, layout)
        .iter()
        .filter_map(|stage| {
            let mut targets = stage.foundation.clone();
            for placement in &stage.components {
                targets.extend(
                    layout
                        .components
                        .get(&placement.component.id)
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
            }
            (!targets.is_empty()).then(|| {
                let components: Vec<tera::Value> = stage
                    .components
                    .iter()
                    .map(|p| component_value(p, layout))
                    .collect();
                BTreeMap::from([
                    ("name", tera::Value::from(stage.name.as_str())),
                    ("foundation", stage.foundation.clone().into()),
                    ("components", components.into()),
                    ("targets", targets.into()),
                ])
                .into()
            })
        })
        .collect();
    let destroy_stages: Vec<tera::Value> = deploy_stages.iter().rev().cloned().collect();

    shared.insert_value("provider_sh", tera::Value::from(provider_sh.trim()));
    shared.insert_value("health", tera::Value::from(health));
    for (action, stages) in [("deploy", deploy_stages), ("destroy", destroy_stages)] {
        let mut context = shared.clone();
        context.insert_value("action", tera::Value::from(action));
        context.insert_value("stages", tera::Value::from(stages));
        let text = templates.render_context(&format!("scripts/{action}.sh.tera"), &context)?;
        out.put(format!("{provider}/scripts/{action}.sh"), text);
    }
    Ok(())
}

/// A YAML double-quoted scalar that GitHub Actions will not evaluate as an expression: `${{` is
/// written as the expression `${{ '${{' }}`, which evaluates to the literal text.
fn gha_str(value: &str) -> String {
    yaml_str(&value.replace("${{", "${{ '${{' }}"))
}

/// A `/`-separated relative path without empty, `.` or `..` segments, or `None`.
fn plain_relative(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The spec's path from the repository root, when the spec was given as a plain relative path
/// with ordinary characters (archgen runs from the repository root, as CI does); otherwise the
/// pipeline needs the `ARCHGEN_SPEC` variable.
fn spec_path(graph: &ServiceGraph) -> Option<String> {
    plain_relative(&graph.spec.source.name).filter(|path| {
        path.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
    })
}

/// A Terraform variable the pipeline passes as `TF_VAR_<name>`, from the GitHub variable (or,
/// when sensitive, secret) `<PROVIDER>_TF_VAR_<NAME>`: provider-prefixed, since providers may
/// share variable names with different values.
fn input_json(provider: &str, input: &super::Input) -> Value {
    let github = format!(
        "{}_TF_VAR_{}",
        provider.to_ascii_uppercase(),
        input
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            })
            .collect::<String>()
    );
    json!({
        "name": input.name,
        "github": github,
        "context": if input.sensitive { "secrets" } else { "vars" },
        "kind": if input.sensitive { "secret" } else { "variable" },
        "description": input.description,
        "type": input.type_expr,
        "missing": input.missing,
        "missing_pattern": input.missing.join("|"),
    })
}

/// Renders the provider-neutral pipeline (`.github/workflows/`) and `DEPLOY.md`.
pub fn render_neutral(
    graph: &ServiceGraph,
    deployments: &BTreeMap<Provider, Deployment<'_>>,
    inputs: &BTreeMap<Provider, Vec<super::Input>>,
    options: &crate::GenerateOptions,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<(), TemplateError> {
    if deployments.is_empty() {
        return Ok(());
    }
    let repo_path = plain_relative(&options.repo_path).unwrap_or_default();
    let prefix = if repo_path.is_empty() {
        String::new()
    } else {
        format!("{repo_path}/")
    };
    let environments: Vec<&String> = graph.spec.environments.keys().collect();
    let providers: Vec<Value> = deployments
        .values()
        .map(|deployment| {
            let id = deployment.provider.as_str();
            let mut provider = provider_json(deployment);
            provider["upper"] = Value::String(id.to_ascii_uppercase());
            provider["region_yaml"] = Value::String(gha_str(&deployment.target.region));
            // The plan jobs (a matrix of environments) name the project only when every
            // environment shares it; each apply job names its environment's.
            let projects: BTreeSet<&str> = environments
                .iter()
                .filter_map(|env| deployment.target.project_for(env))
                .collect();
            provider["project_yaml"] = match projects.iter().next() {
                Some(project) if projects.len() == 1 => Value::String(gha_str(project)),
                _ => Value::Null,
            };
            provider["projects_yaml"] = environments
                .iter()
                .filter_map(|env| {
                    let project = deployment.target.project_for(env)?;
                    Some(((*env).clone(), Value::String(gha_str(project))))
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
            provider["dir"] = Value::String(format!("{prefix}{id}/terraform"));
            provider["dir_yaml"] = Value::String(gha_str(&format!("{prefix}{id}/terraform")));
            provider["scripts_yaml"] = Value::String(gha_str(&format!("{prefix}{id}/scripts")));
            let inputs: &[super::Input] =
                inputs.get(&deployment.provider).map_or(&[], Vec::as_slice);
            provider["inputs"] = inputs.iter().map(|i| input_json(id, i)).collect();
            // Environment -> the inputs its tfvars leave unset (every environment is a key).
            provider["inputs_by_env"] = environments
                .iter()
                .map(|env| {
                    let unset: Vec<Value> = inputs
                        .iter()
                        .filter(|i| i.missing.contains(env))
                        .map(|i| input_json(id, i))
                        .collect();
                    ((*env).clone(), Value::Array(unset))
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
            provider
        })
        .collect();
    let provider_ids: Vec<&str> = deployments.keys().map(|p| p.as_str()).collect();
    let env_list: Vec<&str> = environments.iter().map(|e| e.as_str()).collect();
    let mut paths = vec![
        format!("{prefix}**"),
        ".github/workflows/archgen-terraform.yml".to_string(),
    ];
    if repo_path.is_empty() {
        paths = provider_ids.iter().map(|p| format!("{p}/**")).collect();
        paths.push(".github/workflows/archgen-terraform.yml".to_string());
    }
    let spec_path = spec_path(graph);
    if let Some(path) = &spec_path {
        paths.push(path.clone());
    }
    let context = json!({
        "spec": {"name": graph.spec.name},
        "archgen": {"version": env!("CARGO_PKG_VERSION")},
        "spec_path": spec_path,
        "output_dir": if repo_path.is_empty() { ".".to_string() } else { repo_path.clone() },
        "output_dir_yaml": gha_str(if repo_path.is_empty() { "." } else { &repo_path }),
        "prefix": prefix,
        "paths_yaml": paths.iter().map(|p| gha_str(p)).collect::<Vec<_>>(),
        "providers": providers,
        "provider_list": provider_ids.join(","),
        "environments": environments,
        "env_list": env_list.join(","),
        "default_env": environments.first(),
        "env_chain": environments
            .iter()
            .enumerate()
            .map(|(i, e)| json!({"name": e, "previous": i.checked_sub(1).map(|p| environments[p])}))
            .collect::<Vec<_>>(),
    });
    out.put(
        ".github/workflows/archgen-terraform.yml".into(),
        templates.render("github/archgen-terraform.yml.tera", &context)?,
    );
    out.put(
        "DEPLOY.md".into(),
        templates.render("github/DEPLOY.md.tera", &context)?,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_normalized_or_refused() {
        assert_eq!(
            plain_relative("./infra//out/").as_deref(),
            Some("infra/out")
        );
        assert_eq!(plain_relative("").as_deref(), None);
        assert_eq!(plain_relative("../x").as_deref(), None);
        assert_eq!(plain_relative("/abs/x").as_deref(), None);
    }

    #[test]
    fn workflow_strings_cannot_start_expressions() {
        assert_eq!(gha_str("us-east-1"), "\"us-east-1\"");
        assert_eq!(gha_str("${{ secrets.X }}"), "\"${{ '${{' }} secrets.X }}\"");
    }
}
