//! Live sync with a CouchDB database (CouchDB's replication protocol, as
//! its own replicator and PouchDB run it): read the server's `_changes`
//! since the last checkpoint, fetch the groups of documents this device
//! lacks and take them only after the checks of a file import, send what
//! the server lacks (`_revs_diff`, then `_bulk_docs`), and keep the
//! checkpoint on both sides (`_local/<replication id>` on the server), so
//! an interrupted run resumes where it stopped. While online it runs again
//! whenever the server's feed moves (a long poll) or this device saves;
//! on errors it waits longer each time; offline it waits for the network.
//!
//! The layout is `domain::couch`'s; HTTP is `web::couch`'s; the screen
//! (`ui::sync`) only shows [`SyncStatus`] and calls [`Replication`].

use super::data::Data;
use crate::domain::bundle::{Bundle, Validation};
use crate::domain::couch::{
    documents_of, plan_documents, replication_id, Checkpoint, Coverage, DocPlan, DocRange,
    EventDoc, GroupFile, PlainGroup, Refusal, Verdict,
};
use crate::domain::event::Event;
use crate::web::couch::{self, CouchError, Remote, SyncTarget};
use crate::web::trace::Phase;
use crate::web::{import, network, tasks};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `_changes` rows per page.
const PAGE: usize = 500;
/// Documents per `_bulk_docs` request: up to 10,000 events, about 5 MB of
/// text, made just before they are sent. (At 50, each request's texts, its
/// JSON tree and its body took some 100 MB of the tab's memory at once.)
const PUSH_BATCH: usize = 10;
/// Documents per request when a group is fetched: about 4,000 events,
/// 2 to 3 MB, checked before the next page comes (a page of ten took a
/// 12 MB buffer, kept while the group was checked).
const GROUP_PAGE: usize = 4;
/// How long a long poll waits for the server's feed to move, in ms.
const LONG_POLL_MS: u32 = 25_000;
/// Followed stations whose feeds are long-polled beside the device's own.
const MAX_FOLLOWED_POLLS: usize = 3;
/// The longest wait between retries after errors, in seconds.
const MAX_BACKOFF_S: i32 = 60;

/// What is kept of the sync on the device (IndexedDB): where, since when,
/// and each replication's checkpoint. No password.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct SyncRecord {
    target: SyncTarget,
    last_synced: Option<DateTime<Utc>>,
    checkpoints: BTreeMap<String, Checkpoint>,
}

/// What the sync screen and the status bar show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    pub target: SyncTarget,
    /// A session is open with the server (as far as the last answer said).
    pub session: bool,
    pub running: bool,
    pub last_synced: Option<DateTime<Utc>>,
    /// Events this device holds that the server does not, as last counted.
    pub waiting: usize,
    pub last_error: Option<CouchError>,
    /// Documents the checks refused since the page loaded (or the target
    /// changed), and why.
    pub refused: Vec<(String, Refusal)>,
    /// Events taken from the server and sent to it, since the page loaded.
    pub pulled: usize,
    pub pushed: usize,
    /// Customers' data is locked: nothing goes up or comes down until unlocked.
    pub locked: bool,
    /// The followed database `last_error` came from (none: the device's own).
    pub error_database: Option<String>,
}

/// The replication of this device with one database; shared as context.
#[derive(Clone, Copy)]
pub struct Replication {
    pub status: RwSignal<SyncStatus>,
    data: Data,
    /// Bumped to wake the loop (a save, a login, "sync now").
    wake: RwSignal<u64>,
    started: StoredValue<bool>,
    kept: StoredValue<SyncRecord>,
}

pub fn provide_replication(data: Data) -> Replication {
    let replication = Replication {
        status: RwSignal::new(SyncStatus::default()),
        data,
        wake: RwSignal::new(0),
        started: StoredValue::new(false),
        kept: StoredValue::new(SyncRecord::default()),
    };
    provide_context(replication);
    replication
}

pub fn use_replication() -> Option<Replication> {
    use_context::<Replication>()
}

impl Replication {
    /// Starts the loop once, when the log has loaded.
    pub fn start(self) {
        if self.started.get_value() {
            return;
        }
        self.started.set_value(true);
        // A save on this device wakes the loop, so it goes up at once.
        let data = self.data;
        Effect::new(move |_| {
            let n = data.events.with(|e| e.len());
            if n > 0 {
                self.wake.update(|w| *w += 1);
            }
        });
        leptos::task::spawn_local(self.run());
    }

    /// Remembers where to sync (no password: that goes to the server only).
    pub fn set_target(self, target: SyncTarget) {
        self.kept.update_value(|k| k.target = target.clone());
        leptos::task::spawn_local(self.keep());
        self.status.update(|s| {
            s.target = target;
            s.session = false;
            s.last_error = None;
            s.refused.clear();
        });
    }

    /// Logs in with the password typed now and syncs.
    pub async fn log_in(self, password: String) -> Result<(), CouchError> {
        let target = self.status.get_untracked().target;
        match couch::log_in(&target, &password).await {
            Ok(()) => {
                self.status.update(|s| {
                    s.session = true;
                    s.last_error = None;
                });
                self.sync_now();
                Ok(())
            }
            Err(e) => {
                self.status.update(|s| s.last_error = Some(e.clone()));
                Err(e)
            }
        }
    }

    pub async fn log_out(self) {
        let target = self.status.get_untracked().target;
        couch::log_out(&target).await;
        self.status.update(|s| s.session = false);
    }

    pub fn sync_now(self) {
        self.wake.update(|w| *w += 1);
    }

    /// Writes what is kept to IndexedDB; a failure only costs a re-read of
    /// the server's feed next time.
    async fn keep(self) {
        // The tab that writes keeps it; another one's would be overwritten.
        if !self.data.writes() {
            return;
        }
        if let Some(store) = self.data.store() {
            let _ = store.save_sync_state(&self.kept.get_value()).await;
        }
    }

    async fn run(self) {
        while !self.data.loaded() {
            tasks::sleep(100).await;
        }
        self.restore().await;
        let mut backoff = 0;
        let mut wrote = self.data.writes();
        loop {
            // Given the writer's part by another tab: what that tab kept
            // (target, checkpoints, session) is read again.
            let writes = self.data.writes();
            if writes && !wrote {
                self.restore().await;
            }
            wrote = writes;
            let status = self.status.get_untracked();
            // Only the tab that writes the log syncs it.
            let ready = self.data.loaded()
                && self.data.writes()
                && status.target.is_set()
                && status.session;
            if !ready || !network::is_online() {
                self.wait_for_wake(2_000).await;
                continue;
            }
            // A save while this run goes on must start the next one at once.
            let seen = self.wake.get_untracked();
            match self.sync_once().await {
                Ok(since) => {
                    backoff = 0;
                    self.wait_for_change(&status.target, since, seen).await;
                }
                Err(CouchError::NeedLogin | CouchError::WrongPassword) => {
                    self.status.update(|s| s.session = false);
                }
                Err(_) => {
                    backoff = (backoff * 2).clamp(2, MAX_BACKOFF_S);
                    self.wait_for_wake(backoff * 1_000).await;
                }
            }
        }
    }

    /// Waits until the feed of the device's database, or of a station a
    /// supervisor follows, moves (a long poll on each), this device saves,
    /// someone taps "sync now", or [`LONG_POLL_MS`] pass.
    async fn wait_for_change(self, target: &SyncTarget, since: Value, seen: u64) {
        let Ok(controller) = web_sys::AbortController::new() else {
            return self.wait_for_wake(1_000).await;
        };
        let done = std::rc::Rc::new(std::cell::Cell::new(false));
        for (watched, since) in self.watched(target, since) {
            let remote = Remote::new(&watched);
            let signal = controller.signal();
            let finished = done.clone();
            leptos::task::spawn_local(async move {
                remote.wait_for_change(&since, LONG_POLL_MS, &signal).await;
                finished.set(true);
            });
        }
        let mut waited = 0;
        while !done.get() && self.wake.get_untracked() == seen && waited < LONG_POLL_MS as i32 {
            tasks::sleep(100).await;
            waited += 100;
        }
        controller.abort();
        // A poll answered at once (an error, a proxy) must not spin the loop.
        if waited < 1_000 && self.wake.get_untracked() == seen {
            tasks::sleep(1_000 - waited).await;
        }
    }

    /// The feeds to watch, each from where this device last read it: its
    /// own database's and every followed station's it has read before.
    fn watched(self, target: &SyncTarget, since: Value) -> Vec<(SyncTarget, Value)> {
        let mut watched = vec![(target.clone(), since)];
        let Some((device, _)) = self.data.sync_material() else {
            return watched;
        };
        // A browser keeps six connections to one server: the rest of the
        // followed stations are read on each run (every 25 s at most).
        for followed in target.followed().into_iter().take(MAX_FOLLOWED_POLLS) {
            let rep = replication_id(&device, &followed.label());
            let read = self
                .kept
                .with_value(|k| k.checkpoints.get(&rep).map(|c| c.pulled_since.clone()));
            if let Some(since) = read {
                watched.push((followed, since));
            }
        }
        watched
    }

    /// Sleeps `ms`, or less when woken.
    async fn wait_for_wake(self, ms: i32) {
        let seen = self.wake.get_untracked();
        let mut left = ms;
        while left > 0 && self.wake.get_untracked() == seen {
            tasks::sleep(250).await;
            left -= 250;
        }
    }

    /// Reads what is kept of the sync, and asks the server whether a
    /// session is still open.
    async fn restore(self) {
        let mut synced_before = false;
        if let Some(store) = self.data.store() {
            if let Ok(Some(kept)) = store.sync_state::<SyncRecord>().await {
                synced_before = true;
                self.status.update(|s| {
                    s.target = kept.target.clone();
                    s.last_synced = kept.last_synced;
                });
                self.kept.set_value(kept);
            }
        }
        // An open session from before (the cookie survives reloads).
        let target = self.status.get_untracked().target;
        if target.is_set() {
            match couch::session_user(&target).await {
                Ok(Some(_)) => self.status.update(|s| s.session = true),
                // The browser ended the session (a restart clears session
                // cookies): ask for the password again, and say so.
                // Unless a login typed meanwhile has already said more (a
                // wrong password must not read as "session ended"), or
                // this device never logged in: nothing has ended then.
                Ok(None) => self.status.update(|s| {
                    if synced_before && !s.session && s.last_error.is_none() {
                        s.last_error = Some(CouchError::NeedLogin)
                    }
                }),
                Err(e) => self.status.update(|s| {
                    if s.last_error.is_none() {
                        s.last_error = Some(e)
                    }
                }),
            }
        }
    }

    /// One pull and one push; the `_changes` sequence it reached.
    pub async fn sync_once(self) -> Result<Value, CouchError> {
        let Some((device, _)) = self.data.sync_material() else {
            self.status.update(|s| s.locked = true);
            return Err(CouchError::Server {
                status: 0,
                reason: "locked".into(),
            });
        };
        self.status.update(|s| {
            s.running = true;
            s.locked = false;
            s.error_database = None;
        });
        let result = self.pull_then_push(&device).await;
        let now = Utc::now();
        if result.is_ok() {
            self.kept.update_value(|k| k.last_synced = Some(now));
            self.keep().await;
        }
        self.status.update(|s| {
            s.running = false;
            match &result {
                Ok(_) => {
                    s.last_synced = Some(now);
                    s.last_error = None;
                    s.error_database = None;
                }
                Err(e) => s.last_error = Some(e.clone()),
            }
        });
        result
    }

    async fn pull_then_push(self, device: &str) -> Result<Value, CouchError> {
        let target = self.status.get_untracked().target;
        let remote = Remote::new(&target);
        remote.info().await?;
        let rep = replication_id(device, &target.label());
        let mut checkpoint = self.checkpoint(&remote, &rep, true).await?;
        self.pull(&remote, &rep, &mut checkpoint, true).await?;
        // What another station's database holds (as far as this device has
        // read any, followed now or before) is not copied into this one's;
        // this device's own records always go up.
        let elsewhere: Vec<Coverage> = self.kept.with_value(|k| {
            k.checkpoints
                .iter()
                .filter(|(r, _)| **r != rep)
                .map(|(_, c)| c.coverage.clone())
                .collect()
        });
        let since = self
            .push(&remote, &rep, checkpoint, &elsewhere, device)
            .await?;
        // Other stations a supervisor follows: taken with the same checks,
        // nothing written there (their checkpoints are kept on this device
        // only). The long poll watches their feeds too. An error there
        // comes after this device's own sync.
        for followed in target.followed() {
            let name = followed.database.clone();
            let result = async {
                let remote = Remote::new(&followed);
                remote.info().await?;
                let rep = replication_id(device, &followed.label());
                let mut checkpoint = self.checkpoint(&remote, &rep, false).await?;
                self.pull(&remote, &rep, &mut checkpoint, false).await
            }
            .await;
            if let Err(e) = result {
                self.status.update(|s| s.error_database = Some(name));
                return Err(e);
            }
        }
        Ok(since)
    }

    /// Takes what the server's feed lists and this device lacks, a page at a
    /// time, moving `checkpoint` after each page.
    async fn pull(
        self,
        remote: &Remote,
        rep: &str,
        checkpoint: &mut Checkpoint,
        shared: bool,
    ) -> Result<(), CouchError> {
        // What arrives after this device's first catch-up with this
        // database is news for the crew (even if the server's checkpoint
        // was lost since and the feed is read again: only what the device
        // lacks is taken).
        let announce = self.kept.with_value(|k| k.checkpoints.contains_key(rep));
        // Pull: the feed a page at a time; the checkpoint after each page.
        loop {
            let page = remote.changes(&checkpoint.pulled_since, PAGE, None).await?;
            // Groups with events this device lacks, and the ids the page
            // names in each (a group's fetch must return every one of them).
            let mut wanted: BTreeMap<(String, u64), (DocRange, Vec<String>)> = BTreeMap::new();
            let held = self.held_seqs();
            for id in &page.ids {
                checkpoint.coverage.add_doc_id(id);
                if let Some(range) = DocRange::parse(id) {
                    let lacking = (range.from..=range.to)
                        .any(|seq| !held.contains(&(range.device.clone(), seq)));
                    if lacking {
                        wanted
                            .entry((range.device.clone(), range.signed))
                            .or_insert_with(|| (range.clone(), Vec::new()))
                            .1
                            .push(id.clone());
                    }
                }
            }
            // One entry per event held: gone before a group is fetched.
            drop(held);
            for (range, ids) in wanted.values() {
                self.take_group(remote, range, ids, announce).await?;
            }
            if checkpoint.pulled_since != page.last_seq || !page.ids.is_empty() {
                checkpoint.pulled_since = page.last_seq.clone();
                self.save_checkpoint(remote, rep, checkpoint, shared)
                    .await?;
            }
            if page.ids.len() < PAGE {
                return Ok(());
            }
        }
    }

    /// Sends what the server's documents do not cover (nor a followed
    /// station's: `elsewhere`); the `_changes` sequence the pull reached.
    async fn push(
        self,
        remote: &Remote,
        rep: &str,
        mut checkpoint: Checkpoint,
        elsewhere: &[Coverage],
        device: &str,
    ) -> Result<Value, CouchError> {
        let Some((_, kept)) = self.data.sync_material() else {
            return Ok(checkpoint.pulled_since);
        };
        // The plan of every document is small; each batch's documents are
        // made from the log just before they are sent (the log only grows
        // meanwhile), so no copy of the events, nor all their texts at once,
        // is ever held.
        let plans: Vec<DocPlan> = self.data.events.with_untracked(|all| {
            let to_send: Vec<&Event> = all
                .iter()
                .filter(|e| {
                    !checkpoint.coverage.covers(&e.device, e.seq)
                        && (e.device == device
                            || !elsewhere.iter().any(|c| c.covers(&e.device, e.seq)))
                })
                .collect();
            plan_documents(&to_send, all, &kept)
        });
        let waiting: usize = plans.iter().map(DocPlan::events).sum();
        self.status.update(|s| s.waiting = waiting);
        for batch in plans.chunks(PUSH_BATCH) {
            let docs = self
                .data
                .events
                .with_untracked(|all| documents_of(batch, all))
                .ok_or_else(|| CouchError::Server {
                    status: 0,
                    reason: "events to send are no longer in the log".into(),
                })?;
            let values: Vec<Value> = docs.iter().map(EventDoc::to_value).collect();
            let revs: Vec<(String, String)> = values
                .iter()
                .map(|v| {
                    (
                        v["_id"].as_str().unwrap_or_default().to_string(),
                        v["_rev"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let missing: FxHashSet<String> = remote.missing(&revs).await?.into_iter().collect();
            let to_put: Vec<Value> = values
                .into_iter()
                .filter(|v| v["_id"].as_str().is_some_and(|id| missing.contains(id)))
                .collect();
            if !to_put.is_empty() {
                let refused = remote.put_all(&to_put).await?;
                if let Some((id, why)) = refused.first() {
                    return Err(CouchError::Server {
                        status: 403,
                        reason: format!("{id}: {why}"),
                    });
                }
            }
            drop(docs);
            let sent: usize = batch.iter().map(DocPlan::events).sum();
            for plan in batch {
                let range = &plan.range;
                checkpoint.coverage.add(&range.device, range.from, range.to);
            }
            self.status.update(|s| {
                s.pushed += sent;
                s.waiting = s.waiting.saturating_sub(sent);
            });
            self.save_checkpoint(remote, rep, &checkpoint, true).await?;
        }
        Ok(checkpoint.pulled_since)
    }

    /// `(device, seq)` of every event this device holds.
    fn held_seqs(self) -> FxHashSet<(String, u64)> {
        self.data
            .events
            .with_untracked(|all| all.iter().map(|e| (e.device.to_string(), e.seq)).collect())
    }

    /// Fetches the group `range` belongs to a page of documents at a time,
    /// checks it as an import checks a file, and takes it or notes why not.
    /// `ids`: what `_changes` listed of it, which the fetch must return.
    /// A failure to write (locked, storage full) ends the run before the
    /// checkpoint moves, so the group is fetched again next time.
    async fn take_group(
        self,
        remote: &Remote,
        range: &DocRange,
        ids: &[String],
        announce: bool,
    ) -> Result<(), CouchError> {
        let mut refused = Vec::new();
        let mut taken = self.stream_group(remote, range, ids).await?;
        if taken.is_none() {
            // Not the usual case, or something in it is wrong: its
            // documents again, with their texts kept, to learn which.
            let mut group = self.fetch_group(remote, range, ids).await?;
            let _checking = Phase::start("pull: check a group with care");
            taken = self.check_with_care(&mut group).await;
            refused = group.take_refused();
        }
        if let Some(bundle) = taken {
            let _taking = Phase::start("pull: take a group");
            match self.data.take_checked(bundle, announce).await {
                Ok(n) => self.status.update(|s| s.pulled += n),
                Err(e) => {
                    return Err(CouchError::Server {
                        status: 0,
                        reason: e.message(crate::i18n::Lang::Zh),
                    })
                }
            }
        }
        // Kept for the session: the checkpoint moves past a refused
        // document, so later runs do not meet it again.
        if !refused.is_empty() {
            self.status.update(|s| {
                for (doc, why) in refused {
                    if !s.refused.iter().any(|(d, _)| d == &doc) {
                        s.refused.push((doc, why));
                    }
                }
            });
        }
        Ok(())
    }

    /// The usual case, a group checked as its pages arrive (`PlainGroup`):
    /// each page's texts go to the check and are freed once checked, so
    /// the group's texts and its checked events are not held at once.
    /// `None` when the group is not plain or does not hold: the caller
    /// checks it with care. A network failure ends the run.
    async fn stream_group(
        self,
        remote: &Remote,
        range: &DocRange,
        ids: &[String],
    ) -> Result<Option<Bundle>, CouchError> {
        let _phase = Phase::start("pull: fetch and check a group");
        let expected = ids
            .iter()
            .filter_map(|id| DocRange::parse(id))
            .map(|r| (r.to + 1).saturating_sub(r.from) as usize)
            .sum();
        let mut plain = PlainGroup::new(Utc::now());
        // Declared first: the validation borrows the events it holds from
        // the log.
        let (trusted, held, view);
        let Ok(mut validation) =
            Validation::start_parts(&plain.head(), Vec::<String>::new(), Utc::now())
        else {
            return Ok(None);
        };
        // Room for the group at once. When the device holds none of it (a
        // pull into an empty device), the list of checked events becomes a
        // block of the log as it is.
        validation.expect(expected);
        trusted = self.data.trusted();
        held = self.data.events.get_untracked();
        view = import::HeldView::new(&held, &trusted);
        let mut validation = import::with_held(validation, &view).assembled();
        let mut pages = GroupPages::new(range);
        while let Some(page) = pages.next(remote).await? {
            for doc in page {
                let Some(events) = plain.accept(doc) else {
                    return Ok(None);
                };
                if validation.add_events(events).is_err() {
                    return Ok(None);
                }
            }
            loop {
                match validation.step(import::SLICE) {
                    Ok(progress) if progress.is_done() => break,
                    Ok(_) => tasks::yield_to_browser().await,
                    Err(_) => return Ok(None),
                }
            }
        }
        pages.all_of(ids)?;
        validation.set_chains(plain.chains());
        Ok(validation
            .finish()
            .ok()
            .filter(|bundle| plain.holds_places(bundle)))
    }

    /// The documents of the group `range` belongs to, a page at a time.
    /// `ids`: what `_changes` listed of it, which the fetch must return.
    async fn fetch_group(
        self,
        remote: &Remote,
        range: &DocRange,
        ids: &[String],
    ) -> Result<GroupFile, CouchError> {
        let _fetching = Phase::start("pull: fetch a group");
        let mut group = GroupFile::new(Utc::now());
        let mut pages = GroupPages::new(range);
        while let Some(page) = pages.next(remote).await? {
            for doc in page {
                // A second version written beside a genuine document may
                // be the one the server shows: the genuine one is then
                // among its conflicts. Both go to the checks.
                for other in remote.conflicts_of(&doc).await? {
                    group.add(other);
                }
                group.add(doc);
            }
        }
        pages.all_of(ids)?;
        Ok(group)
    }

    /// Checks a group whose documents keep their texts: a document at
    /// fault is named and left out and the rest checked again, and second
    /// versions are told from the genuine ones (`GroupFile::judge`).
    async fn check_with_care(self, group: &mut GroupFile) -> Option<Bundle> {
        while !group.is_empty() {
            let trusted = self.data.trusted();
            let parts = group.parts();
            let held = self.data.events.get_untracked();
            let checked = import::check_assembled(&parts.head, parts.events, &held, &trusted).await;
            match group.judge(checked) {
                Verdict::Taken(bundle) => return Some(bundle),
                Verdict::Again => {}
                Verdict::Refused => return None,
            }
        }
        None
    }

    /// The checkpoint kept here, if the server's `_local` copy agrees with
    /// it; otherwise a fresh start (the server was replaced or restored: its
    /// feed may no longer mean what the old sequence meant).
    /// `shared`: the checkpoint is kept on the server too (the device's own
    /// database); a followed station's is kept here only.
    async fn checkpoint(
        self,
        remote: &Remote,
        rep: &str,
        shared: bool,
    ) -> Result<Checkpoint, CouchError> {
        let mine: Option<Checkpoint> = self.kept.with_value(|k| k.checkpoints.get(rep).cloned());
        if !shared {
            return Ok(mine.unwrap_or(Checkpoint {
                pulled_since: Value::from(0),
                ..Checkpoint::default()
            }));
        }
        let theirs = remote.local(rep).await?;
        Ok(match (mine, theirs) {
            (Some(mine), Some(theirs)) if theirs["pulled_since"] == mine.pulled_since => mine,
            _ => Checkpoint {
                pulled_since: Value::from(0),
                ..Checkpoint::default()
            },
        })
    }

    async fn save_checkpoint(
        self,
        remote: &Remote,
        rep: &str,
        checkpoint: &Checkpoint,
        shared: bool,
    ) -> Result<(), CouchError> {
        self.kept
            .update_value(|k| drop(k.checkpoints.insert(rep.to_string(), checkpoint.clone())));
        self.keep().await;
        if !shared {
            return Ok(());
        }
        remote
            .set_local(
                rep,
                serde_json::json!({ "pulled_since": checkpoint.pulled_since }),
            )
            .await
    }
}

/// A group's documents, a page at a time, in id order: only this group's
/// (a device named like `A:0000000000` shares the id prefix of another's),
/// with the ids seen, so that the end can tell whether every one that
/// `_changes` listed came.
struct GroupPages<'a> {
    range: &'a DocRange,
    after: Option<String>,
    done: bool,
    fetched: FxHashSet<String>,
}

impl<'a> GroupPages<'a> {
    fn new(range: &'a DocRange) -> GroupPages<'a> {
        GroupPages {
            range,
            after: None,
            done: false,
            fetched: FxHashSet::default(),
        }
    }

    /// The group's documents on the next page; `None` after the last.
    async fn next(&mut self, remote: &Remote) -> Result<Option<Vec<Value>>, CouchError> {
        if self.done {
            return Ok(None);
        }
        let page = remote
            .group_page(self.range, self.after.as_deref(), GROUP_PAGE)
            .await?;
        self.after = page
            .last()
            .and_then(|d| d["_id"].as_str())
            .map(str::to_string);
        self.done = page.len() < GROUP_PAGE || self.after.is_none();
        let range = self.range;
        let mine: Vec<Value> = page
            .into_iter()
            .filter(|doc| {
                DocRange::parse(doc["_id"].as_str().unwrap_or_default())
                    .is_some_and(|r| r.device == range.device && r.signed == range.signed)
            })
            .collect();
        for doc in &mine {
            self.fetched
                .insert(doc["_id"].as_str().unwrap_or_default().to_string());
        }
        Ok(Some(mine))
    }

    /// Every id in `ids` came. A node of a cluster that has not seen a
    /// document yet: try again later rather than move the checkpoint past
    /// it. Lets go of the answers' buffer either way.
    fn all_of(&self, ids: &[String]) -> Result<(), CouchError> {
        couch::release_buffer();
        match ids.iter().find(|id| !self.fetched.contains(id.as_str())) {
            Some(missing) => Err(CouchError::Server {
                status: 404,
                reason: format!("{missing}: listed in _changes but not returned yet"),
            }),
            None => Ok(()),
        }
    }
}
