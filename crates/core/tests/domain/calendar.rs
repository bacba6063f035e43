//! The official calendar on real dates: make-up Saturdays, weekday holidays,
//! deadlines across the Spring Festival and National Day, missing years, import.

use chrono::{DateTime, NaiveDate, Utc};
use gridcare_core::domain::calendar::{Calendar, CalendarError};
use gridcare_core::domain::clock::working_days_after;
use gridcare_core::domain::time::to_china_rfc3339;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn saturdays_and_sundays_that_were_working_days() {
    let cal = Calendar::shipped();
    for day in [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
        "2025-02-08",
        "2025-04-27",
        "2024-02-04",
        "2024-02-18",
        "2023-01-28",
        "2020-01-19",
    ] {
        let d = date(day);
        assert!(
            matches!(d.format("%a").to_string().as_str(), "Sat" | "Sun"),
            "{day} is a weekend"
        );
        assert!(
            cal.is_working_day(d).value,
            "{day} was a make-up working day"
        );
    }
}

#[test]
fn weekdays_that_were_holidays() {
    let cal = Calendar::shipped();
    for day in [
        "2026-01-02",
        "2026-02-16",
        "2026-02-23",
        "2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-01",
        "2026-10-07",
        "2025-10-08",
        "2025-01-28",
        "2024-04-04",
        "2023-04-05",
        "2020-01-31",
    ] {
        let d = date(day);
        assert!(
            !matches!(d.format("%a").to_string().as_str(), "Sat" | "Sun"),
            "{day} is a weekday"
        );
        let checked = cal.is_working_day(d);
        assert!(!checked.value, "{day} was a holiday");
        assert!(checked.missing_years.is_empty());
    }
    assert_eq!(cal.day(date("2026-10-01")).name.as_deref(), Some("国庆节"));
    assert_eq!(cal.day(date("2026-02-17")).name.as_deref(), Some("春节"));
}

#[test]
fn plain_weeks_follow_monday_to_friday() {
    let cal = Calendar::shipped();
    assert!(cal.is_working_day(date("2026-11-20")).value, "a Friday");
    assert!(!cal.is_working_day(date("2026-11-21")).value, "a Saturday");
    assert!(!cal.is_working_day(date("2026-11-22")).value, "a Sunday");
    assert!(cal.day(date("2026-11-23")).name.is_none());
}

#[test]
fn the_spec_example_friday_afternoon_plus_three_working_days() {
    let (due, missing) = working_days_after(
        &Calendar::shipped(),
        instant("2026-11-20T15:00:00+08:00"),
        3,
    );
    assert_eq!(
        to_china_rfc3339(due),
        "2026-11-26T00:00:00+08:00",
        "end of Wed 2026-11-25"
    );
    assert!(missing.is_empty());
}

#[test]
fn the_china_date_decides_not_the_utc_date() {
    // 23:30 on Friday in China is still Friday 15:30 UTC: the count starts on Monday.
    let (due, _) = working_days_after(&Calendar::shipped(), instant("2026-11-20T15:30:00Z"), 1);
    assert_eq!(to_china_rfc3339(due), "2026-11-24T00:00:00+08:00");
    // 00:30 on Saturday in China is Friday 16:30 UTC: the count also starts on Monday.
    let (due, _) = working_days_after(&Calendar::shipped(), instant("2026-11-20T16:30:00Z"), 1);
    assert_eq!(to_china_rfc3339(due), "2026-11-24T00:00:00+08:00");
}

#[test]
fn a_deadline_across_the_spring_festival_counts_the_make_up_saturday() {
    // Fri 2026-02-13: Sat 02-14 is worked (1), 02-15..02-23 are the holiday, Tue 02-24 (2), Wed 02-25 (3).
    let (due, _) = working_days_after(
        &Calendar::shipped(),
        instant("2026-02-13T10:00:00+08:00"),
        3,
    );
    assert_eq!(to_china_rfc3339(due), "2026-02-26T00:00:00+08:00");
    // Seven working days from the make-up Saturday: 02-24, 25, 26, 27, Sat 02-28 (worked), 03-02, 03-03.
    let (due, _) = working_days_after(
        &Calendar::shipped(),
        instant("2026-02-14T18:00:00+08:00"),
        7,
    );
    assert_eq!(to_china_rfc3339(due), "2026-03-04T00:00:00+08:00");
}

#[test]
fn a_deadline_across_national_day_lands_on_the_make_up_saturday() {
    // Wed 2026-09-30: 10-01..10-07 rest, Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 worked (3).
    let (due, _) = working_days_after(
        &Calendar::shipped(),
        instant("2026-09-30T09:00:00+08:00"),
        3,
    );
    assert_eq!(to_china_rfc3339(due), "2026-10-11T00:00:00+08:00");
    // 2025: 10-01..10-08 rest, Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 worked (3).
    let (due, _) = working_days_after(
        &Calendar::shipped(),
        instant("2025-09-30T09:00:00+08:00"),
        3,
    );
    assert_eq!(to_china_rfc3339(due), "2025-10-12T00:00:00+08:00");
}

#[test]
fn every_shipped_year_is_known_and_a_later_year_says_it_is_missing() {
    let cal = Calendar::shipped();
    let years: Vec<i32> = cal.known_years().collect();
    assert_eq!(years, (2020..=2026).collect::<Vec<_>>());
    let checked = cal.is_working_day(date("2031-05-01"));
    assert!(checked.value, "plain weekday rule: Thursday");
    assert_eq!(
        checked.missing_years.into_iter().collect::<Vec<_>>(),
        vec![2031]
    );
    let (_, missing) = working_days_after(&cal, instant("2026-12-30T10:00:00+08:00"), 5);
    assert_eq!(missing.into_iter().collect::<Vec<_>>(), vec![2027]);
}

#[test]
fn a_year_imports_in_the_holiday_cn_layout_all_or_nothing() {
    let mut cal = Calendar::shipped();
    let year = cal
        .import_holiday_cn(
            r#"{"year": 2027, "days": [
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "春节", "date": "2027-02-06", "isOffDay": false},
                {"name": "春节", "date": "2027-02-08", "isOffDay": true}]}"#,
        )
        .unwrap();
    assert_eq!(year, 2027);
    assert!(cal.knows_year(2027));
    assert!(!cal.is_working_day(date("2027-01-01")).value);
    assert!(
        cal.is_working_day(date("2027-02-06")).value,
        "a Saturday made a working day"
    );
    assert!(cal
        .is_working_day(date("2027-03-01"))
        .missing_years
        .is_empty());

    let before = cal.clone();
    let weekday_make_up =
        r#"{"year": 2028, "days": [{"name": "x", "date": "2028-01-05", "isOffDay": false}]}"#;
    assert_eq!(
        cal.import_holiday_cn(weekday_make_up),
        Err(CalendarError::ImplausibleDay {
            date: date("2028-01-05")
        })
    );
    let conflicting = r#"{"year": 2028, "days": [
        {"name": "a", "date": "2028-01-01", "isOffDay": true}, {"name": "b", "date": "2028-01-01", "isOffDay": false}]}"#;
    assert!(cal.import_holiday_cn(conflicting).is_err());
    assert!(matches!(
        cal.import_holiday_cn("{\"year\": 2028"),
        Err(CalendarError::Syntax(_))
    ));
    assert!(cal
        .import_holiday_cn(
            r#"{"year": 2028, "days": [{"name": "x", "date": "2031-01-01", "isOffDay": true}]}"#
        )
        .is_err());
    assert_eq!(cal, before, "a refused file changes nothing");
}
