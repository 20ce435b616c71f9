//! Every invalid fixture gives located diagnostics; the rendered report (no colour) is
//! snapshotted, and a few in JSON too.

mod common;

use archgen::{GenerateOptions, spec};

fn diagnose(path: &std::path::Path) -> archgen::diagnostics::Report {
    let name = format!(
        "tests/fixtures/invalid/{}",
        path.file_name().expect("name").to_string_lossy()
    );
    let text = std::fs::read_to_string(path).expect("read fixture");
    let catalog = common::catalog();
    let sourced = match spec::parse(&name, &text) {
        Ok(sourced) => sourced,
        Err(report) => return report,
    };
    match archgen::generate(
        &sourced,
        &catalog,
        &common::templates(),
        &GenerateOptions::default(),
    ) {
        Err(archgen::Failure::Invalid(report)) => report,
        Ok(_) => panic!("{name} is valid, but every fixture must be invalid"),
        Err(other) => panic!("{name}: unexpected failure {other:?}"),
    }
}

#[test]
fn invalid_fixtures_render_located_diagnostics() {
    let dir = common::root().join("tests/fixtures/invalid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 20,
        "at least 20 invalid fixtures, found {}",
        paths.len()
    );
    let settings = common::snapshot_settings("diagnostics");
    settings.bind(|| {
        for path in &paths {
            let report = diagnose(path);
            assert!(report.has_errors(), "{}: no error", path.display());
            for diagnostic in &report.diagnostics {
                assert!(
                    diagnostic.span.is_some(),
                    "{}: `{}` has no location",
                    path.display(),
                    diagnostic.message
                );
            }
            let stem = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            insta::assert_snapshot!(stem, report.render(false));
        }
    });
}

#[test]
fn many_problems_are_reported_in_one_run() {
    let report = diagnose(&common::root().join("tests/fixtures/invalid/many_problems.yaml"));
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    for expected in [
        "archgen::spec::unknown_function",
        "archgen::spec::invalid_size",
        "archgen::spec::duplicate_id",
        "archgen::spec::invalid_id",
        "archgen::spec::invalid_direction",
        "archgen::spec::self_connection",
        "archgen::spec::empty_flow",
    ] {
        assert!(codes.contains(&expected), "missing {expected} in {codes:?}");
    }
}

#[test]
fn type_errors_in_several_items_are_reported_together() {
    let report = diagnose(&common::root().join("tests/fixtures/invalid/many_type_errors.yaml"));
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "archgen::spec::unknown_field",
            "archgen::spec::wrong_type",
            "archgen::spec::unknown_field",
            "archgen::spec::unknown_field",
            "archgen::spec::wrong_type",
        ]
    );
}

#[test]
fn json_diagnostics_carry_line_and_column() {
    let settings = common::snapshot_settings("diagnostics");
    settings.bind(|| {
        for stem in ["unknown_function", "unknown_sku", "yaml_syntax"] {
            let report =
                diagnose(&common::root().join(format!("tests/fixtures/invalid/{stem}.yaml")));
            insta::assert_snapshot!(format!("{stem}.json"), format!("{:#}", report.to_json()));
        }
    });
}
