//! Every example x provider x generated file: snapshotted, re-parsed, deterministic.

mod common;

use std::fmt::Write as _;

/// The examples this suite covers; must equal the directories under `examples/`.
const EXAMPLES: &[&str] = &["realtime-analytics", "three-tier-web"];

#[test]
fn example_list_matches_the_directory() {
    assert_eq!(
        common::examples(),
        EXAMPLES,
        "update EXAMPLES in tests/examples.rs"
    );
}

#[test]
fn every_generated_file_is_snapshotted() {
    for example in EXAMPLES {
        let tree = common::generate_example(example);
        let settings = common::snapshot_settings(&format!("examples/{example}"));
        settings.bind(|| {
            let mut listing = String::new();
            for (path, text) in &tree {
                let _ = writeln!(listing, "{path} ({} lines)", text.lines().count());
                insta::assert_snapshot!(path.replace('/', "__"), text);
            }
            insta::assert_snapshot!("_tree", listing);
        });
    }
}

#[test]
fn generation_is_deterministic() {
    for example in EXAMPLES {
        assert_eq!(
            common::generate_example(example),
            common::generate_example(example),
            "{example}: two runs differ"
        );
    }
}

#[test]
fn every_terraform_file_reparses_with_hcl_rs() {
    for example in EXAMPLES {
        for (path, text) in common::generate_example(example) {
            if (path.ends_with(".tf") || path.ends_with(".tfvars") || path.ends_with(".hcl"))
                && let Err(err) = hcl::parse(&text)
            {
                panic!("{example}/{path} does not parse: {err}\n{text}");
            }
        }
    }
}

#[test]
fn no_absolute_paths_or_timestamps_leak() {
    let root = common::root().display().to_string();
    for example in EXAMPLES {
        for (path, text) in common::generate_example(example) {
            assert!(
                !text.contains(&root),
                "{example}/{path} contains the checkout path"
            );
            assert!(
                !has_time_of_day(&text),
                "{example}/{path} contains a timestamp"
            );
        }
    }
}

/// A date with a time of day (`2026-11-22T04:15` or `2026-11-22 04:15`): every timestamp format
/// archgen could leak has this shape; durations such as `01.00:00:00` do not.
fn has_time_of_day(text: &str) -> bool {
    text.as_bytes().windows(16).any(|w| {
        let d = |i: usize| w[i].is_ascii_digit();
        d(0) && d(1)
            && d(2)
            && d(3)
            && w[4] == b'-'
            && d(5)
            && d(6)
            && w[7] == b'-'
            && d(8)
            && d(9)
            && (w[10] == b'T' || w[10] == b' ')
            && d(11)
            && d(12)
            && w[13] == b':'
            && d(14)
            && d(15)
    })
}

#[test]
fn the_timestamp_check_can_fail() {
    assert!(has_time_of_day("built 2026-11-22T04:15:00Z"));
    assert!(!has_time_of_day("expiration_period = \"01.00:00:00\""));
}
