//! The generated Terraform is byte-identical to what `terraform fmt` makes of it.
//!
//! Needs `terraform` on PATH (CI installs nothing else for it; it is on every machine of this
//! project). Set `ARCHGEN_SKIP_TERRAFORM=1` to skip on a machine without it.

mod common;

use std::process::Command;

#[test]
fn terraform_fmt_changes_nothing() {
    if std::env::var_os("ARCHGEN_SKIP_TERRAFORM").is_some() {
        return;
    }
    let version = Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "terraform is not on PATH (set ARCHGEN_SKIP_TERRAFORM=1 to skip this test)"
    );
    for example in common::examples() {
        let tree = common::generate_example(&example);
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in &tree {
            let target = dir.path().join(path);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(&target, text).expect("write");
        }
        let output = Command::new("terraform")
            .args(["fmt", "-check", "-recursive", "-diff"])
            .arg(dir.path())
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .expect("run terraform fmt");
        assert!(
            output.status.success(),
            "{example}: terraform fmt would change the output:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
