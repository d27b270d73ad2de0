//! Placeholder: the runtime lands with issue 3.
