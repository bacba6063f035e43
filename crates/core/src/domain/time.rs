//! Instants are stored in UTC and shown in China time (UTC+8, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// China Standard Time, UTC+8 all year.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The China-time calendar date of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// 00:00 China time at the start of `date`, as an instant.
pub fn china_midnight(date: NaiveDate) -> DateTime<Utc> {
    china()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

/// RFC 3339 in China time, e.g. `2026-11-26T00:00:00+08:00`.
pub fn to_china_rfc3339(at: DateTime<Utc>) -> String {
    at.with_timezone(&china()).to_rfc3339()
}

/// Serde for the instants every event carries (`at`), written and read the
/// way chrono's own serde does (`2026-11-20T08:30:00Z`, fractions of a second
/// in 3, 6 or 9 digits when there are any), without going through
/// `core::fmt` and chrono's general parser: start-up, import and export read
/// or write one per event, and those two were a tenth of an import's time in
/// the browser. Anything outside the usual shape is left to chrono.
pub mod utc_json {
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
    use serde::{de, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buffer = [0u8; 30];
        match write(at, &mut buffer) {
            Some(len) => serializer.serialize_str(
                std::str::from_utf8(&buffer[..len]).expect("ASCII digits and separators"),
            ),
            None => serde::Serialize::serialize(at, serializer),
        }
    }

    /// `None` for years outside 0..=9999 and leap seconds (chrono writes those).
    fn write(at: &DateTime<Utc>, out: &mut [u8; 30]) -> Option<usize> {
        let (year, nano) = (at.year(), at.nanosecond());
        if !(0..=9999).contains(&year) || nano >= 1_000_000_000 {
            return None;
        }
        let mut len = put(out, 0, year as u32, 4, b'-');
        len = put(out, len, at.month(), 2, b'-');
        len = put(out, len, at.day(), 2, b'T');
        len = put(out, len, at.hour(), 2, b':');
        len = put(out, len, at.minute(), 2, b':');
        if nano == 0 {
            len = put(out, len, at.second(), 2, b'Z');
        } else {
            len = put(out, len, at.second(), 2, b'.');
            len = match (nano % 1_000_000, nano % 1_000) {
                (0, _) => put(out, len, nano / 1_000_000, 3, b'Z'),
                (_, 0) => put(out, len, nano / 1_000, 6, b'Z'),
                _ => put(out, len, nano, 9, b'Z'),
            };
        }
        Some(len)
    }

    /// Writes `value` in `width` digits at `at`, then `then`; the new length.
    fn put(out: &mut [u8; 30], at: usize, value: u32, width: usize, then: u8) -> usize {
        let mut rest = value;
        for place in (at..at + width).rev() {
            out[place] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out[at + width] = then;
        at + width + 1
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        deserializer.deserialize_str(Visitor)
    }

    struct Visitor;

    impl de::Visitor<'_> for Visitor {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 formatted date and time string")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
            if let Some(at) = parse_usual(text.as_bytes()) {
                return Ok(at);
            }
            // What chrono's own serde accepts, with its messages.
            text.parse::<DateTime<FixedOffset>>()
                .map(|at| at.with_timezone(&Utc))
                .map_err(E::custom)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` exactly; `None` for anything else,
    /// including impossible dates (chrono then gives its error).
    pub fn parse_usual(text: &[u8]) -> Option<DateTime<Utc>> {
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            text.get(range)?.iter().try_fold(0u32, |n, &b| {
                b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
            })
        };
        let at = |i: usize, c: u8| text.get(i) == Some(&c);
        if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
        let mut nano = 0;
        let mut end = 19;
        if at(19, b'.') {
            let fraction = text
                .get(20..)?
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if fraction == 0 || fraction > 9 {
                return None;
            }
            nano = number(20..20 + fraction)? * 10u32.pow(9 - fraction as u32);
            end = 20 + fraction;
        }
        if end + 1 != text.len() || !at(end, b'Z') {
            return None;
        }
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        // Second 60 (a leap second) is chrono's to read.
        let time = date.and_hms_nano_opt(hour, minute, second.lt(&60).then_some(second)?, nano)?;
        Some(time.and_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_date_rolls_over_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 11, 20, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 20, 16, 0, 0).unwrap();
        assert_eq!(
            china_date(before),
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
        );
        assert_eq!(
            china_date(after),
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        );
        assert_eq!(china_midnight(china_date(after)), after);
        assert_eq!(to_china_rfc3339(after), "2026-11-21T00:00:00+08:00");
    }
}
