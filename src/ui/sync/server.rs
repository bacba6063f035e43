//! The sync screen's server part: where to sync, logging in (the password
//! goes to the server, never into storage), "sync now", and how it stands.

use crate::domain::couch::database_for;
use crate::i18n::Key;
use crate::ui::state::replication::{use_replication, Replication, SyncStatus};
use crate::ui::state::{use_data, use_i18n};
use crate::web::couch::{CouchError, SyncTarget};
use chrono::Utc;
use leptos::prelude::*;

/// Where a device syncs before anyone chose: the server beside the app
/// (`.ci/start` runs one at /couchdb) and the station's database.
fn default_target(station: Option<&str>) -> SyncTarget {
    SyncTarget {
        server: "/couchdb".into(),
        database: station.map_or_else(|| "gridcare-demo".into(), database_for),
        user: "demo".into(),
        follow: Vec::new(),
    }
}

/// A labelled one-line field bound to `value`.
#[component]
fn TextField(
    label: Key,
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {i18n.t(label)}
            <input
                type=kind
                data-testid=testid
                autocomplete=autocomplete
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// The last error, in the user's words.
pub fn error_key(e: &CouchError) -> Key {
    match e {
        CouchError::Unreachable => Key::SyncUnreachable,
        CouchError::WrongPassword => Key::SyncWrongPassword,
        CouchError::NeedLogin => Key::SyncNeedLogin,
        CouchError::NoPermission => Key::SyncNoPermission,
        CouchError::NoDatabase => Key::SyncNoDatabase,
        CouchError::Server { .. } => Key::SyncServerError,
    }
}

#[component]
pub fn ServerSync() -> impl IntoView {
    let Some(replication) = use_replication() else {
        return ().into_any();
    };
    let i18n = use_i18n();
    let data = use_data();
    let status = replication.status;
    let start = status.get_untracked().target;
    let station = data
        .device
        .get_untracked()
        .and_then(|d| d.station().map(str::to_string));
    let start = if start.is_set() {
        start
    } else {
        default_target(station.as_deref())
    };
    let server = RwSignal::new(start.server);
    let database = RwSignal::new(start.database);
    let user = RwSignal::new(start.user);
    let password = RwSignal::new(String::new());
    let follow = RwSignal::new(start.follow.join(", "));
    // The saved target arrives from IndexedDB after the first render.
    let saved = Memo::new(move |_| status.with(|s| s.target.clone()));
    Effect::new(move |_| {
        let target = saved.get();
        if target.is_set() {
            server.set(target.server);
            database.set(target.database);
            user.set(target.user);
            follow.set(target.follow.join(", "));
        }
    });
    let log_in = Action::new_local(move |password: &String| {
        let password = password.clone();
        async move { replication.log_in(password).await }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        replication.set_target(SyncTarget {
            server: server.get_untracked().trim().to_string(),
            database: database.get_untracked().trim().to_string(),
            user: user.get_untracked().trim().to_string(),
            follow: follow
                .get_untracked()
                .split([',', '，', ' ', '\n'])
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect(),
        });
        log_in.dispatch_local(password.get_untracked());
        password.set(String::new());
    };
    view! {
        <section class="server-sync" aria-labelledby="server-sync-heading">
            <h3 id="server-sync-heading">{i18n.t(Key::ServerSync)}</h3>
            <p class="hint">{i18n.t(Key::ServerSyncHint)}</p>
            <form class="server-form" on:submit=submit data-testid="sync-form">
                <TextField label=Key::ServerAddress testid="sync-server" value=server />
                <TextField label=Key::DatabaseName testid="sync-database" value=database />
                <TextField
                    label=Key::UserName
                    testid="sync-user"
                    value=user
                    autocomplete="username"
                />
                <TextField
                    label=Key::AccountPassword
                    testid="sync-password"
                    value=password
                    kind="password"
                    autocomplete="current-password"
                />
                <p class="hint">{i18n.t(Key::PasswordNotKept)}</p>
                <TextField label=Key::FollowDatabases testid="sync-follow" value=follow />
                <p class="hint">{i18n.t(Key::FollowDatabasesHint)}</p>
                <div class="actions">
                    <button
                        type="submit"
                        class="primary"
                        data-testid="sync-login"
                        // Only the tab that writes syncs and keeps these
                        // settings; the banner says which tab that is.
                        disabled=move || log_in.pending().get() || !data.tab_writes()
                    >
                        {i18n.t(Key::LogInAndSync)}
                    </button>
                    <Show when=move || status.with(|s| s.session)>
                        <button
                            type="button"
                            data-testid="sync-now"
                            on:click=move |_| replication.sync_now()
                        >
                            {i18n.t(Key::SyncNow)}
                        </button>
                        <button
                            type="button"
                            data-testid="sync-logout"
                            on:click=move |_| { leptos::task::spawn_local(replication.log_out()) }
                        >
                            {i18n.t(Key::LogOut)}
                        </button>
                    </Show>
                </div>
            </form>
            <SyncState replication />
            // Logged in: sync can now bring tickets the crew must hear of.
            <Show when=move || status.with(|s| s.session)>
                <crate::ui::widgets::NotifyOffer />
            </Show>
        </section>
    }
    .into_any()
}

/// Last synced, what waits, what was refused, the last error.
#[component]
fn SyncState(replication: Replication) -> impl IntoView {
    let i18n = use_i18n();
    let status = replication.status;
    let last = move || {
        status.with(|s| {
            s.last_synced.map(|t| {
                t.with_timezone(&crate::domain::time::china())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
        })
    };
    view! {
        <div class="sync-state" data-testid="sync-state">
            <p>
                {i18n.t(Key::LastSynced)} ": "
                <span data-testid="sync-last">
                    {move || last().unwrap_or_else(|| i18n.t(Key::NeverSynced)().to_string())}
                </span> " · "
                <span data-testid="sync-waiting" data-n=move || status.with(|s| s.waiting)>
                    {move || {
                        Key::WaitingUp.fill(i18n.lang.get(), &[("n", &status.with(|s| s.waiting))])
                    }}
                </span> " · "
                <span data-testid="sync-counts">
                    {move || {
                        status
                            .with(|s| {
                                Key::PulledPushed
                                    .fill(
                                        i18n.lang.get(),
                                        &[("pulled", &s.pulled), ("pushed", &s.pushed)],
                                    )
                            })
                    }}
                </span>
            </p>
            <Show when=move || status.with(|s| s.running)>
                <p role="status">{i18n.t(Key::SyncingNow)}</p>
            </Show>
            <Show when=move || status.with(|s| s.locked)>
                <p class="warning" role="alert">
                    {i18n.t(Key::SyncLocked)}
                </p>
            </Show>
            {move || {
                status
                    .with(|s| s.last_error.clone())
                    .filter(|_| !status.with(|s| s.locked))
                    .map(|e| {
                        let mut detail = match &e {
                            CouchError::Server { reason, .. } => reason.clone(),
                            _ => String::new(),
                        };
                        if let Some(database) = status.with(|s| s.error_database.clone()) {
                            detail = format!("{detail} ({database})");
                        }
                        // An error of a followed station names its database.
                        view! {
                            <p
                                class="error"
                                role="alert"
                                data-testid="sync-error"
                                data-kind=format!("{e:?}")
                                    .split([' ', '{'])
                                    .next()
                                    .unwrap_or("")
                                    .to_string()
                            >
                                {i18n.t(error_key(&e))}
                                " "
                                {detail}
                            </p>
                        }
                    })
            }}
            <ul class="refused" data-testid="sync-refused">
                {move || {
                    status
                        .with(|s| s.refused.clone())
                        .into_iter()
                        .map(|(doc, why)| {
                            let lang = i18n.lang.get();
                            view! {
                                <li class="error" data-doc=doc.clone()>
                                    {Key::DocRefusedBy.fill(lang, &[("doc", &doc)])}
                                    " "
                                    {why.message(lang)}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// "已同步 3 分钟前" or what waits, for the status bar.
pub fn status_words(s: &SyncStatus, lang: crate::i18n::Lang) -> Option<String> {
    if !s.target.is_set() || !s.session {
        return None;
    }
    if s.waiting > 0 {
        return Some(Key::WaitingUp.fill(lang, &[("n", &s.waiting)]));
    }
    let last = s.last_synced?;
    let minutes = (Utc::now() - last).num_minutes().max(0);
    Some(match minutes {
        0 => Key::SyncedJustNow.text(lang).to_string(),
        1..=59 => Key::SyncedMinutesAgo.fill(lang, &[("n", &minutes)]),
        _ => Key::SyncedHoursAgo.fill(lang, &[("n", &(minutes / 60))]),
    })
}
