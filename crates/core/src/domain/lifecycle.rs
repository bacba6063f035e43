//! The handling lifecycle (rules.md §7): the actions a person can take on a
//! ticket and which of them each status allows. The ticket page asks this
//! module which buttons to show; nothing about the lifecycle is decided in a
//! component.
//!
//! received → responded → dispatched → on site → resolved (with the three-part
//! feedback) → feedback given → confirmed or revisited → closed; at any time
//! while open: a note, a progress report, an apology, a reassignment, records
//! pulled, a void; waiting on the customer pauses the clocks until resumed.

use crate::domain::event::EventBody;
use crate::domain::ticket::Status;

/// What a person can do to a ticket; each records one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The first response to the customer (首次响应).
    Respond,
    /// The customer's records were pulled (资料调取).
    Records,
    Dispatch,
    /// The crew will be late: the customer is told the new time (000 §一2).
    Delay,
    Arrive,
    /// Waiting on the customer: the clocks pause.
    Pending,
    Resume,
    Note,
    Progress,
    Apology,
    /// Cause, solution and improvement (003 §四(二)).
    Resolve,
    Feedback,
    Confirm,
    Revisit,
    Reopen,
    Reassign,
    Close,
    Void,
}

impl Action {
    /// Every action, in the order the ticket page lists them.
    pub const ALL: [Action; 18] = [
        Action::Respond,
        Action::Records,
        Action::Dispatch,
        Action::Delay,
        Action::Arrive,
        Action::Pending,
        Action::Resume,
        Action::Note,
        Action::Progress,
        Action::Apology,
        Action::Resolve,
        Action::Feedback,
        Action::Confirm,
        Action::Revisit,
        Action::Reopen,
        Action::Reassign,
        Action::Close,
        Action::Void,
    ];

    /// Whether the action makes sense for a ticket in `status`.
    pub fn allowed_in(self, status: Status) -> bool {
        use Status as S;
        let open = !matches!(status, S::Closed | S::Voided);
        // Still being handled, and not waiting on the customer.
        let handling = open && status < S::Resolved && status != S::PendingCustomer;
        match self {
            Action::Respond => status == S::Received,
            Action::Records
            | Action::Note
            | Action::Progress
            | Action::Apology
            | Action::Reassign
            | Action::Void => open,
            Action::Dispatch | Action::Arrive | Action::Pending | Action::Resolve => handling,
            Action::Delay => matches!(status, S::Received | S::Responded | S::Dispatched),
            Action::Resume => status == S::PendingCustomer,
            Action::Feedback => status == S::Resolved,
            Action::Confirm => status == S::FeedbackGiven,
            Action::Revisit => open && status >= S::Resolved,
            Action::Reopen => status >= S::Resolved && status != S::Voided,
            Action::Close => matches!(status, S::FeedbackGiven | S::Confirmed),
        }
    }

    /// The action an event records, if a person's action records it.
    pub fn recorded_by(body: &EventBody) -> Option<Action> {
        Some(match body {
            EventBody::Responded { .. } => Action::Respond,
            EventBody::RecordsPulled => Action::Records,
            EventBody::Dispatched { .. } => Action::Dispatch,
            EventBody::DelayNotified { .. } => Action::Delay,
            EventBody::Arrived { .. } => Action::Arrive,
            EventBody::PendingCustomer { .. } => Action::Pending,
            EventBody::Resumed => Action::Resume,
            EventBody::Note { .. } => Action::Note,
            EventBody::ProgressReported { .. } => Action::Progress,
            EventBody::ApologyMade => Action::Apology,
            EventBody::Resolved { .. } => Action::Resolve,
            EventBody::FeedbackGiven { .. } => Action::Feedback,
            EventBody::Confirmed { .. } => Action::Confirm,
            EventBody::Revisited { .. } => Action::Revisit,
            EventBody::Reopened { .. } => Action::Reopen,
            EventBody::Reassigned { .. } => Action::Reassign,
            EventBody::Closed => Action::Close,
            EventBody::Voided { .. } => Action::Void,
            _ => return None,
        })
    }
}

/// The actions `status` allows, in the page's order.
pub fn available(status: Status) -> impl Iterator<Item = Action> {
    Action::ALL
        .into_iter()
        .filter(move |a| a.allowed_in(status))
}

/// The step that moves the ticket on from `status`: the page shows it first.
/// Where nobody needs to go out (`site_visit` false), a responded ticket is
/// resolved next, not dispatched.
pub fn next_step(status: Status, site_visit: bool) -> Option<Action> {
    use Status as S;
    match status {
        S::Received => Some(Action::Respond),
        S::Responded if !site_visit => Some(Action::Resolve),
        S::Responded => Some(Action::Dispatch),
        S::Dispatched => Some(Action::Arrive),
        S::OnSite => Some(Action::Resolve),
        S::PendingCustomer => Some(Action::Resume),
        S::Resolved => Some(Action::Feedback),
        S::FeedbackGiven => Some(Action::Confirm),
        S::Confirmed => Some(Action::Close),
        S::Closed | S::Voided => None,
    }
}

/// The steps of the main path that `action`, taken in `status`, would leap
/// over (rules.md §7: received → responded → dispatched → on site →
/// resolved). The page asks for a reason before such an action, and records
/// it with the action, so that an audit reads why.
///
/// Dispatch and arrival count only where the ticket needs a site visit: a
/// consultation is answered and resolved without anyone going out. The
/// first response counts only before a resolution: a crew may be sent out
/// before anyone has called the customer back, but nothing is resolved
/// that the customer was never answered on.
pub fn skipped(status: Status, action: Action, site_visit: bool) -> Vec<Action> {
    use Status as S;
    // The main path's steps before each action, and the status each step
    // brings the ticket to.
    let before: &[(Action, Status)] = match action {
        Action::Arrive => &[(Action::Dispatch, S::Dispatched)],
        Action::Resolve => &[
            (Action::Respond, S::Responded),
            (Action::Dispatch, S::Dispatched),
            (Action::Arrive, S::OnSite),
        ],
        _ => &[],
    };
    if !action.allowed_in(status) {
        return Vec::new();
    }
    before
        .iter()
        .filter(|(step, reached)| {
            status < *reached
                && match step {
                    Action::Dispatch | Action::Arrive => site_visit,
                    _ => true,
                }
        })
        .map(|(step, _)| *step)
        .collect()
}
