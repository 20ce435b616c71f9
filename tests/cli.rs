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

/// Files are written into the staging directory as they render: a render that fails late
/// (here the last file, `ARCHITECTURE.md`, after every provider's files were written) must
/// still leave the directory exactly as it was, with no staging directory beside it.
#[test]
fn a_render_failing_after_files_were_written_leaves_the_directory_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("infra");
    let out_s = out.to_str().expect("utf8");
    assert_eq!(code(&archgen(&["generate", SPEC, "-o", out_s])), 0);
    let before = common::read_tree(&out);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(templates.join("docs")).expect("mkdir");
    std::fs::write(
        templates.join("docs/ARCHITECTURE.md.tera"),
        "# {{ no_such_value.field }}\n",
    )
    .expect("write");
    let failed = archgen(&[
        "--templates-dir",
        templates.to_str().expect("utf8"),
        "generate",
        SPEC,
        "-o",
        out_s,
        "--env",
        "prod",
    ]);
    assert_eq!(code(&failed), 1, "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("docs/ARCHITECTURE.md.tera"),
        "{}",
        stderr(&failed)
    );
    assert!(common::read_tree(&out) == before, "the directory changed");
    let mut left = leftovers(dir.path());
    left.sort();
    assert_eq!(left, ["infra", "templates"]);
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

fn archgen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_archgen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run archgen")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every command and subcommand, as (path, command), the top level included.
fn all_commands() -> Vec<(String, clap::Command)> {
    use clap::CommandFactory;
    fn walk(prefix: &str, command: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let path = format!("{prefix} {}", sub.get_name());
            out.push((path.clone(), sub.clone()));
            walk(&path, sub, out);
        }
    }
    let mut top = archgen::cli::Cli::command();
    top.build();
    let mut out = vec![("archgen".to_string(), top.clone())];
    walk("archgen", &top, &mut out);
    out
}

#[test]
fn every_subcommand_has_examples_in_its_long_help() {
    let commands = all_commands();
    let names: Vec<&str> = commands.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "archgen generate",
        "archgen cost diff",
        "archgen catalog show",
        "archgen templates list",
        "archgen completions",
        "archgen init",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for (path, mut command) in commands {
        let help = command.render_long_help().to_string();
        assert!(
            help.contains("Examples:"),
            "`{path} --help` has no examples:\n{help}"
        );
    }
}

#[test]
fn help_examples_are_valid_invocations() {
    use clap::Parser;
    let mut checked = 0;
    for (path, mut command) in all_commands() {
        let help = command.render_long_help().to_string();
        let examples = help.split_once("Examples:").map_or("", |(_, e)| e);
        let mut own = 0;
        for line in examples.lines().map(str::trim) {
            if !line.starts_with("archgen ") {
                continue;
            }
            // Drop the shell around the invocation: comments, pipes, redirections.
            let invocation = line.split(['#', '|', '>']).next().unwrap_or_default();
            let words: Vec<&str> = invocation.split_whitespace().collect();
            if let Err(err) = archgen::cli::Cli::try_parse_from(&words) {
                panic!("example in `{path} --help` does not parse: {line}\n{err}");
            }
            if words.join(" ").starts_with(&path) {
                own += 1;
            }
            checked += 1;
        }
        assert!(own > 0, "`{path} --help` has no example of itself");
    }
    assert!(checked >= 30, "only {checked} examples found");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = archgen(&["completions", shell]);
        assert_eq!(code(&output), 0, "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(!script.trim().is_empty(), "{shell}");
        for subcommand in [
            "generate",
            "validate",
            "analyze",
            "cost",
            "catalog",
            "init",
            "completions",
        ] {
            assert!(
                script.contains(subcommand),
                "{shell} completions lack `{subcommand}`"
            );
        }
        if shell == "bash" && Command::new("bash").arg("--version").output().is_ok() {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("archgen.bash");
            std::fs::write(&file, &script).expect("write");
            let check = Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .expect("bash -n");
            assert!(check.status.success(), "bash -n: {}", stderr(&check));
        }
    }
    assert_eq!(code(&archgen(&["completions", "tcsh"])), 2);
}

#[test]
fn init_every_pattern_validates_and_generates() {
    let list = archgen(&["init", "--list"]);
    assert_eq!(code(&list), 0, "{}", stderr(&list));
    let listed: Vec<(String, String)> = stdout(&list)
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(name, description)| (name.trim().to_string(), description.trim().to_string()))
        .collect();
    let names: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, common::examples(), "every example is a pattern");
    assert!(listed.iter().all(|(_, d)| !d.is_empty()), "{listed:?}");
    let catalog = common::catalog();
    for name in names {
        let output = archgen(&["init", "--pattern", name, "-o", "-"]);
        assert_eq!(code(&output), 0, "{name}: {}", stderr(&output));
        let text = stdout(&output);
        assert!(text.starts_with("# archgen starter spec"), "{name}");
        assert!(text.contains("archgen validate archgen.yaml"), "{name}");
        assert!(
            text.contains("# yaml-language-server: $schema=archgen.schema.json"),
            "{name}"
        );
        let sourced = archgen::spec::parse(name, &text)
            .unwrap_or_else(|report| panic!("{name}: {}", report.render(false)));
        if let Err(report) = archgen::spec::validate(&sourced, &catalog, None) {
            panic!("{name}: {}", report.render(false));
        }
        let tree = common::generate_text(name, &text);
        assert!(
            tree.keys().any(|p| p.ends_with("terraform/main.tf")),
            "{name}"
        );
    }
}

#[test]
fn init_writes_a_file_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = archgen_in(dir.path(), &["init"]);
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    assert!(stdout(&created).is_empty(), "status goes to stderr");
    let written = std::fs::read_to_string(dir.path().join("archgen.yaml")).expect("archgen.yaml");
    assert!(written.contains("name: three-tier-web"), "default pattern");
    assert_eq!(
        code(&archgen_in(dir.path(), &["validate", "archgen.yaml"])),
        0
    );
    let generated = archgen_in(dir.path(), &["generate", "archgen.yaml", "-o", "infra"]);
    assert_eq!(code(&generated), 0, "{}", stderr(&generated));

    std::fs::write(dir.path().join("archgen.yaml"), "mine\n").expect("write");
    let refused = archgen_in(dir.path(), &["init", "--pattern", "data-lake"]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("archgen.yaml")).expect("kept"),
        "mine\n"
    );
    let forced = archgen_in(dir.path(), &["init", "--pattern", "data-lake", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(
        std::fs::read_to_string(dir.path().join("archgen.yaml"))
            .expect("overwritten")
            .contains("name: data-lake")
    );

    let other = archgen_in(
        dir.path(),
        &["init", "--pattern", "spot-batch", "-o", "batch.yaml"],
    );
    assert_eq!(code(&other), 0, "{}", stderr(&other));
    assert!(
        std::fs::read_to_string(dir.path().join("batch.yaml"))
            .expect("batch.yaml")
            .contains("archgen validate batch.yaml")
    );
}

#[test]
fn init_unknown_pattern_suggests_and_lists() {
    let output = archgen(&["init", "--pattern", "three-tier", "-o", "-"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("did you mean `three-tier-web`?"), "{err}");
    assert!(
        err.contains("data-lake") && err.contains("spot-batch"),
        "{err}"
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn generate_prints_a_summary_per_provider_and_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("infra");
    let out_s = out.to_str().expect("utf8");
    let first = archgen(&["generate", SPEC, "-o", out_s]);
    assert_eq!(code(&first), 0);
    assert!(stdout(&first).is_empty(), "the summary goes to stderr");
    let err = stderr(&first);
    let files = std::fs::read_to_string(out.join(".archgen-manifest"))
        .expect("manifest")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .count();
    assert!(
        err.contains(&format!(
            "Generated {files} files in {out_s}: {files} created, 0 updated, 0 unchanged, 0 removed"
        )),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "NO_COLOR: {err:?}");
    for word in [
        "terraform",
        "scripts",
        "workflows",
        "diagrams",
        "cost sheets",
        "docs",
        "total",
    ] {
        assert!(err.contains(word), "{word}: {err}");
    }
    let aws = err
        .lines()
        .find(|l| l.trim_start().starts_with("aws "))
        .expect("aws row");
    let aws_files = std::fs::read_to_string(out.join(".archgen-manifest"))
        .expect("manifest")
        .lines()
        .filter(|l| l.starts_with("aws/"))
        .count();
    assert!(aws.ends_with(&format!(" {aws_files}")), "{aws}");
    assert!(
        err.lines().any(|l| l.trim_start().starts_with("shared ")),
        "{err}"
    );

    // Fewer environments: some files change, some go; with colour forced, they are coloured.
    let second = archgen(&[
        "generate", SPEC, "-o", out_s, "--env", "dev", "--color", "always",
    ]);
    assert_eq!(code(&second), 0);
    let err = stderr(&second);
    assert!(
        err.contains("\x1b[31m") && err.contains("removed"),
        "{err:?}"
    );
    assert!(
        err.contains("\x1b[33m") && err.contains("updated"),
        "{err:?}"
    );

    let quiet = archgen(&["generate", SPEC, "-o", out_s, "--quiet"]);
    assert_eq!(code(&quiet), 0);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
}

/// Runs archgen under `script` (a pseudo-terminal) with stdout to `stdout_file`; `None` when
/// `script` is not installed.
fn on_a_terminal(args: &str, stdout_file: &Path, ci: bool) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        return None;
    }
    let command_line = format!(
        "{} {args} >{}",
        env!("CARGO_BIN_EXE_archgen"),
        stdout_file.display()
    );
    let mut command = Command::new("script");
    command
        .args(["-qec", &command_line, "/dev/null"])
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    if ci {
        command.env("CI", "true");
    } else {
        command.env_remove("CI");
    }
    let output = command.output().expect("script");
    assert!(output.status.success(), "{}", stderr(&output));
    Some(stdout(&output))
}

#[test]
fn progress_is_shown_on_a_terminal_only_and_never_on_stdout_or_in_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tty");
    let captured = dir.path().join("stdout.txt");
    let Some(terminal) = on_a_terminal(
        &format!("generate {SPEC} -o {}", out.display()),
        &captured,
        false,
    ) else {
        return;
    };
    assert!(terminal.contains("Generating"), "{terminal:?}");
    assert!(terminal.contains("aws: resolve + render"), "{terminal:?}");
    assert!(
        std::fs::read_to_string(&captured)
            .expect("stdout")
            .is_empty()
    );
    // The files are the same as without a terminal.
    let piped = dir.path().join("piped");
    assert_eq!(
        code(&archgen(&[
            "generate",
            SPEC,
            "-o",
            piped.to_str().expect("utf8")
        ])),
        0
    );
    let tty_tree = common::read_tree(&out);
    assert_eq!(tty_tree, common::read_tree(&piped));

    let cost = on_a_terminal(&format!("cost {SPEC}"), &captured, false).expect("script");
    assert!(cost.contains("Pricing"), "{cost:?}");
    let table = std::fs::read_to_string(&captured).expect("stdout");
    assert!(
        !table.contains("Pricing") && !table.contains('\r'),
        "{table:?}"
    );

    let ci = on_a_terminal(&format!("cost {SPEC}"), &captured, true).expect("script");
    assert!(!ci.contains("Pricing"), "CI: {ci:?}");
    let quiet = on_a_terminal(&format!("cost {SPEC} --quiet"), &captured, false).expect("script");
    assert!(!quiet.contains("Pricing"), "--quiet: {quiet:?}");
}

/// `validate` resolves every provider as `generate` does, so it reports the same catalog
/// warnings (here GCP's four fallbacks), and `--provider`
/// limits them to that provider.
#[test]
fn validate_reports_the_warnings_generate_reports() {
    let spec = "examples/booking-platform/archgen.yaml";
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["validate", spec, "--output-format", "json"];
        args.extend_from_slice(extra);
        let output = archgen(&args);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).expect("json on stdout")
    };
    let codes = |value: &serde_json::Value| -> Vec<String> {
        value["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let all = json(&[]);
    assert_eq!(
        codes(&all)
            .iter()
            .filter(|c| *c == "archgen::catalog::fallback")
            .count(),
        4,
        "{all:#}"
    );
    assert_eq!(all["warnings"], 4, "{all:#}");
    let aws = json(&["--provider", "aws"]);
    assert!(
        !codes(&aws)
            .iter()
            .any(|c| c == "archgen::catalog::fallback"),
        "{aws:#}"
    );
}
