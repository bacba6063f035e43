//! The words for the domain's enums in the UI's translation table, shared by
//! the screens and the ledger export so they always say the same thing.

use crate::domain::clock::ClockState;
use crate::domain::event::EventBody;
use crate::domain::event::{CauseClass, ContactMethod};
use crate::domain::facts::Area;
use crate::domain::ticket::Status;
use crate::i18n::Term;

pub fn status_key(status: Status) -> Term {
    match status {
        Status::Received => Term::StatusReceived,
        Status::Responded => Term::StatusResponded,
        Status::Dispatched => Term::StatusDispatched,
        Status::OnSite => Term::StatusOnSite,
        Status::PendingCustomer => Term::StatusPending,
        Status::Resolved => Term::StatusResolved,
        Status::FeedbackGiven => Term::StatusFeedback,
        Status::Confirmed => Term::StatusConfirmed,
        Status::Closed => Term::StatusClosed,
        Status::Voided => Term::StatusVoided,
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

pub fn clock_state_key(state: ClockState) -> Term {
    match state {
        ClockState::NotApplicable | ClockState::Pending => Term::ClockPending,
        ClockState::Running => Term::ClockRunning,
        ClockState::DueSoon => Term::ClockDueSoon,
        ClockState::Overdue => Term::ClockOverdue,
        ClockState::Paused => Term::ClockPaused,
        ClockState::Met => Term::ClockMet,
        ClockState::MetLate => Term::ClockMetLate,
    }
}

pub fn contact_method_key(method: ContactMethod) -> Term {
    match method {
        ContactMethod::Phone => Term::ChannelPhone,
        ContactMethod::Sms => Term::ChannelSms,
        ContactMethod::Visit => Term::ChannelVisit,
    }
}

pub fn role_key(role: crate::domain::trust::roster::DeviceRole) -> Term {
    use crate::domain::trust::roster::DeviceRole;
    match role {
        DeviceRole::Crew => Term::RoleCrew,
        DeviceRole::Kiosk => Term::RoleKiosk,
        DeviceRole::Supervisor => Term::RoleSupervisor,
        DeviceRole::Hotline => Term::RoleHotline,
    }
}

pub fn cause_key(cause: CauseClass) -> Term {
    match cause {
        CauseClass::InternalManagement => Term::CauseInternal,
        CauseClass::EquipmentTechnical => Term::CauseEquipment,
        CauseClass::ExternalEnvironment => Term::CauseExternal,
        CauseClass::CustomerMisunderstanding => Term::CauseMisunderstanding,
    }
}

pub const AREAS: [Area; 4] = [Area::Urban, Area::Suburban, Area::Rural, Area::Remote];

pub fn area_key(area: Area) -> Term {
    match area {
        Area::Urban => Term::AreaUrban,
        Area::Suburban => Term::AreaSuburban,
        Area::Rural => Term::AreaRural,
        Area::Remote => Term::AreaRemote,
    }
}

pub fn grade_key(grade: u8) -> Term {
    match grade {
        1 => Term::GradeN1,
        2 => Term::GradeN2,
        _ => Term::GradeN3,
    }
}

/// The words for an event in a timeline.
pub fn event_key(body: &EventBody) -> Term {
    match body {
        EventBody::Created { .. } => Term::EventCreated,
        EventBody::Classified { .. } => Term::EventClassified,
        EventBody::Reclassified { .. } => Term::EventReclassified,
        EventBody::Responded { .. } => Term::EventResponded,
        EventBody::Dispatched { .. } => Term::EventDispatched,
        EventBody::Arrived { .. } => Term::EventArrived,
        EventBody::PendingCustomer { .. } => Term::EventPending,
        EventBody::Resumed => Term::EventResumed,
        EventBody::ProgressReported { .. } => Term::EventProgress,
        EventBody::Resolved { .. } => Term::EventResolved,
        EventBody::FeedbackGiven { .. } => Term::EventFeedback,
        EventBody::Confirmed { .. } => Term::EventConfirmed,
        EventBody::Revisited { .. } => Term::EventRevisited,
        EventBody::Reopened { .. } => Term::EventReopened,
        EventBody::Reassigned { .. } => Term::EventReassigned,
        EventBody::Closed => Term::EventClosed,
        EventBody::Voided { .. } => Term::EventVoided,
        EventBody::Note { .. } => Term::EventNote,
        EventBody::RecordsPulled => Term::EventRecords,
        EventBody::ApologyMade => Term::EventApology,
        EventBody::PhotoAttached { .. } => Term::EventPhoto,
        EventBody::IncidentLinked { .. } => Term::EventIncidentLinked,
        EventBody::IncidentDeclared { .. } => Term::EventIncidentDeclared,
        EventBody::IncidentNotice { .. } => Term::EventIncidentNotice,
        EventBody::IncidentEnded => Term::EventIncidentEnded,
        EventBody::RulesPublished { .. } => Term::EventRulesPublished,
        EventBody::TariffPublished { .. } => Term::EventTariffPublished,
        EventBody::SelfServiceAnswered { .. } => Term::EventSelfService,
        EventBody::DelayNotified { .. } => Term::EventDelayNotified,
        EventBody::SignatureAttached { .. } => Term::EventSignature,
        EventBody::CalendarYearSet { .. } | EventBody::CalendarDaySet { .. } => {
            Term::EventCalendarChanged
        }
        EventBody::DeviceEnrolled { .. } => Term::EventDeviceEnrolled,
        EventBody::DeviceRevoked { .. } => Term::EventDeviceRevoked,
    }
}

/// The words for an event's `type` (as files and messages name it).
pub fn type_term(type_name: &str) -> Option<Term> {
    Some(match type_name {
        "created" => Term::EventCreated,
        "classified" => Term::EventClassified,
        "reclassified" => Term::EventReclassified,
        "responded" => Term::EventResponded,
        "dispatched" => Term::EventDispatched,
        "arrived" => Term::EventArrived,
        "pending_customer" => Term::EventPending,
        "resumed" => Term::EventResumed,
        "progress_reported" => Term::EventProgress,
        "resolved" => Term::EventResolved,
        "feedback_given" => Term::EventFeedback,
        "confirmed" => Term::EventConfirmed,
        "revisited" => Term::EventRevisited,
        "reopened" => Term::EventReopened,
        "reassigned" => Term::EventReassigned,
        "closed" => Term::EventClosed,
        "voided" => Term::EventVoided,
        "note" => Term::EventNote,
        "records_pulled" => Term::EventRecords,
        "apology_made" => Term::EventApology,
        "photo_attached" => Term::EventPhoto,
        "incident_linked" => Term::EventIncidentLinked,
        "incident_declared" => Term::EventIncidentDeclared,
        "incident_notice" => Term::EventIncidentNotice,
        "incident_ended" => Term::EventIncidentEnded,
        "rules_published" => Term::EventRulesPublished,
        "tariff_published" => Term::EventTariffPublished,
        "self_service_answered" => Term::EventSelfService,
        "delay_notified" => Term::EventDelayNotified,
        "signature_attached" => Term::EventSignature,
        "calendar_year_set" | "calendar_day_set" => Term::EventCalendarChanged,
        "device_enrolled" => Term::EventDeviceEnrolled,
        "device_revoked" => Term::EventDeviceRevoked,
        _ => return None,
    })
}
