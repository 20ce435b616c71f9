//! docs/parity.md: function x provider coverage (native / partial / fallback / missing),
//! generated from the catalog. Fails when stale; regenerate with
//! `ARCHGEN_BLESS=1 cargo test --test parity`.

mod common;

use std::fmt::Write as _;

use archgen::catalog::{Provider, Status};

fn document() -> String {
    let catalog = common::catalog();
    let mut out = String::from(
        "# Provider parity\n\nGenerated from `catalogs/` by `ARCHGEN_BLESS=1 cargo test --test parity`; a test fails when it is stale.\n\n\
         - **native**: a first-party managed service with close semantics\n\
         - **partial**: first-party, with materially different semantics or Terraform coverage (see the note in `archgen catalog show FUNCTION`)\n\
         - **fallback**: no equivalent; archgen generates the honest stand-in named in the note and warns at the component\n\
         - **missing**: not in the catalog yet\n\n",
    );
    let mut counts = [[0usize; 4]; 3];
    let mut rows = String::new();
    for (id, meta) in &catalog.functions {
        let _ = write!(rows, "| `{id}` | {} | {} |", meta.title, meta.coverage);
        for (index, provider) in Provider::ALL.into_iter().enumerate() {
            let implementation = catalog.implementation(provider, id);
            let slot = implementation.map_or(3, |i| match i.status {
                Status::Native => 0,
                Status::Partial => 1,
                Status::Fallback => 2,
            });
            counts[index][slot] += 1;
            let cell = implementation.map_or_else(
                || "missing".to_string(),
                |i| format!("{}: {}", i.status.as_str(), i.service.replace('|', "\\|")),
            );
            let _ = write!(rows, " {cell} |");
        }
        rows.push('\n');
    }
    out.push_str(
        "| provider | native | partial | fallback | missing |\n| --- | --- | --- | --- | --- |\n",
    );
    for (index, provider) in Provider::ALL.into_iter().enumerate() {
        let [n, p, f, m] = counts[index];
        let _ = writeln!(out, "| {} | {n} | {p} | {f} | {m} |", provider.title());
    }
    out.push_str("\n| function | title | coverage | AWS | Azure | GCP |\n| --- | --- | --- | --- | --- | --- |\n");
    out.push_str(&rows);
    out
}

#[test]
fn parity_table_is_fresh() {
    common::assert_fresh("docs/parity.md", &document(), "parity");
}
