//! Placeholder: the linter lands with issue 2.
