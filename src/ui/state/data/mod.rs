//! The app's data: the event log loaded from the store, the ticket states
//! folded from it, this device's identity, and whether the last change is
//! saved. Every change goes to IndexedDB first; the screen changes only after
//! the transaction completed, so what is shown as saved is saved.

mod outgoing;
mod personal;
mod trust;

pub use outgoing::Outgoing;

use super::signing;
use crate::domain::arrivals::{arrivals, Arrival};
use crate::domain::bundle::{Attachment, Bundle};
use crate::domain::care::Complaints;
use crate::domain::demo::{demo_chains, station_events, DemoOptions};
use crate::domain::device::Device;
use crate::domain::event::{Channel, Contact, Event, EventBody};
use crate::domain::export::{anonymise, select, ExportFilter};
use crate::domain::facts::Facts;
use crate::domain::log::{Log, TicketIndex};
use crate::domain::settings::{carried, Carried};
use crate::domain::ticket::{fold_each, TicketState};
use crate::domain::trust::records::{absorb, for_export};
use crate::domain::trust::roster::{
    self_enrolled_supervisor, shipped_roots, Authority, DeviceRole, Voucher, ROSTER_STREAM,
};
use crate::domain::trust::ChainRecord;
use crate::ui::state::engine::EngineCell;
use crate::web::keys::DeviceKeys;
use crate::web::store::{self, ExportRecord, Store, StoreError};
use crate::web::trace::Phase;
use crate::web::vault::{self, OpenAsRead, Opener, Sealed, VaultRecord};
use chrono::Utc;
use futures::channel::oneshot;
use futures::lock::{Mutex, OwnedMutexGuard};
use leptos::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// The seed of the demo tickets: every device that loads demo data gets the
/// same base tickets, so demo files from two tablets overlap.
pub const DEMO_SEED: u64 = 2026;
pub const DEMO_TICKETS: usize = 60;
/// Compaction runs at start-up once there are this many segments more than needed.
const COMPACT_AFTER_EXTRA_SEGMENTS: u32 = 200;
/// How long an action waits for the store to be read before it is told
/// the data is still loading (50,000 tickets read in about 1.5 s).
const STORE_PATIENCE_MS: i32 = 20_000;

/// An action's turn to mint and save (see `Data::loaded_device`).
type Turn = OwnedMutexGuard<()>;

/// What a person entered for a new ticket.
#[derive(Clone)]
pub struct Intake {
    pub author: String,
    pub channel: Channel,
    pub text: String,
    /// Facts set by buttons and forms: they beat what the text suggests.
    pub facts: Facts,
    pub contact: Contact,
    pub station: Option<String>,
    /// A person's correction of the engine's classification, with the reason.
    pub correction: Option<Correction>,
}

#[derive(Clone)]
pub struct Correction {
    pub kind: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub grade: Option<u8>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Loading,
    Saving,
    Saved,
    /// The device's storage is full: what was saved before is kept.
    QuotaExceeded,
    Failed(String),
}

pub type Tickets = Arc<BTreeMap<String, TicketState>>;

#[derive(Clone, Copy)]
pub struct Data {
    store: StoredValue<Option<Rc<Store>>, LocalStorage>,
    /// Actions taken while the store is still being read, woken once it is.
    waiting_for_store: StoredValue<Vec<oneshot::Sender<()>>, LocalStorage>,
    /// One action at a time mints from the device's counters and saves:
    /// two that read the same counters would give two events one sequence
    /// number (a forked signed chain) and two tickets one number.
    turns: StoredValue<Arc<Mutex<()>>, LocalStorage>,
    /// The rules engine in force; follows the settings events.
    engine: EngineCell,
    pub events: RwSignal<Log>,
    /// Where each ticket's events are in `events` (kept in step with it).
    index: StoredValue<TicketIndex, LocalStorage>,
    pub tickets: RwSignal<Tickets>,
    /// Every complaint by the customer's phone: one index for the queue,
    /// intake and the ticket page. Built whole when the tickets are, then
    /// kept in step one saved ticket at a time (rebuilding it from 50,000
    /// tickets took 20 ms of every action saved).
    pub complaints: RwSignal<Complaints>,
    pub device: RwSignal<Option<Device>>,
    pub save: RwSignal<SaveState>,
    /// IndexedDB is unavailable and localStorage is used instead.
    pub fallback: RwSignal<bool>,
    /// What reading the fallback's records found (set aside, unreadable).
    pub fallback_notes: RwSignal<Option<store::FallbackNotes>>,
    /// The device's key pair (none where the browser cannot sign).
    keys: StoredValue<Option<DeviceKeys>, LocalStorage>,
    /// Other devices' chain records, as checked files brought them.
    chains: StoredValue<BTreeMap<String, Vec<ChainRecord>>, LocalStorage>,
    /// Why this device cannot sign, when it cannot (shown on the status bar).
    pub unsigned: RwSignal<Option<String>>,
    /// Who may change what this device applies (roster, roots, keys).
    pub authority: RwSignal<Arc<Authority>>,
    /// Tickets sync brought that the crew must hear of (urgent, or sent to
    /// its team), until dismissed.
    pub arrived: RwSignal<Vec<Arrival>>,
    /// What a screen saved beside the log (the queue's first rows), handed
    /// over at start-up before the log is decoded, and only while the log is
    /// as it was when saved; dropped once the log is shown.
    pub beside_log: RwSignal<Option<Arc<str>>>,
    /// Whether customers' data is sealed, and shown.
    pub vault: RwSignal<VaultState>,
    vault_record: StoredValue<Option<VaultRecord>, LocalStorage>,
    /// Sealed personal data not yet opened (the device is locked).
    sealed: StoredValue<Vec<Sealed>, LocalStorage>,
    /// A kiosk takes customers' complaints while locked (it seals them
    /// without the passphrase); staff screens do not act while locked.
    writes_while_locked: StoredValue<bool>,
    /// Whether this tab writes the device's log, or another tab does.
    pub tab: RwSignal<TabRole>,
    /// Writes under way (start-up's, saves): a hand-over to another tab
    /// waits for them to end.
    writing: StoredValue<u32>,
    /// Reads of the store under way (start-up's, a take-over's): one at a
    /// time, so an older read never lands after a newer one.
    reading: StoredValue<u32>,
    /// Times this tab was asked to let go of the writer's part: a take-over
    /// under way does not write once it was.
    handovers: StoredValue<u64>,
}

/// Counts a write under way for as long as it lives.
struct Writing(Data);

impl Writing {
    fn start(data: Data) -> Writing {
        data.writing.update_value(|n| *n += 1);
        Writing(data)
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        self.0.writing.update_value(|n| *n = n.saturating_sub(1));
    }
}

/// One tab of a browser writes a device's log (see `web::tabs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TabRole {
    /// Start-up, before the browser answered.
    Asking,
    Writer,
    /// Another tab writes: this one shows and saves nothing.
    Reader,
}

/// How customers' personal data stands on this device.
#[derive(Clone, Debug, PartialEq)]
pub enum VaultState {
    Loading,
    /// Sealed, but no passphrase set: the key to open it is kept as it is.
    Unprotected,
    /// Sealed and not opened: masked data shows, staff actions wait.
    Locked,
    /// Opened with the passphrase for this session.
    Unlocked,
    /// This browser cannot seal (no IndexedDB or no ECDH): kept as it is.
    Unavailable(String),
}

/// Tickets folded ahead of a write, and how many events were held then.
type Folded = Arc<(usize, BTreeMap<String, TicketState>)>;

/// What an import would change, shown before anything is written.
#[derive(Clone)]
pub struct ImportPreview {
    pub bundle: Arc<Bundle>,
    /// How many events the device held, and the touched tickets as they will be.
    folded: Folded,
    pub new_events: usize,
    pub tickets_affected: usize,
    pub conflicts_after: usize,
    /// What the new events make worth announcing to this crew.
    pub arrivals: Vec<Arrival>,
    /// Rule tables, tariffs and calendar changes the file brings, and
    /// whether this device will apply each.
    pub settings: Vec<Carried>,
}

fn random_id() -> String {
    let n = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("dev-{n:08x}")
}

impl Data {
    pub fn provide(engine: EngineCell) -> Data {
        let tickets: RwSignal<Tickets> = RwSignal::new(Arc::new(BTreeMap::new()));
        let data = Data {
            store: StoredValue::new_local(None),
            waiting_for_store: StoredValue::new_local(Vec::new()),
            turns: StoredValue::new_local(Arc::new(Mutex::new(()))),
            engine,
            events: RwSignal::new(Log::new()),
            index: StoredValue::new_local(TicketIndex::default()),
            tickets,
            complaints: RwSignal::new(Complaints::default()),
            device: RwSignal::new(None),
            save: RwSignal::new(SaveState::Loading),
            fallback: RwSignal::new(false),
            fallback_notes: RwSignal::new(None),
            keys: StoredValue::new_local(None),
            chains: StoredValue::new_local(BTreeMap::new()),
            unsigned: RwSignal::new(None),
            arrived: RwSignal::new(Vec::new()),
            authority: RwSignal::new(Arc::new(Authority::default())),
            beside_log: RwSignal::new(None),
            vault: RwSignal::new(VaultState::Loading),
            vault_record: StoredValue::new_local(None),
            sealed: StoredValue::new_local(Vec::new()),
            writes_while_locked: StoredValue::new(false),
            tab: RwSignal::new(TabRole::Asking),
            writing: StoredValue::new(0),
            reading: StoredValue::new(0),
            handovers: StoredValue::new(0),
        };
        provide_context(data);
        leptos::task::spawn_local(async move { data.load().await });
        data
    }

    async fn load(self) {
        // A take-over granted while this runs waits for it to end.
        self.reading.update_value(|n| *n += 1);
        self.claim_and_read().await;
        self.reading.update_value(|n| *n -= 1);
    }

    async fn claim_and_read(self) {
        // Who writes is settled before anything is read: a tab that only
        // shows must not sign, compact or create a device record.
        let writes = crate::web::tabs::claim(
            move |writes| self.tab_changed(writes),
            move || self.writing.get_value() > 0,
        )
        .await;
        self.tab.set(if writes {
            TabRole::Writer
        } else {
            TabRole::Reader
        });
        self.read_store(writes).await;
    }

    /// Reads the log and everything beside it from IndexedDB and shows it.
    /// `writes`: this tab writes, so it may sign, compact and create the
    /// device's record.
    async fn read_store(self, writes: bool) {
        // Start-up's own writes (device record, signature, compaction) end
        // before a hand-over lets go.
        let _writing = writes.then(|| Writing::start(self));
        let store = Rc::new(Store::open(store::DB_NAME).await);
        self.fallback.set(store.is_fallback());
        let read = Phase::start("start: read and decode the events");
        // The vault's keys are read and each segment's sealed data opened
        // while the segments are still read and decoded.
        let opening = OpenAsRead::default();
        let (log, vault_at_start) = futures::future::join(
            store.load_log_passing_seals(
                |seals| opening.take(seals),
                |saved| self.beside_log.set(Some(saved.into())),
            ),
            personal::prepare_vault(&store, &opening),
        )
        .await;
        let log = match log {
            Ok(log) => log,
            Err(e) => {
                self.save.set(SaveState::Failed(e.to_string()));
                store::StoredLog {
                    events: Log::new(),
                    sealed: Vec::new(),
                    plain_personal: false,
                    fallback_notes: None,
                }
            }
        };
        drop(read);
        // Kept once told: a later read (a tab handing over) finds nothing
        // new to set aside, and the notice must not vanish with it.
        if log.fallback_notes.is_some() {
            self.fallback_notes.set(log.fallback_notes);
        }
        let mut events = log.events;
        // What opening customers' data adds after the log is read.
        let finishing = Phase::start("start: open customers' data");
        self.finish_vault(&store, vault_at_start, opening, &mut events)
            .await;
        drop(finishing);
        let mut device = match store.device().await {
            Ok(Some(device)) => device,
            _ => {
                let device = Device::new(random_id());
                if writes {
                    let _ = store.save_device(&device).await;
                }
                device
            }
        };
        self.chains
            .set_value(store.chains().await.unwrap_or_default());
        // The device signs what it wrote, from its first event: a log kept
        // before signatures is signed now, once.
        let signing_phase = Phase::start("start: this device's key and signed chain");
        match signing::device_keys(&store).await {
            Ok(keys) => {
                if device.last_at.is_none() {
                    device.last_at = events
                        .iter()
                        .filter(|e| e.device == device.id)
                        .map(|e| e.at)
                        .max();
                }
                let behind = device
                    .chain
                    .as_ref()
                    .is_none_or(|c| c.seq != device.seq || c.key != keys.public);
                if behind && writes {
                    let id = device.id.clone();
                    let own = || own_events(&events, &id);
                    let signed = signing::sign(&keys, &mut device, &[], own).await;
                    if signed.is_ok() {
                        let _ = store.save_device(&device).await;
                    }
                }
                self.keys.set_value(Some(keys));
            }
            Err(e) => self.unsigned.set(Some(e.to_string())),
        }
        drop(signing_phase);
        // Many small segments (one per action) slow the next start: fold them
        // into large ones now and then, in one transaction, nothing lost.
        // Compaction also seals personal data an older version kept as it was.
        let needed = events.len().div_ceil(store::SEGMENT_SIZE) as u32;
        let sealable =
            log.plain_personal && !matches!(self.vault.get_untracked(), VaultState::Unavailable(_));
        if writes
            && (sealable
                || store.segment_count().await.unwrap_or(0) > needed + COMPACT_AFTER_EXTRA_SEGMENTS)
        {
            let _ = store.compact().await;
        }
        self.store.set_value(Some(store));
        self.device.set(Some(device));
        self.set_events(events, true);
        for waiting in self
            .waiting_for_store
            .try_update_value(std::mem::take)
            .unwrap_or_default()
        {
            let _ = waiting.send(());
        }
        self.beside_log.set(None);
        if self.save.get_untracked() == SaveState::Loading {
            self.save.set(SaveState::Saved);
        }
        store::request_persistence().await;
    }

    /// Shows `events`; the rules engine is rebuilt only when settings events
    /// may have changed (start-up, or a write that carried one), not on every
    /// saved action.
    fn set_events(self, events: Log, settings_may_change: bool) {
        let _fold = Phase::start("start: index and fold every ticket");
        self.judge_authority(&events);
        if settings_may_change {
            self.engine.follow(&events, &self.authority.get_untracked());
        }
        let index = TicketIndex::build(&events);
        let tickets = index.fold_all(&events);
        self.complaints.set(Complaints::of(tickets.values()));
        self.tickets.set(Arc::new(tickets));
        self.index.set_value(index);
        self.events.set(events);
    }

    /// Shows newly saved events: appended to the log (into its last block
    /// when nothing else holds it, or as a block of their own; nothing held
    /// is copied) and only the tickets they touch refolded.
    fn append_events(self, new: Vec<Event>, settings_may_change: bool, folded: Option<Folded>) {
        if new.is_empty() {
            // Only the device's counters changed (an export): nothing to redraw.
            return;
        }
        let from = self.events.with_untracked(|all| all.len());
        // A large list (an import's, a pull's) becomes a block of the log
        // as it is: nothing is copied, and the log never moves.
        self.events.update(|all| all.append(new));
        self.events.with_untracked(|all| {
            if settings_may_change {
                self.judge_authority(all);
                self.engine.follow(all, &self.authority.get_untracked());
            }
            self.index.update_value(|index| index.extend(all, from));
            let touched = TicketIndex::touched(all, from);
            let mut complaints_before = Vec::with_capacity(touched.len());
            self.tickets.update(|tickets| {
                let tickets = Arc::make_mut(tickets);
                for id in &touched {
                    complaints_before.push((*id, tickets.get(*id).and_then(Complaints::entry)));
                }
                match folded {
                    // Folded from exactly the events held before these; moved
                    // when the preview is gone.
                    Some(folded) if folded.0 == from => {
                        let (_, states) =
                            Arc::try_unwrap(folded).unwrap_or_else(|shared| (*shared).clone());
                        tickets.extend(states);
                    }
                    _ => self
                        .index
                        .with_value(|index| index.refold(all, from, tickets)),
                }
            });
            self.tickets.with_untracked(|tickets| {
                self.complaints.maybe_update(|complaints| {
                    let mut changed = false;
                    for (id, before) in complaints_before {
                        let after = tickets.get(id).and_then(Complaints::entry);
                        changed |= complaints.replace(before, after);
                    }
                    changed
                });
            });
        });
    }

    /// One ticket's events in fold order, without scanning the whole log.
    pub fn events_of(self, ticket: &str) -> Vec<Event> {
        self.with_events_of(ticket, |mine| mine.iter().map(|&e| e.clone()).collect())
    }

    /// Lends one ticket's events (in fold order) without copying them.
    pub fn with_events_of<R>(self, ticket: &str, f: impl FnOnce(&[&Event]) -> R) -> R {
        self.events.with(|all| {
            self.index
                .with_value(|index| f(&index.events_of(all, ticket)))
        })
    }

    /// Returns once the start-up read has ended. An action taken in the
    /// first moments (a kiosk's customer taps "提交" while a slow tablet
    /// still reads its log) waits for it rather than failing; a read that
    /// hangs (IndexedDB blocked by an older tab) is told after
    /// `STORE_PATIENCE_MS`, by the caller finding nothing loaded.
    pub(super) async fn store_read(self) {
        if self.device.get_untracked().is_none() {
            let (woken, wait) = oneshot::channel();
            self.waiting_for_store.update_value(|all| all.push(woken));
            let patience = Box::pin(crate::web::tasks::sleep(STORE_PATIENCE_MS));
            let _ = futures::future::select(wait, patience).await;
        }
    }

    /// This device's record once the store has been read, with this
    /// action's turn: held until the action has saved, so the next one
    /// mints from the counters this one left.
    pub(super) async fn loaded_device(self) -> Result<(Turn, Device), StoreError> {
        self.store_read().await;
        let turn = self.turns.get_value().lock_owned().await;
        // Read after the turn is ours: the previous action's saved counters.
        let device = self.device.get_untracked().ok_or(StoreError::NotReady)?;
        Ok((turn, device))
    }

    pub fn loaded(self) -> bool {
        self.device.get().is_some()
    }

    /// Whether this tab may save (no other tab of the browser writes).
    pub fn writes(self) -> bool {
        self.tab.get_untracked() == TabRole::Writer
    }

    /// As [`Data::writes`], for a view that follows it.
    pub fn tab_writes(self) -> bool {
        self.tab.get() == TabRole::Writer
    }

    /// The writer's part moved. Given back to a tab that was only showing,
    /// what it shows may be behind what the other tab saved: it starts
    /// again from the store (nothing it holds is unsaved: it saved nothing).
    /// The page is not reloaded (a reload lets go of the lock, and another
    /// waiting tab could take it in between): the store is read again in
    /// place, and the tab saves once that is done and it still holds the
    /// lock.
    fn tab_changed(self, writes: bool) {
        if writes {
            let asked = self.handovers.get_value();
            // Still this tab's turn: given the lock, not asked to let go.
            let still_mine =
                move || crate::web::tabs::holds() && self.handovers.get_value() == asked;
            leptos::task::spawn_local(async move {
                while self.reading.get_value() > 0 {
                    crate::web::tasks::sleep(50).await;
                }
                if !still_mine() {
                    return;
                }
                // Counted as a write from here to the decision below, so a
                // hand-over asked meanwhile lets go only after it.
                let _writing = Writing::start(self);
                self.reading.update_value(|n| *n += 1);
                // What the status bar said of a save refused as the other
                // tab's is over: it says how the read goes.
                self.save.set(SaveState::Loading);
                self.read_store(true).await;
                self.reading.update_value(|n| *n -= 1);
                if still_mine() {
                    self.tab.set(TabRole::Writer);
                }
            });
        } else {
            self.handovers.update_value(|n| *n += 1);
            self.tab.set(TabRole::Reader);
        }
    }

    /// Writes events (and the device's counters) in one transaction, then shows them.
    async fn commit(self, new: Vec<Event>, device: Device) -> Result<(), StoreError> {
        self.commit_with(new, device, None, None).await
    }

    /// As `commit`; `folded` holds the touched tickets already folded (by an
    /// import's preview) when the device held that many events.
    async fn commit_with(
        self,
        new: Vec<Event>,
        device: Device,
        folded: Option<Folded>,
        chains: Option<BTreeMap<String, Vec<ChainRecord>>>,
    ) -> Result<(), StoreError> {
        let Some(store) = self.store.get_value() else {
            return Err(StoreError::NotReady);
        };
        if self.refuses_writes() {
            return Err(StoreError::Locked);
        }
        if !self.writes() {
            return Err(StoreError::OtherTab);
        }
        let _writing = Writing::start(self);
        self.save.set(SaveState::Saving);
        let mut device = device;
        if let Some(keys) = self.keys.get_value() {
            let id = device.id.clone();
            let own = move || self.events.with_untracked(|all| own_events(all, &id));
            if let Err(e) = signing::sign(&keys, &mut device, &new, own).await {
                self.unsigned.set(Some(e.to_string()));
            }
        }
        let chains = self.absorb_chains(&new, chains, &device.id);
        let chains_changed = chains.is_some();
        self.adopt_root(&mut device, &new, chains.as_ref());
        let write = Phase::start("save: write to IndexedDB");
        let written = store.append(&new, &device, chains.as_ref()).await;
        drop(write);
        match written {
            Ok(()) => {
                if let Some(chains) = chains {
                    self.chains.set_value(chains);
                }
                let _show = Phase::start("save: add to the log and refold");
                // New keys or roster events may change whose settings count.
                let settings = chains_changed
                    || new.iter().any(|e| {
                        crate::domain::settings::is_settings(e) || e.ticket == ROSTER_STREAM
                    });
                // The device first: its adopted roots decide whose settings count.
                self.device.set(Some(device));
                self.append_events(new, settings, folded);
                self.save.set(SaveState::Saved);
                Ok(())
            }
            Err(e) => {
                self.save.set(match &e {
                    StoreError::QuotaExceeded => SaveState::QuotaExceeded,
                    other => SaveState::Failed(other.to_string()),
                });
                Err(e)
            }
        }
    }

    /// Records one event on a ticket (or another stream) as this device.
    pub async fn record(
        self,
        ticket: &str,
        author: &str,
        body: EventBody,
    ) -> Result<(), StoreError> {
        self.record_all(author, vec![(ticket.to_string(), body)])
            .await
    }

    /// Recording one event as a Leptos [`Action`]: `pending()` while it is
    /// saved (to disable the button), `value()` with the outcome. A failed
    /// save also shows on the status bar.
    pub fn recorder(self) -> Action<(String, EventBody), Result<(), StoreError>> {
        Action::new_local(move |(ticket, body): &(String, EventBody)| {
            let (ticket, body) = (ticket.clone(), body.clone());
            async move { self.record(&ticket, &self.author(), body).await }
        })
    }

    /// As [`Data::recorder`], for one action over many tickets (all saved
    /// in one transaction, or none).
    pub fn recorder_all(self) -> Action<Vec<(String, EventBody)>, Result<(), StoreError>> {
        Action::new_local(move |items: &Vec<(String, EventBody)>| {
            let items = items.clone();
            async move { self.record_all(&self.author(), items).await }
        })
    }

    /// Records several events (one action over many tickets) in one
    /// transaction: all of them are saved, or none.
    pub async fn record_all(
        self,
        author: &str,
        items: Vec<(String, EventBody)>,
    ) -> Result<(), StoreError> {
        let (_turn, mut device) = self.loaded_device().await?;
        let now = Utc::now();
        // Borrowed, not held: a copy of the map kept across the write below
        // would make the refold after it copy all tickets.
        let heads_of = |ticket: &str| {
            self.tickets
                .with_untracked(|t| t.get(ticket).map(|t| t.heads.clone()))
                .unwrap_or_default()
        };
        let mut heads: FxHashMap<String, Vec<String>> = FxHashMap::default();
        let mut events = Vec::with_capacity(items.len());
        for (ticket, body) in items {
            let parents = heads
                .get(&ticket)
                .cloned()
                .unwrap_or_else(|| heads_of(&ticket));
            let event = device.mint(&ticket, author, parents, body, now);
            heads.insert(ticket, vec![event.id.to_string()]);
            events.push(event);
        }
        self.commit(events, device).await
    }

    /// A new ticket: a number from this device's counter, the engine's
    /// classification, both events saved in one transaction. Returns its id.
    pub async fn new_ticket(self, intake: Intake) -> Result<String, StoreError> {
        // A ticket taken in the first moments is classified with the model
        // too, as it will be on every screen later.
        self.engine.1.want();
        crate::web::model::settled(5_000).await;
        let (_turn, mut device) = self.loaded_device().await?;
        let now = Utc::now();
        let number = device.numbering.next(now);
        let ticket = format!("{}-{}", device.id, number);
        let c = self
            .engine
            .0
            .get_untracked()
            .classifier
            .classify(&intake.text, &intake.facts);
        let station = intake
            .station
            .clone()
            .or_else(|| device.station().map(str::to_string));
        let mut seal = |body: EventBody, parents: Vec<String>| {
            device.mint(&ticket, &intake.author, parents, body, now)
        };
        let created = seal(
            EventBody::Created {
                number,
                channel: intake.channel,
                text: intake.text.clone(),
                facts: intake.facts.clone(),
                contact: intake.contact,
                // A ticket belongs to the station of the device that took it
                // unless the form said otherwise (the ledger and emergency
                // mode group by it).
                station,
                team: None,
            },
            vec![],
        );
        let classified = seal(EventBody::classified(c), vec![created.id.to_string()]);
        let mut events = vec![created, classified];
        if let Some(fix) = intake.correction {
            let parent = events[1].id.to_string();
            let body = EventBody::Reclassified {
                kind: fix.kind,
                category: fix.category,
                subcategory: fix.subcategory,
                grade: fix.grade,
                reason: fix.reason,
            };
            events.push(seal(body, vec![parent]));
        }
        self.commit(events, device).await?;
        Ok(ticket)
    }

    /// Demo tickets for a first look (the same base tickets on every device).
    pub async fn load_demo(self) -> Result<(), StoreError> {
        // The demo's tickets are classified as the intake would. Waited
        // for first: the device's state is read after it, as it stands.
        self.engine.1.want();
        crate::web::model::settled(5_000).await;
        let (_turn, mut device) = self.loaded_device().await?;
        let engine = self.engine.0.get_untracked();
        let options = DemoOptions {
            tickets: DEMO_TICKETS,
            seed: DEMO_SEED,
            device: &device.id,
            anchor: Utc::now(),
        };
        // A working station as of now: most closed, some in hand, a few new.
        let events = station_events(&engine.classifier, &options);
        // The fictional hotline signs with the demo's well-known key; this
        // device signs its own follow-ups with its own.
        let chains = demo_chains(&events);
        let new = self.unseen(events);
        device.observe(&new);
        self.commit_with(new, device, None, Some(chains)).await
    }

    /// The events of `incoming` that this device does not hold yet.
    fn unseen(self, incoming: Vec<Event>) -> Vec<Event> {
        self.events.with_untracked(|events| {
            let known: FxHashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
            incoming
                .into_iter()
                .filter(|e| !known.contains(e.id.as_str()))
                .collect()
        })
    }

    /// This device's id and its crew's team, for what arrivals concern it.
    fn own_and_team(self) -> (String, Option<String>) {
        self.device.with_untracked(|d| {
            let d = d.as_ref();
            (
                d.map(|d| d.id.clone()).unwrap_or_default(),
                d.and_then(|d| d.crew.as_ref()).map(|c| c.team.clone()),
            )
        })
    }

    /// Stores the photos a file or a pulled group brings, before the events
    /// that point at them: an event never points at a photo this device lacks.
    async fn keep_attachments(
        self,
        attachments: &BTreeMap<String, crate::domain::bundle::Attachment>,
    ) -> Result<(), StoreError> {
        if let Some(store) = self.store.get_value() {
            for (hash, attachment) in attachments {
                store
                    .put_attachment(hash, &attachment.mime, &attachment.data)
                    .await?;
            }
        }
        Ok(())
    }

    /// What importing a validated bundle would change. The tickets it
    /// touches are folded here once and reused by the import.
    pub fn preview(self, bundle: Bundle) -> ImportPreview {
        let (own, team) = self.own_and_team();
        let (held, new_events, tickets_affected, folded, arrivals) =
            self.events.with_untracked(|events| {
                let known: FxHashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
                let new: Vec<&Event> = bundle
                    .events
                    .iter()
                    .filter(|e| !known.contains(e.id.as_str()))
                    .collect();
                let affected: FxHashSet<&str> = new.iter().map(|e| e.ticket.as_str()).collect();
                let folded = fold_each(
                    events
                        .iter()
                        .chain(&bundle.events)
                        .filter(|e| affected.contains(e.ticket.as_str())),
                );
                let arrivals = arrivals(new.iter().copied(), &own, team.as_deref(), |id| {
                    folded.get(id)
                });
                let after = self.authority_after(events, &new, &bundle.chains);
                let settings = carried(events, &new, &after);
                (
                    events.len(),
                    new.len(),
                    affected.len(),
                    folded,
                    (arrivals, settings),
                )
            });
        let (arrivals, settings) = arrivals;
        ImportPreview {
            arrivals,
            settings,
            new_events,
            tickets_affected,
            conflicts_after: folded.values().map(|t| t.conflicts.len()).sum(),
            folded: Arc::new((held, folded)),
            bundle: Arc::new(bundle),
        }
    }

    /// Adds a bundle's new events in one transaction: all of them or none.
    pub async fn import(self, preview: ImportPreview) -> Result<usize, StoreError> {
        let (_turn, mut device) = self.loaded_device().await?;
        if !self.writes() {
            return Err(StoreError::OtherTab);
        }
        let unseen = Phase::start("import: pick the new events");
        // Moved, not copied, when nothing else holds the bundle.
        let bundle = Arc::try_unwrap(preview.bundle).unwrap_or_else(|shared| (*shared).clone());
        let brought = bundle.chains;
        let new = self.unseen(bundle.events);
        let count = new.len();
        drop(unseen);
        device.observe(&new);
        self.keep_attachments(&bundle.attachments).await?;
        self.commit_with(new, device, Some(preview.folded), Some(brought))
            .await
            .map(|()| count)
    }

    /// Stores a file (photo, signature) under its content hash, before any
    /// event points at it; returns the hash.
    async fn keep_attachment(self, bytes: &[u8], mime: &str) -> Result<String, StoreError> {
        use base64::Engine as _;
        let Some(store) = self.store.get_value() else {
            return Err(StoreError::NotReady);
        };
        if !self.writes() {
            return Err(StoreError::OtherTab);
        }
        let hash = crate::domain::event::sha256_id(bytes);
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        store.put_attachment(&hash, mime, &data).await?;
        Ok(hash)
    }

    /// Keeps a photo (already downscaled) and records it on the ticket.
    pub async fn attach_photo(self, ticket: &str, jpeg: Vec<u8>) -> Result<(), StoreError> {
        let hash = self.keep_attachment(&jpeg, "image/jpeg").await?;
        let body = EventBody::PhotoAttached {
            hash,
            mime: "image/jpeg".into(),
            bytes: jpeg.len() as u64,
            caption: None,
        };
        self.record(ticket, &self.author(), body).await
    }

    /// Stores a drawn signature (PNG) and records who signed and why.
    pub async fn attach_signature(
        self,
        ticket: &str,
        png: Vec<u8>,
        signer: String,
        role: crate::domain::event::SignerRole,
    ) -> Result<(), StoreError> {
        let hash = self.keep_attachment(&png, "image/png").await?;
        let body = EventBody::SignatureAttached {
            hash,
            mime: "image/png".into(),
            bytes: png.len() as u64,
            signer,
            role,
        };
        self.record(ticket, &self.author(), body).await
    }

    /// A stored photo as a `data:` URL for an `<img>`.
    pub async fn photo_url(self, hash: String) -> Option<String> {
        let store = self.store.get_value()?;
        let (mime, data) = store.attachment(&hash).await.ok()??;
        Some(format!("data:{mime};base64,{data}"))
    }

    /// The photos the chosen events refer to, for an export.
    async fn attachments_of(self, events: &[&Event]) -> BTreeMap<String, Attachment> {
        let mut found = BTreeMap::new();
        let Some(store) = self.store.get_value() else {
            return found;
        };
        for event in events {
            if let EventBody::PhotoAttached { hash, .. }
            | EventBody::SignatureAttached { hash, .. } = &event.body
            {
                if let Ok(Some((mime, data))) = store.attachment(hash).await {
                    found.insert(hash.clone(), Attachment { mime, data });
                }
            }
        }
        found
    }

    /// A bundle of what `filter` selects (everything by default); remembers
    /// what was exported unless the file is anonymised or a subset of tickets.
    /// The device's store, once loaded (the sync state lives there).
    pub fn store(self) -> Option<Rc<Store>> {
        self.store.get_value()
    }

    /// What a push to a sync server needs: this device's id and every
    /// chain record it keeps, its own included. `None` before the device is
    /// loaded, or while customers' data is locked (the events in memory are
    /// masked then, and would not match their ids).
    pub fn sync_material(self) -> Option<(String, BTreeMap<String, Vec<ChainRecord>>)> {
        let device = self.device.get_untracked()?;
        if self.vault.get_untracked() == VaultState::Locked {
            return None;
        }
        let mut kept = self.chains.get_value();
        if let Some(own) = &device.chain {
            kept.insert(device.id.clone(), vec![own.clone()]);
        }
        Some((device.id, kept))
    }

    /// Takes a bundle that passed the checks of an import (a group pulled
    /// from a sync server): its new events in one transaction. With
    /// `announce`, the tickets they make urgent or send to this crew's team
    /// join `arrived` (not during a device's first catch-up).
    ///
    /// Unlike a file's import, nothing is shown before it is taken, so the
    /// touched tickets are not folded aside first: they are folded in place
    /// once the events are written, one at a time. Folding a large group's
    /// tickets aside held a second copy of most tickets at once.
    pub async fn take_checked(self, bundle: Bundle, announce: bool) -> Result<usize, StoreError> {
        let (_turn, mut device) = self.loaded_device().await?;
        if !self.writes() {
            return Err(StoreError::OtherTab);
        }
        let new = self.unseen(bundle.events);
        if new.is_empty() {
            return Ok(0);
        }
        let count = new.len();
        device.observe(&new);
        self.keep_attachments(&bundle.attachments).await?;
        let from = self.events.with_untracked(|all| all.len());
        self.commit_with(new, device, None, Some(bundle.chains))
            .await?;
        if announce {
            let (own, team) = self.own_and_team();
            let arrivals = self.events.with_untracked(|all| {
                self.tickets.with_untracked(|tickets| {
                    arrivals(all.iter_from(from), &own, team.as_deref(), |id| {
                        tickets.get(id)
                    })
                })
            });
            if !arrivals.is_empty() {
                // A ticket announced again replaces its earlier entry.
                self.arrived.update(|kept| {
                    kept.retain(|k| !arrivals.iter().any(|a| a.ticket == k.ticket));
                    kept.extend(arrivals);
                });
            }
        }
        Ok(count)
    }

    pub async fn export(
        self,
        filter: ExportFilter,
        anonymised: bool,
    ) -> Result<Outgoing, StoreError> {
        let (_turn, mut device) = self.loaded_device().await?;
        // A locked device holds customers' data masked: nothing to export.
        if self.vault.get_untracked() == VaultState::Locked {
            return Err(StoreError::Locked);
        }
        // An export is counted on the device (what went out when).
        if !self.writes() {
            return Err(StoreError::OtherTab);
        }
        let now = Utc::now();
        // The log as it is now, shared, not copied: the file borrows its
        // events while it is written.
        let log = self.events.get_untracked();
        let outgoing = if anonymised {
            // Masked events are no longer what their devices signed: an
            // anonymised file travels unsigned (and is never merged back).
            Outgoing::anonymised(anonymise(select(&log, &filter)), &device.id, now)
        } else {
            let choosing = Phase::start("export: choose events and photos");
            let chosen = select(&log, &filter);
            let count = chosen.len();
            // Photos travel with their events (not in anonymised files: they may show people).
            let attachments = self.attachments_of(&chosen).await;
            drop(choosing);
            let _chains = Phase::start("export: signed chains");
            let mut kept = self.chains.get_value();
            if let Some(own) = &device.chain {
                kept.insert(device.id.clone(), vec![own.clone()]);
            }
            let chains = for_export(chosen, &log, &kept);
            Outgoing::signed(
                log.clone(),
                filter.clone(),
                count,
                &device.id,
                now,
                attachments,
                chains,
            )
        };
        let _recording = Phase::start("export: record it on the device");
        if let Some(store) = self.store.get_value() {
            let record = ExportRecord {
                at: now.to_rfc3339(),
                file: outgoing.file_name(),
                events: outgoing.events(),
                anonymised,
            };
            store.record_export(&record).await?;
        }
        let whole = filter.from.is_none() && filter.to.is_none() && filter.station.is_none();
        if whole && !anonymised {
            device.exported_seq = device.seq;
            device.exported_at = Some(now.to_rfc3339());
            self.commit(Vec::new(), device).await?;
        }
        Ok(outgoing)
    }

    /// Who is recorded as the author of this device's actions.
    pub fn author(self) -> String {
        self.device
            .with_untracked(|d| d.as_ref().map(Device::author))
            .unwrap_or_default()
    }

    /// Saves who works on this device.
    pub async fn set_identity(
        self,
        crew: crate::domain::device::CrewIdentity,
    ) -> Result<(), StoreError> {
        let (_turn, mut device) = self.loaded_device().await?;
        device.crew = Some(crew);
        self.commit(Vec::new(), device).await
    }

    /// This device's events that have not left it in an export yet.
    pub fn unexported(self) -> usize {
        let Some(device) = self.device.get() else {
            return 0;
        };
        self.events.with(|events| {
            events
                .iter()
                .filter(|e| e.device == device.id && e.seq > device.exported_seq)
                .count()
        })
    }
}

/// Who vouches for a device's events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    ThisDevice,
    /// Another device, enrolled (or a root), with this public key.
    Key(String),
    /// Signed by a device no supervisor enrolled.
    Unenrolled,
    /// Signed by a device the roster revoked.
    Revoked,
    /// The demo's well-known key: demo data, not evidence.
    Demo,
    /// Recorded before signing (or by a device that cannot sign).
    Unsigned,
}

impl Signer {
    /// Whether the ledger marks the device's records (see `Voucher::is_stranger`).
    pub fn is_stranger(&self) -> bool {
        !matches!(self, Signer::ThisDevice | Signer::Key(_))
    }
}

/// A device's own events among `events`.
fn own_events(events: &Log, device: &str) -> Vec<Event> {
    events
        .iter()
        .filter(|e| e.device == device)
        .cloned()
        .collect()
}

pub fn use_data() -> Data {
    expect_context::<Data>()
}
