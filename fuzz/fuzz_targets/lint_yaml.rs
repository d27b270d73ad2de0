//! Arbitrary bytes as a YAML spec, through load, every rule and every
//! output format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    threeam_fuzz::lint_and_render("fuzz.yaml", data);
});
