//! Service clocks (spec §5): from a ticket's events, the rule table and the
//! calendar, every deadline with its state. Deadlines are derived, never typed
//! in. Waiting on the customer pauses every pausable clock, and the paused span
//! is added to its deadline.

use crate::domain::calendar::Calendar;
use crate::domain::classify::Subject;
use crate::domain::facts::{Area, Facts};
use crate::domain::rules::{ClockRule, ClockWords, RuleTable, Span};
use crate::domain::time::{china, china_date, china_midnight};
use chrono::{DateTime, Days, Duration, Months, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The events of a ticket that clocks care about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClockEvent {
    Responded,
    RecordsPulled,
    Dispatched,
    Arrived,
    PendingCustomer,
    Resumed,
    ProgressReported,
    ApologyMade,
    Resolved,
    FeedbackGiven {
        confirmed: bool,
    },
    Confirmed,
    Revisited {
        satisfaction: Option<u8>,
        by_supervisor: bool,
    },
    Reopened,
    Voided,
    /// The customer was told the crew will arrive later, by `new_arrival`.
    DelayNotified {
        new_arrival: DateTime<Utc>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedEvent {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: ClockEvent,
}

/// Named points in a ticket's life that clocks start or stop at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Milestone {
    Received,
    Responded,
    RecordsPulled,
    Dispatched,
    DispatchedOrReceived,
    Arrived,
    ProgressReported,
    ApologyMade,
    Resolved,
    FeedbackGiven,
    FeedbackUnconfirmed,
    Confirmed,
    Revisited,
    FirstRevisitUnsatisfied,
    SupervisorRevisited,
}

impl Milestone {
    pub const ALL: [Milestone; 15] = [
        Milestone::Received,
        Milestone::Responded,
        Milestone::RecordsPulled,
        Milestone::Dispatched,
        Milestone::DispatchedOrReceived,
        Milestone::Arrived,
        Milestone::ProgressReported,
        Milestone::ApologyMade,
        Milestone::Resolved,
        Milestone::FeedbackGiven,
        Milestone::FeedbackUnconfirmed,
        Milestone::Confirmed,
        Milestone::Revisited,
        Milestone::FirstRevisitUnsatisfied,
        Milestone::SupervisorRevisited,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Milestone::Received => "received",
            Milestone::Responded => "responded",
            Milestone::RecordsPulled => "records_pulled",
            Milestone::Dispatched => "dispatched",
            Milestone::DispatchedOrReceived => "dispatched_or_received",
            Milestone::Arrived => "arrived",
            Milestone::ProgressReported => "progress_reported",
            Milestone::ApologyMade => "apology_made",
            Milestone::Resolved => "resolved",
            Milestone::FeedbackGiven => "feedback_given",
            Milestone::FeedbackUnconfirmed => "feedback_unconfirmed",
            Milestone::Confirmed => "confirmed",
            Milestone::Revisited => "revisited",
            Milestone::FirstRevisitUnsatisfied => "first_revisit_unsatisfied",
            Milestone::SupervisorRevisited => "supervisor_revisited",
        }
    }

    pub fn from_code(code: &str) -> Option<Milestone> {
        // A match, not a search of `ALL`: every clock of every ticket reads
        // its rule's milestones by code (a test holds the two equal).
        Some(match code {
            "received" => Milestone::Received,
            "responded" => Milestone::Responded,
            "records_pulled" => Milestone::RecordsPulled,
            "dispatched" => Milestone::Dispatched,
            "dispatched_or_received" => Milestone::DispatchedOrReceived,
            "arrived" => Milestone::Arrived,
            "progress_reported" => Milestone::ProgressReported,
            "apology_made" => Milestone::ApologyMade,
            "resolved" => Milestone::Resolved,
            "feedback_given" => Milestone::FeedbackGiven,
            "feedback_unconfirmed" => Milestone::FeedbackUnconfirmed,
            "confirmed" => Milestone::Confirmed,
            "revisited" => Milestone::Revisited,
            "first_revisit_unsatisfied" => Milestone::FirstRevisitUnsatisfied,
            "supervisor_revisited" => Milestone::SupervisorRevisited,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// The clock's rule does not apply to this ticket.
    NotApplicable,
    /// It applies, but what starts it has not happened yet.
    Pending,
    Running,
    /// At or past the due-soon share of its span (75% by default).
    DueSoon,
    Overdue,
    /// Stopped while the ticket waits on the customer.
    Paused,
    Met,
    MetLate,
}

impl ClockState {
    /// Still ticking towards (or past) its deadline: what a queue shows as next.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            ClockState::Running | ClockState::DueSoon | ClockState::Overdue | ClockState::Paused
        )
    }
}

/// One clock of one ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockStatus {
    /// The rule's id, names and source, shared with it.
    #[serde(flatten)]
    pub words: Arc<ClockWords>,
    pub state: ClockState,
    pub start: Option<DateTime<Utc>>,
    /// Deadline, with any pause added.
    pub due: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    /// Time spent waiting on the customer that moved the deadline.
    pub paused_seconds: i64,
    /// For recurring clocks: how many cycles were met late before this one.
    pub late_cycles: u32,
    /// Years whose official calendar was missing when this deadline was computed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_calendar_years: Vec<i32>,
}

/// A ticket as the clocks see it.
pub struct ClockInput<'a> {
    pub received: DateTime<Utc>,
    pub kind: &'a str,
    pub category: &'a str,
    pub subcategory: Option<&'a str>,
    pub grade: Option<u8>,
    pub facts: &'a Facts,
    pub events: &'a [TimedEvent],
}

/// Adds a span to a start instant.
pub fn add_span(
    table: &RuleTable,
    calendar: &Calendar,
    start: DateTime<Utc>,
    span: &Span,
    area: Option<Area>,
) -> (DateTime<Utc>, BTreeSet<i32>) {
    let plain = |d: Duration| (start + d, BTreeSet::new());
    if let Some(m) = span.minutes {
        return plain(Duration::minutes(m.into()));
    }
    if let Some(h) = span.hours {
        return plain(Duration::hours(h.into()));
    }
    if let Some(d) = span.days {
        return plain(Duration::days(d.into()));
    }
    if let Some(months) = span.months {
        let local = start.with_timezone(&china());
        let due = local
            .checked_add_months(Months::new(months))
            .unwrap_or(local);
        return (due.with_timezone(&Utc), BTreeSet::new());
    }
    if let Some(n) = span.working_days {
        return working_days_after(calendar, start, n);
    }
    if let (Some(on_working), Some(otherwise)) = (span.hours_on_working_day, span.hours_otherwise) {
        let day = calendar.is_working_day(china_date(start));
        let hours = if day.value { on_working } else { otherwise };
        return (start + Duration::hours(hours.into()), day.missing_years);
    }
    let profile = table.active_arrival_profile();
    let area = area.map(Area::code).unwrap_or(&profile.default_area);
    let minutes = profile.minutes.get(area).copied().unwrap_or(60);
    plain(Duration::minutes(minutes.into()))
}

/// "Within N working days of T": 24:00 China time at the end of the N-th
/// working day strictly after T's China-time date.
pub fn working_days_after(
    calendar: &Calendar,
    start: DateTime<Utc>,
    n: u32,
) -> (DateTime<Utc>, BTreeSet<i32>) {
    let day = calendar.add_working_days(china_date(start), n);
    (china_midnight(day.value + Days::new(1)), day.missing_years)
}

/// Every clock of the rule table for one ticket, evaluated at `now`.
pub fn clocks(
    table: &RuleTable,
    calendar: &Calendar,
    ticket: &ClockInput,
    now: DateTime<Utc>,
) -> Vec<ClockStatus> {
    let timeline = Timeline::new(ticket, table.satisfaction_threshold.percent);
    table
        .clocks
        .iter()
        .map(|rule| {
            let r = reading(table, calendar, ticket, &timeline, rule, now);
            ClockStatus {
                words: rule.words.clone(),
                state: r.state,
                start: r.start,
                due: r.due,
                met_at: r.met_at,
                paused_seconds: r.paused_seconds,
                late_cycles: r.late_cycles,
                missing_calendar_years: r.missing_calendar_years,
            }
        })
        .collect()
}

/// The live clock due first, with its rule: what a queue row shows. The same
/// readings as `clocks`, without copying every rule's words for every clock
/// of every ticket (the queue asks this of each open ticket).
pub fn next_due<'t>(
    table: &'t RuleTable,
    calendar: &Calendar,
    ticket: &ClockInput,
    now: DateTime<Utc>,
) -> Option<NextDue<'t>> {
    let timeline = Timeline::new(ticket, table.satisfaction_threshold.percent);
    table
        .clocks
        .iter()
        .map(|rule| (reading(table, calendar, ticket, &timeline, rule, now), rule))
        .filter(|(r, _)| r.state.is_live())
        .filter_map(|(r, rule)| {
            r.due.map(|due| NextDue {
                due,
                state: r.state,
                soon: r.soon,
                rule,
            })
        })
        .min_by_key(|next| next.due)
}

/// A ticket's live clock due first, as of when it was read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NextDue<'t> {
    pub due: DateTime<Utc>,
    pub state: ClockState,
    /// When a running clock turns "due soon" (none for a paused one).
    pub soon: Option<DateTime<Utc>>,
    pub rule: &'t ClockRule,
}

/// A live clock read at `read`, as it stands at `now` with no event between:
/// a running clock turns due soon, then overdue, at instants known when it
/// was read; a paused clock's deadline moves on with the time it stays
/// paused. A queue shows rows read minutes (or, saved, days) ago this way
/// without reading every ticket's clocks again.
pub fn live_clock_at(
    due: DateTime<Utc>,
    state: ClockState,
    soon: Option<DateTime<Utc>>,
    read: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, ClockState) {
    if state == ClockState::Paused {
        return (due + (now - read).max(Duration::zero()), state);
    }
    let state = if now > due {
        ClockState::Overdue
    } else if soon.is_some_and(|soon| now >= soon) {
        ClockState::DueSoon
    } else {
        state
    };
    (due, state)
}

/// What one clock rule gives for one ticket (a `ClockStatus` without the
/// rule's own words).
struct Reading {
    state: ClockState,
    start: Option<DateTime<Utc>>,
    due: Option<DateTime<Utc>>,
    met_at: Option<DateTime<Utc>>,
    paused_seconds: i64,
    late_cycles: u32,
    missing_calendar_years: Vec<i32>,
    /// When a running clock turns due soon.
    soon: Option<DateTime<Utc>>,
}

fn reading(
    table: &RuleTable,
    calendar: &Calendar,
    ticket: &ClockInput,
    timeline: &Timeline,
    rule: &ClockRule,
    now: DateTime<Utc>,
) -> Reading {
    let mut status = Reading {
        state: ClockState::NotApplicable,
        start: None,
        due: None,
        met_at: None,
        paused_seconds: 0,
        late_cycles: 0,
        missing_calendar_years: Vec::new(),
        soon: None,
    };
    let subject = Subject {
        kind: ticket.kind,
        category: ticket.category,
        subcategory: ticket.subcategory,
        grade: ticket.grade,
        facts: ticket.facts,
        described: None,
    };
    if timeline.voided || !subject.satisfies(&rule.applies) {
        return status;
    }
    let start_milestone = Milestone::from_code(&rule.start).expect("validated milestone");
    // Read from the rule where needed, not gathered into a list: this runs
    // for every clock of every ticket.
    let met_by = || rule.met_by.iter().filter_map(|m| Milestone::from_code(m));
    let Some(mut start) = timeline.first(start_milestone) else {
        status.state = ClockState::Pending;
        return status;
    };
    let until = rule
        .until
        .as_deref()
        .and_then(Milestone::from_code)
        .and_then(|m| timeline.first(m));
    let mut missing = BTreeSet::new();
    loop {
        let (base_due, gaps) = add_span(table, calendar, start, &rule.span, ticket.facts.area);
        missing.extend(gaps);
        let met = met_by()
            .filter_map(|m| timeline.first_at_or_after(m, start))
            .min();
        let horizon = met.or(until).unwrap_or(now);
        // Pauses push the deadline by their length; a delay the customer was
        // told of before the arrival deadline moves it (000 §一2); both in
        // the order they happened, so a pause after a delay still counts.
        let (due, paused, open_pause) = timeline.moved_deadline(
            start,
            base_due,
            horizon,
            rule.pausable,
            met_by().any(|m| m == Milestone::Arrived),
        );
        status.start = Some(start);
        status.due = Some(due);
        status.paused_seconds = paused.num_seconds();
        status.met_at = met;
        match met {
            // A recurring clock starts again at each time it is met, until its end milestone.
            Some(at) if rule.recurring && until.is_none_or(|u| at < u) => {
                if at > due {
                    status.late_cycles += 1;
                }
                start = at;
                continue;
            }
            Some(at) => {
                status.state = if at <= due {
                    ClockState::Met
                } else {
                    ClockState::MetLate
                }
            }
            None if rule.recurring && until.is_some() => {
                status.state = if until.is_some_and(|u| u <= due) {
                    ClockState::Met
                } else {
                    ClockState::MetLate
                };
                status.met_at = until;
            }
            None if open_pause => status.state = ClockState::Paused,
            None if now > due => status.state = ClockState::Overdue,
            None => {
                let span = (base_due - start).num_seconds().max(1) as f64;
                let elapsed = (now - start - paused).num_seconds() as f64;
                // The first whole second at which `elapsed` reaches the share.
                let soon_after = (table.due_soon_ratio * span).ceil() as i64;
                status.soon = Some(start + paused + Duration::seconds(soon_after));
                status.state = if elapsed >= table.due_soon_ratio * span {
                    ClockState::DueSoon
                } else {
                    ClockState::Running
                };
            }
        }
        break;
    }
    status.missing_calendar_years = missing.into_iter().collect();
    status
}

/// A ticket's events sorted by time, with milestone look-ups.
struct Timeline<'a> {
    received: DateTime<Utc>,
    events: Vec<&'a TimedEvent>,
    satisfaction_threshold: u8,
    voided: bool,
    /// Only events after the last reopening count for milestones after receipt.
    reopened_at: Option<DateTime<Utc>>,
}

impl<'a> Timeline<'a> {
    fn new(ticket: &'a ClockInput, satisfaction_threshold: u8) -> Timeline<'a> {
        let mut events: Vec<&TimedEvent> = ticket.events.iter().collect();
        events.sort_by_key(|e| e.at);
        let voided = events.iter().any(|e| e.event == ClockEvent::Voided);
        let reopened_at = events
            .iter()
            .filter(|e| e.event == ClockEvent::Reopened)
            .map(|e| e.at)
            .max();
        Timeline {
            received: ticket.received,
            events,
            satisfaction_threshold,
            voided,
            reopened_at,
        }
    }

    fn matches(&self, milestone: Milestone, event: &ClockEvent) -> bool {
        use ClockEvent as E;
        match milestone {
            Milestone::Received => false,
            Milestone::Responded => *event == E::Responded,
            Milestone::RecordsPulled => *event == E::RecordsPulled,
            Milestone::Dispatched | Milestone::DispatchedOrReceived => *event == E::Dispatched,
            Milestone::Arrived => *event == E::Arrived,
            Milestone::ProgressReported => *event == E::ProgressReported,
            Milestone::ApologyMade => *event == E::ApologyMade,
            Milestone::Resolved => *event == E::Resolved,
            Milestone::FeedbackGiven => matches!(event, E::FeedbackGiven { .. }),
            Milestone::FeedbackUnconfirmed => *event == E::FeedbackGiven { confirmed: false },
            Milestone::Confirmed => {
                *event == E::Confirmed || *event == E::FeedbackGiven { confirmed: true }
            }
            Milestone::Revisited => matches!(event, E::Revisited { .. }),
            Milestone::SupervisorRevisited => matches!(
                event,
                E::Revisited {
                    by_supervisor: true,
                    ..
                }
            ),
            // Handled in `first`: only the first revisit counts.
            Milestone::FirstRevisitUnsatisfied => false,
        }
    }

    fn occurrences(&self, milestone: Milestone) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        let since = self.reopened_at;
        self.events
            .iter()
            .filter(move |e| since.is_none_or(|r| e.at >= r) && self.matches(milestone, &e.event))
            .map(|e| e.at)
    }

    fn first(&self, milestone: Milestone) -> Option<DateTime<Utc>> {
        match milestone {
            Milestone::Received => Some(self.received),
            Milestone::DispatchedOrReceived => {
                self.occurrences(milestone).next().or(Some(self.received))
            }
            Milestone::FirstRevisitUnsatisfied => self.events.iter().find_map(|e| match e.event {
                ClockEvent::Revisited {
                    satisfaction: Some(s),
                    ..
                } if self.reopened_at.is_none_or(|r| e.at >= r) => {
                    (s < self.satisfaction_threshold).then_some(e.at)
                }
                _ => None,
            }),
            _ => self.occurrences(milestone).next(),
        }
    }

    fn first_at_or_after(&self, milestone: Milestone, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if milestone == Milestone::FirstRevisitUnsatisfied || milestone == Milestone::Received {
            return self.first(milestone).filter(|t| *t >= at);
        }
        // A clock is met by an event after its start, not by the event that started it.
        self.occurrences(milestone)
            .find(|t| *t >= at && (*t > at || !self.starts_at(milestone, at)))
    }

    fn starts_at(&self, milestone: Milestone, at: DateTime<Utc>) -> bool {
        self.events
            .iter()
            .any(|e| e.at == at && self.matches(milestone, &e.event))
            && matches!(
                milestone,
                Milestone::ProgressReported | Milestone::Revisited
            )
    }

    /// The deadline as the ticket's events move it, in the order they
    /// happened: with `pausable`, pauses (pending customer .. resumed) that
    /// begin after `start` and before the deadline then in force push it by
    /// their length; with `delays`, each delay notice given before the
    /// deadline then in force moves it to the new arrival time (later, never
    /// earlier). Returns the deadline, the paused time, and whether a pause
    /// is still open at `horizon`.
    fn moved_deadline(
        &self,
        start: DateTime<Utc>,
        base_due: DateTime<Utc>,
        horizon: DateTime<Utc>,
        pausable: bool,
        delays: bool,
    ) -> (DateTime<Utc>, Duration, bool) {
        let mut due = base_due;
        let mut paused = Duration::zero();
        let mut pause_start: Option<DateTime<Utc>> = None;
        for e in &self.events {
            match e.event {
                ClockEvent::PendingCustomer if pausable && pause_start.is_none() => {
                    pause_start = Some(e.at)
                }
                ClockEvent::Resumed => {
                    if let Some(p0) = pause_start.take() {
                        let (from, to) = (p0.max(start), e.at.min(horizon));
                        if from < to && from < due {
                            paused += to - from;
                            due += to - from;
                        }
                    }
                }
                ClockEvent::DelayNotified { new_arrival } if delays && e.at >= start => {
                    // A pause still open counts up to the notice: the
                    // deadline in force then is the one it is told against.
                    if let Some(p0) = pause_start {
                        let (from, to) = (p0.max(start), e.at.min(horizon));
                        if from < to && from < due {
                            paused += to - from;
                            due += to - from;
                        }
                        pause_start = Some(e.at);
                    }
                    if e.at <= due {
                        due = due.max(new_arrival);
                    }
                }
                _ => {}
            }
        }
        let mut open = false;
        if let Some(p0) = pause_start {
            let from = p0.max(start);
            if from < horizon && from < due {
                paused += horizon - from;
                due += horizon - from;
                open = true;
            }
        }
        (due, paused, open)
    }
}
