//! Semantic validation: every rule runs, every problem is collected, each points at its value.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Component, Scalar, SpecFile, Usage};
use super::yaml::Sp;
use super::{
    ActorSpec, ComponentSpec, ConnectionSpec, FlowSpec, ProviderTarget, SourcedSpec, ValidSpec,
};
use crate::catalog::{Catalog, Provider, SIZE_TIERS};
use crate::diagnostics::{Diagnostic, Report, Span, did_you_mean};
use crate::index::Positions;

const ID_HELP: &str =
    "ids start with a lower-case letter and use only a-z, 0-9 and `_` (at most 40 characters)";

/// Validates a parsed spec against the catalog. `only` limits the providers checked (the
/// `--provider` flag); `None` checks every provider the spec targets.
pub fn validate(
    spec: &SourcedSpec,
    catalog: &Catalog,
    only: Option<&[Provider]>,
) -> Result<ValidSpec, Report> {
    let mut v = Validator {
        catalog,
        source: &spec.source,
        diagnostics: Vec::new(),
    };
    let file = &spec.file;
    let name = v.name(&file.name);
    let environments = v.environments(file);
    let providers = v.providers(file, only, &environments);
    let ids = v.ids(file);
    let components: Vec<ComponentSpec> = file
        .components
        .iter()
        .map(|c| v.component(c, &providers, &environments, &ids))
        .collect();
    v.references(file, &ids);
    let connections = v.connections(file, &ids);
    v.requirements(file, &connections);
    let flows = v.flows(file, &ids);
    let acknowledged = v.acknowledgements(file);

    let (errors, warnings): (Vec<_>, Vec<_>) =
        v.diagnostics.into_iter().partition(Diagnostic::is_error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return Err(Report::new(spec.source.clone(), all));
    }
    Ok(ValidSpec {
        by_id: Positions::of(&components, |c| Some(&c.id)),
        attached: Positions::of(&components, |c| c.attached_to.as_deref()),
        outgoing: Positions::of(&connections, |c| Some(&c.from)),
        incoming: Positions::of(&connections, |c| Some(&c.to)),
        source: spec.source.clone(),
        name,
        description: file.description.trim().to_string(),
        providers,
        environments: environments
            .into_iter()
            .map(|(name, (size, _))| (name, size))
            .collect(),
        usage_scale: file
            .environments
            .iter()
            .map(|(name, env)| {
                let scale = env.usage_scale.as_ref().map_or(1.0, |s| s.value);
                (name.value.clone(), scale)
            })
            .collect(),
        actors: file
            .actors
            .iter()
            .map(|a| ActorSpec {
                id: a.id.value.clone(),
                label: a.name.clone().unwrap_or_else(|| a.id.value.clone()),
            })
            .collect(),
        components,
        connections,
        flows,
        warnings,
        acknowledged,
    })
}

/// What an id refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Component,
    Actor,
}

struct Validator<'a> {
    catalog: &'a Catalog,
    source: &'a crate::diagnostics::Source,
    diagnostics: Vec<Diagnostic>,
}

fn is_id(value: &str, max: usize, extra: char) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && value.len() <= max
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == extra)
}

impl Validator<'_> {
    fn error(&mut self, code: &'static str, message: String, span: Span) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, message, Some(span)));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn warning(&mut self, code: &'static str, message: String, span: Span) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::warning(code, message, Some(span)));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn name(&mut self, name: &Sp<String>) -> String {
        if !is_id(name, 40, '-') {
            let d = self.error(
                "archgen::spec::invalid_name",
                format!("invalid spec name `{}`", name.value),
                name.span,
            );
            d.label = Some("not a valid name".into());
            d.help = Some("names start with a lower-case letter and use only a-z, 0-9 and `-` (at most 40 characters); it prefixes every cloud resource name".into());
        }
        name.value.clone()
    }

    /// Reports `env` when the spec declares no such environment (with a "did you mean", or the
    /// declared names).
    fn known_environment(
        &mut self,
        env: &Sp<String>,
        environments: &BTreeMap<String, (String, Span)>,
    ) {
        if environments.contains_key(&env.value) {
            return;
        }
        let hint = did_you_mean(&env.value, environments.keys().map(String::as_str));
        let d = self.error(
            "archgen::spec::unknown_environment",
            format!("unknown environment `{}`", env.value),
            env.span,
        );
        d.help = Some(hint.unwrap_or_else(|| {
            format!(
                "declared environments: {}",
                environments.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        }));
    }

    /// Checks a GCP project id.
    fn project_id(&mut self, project: &Sp<String>) {
        if !is_id(project, 30, '-') || project.len() < 6 {
            let d = self.error(
                "archgen::spec::invalid_project",
                format!("invalid GCP project id `{}`", project.value),
                project.span,
            );
            d.help = Some("GCP project ids are 6-30 characters: lower-case letters, digits and `-`, starting with a letter".into());
        }
    }

    fn providers(
        &mut self,
        file: &SpecFile,
        only: Option<&[Provider]>,
        environments: &BTreeMap<String, (String, Span)>,
    ) -> BTreeMap<Provider, ProviderTarget> {
        let mut out = BTreeMap::new();
        for provider in Provider::ALL {
            let Some(settings) = file.providers.get(provider) else {
                continue;
            };
            if only.is_some_and(|only| !only.contains(&provider)) {
                continue;
            }
            let region_ok = !settings.region.is_empty()
                && settings
                    .region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !region_ok {
                let d = self.error(
                    "archgen::spec::invalid_region",
                    format!(
                        "invalid {} region `{}`",
                        provider.title(),
                        settings.region.value
                    ),
                    settings.region.span,
                );
                d.help = Some("regions are provider region codes such as `us-east-1`, `eastus` or `us-central1`".into());
            }
            if let Some(secondary) = &settings.secondary_region
                && secondary.value == settings.region.value
            {
                self.error(
                    "archgen::spec::invalid_region",
                    "the secondary region equals the primary region".into(),
                    secondary.span,
                );
            }
            match (provider, &settings.project) {
                (Provider::Gcp, None)
                    if environments
                        .keys()
                        .any(|env| !settings.projects.keys().any(|e| e.value == *env)) =>
                {
                    let uncovered: Vec<String> = environments
                        .keys()
                        .filter(|env| !settings.projects.keys().any(|e| e.value == **env))
                        .map(|env| format!("`{env}`"))
                        .collect();
                    let message = if settings.projects.is_empty() {
                        "the gcp provider needs a `project`".to_string()
                    } else {
                        format!(
                            "the gcp provider needs a `project`: `projects` names none for {}",
                            uncovered.join(", ")
                        )
                    };
                    let d = self.error("archgen::spec::missing_project", message, settings.span);
                    d.help = Some("add `project: <gcp-project-id>` under `providers.gcp` (or a `projects` entry for every environment)".into());
                }
                (Provider::Gcp, Some(project)) => self.project_id(project),
                (_, Some(project)) => {
                    self.error(
                        "archgen::spec::unexpected_project",
                        format!("`project` applies to gcp only, not {provider}"),
                        project.span,
                    );
                }
                (_, None) => {}
            }
            for (env, project) in &settings.projects {
                if provider != Provider::Gcp {
                    self.error(
                        "archgen::spec::unexpected_project",
                        format!("`projects` applies to gcp only, not {provider}"),
                        env.span,
                    );
                    break;
                }
                self.known_environment(env, environments);
                self.project_id(project);
            }
            let projects = if provider == Provider::Gcp {
                environments
                    .keys()
                    .filter_map(|env| {
                        let project = settings
                            .projects
                            .iter()
                            .find(|(e, _)| e.value == *env)
                            .map(|(_, p)| p)
                            .or(settings.project.as_ref())?;
                        Some((env.clone(), project.value.clone()))
                    })
                    .collect()
            } else {
                BTreeMap::new()
            };
            out.insert(
                provider,
                ProviderTarget {
                    region: settings.region.value.clone(),
                    secondary_region: settings.secondary_region.as_ref().map(|s| s.value.clone()),
                    project: settings.project.as_ref().map(|s| s.value.clone()),
                    projects,
                },
            );
        }
        if out.is_empty() && only.is_none() {
            self.diagnostics.push(
                Diagnostic::error(
                    "archgen::spec::no_providers",
                    "the spec targets no provider",
                    Some(file.providers.span),
                )
                .with_help("add at least one of `aws`, `azure`, `gcp` under `providers`"),
            );
        }
        out
    }

    fn size_tier(&mut self, size: &Sp<String>) -> bool {
        if SIZE_TIERS.contains(&size.value.as_str()) {
            return true;
        }
        let hint = did_you_mean(&size.value, SIZE_TIERS);
        let d = self.error(
            "archgen::spec::invalid_size",
            format!("unknown size tier `{}`", size.value),
            size.span,
        );
        d.label = Some("not a size tier".into());
        d.help = Some(match hint {
            Some(hint) => format!("{hint} (size tiers: {})", SIZE_TIERS.join(", ")),
            None => format!("size tiers: {}", SIZE_TIERS.join(", ")),
        });
        false
    }

    fn environments(&mut self, file: &SpecFile) -> BTreeMap<String, (String, Span)> {
        let mut out = BTreeMap::new();
        if file.environments.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(
                    "archgen::spec::no_environments",
                    "the spec declares no environment",
                    Some(file.environments.span),
                )
                .with_help(
                    "add e.g. `environments: { dev: { size: small }, prod: { size: medium } }`",
                ),
            );
        }
        for (name, env) in file.environments.iter() {
            if !is_id(name, 20, '-') {
                let d = self.error(
                    "archgen::spec::invalid_environment",
                    format!("invalid environment name `{}`", name.value),
                    name.span,
                );
                d.help =
                    Some("environment names use a-z, 0-9 and `-` (at most 20 characters)".into());
            }
            self.size_tier(&env.size);
            if let Some(scale) = &env.usage_scale
                && (!scale.value.is_finite() || scale.value < 0.0)
            {
                let d = self.error(
                    "archgen::spec::invalid_usage",
                    "`usage_scale` must be a non-negative number".into(),
                    scale.span,
                );
                d.label = Some("negative or not finite".into());
            }
            out.insert(name.value.clone(), (env.size.value.clone(), name.span));
        }
        out
    }

    /// Checks id syntax and uniqueness across actors and components.
    fn ids(&mut self, file: &SpecFile) -> BTreeMap<String, (IdKind, Span)> {
        let mut ids: BTreeMap<String, (IdKind, Span)> = BTreeMap::new();
        let all = file
            .actors
            .iter()
            .map(|a| (&a.id, IdKind::Actor))
            .chain(file.components.iter().map(|c| (&c.id, IdKind::Component)));
        for (id, kind) in all {
            if !is_id(id, 40, '_') {
                let d = self.error(
                    "archgen::spec::invalid_id",
                    format!("invalid id `{}`", id.value),
                    id.span,
                );
                d.label = Some("not a valid id".into());
                d.help = Some(ID_HELP.into());
            }
            if let Some((_, first)) = ids.get(&id.value) {
                let (line, column) = self.source.line_col(first.offset);
                let d = self.error(
                    "archgen::spec::duplicate_id",
                    format!("duplicate id `{}`", id.value),
                    id.span,
                );
                d.label = Some("defined again here".into());
                d.help = Some(format!(
                    "ids must be unique across components and actors; the first `{}` is at line {line}, column {column}",
                    id.value
                ));
                continue;
            }
            ids.insert(id.value.clone(), (kind, id.span));
        }
        ids
    }

    fn component(
        &mut self,
        c: &Component,
        providers: &BTreeMap<Provider, ProviderTarget>,
        environments: &BTreeMap<String, (String, Span)>,
        ids: &BTreeMap<String, (IdKind, Span)>,
    ) -> ComponentSpec {
        let catalog = self.catalog;
        let meta = catalog.functions.get(&c.function.value);
        if meta.is_none() {
            let hint = did_you_mean(&c.function, catalog.functions.keys().map(String::as_str));
            let d = self.error(
                "archgen::spec::unknown_function",
                format!("unknown function `{}`", c.function.value),
                c.function.span,
            );
            d.label = Some("not in the catalog".into());
            d.help = Some(match hint {
                Some(hint) => format!("{hint} (`archgen catalog list` shows every function)"),
                None => "`archgen catalog list` shows every function".into(),
            });
        }
        // Implemented on every requested provider?
        if meta.is_some() {
            let missing: Vec<Provider> = providers
                .keys()
                .copied()
                .filter(|p| catalog.implementation(*p, &c.function).is_none())
                .collect();
            if !missing.is_empty() {
                let have = catalog.providers_of(&c.function);
                let missing_names: Vec<&str> = missing.iter().map(|p| p.as_str()).collect();
                let d = self.error(
                    "archgen::spec::unsupported_function",
                    format!(
                        "function `{}` has no implementation on {}",
                        c.function.value,
                        missing_names.join(", ")
                    ),
                    c.function.span,
                );
                d.label = Some("not available on every targeted provider".into());
                d.help = Some(if have.is_empty() {
                    "no provider implements it yet; remove the component or add a catalog entry with --catalog-dir".into()
                } else {
                    let names: Vec<&str> = have.iter().map(|p| p.as_str()).collect();
                    format!(
                        "implemented on: {}; generate with `--provider {}` or add a catalog entry with --catalog-dir",
                        names.join(", "),
                        names.join(",")
                    )
                });
            }
        }

        if let Some(meta) = meta.filter(|m| m.secondary_region) {
            let missing: Vec<&str> = providers
                .iter()
                .filter(|(_, target)| target.secondary_region.is_none())
                .map(|(p, _)| p.as_str())
                .collect();
            if !missing.is_empty() {
                let d = self.error(
                    "archgen::spec::missing_secondary_region",
                    format!(
                        "a `{}` spans two regions, but {} has no `secondary_region`",
                        c.function.value,
                        missing.join(", ")
                    ),
                    c.function.span,
                );
                d.help = Some(format!(
                    "add `secondary_region: <region>` under `providers.{}` ({})",
                    missing[0], meta.title
                ));
            }
        }

        let tier = match (&c.tier, meta) {
            (Some(tier), _) => {
                if !crate::render::TIERS.contains(&tier.value.as_str()) {
                    let hint = did_you_mean(&tier.value, crate::render::TIERS);
                    let d = self.error(
                        "archgen::spec::invalid_tier",
                        format!("unknown tier `{}`", tier.value),
                        tier.span,
                    );
                    d.help = Some(match hint {
                        Some(h) => format!("{h} (tiers: {})", crate::render::TIERS.join(", ")),
                        None => format!("tiers: {}", crate::render::TIERS.join(", ")),
                    });
                }
                tier.value.clone()
            }
            (None, Some(meta)) => meta.tier.clone(),
            (None, None) => "compute".into(),
        };

        // Sizes per environment.
        if let Some(size) = &c.size {
            self.size_tier(size);
        }
        for (env, settings) in &c.environments {
            self.known_environment(env, environments);
            if let Some(size) = &settings.size {
                self.size_tier(size);
            }
        }
        let env_usage = c
            .environments
            .iter()
            .map(|(env, settings)| (env.value.clone(), self.usage(&settings.usage)))
            .filter(|(_, usage)| !usage.is_empty())
            .collect();
        let sizes = environments
            .iter()
            .map(|(env, (default, _))| {
                let size = c
                    .environments
                    .iter()
                    .find(|(name, _)| name.value == *env)
                    .and_then(|(_, s)| s.size.as_ref())
                    .or(c.size.as_ref())
                    .map_or_else(|| default.clone(), |s| s.value.clone());
                (env.clone(), size)
            })
            .collect();

        // A size on a function that no targeted provider sizes is a mistake worth saying.
        if let (Some(size), Some(_)) = (&c.size, meta) {
            let any_sized = providers.keys().any(|p| {
                catalog
                    .implementation(*p, &c.function)
                    .is_some_and(crate::catalog::Implementation::is_sized)
            });
            if !any_sized && !providers.is_empty() {
                self.warning(
                    "archgen::spec::unsized_function",
                    format!(
                        "`{}` has no size tiers; `size` is ignored",
                        c.function.value
                    ),
                    size.span,
                );
            }
        }

        let overrides = self.overrides(c, providers);
        let usage = self.usage(&c.usage);

        // Attachment.
        if let Some(meta) = meta {
            match &c.attached_to {
                Some(parent) => {
                    if let Some((kind, _)) = ids.get(&parent.value) {
                        if *kind == IdKind::Actor {
                            self.error(
                                "archgen::spec::invalid_attachment",
                                format!("`{}` is an actor; attach to a component", parent.value),
                                parent.span,
                            );
                        } else if parent.value == c.id.value {
                            self.error(
                                "archgen::spec::invalid_attachment",
                                "a component cannot be attached to itself".into(),
                                parent.span,
                            );
                        }
                    }
                    if meta.parents.is_empty() {
                        let d = self.error(
                            "archgen::spec::invalid_attachment",
                            format!(
                                "a `{}` cannot be attached to another component",
                                c.function.value
                            ),
                            parent.span,
                        );
                        d.help = Some(
                            "remove `attached_to`, or use `connections` / `depends_on`".into(),
                        );
                    }
                }
                None if !meta.parents.is_empty() => {
                    let d = self.error(
                        "archgen::spec::missing_attachment",
                        format!(
                            "a `{}` must be attached to a component: set `attached_to`",
                            c.function.value
                        ),
                        c.function.span,
                    );
                    d.help = Some(format!("it attaches to a {}", meta.parents.join(", a ")));
                }
                None => {}
            }
        }

        ComponentSpec {
            id: c.id.value.clone(),
            label: c.name.clone().unwrap_or_else(|| c.id.value.clone()),
            description: c.description.clone().unwrap_or_default(),
            function: c.function.value.clone(),
            tier,
            sizes,
            overrides,
            usage,
            env_usage,
            attached_to: c.attached_to.as_ref().map(|a| a.value.clone()),
            depends_on: c.depends_on.iter().map(|d| d.value.clone()).collect(),
            span: c.id.span,
        }
    }

    fn overrides(
        &mut self,
        c: &Component,
        providers: &BTreeMap<Provider, ProviderTarget>,
    ) -> BTreeMap<Provider, BTreeMap<String, Scalar>> {
        let catalog = self.catalog;
        let mut out = BTreeMap::new();
        for provider in Provider::ALL {
            let params = c.overrides.get(provider);
            if params.is_empty() || !providers.contains_key(&provider) {
                continue;
            }
            let Some(implementation) = catalog.implementation(provider, &c.function) else {
                continue;
            };
            let mut pinned = BTreeMap::new();
            let known: BTreeSet<&str> = implementation
                .sizes
                .values()
                .flat_map(|p| p.keys().map(String::as_str))
                .collect();
            for (key, value) in params {
                if !implementation.is_sized() {
                    self.error(
                        "archgen::spec::invalid_override",
                        format!(
                            "{} ({}) has no size parameters to override",
                            implementation.service, c.function.value
                        ),
                        key.span,
                    );
                    continue;
                }
                if !known.contains(key.value.as_str()) {
                    let hint = did_you_mean(&key.value, known.iter().copied());
                    let d = self.error(
                        "archgen::spec::unknown_parameter",
                        format!(
                            "unknown {provider} size parameter `{}` for `{}`",
                            key.value, c.function.value
                        ),
                        key.span,
                    );
                    let all: Vec<&str> = known.iter().copied().collect();
                    d.help = Some(match hint {
                        Some(h) => format!("{h} (parameters: {})", all.join(", ")),
                        None => format!("parameters: {}", all.join(", ")),
                    });
                    continue;
                }
                if implementation.sku_param.as_deref() == Some(key.value.as_str()) {
                    let skus = implementation.known_skus();
                    let given = value.value.text();
                    if !skus.contains(&given) {
                        let hint = did_you_mean(&given, skus.iter().map(String::as_str));
                        let d = self.error(
                            "archgen::spec::unknown_sku",
                            format!(
                                "unknown {} SKU `{given}` for {}",
                                provider.title(),
                                implementation.service
                            ),
                            value.span,
                        );
                        d.label = Some("not in the catalog".into());
                        d.help = Some(match hint {
                            Some(h) => format!("{h} (known: {})", skus.join(", ")),
                            None => format!("known SKUs: {}", skus.join(", ")),
                        });
                        continue;
                    }
                } else {
                    // Other parameters must keep the type the catalog uses.
                    let expected = implementation
                        .sizes
                        .values()
                        .find_map(|p| p.get(&key.value))
                        .map(scalar_kind);
                    if expected.is_some_and(|e| e != scalar_kind(&value.value)) {
                        self.error(
                            "archgen::spec::wrong_type",
                            format!("`{}` must be a {}", key.value, expected.unwrap_or("value")),
                            value.span,
                        );
                        continue;
                    }
                }
                pinned.insert(key.value.clone(), value.value.clone());
            }
            out.insert(provider, pinned);
        }
        out
    }

    fn usage(&mut self, usage: &Usage) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        let fields: [(&str, &Option<Sp<f64>>); 14] = [
            ("requests_per_second", &usage.requests_per_second),
            ("events_per_second", &usage.events_per_second),
            ("event_size_kb", &usage.event_size_kb),
            ("storage_gb", &usage.storage_gb),
            ("egress_gb_month", &usage.egress_gb_month),
            ("log_gb_month", &usage.log_gb_month),
            ("invocations_per_month", &usage.invocations_per_month),
            ("duration_ms", &usage.duration_ms),
            ("memory_mb", &usage.memory_mb),
            ("messages_per_month", &usage.messages_per_month),
            ("concurrent_connections", &usage.concurrent_connections),
            ("monthly_active_users", &usage.monthly_active_users),
            ("scanned_tb_month", &usage.scanned_tb_month),
            ("cache_hit_ratio", &usage.cache_hit_ratio),
        ];
        for (name, value) in fields {
            let Some(value) = value else { continue };
            if !value.value.is_finite() || value.value < 0.0 {
                let d = self.error(
                    "archgen::spec::invalid_usage",
                    format!("`{name}` must be a non-negative number"),
                    value.span,
                );
                d.label = Some("negative or not finite".into());
                continue;
            }
            if name == "cache_hit_ratio" && value.value > 1.0 {
                let d = self.error(
                    "archgen::spec::invalid_usage",
                    "`cache_hit_ratio` is a share of requests, from 0 to 1".into(),
                    value.span,
                );
                d.label = Some("above 1".into());
                continue;
            }
            out.insert(name.to_string(), value.value);
        }
        out
    }

    fn reference(
        &mut self,
        id: &Sp<String>,
        ids: &BTreeMap<String, (IdKind, Span)>,
        what: &str,
        components_only: bool,
    ) -> bool {
        match ids.get(&id.value) {
            Some((IdKind::Actor, _)) if components_only => {
                self.error(
                    "archgen::spec::unknown_component",
                    format!("`{}` is an actor, not a component", id.value),
                    id.span,
                );
                false
            }
            Some(_) => true,
            None => {
                let candidates = ids
                    .iter()
                    .filter(|(_, (kind, _))| !components_only || *kind == IdKind::Component)
                    .map(|(id, _)| id.as_str());
                let hint = did_you_mean(&id.value, candidates);
                let d = self.error(
                    "archgen::spec::unknown_component",
                    format!("{what} names unknown component `{}`", id.value),
                    id.span,
                );
                d.label = Some("no component or actor has this id".into());
                d.help = Some(hint.unwrap_or_else(|| {
                    "declare it under `components` (or `actors` for an external party)".into()
                }));
                false
            }
        }
    }

    fn references(&mut self, file: &SpecFile, ids: &BTreeMap<String, (IdKind, Span)>) {
        // (parent, function) -> the first component of a one-per-parent function attached there.
        let mut attached: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for c in &file.components {
            if let Some(parent) = &c.attached_to
                && self.reference(parent, ids, "`attached_to`", true)
            {
                self.attachment(c, parent, file, &mut attached);
            }
            for dep in &c.depends_on {
                if self.reference(dep, ids, "`depends_on`", true) && dep.value == c.id.value {
                    self.error(
                        "archgen::spec::self_dependency",
                        "a component cannot depend on itself".into(),
                        dep.span,
                    );
                }
            }
        }
    }

    /// Acknowledged analyze findings name real rules and give a reason.
    fn acknowledgements(&mut self, file: &SpecFile) -> BTreeMap<(Option<String>, String), String> {
        let mut out = BTreeMap::new();
        let all =
            file.acknowledge
                .iter()
                .map(|a| (None, a))
                .chain(file.components.iter().flat_map(|c| {
                    c.acknowledge
                        .iter()
                        .map(move |a| (Some(c.id.value.clone()), a))
                }));
        for (component, ack) in all {
            let known = crate::analyze::rule_ids();
            if !known.contains(&ack.rule.value.as_str()) {
                let hint = did_you_mean(&ack.rule, known.iter().copied());
                let d = self.error(
                    "archgen::spec::unknown_rule",
                    format!("unknown analyze rule `{}`", ack.rule.value),
                    ack.rule.span,
                );
                d.help = Some(
                    hint.unwrap_or_else(|| "`archgen analyze --list-rules` lists them".into()),
                );
                continue;
            }
            if ack.reason.value.trim().is_empty() {
                self.error(
                    "archgen::spec::empty_reason",
                    "an acknowledgement needs a reason".into(),
                    ack.reason.span,
                );
                continue;
            }
            out.insert(
                (component, ack.rule.value.clone()),
                ack.reason.value.trim().to_string(),
            );
        }
        out
    }

    /// Functions that need a connection (a CDN needs an origin) get one.
    fn requirements(&mut self, file: &SpecFile, connections: &[ConnectionSpec]) {
        let function_of = |id: &str| {
            file.components
                .iter()
                .find(|c| c.id.value == id)
                .map(|c| c.function.value.as_str())
        };
        for c in &file.components {
            let Some(meta) = self.catalog.functions.get(&c.function.value) else {
                continue;
            };
            let checks = [
                ("outgoing", &meta.requires.outgoing),
                ("incoming", &meta.requires.incoming),
            ];
            for (direction, wanted) in checks {
                if wanted.is_empty() {
                    continue;
                }
                let found = connections.iter().any(|conn| {
                    let other = if direction == "outgoing" {
                        (conn.from == c.id.value).then_some(conn.to.as_str())
                    } else {
                        (conn.to == c.id.value).then_some(conn.from.as_str())
                    };
                    other
                        .and_then(function_of)
                        .is_some_and(|f| wanted.iter().any(|w| w == f))
                });
                if !found {
                    let d = self.error(
                        "archgen::spec::missing_connection",
                        format!(
                            "a `{}` needs a connection {} one of: {}",
                            c.function.value,
                            if direction == "outgoing" {
                                "to"
                            } else {
                                "from"
                            },
                            wanted.join(", ")
                        ),
                        c.function.span,
                    );
                    d.help = Some(if direction == "outgoing" {
                        format!(
                            "add e.g. `- {{ from: {}, to: <origin id> }}` under `connections`",
                            c.id.value
                        )
                    } else {
                        format!(
                            "add e.g. `- {{ from: <source id>, to: {} }}` under `connections`",
                            c.id.value
                        )
                    });
                }
            }
        }
    }

    /// The parent's function must be one this function attaches to.
    /// `c` attached to `parent`: the parent is one of the function's `parents`, and a
    /// `one_per_parent` function is attached to it once (`attached`: (parent, function) -> the
    /// first such component).
    fn attachment<'f>(
        &mut self,
        c: &'f Component,
        parent: &'f Sp<String>,
        file: &'f SpecFile,
        attached: &mut BTreeMap<(&'f str, &'f str), &'f str>,
    ) {
        let Some(meta) = self.catalog.functions.get(&c.function.value) else {
            return;
        };
        let Some(parent_component) = file.components.iter().find(|p| p.id.value == parent.value)
        else {
            return;
        };
        if !meta.parents.is_empty() && !meta.parents.contains(&parent_component.function.value) {
            let d = self.error(
                "archgen::spec::invalid_attachment",
                format!(
                    "a `{}` cannot be attached to `{}`, a `{}`",
                    c.function.value, parent.value, parent_component.function.value
                ),
                parent.span,
            );
            d.help = Some(format!("it attaches to a {}", meta.parents.join(", a ")));
        }
        if !meta.one_per_parent {
            return;
        }
        let first = *attached
            .entry((parent.value.as_str(), c.function.value.as_str()))
            .or_insert(&c.id.value);
        if first != c.id.value {
            let d = self.error(
                "archgen::spec::duplicate_attachment",
                format!(
                    "`{}` is a second `{}` attached to `{}` (`{first}` is attached already); \
                     a `{}` takes one",
                    c.id.value, c.function.value, parent.value, parent_component.function.value
                ),
                parent.span,
            );
            d.label = Some(format!(
                "a second `{}` on `{}`",
                c.function.value, parent.value
            ));
            d.help = Some(format!(
                "merge the two into `{first}`, or attach `{}` to another component",
                c.id.value
            ));
        }
    }

    fn connections(
        &mut self,
        file: &SpecFile,
        ids: &BTreeMap<String, (IdKind, Span)>,
    ) -> Vec<ConnectionSpec> {
        let mut out = Vec::new();
        let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
        for conn in &file.connections {
            let from_ok = self.reference(&conn.from, ids, "connection", false);
            let to_ok = self.reference(&conn.to, ids, "connection", false);
            if !seen.insert((conn.from.value.as_str(), conn.to.value.as_str())) {
                // Templates derive one setting per peer (an endpoint variable, a grant): a
                // second edge between the same two ends would write each of them twice.
                let d = self.error(
                    "archgen::spec::duplicate_connection",
                    format!(
                        "`{}` -> `{}` is declared twice",
                        conn.from.value, conn.to.value
                    ),
                    conn.to.span,
                );
                d.help = Some(
                    "keep one connection per pair; put both protocols or labels in one \
                     (`protocol: \"https, grpc\"`)"
                        .into(),
                );
            }
            if from_ok && to_ok && conn.from.value == conn.to.value {
                self.error(
                    "archgen::spec::self_connection",
                    format!("`{}` is connected to itself", conn.from.value),
                    conn.to.span,
                );
            }
            let both_actors = [&conn.from, &conn.to].iter().all(|id| {
                ids.get(&id.value)
                    .is_some_and(|(kind, _)| *kind == IdKind::Actor)
            });
            if both_actors {
                self.error(
                    "archgen::spec::actor_connection",
                    "a connection between two actors is outside the architecture".into(),
                    conn.from.span,
                );
            }
            let two_way = match conn.direction.as_ref().map(|d| d.value.as_str()) {
                None | Some("one_way") => false,
                Some("two_way") => true,
                Some(other) => {
                    let hint = did_you_mean(other, ["one_way", "two_way"]);
                    let span = conn.direction.as_ref().map_or(conn.from.span, |d| d.span);
                    let d = self.error(
                        "archgen::spec::invalid_direction",
                        format!("unknown direction `{other}`"),
                        span,
                    );
                    d.help = Some(hint.unwrap_or_else(|| "use `one_way` or `two_way`".into()));
                    false
                }
            };
            out.push(ConnectionSpec {
                from: conn.from.value.clone(),
                to: conn.to.value.clone(),
                label: conn.label.clone().unwrap_or_default(),
                protocol: conn.protocol.clone().unwrap_or_default(),
                two_way,
                span: conn.from.span,
            });
        }
        out
    }

    fn flows(&mut self, file: &SpecFile, ids: &BTreeMap<String, (IdKind, Span)>) -> Vec<FlowSpec> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut out = Vec::new();
        for flow in &file.flows {
            if !is_id(&flow.id, 40, '_') {
                let d = self.error(
                    "archgen::spec::invalid_id",
                    format!("invalid flow id `{}`", flow.id.value),
                    flow.id.span,
                );
                d.help = Some(ID_HELP.into());
            }
            if !seen.insert(flow.id.value.as_str()) {
                self.error(
                    "archgen::spec::duplicate_id",
                    format!("duplicate flow id `{}`", flow.id.value),
                    flow.id.span,
                );
            }
            if flow.steps.is_empty() {
                self.error(
                    "archgen::spec::empty_flow",
                    format!("flow `{}` has no steps", flow.id.value),
                    flow.id.span,
                );
            }
            for step in &flow.steps {
                self.reference(&step.from, ids, "flow step", false);
                self.reference(&step.to, ids, "flow step", false);
            }
            out.push(FlowSpec {
                id: flow.id.value.clone(),
                label: flow.name.clone().unwrap_or_else(|| flow.id.value.clone()),
                steps: flow
                    .steps
                    .iter()
                    .map(|s| {
                        (
                            s.from.value.clone(),
                            s.to.value.clone(),
                            s.message.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
            });
        }
        out
    }
}

fn scalar_kind(value: &Scalar) -> &'static str {
    match value {
        Scalar::Bool(_) => "boolean",
        Scalar::Int(_) | Scalar::Float(_) => "number",
        Scalar::Str(_) => "string",
    }
}
