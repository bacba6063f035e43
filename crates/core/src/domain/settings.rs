//! What every device must apply alike: the rule table and the holiday
//! calendar. A supervisor's changes are events on the `settings` stream, so
//! they travel in bundles and merge like tickets; every device folds them in
//! the same (HLC) order over the data shipped with the build and so reaches
//! the same rules. A published table that does not validate is listed and
//! skipped, never half-applied.

use crate::domain::calendar::Calendar;
use crate::domain::event::{sort_in_fold_order, Event, EventBody};
use crate::domain::rules::RuleTable;
use crate::domain::tariff::TariffTable;
use crate::domain::trust::roster::{Authority, NotGoverning};
use chrono::{DateTime, Utc};

/// The stream (`ticket` field) that settings events are written to.
pub const SETTINGS_STREAM: &str = "settings";

#[derive(Clone, Debug, PartialEq)]
pub struct Publication {
    pub version: String,
    pub at: DateTime<Utc>,
    pub author: String,
    pub reason: String,
    pub event: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub event: String,
    pub why: Why,
}

/// Why a settings event was not applied.
#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    /// Its content does not validate (the validator's words).
    Invalid(String),
    /// Not signed by a supervisor this device trusts.
    NotSupervisor { device: String },
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub table: RuleTable,
    pub calendar: Calendar,
    /// The bill calculator's tariff (a sample until a supervisor publishes one).
    pub tariff: TariffTable,
    /// Every valid publication, oldest first; the last one is in force.
    pub publications: Vec<Publication>,
    pub calendar_changes: usize,
    pub rejected: Vec<Rejected>,
    /// Ids of the settings events seen (applied or not), for "did anything change".
    pub fingerprint: Vec<String>,
}

pub fn is_settings(e: &Event) -> bool {
    e.ticket == SETTINGS_STREAM
}

/// Folds the settings events (in any order) over the shipped table and
/// calendar; those `authority` does not count are listed as rejected.
pub fn settings<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    authority: &Authority,
) -> Settings {
    let mut ours: Vec<&Event> = events.into_iter().filter(|e| is_settings(e)).collect();
    sort_in_fold_order(&mut ours);
    ours.dedup_by(|a, b| a.id == b.id);
    let fingerprint = ours.iter().map(|e| e.id.to_string()).collect();
    let mut refused = vec![];
    ours.retain(|e| match authority.counts(e) {
        Ok(()) => true,
        Err(NotGoverning::NotSupervisor { device }) => {
            refused.push(Rejected {
                event: e.id.to_string(),
                why: Why::NotSupervisor { device },
            });
            false
        }
    });
    let mut s = Settings {
        table: RuleTable::shipped(),
        calendar: Calendar::shipped(),
        tariff: TariffTable::shipped(),
        publications: vec![],
        calendar_changes: 0,
        rejected: refused,
        fingerprint,
    };
    for e in ours {
        match &e.body {
            EventBody::RulesPublished { table, reason } => match RuleTable::from_json(table) {
                Ok(table) => {
                    s.publications.push(Publication {
                        version: table.version.clone(),
                        at: e.at,
                        author: e.author.to_string(),
                        reason: reason.clone(),
                        event: e.id.to_string(),
                    });
                    s.table = table;
                }
                Err(problems) => s.rejected.push(Rejected {
                    event: e.id.to_string(),
                    why: Why::Invalid(problems.to_string()),
                }),
            },
            EventBody::TariffPublished { tariff, .. } => match TariffTable::from_json(tariff) {
                Ok(t) => s.tariff = t,
                Err(why) => s.rejected.push(Rejected {
                    event: e.id.to_string(),
                    why: Why::Invalid(why.to_string()),
                }),
            },
            EventBody::CalendarYearSet { year } => match s.calendar.import_holiday_cn(year) {
                Ok(_) => s.calendar_changes += 1,
                Err(why) => s.rejected.push(Rejected {
                    event: e.id.to_string(),
                    why: Why::Invalid(why.to_string()),
                }),
            },
            EventBody::CalendarDaySet {
                date,
                working,
                name,
            } => {
                s.calendar.set_working(*date, *working, name.clone());
                s.calendar_changes += 1;
            }
            _ => {}
        }
    }
    s
}

/// The version a new publication of `table` gets: the table's own version
/// with the next edit number (`2026.11-1` → `2026.11-1.e1` → `2026.11-1.e2`).
pub fn next_version(current: &str) -> String {
    match current.rsplit_once(".e") {
        Some((base, n)) if n.parse::<u32>().is_ok() => {
            format!("{base}.e{}", n.parse::<u32>().unwrap_or(0) + 1)
        }
        _ => format!("{current}.e1"),
    }
}

/// A change to what every device applies that a file (or a sync) brings,
/// as the import preview names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A rule table, by its version (the table's own `version` field).
    Rules(String),
    /// A tariff table, by its version.
    Tariff(String),
    /// A whole calendar year.
    CalendarYear(String),
    /// One day made a working or a rest day.
    CalendarDay(chrono::NaiveDate),
}

/// One carried change, and whether this device will apply it (signed by a
/// supervisor it trusts; see `Authority`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carried {
    pub change: Change,
    pub applies: bool,
}

/// The settings changes among `new` (events new to this device), in their
/// order; one applies when `authority` counts its writer and it validates
/// once folded with what the device holds (`held`).
pub fn carried<'a>(
    held: impl IntoIterator<Item = &'a Event>,
    new: &[&'a Event],
    authority: &Authority,
) -> Vec<Carried> {
    if !new.iter().any(|e| is_settings(e)) {
        return Vec::new();
    }
    let rejected: Vec<String> = settings(held.into_iter().chain(new.iter().copied()), authority)
        .rejected
        .into_iter()
        .map(|r| r.event)
        .collect();
    let events = new.iter().copied();
    let version = |json: &str| {
        serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|v| v["version"].as_str().map(str::to_string))
            .unwrap_or_default()
    };
    events
        .filter(|e| is_settings(e))
        .filter_map(|e| {
            let change = match &e.body {
                EventBody::RulesPublished { table, .. } => Change::Rules(version(table)),
                EventBody::TariffPublished { tariff, .. } => Change::Tariff(version(tariff)),
                EventBody::CalendarYearSet { year } => Change::CalendarYear(
                    serde_json::from_str::<serde_json::Value>(year)
                        .ok()
                        .and_then(|v| v["year"].as_i64().map(|y| y.to_string()))
                        .unwrap_or_default(),
                ),
                EventBody::CalendarDaySet { date, .. } => Change::CalendarDay(*date),
                _ => return None,
            };
            Some(Carried {
                change,
                applies: authority.counts(e).is_ok() && !rejected.iter().any(|r| *r == e.id),
            })
        })
        .collect()
}
