//! Path patterns: OpenAPI path templates with wildcards, as `threeam.toml`
//! writes them (`ignore`, `[[overrides]]`, `version-in-path`'s `exempt`).
//!
//! A glob library reads `{widgetId}` as an alternation and `/v1/widgets/{widgetId}`
//! then silently matches nothing a spec contains; users copy paths straight
//! from their spec, so braces here are literal text. Only `*` is special:
//! a segment `**` matches any number of segments (none included), and `*`
//! inside a segment matches any run of characters within that segment.

use std::fmt;

/// One compiled path pattern.
///
/// ```
/// use threeam_lint::path_pattern::PathPattern;
/// let p = PathPattern::new("/v1/widgets/{widgetId}").unwrap();
/// assert!(p.matches("/v1/widgets/{widgetId}"));
/// assert!(!p.matches("/v1/widgets/widgetId"));
/// assert!(PathPattern::new("/internal/**").unwrap().matches("/internal/a/b"));
/// assert!(PathPattern::new("/v1/*/status").unwrap().matches("/v1/{id}/status"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `**`: any number of segments.
    Any,
    /// Literal text with `*` wildcards inside the segment, split at them.
    Glob(Vec<String>),
}

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}

impl PathPattern {
    /// Compile a pattern; it starts with `/` like the paths it matches.
    pub fn new(source: &str) -> Result<PathPattern, PatternError> {
        if !source.starts_with('/') {
            return Err(PatternError(format!(
                "path pattern `{source}` must start with `/`, like the keys under `paths` (e.g. /v1/widgets/{{widgetId}} or /internal/**)"
            )));
        }
        if source.contains("[{]") || source.contains("[}]") {
            return Err(PatternError(format!(
                "path pattern `{source}`: braces are literal in path patterns; write the path as the spec does (`/v1/widgets/{{widgetId}}`), without `[{{]`/`[}}]` escapes"
            )));
        }
        let mut segments = Vec::new();
        for seg in source[1..].split('/') {
            if seg == "**" {
                // `/**/**` means the same as `/**`.
                if segments.last() != Some(&Segment::Any) {
                    segments.push(Segment::Any);
                }
            } else if seg.contains("**") {
                return Err(PatternError(format!(
                    "path pattern `{source}`: `**` must be a whole segment (`/a/**/b`); use `*` inside a segment"
                )));
            } else {
                segments.push(Segment::Glob(seg.split('*').map(str::to_owned).collect()));
            }
        }
        Ok(PathPattern {
            source: source.to_owned(),
            segments,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the path template matches the pattern.
    pub fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        let segs: Vec<&str> = rest.split('/').collect();
        match_from(&self.segments, &segs)
    }
}

/// Match pattern segments against path segments. `**` tries every split;
/// patterns are a handful of segments, so the backtracking stays small.
fn match_from(pattern: &[Segment], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::Any, rest)) => (0..=path.len()).any(|skip| match_from(rest, &path[skip..])),
        Some((Segment::Glob(parts), rest)) => match path.split_first() {
            Some((seg, tail)) => glob_segment(parts, seg) && match_from(rest, tail),
            None => false,
        },
    }
}

/// `parts` are the literal pieces between `*`s; the segment must start with
/// the first, end with the last, and hold the others in order between.
fn glob_segment(parts: &[String], seg: &str) -> bool {
    let [first, middle @ .., last] = parts else {
        return parts.first().is_some_and(|p| p == seg);
    };
    if seg.len() < first.len() + last.len() || !seg.starts_with(first.as_str()) {
        return false;
    }
    let mut rest = &seg[first.len()..];
    if !rest.ends_with(last.as_str()) {
        return false;
    }
    rest = &rest[..rest.len() - last.len()];
    for part in middle {
        match rest.find(part.as_str()) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::PathPattern;

    fn m(pattern: &str, path: &str) -> bool {
        PathPattern::new(pattern).unwrap().matches(path)
    }

    #[test]
    fn braces_are_literal_and_stars_are_segments() {
        assert!(m("/v1/widgets/{widgetId}", "/v1/widgets/{widgetId}"));
        assert!(!m("/v1/widgets/{widgetId}", "/v1/widgets/{id}"));
        assert!(!m("/v1/widgets/{widgetId}", "/v1/widgets/{widgetId}/parts"));
        assert!(m("/v1/*", "/v1/widgets"));
        assert!(!m("/v1/*", "/v1/widgets/{id}"));
        assert!(!m("/v1/*", "/v1"));
        assert!(m("/v1/**", "/v1"));
        assert!(m("/v1/**", "/v1/a/b/c"));
        assert!(m("/**/status", "/status"));
        assert!(m("/**/status", "/v1/jobs/{id}/status"));
        assert!(!m("/**/status", "/v1/jobs/{id}/status/x"));
        assert!(m("/**", "/"));
        assert!(m("/v1/health*", "/v1/healthz"));
        assert!(m("/v1/*-internal", "/v1/admin-internal"));
        assert!(!m("/v1/*-internal", "/v1/internal"));
        assert!(m("/a*b*c", "/abxxc"));
        assert!(!m("/a*b*c", "/acb"));
        assert!(!m("/ab*ba", "/aba"));
    }

    #[test]
    fn bad_patterns_say_how_to_write_them() {
        let e = PathPattern::new("v1/widgets").unwrap_err().to_string();
        assert!(e.contains("must start with `/`"), "{e}");
        let e = PathPattern::new("/v1/a**").unwrap_err().to_string();
        assert!(e.contains("whole segment"), "{e}");
        let e = PathPattern::new("/v1/[{]id[}]").unwrap_err().to_string();
        assert!(e.contains("braces are literal"), "{e}");
    }
}
