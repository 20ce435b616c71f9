//! Catalog stage: which service fills each function on each provider, as data.
//!
//! Input: the embedded `catalogs/` directory, optionally overlaid by `--catalog-dir`.
//! Output: a [`Catalog`], checked for internal consistency. [`resolve`] then maps a
//! [`crate::graph::ServiceGraph`] onto one provider, giving a [`resolve::Deployment`].

pub mod model;
pub mod resolve;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use include_dir::{Dir, include_dir};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Report, Source};
use crate::spec::yaml;
pub use model::{
    FunctionMeta, Implementation, Operations, ProviderFile, SIZE_TIERS, Score, Status,
};
pub use resolve::{Deployment, resolve};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalogs");

/// The embedded catalogs converted to JSON by build.rs (`<path>.json` for `<path>.yaml`): the
/// run-time copy, parsed several times faster than the YAML.
static EMBEDDED_JSON: Dir<'_> = include_dir!("$OUT_DIR/catalogs-json");

/// Display-name prefix of the embedded catalog files.
const BUILTIN: &str = "<builtin>/catalogs/";

/// Parses one catalog file of [`sources`]: the embedded ones are JSON, the overlays YAML.
pub(crate) fn parse_source<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, Diagnostic> {
    if name.starts_with(BUILTIN) {
        serde_json::from_str(text).map_err(|err| {
            Diagnostic::error(
                "archgen::catalog::embedded",
                format!("embedded catalog {name}: {err} (an archgen build bug)"),
                None,
            )
        })
    } else {
        yaml::parse(text)
    }
}

/// Each named catalog file (paths relative to `catalogs/`): the embedded copy, then the copy in
/// `override_dir` when there is one, as (display name, text), in that order, so later entries win.
pub fn sources(
    override_dir: Option<&Path>,
    paths: &[&str],
) -> Result<Vec<(String, String)>, Report> {
    let mut files = Vec::new();
    for path in paths {
        if let Some(text) = embedded_json(path) {
            files.push((format!("{BUILTIN}{path}"), text.to_string()));
        }
        if let Some(dir) = override_dir {
            let file = dir.join(path);
            if file.is_file() {
                let text = std::fs::read_to_string(&file)
                    .map_err(|err| io_report(&file.display().to_string(), &err.to_string()))?;
                files.push((file.display().to_string(), text));
            }
        }
    }
    Ok(files)
}

/// The text of an embedded catalog file (path relative to `catalogs/`).
pub fn embedded_file(path: &str) -> Option<&'static str> {
    EMBEDDED.get_file(path).and_then(|f| f.contents_utf8())
}

/// The JSON form of an embedded catalog file (`path` names the YAML file).
fn embedded_json(path: &str) -> Option<&'static str> {
    let json = Path::new(path).with_extension("json");
    EMBEDDED_JSON.get_file(json).and_then(|f| f.contents_utf8())
}

/// A cloud provider archgen generates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Amazon Web Services
    Aws,
    /// Microsoft Azure
    Azure,
    /// Google Cloud
    Gcp,
}

impl Provider {
    /// Every provider, in output order.
    pub const ALL: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Gcp];

    /// Lower-case id, as used in paths and specs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::Azure => "azure",
            Self::Gcp => "gcp",
        }
    }

    /// Display name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Azure => "Azure",
            Self::Gcp => "GCP",
        }
    }

    /// Parses a lower-case id.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == id)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// All catalog data.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Function id -> metadata.
    pub functions: BTreeMap<String, FunctionMeta>,
    /// Provider -> its file.
    pub providers: BTreeMap<Provider, ProviderFile>,
    /// Price data (`catalogs/pricing/`).
    pub prices: crate::cost::Prices,
}

impl Catalog {
    /// One provider's implementation of a function.
    pub fn implementation(&self, provider: Provider, function: &str) -> Option<&Implementation> {
        self.providers.get(&provider)?.functions.get(function)
    }

    /// Providers that implement a function.
    pub fn providers_of(&self, function: &str) -> Vec<Provider> {
        Provider::ALL
            .into_iter()
            .filter(|p| self.implementation(*p, function).is_some())
            .collect()
    }
}

/// Loads the embedded catalogs, overlaid entry by entry with files from `override_dir`.
pub fn load(override_dir: Option<&Path>) -> Result<Catalog, Report> {
    let files = sources(
        override_dir,
        &["functions.yaml", "aws.yaml", "azure.yaml", "gcp.yaml"],
    )?;

    // The price files are as large as the catalogs: they parse on their own thread.
    std::thread::scope(|scope| {
        let prices = scope.spawn(|| crate::cost::load(override_dir));
        let parsed = parse_files(files);
        let prices = prices
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (functions, providers) = parsed?;
        let catalog = Catalog {
            functions,
            providers,
            prices: prices?,
        };
        check(&catalog)?;
        Ok(catalog)
    })
}

type Parsed = (
    BTreeMap<String, FunctionMeta>,
    BTreeMap<Provider, ProviderFile>,
);

fn parse_files(files: Vec<(String, String)>) -> Result<Parsed, Report> {
    let mut catalog = (BTreeMap::new(), BTreeMap::new());
    for (name, text) in files {
        if text.trim().is_empty() {
            continue;
        }
        let source = Source::new(name.clone(), text.as_str());
        if name.ends_with("functions.yaml") {
            let file: model::FunctionsFile =
                parse_source(&name, &text).map_err(|d| Report::new(source.clone(), vec![d]))?;
            catalog.0.extend(file.functions);
        } else {
            let file: ProviderFile =
                parse_source(&name, &text).map_err(|d| Report::new(source.clone(), vec![d]))?;
            let Some(provider) = Provider::parse(&file.provider) else {
                return Err(Report::new(
                    source,
                    vec![Diagnostic::error(
                        "archgen::catalog::unknown_provider",
                        format!("unknown provider `{}` in {name}", file.provider),
                        None,
                    )],
                ));
            };
            let entry = catalog.1.entry(provider).or_insert_with(|| ProviderFile {
                provider: file.provider.clone(),
                variables: BTreeMap::new(),
                functions: BTreeMap::new(),
            });
            entry.variables.extend(file.variables);
            entry.functions.extend(file.functions);
        }
    }
    Ok(catalog)
}

/// Internal consistency: every implemented function is known, sized ones have every tier,
/// non-native ones explain themselves, parents exist.
fn check(catalog: &Catalog) -> Result<(), Report> {
    let mut problems = Vec::new();
    for (id, meta) in &catalog.functions {
        for parent in &meta.parents {
            if !catalog.functions.contains_key(parent) {
                problems.push(format!("function `{id}` names unknown parent `{parent}`"));
            }
        }
        if !crate::render::TIERS.contains(&meta.tier.as_str()) {
            problems.push(format!("function `{id}` has unknown tier `{}`", meta.tier));
        }
        if !crate::graph::STAGES.contains(&meta.stage.as_str()) {
            problems.push(format!(
                "function `{id}` has unknown stage `{}`",
                meta.stage
            ));
        }
    }
    for (provider, file) in &catalog.providers {
        for (id, implementation) in &file.functions {
            if !catalog.functions.contains_key(id) {
                problems.push(format!("{provider}: `{id}` is not in functions.yaml"));
            }
            for (dimension, score) in &implementation.scores {
                if !crate::tradeoffs::SCORED.contains(&dimension.as_str()) {
                    problems.push(format!(
                        "{provider}: `{id}` scores unknown dimension `{dimension}` (known: {})",
                        crate::tradeoffs::SCORED.join(", ")
                    ));
                }
                if !(1..=5).contains(&score.score) || score.why.trim().is_empty() {
                    problems.push(format!(
                        "{provider}: `{id}` {dimension} needs a score from 1 to 5 and a reason"
                    ));
                }
            }
            for (parent, needed) in &implementation.parent_connects {
                for function in std::iter::once(parent).chain(needed) {
                    if !catalog.functions.contains_key(function) {
                        problems.push(format!(
                            "{provider}: `{id}` parent_connects names unknown function `{function}`"
                        ));
                    }
                }
            }
            for parent in &implementation.parents {
                let allowed = catalog
                    .functions
                    .get(id)
                    .is_some_and(|meta| meta.parents.contains(parent));
                if !allowed {
                    problems.push(format!(
                        "{provider}: `{id}` names parent `{parent}`, which functions.yaml does not allow"
                    ));
                }
            }
            if implementation.status != Status::Native && implementation.note.is_none() {
                problems.push(format!(
                    "{provider}: `{id}` is {} but has no note",
                    implementation.status.as_str()
                ));
            }
            if implementation.is_sized() {
                for tier in SIZE_TIERS {
                    if !implementation.sizes.contains_key(tier) {
                        problems.push(format!("{provider}: `{id}` lacks size tier `{tier}`"));
                    }
                }
                for tier in implementation.sizes.keys() {
                    if !SIZE_TIERS.contains(&tier.as_str()) {
                        problems.push(format!("{provider}: `{id}` has unknown size tier `{tier}`"));
                    }
                }
                if let Some(param) = &implementation.sku_param
                    && implementation
                        .sizes
                        .values()
                        .any(|p| !p.contains_key(param))
                {
                    problems.push(format!(
                        "{provider}: `{id}` sku_param `{param}` is missing from a size tier"
                    ));
                }
            }
        }
    }
    // Price lines that look at the graph name functions that exist.
    for (provider, file) in &catalog.prices.providers {
        for (id, pricing) in &file.functions {
            for line in &pricing.lines {
                let mut named: Vec<&String> = line
                    .when_connected
                    .iter()
                    .chain(&line.unless_connected)
                    .chain(&line.when_fronted_by)
                    .chain(&line.unless_fronted_by)
                    .chain(&line.when_parent)
                    .chain(&line.unless_parent)
                    .collect();
                if let Some(cover) = &line.covered_by {
                    named.push(&cover.function);
                    named.extend(&cover.protects);
                }
                for function in named {
                    if !catalog.functions.contains_key(function) {
                        problems.push(format!(
                            "pricing/{provider}: `{id}` line `{}` names unknown function `{function}`",
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
    let diagnostics = problems
        .into_iter()
        .map(|p| Diagnostic::error("archgen::catalog::invalid", p, None))
        .collect();
    Err(Report::new(Source::new("catalogs", ""), diagnostics))
}

fn io_report(name: &str, message: &str) -> Report {
    Report::new(
        Source::new(name, ""),
        vec![Diagnostic::error(
            "archgen::io",
            format!("cannot read {name}: {message}"),
            None,
        )],
    )
}
