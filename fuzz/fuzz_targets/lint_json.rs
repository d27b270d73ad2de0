//! Arbitrary bytes as a JSON spec, through load, every rule and every
//! output format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    threeam_fuzz::lint_and_render("fuzz.json", data);
});
