//! The binary: exit codes, --check drift with a diff, atomic writes, the manifest.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn archgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_archgen"))
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run archgen")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const SPEC: &str = "examples/three-tier-web/archgen.yaml";

#[test]
fn validate_exit_codes() {
    assert_eq!(code(&archgen(&["validate", SPEC])), 0);
    let invalid = archgen(&["validate", "tests/fixtures/invalid/unknown_function.yaml"]);
    assert_eq!(code(&invalid), 1);
    assert!(
        stderr(&invalid).contains("did you mean `cache`?"),
        "{}",
        stderr(&invalid)
    );
    assert_eq!(
        code(&archgen(&["validate"])),
        2,
        "missing argument is a usage error"
    );
    assert_eq!(
        code(&archgen(&["validate", SPEC, "--provider", "oracle"])),
        2
    );
    assert_eq!(code(&archgen(&["validate", "does/not/exist.yaml"])), 1);
}

#[test]
fn validate_json_output() {
    let output = archgen(&[
        "validate",
        "tests/fixtures/invalid/unknown_sku.yaml",
        "--output-format",
        "json",
    ]);
    assert_eq!(code(&output), 1);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json on stdout");
    assert_eq!(value["errors"], 1);
    assert_eq!(
        value["diagnostics"][0]["code"],
        "archgen::spec::unknown_sku"
    );
    assert!(value["diagnostics"][0]["line"].as_u64().is_some());
}

#[test]
fn generate_then_check_then_drift() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("infra");
    let out_s = out.to_str().expect("utf8");
    assert_eq!(code(&archgen(&["generate", SPEC, "-o", out_s])), 0);
    assert!(out.join("aws/terraform/main.tf").is_file());
    assert!(out.join(".archgen-manifest").is_file());
    assert_eq!(
        code(&archgen(&["generate", SPEC, "-o", out_s, "--check"])),
        0
    );

    // A hand edit is drift: exit 1 with a unified diff naming the file.
    let main = out.join("aws/terraform/main.tf");
    let text = std::fs::read_to_string(&main).expect("read");
    std::fs::write(
        &main,
        text.replacen("locals {", "locals {\n  hand_edit = true", 1),
    )
    .expect("write");
    let check = archgen(&["generate", SPEC, "-o", out_s, "--check"]);
    assert_eq!(code(&check), 1);
    let err = stderr(&check);
    assert!(err.contains("--- a/aws/terraform/main.tf"), "{err}");
    assert!(err.contains("-  hand_edit = true"), "{err}");
    // --check wrote nothing.
    assert!(
        std::fs::read_to_string(&main)
            .expect("read")
            .contains("hand_edit")
    );

    // Regenerating fixes it, keeps the user's file, and removes nothing else of theirs.
    std::fs::write(out.join("NOTES.md"), "mine\n").expect("write");
    assert_eq!(code(&archgen(&["generate", SPEC, "-o", out_s])), 0);
    assert!(
        !std::fs::read_to_string(&main)
            .expect("read")
            .contains("hand_edit")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("NOTES.md")).expect("kept"),
        "mine\n"
    );
    assert_eq!(
        code(&archgen(&["generate", SPEC, "-o", out_s, "--check"])),
        0
    );
}

#[test]
fn stale_generated_files_are_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("infra");
    let out_s = out.to_str().expect("utf8");
    assert_eq!(code(&archgen(&["generate", SPEC, "-o", out_s])), 0);
    assert!(out.join("gcp/terraform/main.tf").is_file());
    // Only the dev environment now: prod's files were generated before and go away.
    assert_eq!(
        code(&archgen(&["generate", SPEC, "-o", out_s, "--env", "dev"])),
        0
    );
    assert!(!out.join("aws/terraform/environments/prod.tfvars").exists());
    assert!(out.join("aws/terraform/environments/dev.tfvars").exists());
}

#[test]
fn provider_subset_keeps_the_other_providers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("infra");
    let out_s = out.to_str().expect("utf8");
    assert_eq!(code(&archgen(&["generate", SPEC, "-o", out_s])), 0);
    assert_eq!(
        code(&archgen(&[
            "generate",
            SPEC,
            "-o",
            out_s,
            "--provider",
            "aws"
        ])),
        0
    );
    assert!(out.join("azure/terraform/main.tf").is_file());
    assert_eq!(
        code(&archgen(&["generate", SPEC, "-o", out_s, "--check"])),
        0
    );
}

#[test]
fn a_directory_archgen_did_not_create_needs_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.tf"), "# mine\n").expect("write");
    let out_s = dir.path().to_str().expect("utf8");
    let refused = archgen(&["generate", SPEC, "-o", out_s]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(
        code(&archgen(&["generate", SPEC, "-o", out_s, "--force"])),
        0
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).expect("kept"),
        "# mine\n"
    );
}

#[test]
fn invalid_spec_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("infra");
    let output = archgen(&[
        "generate",
        "tests/fixtures/invalid/many_problems.yaml",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&output), 1);
    assert!(!out.exists());
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&archgen(&["generate", SPEC])), 2, "-o is required");
    assert_eq!(
        code(&archgen(&[
            "generate", SPEC, "-o", "/tmp/x", "--env", "staging"
        ])),
        2
    );
    assert_eq!(code(&archgen(&["frobnicate"])), 2);
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let output = archgen(&["schema"]);
    assert_eq!(code(&output), 0);
    let committed = std::fs::read(common::root().join("schema/archgen.schema.json")).expect("read");
    assert_eq!(output.stdout, committed);
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}
