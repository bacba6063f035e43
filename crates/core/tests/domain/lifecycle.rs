//! The lifecycle's whole table: for every status, exactly which actions are
//! offered, written out by hand from rules.md §7 so that a change to the
//! rules shows up here as a changed row.

use gridcare_core::domain::lifecycle::{available, next_step, skipped, Action, Action::*};
use gridcare_core::domain::ticket::Status;

/// Each status with the actions it allows, in the page's order.
fn expected() -> Vec<(Status, Vec<Action>)> {
    use Status as S;
    // Open while not yet resolved: the handling steps and what is always open.
    vec![
        (
            S::Received,
            vec![
                Respond, Records, Dispatch, Delay, Arrive, Pending, Note, Progress, Apology,
                Resolve, Reassign, Void,
            ],
        ),
        (
            S::Responded,
            vec![
                Records, Dispatch, Delay, Arrive, Pending, Note, Progress, Apology, Resolve,
                Reassign, Void,
            ],
        ),
        (
            S::Dispatched,
            vec![
                Records, Dispatch, Delay, Arrive, Pending, Note, Progress, Apology, Resolve,
                Reassign, Void,
            ],
        ),
        (
            S::OnSite,
            vec![
                Records, Dispatch, Arrive, Pending, Note, Progress, Apology, Resolve, Reassign,
                Void,
            ],
        ),
        // Waiting on the customer: only resuming moves it on.
        (
            S::PendingCustomer,
            vec![Records, Resume, Note, Progress, Apology, Reassign, Void],
        ),
        (
            S::Resolved,
            vec![
                Records, Note, Progress, Apology, Feedback, Revisit, Reopen, Reassign, Void,
            ],
        ),
        (
            S::FeedbackGiven,
            vec![
                Records, Note, Progress, Apology, Confirm, Revisit, Reopen, Reassign, Close, Void,
            ],
        ),
        (
            S::Confirmed,
            vec![
                Records, Note, Progress, Apology, Revisit, Reopen, Reassign, Close, Void,
            ],
        ),
        // Closed: only a reopening; voided: nothing at all.
        (S::Closed, vec![Reopen]),
        (S::Voided, vec![]),
    ]
}

#[test]
fn every_status_offers_exactly_the_actions_of_the_lifecycle() {
    for (status, actions) in expected() {
        let got: Vec<Action> = available(status).collect();
        assert_eq!(got, actions, "{status:?}");
    }
}

#[test]
fn the_next_step_is_always_one_of_the_allowed_actions() {
    for (status, _) in expected() {
        for site_visit in [true, false] {
            if let Some(step) = next_step(status, site_visit) {
                assert!(step.allowed_in(status), "{status:?}: {step:?}");
                // The step it shows never needs a reason of its own.
                assert!(
                    skipped(status, step, site_visit).is_empty(),
                    "{status:?}: {step:?}"
                );
            }
        }
    }
    assert_eq!(next_step(Status::Received, true), Some(Respond));
    // Nobody goes out for a consultation: it is resolved after the response.
    assert_eq!(next_step(Status::Responded, true), Some(Dispatch));
    assert_eq!(next_step(Status::Responded, false), Some(Resolve));
    assert_eq!(next_step(Status::Resolved, true), Some(Feedback));
    assert_eq!(next_step(Status::Closed, false), None);
}

#[test]
fn every_action_is_recorded_by_its_own_kind_of_event() {
    use gridcare_core::domain::event::EventBody;
    let bodies = [
        (EventBody::Responded { note: None }, Respond),
        (EventBody::RecordsPulled, Records),
        (EventBody::Closed, Close),
        (EventBody::Resumed, Resume),
        (EventBody::Note { text: "x".into() }, Note),
    ];
    for (body, action) in bodies {
        assert_eq!(Action::recorded_by(&body), Some(action));
    }
    assert_eq!(
        Action::recorded_by(&EventBody::IncidentEnded),
        None,
        "not a person's action on a ticket"
    );
}

#[test]
fn leaping_over_the_main_path_names_the_steps_left_out() {
    use Status as S;
    // A repair that needs a site visit, resolved straight from 已受理.
    assert_eq!(
        skipped(S::Received, Resolve, true),
        vec![Respond, Dispatch, Arrive]
    );
    assert_eq!(skipped(S::Responded, Resolve, true), vec![Dispatch, Arrive]);
    assert_eq!(skipped(S::Dispatched, Resolve, true), vec![Arrive]);
    assert_eq!(skipped(S::OnSite, Resolve, true), vec![]);
    // Arriving without a dispatch.
    assert_eq!(skipped(S::Responded, Arrive, true), vec![Dispatch]);
    assert_eq!(skipped(S::Dispatched, Arrive, true), vec![]);
    // Nobody goes out for a consultation: only the first response counts.
    assert_eq!(skipped(S::Received, Resolve, false), vec![Respond]);
    assert_eq!(skipped(S::Responded, Resolve, false), vec![]);
    assert_eq!(skipped(S::Received, Arrive, false), vec![]);
    // Dispatching before the first response is usual for a repair.
    assert_eq!(skipped(S::Received, Dispatch, true), vec![]);
    // After a pause the ticket resumes where it was: nothing to leap from here.
    assert_eq!(skipped(S::PendingCustomer, Resolve, true), vec![]);
    // Steps off the main path never leap.
    for status in [S::Received, S::Responded, S::OnSite, S::Resolved] {
        for action in [
            Note, Records, Delay, Progress, Apology, Reassign, Void, Feedback,
        ] {
            assert!(
                skipped(status, action, true).is_empty(),
                "{status:?} {action:?}"
            );
        }
    }
}

#[test]
fn a_ticket_resumes_where_the_wait_began() {
    use chrono::{Duration, TimeZone, Utc};
    use gridcare_core::domain::event::{Channel, Contact, EventBody, Hlc, NewEvent};
    use gridcare_core::domain::facts::Facts;
    use gridcare_core::domain::ticket::fold_all;
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    let bodies = |steps: Vec<EventBody>| {
        let mut events = Vec::new();
        let mut parents: Vec<String> = Vec::new();
        let created = EventBody::Created {
            number: "N-1".into(),
            channel: Channel::Hotline,
            text: "停电".into(),
            facts: Facts::default(),
            contact: Contact::default(),
            station: None,
            team: None,
        };
        for (n, body) in std::iter::once(created).chain(steps).enumerate() {
            let at = start + Duration::minutes(n as i64);
            let e = NewEvent {
                ticket: "t".into(),
                device: "tab".into(),
                seq: n as u64 + 1,
                at,
                hlc: Hlc {
                    ms: at.timestamp_millis(),
                    n: 0,
                },
                author: "李工".into(),
                parents: std::mem::take(&mut parents),
                body,
            }
            .seal();
            parents = vec![e.id.to_string()];
            events.push(e);
        }
        fold_all(&events).remove("t").unwrap().status
    };
    let pause = || EventBody::PendingCustomer {
        reason: "客户不在家".into(),
    };
    // On site, paused, resumed: still on site, so the next step is resolving.
    let on_site = bodies(vec![
        EventBody::Responded { note: None },
        EventBody::Dispatched {
            team: "抢修一班".into(),
        },
        EventBody::Arrived { note: None },
        pause(),
        EventBody::Resumed,
    ]);
    assert_eq!(on_site, Status::OnSite);
    assert_eq!(next_step(on_site, true), Some(Resolve));
    // Paused twice in a row: the first status is kept.
    let dispatched = bodies(vec![
        EventBody::Dispatched {
            team: "抢修一班".into(),
        },
        pause(),
        pause(),
        EventBody::Resumed,
    ]);
    assert_eq!(dispatched, Status::Dispatched);
}
