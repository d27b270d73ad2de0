//! `--max-problems`: how many diagnostics the human format draws in
//! detail, and the line that counts the rest.

use std::io::{self, Write};

use super::table::thousands;

/// How many of `total` diagnostics to draw under a cap of `max` (0: all).
///
/// ```
/// use threeam_spec::draw::cap::shown;
/// assert_eq!((shown(250, 100), shown(7, 100), shown(250, 0)), (100, 7, 250));
/// ```
pub fn shown(total: usize, max: usize) -> usize {
    match max {
        0 => total,
        n => n.min(total),
    }
}

/// Writes "... and N more" when `shown` of `total` left some out.
///
/// ```
/// let mut out = Vec::new();
/// threeam_spec::draw::cap::write_more(&mut out, 5531, 100).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "... and 5,431 more (--max-problems 0 shows all)\n\n");
/// ```
pub fn write_more(out: &mut dyn Write, total: usize, shown: usize) -> io::Result<()> {
    match total.saturating_sub(shown) {
        0 => Ok(()),
        more => writeln!(
            out,
            "... and {} more (--max-problems 0 shows all)\n",
            thousands(more)
        ),
    }
}
