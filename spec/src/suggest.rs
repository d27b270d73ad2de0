//! Did-you-mean: the known word nearest to a misspelt one.

/// The candidate nearest to `word`, if it is a likely typo: at most a third
/// of the word's length away (a swap of two neighbours counts as one edit,
/// so `titel` finds `title`), and never the word itself.
///
/// ```
/// use threeam_spec::suggest::closest;
/// let keys = ["title", "version", "description"];
/// assert_eq!(closest("titel", keys), Some("title"));
/// assert_eq!(closest("Version", keys), Some("version"));
/// assert_eq!(closest("summary", keys), None);
/// ```
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (distance(word, c), c))
        .filter(|&(d, _)| d * 3 <= len)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The id nearest to `wanted` (an id from a config file or the command
/// line, compared lowercase), if it is a typo or two away: how an unknown
/// rule or check id says "did you mean". Looser than [`closest`] for short
/// ids, which a couple of slips leave far from a third of their length.
///
/// ```
/// use threeam_spec::suggest::nearest_id;
/// let ids = ["retry-after-on-429", "fallback-server"];
/// assert_eq!(nearest_id("Fallback-Sever", ids), Some("fallback-server"));
/// assert_eq!(nearest_id("T012", ids), None);
/// ```
pub fn nearest_id<'a>(wanted: &str, ids: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.to_ascii_lowercase();
    let (d, id) = ids
        .into_iter()
        .map(|id| (distance(&wanted, id), id))
        .min()?;
    // Close means a typo or two, not a different word.
    (d <= (wanted.len() / 4).max(2)).then_some(id)
}

/// "did you mean `ID`? " for the [`nearest_id`], or nothing: the hint an
/// unknown rule or check id puts before saying where the ids are listed.
///
/// ```
/// use threeam_spec::suggest::did_you_mean;
/// assert_eq!(did_you_mean("operation-addd", ["operation-added"]), "did you mean `operation-added`? ");
/// assert_eq!(did_you_mean("x", ["operation-added"]), "");
/// ```
pub fn did_you_mean<'a>(wanted: &str, ids: impl IntoIterator<Item = &'a str>) -> String {
    nearest_id(wanted, ids)
        .map(|near| format!("did you mean `{near}`? "))
        .unwrap_or_default()
}

/// Edit distance over chars (optimal string alignment: insert, delete,
/// substitute, or swap two neighbours), case differences costing one.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back for the swap.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("requried", "required"), 1);
        assert_eq!(distance("titel", "title"), 1);
        assert_eq!(distance("strng", "string"), 1);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn typos_find_their_word_and_strangers_do_not() {
        let types = ["string", "number", "integer", "boolean", "array", "object"];
        assert_eq!(closest("strng", types), Some("string"));
        assert_eq!(closest("int", types), None);
        assert_eq!(closest("bool", types), None);
        assert_eq!(closest("date", types), None);
        assert_eq!(closest("in", ["id", "name"]), None);
    }
}
