//! Active regional incidents of this kiosk's station (the station set in
//! "who I am" on this device; all of them if none is set): customers see the
//! cause, the expected restoration and the latest notice before filing.
//!
//! The kiosk's home module has no ticket store (that is what keeps it
//! small), so the modules that do keep the notices in local storage for it
//! whenever the log changes.

use crate::domain::incident::{for_station, incidents};
use crate::domain::time::china;
use crate::i18n::Key;
use crate::ui::state::data::{use_data, Data};
use crate::ui::state::use_i18n;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const LEFT_FOR_THE_HOME: &str = "gridcare.kiosk.notices";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    station: String,
    cause: String,
    /// China time, `MM-DD HH:MM`.
    expected: String,
    latest: Option<String>,
}

fn notices(data: Data) -> Vec<Notice> {
    let station = data.device.with(|d| {
        d.as_ref()
            .and_then(|d| d.crew.as_ref())
            .map(|c| c.station.clone())
    });
    let authority = data.authority.get();
    let all = data.events.with(|e| incidents(e, &authority));
    for_station(&all, station.as_deref().filter(|s| !s.is_empty()))
        .into_iter()
        .map(|i| Notice {
            station: i.station.clone(),
            cause: i.cause.clone(),
            expected: i
                .expected_restoration
                .with_timezone(&china())
                .format("%m-%d %H:%M")
                .to_string(),
            latest: i.latest_notice().map(|n| n.text.clone()),
        })
        .collect()
}

/// The notices as the log has them now, once it is loaded.
#[derive(Clone, Copy)]
struct FromTheLog(Memo<Option<Vec<Notice>>>);

/// The notices as the log has them now (needs `leave_notices_for_the_home`
/// above in the tree: the same reading serves both).
pub fn from_the_log() -> Signal<Vec<Notice>> {
    let FromTheLog(current) = expect_context();
    Signal::derive(move || current.get().unwrap_or_default())
}

/// Keeps the notices in local storage for the kiosk's home module, from the
/// moment the log is loaded and whenever it changes.
pub fn leave_notices_for_the_home() {
    let data = use_data();
    let current = Memo::new(move |_| data.loaded().then(|| notices(data)));
    provide_context(FromTheLog(current));
    Effect::new(move |_| {
        if let Some(notices) = current.get() {
            let left: Vec<Notice> = left_for_the_home();
            if left != notices {
                let _ = LocalStorage::set(LEFT_FOR_THE_HOME, &notices);
            }
        }
    });
}

/// What the other modules left; nothing if they never ran on this device.
pub fn left_for_the_home() -> Vec<Notice> {
    LocalStorage::get(LEFT_FOR_THE_HOME).unwrap_or_default()
}

#[component]
pub fn NoticeList(notices: Signal<Vec<Notice>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        notices
            .get()
            .into_iter()
            .map(|n| {
                view! {
                    <section class="kiosk-incident" role="status" data-testid="kiosk-incident">
                        <h2>{i18n.t(Key::KioskIncident)} " · " {n.station}</h2>
                        <p>{n.cause}</p>
                        <p>{i18n.t(Key::KioskIncidentText)} <strong>{n.expected}</strong></p>
                        {n.latest.map(|text| view! { <p>{i18n.t(Key::LatestProgress)} {text}</p> })}
                    </section>
                }
            })
            .collect_view()
    }
}
