//! archgen: one provider-neutral architecture spec in; Terraform (and more) for AWS, Azure and
//! GCP out.
//!
//! The pipeline is a chain of pure stages, each returning the next stage's input type:
//!
//! ```text
//! spec::load ─▶ SourcedSpec ─▶ spec::validate ─▶ ValidSpec ─▶ graph::build ─▶ ServiceGraph
//!   ─▶ catalog::resolve (per provider) ─▶ Deployment ─▶ render::render ─▶ files, one by one
//!   ─▶ a render::Sink: outputs::Staging (write) | outputs::Checker (--check)
//!                      | render::Collect (an OutputTree in memory)
//! ```
//!
//! I/O happens only at the ends: reading the spec / catalog / template overrides, and the
//! `outputs` sinks. Everything in between is deterministic: the same spec gives byte-identical
//! files, whatever order the jobs finish in.

pub mod analyze;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod cost;
pub mod diagnostics;
pub mod graph;
pub mod index;
pub mod outputs;
pub mod printer;
pub mod render;
pub mod spec;
pub mod starter;
pub mod tradeoffs;

use std::collections::BTreeMap;

use catalog::{Catalog, Provider};
use diagnostics::{Diagnostic, Report};
use render::{Collect, OutputTree, Sink, Templates};
use spec::SourcedSpec;

/// Why a command failed, and so its exit code.
#[derive(Debug)]
pub enum Failure {
    /// The spec (or a catalog) is invalid: diagnostics to print. Exit 1.
    Invalid(Report),
    /// A template failed to render. Exit 1.
    Template(render::TemplateError),
    /// Writing failed. Exit 1 (2 when the directory needs --force).
    Output(outputs::OutputError),
    /// `--check` found differences. Exit 1.
    Drift(Vec<outputs::Drift>),
    /// The command line asks for something impossible. Exit 2.
    Usage(String),
    /// `analyze --deny` found findings at or above the denied level. Exit 1.
    Denied(String),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) | Self::Output(outputs::OutputError::NotOurs(..)) => 2,
            _ => 1,
        }
    }
}

/// What a generation produced.
#[derive(Debug)]
pub struct Generated {
    /// Every file, by relative path.
    pub tree: OutputTree,
    /// Warnings (fallback services, unused sizes), located in the spec.
    pub warnings: Report,
}

/// Options of a generation beyond the spec itself.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// Providers to generate; empty = all the spec targets.
    pub providers: Vec<Provider>,
    /// Environments to generate; empty = all.
    pub environments: Vec<String>,
    /// Where the output directory sits relative to the repository root (`/`-separated), for
    /// the generated CI pipeline's paths. Empty = the repository root.
    pub repo_path: String,
}

/// One provider's cost sheets, one per environment, each written as Markdown, CSV and JSON
/// into `out` as soon as it is priced; returned without their priced lines (see
/// [`cost::CostSheet::into_totals`]), which only those files need.
fn provider_cost_sheets(
    deployment: &catalog::Deployment<'_>,
    catalog: &Catalog,
    out: &dyn Sink,
) -> Vec<cost::CostSheet> {
    let provider = deployment.provider;
    let mut sheets = Vec::new();
    for env in deployment.graph.spec.environments.keys() {
        let sheet = cost::price(deployment, &catalog.prices, env);
        let base = format!("{provider}/cost/{env}");
        out.put(format!("{base}.md"), cost::render::markdown_text(&sheet));
        out.put(format!("{base}.csv"), cost::render::csv_text(&sheet));
        out.put(format!("{base}.json"), cost::render::json_text(&sheet));
        sheets.push(sheet.into_totals());
    }
    sheets
}

/// Every sheet, environment by environment, providers in order within each (the providers'
/// sheets come in provider order), and each environment's side-by-side table in Markdown; the
/// comparison is written to `cost/<env>.md` and `.json` when there are several providers.
fn compare_cost_sheets(
    graph: &graph::ServiceGraph,
    by_provider: Vec<Vec<cost::CostSheet>>,
    out: &dyn Sink,
) -> (Vec<cost::CostSheet>, BTreeMap<String, String>) {
    let mut columns: Vec<_> = by_provider.into_iter().map(Vec::into_iter).collect();
    let mut all = Vec::new();
    let mut tables = BTreeMap::new();
    for env in graph.spec.environments.keys() {
        let sheets: Vec<cost::CostSheet> = columns.iter_mut().filter_map(Iterator::next).collect();
        debug_assert!(sheets.iter().all(|s| &s.environment == env));
        let (comparison, markdown) = cost::render::side_by_side(&sheets.iter().collect::<Vec<_>>());
        if sheets.len() > 1 {
            out.put(format!("cost/{env}.md"), markdown.as_str().into());
            let mut json = serde_json::to_string_pretty(&comparison).unwrap_or_default();
            json.push('\n');
            out.put(format!("cost/{env}.json"), json.into());
        }
        tables.insert(env.clone(), markdown);
        all.extend(sheets);
    }
    (all, tables)
}

/// What one job of [`generate_with`] produced.
enum Job<'g> {
    /// A provider's files were rendered.
    Rendered(Result<Vec<render::Input>, Failure>),
    /// A provider's cost sheets were written: its deployment (the outline) and the sheets
    /// (totals only).
    Priced(Result<Box<(catalog::Deployment<'g>, Vec<cost::CostSheet>)>, Failure>),
    /// The provider-neutral diagrams: the architecture diagram's text.
    Neutral(Result<String, render::TemplateError>),
}

/// Files a finished job (its index and result) under its place.
fn place<'g>(results: &mut [Option<Job<'g>>], (job, done): (usize, Job<'g>)) {
    results[job] = Some(done);
}

/// Validates the spec for the requested providers and environments and builds its graph.
pub fn prepare(
    sourced: &SourcedSpec,
    catalog: &Catalog,
    options: &GenerateOptions,
) -> Result<(graph::ServiceGraph, Vec<Diagnostic>), Failure> {
    let only = (!options.providers.is_empty()).then_some(options.providers.as_slice());
    for provider in &options.providers {
        if sourced.file.providers.get(*provider).is_none() {
            return Err(Failure::Usage(format!(
                "--provider {provider}: the spec does not target {provider} (add it under `providers`)"
            )));
        }
    }
    let mut valid = spec::validate(sourced, catalog, only).map_err(Failure::Invalid)?;
    if !options.environments.is_empty() {
        for env in &options.environments {
            if !valid.environments.contains_key(env) {
                let hint =
                    diagnostics::did_you_mean(env, valid.environments.keys().map(String::as_str))
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default();
                return Err(Failure::Usage(format!(
                    "--env {env}: the spec has no such environment{hint}"
                )));
            }
        }
        valid
            .environments
            .retain(|name, _| options.environments.contains(name));
        for component in &mut valid.components {
            component
                .sizes
                .retain(|name, _| options.environments.contains(name));
        }
    }
    let warnings = valid.warnings.clone();
    let graph = graph::build(valid, catalog).map_err(Failure::Invalid)?;
    Ok((graph, warnings))
}

/// A step of a long operation, reported before it starts (for a progress bar). Labels only:
/// progress never influences what is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// Steps done before this one.
    pub index: usize,
    /// Steps in all.
    pub total: usize,
    /// What this step does.
    pub label: &'a str,
}

/// Cost sheets for every requested provider and environment (no rendering).
pub fn cost_sheets_for(
    sourced: &SourcedSpec,
    catalog: &Catalog,
    options: &GenerateOptions,
) -> Result<Vec<cost::CostSheet>, Failure> {
    cost_sheets_with(sourced, catalog, options, &mut |_| {})
}

/// [`cost_sheets_for`], calling `progress` before resolving each provider and before pricing.
pub fn cost_sheets_with(
    sourced: &SourcedSpec,
    catalog: &Catalog,
    options: &GenerateOptions,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<Vec<cost::CostSheet>, Failure> {
    let (graph, _) = prepare(sourced, catalog, options)?;
    let total = graph.spec.providers.len() + 1;
    let mut deployments = Vec::new();
    for (index, provider) in graph.spec.providers.keys().enumerate() {
        progress(Step {
            index,
            total,
            label: &format!("{provider}: resolve"),
        });
        deployments.push(catalog::resolve(&graph, catalog, *provider).map_err(Failure::Invalid)?);
    }
    progress(Step {
        index: total - 1,
        total,
        label: "pricing",
    });
    let mut sheets = Vec::new();
    for env in graph.spec.environments.keys() {
        for deployment in &deployments {
            sheets.push(cost::price(deployment, &catalog.prices, env));
        }
    }
    Ok(sheets)
}

/// The cross-cloud tradeoff scores of a spec (every provider it targets).
pub fn tradeoffs_for(
    sourced: &SourcedSpec,
    catalog: &Catalog,
    options: &GenerateOptions,
) -> Result<tradeoffs::Tradeoffs, Failure> {
    let (graph, _) = prepare(sourced, catalog, options)?;
    let mut deployments = BTreeMap::new();
    for provider in graph.spec.providers.keys() {
        let deployment = catalog::resolve(&graph, catalog, *provider).map_err(Failure::Invalid)?;
        deployments.insert(*provider, deployment);
    }
    let mut sheets = Vec::new();
    for env in graph.spec.environments.keys() {
        for deployment in deployments.values() {
            sheets.push(cost::price(deployment, &catalog.prices, env));
        }
    }
    Ok(tradeoffs::analyze(&deployments, &sheets))
}

/// The whole pipeline, in memory: spec -> graph -> catalog -> render.
pub fn generate(
    sourced: &SourcedSpec,
    catalog: &Catalog,
    templates: &Templates,
    options: &GenerateOptions,
) -> Result<Generated, Failure> {
    let (collect, warnings) = generate_with(
        sourced,
        catalog,
        templates,
        options,
        || Ok(Collect::default()),
        &mut |_| {},
    )?;
    Ok(Generated {
        tree: collect.into_tree(),
        warnings,
    })
}

/// [`generate`], handing every file to a sink as soon as it is finished instead of gathering
/// them: `open` makes the sink once the spec is known to be valid (so an invalid spec never
/// touches the output directory); `progress` is called before each provider's resolve + render
/// and before the cross-provider files (workflows, cost sheets, docs). Returns the sink and the
/// warnings (fallback services, unused sizes), located in the spec.
pub fn generate_with<S: Sink>(
    sourced: &SourcedSpec,
    catalog: &Catalog,
    templates: &Templates,
    options: &GenerateOptions,
    open: impl FnOnce() -> Result<S, Failure>,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<(S, Report), Failure> {
    let (graph, mut warnings) = prepare(sourced, catalog, options)?;
    let sink = open()?;
    let out: &dyn Sink = &sink;
    let source = graph.spec.source.clone();
    let providers: Vec<Provider> = graph.spec.providers.keys().copied().collect();
    let total = providers.len() + 1;
    // Providers are independent: each provider's files render as one job and its cost sheets
    // as another (each resolving the deployment it needs: resolving is cheap, and two smaller
    // jobs per provider keep both cores busy to the end), the provider-neutral diagrams as a
    // last one; every job hands files to the sink as they are finished. The jobs run on as
    // many threads as there are cores, this one included: more would only hold more working
    // sets in memory at once, and the report rendered here afterwards reuses the memory this
    // thread's jobs freed. Results are taken in provider order, so warnings and the first
    // error are the same as a sequential run.
    let count = providers.len();
    let jobs = 2 * count + 1;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let resolve = |provider| catalog::resolve(&graph, catalog, provider).map_err(Failure::Invalid);
    let run = |job: usize| -> Option<(usize, Job<'_>)> {
        let done = if let Some(&provider) = providers.get(job) {
            Job::Rendered(resolve(provider).and_then(|deployment| {
                // This provider's templates, compiled here and dropped when its files are done.
                templates
                    .for_deployment(&deployment)
                    .and_then(|templates| render::render(&deployment, &templates, out))
                    .map_err(Failure::Template)
            }))
        } else if let Some(&provider) = providers.get(job - count) {
            Job::Priced(resolve(provider).map(|deployment| {
                let sheets = provider_cost_sheets(&deployment, catalog, out);
                Box::new((deployment.into_outline(), sheets))
            }))
        } else if job == 2 * count {
            Job::Neutral(render::diagrams::render_neutral(
                &graph, catalog, templates, out,
            ))
        } else {
            return None;
        };
        Some((job, done))
    };
    let take = || next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut results: Vec<Option<Job<'_>>> = (0..jobs).map(|_| None).collect();
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::channel();
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        for _ in 1..threads.min(jobs) {
            let (send, run, take) = (send.clone(), &run, &take);
            scope.spawn(move || {
                while let Some(done) = run(take()) {
                    if send.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        // Each provider's step is reported once the providers before it are done (both jobs).
        let mut reported = 0;
        let mut report = |results: &[Option<Job<'_>>]| {
            let done = |i: usize| results[i].is_some() && results[count + i].is_some();
            while reported < count && (reported == 0 || done(reported - 1)) {
                progress(Step {
                    index: reported,
                    total,
                    label: &format!("{}: resolve + render", providers[reported]),
                });
                reported += 1;
            }
        };
        report(&results);
        while let Some(done) = run(take()) {
            place(&mut results, done);
            while let Ok(other) = receive.try_recv() {
                place(&mut results, other);
            }
            report(&results);
        }
        while results.iter().any(Option::is_none) {
            // Every other thread gone (one panicked): the scope re-raises the panic.
            let Ok(done) = receive.recv() else { break };
            place(&mut results, done);
            report(&results);
        }
    });
    let mut results = results.into_iter();
    let rendered: Vec<_> = results.by_ref().take(count).collect();
    let priced: Vec<_> = results.by_ref().take(count).collect();
    let architecture = match results.next() {
        Some(Some(Job::Neutral(result))) => result.map_err(Failure::Template)?,
        _ => String::new(),
    };
    let mut deployments = BTreeMap::new();
    let mut inputs = BTreeMap::new();
    let mut by_provider = Vec::new();
    for ((rendered, priced), provider) in rendered.into_iter().zip(priced).zip(&providers) {
        if let Some(Job::Rendered(result)) = rendered {
            inputs.insert(*provider, result?);
        }
        if let Some(Job::Priced(result)) = priced {
            let (deployment, sheets) = *result?;
            warnings.extend(deployment.warnings.iter().cloned());
            deployments.insert(deployment.provider, deployment);
            by_provider.push(sheets);
        }
    }
    progress(Step {
        index: total - 1,
        total,
        label: "workflows, cost sheets, docs",
    });
    render::workflow::render_neutral(&graph, &deployments, &inputs, options, templates, out)
        .map_err(Failure::Template)?;
    let (sheets, cost_tables) = compare_cost_sheets(&graph, by_provider, out);
    let findings = analyze::analyze(&graph, catalog);
    let tradeoffs = tradeoffs::analyze(&deployments, &sheets);
    let report = render::architecture::Report {
        architecture: &architecture,
        cost_tables: &cost_tables,
        findings: &findings,
        tradeoffs: &tradeoffs,
    };
    // The deployments and cost sheets are not needed past this point: freed first, the
    // report's rendering reuses their memory.
    drop((deployments, sheets));
    render::architecture::render(&graph, catalog, &report, templates, out)
        .map_err(Failure::Template)?;
    Ok((sink, Report::new(source, warnings)))
}
