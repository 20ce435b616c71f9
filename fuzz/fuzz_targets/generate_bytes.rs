//! Arbitrary bytes as a spec: parse, validate, analyze, cost and generate in memory. Errors are
//! fine; a panic is a bug. What generates must re-parse in its languages.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(tree) = archgen_fuzz::exercise(text)
    {
        archgen_fuzz::check_tree(&tree);
    }
});
