//! The fast HCL recognizer may only accept what hcl-edit's parser accepts (it decides "certainly
//! valid" or "not sure", and "not sure" falls back to hcl-edit). Checked on every generated `.tf`
//! of every example and on many deterministic mutations of them; its hand-written cases show
//! both answers; and it must settle most generated files itself, or it saves nothing.

mod common;

use archgen::render::hclcheck::certainly_valid;
use std::fmt::Write as _;

fn hcl_edit_accepts(text: &str) -> bool {
    hcl_edit::parser::parse_body(text).is_ok()
}

/// Every generated `.tf` (and `.tfvars`, `.hcl`) of every example.
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for example in common::examples() {
        for (path, text) in common::generate_example(&example) {
            if path.ends_with(".tf") || path.ends_with(".tfvars") || path.ends_with(".hcl") {
                files.push((format!("{example}/{path}"), text));
            }
        }
    }
    assert!(files.len() > 100, "{} files", files.len());
    files
}

#[test]
fn it_settles_most_generated_files_and_only_valid_ones() {
    let files = corpus();
    let mut settled = 0;
    for (path, text) in &files {
        assert!(hcl_edit_accepts(text), "{path}: generated HCL must parse");
        if certainly_valid(text) {
            settled += 1;
        }
    }
    // The recognizer is the fast path: if it stops settling generated files, generation is
    // as slow as before without any test failing, so this one does.
    assert!(
        settled * 100 >= files.len() * 95,
        "settled {settled} of {} files",
        files.len()
    );
}

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("fits")
    }
}

const PIECES: [&str; 26] = [
    "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "$${", "\\", "\n", "=", "==", ",", ".", ":",
    "?", "#", "//", "/*", "<<EOT\n", "...", "=>", "for ", "-",
];

/// One mutation: delete a range, duplicate one, or insert a syntax piece, at a char boundary.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let boundary = |rng: &mut Rng| {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let a = boundary(rng);
    let b = boundary(rng);
    let (from, to) = (a.min(b), a.max(b).min(a.min(b) + 40));
    let to = (from..=to)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(from);
    match rng.below(3) {
        0 => format!("{}{}", &text[..from], &text[to..]),
        1 => format!("{}{}", &text[..to], &text[from..]),
        _ => format!(
            "{}{}{}",
            &text[..from],
            PIECES[rng.below(PIECES.len())],
            &text[from..]
        ),
    }
}

#[test]
fn no_mutation_of_a_generated_file_is_accepted_unless_hcl_edit_accepts_it() {
    let files = corpus();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut checked, mut accepted, mut rejected_by_both) = (0, 0, 0);
    for round in 0..40 {
        for (path, text) in &files {
            // Mutate a window of the file, so each check is small and quick.
            let start = rng.below(text.len().saturating_sub(1500).max(1));
            let start = (start..text.len())
                .find(|i| {
                    text.is_char_boundary(*i) && (*i == 0 || text.as_bytes()[*i - 1] == b'\n')
                })
                .unwrap_or(0);
            let end = (start + 1500..text.len())
                .find(|i| text.as_bytes()[*i] == b'\n')
                .unwrap_or(text.len());
            let window = &text[start..end];
            let mut mutant = mutate(window, &mut rng);
            if round % 2 == 1 {
                mutant = mutate(&mutant, &mut rng);
            }
            checked += 1;
            let fast = certainly_valid(&mutant);
            let real = hcl_edit_accepts(&mutant);
            assert!(
                !fast || real,
                "the recognizer accepted HCL that hcl-edit rejects ({path}, round {round}):\n{mutant}"
            );
            accepted += usize::from(fast);
            rejected_by_both += usize::from(!fast && !real);
        }
    }
    // The mutations must exercise both answers, or the property above is vacuous.
    assert!(accepted > checked / 20, "{accepted} of {checked} accepted");
    assert!(
        rejected_by_both > checked / 5,
        "{rejected_by_both} of {checked} rejected"
    );
}

#[test]
fn hand_written_cases() {
    let valid = [
        "",
        "a = 1\n",
        "a = \"x ${var.b} $${literal} %%{literal} \\\"q\\\" \\u00e9\"\n",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"${local.name}-b\" # comment\n\n  tags = merge(var.tags, {\n    Name = \"b\"\n  })\n}\n",
        "locals {\n  xs = [for x in var.list : upper(x) if x != \"\"]\n  m  = { for k, v in var.map : k => v... }\n  c  = var.a ? 1 : -2.5e3\n  s  = aws_instance.x[*].id\n  t  = aws_instance.x.0.id\n  o  = jsonencode({ a = [1, 2], \"b\" = null, c = true })\n}\n",
        "block {}\n",
        "a = [\n  1,\n  2,\n]\n",
        "/* lead */\nb = !var.x && (var.y || var.z)\n",
    ];
    for text in valid {
        assert!(hcl_edit_accepts(text), "hcl-edit rejects {text:?}");
        assert!(certainly_valid(text), "not settled: {text:?}");
    }
    // Invalid HCL: never certainly valid.
    let invalid = [
        "a = \n",
        "a = 1 b = 2\n",
        "a = \"unterminated\n",
        "a = \"${var.x\"\n",
        "block {\n  a = 1\n",
        "}\n",
        "a = [1 2]\n",
        "a = { b = 1 c = 2 }\n",
        "resource \"x\" \"${y}\" {\n}\n",
        "a = 1 +\n",
        "a = f(1,,2)\n",
    ];
    for text in invalid {
        assert!(!hcl_edit_accepts(text), "hcl-edit accepts {text:?}");
        assert!(!certainly_valid(text), "accepted invalid {text:?}");
    }
    // Valid, but outside the subset: left to hcl-edit.
    let unsure = [
        "a = <<EOT\nhello\nEOT\n",
        "a = \"%{ if true }x%{ endif }\"\n",
        "a = { (local.k) = 1 }\n",
    ];
    for text in unsure {
        assert!(hcl_edit_accepts(text), "hcl-edit rejects {text:?}");
        assert!(!certainly_valid(text), "settled {text:?}");
    }
}

/// A name may appear once in a body or object, whether the body holds a few names (kept in a
/// list) or many (moved to a set past two dozen): repeats of early and late names, and a block
/// named like an attribute, in small and large bodies.
#[test]
fn repeated_names_are_refused_in_small_and_large_bodies() {
    for size in [3, 24, 25, 60] {
        let attributes = (0..size).fold(String::new(), |mut out, i| {
            let _ = writeln!(out, "a{i} = {i}");
            out
        });
        let keys = (0..size).fold(String::new(), |mut out, i| {
            let _ = write!(out, "k{i} = {i}, ");
            out
        });
        let valid = [
            attributes.clone(),
            format!("o = {{ {keys}}}\n"),
            format!("{attributes}b {{}}\nb {{}}\n"),
        ];
        for text in &valid {
            assert!(hcl_edit_accepts(text), "hcl-edit rejects {size}: {text:?}");
            assert!(certainly_valid(text), "not settled at {size}: {text:?}");
        }
        for repeat in [0, size / 2, size - 1] {
            let invalid = [
                format!("{attributes}a{repeat} = 0\n"),
                format!("o = {{ {keys}k{repeat} = 0 }}\n"),
            ];
            for text in &invalid {
                assert!(
                    !hcl_edit_accepts(text),
                    "hcl-edit accepts {size}/{repeat}: {text:?}"
                );
                assert!(!certainly_valid(text), "accepted {size}/{repeat}: {text:?}");
            }
            // hcl-edit's parser lets a block named like an attribute through (Terraform
            // refuses it later); the recognizer, stricter, leaves these to it.
            for text in [
                format!("{attributes}a{repeat} {{}}\n"),
                format!("a{repeat} {{}}\n{attributes}"),
            ] {
                assert!(!certainly_valid(&text), "settled {size}/{repeat}: {text:?}");
            }
        }
    }
}

/// The recognizer's resource addresses (read while it checks a component) are exactly those the
/// formatter's scanner finds, on every generated file and on hand-written edge cases.
#[test]
fn its_resource_addresses_match_the_scanner() {
    use archgen::render::hclcheck::resources;
    use archgen::render::hclfmt::resource_addresses;
    let mut compared = 0;
    for (path, text) in corpus() {
        if let Some(found) = resources(&text) {
            assert_eq!(found, resource_addresses(&text), "{path}");
            compared += usize::from(!found.is_empty());
        }
    }
    assert!(
        compared > 50,
        "only {compared} files with resources compared"
    );
    for text in [
        "resource \"aws_s3_bucket\" \"b\" {\n  x = 1\n}\n",
        "resource \"a\" \"b\" {}\nresource \"c\" \"d\" {}\n",
        "resource \"a\\u0041\" \"b\" {}\n",
        "resource \"a\" \"\" {}\n",
        "resource \"a\" {}\n",
        "resource \"a\" \"b\" \"c\" {}\n",
        "resource a \"b\" {}\n",
        "resource\"a\" \"b\" {}\n",
        "module \"m\" {\n  resource \"a\" \"b\" {}\n}\n",
        "# resource \"a\" \"b\" {\nlocals {}\n",
        "data \"a\" \"b\" {}\n",
    ] {
        let found = resources(text).unwrap_or_else(|| panic!("{text:?} is valid"));
        assert_eq!(found, resource_addresses(text), "{text:?}");
    }
    assert_eq!(
        resources("resource \"a\" \"b\" {}\nresource \"c\" \"d\" {}\n"),
        Some(vec!["a.b".to_string(), "c.d".to_string()])
    );
}
