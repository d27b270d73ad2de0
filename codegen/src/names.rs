//! Identifiers from spec text: valid, keyword-safe and collision-free.
//!
//! Every name in generated code passes through here, so no spec string can
//! become anything but a plain ASCII identifier.

use std::collections::HashSet;

use threeam_spec::model::SpecText;

/// Text the constructors below turn into Rust: strings codegen made, and
/// [`SpecText`] read from the spec. Spec text has no `Display`, so these
/// constructors (identifiers, literals, doc lines) are the only way it
/// reaches generated code.
pub(crate) trait Text {
    /// The characters, to be sanitised or escaped by the caller.
    fn chars_of(&self) -> &str;
}

impl Text for str {
    fn chars_of(&self) -> &str {
        self
    }
}

impl Text for String {
    fn chars_of(&self) -> &str {
        self
    }
}

impl Text for SpecText<'_> {
    fn chars_of(&self) -> &str {
        self.as_untrusted_str()
    }
}

impl<T: Text + ?Sized> Text for &T {
    fn chars_of(&self) -> &str {
        (**self).chars_of()
    }
}

/// Rust keywords (strict, reserved and edition-2018+ ones).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `s` is a Rust keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits text into ASCII words at separators and case changes
/// (`HTTPServer2Name` -> `HTTP`, `Server2`, `Name`).
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(prev) = cur.as_bytes().last().map(|&b| b as char) {
            let next = chars.get(i + 1).copied();
            let boundary = (c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || prev.is_ascii_digit()))
                || (c.is_ascii_uppercase()
                    && prev.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if boundary {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `UpperCamelCase`; `prefix` is put in front when the result would start
/// with a digit; `fallback` is used when the text has no letters or digits.
pub(crate) fn upper_camel(s: &(impl Text + ?Sized), prefix: &str, fallback: &str) -> String {
    let s = s.chars_of();
    let mut out = String::new();
    for w in words(s) {
        let mut cs = w.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() {
        return fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, prefix);
    }
    // The one keyword that is UpperCamel.
    if out == "Self" {
        out.push_str("Value");
    }
    out
}

/// The variant name of a string enum value: `UpperCamelCase`, with a
/// leading sign spelled out so values that differ only by it stay
/// readable (GitHub's reactions `+1` and `-1` become `Plus1` and `Minus1`,
/// not `V1` and `V12`).
pub(crate) fn enum_variant(value: &(impl Text + ?Sized)) -> String {
    let s = value.chars_of();
    let (sign, rest) = match s.strip_prefix('+') {
        Some(rest) => ("Plus", rest),
        None => match s.strip_prefix('-') {
            Some(rest) => ("Minus", rest),
            None => ("", s),
        },
    };
    if sign.is_empty() {
        return upper_camel(s, "V", "Empty");
    }
    // `-` then nothing nameable (`-`, `--`) is still the sign itself.
    format!("{sign}{}", upper_camel(rest, "", ""))
}

/// `snake_case`, keyword-safe (`type` -> `r#type`, `self` -> `self_`).
pub(crate) fn snake(s: &(impl Text + ?Sized), fallback: &str) -> String {
    let mut out = words(s.chars_of())
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    keyword_safe(out)
}

/// `name` without `stem` at its end or start, when what is left is still
/// an UpperCamel identifier (`CardPaymentMethod` in `PaymentMethod` ->
/// `Card`); `name` itself otherwise.
pub(crate) fn without_stem<'a>(name: &'a str, stem: &str) -> &'a str {
    let rest = name
        .strip_suffix(stem)
        .or_else(|| name.strip_prefix(stem))
        .unwrap_or(name);
    if rest.starts_with(|c: char| c.is_ascii_uppercase()) && rest != "Self" {
        rest
    } else {
        name
    }
}

/// Makes a keyword usable as an identifier.
pub(crate) fn keyword_safe(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without a raw prefix (what serde sees as the name).
pub(crate) fn unraw(s: &str) -> &str {
    s.strip_prefix("r#").unwrap_or(s)
}

/// Hands out unique names in one namespace; the same order of requests
/// always gives the same names.
#[derive(Debug, Default)]
pub(crate) struct Names {
    used: HashSet<String>,
}

impl Names {
    /// A namespace where `reserved` are already taken.
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Names {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Takes `base` if free, else `base2`, `base3`, ... (`base_2` for
    /// snake-case names, so they stay snake case).
    pub(crate) fn claim(&mut self, base: &str) -> String {
        let key = unraw(base);
        if self.used.insert(key.to_owned()) {
            return base.to_owned();
        }
        let snake = key.contains('_') || key.starts_with(|c: char| c.is_ascii_lowercase());
        let mut n = 2u32;
        loop {
            let candidate = if snake {
                format!("{}_{n}", key.trim_end_matches('_'))
            } else {
                format!("{key}{n}")
            };
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// A Rust string literal for any text (quotes, backslashes, control
/// characters and NUL are escaped), so spec text can never end the literal.
pub(crate) fn lit(s: &(impl Text + ?Sized)) -> String {
    format!("{:?}", s.chars_of())
}

/// A doc line showing spec text as code (`` /// `value` ``): one line,
/// control characters as spaces, backticks as quotes, so it cannot end the
/// code span or the comment.
pub(crate) fn doc_code(out: &mut String, indent: &str, text: &(impl Text + ?Sized)) {
    let shown: String = text
        .chars_of()
        .chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    out.push_str(indent);
    out.push_str("/// `");
    out.push_str(&shown);
    out.push_str("`\n");
}

/// Doc-comment lines for spec text: one `///` line per text line, control
/// characters dropped, code fences made `text` (never doctests), deep
/// indentation clamped (so it is not an indented code block).
pub(crate) fn doc_lines(out: &mut String, indent: &str, text: &(impl Text + ?Sized)) {
    let clean: String = text
        .chars_of()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let trimmed = clean.trim_matches('\n');
    if trimmed.trim().is_empty() {
        return;
    }
    let mut in_fence = false;
    for line in trimmed.lines() {
        let body = line.trim_end();
        let lead = body.len() - body.trim_start().len();
        let rest = body.trim_start();
        let line = if rest.starts_with("```") || rest.starts_with("~~~") {
            let fence = &rest[..3];
            if in_fence {
                in_fence = false;
                fence.to_owned()
            } else {
                in_fence = true;
                format!("{fence}text")
            }
        } else if in_fence {
            body.to_owned()
        } else {
            format!("{}{}", " ".repeat(lead.min(3)), rest)
        };
        out.push_str(indent);
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    if in_fence {
        out.push_str(indent);
        out.push_str("/// ```\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_case_and_separators() {
        assert_eq!(words("HTTPServer2Name"), ["HTTP", "Server2", "Name"]);
        assert_eq!(words("listPayments"), ["list", "Payments"]);
        assert_eq!(words("x-rate-limit"), ["x", "rate", "limit"]);
        assert_eq!(words("r#try"), ["r", "try"]);
        assert!(words("*/ \u{0}").is_empty());
    }

    #[test]
    fn identifiers_are_safe() {
        assert_eq!(snake("type", "f"), "r#type");
        assert_eq!(snake("self", "f"), "self_");
        assert_eq!(snake("2fa", "f"), "n2fa");
        assert_eq!(snake("", "field"), "field");
        assert_eq!(upper_camel("payment_status", "T", "X"), "PaymentStatus");
        assert_eq!(upper_camel("200", "V", "X"), "V200");
        assert_eq!(upper_camel("\"#]", "V", "Empty"), "Empty");
    }

    #[test]
    fn enum_values_keep_their_sign() {
        assert_eq!(enum_variant("+1"), "Plus1");
        assert_eq!(enum_variant("-1"), "Minus1");
        assert_eq!(enum_variant("+"), "Plus");
        assert_eq!(enum_variant("-created_at"), "MinusCreatedAt");
        assert_eq!(enum_variant("created-at"), "CreatedAt");
        assert_eq!(enum_variant("2fa"), "V2fa");
        assert_eq!(enum_variant(""), "Empty");
    }

    #[test]
    fn variant_names_do_not_stutter() {
        assert_eq!(without_stem("CardPaymentMethod", "PaymentMethod"), "Card");
        assert_eq!(without_stem("PetCat", "Pet"), "Cat");
        assert_eq!(without_stem("Pet", "Pet"), "Pet");
        assert_eq!(without_stem("Petals", "Pet"), "Petals");
        assert_eq!(without_stem("Pet2", "Pet"), "Pet2");
        assert_eq!(without_stem("String", "Id"), "String");
    }

    #[test]
    fn claims_never_collide() {
        let mut n = Names::with_reserved(&["Client"]);
        assert_eq!(n.claim("Client"), "Client2");
        assert_eq!(n.claim("Pet"), "Pet");
        assert_eq!(n.claim("Pet"), "Pet2");
        assert_eq!(n.claim("r#type"), "r#type");
        assert_eq!(n.claim("type"), "type_2");
    }

    #[test]
    fn docs_cannot_escape() {
        let mut s = String::new();
        doc_lines(
            &mut s,
            "",
            "a */ b\r\nc\u{0}d\n```\nfn x\n```\n        deep",
        );
        assert_eq!(
            s,
            "/// a */ b\n/// cd\n/// ```text\n/// fn x\n/// ```\n///    deep\n"
        );
        assert_eq!(lit("\"#]\u{0}"), "\"\\\"#]\\0\"");
    }
}
