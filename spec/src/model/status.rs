//! Response status keys, parsed once.

use std::fmt;

/// A key of an operation's `responses` map.
///
/// ```
/// use threeam_spec::model::Status;
/// assert_eq!(Status::parse("201"), Ok(Status::Code(201)));
/// assert_eq!(Status::parse("4XX"), Ok(Status::Range(4)));
/// assert_eq!(Status::parse("default"), Ok(Status::Default));
/// assert!(Status::parse("201 OK").is_err());
/// assert_eq!(Status::Range(5).to_string(), "5XX");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// One status code, 100 to 599.
    Code(u16),
    /// A class of codes: `2XX` is `Range(2)`; the class is 1 to 5.
    Range(u8),
    /// `default`: every status not listed.
    Default,
}

/// Why a status key is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError {
    /// What is wrong, in words (without the key: it is spec text).
    pub reason: &'static str,
}

impl Status {
    /// Parse a key as OpenAPI writes it: three digits from 100 to 599, a
    /// range `1XX` to `5XX` (`x` accepted too), or `default`.
    pub fn parse(key: &str) -> Result<Status, StatusError> {
        if key == "default" {
            return Ok(Status::Default);
        }
        let bytes = key.as_bytes();
        if bytes.len() != 3 {
            return Err(StatusError {
                reason: "a status is three digits (`200`), a range (`4XX`) or `default`",
            });
        }
        let class = match bytes[0] {
            c @ b'1'..=b'5' => c - b'0',
            _ => {
                return Err(StatusError {
                    reason: "a status starts with a digit from 1 to 5",
                })
            }
        };
        match (bytes[1], bytes[2]) {
            (b'X' | b'x', b'X' | b'x') => Ok(Status::Range(class)),
            (a @ b'0'..=b'9', b @ b'0'..=b'9') => Ok(Status::Code(
                class as u16 * 100 + (a - b'0') as u16 * 10 + (b - b'0') as u16,
            )),
            _ => Err(StatusError {
                reason: "a status is three digits (`200`), a range (`4XX`) or `default`",
            }),
        }
    }

    /// The class (2 for `201` and `2XX`); `None` for `default`.
    pub fn class(self) -> Option<u8> {
        match self {
            Status::Code(c) => Some((c / 100) as u8),
            Status::Range(r) => Some(r),
            Status::Default => None,
        }
    }

    /// True for the 2xx class.
    pub fn is_success(self) -> bool {
        self.class() == Some(2)
    }

    /// True for 4xx, 5xx and `default` (what error bodies are declared under).
    pub fn is_error(self) -> bool {
        matches!(self.class(), Some(4 | 5) | None)
    }

    /// True when this key covers `code` exactly (`Code(code)`), not by range.
    pub fn is(self, code: u16) -> bool {
        self == Status::Code(code)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_ranges_and_default_parse() {
        assert_eq!(Status::parse("100"), Ok(Status::Code(100)));
        assert_eq!(Status::parse("599"), Ok(Status::Code(599)));
        assert_eq!(Status::parse("429"), Ok(Status::Code(429)));
        assert_eq!(Status::parse("2XX"), Ok(Status::Range(2)));
        assert_eq!(Status::parse("5xx"), Ok(Status::Range(5)));
        assert_eq!(Status::parse("default"), Ok(Status::Default));
    }

    #[test]
    fn anything_else_is_an_error() {
        for key in [
            "",
            "20",
            "2000",
            "600",
            "099",
            "201 OK",
            "2X0",
            "Default",
            "DEFAULT",
            "x-200",
            "20x",
            "٢٠٠",
            "201(String),\n}\nfn injected() {}",
        ] {
            assert!(Status::parse(key).is_err(), "{key:?} parsed");
        }
    }

    #[test]
    fn classes_decide_success_and_error() {
        assert!(Status::Code(204).is_success());
        assert!(Status::Range(2).is_success());
        assert!(!Status::Code(304).is_success() && !Status::Code(304).is_error());
        assert!(Status::Code(404).is_error() && Status::Range(5).is_error());
        assert!(Status::Default.is_error() && !Status::Default.is_success());
        assert!(Status::Code(429).is(429) && !Status::Range(4).is(429));
    }

    #[test]
    fn display_round_trips() {
        for key in ["200", "4XX", "default"] {
            assert_eq!(Status::parse(key).unwrap().to_string(), key);
        }
        assert_eq!(Status::parse("4xx").unwrap().to_string(), "4XX");
    }
}
