//! The generated Terraform is byte-identical to what `terraform fmt` makes of it.
//!
//! Needs `terraform` on PATH (CI installs nothing else for it; it is on every machine of this
//! project). Set `ARCHGEN_SKIP_TERRAFORM=1` to skip on a machine without it.

mod common;

#[test]
fn terraform_fmt_changes_nothing() {
    for example in common::examples() {
        let tree = common::generate_example(&example);
        let dir = tempfile::tempdir().expect("tempdir");
        common::write_tree(dir.path(), &tree);
        if let Some(Err(diff)) = common::terraform_fmt_check(dir.path()) {
            panic!("{example}: terraform fmt would change the output:\n{diff}");
        }
    }
}
