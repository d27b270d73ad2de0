//! Drawing diagnostics for people (feature `draw`): untrusted spec text
//! escaped ([`escape`]), a bounded window of source around a position, and
//! the whole diagnostic ([`Painter`]). Shared by `threeam lint` and
//! `threeam diff` so both draw the same way and neither floods a terminal
//! with a minified file's one line.

pub mod cap;
mod diagnostic;
pub mod escape;
mod snippet;
pub mod table;

pub use diagnostic::{Diagnostic, Painter};
