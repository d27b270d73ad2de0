//! A YAML 1.2 reader on top of yaml-rust2's event parser.
//!
//! Why events and not a ready-made tree: the events carry source marks, so
//! every node gets its position in one pass, and we resolve scalars by the
//! YAML 1.2 core schema (`off`, `no` and `N` stay strings; `200:` is a key
//! like `"200":`). Aliases become shared nodes, never copies, and their
//! expanded size is counted so an alias bomb is refused in linear time.

use std::collections::HashMap;

use yaml_rust2::parser::Parser;
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Event;

use super::{Limits, ParseError};
use crate::tree::{BuildError, Builder, Kind, NodeId, Tree};

/// Parse YAML text with the default [`Limits`].
///
/// ```
/// let t = threeam_spec::parse::yaml::parse("responses:\n  200: {}\nflag: off\n").unwrap();
/// let responses = t.get(t.root(), "responses").unwrap();
/// assert!(t.get(responses, "200").is_some());
/// assert_eq!(t.get(t.root(), "flag").and_then(|n| t.as_str(n)), Some("off"));
/// ```
pub fn parse(src: &str) -> Result<Tree, ParseError> {
    parse_with(src, &Limits::default())
}

/// Parse YAML text, refusing input that exceeds `limits`.
pub fn parse_with(src: &str, limits: &Limits) -> Result<Tree, ParseError> {
    let offsets = Offsets::new(src);
    let mut parser = Parser::new_from_str(src);
    let mut b = Builder::with_capacity(src.len());
    let mut anchors: HashMap<usize, Anchored> = HashMap::new();
    // Expanded size of each open container, and of the whole document.
    let mut sizes: Vec<(u64, usize)> = Vec::new();
    let mut expanded: u64 = 0;
    let mut documents = 0;

    loop {
        let (event, mark) = parser.next_token().map_err(|e| ParseError {
            offset: offsets.byte(e.marker()),
            message: e.info().to_owned(),
        })?;
        let offset = offsets.byte(&mark);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(ParseError {
                        offset,
                        message: "the file holds more than one YAML document; an OpenAPI spec is one document (remove the extra `---`)".into(),
                    });
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                expanded += 1;
                if let Some(top) = sizes.last_mut() {
                    top.0 += 1;
                }
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                if b.expects_key() {
                    let key = b.intern(&value);
                    b.first_key_at(offset);
                    b.key(key, offset);
                    continue;
                }
                let kind = resolve_scalar(&mut b, &value, style, is_str_tag);
                let id = b.scalar(kind, offset);
                if anchor > 0 {
                    anchors.insert(anchor, Anchored { id, size: 1 });
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.expects_key() {
                    return Err(ParseError {
                        offset,
                        message: "a mapping key is itself a mapping or list; OpenAPI keys are plain strings".into(),
                    });
                }
                let is_map = matches!(event, Event::MappingStart(..));
                b.begin(is_map, offset, limits.max_depth)
                    .map_err(|e| build_error(e, offset))?;
                expanded += 1;
                sizes.push((1, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let id = open_id(&b);
                b.end();
                if let Some((size, anchor)) = sizes.pop() {
                    if let Some(top) = sizes.last_mut() {
                        top.0 += size;
                    }
                    if anchor > 0 {
                        anchors.insert(anchor, Anchored { id, size });
                    }
                }
            }
            Event::Alias(anchor) => {
                let Some(target) = anchors.get(&anchor).copied() else {
                    return Err(ParseError {
                        offset,
                        message: "this alias refers to an anchor that is not complete here (an alias inside its own anchor is a loop)".into(),
                    });
                };
                expanded = expanded.saturating_add(target.size);
                if expanded > limits.max_expanded_nodes {
                    return Err(ParseError {
                        offset,
                        message: format!(
                            "YAML aliases expand this document past {} nodes (an alias bomb?); write the repeated parts out or use $ref",
                            limits.max_expanded_nodes
                        ),
                    });
                }
                if let Some(top) = sizes.last_mut() {
                    top.0 = top.0.saturating_add(target.size);
                }
                if b.expects_key() {
                    let text = b.tree().scalar_text(target.id).map(str::to_owned);
                    let Some(text) = text else {
                        return Err(ParseError {
                            offset,
                            message: "an alias used as a mapping key must name a plain string"
                                .into(),
                        });
                    };
                    let key = b.intern(&text);
                    b.first_key_at(offset);
                    b.key(key, offset);
                } else {
                    b.alias(target.id);
                }
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    if b.tree().is_empty() {
        b.scalar(Kind::Null, 0);
    }
    Ok(b.finish())
}

#[derive(Debug, Clone, Copy)]
struct Anchored {
    id: NodeId,
    size: u64,
}

/// The id of the innermost open container: the node the next `end` closes.
fn open_id(b: &Builder) -> NodeId {
    // Containers are pushed in order, so the innermost open one is the most
    // recent container node whose kind is still empty; the builder knows it.
    b.innermost().unwrap_or(0)
}

fn build_error(e: BuildError, offset: u32) -> ParseError {
    let message = match e {
        BuildError::TooDeep(limit) => format!(
            "nesting is deeper than {limit} levels; no OpenAPI document needs this (is the file generated wrongly?)"
        ),
        BuildError::ComplexKey => "mapping keys must be plain strings".to_owned(),
    };
    ParseError { offset, message }
}

/// Resolve a scalar by the YAML 1.2 core schema. Quoted and block scalars are
/// always strings.
fn resolve_scalar(b: &mut Builder, value: &str, style: TScalarStyle, str_tag: bool) -> Kind {
    if style != TScalarStyle::Plain || str_tag {
        return Kind::String(b.intern(value));
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ if is_number(value) => Kind::Number(b.intern(value)),
        _ => Kind::String(b.intern(value)),
    }
}

/// YAML 1.2 core-schema integers and floats (`007` is 7, `0x1F` is 31).
fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|c| (b'0'..=b'7').contains(&c));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match frac {
        None => !int.is_empty() && digits(int),
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Turns yaml-rust2's character-based marks into byte offsets.
///
/// A mark gives a line and a column in characters. Most lines of a real
/// spec are ASCII even when the file is not (Stripe's 112,000 lines hold a
/// few accented names), and on an ASCII line the column is the byte count:
/// only lines with multi-byte text are walked character by character. The
/// walk from each line's start was 14% of an unoptimised Stripe parse.
struct Offsets<'a> {
    src: &'a str,
    ascii: bool,
    /// Each line's first byte, and whether the line is ASCII (then a
    /// column is a byte count).
    lines: Vec<(u32, bool)>,
}

impl<'a> Offsets<'a> {
    fn new(src: &'a str) -> Self {
        let ascii = src.is_ascii();
        // The scanner's lines end where `source::line_breaks` says (LF, CRLF
        // or a bare CR): one definition, so marks and positions agree.
        let lines = if ascii {
            Vec::new()
        } else {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(crate::source::line_breaks(src).map(|(_, next)| next))
                .collect();
            let ends = starts.iter().skip(1).copied().chain([src.len()]);
            starts
                .iter()
                .zip(ends)
                .map(|(&start, end)| (start as u32, src.as_bytes()[start..end].is_ascii()))
                .collect()
        };
        Offsets { src, ascii, lines }
    }

    fn byte(&self, mark: &Marker) -> u32 {
        if self.ascii {
            return mark.index().min(self.src.len()) as u32;
        }
        let line = mark.line().saturating_sub(1);
        let Some(&(start, ascii_line)) = self.lines.get(line) else {
            return self.src.len() as u32;
        };
        let rest = &self.src[start as usize..];
        if ascii_line {
            return start + mark.col().min(rest.len()) as u32;
        }
        // Marks count characters: walk this line's columns.
        let col_bytes = rest
            .char_indices()
            .nth(mark.col())
            .map_or(rest.len(), |(i, _)| i);
        start + col_bytes as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_2_scalars() {
        let t = parse("a: off\nb: N\nc: 007\nd: ~\ne: true\nf: '1'\ng: 1.5e3\nh: .5\ni: 1.2.3\n")
            .unwrap();
        let kind = |k: &str| t.node(t.get(t.root(), k).unwrap()).kind;
        assert!(matches!(kind("a"), Kind::String(_)));
        assert!(matches!(kind("b"), Kind::String(_)));
        assert!(matches!(kind("c"), Kind::Number(_)));
        assert!(matches!(kind("d"), Kind::Null));
        assert!(matches!(kind("e"), Kind::Bool(true)));
        assert!(matches!(kind("f"), Kind::String(_)));
        assert!(matches!(kind("g"), Kind::Number(_)));
        assert!(matches!(kind("h"), Kind::Number(_)));
        assert!(matches!(kind("i"), Kind::String(_)));
    }

    #[test]
    fn offsets_are_bytes_even_after_multibyte_text() {
        let src = "é: ü\nkey: [x, y]\n";
        let t = parse(src).unwrap();
        let e = t.entry(t.root(), "key").unwrap();
        assert_eq!(
            &src[e.key_offset as usize..e.key_offset as usize + 3],
            "key"
        );
        let y = t.items(e.value)[1];
        assert_eq!(&src[t.node(y).offset as usize..][..1], "y");
    }

    #[test]
    fn keyless_mappings_start_at_their_first_key_after_multibyte_text() {
        let src = "x: é\nlist:\n  - ké: 1\n    b: 2\n";
        let t = parse(src).unwrap();
        let list = t.get(t.root(), "list").unwrap();
        let item = t.items(list)[0];
        assert_eq!(&src[t.node(item).offset as usize..][..3], "ké");
        let b = t.entry(item, "b").unwrap();
        assert_eq!(&src[b.key_offset as usize..][..1], "b");
        assert_eq!(t.node(t.root()).offset, 0);
    }

    /// A mapping that is a list item starts at its first key, whatever the
    /// indentation, the text before it, the line ends and the build profile
    /// (issue 10 reported column 5 in debug, 8 in release; CI runs this
    /// test in both).
    #[test]
    fn list_item_mappings_start_at_their_first_key() {
        for indent in 0..6 {
            for before in ["", "é: ü\n", "x: 1\n", "# ∑ note\n"] {
                for eol in ["\n", "\r\n"] {
                    let pad = " ".repeat(indent);
                    let src = format!(
                        "{before}list:\n{pad}- a: 1\n{pad}  b: 2\n{pad}- c: 3\n{pad}- {{d: 4}}\n"
                    )
                    .replace('\n', eol);
                    let t = parse(&src).unwrap();
                    let list = t.get(t.root(), "list").unwrap();
                    let starts: Vec<&str> = t
                        .items(list)
                        .iter()
                        .map(|&item| &src[t.node(item).offset as usize..][..1])
                        .collect();
                    assert_eq!(starts, ["a", "c", "{"], "{src:?}");
                    let source = crate::source::SourceFile::new(
                        "s.yaml".into(),
                        "s.yaml".into(),
                        std::sync::Arc::new(src.clone()),
                    );
                    let first = t.items(list)[0];
                    let (_, column) = source.line_col(t.node(first).offset);
                    assert_eq!(column as usize, indent + 3, "{src:?}");
                }
            }
        }
    }

    #[test]
    fn aliases_share_nodes() {
        let t = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(t.get(t.root(), "a"), t.get(t.root(), "b"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            src.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let e = parse(&src).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{}", e.message);
    }

    #[test]
    fn deep_block_nesting_is_an_error() {
        let src = "- ".repeat(10_000) + "x\n";
        let e = parse(&src).unwrap_err();
        assert!(e.message.contains("deeper than"), "{}", e.message);
        let src = "[".repeat(10_000);
        assert!(parse(&src).is_err());
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let src = "a: 1\nb: [1, 2\nc: 3\n";
        let e = parse(src).unwrap_err();
        assert!(e.offset > 4, "{e:?}");
    }

    #[test]
    fn numeric_keys_are_text() {
        let t = parse("200: ok\n0x1F: hex\n").unwrap();
        assert!(t.get(t.root(), "200").is_some());
        assert!(t.get(t.root(), "0x1F").is_some());
    }

    #[test]
    fn empty_document_is_null() {
        let t = parse("").unwrap();
        assert!(matches!(t.node(t.root()).kind, Kind::Null));
    }
}
