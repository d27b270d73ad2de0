//! JSON pointers (RFC 6901) as used in `$ref` fragments and in findings.

/// Escape one segment: `~` becomes `~0`, `/` becomes `~1`.
///
/// ```
/// assert_eq!(threeam_spec::pointer::escape("/v1/payments"), "~1v1~1payments");
/// ```
pub fn escape(segment: &str) -> String {
    if !segment.contains(['~', '/']) {
        return segment.to_owned();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

/// Split a `$ref` fragment (`/components/schemas/Pet`, with or without the
/// leading `#`) into unescaped segments. Percent-escapes are decoded, since
/// fragments are URI parts (`%7B` in a path template like `/users/{id}`).
///
/// ```
/// let segs = threeam_spec::pointer::segments("#/paths/~1v1~1users~1%7Bid%7D");
/// assert_eq!(segs, vec!["paths", "/v1/users/{id}"]);
/// ```
pub fn segments(fragment: &str) -> Vec<String> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.is_empty() {
        return Vec::new();
    }
    f.strip_prefix('/')
        .unwrap_or(f)
        .split('/')
        .map(|s| percent_decode(s).replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips_through_segments() {
        let p = format!("#/paths/{}/get", escape("/a~b/{id}"));
        assert_eq!(p, "#/paths/~1a~0b~1{id}/get");
        assert_eq!(segments(&p), vec!["paths", "/a~b/{id}", "get"]);
    }

    #[test]
    fn root_fragment_has_no_segments() {
        assert!(segments("#").is_empty());
        assert!(segments("").is_empty());
    }

    #[test]
    fn bad_percent_escape_is_kept_verbatim() {
        assert_eq!(segments("#/a%zz%4"), vec!["a%zz%4"]);
    }
}
