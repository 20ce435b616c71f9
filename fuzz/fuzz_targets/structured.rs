//! Random valid specs (real catalog functions, hostile free text): generation succeeds, is
//! deterministic, and every `.tf` / `.tfvars` / `.hcl`, YAML and JSON file re-parses.
#![no_main]

use arbitrary::Unstructured;
use archgen::{GenerateOptions, spec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let catalog = archgen_fuzz::catalog();
    let Ok(generated) = archgen_fuzz::specgen::spec(&mut u, catalog) else {
        return;
    };
    let text = &generated.yaml;
    let sourced = spec::parse("structured.yaml", text)
        .unwrap_or_else(|report| panic!("{}\n--- spec ---\n{text}", report.render(false)));
    let run = || {
        archgen::generate(
            &sourced,
            catalog,
            archgen_fuzz::templates(),
            &GenerateOptions::default(),
        )
        .unwrap_or_else(|failure| match failure {
            archgen::Failure::Invalid(report) => {
                panic!("{}\n--- spec ---\n{text}", report.render(false))
            }
            other => panic!("{other:?}\n--- spec ---\n{text}"),
        })
        .tree
    };
    let first = run();
    let second = run();
    assert!(
        first == second,
        "two generations differ\n--- spec ---\n{text}"
    );
    archgen_fuzz::check_tree(&first);
});
