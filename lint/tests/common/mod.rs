//! Helpers shared by the integration tests.

pub mod hostile_specs;
