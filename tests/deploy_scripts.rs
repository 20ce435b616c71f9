//! The generated deploy / destroy scripts, run against fake `terraform`, `aws`, `az`, `gcloud`
//! and `curl` commands that record their arguments: the command sequence of every example x
//! provider is snapshotted (`snapshots/deploy/`), a dry run runs nothing, and hostile spec text
//! stays inert.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use archgen::render::OutputTree;

const PROVIDERS: &[&str] = &["aws", "azure", "gcp"];

/// The example the flag and failure tests run.
const SMALL_EXAMPLE: &str = "three-tier-web";

/// Fake CLIs: each appends `name args...` (shell-quoted) to `$SHIM_LOG` and prints a plausible
/// answer.
const SHIMS: &[(&str, &str)] = &[
    (
        "terraform",
        r#"case "$1" in
  version) echo "Terraform v1.13.0" ;;
  plan) exit 2 ;;
  output)
    name="${*: -1}"
    case "$name" in
      *_arn) printf 'arn:aws:fake:us-east-1:123456789012:%s' "$name" ;;
      *_id) printf 'projects/fake/things/%s' "$name" ;;
      *url | *endpoint | *uri | *hostname | *domain_name | *fqdn) printf '%s.example.test' "$name" ;;
      *) printf 'fake-%s' "$name" ;;
    esac
    ;;
esac"#,
    ),
    (
        "aws",
        r#"case "$1 $2" in
  "sts get-caller-identity") echo 123456789012 ;;
  *) echo '{"ok": true}' ;;
esac"#,
    ),
    (
        "az",
        r#"case "$1 $2" in
  "account show") echo 00000000-0000-0000-0000-000000000001 ;;
  *) echo '{"id": "fake"}' ;;
esac"#,
    ),
    (
        "gcloud",
        r#"case "$1 $2" in
  "projects describe") echo "$3" ;;
  *) echo fake ;;
esac"#,
    ),
    ("curl", "printf 200"),
];

/// Settings every provider's preflight needs.
const ENV: &[(&str, &str)] = &[
    ("TF_STATE_BUCKET", "example-tfstate"),
    ("AWS_ACCOUNT_ID", "123456789012"),
    (
        "ARM_SUBSCRIPTION_ID",
        "00000000-0000-0000-0000-000000000001",
    ),
    ("TF_STATE_RESOURCE_GROUP", "rg-tfstate"),
    ("TF_STATE_STORAGE_ACCOUNT", "sttfstate"),
];

/// A generated tree on disk with the fake CLIs beside it.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new(tree: &OutputTree) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in tree {
            let file = dir.path().join("out").join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(&file, text).expect("write");
        }
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir bin");
        for (name, body) in SHIMS {
            let script = format!(
                "#!/usr/bin/env bash\n{{ printf '%s' {name}; printf ' %q' \"$@\"; printf '\\n'; }} >>\"$SHIM_LOG\"\n{body}\n"
            );
            let path = bin.join(name);
            std::fs::write(&path, script).expect("write shim");
            make_executable(&path);
        }
        Self { dir }
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("calls.log")
    }

    /// Runs `bash out/<script> args...` with only the fake CLIs (and coreutils) on PATH.
    fn run(&self, script: &str, args: &[&str], stdin_tty_free: bool) -> Output {
        let _ = std::fs::remove_file(self.log_path());
        std::fs::write(self.log_path(), "").expect("log");
        let path = format!("{}:/usr/bin:/bin", self.dir.path().join("bin").display());
        let mut command = Command::new("bash");
        command
            .arg(self.dir.path().join("out").join(script))
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("SHIM_LOG", self.log_path())
            .envs(ENV.iter().copied());
        if stdin_tty_free {
            command.stdin(Stdio::null());
        }
        command.output().expect("bash runs")
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.log_path()).expect("log")
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

fn check(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The commands a dry run printed (`+ ...` lines).
fn traced(output: &Output) -> String {
    let mut out = String::new();
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        if line.starts_with("+ ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_example_deploys_in_stages_against_fake_clis() {
    for example in common::examples() {
        let tree = common::generate_example(&example);
        let sandbox = Sandbox::new(&tree);
        let settings = common::snapshot_settings("deploy");
        for provider in PROVIDERS {
            let deploy = format!("{provider}/scripts/deploy.sh");
            let destroy = format!("{provider}/scripts/destroy.sh");
            if !tree.contains_key(&deploy) {
                continue;
            }
            let what = format!("{example} {deploy}");

            let dry = sandbox.run(&deploy, &["--env", "dev", "--dry-run"], true);
            check(&dry, &format!("{what} --dry-run"));
            assert_eq!(
                sandbox.calls(),
                "",
                "{what} --dry-run ran commands (it must only print them)"
            );
            let printed = traced(&dry);
            assert!(
                printed.contains("+ terraform apply"),
                "{what} --dry-run does not show the applies:\n{printed}"
            );

            let real = sandbox.run(&deploy, &["--env", "dev", "--yes"], true);
            check(&real, &what);
            let calls = sandbox.calls();
            assert!(
                calls.contains("terraform apply"),
                "{what}: no apply:\n{calls}"
            );
            assert_stages_in_order(&calls, &what);

            let teardown = sandbox.run(&destroy, &["--env", "dev", "--yes"], true);
            check(&teardown, &format!("{example} {destroy}"));
            let teardown_calls = sandbox.calls();

            settings.bind(|| {
                insta::assert_snapshot!(format!("{example}__{provider}__deploy_dry_run"), printed);
                insta::assert_snapshot!(format!("{example}__{provider}__deploy"), calls);
                insta::assert_snapshot!(format!("{example}__{provider}__destroy"), teardown_calls);
            });
        }
    }
}

/// Each stage's plan comes before its apply, and the stages come in the deploy order.
fn assert_stages_in_order(calls: &str, what: &str) {
    let plans: Vec<&str> = calls
        .lines()
        .filter(|l| l.starts_with("terraform plan"))
        .collect();
    let applies: Vec<&str> = calls
        .lines()
        .filter(|l| l.starts_with("terraform apply"))
        .collect();
    assert_eq!(plans.len(), applies.len(), "{what}: a plan without apply");
    let order = ["network", "security", "data", "compute", "edge", "converge"];
    let positions: Vec<usize> = order
        .iter()
        .filter_map(|stage| calls.find(&format!("-{stage}.tfplan")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{what}: stages out of order:\n{calls}"
    );
    assert!(
        plans.last().is_some_and(|p| !p.contains("-target=")),
        "{what}: the last plan must be untargeted"
    );
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_applied() {
    let sandbox = Sandbox::new(&common::generate_example(SMALL_EXAMPLE));
    let output = sandbox.run("aws/scripts/deploy.sh", &["--env", "dev"], true);
    assert!(!output.status.success(), "ran without confirmation");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pass --yes"), "{stderr}");
    assert!(!sandbox.calls().contains("terraform apply"));
}

#[test]
fn missing_backend_settings_fail_with_a_clear_message() {
    let sandbox = Sandbox::new(&common::generate_example(SMALL_EXAMPLE));
    let mut command = Command::new("bash");
    let output = command
        .arg(sandbox.dir.path().join("out/gcp/scripts/deploy.sh"))
        .args(["--env", "dev", "--yes"])
        .env_clear()
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", sandbox.dir.path().join("bin").display()),
        )
        .env("SHIM_LOG", sandbox.log_path())
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TF_STATE_BUCKET is not set"), "{stderr}");
    assert!(!sandbox.calls().contains("terraform init"));
}

#[test]
fn unknown_environments_and_flags_are_refused() {
    let sandbox = Sandbox::new(&common::generate_example(SMALL_EXAMPLE));
    for args in [&["--env", "staging"][..], &["--bogus"][..]] {
        let output = sandbox.run("aws/scripts/deploy.sh", args, true);
        assert!(!output.status.success(), "{args:?} accepted");
        assert_eq!(sandbox.calls(), "", "{args:?} ran commands");
    }
}

#[test]
fn hostile_labels_are_inert_in_the_scripts() {
    for text in common::HOSTILE {
        let tree = common::generate_text("hostile.yaml", &common::hostile_spec(text));
        let sandbox = Sandbox::new(&tree);
        for provider in PROVIDERS {
            for (script, args) in [
                ("deploy", &["--dry-run"][..]),
                ("deploy", &["--yes"][..]),
                ("destroy", &["--yes"][..]),
            ] {
                let path = format!("{provider}/scripts/{script}.sh");
                let output = sandbox.run(&path, args, true);
                check(&output, &format!("{path} {args:?} with {text:?}"));
                let stray: Vec<_> = std::fs::read_dir(sandbox.dir.path())
                    .expect("ls")
                    .chain(
                        std::fs::read_dir(
                            sandbox
                                .dir
                                .path()
                                .join("out")
                                .join(provider)
                                .join("terraform"),
                        )
                        .expect("ls"),
                    )
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().starts_with("pwned"))
                    .collect();
                assert!(stray.is_empty(), "{path} with {text:?} ran spec text");
                let stderr = String::from_utf8_lossy(&output.stderr);
                if script == "deploy" && args == ["--dry-run"] {
                    // Printed on one line, control characters (CR, ESC, NUL, NEL) and U+2028 /
                    // U+2029 as spaces: no terminal escapes, no overwritten lines.
                    let first_line = text.lines().next().unwrap_or_default();
                    let shown = archgen::render::filters::comment(first_line);
                    assert!(
                        stderr.contains(&shown),
                        "{path}: the label is not printed:\n{stderr}"
                    );
                    assert!(
                        !stderr.contains(['\u{1b}', '\r']),
                        "{path}: a control character reached the terminal:\n{stderr}"
                    );
                }
            }
        }
    }
}

/// The Terraform variables a tree leaves to its user (no default in `variables.tf`, unset in an
/// environment's tfvars) reach every plan and apply job of that environment: read independently
/// from the generated HCL and checked against the parsed workflow, so a variable added to a
/// catalog without a default cannot silently break the pipeline.
#[test]
fn the_workflow_passes_every_variable_the_tfvars_leave_unset() {
    let mut checked = 0;
    for example in common::examples() {
        let tree = common::generate_example(&example);
        let workflow: serde_json::Value =
            serde_saphyr::from_str(&tree[".github/workflows/archgen-terraform.yml"])
                .expect("the workflow is YAML");
        let jobs = &workflow["jobs"];
        for provider in PROVIDERS {
            let Some(variables) = tree.get(&format!("{provider}/terraform/variables.tf")) else {
                continue;
            };
            let body: hcl::Body = hcl::parse(variables).expect("variables.tf parses");
            let required: Vec<String> = body
                .blocks()
                .filter(|b| b.identifier() == "variable")
                .filter(|b| !b.body().attributes().any(|a| a.key() == "default"))
                .map(|b| b.labels()[0].as_str().to_string())
                .collect();
            let prefix = format!("{provider}/terraform/environments/");
            for (path, tfvars) in &tree {
                let Some(env) = path
                    .strip_prefix(&prefix)
                    .and_then(|p| p.strip_suffix(".tfvars"))
                else {
                    continue;
                };
                let set: hcl::Body = hcl::parse(tfvars).expect("tfvars parse");
                for name in &required {
                    if set.attributes().any(|a| a.key() == name.as_str()) {
                        continue;
                    }
                    let key = format!("TF_VAR_{name}");
                    let github = format!(
                        "{}_TF_VAR_{}",
                        provider.to_ascii_uppercase(),
                        name.to_ascii_uppercase()
                    );
                    let what = format!("{example}: {provider} `{name}` (unset in {env})");
                    for job in [
                        format!("plan-{provider}"),
                        format!("apply-{provider}-{env}"),
                    ] {
                        let value = jobs[&job]["env"][&key].as_str().unwrap_or_default();
                        assert!(
                            value.contains(&format!("vars.{github} }}}}"))
                                || value.contains(&format!("secrets.{github} }}}}")),
                            "{what}: job {job} does not set {key} from {github}: {value:?}"
                        );
                        let steps = jobs[&job]["steps"].as_array().expect("steps");
                        let check = steps
                            .iter()
                            .position(|s| s["name"] == "Check the Terraform inputs")
                            .unwrap_or_else(|| panic!("{what}: job {job} has no input check"));
                        let script = steps[check]["run"].as_str().unwrap_or_default();
                        assert!(
                            script.contains(&format!("{github} \"${{{key}:-}}\"")),
                            "{what}: job {job}'s check does not test {key}:\n{script}"
                        );
                        let terraform = steps
                            .iter()
                            .position(|s| {
                                s["run"].as_str().is_some_and(|r| {
                                    r.contains("terraform plan") || r.contains("deploy.sh")
                                })
                            })
                            .expect("a step runs Terraform");
                        assert!(check < terraform, "{what}: job {job} checks too late");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} unset variables found in the examples"
    );
}
