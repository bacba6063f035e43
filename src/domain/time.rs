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
