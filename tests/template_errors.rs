//! A template override (`--templates-dir`) that renders invalid HCL stops generation with an
//! error naming the template, whether it renders one component or a whole file.

mod common;

use archgen::render::Templates;
use archgen::{Failure, GenerateOptions, spec};

const SPEC: &str = "name: broken\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  prod: { size: small }\ncomponents:\n  - { id: cache, function: cache }\n  - { id: bucket, function: object_storage }\n";

fn generate_with_override(path: &str, text: &str) -> archgen::render::TemplateError {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, text).expect("write");
    let templates = Templates::load(Some(dir.path())).expect("templates load");
    let sourced = spec::parse("broken.yaml", SPEC).expect("parses");
    match archgen::generate(
        &sourced,
        &common::catalog(),
        &templates,
        &GenerateOptions::default(),
    ) {
        Err(Failure::Template(err)) => err,
        Err(other) => panic!("expected a template error, got {other:?}"),
        Ok(_) => panic!("invalid HCL was accepted"),
    }
}

#[test]
fn a_component_template_producing_invalid_hcl_is_named() {
    let err = generate_with_override(
        "terraform/aws/components/cache.tf.tera",
        "resource \"aws_s3_bucket\" \"{{ c.name }}\" {\n  bucket = \n}\n",
    );
    assert_eq!(err.template, "terraform/aws/components/cache.tf.tera");
    assert!(err.overridden);
    assert!(
        err.message.contains("generated HCL does not parse"),
        "{}",
        err.message
    );
}

#[test]
fn a_file_template_producing_invalid_hcl_is_named() {
    let err = generate_with_override(
        "terraform/aws/versions.tf.tera",
        "terraform {\n  required_version = \">= 1.5\"\n",
    );
    assert_eq!(err.template, "aws/terraform/versions.tf");
    assert!(err.overridden);
    assert!(
        err.message.contains("generated HCL does not parse"),
        "{}",
        err.message
    );
}

#[test]
fn the_built_in_templates_render_valid_hcl_for_the_same_spec() {
    let sourced = spec::parse("broken.yaml", SPEC).expect("parses");
    let generated = archgen::generate(
        &sourced,
        &common::catalog(),
        &common::templates(),
        &GenerateOptions::default(),
    );
    assert!(generated.is_ok(), "the control case must generate");
}
