//! Monthly figures, alerts, the red and black lists, hot topics and the daily
//! bulletin: folds over ledger rows (spec §8). Complaint counts are over
//! tickets of kind `complaint`; the on-time rates are over every ticket a
//! clock applied to.

use super::audit::AuditSample;
use super::ledger::LedgerRow;
use super::tally::{trend_months, Counts, MonthTally};
use crate::domain::classify::Classifier;
use crate::domain::clock::ClockState;
use crate::domain::lean_sort;
use crate::domain::rules::RuleTable;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A count with its share of the whole, largest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: u32,
    /// Of the total the counts were taken over, 0–1.
    pub share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    pub month: String,
    pub complaints: u32,
    /// Change from the month before, in percent; none when that month had none.
    pub change_percent: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OnTime {
    pub clock: String,
    pub met: u32,
    pub late: u32,
    /// Still running past the deadline.
    pub overdue: u32,
    /// met / (met + late + overdue), 0–1; none when no clock of this kind finished or ran late.
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bucket {
    /// Upper bound in hours (exclusive); none for the last, open bucket.
    pub below_hours: Option<u32>,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Satisfaction {
    pub rated: u32,
    pub mean: Option<f64>,
    /// Share of rated tickets at or above the rule table's threshold, 0–1.
    pub satisfied_share: Option<f64>,
    pub threshold: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthlyReport {
    pub month: String,
    pub rule_table_version: String,
    pub tickets: u32,
    pub complaints: u32,
    /// Questions answered at the kiosk by a frequent-question entry.
    pub self_service: u32,
    pub by_kind: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_area: Vec<Count>,
    pub by_station: Vec<Count>,
    pub by_team: Vec<Count>,
    /// The six months up to this one.
    pub trend: Vec<TrendPoint>,
    pub on_time: Vec<OnTime>,
    pub handling_hours: Vec<Bucket>,
    pub median_handling_hours: Option<f64>,
    pub satisfaction: Satisfaction,
}

/// Handling-time buckets, in hours: within a day, three days, five, ten, more.
const BUCKETS: [u32; 4] = [24, 72, 120, 240];

fn counts(map: &Counts) -> Vec<Count> {
    let total: u32 = map.values().sum();
    let mut out: Vec<Count> = map
        .iter()
        .map(|(key, &count)| Count {
            key: key.clone(),
            count,
            share: f64::from(count) / f64::from(total.max(1)),
        })
        .collect();
    lean_sort::sort_by(&mut out, |a, b| {
        b.count.cmp(&a.count).then(a.key.cmp(&b.key))
    });
    out
}

/// The key for rows without a value (no team, no station, area unknown).
pub const UNKNOWN: &str = "-";

pub fn complaints_in<'a>(
    rows: &'a [LedgerRow],
    month: &'a str,
) -> impl Iterator<Item = &'a LedgerRow> {
    rows.iter()
        .filter(move |r| r.month == month && r.is_complaint())
}

pub fn monthly_report(rows: &[LedgerRow], month: &str, table: &RuleTable) -> MonthlyReport {
    MonthTally::of(rows, month, table, None).report()
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

impl MonthTally {
    /// The month's figures (spec §8).
    pub fn report(&self) -> MonthlyReport {
        let count_of = |m: &str| self.complaints_by_month.get(m).copied().unwrap_or(0);
        let trend = trend_months(&self.month)
            .windows(2)
            .map(|w| {
                let (before, now) = (count_of(&w[0]), count_of(&w[1]));
                TrendPoint {
                    month: w[1].clone(),
                    complaints: now,
                    change_percent: (before > 0)
                        .then(|| (f64::from(now) - f64::from(before)) / f64::from(before) * 100.0),
                }
            })
            .collect();
        let on_time = self
            .clocks
            .iter()
            .map(|code| {
                let c = self.on_time.get(code).copied().unwrap_or_default();
                OnTime {
                    clock: code.clone(),
                    met: c.met,
                    late: c.late,
                    overdue: c.overdue,
                    rate: share(c.met, c.met + c.late + c.overdue),
                }
            })
            .collect();
        let hours = |seconds: u64| seconds as f64 / 3600.0;
        let mut buckets: Vec<Bucket> = BUCKETS
            .iter()
            .map(|&b| Some(b))
            .chain([None])
            .map(|below_hours| Bucket {
                below_hours,
                count: 0,
            })
            .collect();
        for (&seconds, &n) in &self.handling_seconds {
            let at = BUCKETS
                .iter()
                .position(|&b| hours(seconds) < f64::from(b))
                .unwrap_or(BUCKETS.len());
            buckets[at].count += n;
        }
        let handled: u32 = self.handling_seconds.values().sum();
        // The k-th handling time (from 0), walking the histogram.
        let nth = |k: u32| {
            let mut seen = 0;
            self.handling_seconds
                .iter()
                .find(|(_, &n)| {
                    seen += n;
                    seen > k
                })
                .map(|(&s, _)| hours(s))
                .expect("k is below the count")
        };
        let median = (handled > 0).then(|| {
            let mid = handled / 2;
            if handled.is_multiple_of(2) {
                (nth(mid - 1) + nth(mid)) / 2.0
            } else {
                nth(mid)
            }
        });
        let rated: u32 = self.ratings.values().sum();
        let threshold = self.satisfaction_threshold;
        let satisfaction = Satisfaction {
            rated,
            mean: (rated > 0).then(|| {
                let sum: f64 = self
                    .ratings
                    .iter()
                    .map(|(&s, &n)| f64::from(s) * f64::from(n))
                    .sum();
                sum / f64::from(rated)
            }),
            satisfied_share: share(
                self.ratings
                    .iter()
                    .filter(|(&s, _)| s >= threshold)
                    .map(|(_, &n)| n)
                    .sum(),
                rated,
            ),
            threshold,
        };
        MonthlyReport {
            month: self.month.clone(),
            rule_table_version: self.rule_table_version.clone(),
            tickets: self.tickets,
            complaints: self.complaints,
            self_service: self.self_service,
            by_kind: counts(&self.by_kind),
            by_category: counts(&self.by_category),
            by_area: counts(&self.by_area),
            by_station: counts(&self.by_station),
            by_team: counts(&self.by_team),
            trend,
            on_time,
            handling_hours: buckets,
            median_handling_hours: median,
            satisfaction,
        }
    }
}

/// Whether a group is an area or a station.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Area,
    Station,
}

/// One category taking more than the rule table's share of a place's month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HighFrequency {
    pub scope: Scope,
    pub place: String,
    pub category: String,
    pub count: u32,
    pub of: u32,
    pub share: f64,
    pub rule: String,
    pub source: String,
}

/// High-frequency alerts for a month (003 §七(一)): a category above
/// `share` of an area's or station's complaints, counted at least `min_count`
/// times. Both thresholds come from the rule table.
pub fn high_frequency(rows: &[LedgerRow], month: &str, table: &RuleTable) -> Vec<HighFrequency> {
    MonthTally::of(rows, month, table, None).high_frequency()
}

/// A phone number behind more than one complaint in the month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RepeatComplainant {
    pub phone: String,
    pub tickets: Vec<String>,
}

/// Complainants' tickets listed in number order.
pub fn repeat_complainants(
    rows: &[LedgerRow],
    month: &str,
    table: &RuleTable,
) -> Vec<RepeatComplainant> {
    MonthTally::of(rows, month, table, None).repeat_complainants()
}

/// A team's month for the red and black lists.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamRecord {
    pub team: String,
    pub complaints: u32,
    pub rated: u32,
    pub satisfied: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamLists {
    /// Zero complaints in the month, or every rated complaint satisfied.
    pub red: Vec<TeamRecord>,
    /// The three teams with the most complaints; they owe a rectification plan.
    pub black: Vec<TeamRecord>,
}

/// Red and black lists (003 §七(一)). The teams are every team named on any
/// ticket in the data, so a team without complaints this month still counts.
pub fn team_lists(rows: &[LedgerRow], month: &str, table: &RuleTable) -> TeamLists {
    MonthTally::of(rows, month, table, None).team_lists()
}

/// The most frequent complaint terms of one station in a month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HotTopics {
    pub station: String,
    pub terms: Vec<Count>,
}

/// Hot topics (004 §2): the rule table's topic keywords that the classifier found
/// in each station's complaints of the month, most frequent first (each term
/// counted once per ticket).
pub fn hot_topics(
    rows: &[LedgerRow],
    month: &str,
    table: &RuleTable,
    classifier: &Classifier,
    top: usize,
) -> Vec<HotTopics> {
    MonthTally::of(rows, month, table, Some(classifier)).hot_topics(top)
}

/// The figures of a tally: the same for one station's rows and for a merge.
impl MonthTally {
    /// The high-frequency alerts, areas first, then stations.
    pub fn high_frequency(&self) -> Vec<HighFrequency> {
        let rule = &self.high_frequency_rule;
        let mut out = Vec::new();
        for (scope, places) in [
            (Scope::Area, &self.categories_by_area),
            (Scope::Station, &self.categories_by_station),
        ] {
            for (place, categories) in places {
                let of: u32 = categories.values().sum();
                for (category, &count) in categories {
                    let share = f64::from(count) / f64::from(of);
                    if share > rule.share && count >= rule.min_count {
                        out.push(HighFrequency {
                            scope,
                            place: place.clone(),
                            category: category.clone(),
                            count,
                            of,
                            share,
                            rule: rule.id.to_string(),
                            source: rule.source.to_string(),
                        });
                    }
                }
            }
        }
        out
    }

    /// Phone numbers behind more than one complaint, most first.
    pub fn repeat_complainants(&self) -> Vec<RepeatComplainant> {
        let mut out: Vec<RepeatComplainant> = self
            .complainants
            .iter()
            .filter(|(_, t)| t.len() > 1)
            .map(|(phone, tickets)| RepeatComplainant {
                phone: phone.clone(),
                tickets: tickets.clone(),
            })
            .collect();
        lean_sort::sort_by(&mut out, |a, b| {
            b.tickets
                .len()
                .cmp(&a.tickets.len())
                .then(a.phone.cmp(&b.phone))
        });
        out
    }

    /// The red and black lists.
    pub fn team_lists(&self) -> TeamLists {
        let all: Vec<TeamRecord> = self
            .teams
            .iter()
            .map(|(team, t)| TeamRecord {
                team: team.clone(),
                complaints: t.complaints,
                rated: t.rated,
                satisfied: t.satisfied,
            })
            .collect();
        let red = all
            .iter()
            .filter(|t| t.complaints == 0 || (t.rated > 0 && t.satisfied == t.rated))
            .cloned()
            .collect();
        let mut black: Vec<TeamRecord> = all.into_iter().filter(|t| t.complaints > 0).collect();
        lean_sort::sort_by(&mut black, |a, b| {
            b.complaints.cmp(&a.complaints).then(a.team.cmp(&b.team))
        });
        black.truncate(3);
        TeamLists { red, black }
    }

    /// Each station's `top` topic terms (empty when tallied without a classifier).
    pub fn hot_topics(&self, top: usize) -> Vec<HotTopics> {
        self.hot_terms
            .iter()
            .map(|(station, terms)| {
                let mut terms = counts(terms);
                terms.truncate(top);
                HotTopics {
                    station: station.clone(),
                    terms,
                }
            })
            .collect()
    }

    /// The audit sample: one in ten closed tickets, lowest ranks first.
    pub fn audit(&self) -> AuditSample {
        AuditSample {
            month: self.month.clone(),
            population: self.audit_population,
            sample: self.audit_sample.iter().map(|d| d.ticket.clone()).collect(),
        }
    }
}

/// The daily bulletin (日通报, 002 §3.4): what arrived that day, what is
/// overdue now, and the open 一级 tickets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bulletin {
    pub day: NaiveDate,
    pub new: Vec<String>,
    pub overdue: Vec<String>,
    pub open_grade_1: Vec<String>,
}

pub fn bulletin(rows: &[LedgerRow], day: NaiveDate) -> Bulletin {
    let numbers = |f: &dyn Fn(&LedgerRow) -> bool| -> Vec<String> {
        rows.iter()
            .filter(|r| f(r))
            .map(|r| r.number.clone())
            .collect()
    };
    Bulletin {
        day,
        new: numbers(&|r| r.day == day),
        overdue: numbers(&|r| r.overdue()),
        open_grade_1: numbers(&|r| r.is_open() && r.grade == Some(1)),
    }
}

/// One team's quarter (002 §3.4 quarterly evaluation).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamQuarter {
    pub team: String,
    pub complaints: u32,
    /// Of the team's clocks decided in the quarter, the share met in time, 0–1.
    pub on_time: Option<f64>,
    pub satisfaction: Option<f64>,
    pub returns: u32,
}

/// Of the clocks decided (met, met late, or overdue), the share met on
/// time: the same measure as the month's on-time table, so a team's quarter
/// reads as its months do (a clock still running counts neither way).
fn on_time_share(rows: &[&LedgerRow]) -> Option<f64> {
    let (mut met, mut decided) = (0u32, 0u32);
    for c in rows.iter().flat_map(|r| &r.clocks) {
        match c.state {
            ClockState::Met => {
                met += 1;
                decided += 1;
            }
            ClockState::MetLate | ClockState::Overdue => decided += 1,
            _ => {}
        }
    }
    (decided > 0).then(|| f64::from(met) / f64::from(decided))
}

/// The quarter (1–4) of a year, per team.
pub fn quarterly(rows: &[LedgerRow], year: i32, quarter: u32) -> Vec<TeamQuarter> {
    let months: Vec<String> = (1..=3)
        .map(|i| format!("{year}-{:02}", (quarter - 1) * 3 + i))
        .collect();
    let mut teams: BTreeMap<&str, Vec<&LedgerRow>> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.is_complaint() && months.contains(&r.month))
    {
        teams
            .entry(r.team.as_deref().unwrap_or(UNKNOWN))
            .or_default()
            .push(r);
    }
    teams
        .into_iter()
        .map(|(team, rows)| {
            let n = rows.len() as u32;
            let rated: Vec<f64> = rows
                .iter()
                .filter_map(|r| r.satisfaction)
                .map(f64::from)
                .collect();
            TeamQuarter {
                team: team.to_string(),
                complaints: n,
                on_time: on_time_share(&rows),
                satisfaction: (!rated.is_empty())
                    .then(|| rated.iter().sum::<f64>() / rated.len() as f64),
                returns: rows.iter().map(|r| r.returns).sum(),
            }
        })
        .collect()
}
