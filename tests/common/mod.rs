//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

pub mod schema_check;

use std::path::{Path, PathBuf};

use archgen::catalog::{self, Catalog};
use archgen::render::{OutputTree, Templates};
use archgen::{GenerateOptions, spec};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example directory name, sorted.
pub fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("archgen.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The built-in catalog.
pub fn catalog() -> Catalog {
    catalog::load(None).unwrap_or_else(|report| panic!("{}", report.render(false)))
}

/// The built-in templates.
pub fn templates() -> Templates {
    Templates::load(None).unwrap_or_else(|err| panic!("{err}"))
}

/// The templates `archgen generate` loads: the shared ones compiled, the per-function ones
/// left to each provider's view.
pub fn templates_base() -> Templates {
    Templates::load_base(None).unwrap_or_else(|err| panic!("{err}"))
}

/// Generates a spec file in memory as `archgen generate` does, panicking with the rendered
/// diagnostics on failure.
pub fn generate_path(path: &Path) -> OutputTree {
    let sourced = spec::load(path).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let catalog = catalog();
    match archgen::generate(
        &sourced,
        &catalog,
        &templates_base(),
        &GenerateOptions::default(),
    ) {
        Ok(generated) => generated.tree,
        Err(archgen::Failure::Invalid(report)) => panic!("{}", report.render(false)),
        Err(other) => panic!("{other:?}"),
    }
}

/// Generates spec text in memory, panicking with the failure (for specs that must be valid).
pub fn generate_text(name: &str, text: &str) -> OutputTree {
    let sourced = spec::parse(name, text).unwrap_or_else(|r| panic!("{}", r.render(false)));
    archgen::generate(
        &sourced,
        &catalog(),
        &templates(),
        &GenerateOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e:?}\n{text}"))
    .tree
}

/// A generated document must equal the committed one; `ARCHGEN_BLESS=1` rewrites it instead.
pub fn assert_fresh(relative: &str, generated: &str, test: &str) {
    let path = root().join(relative);
    if std::env::var_os("ARCHGEN_BLESS").is_some() {
        std::fs::write(&path, generated).unwrap_or_else(|e| panic!("write {relative}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale: run `ARCHGEN_BLESS=1 cargo test --test {test}`"
    );
}

/// Generates one example by directory name.
pub fn generate_example(name: &str) -> OutputTree {
    generate_path(&root().join("examples").join(name).join("archgen.yaml"))
}

/// Insta settings writing into `snapshots/<dir>`.
pub fn snapshot_settings(dir: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots").join(dir));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// Writes a tree under `dir`.
pub fn write_tree(dir: &Path, tree: &OutputTree) {
    for (path, text) in tree {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(&target, text).expect("write");
    }
}

/// `terraform fmt -check -recursive -diff DIR`: `Err` with terraform's output when it would
/// change something. `None` when `ARCHGEN_SKIP_TERRAFORM` is set (a machine without terraform).
pub fn terraform_fmt_check(dir: &Path) -> Option<Result<(), String>> {
    if std::env::var_os("ARCHGEN_SKIP_TERRAFORM").is_some() {
        return None;
    }
    let output = std::process::Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-diff"])
        .arg(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("terraform is not on PATH (set ARCHGEN_SKIP_TERRAFORM=1 to skip)");
    Some(if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    })
}

/// Hostile text for every free-text field: quotes, backslashes, HCL / shell / YAML / Mermaid /
/// GitHub expression syntax, newlines and other line terminators, Unicode look-alikes and
/// invisible characters. [`hostile_texts`] adds a very long string.
pub const HOSTILE: &[&str] = &[
    r#"x"; rm -rf ~"#,
    r#"x"; touch pwned_dq; ""#,
    "x'; touch pwned_sq; '",
    "$(touch pwned_subst) `touch pwned_tick`",
    "${HOME:?boom} $((1/0))",
    "${file(\"/etc/passwd\")}",
    "%{ for x in y }boom%{ endfor }",
    "line one\ntouch pwned_newline",
    "line one\nline two: [broken]",
    "--> A; B | C",
    "back\\slash \\\" quote",
    "x; touch pwned_semi | touch pwned_pipe & touch pwned_amp",
    "${{ github.token }} ${{ secrets.pwned }}",
    "%%{init: {\"theme\": \"dark\"}}%% boom",
    "#quot; #35; &quot; <b>boom</b> [x] {y} (z)",
    // U+037E Greek question mark (looks like `;`), fullwidth quotes, RTL override, zero-width
    // joiner and space, byte-order mark.
    "x\u{37e} touch pwned_greek \u{ff02}\u{ff07} \u{202e}gnp.exe\u{202c} a\u{200d}b\u{200b}\u{feff}",
    // Line terminators other than `\n`: CR, NEL, line and paragraph separators, and controls.
    "cr\rtouch pwned_cr\u{85}nel\u{2028}ls\u{2029}ps\u{0}nul\u{1b}[31mesc\u{7f}",
];

/// [`HOSTILE`] and a 10,000-character mix of all of it.
pub fn hostile_texts() -> Vec<String> {
    let mut all: Vec<String> = HOSTILE.iter().map(ToString::to_string).collect();
    let long: String = HOSTILE.concat().chars().cycle().take(10_000).collect();
    all.push(long);
    all
}

/// A spec that puts `text` in every free-text field, on all three providers.
pub fn hostile_spec(text: &str) -> String {
    let t = archgen::render::filters::yaml_str(text);
    format!(
        r"name: hostile
description: {t}
providers:
  aws: {{ region: us-east-1 }}
  azure: {{ region: eastus }}
  gcp: {{ region: us-central1, project: hostile-123 }}
environments:
  dev: {{ size: small }}
actors:
  - {{ id: users, name: {t} }}
components:
  - id: media
    function: object_storage
    name: {t}
    description: {t}
  - id: cache
    function: cache
    name: {t}
  - id: alerts
    function: pubsub_topic
    name: {t}
  - id: app_secrets
    function: secrets
    name: {t}
connections:
  - {{ from: users, to: media, label: {t}, protocol: {t} }}
  - {{ from: media, to: cache, label: {t} }}
  - {{ from: alerts, to: media, label: {t}, protocol: https }}
flows:
  - id: f
    name: {t}
    steps:
      - {{ from: users, to: media, message: {t} }}
"
    )
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> OutputTree {
    let mut tree = OutputTree::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside");
                tree.insert(
                    relative.to_string_lossy().replace('\\', "/"),
                    std::fs::read_to_string(&path).expect("utf8 file"),
                );
            }
        }
    }
    tree
}
