//! Nothing here: the benchmark lives in `benches/overhead.rs`. Run it with
//! `cargo bench -p threeam-runtime-bench`.
