//! Random *valid* specs, as YAML text, from fuzzer bytes.
//!
//! Components fill real catalog functions implemented on every chosen provider. The generator
//! respects what the validator enforces: `attached_to` a component of one of the function's
//! `parents` (one child per parent for a `one_per_parent` function), the connections a function `requires`, `secondary_region` on every provider when
//! a function spans two regions, ids unique and well-formed, `depends_on` without cycles, known
//! size tiers, SKUs and parameters of the catalog. Free text (names, descriptions, labels,
//! protocols, messages, acknowledgement reasons) is hostile: quotes, `${}`, `%{}`, backticks,
//! newlines, Mermaid syntax, Unicode look-alikes and control characters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use arbitrary::{Result, Unstructured};
use archgen::catalog::{Catalog, Provider, SIZE_TIERS};
use archgen::render::TIERS;
use archgen::render::filters::yaml_str;
use archgen::spec::model::Scalar;

/// Pieces of hostile text, mixed with arbitrary strings.
const FRAGMENTS: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\\"",
    "${var.region}",
    "${file(\"/etc/passwd\")}",
    "$${x}",
    "%{ if true }x%{ endif }",
    "%%{",
    "$(touch pwned)",
    "`id`",
    "$((1/0))",
    "${HOME:?boom}",
    "\n",
    "\r\n",
    "\t",
    "-->",
    "->>",
    "---",
    "- ",
    ": ",
    "#",
    "# comment",
    ";",
    "|",
    "&",
    "&amp;",
    "#quot;",
    "<script>",
    "[x]",
    "{y}",
    "(z)",
    "end",
    "participant",
    "*",
    "!",
    "? ",
    "@",
    "EOF",
    "\u{37e}",
    "\u{ff02}",
    "\u{ff07}",
    "\u{202e}",
    "\u{200d}",
    "\u{200b}",
    "\u{feff}",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{0}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{1f600}",
    "é",
    "ß",
    "日本",
];

/// Region codes per provider (primary and secondary are two different ones).
fn regions(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::Aws => &["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"],
        Provider::Azure => &["eastus", "westeurope", "northeurope", "westus2"],
        Provider::Gcp => &["us-central1", "europe-west1", "asia-east1", "us-east4"],
    }
}

const ENVIRONMENTS: &[&str] = &["dev", "staging", "prod", "qa", "perf-2", "e"];

const USAGE_FIELDS: &[&str] = &[
    "requests_per_second",
    "events_per_second",
    "event_size_kb",
    "storage_gb",
    "egress_gb_month",
    "log_gb_month",
    "invocations_per_month",
    "duration_ms",
    "memory_mb",
    "messages_per_month",
    "concurrent_connections",
    "monthly_active_users",
    "scanned_tb_month",
];

/// Hostile free text: up to 6 pieces, each a fragment or an arbitrary string.
fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=6)? {
        if u.ratio(2, 3)? {
            out.push_str(u.choose(FRAGMENTS)?);
        } else {
            let s: &str = u.arbitrary()?;
            out.push_str(&s.chars().take(40).collect::<String>());
        }
    }
    // Sometimes very long.
    if u.ratio(1, 64)? {
        out = out.repeat(200);
    }
    Ok(out)
}

/// A slug of `[a-z][a-z0-9<extra>]*`, at most `max` characters.
fn slug(u: &mut Unstructured<'_>, max: usize, extra: char) -> Result<String> {
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::new();
    out.push(char::from(*u.choose(&REST[..26])?));
    for _ in 0..u.int_in_range(0..=max.saturating_sub(1))? {
        if u.ratio(1, 8)? {
            out.push(extra);
        } else {
            out.push(char::from(*u.choose(REST)?));
        }
    }
    Ok(out)
}

/// A non-negative finite usage number: usually small, sometimes any finite value.
fn usage_number(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0..=4)? {
        0 => 0.0,
        1 => f64::from(u.int_in_range(0..=1000u32)?),
        2 => f64::from(u.arbitrary::<u32>()?),
        3 => f64::from(u.int_in_range(0..=100_000u32)?) / 1000.0,
        _ => {
            let x: f64 = u.arbitrary()?;
            if x.is_finite() { x.abs() } else { 1.0 }
        }
    })
}

fn scalar_yaml(value: &Scalar) -> String {
    match value {
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => format!("{f:?}"),
        Scalar::Str(s) => yaml_str(s),
    }
}

struct Component {
    id: String,
    function: String,
    attached_to: Option<usize>,
}

/// The generated spec: YAML text, and a summary for messages.
pub struct Generated {
    /// The spec text.
    pub yaml: String,
}

/// Whether a function can be placed with only `available` functions: its parents and its
/// required connections can be filled by functions that need nothing themselves.
fn placeable(catalog: &Catalog, function: &str, available: &[&str]) -> bool {
    let simple = |f: &&str| {
        catalog.functions.get(*f).is_some_and(|m| {
            m.parents.is_empty() && m.requires.outgoing.is_empty() && m.requires.incoming.is_empty()
        })
    };
    let Some(meta) = catalog.functions.get(function) else {
        return false;
    };
    let fillable = |wanted: &[String]| {
        wanted.is_empty()
            || wanted
                .iter()
                .any(|w| available.contains(&w.as_str()) && simple(&w.as_str()))
    };
    fillable(&meta.parents)
        && fillable(&meta.requires.outgoing)
        && fillable(&meta.requires.incoming)
}

/// Picks a function of `wanted` that needs nothing itself.
/// Index of a component filling one of `wanted`: mostly one of `existing`, else a new one.
fn existing_or_new(
    u: &mut Unstructured<'_>,
    catalog: &Catalog,
    components: &mut Vec<Component>,
    fresh_id: &mut impl FnMut(&mut Unstructured<'_>) -> Result<String>,
    existing: &[usize],
    wanted: &[String],
    available: &[&str],
) -> Result<usize> {
    if !existing.is_empty() && u.ratio(3, 4)? {
        return Ok(*u.choose(existing)?);
    }
    let function = pick_simple(u, catalog, wanted, available)?.to_string();
    let id = fresh_id(u)?;
    components.push(Component {
        id,
        function,
        attached_to: None,
    });
    Ok(components.len() - 1)
}

fn pick_simple<'a>(
    u: &mut Unstructured<'_>,
    catalog: &Catalog,
    wanted: &'a [String],
    available: &[&str],
) -> Result<&'a str> {
    let candidates: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|w| available.contains(w))
        .filter(|w| {
            catalog.functions.get(*w).is_some_and(|m| {
                m.parents.is_empty()
                    && m.requires.outgoing.is_empty()
                    && m.requires.incoming.is_empty()
            })
        })
        .collect();
    Ok(u.choose(&candidates)?)
}

/// Builds a random valid spec.
pub fn spec(u: &mut Unstructured<'_>, catalog: &Catalog) -> Result<Generated> {
    // Providers: a non-empty subset.
    let mask = u.int_in_range(1u8..=7)?;
    let providers: Vec<Provider> = Provider::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, p)| p)
        .collect();

    let mut available: Vec<&str> = catalog
        .functions
        .keys()
        .map(String::as_str)
        .filter(|f| {
            providers
                .iter()
                .all(|p| catalog.implementation(*p, f).is_some())
        })
        .collect();
    let snapshot = available.clone();
    available.retain(|f| placeable(catalog, f, &snapshot));
    if available.is_empty() {
        return Err(arbitrary::Error::IncorrectFormat);
    }

    // Components: random functions, then what they need (parents, required peers).
    let mut components: Vec<Component> = Vec::new();
    let mut next_id = 0usize;
    let mut fresh_id = |u: &mut Unstructured<'_>| -> Result<String> {
        next_id += 1;
        Ok(format!("{}_{next_id}", slug(u, 12, '_')?))
    };
    let mut connections: Vec<(String, String)> = Vec::new();
    for _ in 0..u.int_in_range(1..=10)? {
        let function = u.choose(&available)?.to_string();
        let id = fresh_id(u)?;
        components.push(Component {
            id,
            function,
            attached_to: None,
        });
    }
    let mut i = 0;
    while i < components.len() {
        let meta = &catalog.functions[&components[i].function];
        if !meta.parents.is_empty() {
            let function = &components[i].function;
            let existing: Vec<usize> = (0..components.len())
                .filter(|j| *j != i && meta.parents.contains(&components[*j].function))
                .filter(|j| components[*j].attached_to.is_none())
                // A one-per-parent function (waf) skips parents that have one already.
                .filter(|j| {
                    !meta.one_per_parent
                        || !components
                            .iter()
                            .any(|c| c.attached_to == Some(*j) && &c.function == function)
                })
                .collect();
            let parent = existing_or_new(
                u,
                catalog,
                &mut components,
                &mut fresh_id,
                &existing,
                &meta.parents,
                &available,
            )?;
            components[i].attached_to = Some(parent);
        }
        let meta = &catalog.functions[&components[i].function];
        for (outgoing, wanted) in [
            (true, &meta.requires.outgoing),
            (false, &meta.requires.incoming),
        ] {
            if wanted.is_empty() {
                continue;
            }
            let existing: Vec<usize> = (0..components.len())
                .filter(|j| *j != i && wanted.contains(&components[*j].function))
                .collect();
            let peer = existing_or_new(
                u,
                catalog,
                &mut components,
                &mut fresh_id,
                &existing,
                wanted,
                &available,
            )?;
            let (a, b) = (components[i].id.clone(), components[peer].id.clone());
            let pair = if outgoing { (a, b) } else { (b, a) };
            // One connection per pair (the validator refuses a second).
            if !connections.contains(&pair) {
                connections.push(pair);
            }
        }
        i += 1;
    }

    let secondary = components
        .iter()
        .any(|c| catalog.functions[&c.function].secondary_region);

    let mut y = String::new();
    let name = slug(u, 30, '-')?;
    let _ = writeln!(y, "name: {name}");
    if u.arbitrary()? {
        let _ = writeln!(y, "description: {}", yaml_str(&text(u)?));
    }
    y.push_str("providers:\n");
    for provider in &providers {
        let list = regions(*provider);
        let primary = u.choose_index(list.len())?;
        let _ = write!(y, "  {provider}: {{ region: {}", list[primary]);
        if secondary || u.ratio(1, 4)? {
            let offset = u.int_in_range(1..=list.len() - 1)?;
            let _ = write!(
                y,
                ", secondary_region: {}",
                list[(primary + offset) % list.len()]
            );
        }
        if *provider == Provider::Gcp {
            let _ = write!(y, ", project: fuzz-{}", u.int_in_range(10_000..=99_999u32)?);
        }
        y.push_str(" }\n");
    }

    // Environments: a non-empty subset of known names, sometimes a random one.
    let mut environments: Vec<String> = ENVIRONMENTS
        .iter()
        .filter(|_| u.ratio(1, 3).unwrap_or(false))
        .map(ToString::to_string)
        .collect();
    if environments.is_empty() || u.ratio(1, 8)? {
        let env = slug(u, 20, '-')?;
        if !environments.contains(&env) {
            environments.push(env);
        }
    }
    y.push_str("environments:\n");
    for env in &environments {
        let _ = writeln!(y, "  {env}: {{ size: {} }}", u.choose(&SIZE_TIERS)?);
    }

    // Actors.
    let mut actors = Vec::new();
    y.push_str("actors:\n");
    for _ in 0..u.int_in_range(0..=3)? {
        let id = fresh_id(u)?;
        if u.arbitrary()? {
            let _ = writeln!(y, "  - {{ id: {id}, name: {} }}", yaml_str(&text(u)?));
        } else {
            let _ = writeln!(y, "  - {{ id: {id} }}");
        }
        actors.push(id);
    }
    if actors.is_empty() {
        y.truncate(y.len() - "actors:\n".len());
        if u.arbitrary()? {
            y.push_str("actors: []\n");
        }
    }

    // Hard edges (attached_to, depends_on) only go from a lower rank to a higher one: parents
    // (rank 0) before attached components (rank 1), then spec order. No cycle is possible.
    let rank = |j: usize| (usize::from(components[j].attached_to.is_some()), j);
    y.push_str("components:\n");
    for (j, c) in components.iter().enumerate() {
        let _ = writeln!(y, "  - id: {}\n    function: {}", c.id, c.function);
        if u.arbitrary()? {
            let _ = writeln!(y, "    name: {}", yaml_str(&text(u)?));
        }
        if u.arbitrary()? {
            let _ = writeln!(y, "    description: {}", yaml_str(&text(u)?));
        }
        if u.ratio(1, 4)? {
            let _ = writeln!(y, "    tier: {}", u.choose(&TIERS)?);
        }
        if u.ratio(1, 4)? {
            let _ = writeln!(y, "    size: {}", u.choose(&SIZE_TIERS)?);
        }
        if u.ratio(1, 4)? {
            y.push_str("    environments:\n");
            for env in &environments {
                if u.arbitrary()? {
                    let _ = writeln!(y, "      {env}: {{ size: {} }}", u.choose(&SIZE_TIERS)?);
                }
            }
            if y.ends_with("    environments:\n") {
                y.push_str("      {}\n");
            }
        }
        if u.ratio(1, 4)? {
            let mut pinned = BTreeMap::new();
            for provider in &providers {
                let Some(implementation) = catalog.implementation(*provider, &c.function) else {
                    continue;
                };
                let tiers: Vec<&BTreeMap<String, Scalar>> = implementation.sizes.values().collect();
                if tiers.is_empty() || !u.arbitrary()? {
                    continue;
                }
                let params = u.choose(&tiers)?;
                let keys: Vec<&String> = params.keys().collect();
                if keys.is_empty() {
                    continue;
                }
                let key = *u.choose(&keys)?;
                pinned.insert(*provider, (key.clone(), params[key].clone()));
            }
            if !pinned.is_empty() {
                y.push_str("    overrides:\n");
                for (provider, (key, value)) in pinned {
                    let _ = writeln!(
                        y,
                        "      {provider}: {{ {}: {} }}",
                        yaml_str(&key),
                        scalar_yaml(&value)
                    );
                }
            }
        }
        if u.ratio(1, 3)? {
            y.push_str("    usage:\n");
            for field in USAGE_FIELDS {
                if u.ratio(1, 3)? {
                    let _ = writeln!(y, "      {field}: {:?}", usage_number(u)?);
                }
            }
            if y.ends_with("    usage:\n") {
                y.push_str("      {}\n");
            }
        }
        if let Some(parent) = c.attached_to {
            let _ = writeln!(y, "    attached_to: {}", components[parent].id);
        }
        let before: Vec<usize> = (0..components.len())
            .filter(|k| rank(*k) < rank(j))
            .collect();
        if !before.is_empty() && u.ratio(1, 4)? {
            let mut deps = Vec::new();
            for _ in 0..u.int_in_range(1..=3)? {
                deps.push(components[*u.choose(&before)?].id.clone());
            }
            let _ = writeln!(y, "    depends_on: [{}]", deps.join(", "));
        }
        if u.ratio(1, 8)? {
            let rules = archgen::analyze::rule_ids();
            let _ = writeln!(
                y,
                "    acknowledge:\n      - {{ rule: {}, reason: {} }}",
                u.choose(&rules)?,
                yaml_str(&format!("r {}", text(u)?))
            );
        }
    }

    // Connections: the required ones, and random ones between any two different parties.
    let parties: Vec<(String, bool)> = components
        .iter()
        .map(|c| (c.id.clone(), false))
        .chain(actors.iter().map(|a| (a.clone(), true)))
        .collect();
    let mut lines = Vec::new();
    for (from, to) in &connections {
        lines.push(format!("  - {{ from: {from}, to: {to} }}"));
    }
    // One connection per (from, to) pair: the validator refuses a second.
    let mut pairs: Vec<(String, String)> = connections;
    for _ in 0..u.int_in_range(0..=12)? {
        let (from, from_actor) = u.choose(&parties)?;
        let (to, to_actor) = u.choose(&parties)?;
        if from == to || (*from_actor && *to_actor) {
            continue;
        }
        let pair = (from.clone(), to.clone());
        if pairs.contains(&pair) {
            continue;
        }
        pairs.push(pair);
        let mut line = format!("  - {{ from: {from}, to: {to}");
        if u.arbitrary()? {
            let _ = write!(line, ", label: {}", yaml_str(&text(u)?));
        }
        if u.arbitrary()? {
            let _ = write!(line, ", protocol: {}", yaml_str(&text(u)?));
        }
        if u.arbitrary()? {
            let _ = write!(line, ", direction: {}", u.choose(&["one_way", "two_way"])?);
        }
        line.push_str(" }");
        lines.push(line);
    }
    if !lines.is_empty() {
        y.push_str("connections:\n");
        for line in lines {
            y.push_str(&line);
            y.push('\n');
        }
    }

    // Flows.
    let flows = u.int_in_range(0..=3)?;
    if flows > 0 {
        y.push_str("flows:\n");
    }
    for n in 0..flows {
        let _ = writeln!(y, "  - id: {}_{n}", slug(u, 10, '_')?);
        if u.arbitrary()? {
            let _ = writeln!(y, "    name: {}", yaml_str(&text(u)?));
        }
        y.push_str("    steps:\n");
        for _ in 0..u.int_in_range(1..=5)? {
            let (from, _) = u.choose(&parties)?;
            let (to, _) = u.choose(&parties)?;
            if u.arbitrary()? {
                let _ = writeln!(
                    y,
                    "      - {{ from: {from}, to: {to}, message: {} }}",
                    yaml_str(&text(u)?)
                );
            } else {
                let _ = writeln!(y, "      - {{ from: {from}, to: {to} }}");
            }
        }
    }
    if u.ratio(1, 8)? {
        let rules = archgen::analyze::rule_ids();
        let _ = writeln!(
            y,
            "acknowledge:\n  - {{ rule: {}, reason: {} }}",
            u.choose(&rules)?,
            yaml_str(&format!("r {}", text(u)?))
        );
    }
    Ok(Generated { yaml: y })
}
