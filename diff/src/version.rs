//! Major versions in URLs, and the keys that match an operation across
//! specs: `/v1/users/{id}` and `/v2/users/{user_id}` are the same operation
//! under two majors.

/// The major version of a path: its first segment of the form `v<digits>`.
///
/// ```
/// use threeam_diff::version::major;
/// assert_eq!(major("/v2/payments/{id}"), Some(2));
/// assert_eq!(major("/api/v10/x"), Some(10));
/// assert_eq!(major("/payments"), None);
/// assert_eq!(major("/vendors"), None);
/// ```
pub fn major(path: &str) -> Option<u32> {
    path.split('/').find_map(segment_major)
}

fn segment_major(seg: &str) -> Option<u32> {
    let digits = seg.strip_prefix('v').or_else(|| seg.strip_prefix('V'))?;
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The path with parameter names erased (`/v1/users/{}`): renaming a path
/// parameter changes nothing for a client.
///
/// ```
/// assert_eq!(threeam_diff::version::normalized("/v1/users/{id}/x"), "/v1/users/{}/x");
/// ```
pub fn normalized(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// [`normalized`] with the major segment taken out: the key that matches
/// an operation across majors.
///
/// ```
/// use threeam_diff::version::unversioned;
/// assert_eq!(unversioned("/v1/users/{id}"), unversioned("/v2/users/{user_id}"));
/// ```
pub fn unversioned(path: &str) -> String {
    let n = normalized(path);
    let mut removed = false;
    n.split('/')
        .filter(|seg| {
            if !removed && segment_major(seg).is_some() {
                removed = true;
                return false;
            }
            true
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The path's parameter names in order (`/a/{x}/b/{y}` gives `[x, y]`).
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The same path under the next major (`/v1/x` gives `/v2/x`), or `None`
/// for a path without one.
///
/// ```
/// assert_eq!(threeam_diff::version::next_major("/api/v1/x").as_deref(), Some("/api/v2/x"));
/// ```
pub fn next_major(path: &str) -> Option<String> {
    let mut bumped = false;
    let segs: Vec<String> = path
        .split('/')
        .map(|seg| match segment_major(seg) {
            Some(n) if !bumped => {
                bumped = true;
                format!("v{}", n.saturating_add(1))
            }
            _ => seg.to_owned(),
        })
        .collect();
    bumped.then(|| segs.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_read_in_order() {
        assert_eq!(path_params("/a/{x}/b/{y}"), ["x", "y"]);
        assert!(path_params("/a").is_empty());
    }

    #[test]
    fn only_the_first_major_is_stripped() {
        assert_eq!(unversioned("/v1/v2/x"), "/v2/x");
        assert_eq!(next_major("/v9/x/v3").as_deref(), Some("/v10/x/v3"));
        assert_eq!(next_major("/x"), None);
    }
}
