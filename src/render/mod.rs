//! Render stage: a [`Deployment`] through Tera templates into files.
//!
//! Input: one deployment per provider and the [`Templates`]. Output: files (path -> text), every
//! `.tf` formatted like `terraform fmt` and re-parsed, each handed to a [`Sink`] as soon as it is
//! finished: [`Collect`] gathers them into an [`OutputTree`], the `outputs` stage's sinks write or
//! compare them one by one, so a large spec's output is never all in memory at once. No I/O
//! except reading `--templates-dir` once in [`Templates::load`].

pub mod architecture;
pub mod diagrams;
pub mod filters;
pub mod hclcheck;
pub mod hclfmt;
mod terraform;
pub mod text;
pub mod workflow;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use include_dir::{Dir, include_dir};
use tera::{Context, Kwargs, State, Tera};

use crate::catalog::{Deployment, Implementation, Provider};

pub use terraform::{Input, TerraformLayout, render_terraform};
pub use text::{Buf, Text};

/// Diagram tiers (seed 000's lanes) and the Terraform file each tier's components go to.
pub const TIERS: [&str; 5] = ["edge", "compute", "data", "integration", "operations"];

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Generated files: relative path -> contents. A pure value; `outputs` writes or checks it.
pub type OutputTree = BTreeMap<String, String>;

/// Where finished files go, one at a time, from any thread. A file handed over is done: nothing
/// renders into it again. A path given twice keeps the later text.
pub trait Sink: Sync {
    /// Takes one finished file.
    fn put(&self, path: String, text: Text);
}

/// A [`Sink`] that keeps every file in memory.
#[derive(Debug, Default)]
pub struct Collect(std::sync::Mutex<OutputTree>);

impl Collect {
    /// The files collected.
    pub fn into_tree(self) -> OutputTree {
        self.0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for Collect {
    fn put(&self, path: String, text: Text) {
        let text = text.into_string();
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path, text);
    }
}

/// A template problem (an archgen bug when the template is built in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Template name.
    pub template: String,
    /// What went wrong, with Tera's location.
    pub message: String,
    /// Whether the template came from `--templates-dir`.
    pub overridden: bool,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template `{}`: {}", self.template, self.message)?;
        if self.overridden {
            write!(
                f,
                "\n  help: check your override of `{}` in --templates-dir",
                self.template
            )
        } else {
            write!(
                f,
                "\n  help: this is a bug in archgen's built-in templates; please report it"
            )
        }
    }
}

/// The template set: built-in templates with `--templates-dir` files laid over them.
///
/// The provider-neutral set is compiled when loaded; each provider's files render through a
/// [`Templates::for_deployment`] view, which compiles that provider's templates (only the
/// per-function ones its deployment uses) when its render starts and is dropped when it ends.
pub struct Templates {
    tera: Tera,
    /// Names of templates replaced or added from disk.
    pub overridden: Vec<String>,
    /// Every template's text, built-in ones with the overrides laid over (what views compile
    /// from); empty in a view.
    sources: BTreeMap<String, Source>,
    /// Built-in per-function templates left out of `tera` (see [`Templates::load_base`]).
    deferred: BTreeSet<String>,
}

/// A template's text, built in (embedded in the binary) or read from `--templates-dir`, and the
/// names it includes, imports or extends (found once, when the templates load).
struct Source {
    text: std::borrow::Cow<'static, str>,
    includes: Vec<String>,
}

impl Source {
    fn new(text: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        let text = text.into();
        let mut includes = Vec::new();
        // Each `{%` tag (found by its `{`, a one-byte search) that starts with one of the
        // keywords and a quoted name: `{% include "a" %}`, `{%- import "b" as m -%}`.
        for (at, _) in text.match_indices('{') {
            if text.as_bytes().get(at + 1) != Some(&b'%') {
                continue;
            }
            let tag = text[at + 2..].trim_start_matches('-').trim_start();
            for keyword in ["include", "import", "extends"] {
                if let Some(rest) = tag.strip_prefix(keyword)
                    && let Some(rest) = rest.trim_start().strip_prefix('"')
                    && let Some(end) = rest.find('"')
                {
                    includes.push(rest[..end].to_string());
                }
            }
        }
        Self { text, includes }
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// The Terraform template of a component: its catalog entry's `template`, else its function.
pub fn component_template(
    provider: Provider,
    implementation: &Implementation,
    function: &str,
) -> String {
    format!(
        "terraform/{provider}/components/{template}.tf.tera",
        provider = provider.as_str(),
        template = implementation.template.as_deref().unwrap_or(function)
    )
}

/// The health-check template of a function, used by the deploy script when it exists.
pub fn health_template(provider: Provider, function: &str) -> String {
    format!(
        "scripts/{provider}/health/{function}.sh.tera",
        provider = provider.as_str()
    )
}

/// Adds to `chosen` every template of `sources` that the templates in it include, import or
/// extend, directly or through another included template.
fn add_included<'a>(
    sources: &'a BTreeMap<String, Source>,
    chosen: &mut BTreeMap<&'a str, &'a str>,
) {
    let mut pending: Vec<&'a Source> = chosen
        .keys()
        .filter_map(|name| sources.get(*name))
        .collect();
    while let Some(source) = pending.pop() {
        for include in &source.includes {
            if !chosen.contains_key(include.as_str())
                && let Some((name, included)) = sources.get_key_value(include)
            {
                chosen.insert(name, included.text());
                pending.push(included);
            }
        }
    }
}

/// A compile error, attributed to the first of `names` its message mentions.
fn compile_error<'a>(
    err: &tera::Error,
    mut names: impl Iterator<Item = &'a String>,
    overridden: &[String],
) -> TemplateError {
    let message = error_chain(err);
    let template = names
        .find(|name| message.contains(name.as_str()))
        .cloned()
        .unwrap_or_else(|| "<templates>".into());
    TemplateError {
        overridden: overridden.contains(&template),
        template,
        message,
    }
}

/// Whether a built-in template belongs to one function of one provider.
fn per_function(name: &str) -> bool {
    (name.starts_with("terraform/") && name.contains("/components/"))
        || (name.starts_with("scripts/") && name.contains("/health/"))
}

/// Every built-in template: (name, text).
pub fn builtin_templates() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    collect(&EMBEDDED, &mut out);
    out.sort();
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static str)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((file.path().to_string_lossy().replace('\\', "/"), text));
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

impl Templates {
    /// Loads the built-in templates, then every file under `override_dir` (same name wins),
    /// and compiles them all.
    pub fn load(override_dir: Option<&Path>) -> Result<Self, TemplateError> {
        Self::load_deferring(override_dir, false)
    }

    /// [`Self::load`], leaving the built-in per-function templates (Terraform components,
    /// health checks) to the provider views ([`Self::for_deployment`]) that use them: most of
    /// the template text, and a spec uses only its functions' templates. Templates from
    /// `override_dir` are all compiled, so a broken override is reported whether the spec
    /// uses it or not.
    pub fn load_base(override_dir: Option<&Path>) -> Result<Self, TemplateError> {
        Self::load_deferring(override_dir, true)
    }

    fn load_deferring(override_dir: Option<&Path>, defer: bool) -> Result<Self, TemplateError> {
        let mut sources: BTreeMap<String, Source> = builtin_templates()
            .into_iter()
            .map(|(name, text)| (name, Source::new(text)))
            .collect();
        let mut overridden = Vec::new();
        if let Some(dir) = override_dir {
            let mut files = Vec::new();
            walk(dir, dir, &mut files).map_err(|err| TemplateError {
                template: dir.display().to_string(),
                message: err.to_string(),
                overridden: true,
            })?;
            for (name, text) in files {
                overridden.push(name.clone());
                sources.insert(name, Source::new(text));
            }
            overridden.sort();
        }
        // Merge first, compile once: an override replaces a built-in before it is compiled, so
        // a user can fix a template without the built-in one being in the way. With `defer`,
        // the built-in per-function templates wait for a provider view, but what the compiled
        // ones include (an override may include a built-in component) is compiled with them.
        let mut chosen: BTreeMap<&str, &str> = sources
            .iter()
            .filter(|(name, _)| {
                !defer || overridden.binary_search(name).is_ok() || !per_function(name)
            })
            .map(|(name, source)| (name.as_str(), source.text()))
            .collect();
        add_included(&sources, &mut chosen);
        let deferred = sources
            .keys()
            .filter(|name| !chosen.contains_key(name.as_str()))
            .cloned()
            .collect();
        let tera = compile(&chosen, &overridden)?;
        Ok(Self {
            tera,
            overridden,
            sources,
            deferred,
        })
    }

    /// The templates one provider's files render with: that provider's templates and the
    /// shared ones they use (not the other providers', the workflow's or the documents'), with
    /// only the per-function templates of the functions `deployment` places. Compiled on each
    /// call: a render job builds its view when it starts and drops it when it is done.
    pub fn for_deployment(&self, deployment: &Deployment<'_>) -> Result<Self, TemplateError> {
        let provider = deployment.provider;
        // Not this view's: the workflow's and the documents' templates, and the other
        // providers' directories.
        let elsewhere: Vec<String> = ["github/".to_string(), "docs/".to_string()]
            .into_iter()
            .chain(
                Provider::ALL
                    .into_iter()
                    .filter(|other| *other != provider)
                    .flat_map(|other| [format!("terraform/{other}/"), format!("scripts/{other}/")]),
            )
            .collect();
        let elsewhere = |name: &str| elsewhere.iter().any(|prefix| name.starts_with(prefix));
        let mut chosen: BTreeMap<&str, &str> = self
            .sources
            .iter()
            .filter(|(name, _)| !per_function(name) && !elsewhere(name))
            .map(|(name, source)| (name.as_str(), source.text()))
            .collect();
        for placement in &deployment.placements {
            let function = placement.component.function.as_str();
            for name in [
                component_template(provider, placement.implementation, function),
                health_template(provider, function),
            ] {
                if let Some((name, source)) = self.sources.get_key_value(&name) {
                    chosen.insert(name, source.text());
                }
            }
        }
        add_included(&self.sources, &mut chosen);
        Ok(Self {
            tera: compile(&chosen, &self.overridden)?,
            overridden: self.overridden.clone(),
            sources: BTreeMap::new(),
            deferred: BTreeSet::new(),
        })
    }

    /// Whether a template exists (a deferred one counts: rendering it outside a provider view
    /// fails loudly instead of silently leaving it out).
    pub fn contains(&self, name: &str) -> bool {
        self.tera.contains_template(name) || self.deferred.contains(name)
    }

    /// Renders one template with any serializable context (a JSON value, or a struct that
    /// borrows what it shows: converted straight into Tera values), into a `String` or, for a
    /// large file, a [`Text`].
    pub fn render<O: Rendered, T: serde::Serialize>(
        &self,
        name: &str,
        context: &T,
    ) -> Result<O, TemplateError> {
        self.render_context(name, &self.context(name, context)?)
    }

    /// A context converted for `name` once, to render it (or a clone with more keys) with
    /// [`Self::render_context`].
    pub fn context<T: serde::Serialize>(
        &self,
        name: &str,
        context: &T,
    ) -> Result<Context, TemplateError> {
        Context::from_serialize(context).map_err(|e| self.error(name, &e))
    }

    /// Renders one template with a prepared Tera context (its values share their data, so
    /// one large context can serve many renders cheaply).
    pub fn render_context<O: Rendered>(
        &self,
        name: &str,
        context: &Context,
    ) -> Result<O, TemplateError> {
        O::render(&self.tera, name, context).map_err(|e| self.error(name, &e))
    }

    fn error(&self, name: &str, err: &dyn std::error::Error) -> TemplateError {
        TemplateError {
            template: name.to_string(),
            message: error_chain(err),
            overridden: self.overridden.iter().any(|o| o == name),
        }
    }
}

/// What a template renders into: a `String`, or a [`Text`] (rendered straight into chunks,
/// so a large file is never one buffer).
pub trait Rendered: Sized {
    /// Renders `name` with `context`.
    fn render(tera: &Tera, name: &str, context: &Context) -> Result<Self, tera::Error>;
}

impl Rendered for String {
    fn render(tera: &Tera, name: &str, context: &Context) -> Result<Self, tera::Error> {
        tera.render(name, context)
    }
}

impl Rendered for Text {
    fn render(tera: &Tera, name: &str, context: &Context) -> Result<Self, tera::Error> {
        let mut text = Text::new();
        tera.render_to(name, context, &mut text)?;
        Ok(text)
    }
}

/// A Tera instance of the `chosen` templates (name -> text), with archgen's filters.
fn compile(chosen: &BTreeMap<&str, &str>, overridden: &[String]) -> Result<Tera, TemplateError> {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::<&str>::new());
    register_filters(&mut tera);
    tera.add_raw_templates(chosen.iter().map(|(name, text)| (*name, *text)))
        .map_err(|err| {
            compile_error(
                &err,
                chosen
                    .keys()
                    .map(|name| (*name).to_string())
                    .collect::<Vec<_>>()
                    .iter(),
                overridden,
            )
        })?;
    Ok(tera)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, std::fs::read_to_string(&path)?));
        }
    }
    Ok(())
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        message.push_str("\n  caused by: ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("hcl_str", |s: &str, _: Kwargs, _: &State| {
        filters::hcl_str(s)
    });
    tera.register_filter("sh_quote", |s: &str, _: Kwargs, _: &State| {
        filters::sh_quote(s)
    });
    tera.register_filter("yaml_str", |s: &str, _: Kwargs, _: &State| {
        filters::yaml_str(s)
    });
    tera.register_filter("mermaid_label", |s: &str, _: Kwargs, _: &State| {
        filters::mermaid_label(s)
    });
    tera.register_filter("mermaid_comment", |s: &str, _: Kwargs, _: &State| {
        filters::mermaid_comment(s)
    });
    tera.register_filter("comment", |s: &str, _: Kwargs, _: &State| {
        filters::comment(s)
    });
    tera.register_filter("md", |s: &str, _: Kwargs, _: &State| filters::md(s));
}

/// Renders every artifact of one deployment, under `<provider>/`, into `out`; returns the
/// Terraform variables the pipeline must pass (see [`TerraformLayout::inputs`]).
pub fn render(
    deployment: &Deployment<'_>,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<Vec<Input>, TemplateError> {
    let mut layout = render_terraform(deployment, templates, out)?;
    diagrams::render_provider(deployment, templates, out)?;
    workflow::render_provider(deployment, &layout, templates, out)?;
    Ok(std::mem::take(&mut layout.inputs))
}
