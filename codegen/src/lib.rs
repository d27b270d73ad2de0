//! Placeholder: the code generator lands with issue 4.
