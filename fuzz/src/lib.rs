//! Shared code of the fuzz targets: the built-in catalog and templates (loaded once), the
//! library paths the CLI takes, checks of a generated tree, and a generator of random valid
//! specs for the `structured` target.

pub mod specgen;

use std::sync::OnceLock;

use archgen::catalog::{self, Catalog};
use archgen::render::{OutputTree, Templates};
use archgen::{Failure, GenerateOptions, spec};

/// The built-in catalog, loaded once per process.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        catalog::load(None).unwrap_or_else(|report| panic!("{}", report.render(false)))
    })
}

/// The built-in templates, loaded once per process.
pub fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| Templates::load(None).unwrap_or_else(|err| panic!("{err}")))
}

/// Runs spec text through everything the `validate`, `generate`, `analyze` and `cost` commands
/// do in memory, rendering every diagnostic as the CLI would. Returns the generated tree when
/// the spec is valid. Errors are fine; a panic (or a built-in template failing) is a bug.
pub fn exercise(text: &str) -> Option<OutputTree> {
    let sourced = match spec::parse("fuzz.yaml", text) {
        Ok(sourced) => sourced,
        Err(report) => {
            let _ = report.render(false);
            let _ = report.to_json();
            return None;
        }
    };
    let catalog = catalog();
    let options = GenerateOptions::default();

    // `analyze`: validate, build the graph, run the rules, render the report.
    if let Ok(valid) = spec::validate(&sourced, catalog, None)
        && let Ok(graph) = archgen::graph::build(valid, catalog)
    {
        let findings = archgen::analyze::analyze(&graph, catalog);
        let _ = archgen::analyze::report(&graph, &findings).render(false);
        let _ = serde_json::to_string(&findings);
    }

    // `cost`: every sheet in every format.
    if let Ok(sheets) = archgen::cost_sheets_for(&sourced, catalog, &options) {
        for sheet in &sheets {
            let _ = archgen::cost::render::table(sheet);
            let _ = archgen::cost::render::markdown(sheet);
            let _ = archgen::cost::render::csv(sheet);
            let _ = archgen::cost::render::json(sheet);
            let _ =
                archgen::cost::render::diff_markdown(&[archgen::cost::render::diff(sheet, sheet)]);
        }
    }

    // `generate`.
    match archgen::generate(&sourced, catalog, templates(), &options) {
        Ok(generated) => {
            let _ = generated.warnings.render(false);
            Some(generated.tree)
        }
        Err(Failure::Invalid(report)) => {
            let _ = report.render(false);
            let _ = report.to_json();
            None
        }
        Err(Failure::Template(err)) => panic!("a built-in template failed: {err}"),
        Err(_) => None,
    }
}

/// Every file of a generated tree re-parses in its language: `.tf` / `.tfvars` / `.hcl` with
/// hcl-rs, `.yml` / `.yaml` as YAML, `.json` as JSON. Panics naming the file otherwise.
pub fn check_tree(tree: &OutputTree) {
    for (path, body) in tree {
        if path.ends_with(".tf") || path.ends_with(".tfvars") || path.ends_with(".hcl") {
            if let Err(err) = hcl::parse(body) {
                panic!("{path} does not re-parse as HCL: {err}\n{body}");
            }
        } else if path.ends_with(".yml") || path.ends_with(".yaml") {
            if let Err(err) = serde_saphyr::from_str::<serde_json::Value>(body) {
                panic!("{path} does not re-parse as YAML: {err}\n{body}");
            }
        } else if path.ends_with(".json")
            && let Err(err) = serde_json::from_str::<serde_json::Value>(body)
        {
            panic!("{path} does not re-parse as JSON: {err}\n{body}");
        }
    }
}
