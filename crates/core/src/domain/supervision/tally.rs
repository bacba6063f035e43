//! A month's figures as tallies that add up. Each station's supervisor runs
//! `gridcare report` over the station's files; the city adds the stations'
//! tallies (`gridcare report --merge`) and gets its figures without anyone
//! holding every event.
//!
//! A tally keeps counts, never sentences: counts per key, the handling
//! times as a histogram of whole seconds (so the median after merging is the
//! one over every ticket), the ratings as a histogram (so the mean is), the
//! category counts per place (so the high-frequency alerts are), each
//! complainant's ticket numbers (so someone who complained at two stations
//! is found), the teams' counts, and the term counts per station. All of
//! these are exact after merging reports of disjoint stations. One figure is
//! not: the audit sample. Each station keeps only its own sample, so the
//! city's is drawn from the stations' samples (the same size, the same rule,
//! but not always the tickets a report over all events would pick).
//!
//! The figures a screen or the CLI shows are all computed from a tally
//! (`report.rs`), so a report over one station's rows and a merge of
//! several go through the same code.

use super::audit::{candidate, draw, Drawn};
use super::ledger::LedgerRow;
use super::previous_month;
use super::report::UNKNOWN;
use crate::domain::classify::Classifier;
use crate::domain::clock::ClockState;
use crate::domain::lean_sort;
use crate::domain::rules::HighFrequency as HighFrequencyRule;
use crate::domain::rules::RuleTable;
use crate::domain::shared_str::SharedStr;
use crate::domain::ticket::Status;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Counts by key.
pub type Counts = BTreeMap<String, u32>;

/// How a clock of the month ended: met, met late, overdue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTally {
    pub met: u32,
    pub late: u32,
    pub overdue: u32,
}

/// A team's complaints in the month, and their ratings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamTally {
    pub complaints: u32,
    pub rated: u32,
    pub satisfied: u32,
}

/// Everything a month's figures are computed from, for one set of tickets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthTally {
    pub month: String,
    /// The rule table the figures were judged by; tallies merge only under
    /// the same one.
    pub rule_table_version: String,
    pub satisfaction_threshold: u8,
    pub high_frequency_rule: HighFrequencyRule,
    /// The rule table's clocks, in its order.
    pub clocks: Vec<String>,
    /// Every station named on a ticket of the data: reports merge only when
    /// no station is in two of them (else its tickets would count twice).
    pub stations: BTreeSet<String>,
    pub tickets: u32,
    pub complaints: u32,
    pub self_service: u32,
    pub by_kind: Counts,
    /// Complaints by category, area, station, team.
    pub by_category: Counts,
    pub by_area: Counts,
    pub by_station: Counts,
    pub by_team: Counts,
    /// Complaints in this month and the six before it (the trend).
    pub complaints_by_month: Counts,
    pub on_time: BTreeMap<String, ClockTally>,
    /// Complaints' handling times, whole seconds → how many.
    pub handling_seconds: BTreeMap<u64, u32>,
    /// Complaints' satisfaction ratings → how many.
    pub ratings: BTreeMap<u8, u32>,
    /// Complaints by area, then category (the high-frequency alerts).
    pub categories_by_area: BTreeMap<String, Counts>,
    /// Complaints by station, then category.
    pub categories_by_station: BTreeMap<String, Counts>,
    /// Each complainant's phone and the numbers of their complaints, sorted.
    pub complainants: BTreeMap<String, Vec<String>>,
    /// Every team named on a ticket of the data, with this month's figures.
    pub teams: BTreeMap<String, TeamTally>,
    /// Closed tickets of the month (the audit's population).
    pub audit_population: u32,
    /// The audit sample: the lowest ranks, one in ten of the population.
    pub audit_sample: Vec<Drawn>,
    /// Per station, the topic terms found in its complaints (once a ticket).
    /// Empty when no classifier was given.
    pub hot_terms: BTreeMap<String, Counts>,
}

/// Why tallies do not merge.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeProblem {
    #[error("the reports are of different months ({0} and {1})")]
    OtherMonth(String, String),
    #[error("the reports were judged by different rule tables ({0} and {1}); report them again under one")]
    OtherRules(String, String),
    #[error("station {0} is in more than one report, so its tickets would count twice; report over its files together instead")]
    StationTwice(String),
    #[error("there is nothing to merge")]
    Nothing,
}

fn add(into: &mut Counts, from: &Counts) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

fn bump(into: &mut Counts, key: &str) {
    *into.entry(key.to_string()).or_default() += 1;
}

/// This month and the six before it, oldest first (the trend).
pub fn trend_months(month: &str) -> Vec<String> {
    let mut months = vec![month.to_string()];
    while months.len() < 7 {
        match previous_month(months.last().expect("not empty")) {
            Some(m) => months.push(m),
            None => break,
        }
    }
    months.reverse();
    months
}

impl MonthTally {
    /// The tally of `rows` for `month` under `table`; hot topics only when a
    /// `classifier` is given (classifying every complaint costs the most).
    pub fn of(
        rows: &[LedgerRow],
        month: &str,
        table: &RuleTable,
        classifier: Option<&Classifier>,
    ) -> MonthTally {
        let threshold = table.satisfaction_threshold.percent;
        let mut clocks: Vec<String> = Vec::new();
        for c in &table.clocks {
            if !clocks.iter().any(|known| *known == c.words.code) {
                clocks.push(c.words.code.to_string());
            }
        }
        let trend_months: BTreeSet<String> = trend_months(month).into_iter().collect();
        let mut t = MonthTally {
            month: month.to_string(),
            rule_table_version: table.version.clone(),
            satisfaction_threshold: threshold,
            high_frequency_rule: table.high_frequency.clone(),
            on_time: clocks
                .iter()
                .map(|c| (c.clone(), ClockTally::default()))
                .collect(),
            clocks,
            stations: BTreeSet::new(),
            tickets: 0,
            complaints: 0,
            self_service: 0,
            by_kind: Counts::new(),
            by_category: Counts::new(),
            by_area: Counts::new(),
            by_station: Counts::new(),
            by_team: Counts::new(),
            complaints_by_month: Counts::new(),
            handling_seconds: BTreeMap::new(),
            ratings: BTreeMap::new(),
            categories_by_area: BTreeMap::new(),
            categories_by_station: BTreeMap::new(),
            complainants: BTreeMap::new(),
            teams: BTreeMap::new(),
            audit_population: 0,
            audit_sample: Vec::new(),
            hot_terms: BTreeMap::new(),
        };
        let mut drawn = Vec::new();
        for r in rows {
            if let Some(station) = &r.station {
                t.stations.insert(station.clone());
            }
            if let Some(team) = &r.team {
                t.teams.entry(team.clone()).or_default();
            }
            if r.is_complaint() && trend_months.contains(&r.month) {
                bump(&mut t.complaints_by_month, &r.month);
            }
            if r.month != month {
                continue;
            }
            t.tickets += 1;
            t.self_service += u32::from(r.self_service);
            bump(&mut t.by_kind, &r.kind);
            for (code, tally) in &mut t.on_time {
                match r.clock(code).map(|x| x.state) {
                    Some(ClockState::Met) => tally.met += 1,
                    Some(ClockState::MetLate) => tally.late += 1,
                    Some(ClockState::Overdue) => tally.overdue += 1,
                    _ => {}
                }
            }
            if r.status == Status::Closed {
                t.audit_population += 1;
                drawn.push(candidate(r, month));
            }
            if !r.is_complaint() {
                continue;
            }
            t.complaints += 1;
            t.tally_complaint(r, threshold, classifier);
        }
        t.audit_sample = draw(drawn, t.audit_population);
        t
    }

    fn tally_complaint(&mut self, r: &LedgerRow, threshold: u8, classifier: Option<&Classifier>) {
        let area = r.area.map(|a| a.code());
        let station = r.station.as_deref();
        bump(&mut self.by_category, &r.category);
        bump(&mut self.by_area, area.unwrap_or(UNKNOWN));
        bump(&mut self.by_station, station.unwrap_or(UNKNOWN));
        bump(&mut self.by_team, r.team.as_deref().unwrap_or(UNKNOWN));
        if let Some(hours) = r.handling_hours {
            // Whole seconds: the ledger computes hours from them.
            let seconds = (hours * 3600.0).round() as u64;
            *self.handling_seconds.entry(seconds).or_default() += 1;
        }
        if let Some(s) = r.satisfaction {
            *self.ratings.entry(s).or_default() += 1;
        }
        if let Some(area) = area {
            bump(
                self.categories_by_area.entry(area.into()).or_default(),
                &r.category,
            );
        }
        if let Some(station) = station {
            bump(
                self.categories_by_station
                    .entry(station.into())
                    .or_default(),
                &r.category,
            );
        }
        if let Some(phone) = r.phone.as_deref().filter(|p| !p.is_empty()) {
            let numbers = self.complainants.entry(phone.to_string()).or_default();
            let at = numbers.partition_point(|n| n < &r.number);
            numbers.insert(at, r.number.clone());
        }
        if let Some(team) = r.team.as_ref().and_then(|t| self.teams.get_mut(t)) {
            team.complaints += 1;
            if let Some(s) = r.satisfaction {
                team.rated += 1;
                team.satisfied += u32::from(s >= threshold);
            }
        }
        if let Some(classifier) = classifier {
            let mut terms: Vec<SharedStr> = classifier
                .classify(&r.text, &Default::default())
                .rules
                .into_iter()
                .filter(|f| f.id.starts_with("sub."))
                .flat_map(|f| f.matched)
                .collect();
            // Once per complaint: the standard sort (equal terms are the same text).
            terms.sort_unstable();
            terms.dedup();
            let counts = self
                .hot_terms
                .entry(station.unwrap_or(UNKNOWN).to_string())
                .or_default();
            for term in &terms {
                bump(counts, term);
            }
        }
    }

    /// The tally of the tickets of every one of `tallies`: stations must
    /// not repeat, months and rule tables must agree.
    pub fn merge(tallies: Vec<MonthTally>) -> Result<MonthTally, MergeProblem> {
        let mut tallies = tallies.into_iter();
        let mut whole = tallies.next().ok_or(MergeProblem::Nothing)?;
        for t in tallies {
            whole.add(t)?;
        }
        Ok(whole)
    }

    fn add(&mut self, other: MonthTally) -> Result<(), MergeProblem> {
        if other.month != self.month {
            return Err(MergeProblem::OtherMonth(self.month.clone(), other.month));
        }
        if other.rule_table_version != self.rule_table_version {
            return Err(MergeProblem::OtherRules(
                self.rule_table_version.clone(),
                other.rule_table_version,
            ));
        }
        if let Some(twice) = self.stations.intersection(&other.stations).next() {
            return Err(MergeProblem::StationTwice(twice.clone()));
        }
        self.stations.extend(other.stations);
        self.tickets += other.tickets;
        self.complaints += other.complaints;
        self.self_service += other.self_service;
        for (mine, theirs) in [
            (&mut self.by_kind, &other.by_kind),
            (&mut self.by_category, &other.by_category),
            (&mut self.by_area, &other.by_area),
            (&mut self.by_station, &other.by_station),
            (&mut self.by_team, &other.by_team),
            (&mut self.complaints_by_month, &other.complaints_by_month),
        ] {
            add(mine, theirs);
        }
        for (code, c) in other.on_time {
            let mine = self.on_time.entry(code).or_default();
            mine.met += c.met;
            mine.late += c.late;
            mine.overdue += c.overdue;
        }
        for (seconds, n) in other.handling_seconds {
            *self.handling_seconds.entry(seconds).or_default() += n;
        }
        for (rating, n) in other.ratings {
            *self.ratings.entry(rating).or_default() += n;
        }
        for (mine, theirs) in [
            (&mut self.categories_by_area, other.categories_by_area),
            (&mut self.categories_by_station, other.categories_by_station),
            (&mut self.hot_terms, other.hot_terms),
        ] {
            for (place, counts) in theirs {
                add(mine.entry(place).or_default(), &counts);
            }
        }
        for (phone, numbers) in other.complainants {
            let mine = self.complainants.entry(phone).or_default();
            mine.extend(numbers);
            lean_sort::sort(mine);
        }
        for (team, t) in other.teams {
            let mine = self.teams.entry(team).or_default();
            mine.complaints += t.complaints;
            mine.rated += t.rated;
            mine.satisfied += t.satisfied;
        }
        self.audit_population += other.audit_population;
        let drawn = std::mem::take(&mut self.audit_sample)
            .into_iter()
            .chain(other.audit_sample)
            .collect();
        self.audit_sample = draw(drawn, self.audit_population);
        Ok(())
    }
}
