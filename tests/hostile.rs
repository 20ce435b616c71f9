//! Hostile text in every free-text field stays inert in the generated files.

mod common;

use archgen::{GenerateOptions, spec};

#[test]
fn hostile_text_is_inert_in_terraform() {
    for text in common::HOSTILE {
        let tree = common::generate_text("hostile.yaml", &common::hostile_spec(text));
        for (path, body) in &tree {
            if path.ends_with(".tf") || path.ends_with(".tfvars") {
                let parsed = hcl::parse(body)
                    .unwrap_or_else(|e| panic!("{path} with {text:?}: {e}\n{body}"));
                // No template expression may carry the hostile text: every `${` from the spec is escaped.
                let _ = parsed;
                assert!(
                    !unescaped(body, "${file("),
                    "{path}: interpolation survived:\n{body}"
                );
                assert!(
                    !unescaped(body, "%{ for x"),
                    "{path}: template directive survived:\n{body}"
                );
            }
        }
    }
}

#[test]
fn hostile_ids_are_rejected_with_a_diagnostic() {
    let source = "name: hostile\nproviders:\n  aws: { region: us-east-1 }\nenvironments:\n  dev: { size: small }\ncomponents:\n  - id: 'x\"; rm -rf ~'\n    function: cache\n";
    let sourced = spec::parse("hostile.yaml", source).expect("parses");
    let err = archgen::generate(
        &sourced,
        &common::catalog(),
        &common::templates(),
        &GenerateOptions::default(),
    )
    .expect_err("must be rejected");
    match err {
        archgen::Failure::Invalid(report) => {
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| d.code == "archgen::spec::invalid_id")
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Whether `needle` (starting with `$` or `%`) occurs without the doubled escape before it.
fn unescaped(body: &str, needle: &str) -> bool {
    let lead = needle.as_bytes()[0];
    body.match_indices(needle)
        .any(|(i, _)| i == 0 || body.as_bytes()[i - 1] != lead)
}

#[test]
fn the_escape_check_can_fail() {
    assert!(unescaped("a = \"${file(x)}\"", "${file("));
    assert!(!unescaped("a = \"$${file(x)}\"", "${file("));
}
