//! The official China working-day calendar: Mon–Fri work and Sat–Sun rest,
//! except statutory holidays (rest) and make-up working days (调休). Shipped as
//! data for 2020 onwards; further years import in the holiday-cn JSON layout.
//! Outside the known years the plain weekday rule applies and every answer says
//! which years were missing, so a deadline never silently rests on a guess.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

const SHIPPED: &str = include_str!("data/calendar_cn.json");

/// One special day, as holiday-cn writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub name: String,
    pub date: NaiveDate,
    /// `true`: a holiday rest day; `false`: a make-up working day.
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

/// One year in the holiday-cn layout: `{"year": 2027, "days": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearData {
    pub year: i32,
    pub days: Vec<SpecialDay>,
}

#[derive(Deserialize)]
struct ShippedFile {
    years: Vec<YearData>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("not a holiday-cn calendar file: {0}")]
    Syntax(String),
    #[error("{date} is listed under year {year} but lies outside it")]
    DayOutsideYear { year: i32, date: NaiveDate },
    #[error("{date} is listed both as a rest day and as a working day")]
    Conflicting { date: NaiveDate },
    #[error("{date} is a make-up working day but not a Saturday or Sunday")]
    ImplausibleDay { date: NaiveDate },
}

/// A working-day answer together with the years it had no data for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked<T> {
    pub value: T,
    /// Years whose official calendar is missing; the answer assumed plain weekends there.
    pub missing_years: BTreeSet<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub working: bool,
    /// The holiday's name for special days.
    pub name: Option<String>,
    pub year_known: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    special: BTreeMap<NaiveDate, SpecialDay>,
    known_years: BTreeSet<i32>,
}

impl Calendar {
    /// The calendar shipped with the app (2020 through the newest announced year).
    pub fn shipped() -> Calendar {
        let file: ShippedFile =
            serde_json::from_str(SHIPPED).expect("shipped calendar is valid JSON");
        let mut calendar = Calendar::default();
        for year in file.years {
            calendar
                .import_year(year)
                .expect("shipped calendar is consistent");
        }
        calendar
    }

    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.known_years.iter().copied()
    }

    pub fn knows_year(&self, year: i32) -> bool {
        self.known_years.contains(&year)
    }

    /// Parses one year in the holiday-cn layout and adds it, replacing any data
    /// already held for that year. Nothing changes if the file has a problem.
    pub fn import_holiday_cn(&mut self, json: &str) -> Result<i32, CalendarError> {
        let year: YearData = serde_json::from_str(json.trim_start_matches('\u{feff}'))
            .map_err(|e| CalendarError::Syntax(e.to_string()))?;
        let number = year.year;
        self.import_year(year)?;
        Ok(number)
    }

    /// Adds one year of special days, all or nothing.
    pub fn import_year(&mut self, data: YearData) -> Result<(), CalendarError> {
        let mut days: BTreeMap<NaiveDate, SpecialDay> = BTreeMap::new();
        for day in data.days {
            // holiday-cn files may list a day just across New Year (元旦 2023 began 2022-12-31).
            if (day.date.year() - data.year).abs() > 1 {
                return Err(CalendarError::DayOutsideYear {
                    year: data.year,
                    date: day.date,
                });
            }
            if !day.is_off_day && !is_weekend(day.date) {
                return Err(CalendarError::ImplausibleDay { date: day.date });
            }
            if let Some(previous) = days.get(&day.date) {
                if previous.is_off_day != day.is_off_day {
                    return Err(CalendarError::Conflicting { date: day.date });
                }
            }
            days.insert(day.date, day);
        }
        self.special
            .retain(|date, _| date.year() != data.year || days.contains_key(date));
        self.special.extend(days);
        self.known_years.insert(data.year);
        Ok(())
    }

    /// Sets one day by hand (a supervisor's correction).
    pub fn set_day(&mut self, day: SpecialDay) {
        self.special.insert(day.date, day);
    }

    /// Makes one day a working or a rest day; a day that then follows the
    /// plain weekday rule is no longer special.
    pub fn set_working(&mut self, date: NaiveDate, working: bool, name: Option<String>) {
        // A working weekday or a resting weekend day is no longer special.
        if working != is_weekend(date) {
            self.special.remove(&date);
        } else {
            self.set_day(SpecialDay {
                name: name.unwrap_or_default(),
                date,
                is_off_day: !working,
            });
        }
    }

    /// The special days of a year, in date order.
    pub fn special_days(&self, year: i32) -> impl Iterator<Item = &SpecialDay> {
        self.special.values().filter(move |d| d.date.year() == year)
    }

    pub fn day(&self, date: NaiveDate) -> DayInfo {
        let special = self.special.get(&date);
        DayInfo {
            date,
            working: is_working(special, date),
            name: special.map(|d| d.name.clone()),
            year_known: self.knows_year(date.year()),
        }
    }

    /// Whether `date` is a working day, and whether its year is known:
    /// `day` without the holiday's name (deadlines ask this of every day
    /// they count, for every clock of every ticket).
    fn working(&self, date: NaiveDate) -> (bool, bool) {
        (
            is_working(self.special.get(&date), date),
            self.knows_year(date.year()),
        )
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Checked<bool> {
        let (value, year_known) = self.working(date);
        let mut missing_years = BTreeSet::new();
        if !year_known {
            missing_years.insert(date.year());
        }
        Checked {
            value,
            missing_years,
        }
    }

    /// The `n`-th working day strictly after `date` (n = 0 gives `date` itself).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Checked<NaiveDate> {
        let mut missing_years = BTreeSet::new();
        let mut current = date;
        let mut counted = 0;
        while counted < n {
            current = current + Days::new(1);
            let (working, year_known) = self.working(current);
            if !year_known {
                missing_years.insert(current.year());
            }
            if working {
                counted += 1;
            }
        }
        Checked {
            value: current,
            missing_years,
        }
    }

    /// Every day from `from` to `to`, both included.
    pub fn days(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = DayInfo> + '_ {
        from.iter_days()
            .take_while(move |d| *d <= to)
            .map(|d| self.day(d))
    }
}

/// A special day's own say, else the plain weekday rule.
fn is_working(special: Option<&SpecialDay>, date: NaiveDate) -> bool {
    match special {
        Some(day) => !day.is_off_day,
        None => !is_weekend(date),
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
