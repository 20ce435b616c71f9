//! Rebuild when embedded data changes (`include_dir` does not track new files by itself).
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=catalogs");
    println!("cargo:rerun-if-changed=examples");
}
