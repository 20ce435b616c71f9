//! The committed JSON Schema is what `archgen schema` prints.

mod common;

#[test]
fn committed_schema_is_fresh() {
    let committed = std::fs::read_to_string(common::root().join("schema/archgen.schema.json"))
        .expect("schema/archgen.schema.json");
    let generated = archgen::commands::schema_json();
    assert!(
        committed == generated,
        "schema/archgen.schema.json is stale: run `cargo run -- schema > schema/archgen.schema.json`"
    );
}

#[test]
fn examples_point_their_editor_at_the_schema() {
    for example in common::examples() {
        let text = std::fs::read_to_string(
            common::root()
                .join("examples")
                .join(&example)
                .join("archgen.yaml"),
        )
        .expect("read example");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../schema/archgen.schema.json\n"),
            "{example}: first line must be the yaml-language-server schema comment"
        );
    }
}

#[test]
fn committed_cost_schema_is_fresh() {
    let committed = std::fs::read_to_string(common::root().join("schema/cost.schema.json"))
        .expect("schema/cost.schema.json");
    assert!(
        committed == archgen::commands::cost_schema_json(),
        "schema/cost.schema.json is stale: run `cargo run -- schema --cost > schema/cost.schema.json`"
    );
}
