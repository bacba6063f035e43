//! Monthly figures, alerts, the red and black lists, hot topics and the daily
//! bulletin: folds over ledger rows (spec §8). Complaint counts are over
//! tickets of kind `complaint`; the on-time rates are over every ticket a
//! clock applied to.

use super::ledger::LedgerRow;
use super::previous_month;
use crate::domain::classify::Classifier;
use crate::domain::clock::ClockState;
use crate::domain::rules::RuleTable;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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

fn counts<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<Count> {
    let mut map: BTreeMap<&str, u32> = BTreeMap::new();
    let mut total = 0;
    for k in keys {
        *map.entry(k).or_default() += 1;
        total += 1;
    }
    let mut out: Vec<Count> = map
        .into_iter()
        .map(|(key, count)| Count {
            key: key.to_string(),
            count,
            share: f64::from(count) / f64::from(total.max(1)),
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
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
    let of_month: Vec<&LedgerRow> = rows.iter().filter(|r| r.month == month).collect();
    let complaints: Vec<&LedgerRow> = of_month
        .iter()
        .copied()
        .filter(|r| r.is_complaint())
        .collect();
    let mut trend_months = vec![month.to_string()];
    while trend_months.len() < 7 {
        let before = previous_month(trend_months.last().expect("not empty"));
        match before {
            Some(m) => trend_months.push(m),
            None => break,
        }
    }
    trend_months.reverse();
    let per_month: HashMap<&str, u32> =
        rows.iter()
            .filter(|r| r.is_complaint())
            .fold(HashMap::new(), |mut map, r| {
                *map.entry(r.month.as_str()).or_default() += 1;
                map
            });
    let count_of = |m: &str| per_month.get(m).copied().unwrap_or(0);
    let trend = trend_months
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
    let mut on_time: Vec<OnTime> = Vec::new();
    for c in &table.clocks {
        if on_time.iter().any(|o| o.clock == c.code) {
            continue;
        }
        let mut o = OnTime {
            clock: c.code.clone(),
            met: 0,
            late: 0,
            overdue: 0,
            rate: None,
        };
        for r in &of_month {
            match r.clock(&c.code).map(|x| x.state) {
                Some(ClockState::Met) => o.met += 1,
                Some(ClockState::MetLate) => o.late += 1,
                Some(ClockState::Overdue) => o.overdue += 1,
                _ => {}
            }
        }
        let decided = o.met + o.late + o.overdue;
        o.rate = (decided > 0).then(|| f64::from(o.met) / f64::from(decided));
        on_time.push(o);
    }
    let mut hours: Vec<f64> = complaints.iter().filter_map(|r| r.handling_hours).collect();
    hours.sort_by(f64::total_cmp);
    let mut buckets: Vec<Bucket> = BUCKETS
        .iter()
        .map(|&b| Bucket {
            below_hours: Some(b),
            count: 0,
        })
        .chain([Bucket {
            below_hours: None,
            count: 0,
        }])
        .collect();
    for h in &hours {
        let at = BUCKETS
            .iter()
            .position(|&b| *h < f64::from(b))
            .unwrap_or(BUCKETS.len());
        buckets[at].count += 1;
    }
    let median = (!hours.is_empty()).then(|| {
        let mid = hours.len() / 2;
        if hours.len().is_multiple_of(2) {
            (hours[mid - 1] + hours[mid]) / 2.0
        } else {
            hours[mid]
        }
    });
    MonthlyReport {
        month: month.to_string(),
        rule_table_version: table.version.clone(),
        tickets: of_month.len() as u32,
        complaints: complaints.len() as u32,
        self_service: of_month.iter().filter(|r| r.self_service).count() as u32,
        by_kind: counts(of_month.iter().map(|r| r.kind.as_str())),
        by_category: counts(complaints.iter().map(|r| r.category.as_str())),
        by_area: counts(
            complaints
                .iter()
                .map(|r| r.area.map(|a| a.code()).unwrap_or(UNKNOWN)),
        ),
        by_station: counts(
            complaints
                .iter()
                .map(|r| r.station.as_deref().unwrap_or(UNKNOWN)),
        ),
        by_team: counts(
            complaints
                .iter()
                .map(|r| r.team.as_deref().unwrap_or(UNKNOWN)),
        ),
        trend,
        on_time,
        handling_hours: buckets,
        median_handling_hours: median,
        satisfaction: satisfaction(&complaints, table.satisfaction_threshold.percent),
    }
}

fn satisfaction(rows: &[&LedgerRow], threshold: u8) -> Satisfaction {
    let rated: Vec<u8> = rows.iter().filter_map(|r| r.satisfaction).collect();
    let n = rated.len() as u32;
    Satisfaction {
        rated: n,
        mean: (n > 0).then(|| rated.iter().map(|&s| f64::from(s)).sum::<f64>() / f64::from(n)),
        satisfied_share: (n > 0)
            .then(|| rated.iter().filter(|&&s| s >= threshold).count() as f64 / f64::from(n)),
        threshold,
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
    let rule = &table.high_frequency;
    let mut out = Vec::new();
    for scope in [Scope::Area, Scope::Station] {
        let mut places: BTreeMap<String, BTreeMap<&str, u32>> = BTreeMap::new();
        for r in complaints_in(rows, month) {
            let place = match scope {
                Scope::Area => r.area.map(|a| a.code().to_string()),
                Scope::Station => r.station.clone(),
            };
            if let Some(place) = place {
                *places
                    .entry(place)
                    .or_default()
                    .entry(r.category.as_str())
                    .or_default() += 1;
            }
        }
        for (place, categories) in places {
            let of: u32 = categories.values().sum();
            for (category, count) in categories {
                let share = f64::from(count) / f64::from(of);
                if share > rule.share && count >= rule.min_count {
                    out.push(HighFrequency {
                        scope,
                        place: place.clone(),
                        category: category.to_string(),
                        count,
                        of,
                        share,
                        rule: rule.id.clone(),
                        source: rule.source.clone(),
                    });
                }
            }
        }
    }
    out
}

/// A phone number behind more than one complaint in the month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RepeatComplainant {
    pub phone: String,
    pub tickets: Vec<String>,
}

pub fn repeat_complainants(rows: &[LedgerRow], month: &str) -> Vec<RepeatComplainant> {
    let mut by_phone: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in complaints_in(rows, month) {
        if let Some(phone) = r.phone.as_deref().filter(|p| !p.is_empty()) {
            by_phone.entry(phone).or_default().push(r.number.clone());
        }
    }
    let mut out: Vec<RepeatComplainant> = by_phone
        .into_iter()
        .filter(|(_, t)| t.len() > 1)
        .map(|(phone, tickets)| RepeatComplainant {
            phone: phone.to_string(),
            tickets,
        })
        .collect();
    out.sort_by(|a, b| {
        b.tickets
            .len()
            .cmp(&a.tickets.len())
            .then(a.phone.cmp(&b.phone))
    });
    out
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
    let threshold = table.satisfaction_threshold.percent;
    let mut teams: BTreeMap<String, TeamRecord> = rows
        .iter()
        .filter_map(|r| r.team.clone())
        .map(|team| {
            (
                team.clone(),
                TeamRecord {
                    team,
                    complaints: 0,
                    rated: 0,
                    satisfied: 0,
                },
            )
        })
        .collect();
    for r in complaints_in(rows, month) {
        if let Some(t) = r.team.as_ref().and_then(|t| teams.get_mut(t)) {
            t.complaints += 1;
            if let Some(s) = r.satisfaction {
                t.rated += 1;
                t.satisfied += u32::from(s >= threshold);
            }
        }
    }
    let all: Vec<TeamRecord> = teams.into_values().collect();
    let red = all
        .iter()
        .filter(|t| t.complaints == 0 || (t.rated > 0 && t.satisfied == t.rated))
        .cloned()
        .collect();
    let mut black: Vec<TeamRecord> = all.into_iter().filter(|t| t.complaints > 0).collect();
    black.sort_by(|a, b| b.complaints.cmp(&a.complaints).then(a.team.cmp(&b.team)));
    black.truncate(3);
    TeamLists { red, black }
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
    classifier: &Classifier,
    top: usize,
) -> Vec<HotTopics> {
    let mut by_station: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in complaints_in(rows, month) {
        let mut terms: Vec<String> = classifier
            .classify(&r.text, &Default::default())
            .rules
            .into_iter()
            .filter(|f| f.id.starts_with("sub."))
            .flat_map(|f| f.matched)
            .collect();
        terms.sort();
        terms.dedup();
        by_station
            .entry(r.station.as_deref().unwrap_or(UNKNOWN))
            .or_default()
            .extend(terms);
    }
    by_station
        .into_iter()
        .map(|(station, terms)| {
            let mut terms = counts(terms.iter().map(String::as_str));
            terms.truncate(top);
            HotTopics {
                station: station.to_string(),
                terms,
            }
        })
        .collect()
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
