//! Self-contained provider-schema conformance: every resource, data source and provider block
//! in the generated Terraform is checked against the real provider schemas (trimmed copies in
//! `tests/provider-schemas/`, refreshed by `scripts/trim-provider-schemas.py`): the type exists,
//! every argument and nested block is known, required ones are present, single blocks appear once.

mod common;

use common::schema_check::{check_block, schemas};
use hcl::Body;

#[test]
fn generated_terraform_conforms_to_provider_schemas() {
    let schemas = schemas();
    let mut problems = Vec::new();
    let mut checked = 0;
    for example in common::examples() {
        for (path, text) in common::generate_example(&example) {
            if !path.ends_with(".tf") {
                continue;
            }
            let body: Body = hcl::parse(&text).expect("parses");
            for block in body.blocks() {
                check_block(
                    block,
                    &schemas,
                    &format!("{example}/{path}"),
                    &mut problems,
                    &mut checked,
                );
            }
        }
    }
    assert!(checked > 0, "nothing was checked");
    assert!(
        problems.is_empty(),
        "{} schema problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_checker_catches_mistakes() {
    let schemas = schemas();
    let text = "resource \"random_password\" \"x\" {\n  lenght = 3\n}\nresource \"random_nothing\" \"y\" {}\n";
    let body: Body = hcl::parse(text).expect("parses");
    let mut problems = Vec::new();
    let mut checked = 0;
    for block in body.blocks() {
        check_block(block, &schemas, "t.tf", &mut problems, &mut checked);
    }
    let joined = problems.join("\n");
    assert!(joined.contains("unknown argument `lenght`"), "{joined}");
    assert!(joined.contains("missing required `length`"), "{joined}");
    assert!(
        joined.contains("`random_nothing` does not exist"),
        "{joined}"
    );
}
