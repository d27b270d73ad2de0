//! Deprecation and sunset dates, in the forms specs write them.
//!
//! RFC 9745's `Deprecation` header is a structured-field date (`@1688169599`,
//! seconds since 1970); RFC 8594's `Sunset` is an HTTP-date (`Sat, 01 Nov
//! 2025 00:00:00 GMT`, the IMF-fixdate of RFC 9110); `x-sunset` extensions
//! usually hold an ISO date (`2025-11-01`). All three parse into one type.

use std::fmt;

/// A moment in UTC, to the second.
///
/// ```
/// use threeam_spec::model::SpecDate;
/// let a = SpecDate::parse("@1762000000").unwrap();
/// let b = SpecDate::parse("Sat, 01 Nov 2025 12:26:40 GMT").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(SpecDate::parse("2025-11-01").unwrap().to_string(), "2025-11-01");
/// assert_eq!(a.to_string(), "2025-11-01T12:26:40Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpecDate {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix_seconds: i64,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl SpecDate {
    /// Read `@EPOCH`, an IMF-fixdate, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
    /// Surrounding whitespace and quotes (a structured-field string) are
    /// ignored; anything else is `None`.
    pub fn parse(text: &str) -> Option<SpecDate> {
        let t = text.trim().trim_matches('"').trim();
        if let Some(epoch) = t.strip_prefix('@') {
            let digits = epoch.strip_prefix('-').unwrap_or(epoch);
            if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            return epoch
                .parse()
                .ok()
                .map(|unix_seconds| SpecDate { unix_seconds });
        }
        if t.len() >= 10 && t.as_bytes()[4] == b'-' {
            return parse_iso(t);
        }
        parse_http_date(t)
    }

    /// Year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.unix_seconds.div_euclid(86_400))
    }
}

impl fmt::Display for SpecDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        let secs = self.unix_seconds.rem_euclid(86_400);
        write!(f, "{y:04}-{m:02}-{d:02}")?;
        if secs != 0 {
            write!(
                f,
                "T{:02}:{:02}:{:02}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )?;
        }
        Ok(())
    }
}

fn num(s: &str, digits: usize) -> Option<i64> {
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn from_parts(y: i64, m: i64, d: i64, hh: i64, mm: i64, ss: i64) -> Option<SpecDate> {
    let valid = (1..=12).contains(&m)
        && d >= 1
        && d <= days_in_month(y, m as u32) as i64
        && (0..24).contains(&hh)
        && (0..60).contains(&mm)
        && (0..=60).contains(&ss);
    valid.then(|| SpecDate {
        unix_seconds: days_from_civil(y, m as u32, d as u32) * 86_400 + hh * 3600 + mm * 60 + ss,
    })
}

/// `2025-11-01` or `2025-11-01T00:00:00Z`.
fn parse_iso(t: &str) -> Option<SpecDate> {
    let (date, time) = match t.split_once(['T', 't']) {
        Some((d, rest)) => (d, Some(rest)),
        None => (t, None),
    };
    let mut parts = date.split('-');
    let y = num(parts.next()?, 4)?;
    let m = num(parts.next()?, 2)?;
    let d = num(parts.next()?, 2)?;
    if parts.next().is_some() {
        return None;
    }
    let (hh, mm, ss) = match time {
        None => (0, 0, 0),
        Some(time) => {
            let time = time.strip_suffix(['Z', 'z'])?;
            let mut parts = time.split(':');
            let hh = num(parts.next()?, 2)?;
            let mm = num(parts.next()?, 2)?;
            let ss = num(parts.next()?, 2)?;
            if parts.next().is_some() {
                return None;
            }
            (hh, mm, ss)
        }
    };
    from_parts(y, m, d, hh, mm, ss)
}

/// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(t: &str) -> Option<SpecDate> {
    let (_weekday, rest) = t.split_once(", ")?;
    let mut parts = rest.split(' ');
    let d = num(parts.next()?, 2)?;
    let month = parts.next()?;
    let m = MONTHS.iter().position(|&n| n == month)? as i64 + 1;
    let y = num(parts.next()?, 4)?;
    let mut time = parts.next()?.split(':');
    let hh = num(time.next()?, 2)?;
    let mm = num(time.next()?, 2)?;
    let ss = num(time.next()?, 2)?;
    if time.next().is_some() || parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    from_parts(y, m, d, hh, mm, ss)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the era-based
/// method: 400-year eras of 146,097 days, years starting in March).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (m as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + d as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> Option<i64> {
        SpecDate::parse(text).map(|d| d.unix_seconds)
    }

    #[test]
    fn epoch_form_of_rfc_9745() {
        assert_eq!(secs("@0"), Some(0));
        assert_eq!(secs("@1688169599"), Some(1_688_169_599));
        assert_eq!(secs(" @1688169599 "), Some(1_688_169_599));
        assert_eq!(secs("@-86400"), Some(-86_400));
        assert_eq!(secs("@"), None);
        assert_eq!(secs("@12a"), None);
        assert_eq!(secs("@99999999999999999999"), None);
    }

    #[test]
    fn http_dates_of_rfc_9110() {
        assert_eq!(secs("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(secs("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(secs("Sat, 29 Feb 2020 00:00:00 GMT"), Some(1_582_934_400));
        // Not a leap year, no month called Foo, wrong zone, missing parts.
        assert_eq!(secs("Fri, 29 Feb 2019 00:00:00 GMT"), None);
        assert_eq!(secs("Sun, 06 Foo 1994 08:49:37 GMT"), None);
        assert_eq!(secs("Sun, 06 Nov 1994 08:49:37 CET"), None);
        assert_eq!(secs("Sun, 06 Nov 1994"), None);
        assert_eq!(secs("Sun, 06 Nov 1994 25:00:00 GMT"), None);
    }

    #[test]
    fn iso_dates_of_x_sunset() {
        assert_eq!(secs("2025-11-01"), Some(1_761_955_200));
        assert_eq!(secs("\"2025-11-01\""), Some(1_761_955_200));
        assert_eq!(secs("2025-11-01T12:00:00Z"), Some(1_761_955_200 + 43_200));
        assert_eq!(secs("2025-13-01"), None);
        assert_eq!(secs("2025-04-31"), None);
        assert_eq!(secs("2025-11-01T12:00:00+02:00"), None);
        assert_eq!(secs("soon"), None);
        assert_eq!(secs(""), None);
    }

    #[test]
    fn days_round_trip_across_eras() {
        for days in [
            -800_000, -719_468, -1, 0, 1, 59, 60, 365, 10_957, 20_000, 2_932_896,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn display_is_iso() {
        assert_eq!(SpecDate { unix_seconds: 0 }.to_string(), "1970-01-01");
        assert_eq!(
            SpecDate {
                unix_seconds: 784_111_777
            }
            .to_string(),
            "1994-11-06T08:49:37Z"
        );
    }
}
