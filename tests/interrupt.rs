//! `archgen generate` killed (SIGKILL) at spread-out points leaves the output directory as the
//! old tree or the new one, never a mix, and never touches a user's file in it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use archgen::outputs::{MANIFEST, manifest};
use archgen::render::OutputTree;

const USER_FILE: &str = "notes/keep-me.txt";
const USER_TEXT: &str = "a user's file: archgen must never touch it\n";

/// Every file under `dir` (relative path -> bytes).
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(relative, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What the directory holds after a complete generation of `tree` (plus the user's file).
fn expected(tree: &OutputTree) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = tree
        .iter()
        .map(|(p, t)| (p.clone(), t.clone().into_bytes()))
        .collect();
    files.insert(MANIFEST.into(), manifest(tree.keys()).into_bytes());
    files.insert(USER_FILE.into(), USER_TEXT.as_bytes().to_vec());
    files
}

fn generate(spec: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_archgen"))
        .args(["generate", "--quiet", "-o"])
        .arg(out)
        .arg(spec)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn archgen")
}

#[test]
fn a_killed_generate_leaves_the_old_tree_or_the_new_one() {
    let root = common::root().join("examples");
    let old_spec = root.join("three-tier-web/archgen.yaml");
    // The new spec: the same architecture with an extra component, so files change and appear.
    let dir = tempfile::tempdir().expect("tempdir");
    let new_spec = dir.path().join("new.yaml");
    let text = std::fs::read_to_string(&old_spec).expect("spec");
    let changed = text.replacen(
        "\ncomponents:\n",
        "\ncomponents:\n  - id: extra_bucket\n    function: object_storage\n",
        1,
    );
    assert_ne!(changed, text);
    std::fs::write(&new_spec, changed).expect("write spec");
    let old_tree = expected(&common::generate_path(&old_spec));
    let new_tree = expected(&common::generate_path(&new_spec));
    assert_ne!(old_tree, new_tree);

    let out = dir.path().join("infra");
    let reset = |out: &Path| {
        assert!(generate(&old_spec, out).wait().expect("wait").success());
        let user = out.join(USER_FILE);
        std::fs::create_dir_all(user.parent().expect("parent")).expect("mkdir");
        std::fs::write(&user, USER_TEXT).expect("user file");
        assert_eq!(read_tree(out), old_tree);
    };
    reset(&out);

    // How long a full run takes, to spread the kills over it.
    let start = Instant::now();
    assert!(generate(&new_spec, &out).wait().expect("wait").success());
    let full = start.elapsed();
    assert_eq!(
        read_tree(&out),
        new_tree,
        "a complete run gives the new tree"
    );

    let (mut old_seen, mut new_seen) = (0, 0);
    // A fixed pseudo-random sequence (an LCG), so a failure can be replayed.
    let mut seed: u64 = 0x5eed_1234;
    let runs = 24;
    for run in 0..runs {
        reset(&out);
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let fraction =
            f64::from(u32::try_from(seed >> 40).expect("24 bits")) / f64::from(1u32 << 24);
        let delay = full.mul_f64(1.2 * fraction);
        let mut child = generate(&new_spec, &out);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix; the run may have finished already
        let _ = child.wait();
        let found = read_tree(&out);
        if found == old_tree {
            old_seen += 1;
        } else if found == new_tree {
            new_seen += 1;
        } else {
            let only_old: Vec<_> = old_tree
                .keys()
                .filter(|k| found.get(*k) != old_tree.get(*k))
                .take(5)
                .collect();
            let only_new: Vec<_> = new_tree
                .keys()
                .filter(|k| found.get(*k) != new_tree.get(*k))
                .take(5)
                .collect();
            panic!(
                "run {run} (killed after {delay:?} of {full:?}): a mix of trees; differs from old at {only_old:?}, from new at {only_new:?}"
            );
        }
    }
    #[expect(
        clippy::print_stderr,
        reason = "the spread of outcomes is worth seeing with --nocapture"
    )]
    {
        eprintln!("{runs} kills: {old_seen} left the old tree, {new_seen} the new one");
    }
    assert!(
        old_seen > 0,
        "no kill landed before the swap: the test proves nothing"
    );

    // The next run cleans up whatever a killed run left beside the directory.
    assert!(generate(&new_spec, &out).wait().expect("wait").success());
    assert_eq!(read_tree(&out), new_tree);
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("archgen-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}
