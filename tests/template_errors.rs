//! A template override (`--templates-dir`) that renders invalid HCL stops generation with an
//! error naming the template, whether it renders one component or a whole file.

mod common;

use archgen::render::Templates;
use archgen::{Failure, GenerateOptions, spec};

const SPEC: &str = "name: broken\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  prod: { size: small }\ncomponents:\n  - { id: cache, function: cache }\n  - { id: bucket, function: object_storage }\n";

/// Generates the spec with one template overridden; the override must fail naming
/// `expected` (a template or, for a whole file, its output path) as the user's.
fn assert_invalid_hcl_named(path: &str, text: &str, expected: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, text).expect("write");
    let templates = Templates::load(Some(dir.path())).expect("templates load");
    let sourced = spec::parse("broken.yaml", SPEC).expect("parses");
    let err = match archgen::generate(
        &sourced,
        &common::catalog(),
        &templates,
        &GenerateOptions::default(),
    ) {
        Err(Failure::Template(err)) => err,
        Err(other) => panic!("expected a template error, got {other:?}"),
        Ok(_) => panic!("invalid HCL was accepted"),
    };
    assert_eq!(err.template, expected);
    assert!(err.overridden);
    assert!(
        err.message.contains("generated HCL does not parse"),
        "{}",
        err.message
    );
}

#[test]
fn a_component_template_producing_invalid_hcl_is_named() {
    assert_invalid_hcl_named(
        "terraform/aws/components/cache.tf.tera",
        "resource \"aws_s3_bucket\" \"{{ c.name }}\" {\n  bucket = \n}\n",
        "terraform/aws/components/cache.tf.tera",
    );
}

#[test]
fn a_file_template_producing_invalid_hcl_is_named() {
    assert_invalid_hcl_named(
        "terraform/aws/versions.tf.tera",
        "terraform {\n  required_version = \">= 1.5\"\n",
        "aws/terraform/versions.tf",
    );
}

#[test]
fn the_built_in_templates_render_valid_hcl_for_the_same_spec() {
    // The control case: without the overrides the same spec generates (panics otherwise).
    assert!(!common::generate_text("broken.yaml", SPEC).is_empty());
}

/// `generate` compiles the shared templates first and the per-function ones a spec uses
/// later; an override that includes a built-in component template still compiles.
#[test]
fn an_override_including_a_built_in_component_template_compiles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("docs/extra.md.tera");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &file,
        "{% include \"terraform/azure/components/nosql_kv.tf.tera\" %}\n",
    )
    .expect("write");
    if let Err(err) = Templates::load_base(Some(dir.path())) {
        panic!("{err}");
    }
}

/// The per-function templates are compiled by each provider's view, from the same merged
/// sources: the built-in templates loaded with the per-function ones deferred generate exactly
/// what the fully compiled set does, and a deferred template still counts as existing.
#[test]
fn deferred_per_function_templates_generate_the_same_files() {
    let base = Templates::load_base(None).expect("templates load");
    assert!(base.contains("scripts/aws/health/cdn.sh.tera"));
    let sourced = spec::parse("broken.yaml", SPEC).expect("parses");
    let generate = |templates: &Templates| match archgen::generate(
        &sourced,
        &common::catalog(),
        templates,
        &GenerateOptions::default(),
    ) {
        Ok(generated) => generated.tree,
        Err(other) => panic!("{other:?}"),
    };
    let deferred = generate(&base);
    assert!(deferred.keys().any(|path| path == "aws/terraform/data.tf"));
    assert_eq!(deferred, generate(&common::templates()));
}

/// An override of a per-function template reaches the provider view that renders it.
#[test]
fn an_override_of_a_component_template_is_rendered_by_the_provider_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("terraform/aws/components/cache.tf.tera");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, "# overridden cache for {{ c.name }}\n").expect("write");
    let templates = Templates::load_base(Some(dir.path())).expect("templates load");
    let sourced = spec::parse("broken.yaml", SPEC).expect("parses");
    let tree = match archgen::generate(
        &sourced,
        &common::catalog(),
        &templates,
        &GenerateOptions::default(),
    ) {
        Ok(generated) => generated.tree,
        Err(other) => panic!("{other:?}"),
    };
    let data = &tree["aws/terraform/data.tf"];
    assert!(data.contains("# overridden cache for cache"), "{data}");
    assert!(!data.contains("aws_elasticache"), "{data}");
}
