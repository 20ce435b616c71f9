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
pub mod workflow;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use include_dir::{Dir, include_dir};
use tera::{Context, Kwargs, State, Tera};

use crate::catalog::{Catalog, Deployment, Implementation, Provider};

pub use terraform::{TerraformLayout, render_terraform};

/// Diagram tiers (seed 000's lanes) and the Terraform file each tier's components go to.
pub const TIERS: [&str; 5] = ["edge", "compute", "data", "integration", "operations"];

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Generated files: relative path -> contents. A pure value; `outputs` writes or checks it.
pub type OutputTree = BTreeMap<String, String>;

/// Where finished files go, one at a time, from any thread. A file handed over is done: nothing
/// renders into it again. A path given twice keeps the later text.
pub trait Sink: Sync {
    /// Takes one finished file.
    fn put(&self, path: String, text: String);
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
    fn put(&self, path: String, text: String) {
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
pub struct Templates {
    tera: Tera,
    /// Names of templates replaced or added from disk.
    pub overridden: Vec<String>,
    /// Built-in templates of one function on one provider not compiled yet (see
    /// [`Templates::load_base`]): most of the template text, and a small spec uses few of them.
    deferred: BTreeMap<String, &'static str>,
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

/// Removes from `deferred` every template the `roots` include, import or extend, directly or
/// through another deferred template, and returns them.
fn take_included<'a>(
    deferred: &mut BTreeMap<String, &'static str>,
    roots: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, &'static str)> {
    let mut taken = Vec::new();
    let mut pending: Vec<&'a str> = roots.into_iter().collect();
    while let Some(text) = pending.pop() {
        for keyword in ["include", "import", "extends"] {
            let pattern = format!("{keyword} \"");
            let mut rest = text;
            while let Some(at) = rest.find(&pattern) {
                rest = &rest[at + pattern.len()..];
                if let Some(end) = rest.find('"')
                    && let Some((name, included)) = deferred.remove_entry(&rest[..end])
                {
                    pending.push(included);
                    taken.push((name, included));
                }
            }
        }
    }
    taken
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

/// The per-function templates a spec can use: for each provider it targets and each of its
/// components, the component's Terraform template and its function's health check.
pub fn templates_of(spec: &crate::spec::SpecFile, catalog: &Catalog) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for provider in Provider::ALL {
        if spec.providers.get(provider).is_none() {
            continue;
        }
        for component in &spec.components {
            let function = component.function.as_str();
            // A function the provider lacks is a validation error: nothing renders for it.
            if let Some(implementation) = catalog.implementation(provider, function) {
                names.insert(component_template(provider, implementation, function));
                names.insert(health_template(provider, function));
            }
        }
    }
    names
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
    /// Loads the built-in templates, then every file under `override_dir` (same name wins).
    pub fn load(override_dir: Option<&Path>) -> Result<Self, TemplateError> {
        Self::load_deferring(override_dir, false)
    }

    /// [`Self::load`], leaving the built-in per-function templates (Terraform components,
    /// health checks) to [`Self::compile`]: `generate` compiles the rest while the catalog and
    /// the spec load, then only the ones the spec uses. Templates from `override_dir` are all
    /// compiled, so a broken override is reported whether the spec uses it or not.
    pub fn load_base(override_dir: Option<&Path>) -> Result<Self, TemplateError> {
        Self::load_deferring(override_dir, true)
    }

    /// Compiles the deferred templates named in `names` (names that are not deferred are
    /// ignored: they are compiled already or do not exist).
    pub fn compile(&mut self, names: &BTreeSet<String>) -> Result<(), TemplateError> {
        let mut wanted: Vec<(String, &'static str)> = names
            .iter()
            .filter_map(|name| self.deferred.remove_entry(name))
            .collect();
        // With the deferred templates they include (a component may include another's).
        let included = take_included(&mut self.deferred, wanted.iter().map(|(_, text)| *text));
        wanted.extend(included);
        if wanted.is_empty() {
            return Ok(());
        }
        self.tera
            .add_raw_templates(wanted.iter().map(|(n, t)| (n.as_str(), *t)))
            .map_err(|err| compile_error(&err, wanted.iter().map(|(name, _)| name), &[]))
    }

    fn load_deferring(override_dir: Option<&Path>, defer: bool) -> Result<Self, TemplateError> {
        let mut tera = Tera::default();
        tera.autoescape_on(Vec::<&str>::new());
        register_filters(&mut tera);
        // Merge first, compile once: an override replaces a built-in before it is compiled, so
        // a user can fix a template without the built-in one being in the way.
        // With `defer`, the built-in per-function templates wait for [`Self::compile`].
        let mut merged: BTreeMap<String, String> = BTreeMap::new();
        let mut deferred = BTreeMap::new();
        for (name, text) in builtin_templates() {
            if defer && per_function(&name) {
                deferred.insert(name, text);
            } else {
                merged.insert(name, text.to_string());
            }
        }
        let mut overridden = Vec::new();
        if let Some(dir) = override_dir {
            let mut files = Vec::new();
            walk(dir, dir, &mut files).map_err(|err| TemplateError {
                template: dir.display().to_string(),
                message: err.to_string(),
                overridden: true,
            })?;
            for (name, text) in files {
                deferred.remove(&name);
                overridden.push(name.clone());
                merged.insert(name, text);
            }
            overridden.sort();
        }
        // What the compiled templates include (an override may include a built-in component)
        // is compiled with them.
        let included = take_included(&mut deferred, merged.values().map(String::as_str));
        for (name, text) in included {
            merged.insert(name, text.to_string());
        }
        tera.add_raw_templates(merged.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|err| compile_error(&err, merged.keys(), &overridden))?;
        Ok(Self {
            tera,
            overridden,
            deferred,
        })
    }

    /// Whether a template exists (a deferred one counts: rendering it before it is compiled
    /// fails loudly instead of silently leaving it out).
    pub fn contains(&self, name: &str) -> bool {
        self.tera.contains_template(name) || self.deferred.contains_key(name)
    }

    /// Renders one template with any serializable context (a JSON value, or a struct that
    /// borrows what it shows: converted straight into Tera values).
    pub fn render<T: serde::Serialize>(
        &self,
        name: &str,
        context: &T,
    ) -> Result<String, TemplateError> {
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
    pub fn render_context(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, context)
            .map_err(|e| self.error(name, &e))
    }

    fn error(&self, name: &str, err: &dyn std::error::Error) -> TemplateError {
        TemplateError {
            template: name.to_string(),
            message: error_chain(err),
            overridden: self.overridden.iter().any(|o| o == name),
        }
    }
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

/// Renders every artifact of one deployment, under `<provider>/`, into `out`.
pub fn render(
    deployment: &Deployment<'_>,
    templates: &Templates,
    out: &dyn Sink,
) -> Result<(), TemplateError> {
    let layout = render_terraform(deployment, templates, out)?;
    diagrams::render_provider(deployment, templates, out)?;
    workflow::render_provider(deployment, &layout, templates, out)
}
