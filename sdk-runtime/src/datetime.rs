//! `format: date-time` and `format: date` values of generated types.
//!
//! The wire form is RFC 3339 (`2026-01-01T09:30:00Z`, `2026-01-01`); in Rust
//! a value is a [`time`] type, wrapped so that serde reads and writes the
//! RFC 3339 text wherever the value sits (a field, an `Option`, a `Vec`, a
//! map, a query parameter) without per-field attributes in generated code.
//! `time` was picked over `chrono` and `jiff` for its build cost on small
//! machines; its types are one `.0` (or `Deref`) away.
//!
//! Text that is not RFC 3339 is an ordinary serde error, so a decode error
//! names the field that held it. A timestamp keeps its offset and its
//! fraction of a second: what was read is written back, up to spelling
//! (`+00:00` is written `Z`, trailing zeros of the fraction are dropped).

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Month, OffsetDateTime};

/// An RFC 3339 timestamp with its offset (`format: date-time`).
///
/// ```
/// use threeam_runtime::{serde_json, DateTime};
///
/// let t: DateTime = serde_json::from_str(r#""2026-01-01T09:30:00.25+02:00""#).unwrap();
/// assert_eq!(t.hour(), 9);
/// assert_eq!(t.offset().whole_hours(), 2);
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""2026-01-01T09:30:00.25+02:00""#);
/// assert!(serde_json::from_str::<DateTime>(r#""1700000000""#).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub OffsetDateTime);

/// A calendar date, `YYYY-MM-DD` (`format: date`).
///
/// ```
/// use threeam_runtime::{serde_json, Date};
///
/// let d: Date = "2026-02-28".parse().unwrap();
/// assert_eq!(d.day(), 28);
/// assert_eq!(serde_json::to_string(&d).unwrap(), r#""2026-02-28""#);
/// assert!("2026-02-30".parse::<Date>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub time::Date);

/// Text that is not an RFC 3339 timestamp or date.
///
/// ```
/// let err = "yesterday".parse::<threeam_runtime::DateTime>().unwrap_err();
/// assert!(err.to_string().contains("RFC 3339"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParseError {
    message: String,
}

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateParseError {}

/// The start of a value for an error message: one line, bounded.
fn shown(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if s.len() < text.len() {
        s.push_str("...");
    }
    format!("{s:?}")
}

impl DateTime {
    /// The current time, in UTC.
    ///
    /// ```
    /// assert!(threeam_runtime::DateTime::now_utc().year() >= 2024);
    /// ```
    pub fn now_utc() -> Self {
        DateTime(OffsetDateTime::now_utc())
    }

    /// The `time` value.
    ///
    /// ```
    /// let t: threeam_runtime::DateTime = "2026-01-01T00:00:00Z".parse().unwrap();
    /// assert_eq!(t.into_inner().unix_timestamp(), 1_767_225_600);
    /// ```
    pub fn into_inner(self) -> OffsetDateTime {
        self.0
    }
}

impl Date {
    /// The `time` value.
    ///
    /// ```
    /// let d: threeam_runtime::Date = "2026-01-31".parse().unwrap();
    /// assert_eq!(d.into_inner().ordinal(), 31);
    /// ```
    pub fn into_inner(self) -> time::Date {
        self.0
    }
}

impl FromStr for DateTime {
    type Err = DateParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parsed = OffsetDateTime::parse(text, &Rfc3339).or_else(|first| {
            // RFC 3339 (section 5.6) lets a space stand for the `T`.
            match text.as_bytes().get(10) {
                Some(b' ') => {
                    OffsetDateTime::parse(&format!("{}T{}", &text[..10], &text[11..]), &Rfc3339)
                }
                _ => Err(first),
            }
        });
        parsed.map(DateTime).map_err(|e| DateParseError {
            message: format!(
                "{} is not an RFC 3339 date-time like \"2026-01-01T09:30:00Z\" ({e})",
                shown(text)
            ),
        })
    }
}

impl FromStr for Date {
    type Err = DateParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |why: &str| DateParseError {
            message: format!(
                "{} is not an RFC 3339 date like \"2026-01-31\" ({why})",
                shown(text)
            ),
        };
        let b = text.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(fail("expected YYYY-MM-DD"));
        }
        let year: i32 = text[..4].parse().map_err(|_| fail("bad year"))?;
        let month: u8 = text[5..7].parse().map_err(|_| fail("bad month"))?;
        let day: u8 = text[8..].parse().map_err(|_| fail("bad day"))?;
        let month = Month::try_from(month).map_err(|_| fail("no such month"))?;
        time::Date::from_calendar_date(year, month, day)
            .map(Date)
            .map_err(|_| fail("no such day in that month"))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            // A year past 9999 or an offset with seconds has no RFC 3339
            // form: show time's own.
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(|e| {
            <S::Error as serde::ser::Error>::custom(format!(
                "{} has no RFC 3339 form ({e})",
                self.0
            ))
        })?;
        serializer.serialize_str(&text)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Reads a string and parses it with `FromStr`, failing as a serde error.
struct TextVisitor<T>(std::marker::PhantomData<T>, &'static str);

impl<T: FromStr<Err = DateParseError>> de::Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(
            std::marker::PhantomData,
            "an RFC 3339 date-time string",
        ))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(
            std::marker::PhantomData,
            "an RFC 3339 date string",
        ))
    }
}

impl Deref for DateTime {
    type Target = OffsetDateTime;

    fn deref(&self) -> &OffsetDateTime {
        &self.0
    }
}

impl Deref for Date {
    type Target = time::Date;

    fn deref(&self) -> &time::Date {
        &self.0
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(t: OffsetDateTime) -> Self {
        DateTime(t)
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(t: DateTime) -> Self {
        t.0
    }
}

impl From<time::Date> for Date {
    fn from(d: time::Date) -> Self {
        Date(d)
    }
}

impl From<Date> for time::Date {
    fn from(d: Date) -> Self {
        d.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let t: DateTime = serde_json::from_str(&format!("{text:?}")).unwrap();
        serde_json::to_string(&t).unwrap()
    }

    #[test]
    fn timestamps_round_trip_what_servers_send() {
        assert_eq!(
            round_trip("2026-01-01T00:00:00Z"),
            r#""2026-01-01T00:00:00Z""#
        );
        assert_eq!(
            round_trip("2026-01-01T23:59:59.123456789-05:30"),
            r#""2026-01-01T23:59:59.123456789-05:30""#
        );
        // Same instant, same offset; only the spelling is normalised.
        assert_eq!(
            round_trip("2026-01-01T00:00:00.500+00:00"),
            r#""2026-01-01T00:00:00.5Z""#
        );
        assert_eq!(
            round_trip("2026-01-01 08:00:00Z"),
            r#""2026-01-01T08:00:00Z""#
        );
    }

    #[test]
    fn bad_text_is_a_serde_error_that_shows_the_value() {
        for bad in [
            "1700000000",
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00",
        ] {
            let err = serde_json::from_str::<DateTime>(&format!("{bad:?}")).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
            assert!(err.to_string().contains("RFC 3339"), "{err}");
        }
        // A number is refused by type, not parsed as Unix seconds.
        let err = serde_json::from_str::<DateTime>("1700000000").unwrap_err();
        assert!(
            err.to_string().contains("RFC 3339 date-time string"),
            "{err}"
        );
        let long = "x".repeat(500);
        let err = long.parse::<DateTime>().unwrap_err().to_string();
        assert!(err.len() < 200, "{err}");
    }

    #[test]
    fn dates_parse_strictly() {
        let d: Date = serde_json::from_str(r#""2024-02-29""#).unwrap();
        assert_eq!((d.year(), u8::from(d.month()), d.day()), (2024, 2, 29));
        assert_eq!(d.to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2024-2-29",
            "2024-02-29T00:00:00Z",
            "+02024-02-29",
            "20240229",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""2024-02-29""#);
    }

    #[test]
    fn ordering_and_equality_follow_the_instant() {
        let a: DateTime = "2026-01-01T10:00:00+01:00".parse().unwrap();
        let b: DateTime = "2026-01-01T09:00:00Z".parse().unwrap();
        let c: DateTime = "2026-01-01T09:00:01Z".parse().unwrap();
        assert_eq!(a, b);
        assert!(b < c);
    }
}
