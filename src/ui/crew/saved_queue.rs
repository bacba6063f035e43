//! The queue's first rows, saved beside the log so that the next start draws
//! them before the log is read and decoded (with 50,000 tickets, decoding is
//! most of a cold start).
//!
//! Safe to show because the store hands the record over only while the log
//! is exactly as it was when the rows were saved (`Store::save_beside_log`
//! checks that in the write's transaction, `load_log_passing_seals` in the
//! read's): a save or an import since, even one cut short by a killed
//! browser, and it is not shown. Clocks are carried to the present
//! (`NextDue::at`). A row holds what the queue shows, never a customer's
//! contact details (those are sealed in the log, see `personal`).
//! Until the log is read, the rows are links only: filters, search and
//! actions wait for the real queue, which replaces them.

use super::{QueueRow, Row};
use crate::domain::care::CareFlags;
use crate::i18n::Key;
use crate::ui::state::data::Data;
use crate::ui::state::use_i18n;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Bumped when what is saved changes shape or meaning: an older record
/// is then not shown.
const FORMAT: u32 = 1;
/// Rows saved: as many as the queue's box shows on the tallest screen (a
/// row is 56 px high); more would only delay the log's decoding.
const SAVED_ROWS: usize = 40;

#[derive(Serialize, Deserialize)]
struct SavedQueue {
    format: u32,
    /// The build that saved them (a hash of its code and shipped data, see
    /// `build.rs`): rows are computed by its code and rules.
    build: String,
    /// How many rows the queue shows with the filters it opens with (open
    /// tickets only).
    shown: usize,
    rows: Vec<(Row, CareFlags)>,
}

/// Saves the first rows the queue opens with (open tickets, due first) if
/// this tab writes the log and the log is as the rows were computed from.
///
/// `flags_of` gives the care flags a ticket's own facts state: a repeat
/// complainant found by phone number is left out, since it is read from
/// sealed data and would show on a locked device before the passphrase.
pub(super) fn save(data: Data, rows: &[Arc<Row>], flags_of: impl Fn(&str) -> CareFlags) {
    if !data.loaded() || !data.writes() {
        return;
    }
    let Some(store) = data.store() else {
        return;
    };
    // Taken now, with the rows: the store's mark moves with every write, and
    // the rows are of the log as it stands at this moment.
    let Some(mark) = store.mark() else {
        return;
    };
    let open = || rows.iter().filter(|r| r.status.is_open());
    let saved = SavedQueue {
        format: FORMAT,
        build: env!("GRIDCARE_BUILD").to_string(),
        shown: open().count(),
        rows: open()
            .take(SAVED_ROWS)
            .map(|r| (Row::clone(r), flags_of(&r.id)))
            .collect(),
    };
    if saved.rows.is_empty() {
        return;
    }
    let Ok(body) = serde_json::to_string(&saved) else {
        return;
    };
    // Not saved when the log moved meanwhile: the next rows will be.
    leptos::task::spawn_local(async move {
        let _ = store.save_beside_log(mark, body).await;
    });
}

/// The saved rows, if they are of this version of the app.
fn read(body: &str) -> Option<SavedQueue> {
    let saved: SavedQueue = serde_json::from_str(body).ok()?;
    (saved.format == FORMAT && saved.build == env!("GRIDCARE_BUILD") && !saved.rows.is_empty())
        .then_some(saved)
}

/// The queue as saved, shown while the log is read.
#[component]
pub(super) fn SavedQueueTable(body: Arc<str>, now: RwSignal<DateTime<Utc>>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(saved) = read(&body) else {
        return view! { <p role="status">{i18n.t(Key::LoadingData)}</p> }.into_any();
    };
    // In the order of their deadlines now: a paused clock's moved on.
    let mut rows = saved.rows;
    let now_at = now.get_untracked();
    rows.sort_by_key(|(r, _)| (r.next.is_none(), r.next.as_ref().map(|n| n.at(now_at).0)));
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(at, (r, flags))| view! { <QueueRow flags r=Arc::new(r) position=at now live=false /> })
        .collect_view();
    view! {
        <div class="filters">
            <h2 class="queue-title">{i18n.t(Key::Tickets)} " (" {saved.shown} ")"</h2>
            <p role="status" class="meta">
                {i18n.t(Key::QueueAsSaved)}
            </p>
        </div>
        <div class="queue-scroll" tabindex="0" aria-label=i18n.t(Key::Tickets)>
            <table
                class="queue"
                data-testid="saved-queue"
                aria-busy="true"
                aria-rowcount=saved.shown + 1
            >
                <super::QueueHead />
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
