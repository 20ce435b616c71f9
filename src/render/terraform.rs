//! Terraform per provider: versions, providers, backend, foundation, one file per tier,
//! variables, outputs and per-environment values.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::filters::hcl_str;
use super::{Sink, TIERS, TemplateError, Templates, hclfmt};
use crate::catalog::Deployment;
use crate::catalog::resolve::Placement;
use crate::spec::model::Scalar;

/// A Terraform value for a scalar.
fn hcl_scalar(value: &Scalar) -> String {
    match value {
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => f.to_string(),
        Scalar::Str(s) => hcl_str(s),
    }
}

/// A Terraform value for any JSON value (catalog variable defaults).
fn hcl_json(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => hcl_str(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(hcl_json).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => {
            if map.is_empty() {
                return "{}".into();
            }
            let body: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", hcl_str(k), hcl_json(v)))
                .collect();
            format!("{{\n{}\n}}", body.join("\n"))
        }
    }
}

fn hcl_type(value: &Scalar) -> &'static str {
    match value {
        Scalar::Bool(_) => "bool",
        Scalar::Int(_) | Scalar::Float(_) => "number",
        Scalar::Str(_) => "string",
    }
}

/// The link view of a placement that other templates see (with its children, shallowly),
/// built as Tera values directly: converting a JSON value per placement was most of the
/// shared context's cost.
fn link(deployment: &Deployment<'_>, placement: &Placement<'_>) -> tera::Value {
    let text = |s: &str| tera::Value::from(s);
    let children: Vec<tera::Value> = deployment
        .children(&placement.component.id)
        .map(|p| {
            BTreeMap::from([
                ("name", text(&p.name)),
                ("slug", text(&p.slug)),
                ("function", text(&p.component.function)),
                ("exports", p.exports.clone().into()),
            ])
            .into()
        })
        .collect();
    BTreeMap::from([
        ("id", text(&placement.component.id)),
        ("name", text(&placement.name)),
        ("slug", text(&placement.slug)),
        ("compact", text(&placement.compact)),
        ("function", text(&placement.component.function)),
        ("tier", text(&placement.component.tier)),
        ("stage", text(&placement.meta.stage)),
        ("service", text(&placement.implementation.service)),
        ("label_hcl", hcl_str(&placement.component.label).into()),
        ("connection_label_hcl", hcl_str("").into()),
        ("protocol", text("")),
        ("exports", placement.exports.clone().into()),
        ("children", children.into()),
    ])
    .into()
}

/// The context every Terraform template gets.
fn base_context(deployment: &Deployment<'_>) -> Value {
    let spec = &deployment.graph.spec;
    let mut functions: Vec<&str> = deployment
        .placements
        .iter()
        .map(|p| p.component.function.as_str())
        .collect();
    functions.sort_unstable();
    functions.dedup();
    json!({
        "spec": {
            "name": spec.name,
            "slug": spec.name,
            "description_hcl": hcl_str(&spec.description),
        },
        "provider": {
            "id": deployment.provider.as_str(),
            "title": deployment.provider.title(),
            "region": deployment.target.region,
            "secondary_region": deployment.target.secondary_region,
            "project": deployment.target.project,
        },
        "environments": spec.environments.keys().collect::<Vec<_>>(),
        "functions_used": functions,
    })
}

/// The base context as Tera values, converted once: cloning them is cheap (shared data), so every
/// component's render gets `components` without copying it.
///
/// It also holds `by_function`: function -> its components in deploy order, so templates look
/// their peers up instead of filtering every component (which made rendering quadratic in the
/// spec's size). Its entries share their data with `components`.
struct Shared {
    context: tera::Context,
    /// Every placement's link, in deploy order: the parent, children and connections of each
    /// component's context are clones of these.
    links: Vec<tera::Value>,
}

fn shared_context(deployment: &Deployment<'_>, base: &Value) -> Shared {
    let mut context = tera::Context::new();
    if let Value::Object(map) = base {
        for (key, value) in map {
            context.insert_value(key.clone(), tera::Value::from_serializable(value));
        }
    }
    let links: Vec<tera::Value> = deployment
        .placements
        .iter()
        .map(|p| link(deployment, p))
        .collect();
    let mut by_function: BTreeMap<String, Vec<tera::Value>> = BTreeMap::new();
    for (placement, link) in deployment.placements.iter().zip(&links) {
        by_function
            .entry(placement.component.function.clone())
            .or_default()
            .push(link.clone());
    }
    context.insert_value("components", tera::Value::from(links.clone()));
    context.insert_value("by_function", tera::Value::from(by_function));
    Shared { context, links }
}

/// A link of [`Shared::links`] for one connection: with its protocol and label.
fn connection_link(link: &tera::Value, protocol: &str, label: &str) -> tera::Value {
    let mut map = link.clone().into_map().unwrap_or_default();
    map.insert("protocol".into(), protocol.into());
    map.insert("connection_label_hcl".into(), hcl_str(label).into());
    tera::Value::from(map)
}

/// The context of one component's template: the shared context and `c`, built as Tera values
/// directly (converting a JSON value per component was a tenth of a large spec's render).
fn component_context(
    deployment: &Deployment<'_>,
    placement: &Placement<'_>,
    shared: &Shared,
) -> tera::Context {
    let spec = &deployment.graph.spec;
    let id = placement.component.id.as_str();
    let link = |id: &str| deployment.position(id).map(|i| shared.links[i].clone());
    let parent = placement
        .component
        .attached_to
        .as_deref()
        .and_then(link)
        .unwrap_or_else(tera::Value::none);
    let children: Vec<tera::Value> = deployment
        .attached
        .positions(id)
        .iter()
        .map(|i| shared.links[*i].clone())
        .collect();
    let outgoing: Vec<tera::Value> = spec
        .connections_from(id)
        .filter_map(|c| {
            deployment
                .position(&c.to)
                .map(|i| connection_link(&shared.links[i], &c.protocol, &c.label))
        })
        .collect();
    let incoming: Vec<tera::Value> = spec
        .connections_to(id)
        .filter_map(|c| {
            deployment
                .position(&c.from)
                .map(|i| connection_link(&shared.links[i], &c.protocol, &c.label))
        })
        .collect();
    let text = |s: &str| tera::Value::from(s);
    let c: BTreeMap<&'static str, tera::Value> = BTreeMap::from([
        ("id", text(id)),
        ("name", text(&placement.name)),
        ("slug", text(&placement.slug)),
        ("compact", text(&placement.compact)),
        ("label_hcl", hcl_str(&placement.component.label).into()),
        (
            "description_hcl",
            hcl_str(&placement.component.description).into(),
        ),
        ("function", text(&placement.component.function)),
        ("tier", text(&placement.component.tier)),
        ("stage", text(&placement.meta.stage)),
        ("service", text(&placement.implementation.service)),
        ("status", text(placement.implementation.status.as_str())),
        ("sized", placement.implementation.is_sized().into()),
        ("size_var", format!("var.{}_size", placement.name).into()),
        (
            "usage",
            tera::Value::from_serializable(&placement.component.usage),
        ),
        ("exports", placement.exports.clone().into()),
        ("parent", parent),
        ("children", children.into()),
        ("outgoing", outgoing.into()),
        ("incoming", incoming.into()),
    ]);
    let mut context = shared.context.clone();
    context.insert_value("c", tera::Value::from(c));
    context
}

/// One Terraform variable.
struct Variable {
    name: String,
    type_expr: String,
    description: String,
    /// Default (HCL) in variables.tf.
    default: Option<String>,
    sensitive: bool,
    validation: Option<(String, String)>,
    /// Environment -> value (HCL); absent = not written to tfvars.
    values: BTreeMap<String, String>,
}

/// Adds the name of every `var.<name>` that `text` references to `names`.
fn referenced_variables(text: &str, names: &mut BTreeSet<String>) {
    // Found by their `v` (a one-byte search, memchr fast) rather than a substring search.
    for (at, _) in text.match_indices('v') {
        if !text[at..].starts_with("var.") {
            continue;
        }
        let rest = &text[at + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if end > 0 && !names.contains(&rest[..end]) {
            names.insert(rest[..end].to_string());
        }
    }
}

/// The variables of a deployment: the common ones, then each catalog variable the rendered
/// Terraform references (`referenced`, from [`referenced_variables`]).
fn variables(deployment: &Deployment<'_>, referenced: &BTreeSet<String>) -> Vec<Variable> {
    let spec = &deployment.graph.spec;
    let envs: Vec<&String> = spec.environments.keys().collect();
    let every_env = |value: String| -> BTreeMap<String, String> {
        envs.iter().map(|e| ((*e).clone(), value.clone())).collect()
    };
    let env_list = envs
        .iter()
        .map(|e| hcl_str(e))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![
        Variable {
            name: "project".into(),
            type_expr: "string".into(),
            description: "Name prefix of every resource (the spec's name).".into(),
            default: None,
            sensitive: false,
            validation: Some((
                "can(regex(\"^[a-z][a-z0-9-]{0,39}$\", var.project))".into(),
                "project must be lower-case letters, digits and -, starting with a letter.".into(),
            )),
            values: every_env(hcl_str(&spec.name)),
        },
        Variable {
            name: "environment".into(),
            type_expr: "string".into(),
            description: "Deployment environment; selects sizes through environments/<env>.tfvars."
                .into(),
            default: None,
            sensitive: false,
            validation: Some((
                format!("contains([{env_list}], var.environment)"),
                format!(
                    "environment must be one of: {}.",
                    envs.iter()
                        .map(|e| e.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            values: envs.iter().map(|e| ((*e).clone(), hcl_str(e))).collect(),
        },
        Variable {
            name: "region".into(),
            type_expr: "string".into(),
            description: format!("Primary {} region.", deployment.provider.title()),
            default: None,
            sensitive: false,
            validation: None,
            values: every_env(hcl_str(&deployment.target.region)),
        },
    ];
    if let Some(secondary) = &deployment.target.secondary_region {
        out.push(Variable {
            name: "secondary_region".into(),
            type_expr: "string".into(),
            description: format!(
                "Secondary {} region for replicas and failover.",
                deployment.provider.title()
            ),
            default: None,
            sensitive: false,
            validation: None,
            values: every_env(hcl_str(secondary)),
        });
    }
    out.push(Variable {
        name: "tags".into(),
        type_expr: "map(string)".into(),
        description: "Extra tags / labels applied to every resource.".into(),
        default: Some("{}".into()),
        sensitive: false,
        validation: None,
        values: BTreeMap::new(),
    });
    for (name, def) in &deployment.variables {
        // Declared only when the rendered Terraform references it.
        if !referenced.contains(name) {
            continue;
        }
        let values = match def.from.as_deref() {
            // Each environment's own project.
            Some("project") => envs
                .iter()
                .filter_map(|env| {
                    let project = deployment.target.project_for(env)?;
                    Some(((*env).clone(), hcl_str(project)))
                })
                .collect(),
            Some("region") => every_env(hcl_str(&deployment.target.region)),
            Some("secondary_region") => deployment
                .target
                .secondary_region
                .as_deref()
                .map(|region| every_env(hcl_str(region)))
                .unwrap_or_default(),
            _ => BTreeMap::new(),
        };
        out.push(Variable {
            name: name.clone(),
            type_expr: def.type_expr.clone(),
            description: def.description.clone(),
            default: def.value.as_ref().map(hcl_json),
            sensitive: def.sensitive,
            validation: None,
            values,
        });
    }
    for placement in &deployment.placements {
        let Some(first) = placement.params.values().next() else {
            continue;
        };
        let fields: Vec<String> = first
            .iter()
            .map(|(k, v)| format!("{k} = {}", hcl_type(v)))
            .collect();
        let values = placement
            .params
            .iter()
            .map(|(env, params)| {
                let body: Vec<String> = params
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", hcl_scalar(v)))
                    .collect();
                (env.clone(), format!("{{\n{}\n}}", body.join("\n")))
            })
            .collect();
        let tiers: Vec<String> = placement
            .tiers
            .iter()
            .map(|(env, tier)| format!("{env}: {tier}"))
            .collect();
        out.push(Variable {
            name: format!("{}_size", placement.name),
            type_expr: format!("object({{\n{}\n}})", fields.join("\n")),
            description: format!(
                "Size of {} ({} on {}); per environment: {}.",
                placement.name,
                placement.component.function,
                placement.implementation.service,
                tiers.join(", ")
            ),
            default: None,
            sensitive: false,
            validation: None,
            values,
        });
    }
    out
}

/// Which Terraform resources each component (and the foundation) created: the targets of the
/// staged deploy.
#[derive(Debug, Clone, Default)]
pub struct TerraformLayout {
    /// Resource addresses of `main.tf` (network, keys, logging).
    pub foundation: Vec<String>,
    /// Component id -> its resource addresses.
    pub components: BTreeMap<String, Vec<String>>,
    /// The variables the tfvars leave without a value in some environment and that have no
    /// default: the pipeline must pass them (`TF_VAR_<name>`).
    pub inputs: Vec<Input>,
}

/// A Terraform variable the generated tree cannot give a value: the user's to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The variable's name.
    pub name: String,
    /// Its description in `variables.tf`.
    pub description: String,
    /// Its type expression (`string`, `list(string)` ...).
    pub type_expr: String,
    /// Whether it is sensitive (a GitHub secret rather than a variable).
    pub sensitive: bool,
    /// The environments whose tfvars leave it unset.
    pub missing: Vec<String>,
}

/// Generated HCL must parse: a template (or an override) that renders invalid HCL fails
/// generation, naming `template`, instead of writing Terraform that does not parse. Returns the
/// text's top-level resource addresses (the targets of the staged deploy).
///
/// The fast recognizer ([`super::hclcheck`]) settles almost every file and reads the addresses
/// in the same pass; what it is not sure of goes to hcl-edit's parser, which decides and words
/// the error, and the addresses are then found by [`hclfmt::resource_addresses`].
fn parse(text: &str, template: String, overridden: bool) -> Result<Vec<String>, TemplateError> {
    if let Some(resources) = super::hclcheck::resources(text) {
        return Ok(resources);
    }
    hcl_edit::parser::parse_body(text)
        .map(|_| hclfmt::resource_addresses(text))
        .map_err(|err| TemplateError {
            template,
            message: format!("generated HCL does not parse: {err}"),
            overridden,
        })
}

/// Renders `<provider>/terraform/**` into `out`, each file formatted like `terraform fmt` and
/// checked to parse; returns the resources each component (and the foundation) created.
pub fn render_terraform(
    deployment: &Deployment<'_>,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<TerraformLayout, TemplateError> {
    let mut layout = TerraformLayout::default();
    let provider = deployment.provider.as_str();
    let base_dir = format!("{provider}/terraform");
    let shared = shared_context(deployment, &base_context(deployment));
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut referenced = BTreeSet::new();

    for file in ["versions.tf", "providers.tf", "backend.tf", "main.tf"] {
        let name = format!("terraform/{provider}/{file}.tera");
        files.insert(
            file.to_string(),
            templates.render_context(&name, &shared.context)?,
        );
    }

    for tier in TIERS {
        // Each component's HCL is formatted on its own and appended (components are whole
        // top-level blocks: the same bytes as formatting the file), so the tier's unformatted
        // text, most of a large spec's Terraform, is never held.
        let mut text = super::Text::new();
        for placement in deployment
            .placements
            .iter()
            .filter(|p| p.component.tier == tier)
        {
            let name = super::component_template(
                deployment.provider,
                placement.implementation,
                &placement.component.function,
            );
            let context = component_context(deployment, placement, &shared);
            let rendered: String = templates.render_context(&name, &context)?;
            // Each component's HCL is parsed on its own (a body of top-level blocks, so the
            // file is valid when every part is): the error names the template, and the parse
            // tree of one component is small, where a whole tier file's tree was the largest
            // allocation of a big spec.
            let overridden = templates.overridden.contains(&name);
            let resources = parse(&rendered, name, overridden)?;
            layout
                .components
                .insert(placement.component.id.clone(), resources);
            referenced_variables(&rendered, &mut referenced);
            let header = format!(
                "# {} ({}): {}",
                placement.name,
                placement.component.function,
                super::filters::comment(&placement.implementation.service)
            );
            hclfmt::append_part(&mut text, &header, &rendered);
        }
        if !text.is_empty() {
            // Written now: nothing after this reads it.
            out.put(format!("{base_dir}/{tier}.tf"), text);
        }
    }

    for text in files.values() {
        referenced_variables(text, &mut referenced);
    }
    let variables = variables(deployment, &referenced);
    let mut variables_tf = String::new();
    for variable in &variables {
        let _ = writeln!(variables_tf, "variable \"{}\" {{", variable.name);
        let _ = writeln!(
            variables_tf,
            "description = {}",
            hcl_str(&variable.description)
        );
        let _ = writeln!(variables_tf, "type = {}", variable.type_expr);
        if let Some(default) = &variable.default {
            let _ = writeln!(variables_tf, "default = {default}");
        }
        if variable.sensitive {
            variables_tf.push_str("sensitive = true\n");
        }
        if let Some((condition, message)) = &variable.validation {
            let _ = writeln!(
                variables_tf,
                "\nvalidation {{\ncondition = {condition}\nerror_message = {}\n}}",
                hcl_str(message)
            );
        }
        variables_tf.push_str("}\n\n");
    }
    files.insert("variables.tf".into(), variables_tf);
    layout.inputs = variables
        .iter()
        .filter(|v| v.default.is_none())
        .filter_map(|v| {
            let missing: Vec<String> = deployment
                .graph
                .spec
                .environments
                .keys()
                .filter(|env| !v.values.contains_key(*env))
                .cloned()
                .collect();
            (!missing.is_empty()).then(|| Input {
                name: v.name.clone(),
                description: v.description.clone(),
                type_expr: v.type_expr.clone(),
                sensitive: v.sensitive,
                missing,
            })
        })
        .collect();

    let mut outputs_tf = String::new();
    for placement in &deployment.placements {
        for (key, export) in &placement.implementation.exports {
            if !export.output {
                continue;
            }
            let _ = writeln!(outputs_tf, "output \"{}_{key}\" {{", placement.name);
            let description = if export.description.is_empty() {
                format!("{key} of {}", placement.name)
            } else {
                format!("{} ({})", export.description, placement.name)
            };
            let _ = writeln!(outputs_tf, "description = {}", hcl_str(&description));
            let _ = writeln!(outputs_tf, "value = {}", placement.exports[key]);
            if export.sensitive {
                outputs_tf.push_str("sensitive = true\n");
            }
            outputs_tf.push_str("}\n\n");
        }
    }
    if !outputs_tf.is_empty() {
        files.insert("outputs.tf".into(), outputs_tf);
    }

    for env in deployment.graph.spec.environments.keys() {
        let mut tfvars = String::new();
        for variable in &variables {
            if let Some(value) = variable.values.get(env) {
                let _ = writeln!(tfvars, "{} = {value}", variable.name);
            }
        }
        files.insert(format!("environments/{env}.tfvars"), tfvars);
        let backend = format!("terraform/{provider}/backend.hcl.tera");
        if templates.contains(&backend) {
            let mut context = shared.context.clone();
            context.insert("environment", env);
            files.insert(
                format!("environments/{env}.backend.hcl"),
                templates.render_context(&backend, &context)?,
            );
        }
    }

    // The tier files are written (they were parsed one component at a time as they rendered).
    for (file, text) in files {
        let path = format!("{base_dir}/{file}");
        let formatted = hclfmt::format(&text);
        let resources = parse(&formatted, path.clone(), !templates.overridden.is_empty())?;
        if file == "main.tf" {
            layout.foundation = resources;
        }
        out.put(path, formatted.into());
    }
    Ok(layout)
}
