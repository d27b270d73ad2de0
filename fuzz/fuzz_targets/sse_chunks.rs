//! Arbitrary bytes as a server-sent event stream, cut into arbitrary
//! pieces: the same events whole, in pieces and byte by byte, equal to the
//! reference reading, within the limits (see `src/sse.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    threeam_fuzz::sse::check(data);
});
