//! Every example x provider x generated file: snapshotted, re-parsed, deterministic.

mod common;

use std::fmt::Write as _;

/// The examples this suite covers; must equal the directories under `examples/`.
const EXAMPLES: &[&str] = &[
    "booking-platform",
    "container-cicd",
    "data-lake",
    "ecommerce",
    "global-content",
    "hipaa-platform",
    "image-pipeline",
    "microservices-gateway",
    "multi-region-dr",
    "realtime-analytics",
    "realtime-dashboard",
    "spot-batch",
    "three-tier-web",
];

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

/// `generate` compiles only the per-function templates a spec uses (and what they include);
/// the output must be what the full template set gives.
#[test]
fn the_templates_a_spec_uses_generate_what_the_full_set_does() {
    let catalog = common::catalog();
    let full = common::templates();
    for example in EXAMPLES {
        let path = common::root()
            .join("examples")
            .join(example)
            .join("archgen.yaml");
        let sourced = archgen::spec::load(&path).expect("example loads");
        let options = archgen::GenerateOptions::default();
        let all = archgen::generate(&sourced, &catalog, &full, &options).expect("generates");
        assert_eq!(
            all.tree,
            common::generate_path(&path),
            "{example}: the templates it uses give another tree"
        );
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

/// Today's date, `YYYY-MM-DD` (UTC): a generation-time timestamp would contain it. Literal dates
/// in templates (a maintenance-window anchor, a backup schedule) are constants and allowed.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let days = i64::try_from(secs / 86_400).expect("fits");
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn has_time_of_day(text: &str) -> bool {
    let today = today();
    text.match_indices(&today).any(|(at, _)| {
        // A date followed by a time of day (`T04:15` / ` 04:15`).
        text.as_bytes()
            .get(at + 10)
            .is_some_and(|b| *b == b'T' || *b == b' ')
            && text.as_bytes().get(at + 13) == Some(&b':')
    })
}

#[test]
fn the_timestamp_check_can_fail() {
    assert!(has_time_of_day(&format!("built {}T04:15:00Z", today())));
    assert!(!has_time_of_day("start_time = \"2025-01-04T03:00:00Z\""));
    assert!(!has_time_of_day("expiration_period = \"01.00:00:00\""));
}

/// A sink that records every file handed to it, in arrival order.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, String)>>);

impl archgen::render::Sink for Recorder {
    fn put(&self, path: String, text: archgen::render::Text) {
        self.0
            .lock()
            .expect("lock")
            .push((path, text.into_string()));
    }
}

/// Streaming generation hands the sink every file of the in-memory tree exactly once, with
/// the same text, and reports one progress step per provider, in order, then the shared files.
#[test]
fn streamed_generation_puts_each_file_once_and_reports_steps_in_order() {
    let path = common::root().join("examples/realtime-analytics/archgen.yaml");
    let sourced = archgen::spec::load(&path).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let catalog = common::catalog();
    let templates = common::templates_base();
    let options = archgen::GenerateOptions::default();
    let mut steps = Vec::new();
    let (recorder, _) = archgen::generate_with(
        &sourced,
        &catalog,
        &templates,
        &options,
        || Ok(Recorder::default()),
        &mut |step| steps.push((step.index, step.total, step.label.to_string())),
    )
    .unwrap_or_else(|_| panic!("generates"));
    let put = recorder.0.into_inner().expect("lock");
    let mut paths: Vec<&str> = put.iter().map(|(path, _)| path.as_str()).collect();
    paths.sort_unstable();
    let before = paths.len();
    paths.dedup();
    assert_eq!(before, paths.len(), "a file was put twice");
    let collected = common::generate_example("realtime-analytics");
    let streamed: std::collections::BTreeMap<String, String> = put.into_iter().collect();
    assert_eq!(streamed, collected);
    assert_eq!(
        steps,
        [
            (0, 4, "aws: resolve + render".to_string()),
            (1, 4, "azure: resolve + render".to_string()),
            (2, 4, "gcp: resolve + render".to_string()),
            (3, 4, "workflows, cost sheets, docs".to_string()),
        ]
    );
}
