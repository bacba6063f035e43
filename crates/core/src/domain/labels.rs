//! The words for the domain's enums in the UI's translation table, shared by
//! the screens and the ledger export so they always say the same thing.

use crate::domain::clock::ClockState;
use crate::domain::event::CauseClass;
use crate::domain::facts::Area;
use crate::domain::ticket::Status;
use crate::i18n::Key;

pub fn status_key(status: Status) -> Key {
    match status {
        Status::Received => Key::StatusReceived,
        Status::Responded => Key::StatusResponded,
        Status::Dispatched => Key::StatusDispatched,
        Status::OnSite => Key::StatusOnSite,
        Status::PendingCustomer => Key::StatusPending,
        Status::Resolved => Key::StatusResolved,
        Status::FeedbackGiven => Key::StatusFeedback,
        Status::Confirmed => Key::StatusConfirmed,
        Status::Closed => Key::StatusClosed,
        Status::Voided => Key::StatusVoided,
    }
}

pub const STATUSES: [Status; 10] = [
    Status::Received,
    Status::Responded,
    Status::Dispatched,
    Status::OnSite,
    Status::PendingCustomer,
    Status::Resolved,
    Status::FeedbackGiven,
    Status::Confirmed,
    Status::Closed,
    Status::Voided,
];

pub fn clock_state_key(state: ClockState) -> Key {
    match state {
        ClockState::NotApplicable | ClockState::Pending => Key::ClockPending,
        ClockState::Running => Key::ClockRunning,
        ClockState::DueSoon => Key::ClockDueSoon,
        ClockState::Overdue => Key::ClockOverdue,
        ClockState::Paused => Key::ClockPaused,
        ClockState::Met => Key::ClockMet,
        ClockState::MetLate => Key::ClockMetLate,
    }
}

pub fn cause_key(cause: CauseClass) -> Key {
    match cause {
        CauseClass::InternalManagement => Key::CauseInternal,
        CauseClass::EquipmentTechnical => Key::CauseEquipment,
        CauseClass::ExternalEnvironment => Key::CauseExternal,
        CauseClass::CustomerMisunderstanding => Key::CauseMisunderstanding,
    }
}

pub const AREAS: [Area; 4] = [Area::Urban, Area::Suburban, Area::Rural, Area::Remote];

pub fn area_key(area: Area) -> Key {
    match area {
        Area::Urban => Key::AreaUrban,
        Area::Suburban => Key::AreaSuburban,
        Area::Rural => Key::AreaRural,
        Area::Remote => Key::AreaRemote,
    }
}

pub fn grade_key(grade: u8) -> Key {
    match grade {
        1 => Key::GradeN1,
        2 => Key::GradeN2,
        _ => Key::GradeN3,
    }
}
