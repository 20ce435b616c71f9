//! Rebuild when embedded data changes (`include_dir` does not track new files by itself), and
//! convert the embedded catalogs from YAML to JSON once, at build time: parsing ~700 KB of YAML
//! was most of the time of a small run (`archgen validate` spent 40 ms in it), and JSON
//! deserialises into the same types several times faster. `--catalog-dir` overlays are still
//! YAML, parsed at run time with diagnostics; `tests/catalog_walk.rs` checks that both paths give
//! the same catalog.
use std::path::Path;

/// The embedded catalog files, relative to `catalogs/`.
const CATALOGS: [&str; 8] = [
    "functions.yaml",
    "aws.yaml",
    "azure.yaml",
    "gcp.yaml",
    "pricing/usage.yaml",
    "pricing/aws.yaml",
    "pricing/azure.yaml",
    "pricing/gcp.yaml",
];

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=catalogs");
    println!("cargo:rerun-if-changed=examples");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("catalogs-json");
    for path in CATALOGS {
        let text = std::fs::read_to_string(Path::new("catalogs").join(path))
            .unwrap_or_else(|err| panic!("catalogs/{path}: {err}"));
        let value: serde_json::Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|err| panic!("catalogs/{path} is not valid YAML: {err}"));
        let target = out.join(path).with_extension("json");
        std::fs::create_dir_all(target.parent().expect("has a parent")).expect("mkdir OUT_DIR");
        std::fs::write(&target, serde_json::to_string(&value).expect("serialises"))
            .expect("write OUT_DIR");
    }
}
