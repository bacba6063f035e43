//! The lifecycle's whole table: for every status, exactly which actions are
//! offered, written out by hand from rules.md §7 so that a change to the
//! rules shows up here as a changed row.

use gridcare_core::domain::lifecycle::{available, next_step, Action, Action::*};
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
        if let Some(step) = next_step(status) {
            assert!(step.allowed_in(status), "{status:?}: {step:?}");
        }
    }
    assert_eq!(next_step(Status::Received), Some(Respond));
    assert_eq!(next_step(Status::Resolved), Some(Feedback));
    assert_eq!(next_step(Status::Closed), None);
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
