//! The roster on the supervisor's desk: every device this one has heard
//! from, whether a supervisor enrolled it, and (on a supervisor's device)
//! enrolling and revoking. Who may do that is the domain's call
//! (`trust::roster`); this screen only shows it and records the events.

use crate::domain::labels::role_key;
use crate::domain::trust::fingerprint;
use crate::domain::trust::roster::{DeviceRole, Standing};
use crate::i18n::Key;
use crate::ui::state::data::Data;
use crate::ui::state::{use_data, use_i18n};
use crate::web::store::StoreError;
use leptos::prelude::*;

/// How a device stands, as the table says it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stands {
    Root,
    Enrolled,
    Revoked,
    Unenrolled,
}

impl Stands {
    fn key(self) -> Key {
        match self {
            Stands::Root => Key::StandingRoot,
            Stands::Enrolled => Key::StandingEnrolled,
            Stands::Revoked => Key::RevokedDevice,
            Stands::Unenrolled => Key::UnenrolledDevice,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    device: String,
    key: String,
    name: String,
    station: String,
    role: Option<DeviceRole>,
    stands: Stands,
    own: bool,
}

/// Every device with a key this device knows or the roster names.
fn rows(data: Data) -> Vec<Row> {
    let authority = data.authority.get();
    let own = data.device.with(|d| d.as_ref().map(|d| d.id.clone()));
    let mut keys = data.known_keys();
    for (device, e) in &authority.roster.devices {
        keys.entry(device.clone()).or_insert_with(|| e.key.clone());
    }
    keys.into_iter()
        .map(|(device, key)| {
            let enrolment = authority.roster.devices.get(&device);
            let stands = if authority.roster.roots.contains(&key) {
                Stands::Root
            } else {
                match authority.roster.standing(&device, Some(&key)) {
                    Standing::Enrolled(_) => Stands::Enrolled,
                    Standing::Revoked(_) => Stands::Revoked,
                    Standing::Unenrolled => Stands::Unenrolled,
                }
            };
            Row {
                own: own.as_deref() == Some(device.as_str()),
                name: enrolment.map(|e| e.name.clone()).unwrap_or_default(),
                station: enrolment.map(|e| e.station.clone()).unwrap_or_default(),
                role: enrolment.map(|e| e.role),
                device,
                key,
                stands,
            }
        })
        .collect()
}

#[component]
pub fn DevicesView() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let rows = Memo::new(move |_| rows(data));
    // Whether this device may enrol and revoke (its key is read with the
    // device, after the store opened).
    let governs = Memo::new(move |_| {
        let authority = data.authority.get();
        let id = data.device.with(|d| d.as_ref().map(|d| d.id.clone()));
        match (id, &data.own_key()) {
            (Some(_), Some(key)) if authority.roster.roots.contains(key) => Some(Key::GovernsRoot),
            (Some(id), Some(key)) if authority.roster.may_govern(&id, Some(key)) => {
                Some(Key::GovernsEnrolled)
            }
            _ => None,
        }
    });
    let no_root = Memo::new(move |_| data.authority.with(|a| a.roster.roots.is_empty()));
    let refused = Memo::new(move |_| data.authority.with(|a| a.roster.refused.clone()));
    view! {
        <section data-testid="devices">
            <h2>{i18n.t(Key::SupDevices)}</h2>
            <p class="meta">{i18n.t(Key::DevicesHint)}</p>
            <ThisDevice />
            <p data-testid="governs">{move || i18n.t(governs.get().unwrap_or(Key::GovernsNot))}</p>
            <Show when=move || {
                data.device.track();
                no_root.get() && data.own_key().is_some()
            }>
                <BecomeRoot />
            </Show>
            <DeviceTable rows=rows />
            <Show when=move || governs.get().is_some()>
                <EnrolForm rows=rows />
                <RevokeForm rows=rows />
            </Show>
            {move || {
                let refused = refused.get();
                (!refused.is_empty())
                    .then(|| {
                        view! {
                            <div class="error" role="alert" data-testid="roster-refused">
                                <p>{i18n.t(Key::RosterRefused)}</p>
                                <ul>
                                    {refused
                                        .into_iter()
                                        .map(|r| view! { <li>{r.device}</li> })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// This device's id and its key's fingerprint, to compare on another screen.
#[component]
fn ThisDevice() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let id = move || {
        data.device
            .with(|d| d.as_ref().map(|d| d.id.clone()).unwrap_or_default())
    };
    view! {
        <p class="meta" data-testid="this-device">
            {i18n.t(Key::ThisDeviceIs)}
            " "
            <code>{id}</code>
            {move || {
                {
                    data.device.track();
                    data.own_key()
                }
                    .map(|key| {
                        view! {
                            " · "
                            {i18n.t(Key::KeyFingerprint)}
                            " "
                            <code data-testid="own-fingerprint">{fingerprint(&key)}</code>
                        }
                    })
            }}
        </p>
    }
}

#[component]
fn DeviceTable(rows: Memo<Vec<Row>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="ledger" data-testid="device-table">
            <thead>
                <tr>
                    <th scope="col">{i18n.t(Key::DeviceColumn)}</th>
                    <th scope="col">{i18n.t(Key::DeviceName)}</th>
                    <th scope="col">{i18n.t(Key::StationColumn)}</th>
                    <th scope="col">{i18n.t(Key::RoleColumn)}</th>
                    <th scope="col">{i18n.t(Key::KeyFingerprint)}</th>
                    <th scope="col">{i18n.t(Key::StandingColumn)}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    rows.get()
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr
                                    data-device=r.device.clone()
                                    data-standing=format!("{:?}", r.stands)
                                >
                                    <td>
                                        <code>{r.device.clone()}</code>
                                        {r
                                            .own
                                            .then(|| {
                                                view! {
                                                    " ("
                                                    {i18n.t(Key::ThisDeviceIs)}
                                                    ")"
                                                }
                                            })}
                                    </td>
                                    <td>{r.name.clone()}</td>
                                    <td>{r.station.clone()}</td>
                                    <td>{r.role.map(|role| i18n.t(role_key(role)))}</td>
                                    <td>
                                        <code>{fingerprint(&r.key)}</code>
                                    </td>
                                    <td>{i18n.t(r.stands.key())}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

/// Where nobody governs yet: a supervisor makes this device the root.
#[component]
fn BecomeRoot() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let name = RwSignal::new(String::new());
    let station = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let act = Action::new_local(move |(n, s): &(String, String)| {
        let (n, s) = (n.clone(), s.clone());
        async move { data.become_root(n, s).await }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, s) = (
            name.get_untracked().trim().to_string(),
            station.get_untracked().trim().to_string(),
        );
        if n.is_empty() || s.is_empty() {
            error.set(Some(Key::EnrolFieldsRequired));
            return;
        }
        error.set(None);
        act.dispatch_local((n, s));
    };
    view! {
        <form class="row" on:submit=submit novalidate data-testid="become-root">
            <p class="meta">{i18n.t(Key::NoRootYet)}</p>
            <NameAndStation name=name station=station />
            <button type="submit" class="primary" disabled=move || act.pending().get()>
                {i18n.t(Key::BecomeRoot)}
            </button>
            <Problem error=error saved=act.value() />
        </form>
    }
}

#[component]
fn NameAndStation(name: RwSignal<String>, station: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {i18n.t(Key::DeviceName)}
            <input
                type="text"
                maxlength="60"
                data-testid="device-name"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
        </label>
        <label>
            {i18n.t(Key::StationColumn)}
            <input
                type="text"
                maxlength="60"
                data-testid="device-station"
                prop:value=move || station.get()
                on:input=move |ev| station.set(event_target_value(&ev))
            />
        </label>
    }
}

/// A form's problem: what is missing, or why the save failed.
#[component]
fn Problem(
    error: RwSignal<Option<Key>>,
    #[prop(into)] saved: Signal<Option<Result<(), StoreError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let missing = error.get().map(|k| i18n.t(k)().to_string());
        let failed = saved
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message(i18n.lang.get()));
        missing.or(failed).map(|text| {
            view! {
                <p class="error" role="alert">
                    {text}
                </p>
            }
        })
    }
}

#[component]
fn EnrolForm(rows: Memo<Vec<Row>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let chosen = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let station = RwSignal::new(String::new());
    let role = RwSignal::new(DeviceRole::Crew);
    let error = RwSignal::new(None::<Key>);
    let candidates = Memo::new(move |_| {
        rows.get()
            .into_iter()
            .filter(|r| matches!(r.stands, Stands::Unenrolled | Stands::Revoked) && !r.own)
            .collect::<Vec<_>>()
    });
    let act = Action::new_local(move |row: &(Row, String, String, DeviceRole)| {
        let (row, n, s, r) = row.clone();
        async move { data.enrol(row.device, row.key, n, s, r).await }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let device = chosen.get_untracked();
        let Some(row) = candidates
            .get_untracked()
            .into_iter()
            .find(|r| r.device == device)
        else {
            return;
        };
        let (n, s) = (
            name.get_untracked().trim().to_string(),
            station.get_untracked().trim().to_string(),
        );
        if n.is_empty() || s.is_empty() {
            error.set(Some(Key::EnrolFieldsRequired));
            return;
        }
        error.set(None);
        act.dispatch_local((row, n, s, role.get_untracked()));
    };
    view! {
        <form class="row" on:submit=submit novalidate data-testid="enrol">
            <label>
                {i18n.t(Key::DeviceColumn)}
                <select
                    data-testid="enrol-device"
                    on:change=move |ev| chosen.set(event_target_value(&ev))
                    prop:value=move || chosen.get()
                >
                    <option value="">"—"</option>
                    {move || {
                        candidates
                            .get()
                            .into_iter()
                            .map(|r| {
                                let label = format!("{} · {}", r.device, fingerprint(&r.key));
                                view! { <option value=r.device>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <NameAndStation name=name station=station />
            <label>
                {i18n.t(Key::RoleColumn)}
                <select
                    data-testid="enrol-role"
                    on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        if let Some(r) = DeviceRole::ALL
                            .into_iter()
                            .find(|r| format!("{r:?}") == picked)
                        {
                            role.set(r);
                        }
                    }
                >
                    {DeviceRole::ALL
                        .into_iter()
                        .map(|r| {
                            view! {
                                <option value=format!("{r:?}") selected=move || role.get() == r>
                                    {i18n.t(role_key(r))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button
                type="submit"
                class="primary"
                disabled=move || act.pending().get() || chosen.get().is_empty()
            >
                {i18n.t(Key::Enrol)}
            </button>
            <Problem error=error saved=act.value() />
        </form>
    }
}

#[component]
fn RevokeForm(rows: Memo<Vec<Row>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let chosen = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let enrolled = Memo::new(move |_| {
        rows.get()
            .into_iter()
            .filter(|r| r.stands == Stands::Enrolled && !r.own)
            .collect::<Vec<_>>()
    });
    let act = Action::new_local(move |(d, r): &(String, String)| {
        let (d, r) = (d.clone(), r.clone());
        async move { data.revoke(d, r).await }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            error.set(Some(Key::RevokeReasonRequired));
            return;
        }
        error.set(None);
        act.dispatch_local((chosen.get_untracked(), why));
    };
    view! {
        <form class="row" on:submit=submit novalidate data-testid="revoke">
            <label>
                {i18n.t(Key::DeviceColumn)}
                <select
                    data-testid="revoke-device"
                    on:change=move |ev| chosen.set(event_target_value(&ev))
                    prop:value=move || chosen.get()
                >
                    <option value="">"—"</option>
                    {move || {
                        enrolled
                            .get()
                            .into_iter()
                            .map(|r| {
                                let label = format!("{} · {}", r.name, r.device);
                                view! { <option value=r.device>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                {i18n.t(Key::RevokeReason)}
                <input
                    type="text"
                    maxlength="200"
                    data-testid="revoke-reason"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                />
            </label>
            <button
                type="submit"
                class="danger"
                disabled=move || act.pending().get() || chosen.get().is_empty()
            >
                {i18n.t(Key::Revoke)}
            </button>
            <Problem error=error saved=act.value() />
        </form>
    }
}
