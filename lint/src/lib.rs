//! threeam-lint: check OpenAPI specs against the five principles of the
//! 3 a.m. test.

pub mod parse;
pub mod pointer;
pub mod tree;
pub mod source;
pub mod workspace;
