//! Readers that turn YAML or JSON text into a [`Tree`].

pub mod json;
pub mod yaml;

use crate::tree::Tree;

/// Bounds that keep hostile input from exhausting the stack or memory.
///
/// ```
/// let limits = threeam_spec::parse::Limits::default();
/// assert_eq!(limits.max_depth, 256);
/// ```
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences accepted.
    pub max_depth: usize,
    /// Most nodes a YAML document may stand for once its aliases are
    /// counted as copies (guards tools that walk the tree as if expanded).
    pub max_expanded_nodes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Real specs nest about 40 deep at most (Stripe, GitHub).
            max_depth: 256,
            // Stripe's 4 MB spec has about 200,000 nodes.
            max_expanded_nodes: 10_000_000,
        }
    }
}

/// A syntax error with the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the source.
    pub offset: u32,
    /// What is wrong, in words.
    pub message: String,
}

/// The two syntaxes a spec file may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON (also read as YAML would, but faster and stricter).
    Json,
    /// YAML 1.2.
    Yaml,
}

impl Syntax {
    /// Pick the syntax from the file name, then from the first character.
    ///
    /// ```
    /// use threeam_spec::parse::Syntax;
    /// assert_eq!(Syntax::detect("a.json", "{}"), Syntax::Json);
    /// assert_eq!(Syntax::detect("a.yaml", "openapi: 3.0.0"), Syntax::Yaml);
    /// assert_eq!(Syntax::detect("spec", "  {\"openapi\": \"3.0.0\"}"), Syntax::Json);
    /// ```
    pub fn detect(file_name: &str, src: &str) -> Syntax {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            return Syntax::Json;
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Syntax::Yaml;
        }
        match src
            .trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{') => Syntax::Json,
            _ => Syntax::Yaml,
        }
    }
}

/// Parse `src` in the given syntax.
///
/// ```
/// use threeam_spec::parse::{parse, Limits, Syntax};
/// let t = parse("a: [1, 2]", Syntax::Yaml, &Limits::default()).unwrap();
/// assert_eq!(t.items(t.get(t.root(), "a").unwrap()).len(), 2);
/// // A byte order mark is skipped, and positions still count its 3 bytes.
/// let t = parse("\u{feff}a: 1", Syntax::Yaml, &Limits::default()).unwrap();
/// assert_eq!(t.entries(t.root())[0].key_offset, 3);
/// ```
pub fn parse(src: &str, syntax: Syntax, limits: &Limits) -> Result<Tree, ParseError> {
    // A UTF-8 byte order mark (editors on Windows write one) is not part of
    // the document in either syntax; positions still count it.
    let (body, skipped) = match src.strip_prefix('\u{feff}') {
        Some(rest) => (rest, (src.len() - rest.len()) as u32),
        None => (src, 0),
    };
    let parsed = match syntax {
        Syntax::Json => json::parse_with(body, limits),
        Syntax::Yaml => yaml::parse_with(body, limits),
    };
    match parsed {
        Ok(mut tree) => {
            tree.shift_offsets(skipped);
            Ok(tree)
        }
        Err(mut e) => {
            e.offset += skipped;
            Err(e)
        }
    }
}
