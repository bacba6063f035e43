//! Every clock of spec §5 from a ticket's events, with states, pauses and the
//! clause behind each deadline.

use chrono::{DateTime, Utc};
use gridcare_core::domain::calendar::Calendar;
use gridcare_core::domain::clock::{
    clocks, ClockEvent, ClockInput, ClockState, ClockStatus, TimedEvent,
};
use gridcare_core::domain::facts::{Area, Facts};
use gridcare_core::domain::rules::RuleTable;
use gridcare_core::domain::time::to_china_rfc3339;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn ev(time: &str, event: ClockEvent) -> TimedEvent {
    TimedEvent {
        at: at(time),
        event,
    }
}

struct Ticket {
    received: &'static str,
    kind: &'static str,
    category: &'static str,
    subcategory: Option<&'static str>,
    grade: Option<u8>,
    facts: Facts,
    events: Vec<TimedEvent>,
}

impl Ticket {
    fn complaint(received: &'static str, subcategory: &'static str, grade: u8) -> Ticket {
        let table = RuleTable::shipped();
        let (category, _) = table.subcategory(subcategory).unwrap();
        let category: &'static str = Box::leak(category.code.clone().into_boxed_str());
        Ticket {
            received,
            kind: "complaint",
            category,
            subcategory: Some(subcategory),
            grade: Some(grade),
            facts: Facts::default(),
            events: vec![],
        }
    }

    fn input(&self) -> ClockInput<'_> {
        ClockInput {
            received: at(self.received),
            kind: self.kind,
            category: self.category,
            subcategory: self.subcategory,
            grade: self.grade,
            facts: &self.facts,
            events: &self.events,
        }
    }

    fn clocks_with(&self, table: &RuleTable, now: &str) -> Vec<ClockStatus> {
        clocks(table, &Calendar::shipped(), &self.input(), at(now))
    }

    fn clock(&self, id: &str, now: &str) -> ClockStatus {
        self.clocks_with(&RuleTable::shipped(), now)
            .into_iter()
            .find(|c| c.words.id == id)
            .unwrap()
    }
}

fn due(c: &ClockStatus) -> String {
    to_china_rfc3339(c.due.expect("a due instant"))
}

#[test]
fn first_response_is_one_hour_on_working_days_and_two_otherwise() {
    let cases = [
        ("2026-11-20T10:00:00+08:00", "2026-11-20T11:00:00+08:00"), // Friday
        ("2026-11-21T10:00:00+08:00", "2026-11-21T12:00:00+08:00"), // Saturday
        ("2026-10-01T10:00:00+08:00", "2026-10-01T12:00:00+08:00"), // Thursday, National Day
        ("2026-02-14T10:00:00+08:00", "2026-02-14T11:00:00+08:00"), // Saturday, make-up working day
    ];
    for (received, expected) in cases {
        let c =
            Ticket::complaint(received, "rude_attitude", 3).clock("clock.first_response", received);
        assert_eq!(due(&c), expected, "received {received}");
        assert_eq!(c.words.source, "003 §一(一)");
        assert_eq!(c.state, ClockState::Running);
    }
}

#[test]
fn states_follow_time_running_due_soon_overdue_met_and_met_late() {
    let mut t = Ticket::complaint("2026-11-20T10:00:00+08:00", "rude_attitude", 3);
    assert_eq!(
        t.clock("clock.first_response", "2026-11-20T10:30:00+08:00")
            .state,
        ClockState::Running
    );
    assert_eq!(
        t.clock("clock.first_response", "2026-11-20T10:45:00+08:00")
            .state,
        ClockState::DueSoon,
        "75% of the hour"
    );
    assert_eq!(
        t.clock("clock.first_response", "2026-11-20T11:00:01+08:00")
            .state,
        ClockState::Overdue
    );
    t.events
        .push(ev("2026-11-20T10:59:00+08:00", ClockEvent::Responded));
    let c = t.clock("clock.first_response", "2026-11-21T00:00:00+08:00");
    assert_eq!(
        (c.state, c.met_at),
        (ClockState::Met, Some(at("2026-11-20T10:59:00+08:00")))
    );
    t.events[0] = ev("2026-11-20T11:20:00+08:00", ClockEvent::Responded);
    assert_eq!(
        t.clock("clock.first_response", "2026-11-21T00:00:00+08:00")
            .state,
        ClockState::MetLate
    );
}

#[test]
fn resolution_spans_follow_the_grade() {
    let received = "2026-11-20T10:00:00+08:00";
    let g1 = Ticket::complaint(received, "outage", 1);
    assert_eq!(
        due(&g1.clock("clock.resolution.grade1", received)),
        "2026-11-21T10:00:00+08:00"
    );
    assert_eq!(
        g1.clock("clock.resolution.grade3", received).state,
        ClockState::NotApplicable
    );
    let g2 = Ticket::complaint(received, "outage", 2);
    assert_eq!(
        due(&g2.clock("clock.resolution.grade2", received)),
        "2026-11-21T10:00:00+08:00"
    );
    let g3 = Ticket::complaint(received, "tariff_dispute", 3);
    let c = g3.clock("clock.resolution.grade3", received);
    assert_eq!(due(&c), "2026-11-22T10:00:00+08:00");
    assert_eq!(c.words.source, "003 §一(一); 003 §四(二)");
    // Grade 1 closes with feedback to the customer; grade 2 with the handling itself.
    let mut g1 = g1;
    g1.events
        .push(ev("2026-11-21T09:00:00+08:00", ClockEvent::Resolved));
    assert_eq!(
        g1.clock("clock.resolution.grade1", "2026-11-21T09:30:00+08:00")
            .state,
        ClockState::DueSoon
    );
    g1.events.push(ev(
        "2026-11-21T09:40:00+08:00",
        ClockEvent::FeedbackGiven { confirmed: true },
    ));
    assert_eq!(
        g1.clock("clock.resolution.grade1", "2026-11-21T09:50:00+08:00")
            .state,
        ClockState::Met
    );
}

#[test]
fn waiting_on_the_customer_pauses_every_clock_but_first_response() {
    let mut t = Ticket::complaint("2026-11-20T10:00:00+08:00", "tariff_dispute", 3);
    t.events
        .push(ev("2026-11-20T12:00:00+08:00", ClockEvent::PendingCustomer));
    t.events
        .push(ev("2026-11-20T15:00:00+08:00", ClockEvent::Resumed));
    let c = t.clock("clock.resolution.grade3", "2026-11-20T16:00:00+08:00");
    assert_eq!(
        due(&c),
        "2026-11-22T13:00:00+08:00",
        "48 h plus the 3 h pause"
    );
    assert_eq!(c.paused_seconds, 3 * 3600);
    let first = t.clock("clock.first_response", "2026-11-20T16:00:00+08:00");
    assert_eq!(
        due(&first),
        "2026-11-20T11:00:00+08:00",
        "first response is never paused"
    );
    assert_eq!(first.paused_seconds, 0);
}

#[test]
fn an_open_pause_shows_as_paused_and_keeps_moving_the_deadline() {
    let mut t = Ticket::complaint("2026-11-20T10:00:00+08:00", "tariff_dispute", 3);
    t.events
        .push(ev("2026-11-20T12:00:00+08:00", ClockEvent::PendingCustomer));
    let c = t.clock("clock.resolution.grade3", "2026-11-23T12:00:00+08:00");
    assert_eq!(
        c.state,
        ClockState::Paused,
        "not overdue while the customer is awaited"
    );
    assert_eq!(due(&c), "2026-11-25T10:00:00+08:00");
}

#[test]
fn site_arrival_uses_the_area_and_the_active_profile() {
    let received = "2026-11-20T10:00:00+08:00";
    let mut t = Ticket::complaint(received, "outage", 3);
    t.facts.site_visit = Some(true);
    assert_eq!(
        due(&t.clock("clock.site_arrival", received)),
        "2026-11-20T11:00:00+08:00",
        "urban by default, 1 h"
    );
    t.facts.area = Some(Area::Suburban);
    assert_eq!(
        due(&t.clock("clock.site_arrival", received)),
        "2026-11-20T12:00:00+08:00",
        "suburban 2 h"
    );
    // It runs from dispatch when the ticket was dispatched.
    t.events
        .push(ev("2026-11-20T10:30:00+08:00", ClockEvent::Dispatched));
    assert_eq!(
        due(&t.clock("clock.site_arrival", received)),
        "2026-11-20T12:30:00+08:00"
    );
    // The 95598 profile: rural 90 min.
    let mut table = RuleTable::shipped();
    table.site_arrival_profile = "95598".into();
    t.facts.area = Some(Area::Rural);
    let c = t
        .clocks_with(&table, received)
        .into_iter()
        .find(|c| c.words.id == "clock.site_arrival")
        .unwrap();
    assert_eq!(due(&c), "2026-11-20T12:00:00+08:00");
    // Without a site visit the clock does not apply to a complaint.
    t.facts.site_visit = None;
    assert_eq!(
        t.clock("clock.site_arrival", received).state,
        ClockState::NotApplicable
    );
}

#[test]
fn complex_complaints_get_a_direction_in_3_working_days_then_weekly_reports() {
    let mut t = Ticket::complaint("2026-11-20T15:00:00+08:00", "property_dispute", 3);
    t.facts.complex = Some(true);
    let direction = t.clock("clock.complex_direction", "2026-11-20T16:00:00+08:00");
    assert_eq!(due(&direction), "2026-11-26T00:00:00+08:00");
    assert_eq!(
        t.clock("clock.complex_progress", "2026-11-20T16:00:00+08:00")
            .state,
        ClockState::Pending
    );
    t.events.push(ev(
        "2026-11-24T10:00:00+08:00",
        ClockEvent::ProgressReported,
    ));
    t.events.push(ev(
        "2026-12-03T10:00:00+08:00",
        ClockEvent::ProgressReported,
    )); // 9 days: one late cycle
    let progress = t.clock("clock.complex_progress", "2026-12-05T10:00:00+08:00");
    assert_eq!(progress.state, ClockState::Running);
    assert_eq!(due(&progress), "2026-12-10T10:00:00+08:00");
    assert_eq!(progress.late_cycles, 1);
    assert_eq!(
        t.clock("clock.complex_direction", "2026-12-05T10:00:00+08:00")
            .state,
        ClockState::Met
    );
    t.events
        .push(ev("2026-12-08T10:00:00+08:00", ClockEvent::Resolved));
    assert_eq!(
        t.clock("clock.complex_progress", "2026-12-20T10:00:00+08:00")
            .state,
        ClockState::Met,
        "ends at resolution"
    );
}

#[test]
fn billing_errors_and_rude_attitude_have_their_own_clocks() {
    let received = "2026-11-20T15:00:00+08:00";
    let billing = Ticket::complaint(received, "billing_error", 3);
    assert_eq!(
        due(&billing.clock("clock.billing_correction", received)),
        "2026-11-21T15:00:00+08:00"
    );
    assert_eq!(
        billing.clock("clock.apology", received).state,
        ClockState::NotApplicable
    );
    let rude = Ticket::complaint(received, "rude_attitude", 3);
    let apology = rude.clock("clock.apology", received);
    assert_eq!(due(&apology), "2026-11-26T00:00:00+08:00");
    assert_eq!(apology.words.source, "003 §四(一)");
}

#[test]
fn revisits_follow_resolution_feedback_and_satisfaction() {
    let mut t = Ticket::complaint("2026-11-16T09:00:00+08:00", "tariff_dispute", 3);
    assert_eq!(
        t.clock("clock.first_revisit", "2026-11-16T10:00:00+08:00")
            .state,
        ClockState::Pending
    );
    t.events
        .push(ev("2026-11-17T10:00:00+08:00", ClockEvent::Resolved));
    t.events.push(ev(
        "2026-11-17T11:00:00+08:00",
        ClockEvent::FeedbackGiven { confirmed: false },
    ));
    let confirm = t.clock("clock.confirmation_revisit", "2026-11-17T12:00:00+08:00");
    assert_eq!(
        due(&confirm),
        "2026-11-21T00:00:00+08:00",
        "3 working days after Tue 11-17"
    );
    let first = t.clock("clock.first_revisit", "2026-11-17T12:00:00+08:00");
    assert_eq!(due(&first), "2026-11-21T00:00:00+08:00");
    t.events.push(ev(
        "2026-11-19T10:00:00+08:00",
        ClockEvent::Revisited {
            satisfaction: Some(60),
            by_supervisor: false,
        },
    ));
    assert_eq!(
        t.clock("clock.confirmation_revisit", "2026-11-19T11:00:00+08:00")
            .state,
        ClockState::Met
    );
    let second = t.clock("clock.second_revisit", "2026-11-19T11:00:00+08:00");
    assert_eq!(
        due(&second),
        "2026-12-01T00:00:00+08:00",
        "7 working days after Thu 11-19"
    );
    t.events.push(ev(
        "2026-11-25T10:00:00+08:00",
        ClockEvent::Revisited {
            satisfaction: Some(90),
            by_supervisor: true,
        },
    ));
    assert_eq!(
        t.clock("clock.second_revisit", "2026-11-26T00:00:00+08:00")
            .state,
        ClockState::Met
    );
}

#[test]
fn a_satisfied_first_revisit_needs_no_second_one() {
    let mut t = Ticket::complaint("2026-11-16T09:00:00+08:00", "tariff_dispute", 3);
    t.events
        .push(ev("2026-11-17T10:00:00+08:00", ClockEvent::Resolved));
    t.events.push(ev(
        "2026-11-18T10:00:00+08:00",
        ClockEvent::Revisited {
            satisfaction: Some(80),
            by_supervisor: false,
        },
    ));
    assert_eq!(
        t.clock("clock.second_revisit", "2026-11-19T00:00:00+08:00")
            .state,
        ClockState::Pending
    );
}

#[test]
fn repeat_complainants_are_revisited_every_quarter() {
    let mut t = Ticket::complaint("2026-01-10T09:00:00+08:00", "voltage", 3);
    t.facts.repeat_complainant = Some(true);
    t.events
        .push(ev("2026-01-12T10:00:00+08:00", ClockEvent::Resolved));
    assert_eq!(
        due(&t.clock("clock.long_term_tracking", "2026-01-13T00:00:00+08:00")),
        "2026-04-12T10:00:00+08:00"
    );
    t.events.push(ev(
        "2026-04-01T10:00:00+08:00",
        ClockEvent::Revisited {
            satisfaction: Some(95),
            by_supervisor: false,
        },
    ));
    let c = t.clock("clock.long_term_tracking", "2026-04-02T00:00:00+08:00");
    assert_eq!(
        due(&c),
        "2026-07-01T10:00:00+08:00",
        "the next quarter runs from the last revisit"
    );
    t.facts.repeat_complainant = None;
    assert_eq!(
        t.clock("clock.long_term_tracking", "2026-04-02T00:00:00+08:00")
            .state,
        ClockState::NotApplicable
    );
}

#[test]
fn other_kinds_get_a_first_response_clock_and_fault_repair_a_site_arrival() {
    let mut t = Ticket::complaint("2026-11-20T10:00:00+08:00", "policy_inquiry", 3);
    t.kind = "consultation";
    t.grade = None;
    let applicable: Vec<String> = t
        .clocks_with(&RuleTable::shipped(), "2026-11-20T10:00:00+08:00")
        .into_iter()
        .filter(|c| c.state != ClockState::NotApplicable)
        .map(|c| c.words.id.to_string())
        .collect();
    assert_eq!(applicable, vec!["clock.first_response"]);
    t.kind = "fault_repair";
    let c = t.clock("clock.site_arrival", "2026-11-20T10:00:00+08:00");
    assert_eq!(c.state, ClockState::Running);
}

#[test]
fn voided_tickets_have_no_running_clocks_and_reopening_restarts_revisits() {
    let mut t = Ticket::complaint("2026-11-16T09:00:00+08:00", "tariff_dispute", 3);
    t.events
        .push(ev("2026-11-16T09:10:00+08:00", ClockEvent::Voided));
    assert!(t
        .clocks_with(&RuleTable::shipped(), "2026-11-20T00:00:00+08:00")
        .iter()
        .all(|c| c.state == ClockState::NotApplicable));
    let mut t = Ticket::complaint("2026-11-16T09:00:00+08:00", "tariff_dispute", 3);
    t.events
        .push(ev("2026-11-17T10:00:00+08:00", ClockEvent::Resolved));
    t.events
        .push(ev("2026-11-18T10:00:00+08:00", ClockEvent::Reopened));
    assert_eq!(
        t.clock("clock.first_revisit", "2026-11-18T11:00:00+08:00")
            .state,
        ClockState::Pending
    );
    t.events
        .push(ev("2026-11-19T10:00:00+08:00", ClockEvent::Resolved));
    assert_eq!(
        due(&t.clock("clock.first_revisit", "2026-11-19T11:00:00+08:00")),
        "2026-11-25T00:00:00+08:00"
    );
}

#[test]
fn a_deadline_in_a_year_without_calendar_data_says_so() {
    let t = Ticket::complaint("2027-03-01T10:00:00+08:00", "rude_attitude", 3);
    let c = t.clock("clock.apology", "2027-03-01T10:00:00+08:00");
    assert_eq!(c.missing_calendar_years, vec![2027]);
    let c = t.clock("clock.resolution.grade3", "2027-03-01T10:00:00+08:00");
    assert!(
        c.missing_calendar_years.is_empty(),
        "wall-clock spans need no calendar"
    );
}

#[test]
fn a_delay_told_in_time_moves_the_arrival_deadline_one_told_late_does_not() {
    let received = "2026-11-20T10:00:00+08:00";
    let mut t = Ticket::complaint(received, "outage", 3);
    t.facts.site_visit = Some(true);
    // Urban: due 11:00. At 10:40 the crew tells the customer it will be 11:30.
    t.events.push(ev(
        "2026-11-20T10:40:00+08:00",
        ClockEvent::DelayNotified {
            new_arrival: at("2026-11-20T11:30:00+08:00"),
        },
    ));
    let c = t.clock("clock.site_arrival", "2026-11-20T11:10:00+08:00");
    assert_eq!(due(&c), "2026-11-20T11:30:00+08:00");
    assert_ne!(
        c.state,
        ClockState::Overdue,
        "not overdue at 11:10: the customer was told 11:30"
    );
    t.events
        .push(ev("2026-11-20T11:25:00+08:00", ClockEvent::Arrived));
    assert_eq!(
        t.clock("clock.site_arrival", "2026-11-20T12:00:00+08:00")
            .state,
        ClockState::Met
    );
    // Told only after the deadline had passed: the deadline stands, and arriving at 11:25 is late.
    let mut late = Ticket::complaint(received, "outage", 3);
    late.facts.site_visit = Some(true);
    late.events.push(ev(
        "2026-11-20T11:05:00+08:00",
        ClockEvent::DelayNotified {
            new_arrival: at("2026-11-20T11:30:00+08:00"),
        },
    ));
    late.events
        .push(ev("2026-11-20T11:25:00+08:00", ClockEvent::Arrived));
    let c = late.clock("clock.site_arrival", "2026-11-20T12:00:00+08:00");
    assert_eq!(due(&c), "2026-11-20T11:00:00+08:00");
    assert_eq!(c.state, ClockState::MetLate);
    // A delay notice moves only the arrival clock, not the first response.
    assert_eq!(
        due(&t.clock("clock.first_response", received)),
        due(&late.clock("clock.first_response", received))
    );
}

#[test]
fn a_pause_after_a_delay_notice_moves_the_new_arrival_deadline_too() {
    let received = "2026-11-20T10:00:00+08:00";
    let mut t = Ticket::complaint(received, "outage", 3);
    t.facts.site_visit = Some(true);
    // Urban: due 11:00; the customer is told 11:30 at 10:40, then asks the
    // crew to wait 20 minutes (10:50 .. 11:10).
    t.events.push(ev(
        "2026-11-20T10:40:00+08:00",
        ClockEvent::DelayNotified {
            new_arrival: at("2026-11-20T11:30:00+08:00"),
        },
    ));
    t.events
        .push(ev("2026-11-20T10:50:00+08:00", ClockEvent::PendingCustomer));
    t.events
        .push(ev("2026-11-20T11:10:00+08:00", ClockEvent::Resumed));
    let c = t.clock("clock.site_arrival", "2026-11-20T11:40:00+08:00");
    assert_eq!(
        due(&c),
        "2026-11-20T11:50:00+08:00",
        "11:30 plus the 20-minute pause"
    );
    assert_ne!(c.state, ClockState::Overdue);
    // The other order: a pause first, then a delay told before the moved
    // deadline: the new arrival time is the deadline.
    let mut u = Ticket::complaint(received, "outage", 3);
    u.facts.site_visit = Some(true);
    u.events
        .push(ev("2026-11-20T10:20:00+08:00", ClockEvent::PendingCustomer));
    u.events
        .push(ev("2026-11-20T10:30:00+08:00", ClockEvent::Resumed));
    u.events.push(ev(
        "2026-11-20T11:05:00+08:00",
        ClockEvent::DelayNotified {
            new_arrival: at("2026-11-20T11:40:00+08:00"),
        },
    ));
    let c = u.clock("clock.site_arrival", "2026-11-20T11:20:00+08:00");
    assert_eq!(
        due(&c),
        "2026-11-20T11:40:00+08:00",
        "told at 11:05, before the paused deadline of 11:10"
    );
    // Told during a pause, after the original deadline but before the
    // deadline the pause has moved so far: the notice counts.
    let mut w = Ticket::complaint(received, "outage", 3);
    w.facts.site_visit = Some(true);
    w.events
        .push(ev("2026-11-20T10:50:00+08:00", ClockEvent::PendingCustomer));
    w.events.push(ev(
        "2026-11-20T11:05:00+08:00",
        ClockEvent::DelayNotified {
            new_arrival: at("2026-11-20T11:45:00+08:00"),
        },
    ));
    w.events
        .push(ev("2026-11-20T11:20:00+08:00", ClockEvent::Resumed));
    let c = w.clock("clock.site_arrival", "2026-11-20T11:40:00+08:00");
    assert_eq!(
        due(&c),
        "2026-11-20T12:00:00+08:00",
        "11:45, plus the 15 minutes the pause still ran after the notice"
    );
    assert_ne!(c.state, ClockState::Overdue);
}

/// 300 demo tickets of one device, anchored at 2026-11-20 00:00 UTC.
fn demo_of_300(seed: u64) -> (DateTime<Utc>, Vec<gridcare_core::domain::event::Event>) {
    use chrono::TimeZone;
    use gridcare_core::domain::classify::Classifier;
    use gridcare_core::domain::demo::{demo_events, DemoOptions};
    let anchor = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
    let options = DemoOptions {
        tickets: 300,
        seed,
        device: "tab-A",
        anchor,
    };
    (
        anchor,
        demo_events(&Classifier::new(RuleTable::shipped()), &options),
    )
}

/// The queue's `next_due` is the live clock due first among all of them, for
/// every demo ticket at several moments (open, paused, overdue, closed alike).
#[test]
fn next_due_is_the_first_deadline_of_the_live_clocks() {
    use chrono::Duration;
    use gridcare_core::domain::clock::next_due;
    use gridcare_core::domain::ticket::{clock_events, fold_all};
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    let (anchor, events) = demo_of_300(21);
    let mut compared = 0;
    for ticket in fold_all(&events).values() {
        let own: Vec<_> = events.iter().filter(|e| e.ticket == ticket.id).collect();
        let timed = clock_events(&own);
        let input = ticket.clock_input(&timed);
        for now in [
            anchor,
            anchor + Duration::hours(30),
            anchor + Duration::days(40),
        ] {
            let all = clocks(&table, &calendar, &input, now);
            let expected = all
                .iter()
                .filter(|c| c.state.is_live())
                .filter_map(|c| c.due.map(|due| (due, c.state, c.words.id.clone())))
                .min_by_key(|c| c.0);
            let found = next_due(&table, &calendar, &input, now)
                .map(|next| (next.due, next.state, next.rule.words.id.clone()));
            compared += usize::from(found.is_some());
            assert_eq!(found, expected, "{} at {now}", ticket.id);
        }
    }
    assert!(compared > 100, "live clocks compared: {compared}");
}

/// The demo a first look loads reads like a working station on the day it
/// is loaded, whatever the day: most tickets closed after a revisit and on
/// time, a few just in (one due soon), one 一级 in hand on site, one or two
/// overdue, none with a deadline met late.
#[test]
fn the_first_look_demo_is_a_working_station_on_any_day() {
    use chrono::TimeZone;
    use gridcare_core::domain::classify::Classifier;
    use gridcare_core::domain::clock::ClockState;
    use gridcare_core::domain::demo::{station_events, DemoOptions};
    use gridcare_core::domain::ticket::{clock_events, fold_all, Status};
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    // A Monday morning, a Saturday night and a day in the Spring Festival,
    // with the app's own seed and another.
    let days = [
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 11, 28, 13, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2027, 2, 8, 4, 0, 0).unwrap(),
    ];
    for (anchor, seed) in days.into_iter().flat_map(|d| [(d, 2026), (d, 7)]) {
        let events = station_events(
            &Classifier::new(table.clone()),
            &DemoOptions {
                tickets: 60,
                seed,
                device: "tab-A",
                anchor,
            },
        );
        let tickets = fold_all(&events);
        assert_eq!(tickets.len(), 60);
        // Each ticket's status, grade and clock states now.
        type Reading = (Status, Option<u8>, Vec<ClockState>);
        let mut states: Vec<Reading> = Vec::new();
        for t in tickets.values() {
            let own: Vec<_> = events.iter().filter(|e| e.ticket == t.id).collect();
            assert!(
                own.iter().all(|e| e.at <= anchor),
                "nothing happens after the anchor"
            );
            let timed = clock_events(&own);
            let all = clocks(&table, &calendar, &t.clock_input(&timed), anchor);
            let grade = t.classification.as_ref().and_then(|c| c.grade);
            states.push((t.status, grade, all.iter().map(|c| c.state).collect()));
        }
        let count = |f: &dyn Fn(&Reading) -> bool| states.iter().filter(|s| f(s)).count();
        let has = |s: &Reading, state| s.2.contains(&state);
        let closed = count(&|s| s.0 == Status::Closed);
        let waiting = count(&|s| s.0 == Status::Received);
        let overdue = count(&|s| has(s, ClockState::Overdue));
        let late = count(&|s| has(s, ClockState::MetLate));
        let due_soon = count(&|s| has(s, ClockState::DueSoon));
        let urgent_on_site = count(&|s| s.0 == Status::OnSite && s.1 == Some(1));
        let day = format!("{} (seed {seed})", anchor.to_rfc3339());
        assert!(
            closed * 2 > states.len(),
            "{day}: most are closed ({closed})"
        );
        assert!(
            waiting >= 3,
            "{day}: a few wait for a first response ({waiting})"
        );
        assert!(due_soon >= 1, "{day}: one is due soon");
        assert!(
            (1..=2).contains(&overdue),
            "{day}: one or two overdue ({overdue})"
        );
        assert_eq!(late, 0, "{day}: nothing met late");
        assert!(
            urgent_on_site >= 1,
            "{day}: a 一级 ticket is being handled on site"
        );
    }
}

#[test]
fn every_milestone_reads_back_from_its_code_and_nothing_else_does() {
    use gridcare_core::domain::clock::Milestone;
    for m in Milestone::ALL {
        assert_eq!(Milestone::from_code(m.code()), Some(m));
    }
    for code in ["", "Received", "teleported", "resolved ", "dispatched_or"] {
        assert_eq!(Milestone::from_code(code), None, "{code:?}");
    }
}

/// A live clock read once and carried forward with `live_clock_at` says what
/// reading it again would: the same deadline (moved on while paused) and the
/// same state, for every demo ticket, read at several moments and carried
/// to later ones (due soon and overdue reached in between).
#[test]
fn a_clock_read_earlier_and_carried_forward_matches_a_new_reading() {
    use chrono::Duration;
    use gridcare_core::domain::clock::{live_clock_at, next_due};
    use gridcare_core::domain::ticket::{clock_events, fold_all};
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    let (anchor, events) = demo_of_300(33);
    // The demo's tickets are mostly settled by the times read here, so
    // tickets still running (each grade) and one waiting on its customer
    // (clocks paused) are added by hand.
    let answered = [
        ev("2026-11-20T08:20:00+08:00", ClockEvent::Responded),
        ev("2026-11-20T08:30:00+08:00", ClockEvent::RecordsPulled),
    ];
    let mut by_hand: Vec<Ticket> = (1..=3)
        .map(|grade| {
            let mut t = Ticket::complaint("2026-11-20T08:00:00+08:00", "tariff_dispute", grade);
            t.events.extend(answered.iter().cloned());
            t
        })
        .collect();
    by_hand[2]
        .events
        .push(ev("2026-11-20T12:00:00+08:00", ClockEvent::PendingCustomer));
    let by_hand = ["grade 1", "grade 2", "waiting"]
        .into_iter()
        .zip(by_hand.iter().map(Ticket::input));
    let folded = fold_all(&events);
    let demo = folded.values().map(|ticket| {
        let own: Vec<_> = events.iter().filter(|e| e.ticket == ticket.id).collect();
        (ticket.id.clone(), clock_events(&own))
    });
    let demo: Vec<_> = demo.collect();
    let inputs = demo
        .iter()
        .map(|(id, timed)| (id.as_str(), folded[id].clock_input(timed)))
        .chain(by_hand);
    let (mut compared, mut changed, mut paused, mut turned_soon) = (0, 0, 0, 0);
    for (id, input) in inputs {
        let last_event = input.events.iter().map(|e| e.at).max();
        for read in (0..16).map(|h| anchor + Duration::hours(h * 6)) {
            // Carried forward only from a reading with nothing after it.
            if input.received > read || last_event.is_some_and(|at| at >= read) {
                continue;
            }
            let Some(earlier) = next_due(&table, &calendar, &input, read) else {
                continue;
            };
            for later in [1, 7, 29, 70, 5 * 60, 13 * 60, 24 * 60, 9 * 24 * 60] {
                let now = read + Duration::minutes(later) + Duration::milliseconds(250);
                let Some(again) = next_due(&table, &calendar, &input, now) else {
                    continue;
                };
                // A paused clock's deadline moves on, so another clock may
                // come first: only the same clock is compared.
                if again.rule.words.id != earlier.rule.words.id {
                    continue;
                }
                let carried = live_clock_at(earlier.due, earlier.state, earlier.soon, read, now);
                assert_eq!(
                    carried,
                    (again.due, again.state),
                    "{id} read at {read}, carried to {now}"
                );
                compared += 1;
                changed += usize::from(again.state != earlier.state);
                paused += usize::from(again.state == ClockState::Paused);
                turned_soon += usize::from(
                    earlier.state == ClockState::Running && again.state == ClockState::DueSoon,
                );
            }
        }
    }
    assert!(compared > 1000, "compared: {compared}");
    assert!(changed > 20, "states that changed on the way: {changed}");
    assert!(paused > 0, "paused clocks carried: {paused}");
    assert!(
        turned_soon > 0,
        "running clocks that turned due soon: {turned_soon}"
    );
}
