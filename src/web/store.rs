//! The ticket store: an append-only log of events in IndexedDB.
//!
//! Layout (schema version 1), chosen for speed: events are written in
//! *segments*, one record holding many events as bytes in the binary layout
//! of `domain::segment` (earlier versions wrote JSON, as bytes or text, which
//! is still read). A user action writes
//! one small segment in one transaction together with the device's counters,
//! and "saved" is shown only once that transaction completes. An import writes
//! segments of 1,000 events. Reading the whole log back is then a few hundred
//! records (asked for in batches while earlier ones are decoded) instead of
//! one record per event (measured in headless
//! Chromium here: 66,666 events one per record took about 6 s to write and
//! 1.5-1.9 s to read; 1,000 per record about 0.25 s each way). `compact` folds
//! many small segments into large ones. Ticket states are not stored: they
//! are folds over the events, rebuilt at start-up.
//!
//! Customers' personal data is sealed (`web::vault`): a segment whose events
//! hold any is stored with those fields masked (`domain::personal`) and the
//! originals sealed beside them, and a photo or signature is stored sealed.
//! Sealing happens before the transaction opens (IndexedDB ends a
//! transaction left waiting on anything else).
//!
//! Where IndexedDB is unavailable the same log is kept in localStorage (small
//! and slower, nothing sealed) and the app warns about it.

use crate::domain::device::Device;
use crate::domain::event::Event;
use crate::domain::lock::PinRecord;
use crate::domain::log::Log;
use crate::domain::personal;
use crate::domain::segment;
use crate::domain::trust::ChainRecord;
use crate::web::trace::Phase;
use crate::web::vault::{Opener, Sealed, Sealer, VaultRecord};
use gloo_storage::{LocalStorage, Storage};
use idb::{
    Database, DatabaseEvent, Factory, KeyRange, ObjectStoreParams, Query, Request, TransactionMode,
};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

pub const DB_NAME: &str = "gridcare";
/// Schema versions: 1 = segments, meta, attachments; 2 = adds the export history.
pub const DB_VERSION: u32 = 2;
const SEGMENTS: &str = "segments";
const META: &str = "meta";
/// The meta key of the sync state.
const SYNC: &str = "sync";
const ATTACHMENTS: &str = "attachments";
const EXPORTS: &str = "exports";
/// Events per segment written by an import or a compaction.
pub const SEGMENT_SIZE: usize = 1_000;
/// Segments asked for in one request at start-up (see `load_log`).
const READ_BATCH: usize = 4;
/// The device's key pair (a `CryptoKeyPair`, kept as it is) in `meta`.
const DEVICE_KEYS: &str = "device-keys";
/// Other devices' chain records (JSON) in `meta`.
const CHAINS: &str = "chains";
/// The staff PIN's record (JSON) in `meta`: a device with one is a kiosk.
const PIN_RECORD: &str = "kiosk-pin";
/// The meta key of the device's vault (`web::vault::VaultRecord`).
const VAULT: &str = "vault";
/// What a screen saved beside the log to show at the next start before the
/// log is decoded (the queue's first rows), with the log's mark then.
const BESIDE_LOG: &str = "shown-beside-log";
const FALLBACK_EVENTS: &str = "gridcare.fallback.events";
const FALLBACK_DEVICE: &str = "gridcare.fallback.device";

/// The events kept in `localStorage` where IndexedDB is unavailable, each as
/// the text it was written as: an append keeps every one byte for byte, even
/// one this build cannot read (an event type from a newer version), where
/// reading them as events first dropped them all. Text that is not a list is
/// set aside under a key of its own (for support to recover) and the device
/// starts again, rather than refusing every later write; the key is returned
/// so the person is told (at start-up; an append that finds text damaged
/// since says so in the console). A read that fails is an error, never an empty log:
/// the next append would write over every event kept.
fn fallback_events() -> Result<(Vec<Box<serde_json::value::RawValue>>, Option<String>), StoreError>
{
    let storage = LocalStorage::raw();
    let text = match storage.get_item(FALLBACK_EVENTS) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok((Vec::new(), None)),
        Err(e) => return Err(StoreError::Failed(format!("{e:?}"))),
    };
    if let Ok(events) = serde_json::from_str(&text) {
        return Ok((events, None));
    }
    let aside = format!(
        "{FALLBACK_EVENTS}.damaged.{}",
        chrono::Utc::now().timestamp_millis()
    );
    // Copied, then the original removed. Where a second whole copy does not
    // fit (storage nearly full) it is moved instead, into the room it frees;
    // should even that fail, the text goes back where it fitted before and
    // writes are refused (storage full).
    if storage.set_item(&aside, &text).is_err() {
        storage
            .remove_item(FALLBACK_EVENTS)
            .map_err(|e| StoreError::Failed(format!("{e:?}")))?;
        if storage.set_item(&aside, &text).is_err() {
            if storage.set_item(FALLBACK_EVENTS, &text).is_err() {
                // Nowhere left to keep it: the console is the last copy.
                console_error("gridcare: damaged records, not stored:", &text);
                return Err(StoreError::Failed(
                    "damaged records could not be set aside or put back; their text is in the console log".into(),
                ));
            }
            return Err(StoreError::QuotaExceeded);
        }
    }
    let _ = storage.remove_item(FALLBACK_EVENTS);
    Ok((Vec::new(), Some(aside)))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `console.error`, for what support must find when no screen can say it.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str, detail: &str);
}

/// Why the store could not do what was asked. The browser's own words are
/// kept as the detail (for support); a person sees [`StoreError::message`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("the device's storage is full")]
    QuotaExceeded,
    /// The app is still opening the store (a tap during start-up).
    #[error("the store is not open yet")]
    NotReady,
    #[error("storage failed: {0}")]
    Failed(String),
    #[error("stored data is damaged: {0}")]
    Damaged(String),
    /// Customers' data is sealed and the device is locked.
    #[error("the device is locked")]
    Locked,
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Another tab of this browser writes the device's log (`web::tabs`).
    #[error("another tab writes this device's log")]
    OtherTab,
}

impl StoreError {
    /// What to tell the person, in their language.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Key;
        match self {
            StoreError::QuotaExceeded => Key::QuotaFull.text(lang).to_string(),
            StoreError::NotReady => Key::LoadingData.text(lang).to_string(),
            StoreError::Locked => Key::VaultLockedAction.text(lang).to_string(),
            StoreError::WrongPassphrase => Key::WrongPassphrase.text(lang).to_string(),
            StoreError::OtherTab => Key::OtherTabRefused.text(lang).to_string(),
            StoreError::Failed(detail) | StoreError::Damaged(detail) => {
                format!("{} {detail}", Key::StorageFailed.text(lang))
            }
        }
    }
}

impl From<idb::Error> for StoreError {
    fn from(e: idb::Error) -> StoreError {
        let text = e.to_string();
        if text.contains("QuotaExceeded") {
            StoreError::QuotaExceeded
        } else {
            StoreError::Failed(text)
        }
    }
}

/// One export this device made: when, which file, how many events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    pub at: String,
    pub file: String,
    pub events: usize,
    pub anonymised: bool,
}

pub enum Backend {
    IndexedDb(Database),
    /// localStorage: IndexedDB is unavailable (some private modes, old browsers).
    LocalStorage,
}

pub struct Store {
    backend: Backend,
    /// Where the stored log stands as this store last read or wrote it:
    /// what the page holds, since every write goes through here.
    mark: Cell<Option<LogMark>>,
    /// Seals personal data as it is written (none: written as it is).
    sealer: RefCell<Option<Sealer>>,
    /// Opens sealed photos (none while the device is locked).
    opener: RefCell<Option<Opener>>,
}

/// The connection closes once nothing holds the store: a tab that takes
/// over opens the store again, and an old connection left open would hold
/// up a later version's upgrade of the database. IndexedDB lets the
/// transactions under way finish first.
impl Drop for Store {
    fn drop(&mut self) {
        if let Backend::IndexedDb(db) = &self.backend {
            db.close();
        }
    }
}

/// Where the stored log stands: how many segments, and the key of the last.
/// Keys come from IndexedDB's key generator, which only goes up (`clear`
/// does not reset it; an aborted write rolls it back, but then nothing was
/// written), and segments are only added or cleared, never rewritten in
/// place: any write to the log changes the mark. Every write also deletes
/// what was saved beside the log, in its own transaction; the mark still
/// guards against writers that do not (a tab of an older build).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogMark {
    segments: u32,
    last: f64,
}

impl LogMark {
    fn of_keys(keys: &[JsValue]) -> LogMark {
        LogMark {
            segments: keys.len() as u32,
            last: keys.last().and_then(JsValue::as_f64).unwrap_or(0.0),
        }
    }
}

/// What is kept under `BESIDE_LOG`.
#[derive(Serialize, Deserialize)]
struct BesideLog {
    mark: LogMark,
    body: String,
}

/// The log as stored: events, with personal data masked where it was
/// sealed, and the sealed personal data.
pub struct StoredLog {
    pub events: Log,
    pub sealed: Vec<Sealed>,
    /// Some segment holds personal data unsealed (written before sealing).
    pub plain_personal: bool,
    /// What the person must hear of the `localStorage` fallback's records.
    pub fallback_notes: Option<FallbackNotes>,
}

/// What reading the `localStorage` fallback's records found, beyond events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FallbackNotes {
    /// The key the damaged records were moved to, for support to recover.
    pub set_aside: Option<String>,
    /// Records kept as written that this version cannot show (a newer
    /// version's event types).
    pub unreadable: usize,
}

impl Store {
    /// Opens the store, creating or upgrading the database as needed.
    pub async fn open(name: &str) -> Store {
        match open_indexed_db(name).await {
            Ok(db) => Store {
                backend: Backend::IndexedDb(db),
                mark: Cell::new(None),
                sealer: RefCell::new(None),
                opener: RefCell::new(None),
            },
            Err(_) => Store::in_local_storage(),
        }
    }

    /// The fallback where IndexedDB cannot be opened.
    pub fn in_local_storage() -> Store {
        Store {
            backend: Backend::LocalStorage,
            mark: Cell::new(None),
            sealer: RefCell::new(None),
            opener: RefCell::new(None),
        }
    }

    /// From now on personal data is sealed with `sealer` as it is written.
    pub fn set_sealer(&self, sealer: Sealer) {
        *self.sealer.borrow_mut() = Some(sealer);
    }

    /// Sealed photos are opened with `opener` (the device was unlocked).
    pub fn set_opener(&self, opener: Opener) {
        *self.opener.borrow_mut() = Some(opener);
    }

    /// Where this device syncs and how far (`ui::state::replication`):
    /// kept in IndexedDB, which survives a killed browser, unlike
    /// localStorage's lazily written copy.
    pub async fn sync_state<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<Option<T>, StoreError> {
        self.meta_json(SYNC).await
    }

    pub async fn save_sync_state<T: Serialize>(&self, state: &T) -> Result<(), StoreError> {
        self.put_meta_json(SYNC, state).await
    }

    /// The device's vault, if it made one.
    pub async fn vault(&self) -> Result<Option<VaultRecord>, StoreError> {
        self.meta_json(VAULT).await
    }

    pub async fn save_vault(&self, record: &VaultRecord) -> Result<(), StoreError> {
        self.put_meta_json(VAULT, record).await
    }

    async fn meta_json<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(None);
        };
        let tx = db.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx.object_store(META)?.get(JsValue::from_str(key))?.await?;
        value
            .and_then(|v| v.as_string())
            .map(|text| serde_json::from_str(&text).map_err(|e| StoreError::Damaged(e.to_string())))
            .transpose()
    }

    async fn put_meta_json<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Err(StoreError::Failed("this needs IndexedDB".into()));
        };
        let json = serde_json::to_string(value).map_err(|e| StoreError::Failed(e.to_string()))?;
        let tx = db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.object_store(META)?
            .put(&JsValue::from_str(&json), Some(&JsValue::from_str(key)))?;
        finish(tx).await
    }

    /// The segments to write for `events`: personal data masked and sealed
    /// where a sealer is set. `extra` sealed data rides on the first one.
    async fn segment_values<'e>(
        &self,
        events: impl IntoIterator<Item = &'e Event>,
        extra: Vec<Sealed>,
    ) -> Result<Vec<JsValue>, StoreError> {
        let sealer = self.sealer.borrow().clone();
        let mut extra = Some(extra).filter(|e| !e.is_empty());
        let mut events = events.into_iter();
        let chunks = std::iter::from_fn(|| {
            let chunk: Vec<&Event> = events.by_ref().take(SEGMENT_SIZE).collect();
            (!chunk.is_empty()).then_some(chunk)
        });
        let Some(sealer) = sealer else {
            return chunks
                .map(|chunk| sealed_segment(&chunk, &extra.take().unwrap_or_default()))
                .collect();
        };
        // Mask every segment first, then seal their personal data all at
        // once: Web Crypto works on them side by side, not one after another.
        let sealing = Phase::start("save: mask and seal customers' data");
        // Each masked copy is encoded at once and dropped: no second copy
        // of the whole log lives while the seals are made.
        let mut masked: Vec<(JsValue, Vec<u8>)> = Vec::new();
        for chunk in chunks {
            let mut plain: Vec<Event> = chunk.into_iter().cloned().collect();
            let data = personal::redact(&mut plain);
            let json = if data.is_empty() {
                Vec::new()
            } else {
                serde_json::to_vec(&data).map_err(|e| StoreError::Failed(e.to_string()))?
            };
            masked.push((encode_segment(&plain)?, json));
        }
        let seals = futures::future::join_all(masked.iter().map(|(_, json)| async {
            if json.is_empty() {
                Ok(None)
            } else {
                sealer.seal(json).await.map(Some)
            }
        }))
        .await;
        drop(sealing);
        let mut values = Vec::with_capacity(masked.len());
        for ((bytes, _), seal) in masked.into_iter().zip(seals) {
            let mut sealed = extra.take().unwrap_or_default();
            sealed.extend(seal.map_err(|e| StoreError::Failed(e.to_string()))?);
            values.push(with_sealed(bytes, &sealed)?);
        }
        Ok(values)
    }

    pub fn is_fallback(&self) -> bool {
        matches!(self.backend, Backend::LocalStorage)
    }

    /// Every stored event, in storage order (fold order is the fold's
    /// business), personal data masked where it is sealed.
    pub async fn load_events(&self) -> Result<Vec<Event>, StoreError> {
        Ok(self.load_log().await?.events.iter().cloned().collect())
    }

    /// The stored log: events and sealed personal data.
    pub async fn load_log(&self) -> Result<StoredLog, StoreError> {
        let mut sealed = Vec::new();
        let mut log = self
            .load_log_passing_seals(|seals| sealed.extend(seals), |_| ())
            .await?;
        log.sealed = sealed;
        Ok(log)
    }

    /// The stored log, each segment's sealed personal data handed to
    /// `seals` as soon as the segment is decoded (start-up opens them while
    /// the rest is still read and decoded); `sealed` is left empty. What was
    /// saved beside the log ([`Store::save_beside_log`]) is handed to
    /// `beside` before any segment is decoded, and only if the log is still
    /// as it was when that was saved.
    pub async fn load_log_passing_seals(
        &self,
        mut seals: impl FnMut(Vec<Sealed>),
        beside: impl FnOnce(String),
    ) -> Result<StoredLog, StoreError> {
        match &self.backend {
            Backend::IndexedDb(db) => {
                let mut read = Some(Phase::start("start: read the first segments (IndexedDB)"));
                // One transaction: the saved record and the keys it is
                // checked against are read as one state of the store.
                let tx = db.transaction(&[SEGMENTS, META], TransactionMode::ReadOnly)?;
                let store = tx.object_store(SEGMENTS)?;
                let keys = store.get_all_keys(None, None)?;
                let saved = tx.object_store(META)?.get(JsValue::from_str(BESIDE_LOG))?;
                // Known only once the whole log is read: a read that fails
                // half-way leaves the page without the log the mark names.
                self.mark.set(None);
                let keys = keys.await?;
                let mark = LogMark::of_keys(&keys);
                // Every batch is asked for at once: IndexedDB reads the later
                // ones while the first are decoded. The first is one segment,
                // so that decoding starts as soon as one is read.
                let (first, rest) = keys.split_at(keys.len().min(1));
                let batches = std::iter::once(first)
                    .chain(rest.chunks(READ_BATCH))
                    .filter_map(|keys| Some((keys.first()?, keys.last()?)))
                    .map(|(first, last)| {
                        let range = KeyRange::bound(first, last, None, None)?;
                        store.get_all(Some(Query::KeyRange(range)), None)
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                // Asked for with the keys: answered before the first segment.
                let saved = saved.await?.and_then(|v| v.as_string());
                if let Some(saved) = saved.and_then(|s| serde_json::from_str::<BesideLog>(&s).ok())
                {
                    if saved.mark == mark {
                        beside(saved.body);
                    }
                }
                let mut log = Log::new();
                let mut plain_personal = false;
                let mut decode = None;
                for batch in batches {
                    let records = batch.await?;
                    drop(read.take());
                    decode.get_or_insert_with(|| {
                        Phase::start("start: decode the segments (the rest read meanwhile)")
                    });
                    for record in records {
                        let (events, sealed) = decode_segment(record)?;
                        // Checked only where nothing is sealed: older segments.
                        plain_personal |= sealed.is_empty() && personal::holds_personal(&events);
                        if !sealed.is_empty() {
                            seals(sealed);
                        }
                        // Each segment a block of the log: never one list
                        // of every event, which would be a second copy
                        // while the segments are put together.
                        log.append(events);
                    }
                }
                self.mark.set(Some(mark));
                Ok(StoredLog {
                    events: log,
                    sealed: Vec::new(),
                    plain_personal,
                    fallback_notes: None,
                })
            }
            Backend::LocalStorage => {
                let (kept, set_aside) = fallback_events()?;
                let events: Vec<Event> = kept
                    .iter()
                    .filter_map(|raw| serde_json::from_str::<Event>(raw.get()).ok())
                    .collect();
                let notes = FallbackNotes {
                    set_aside,
                    unreadable: kept.len() - events.len(),
                };
                Ok(StoredLog {
                    events: Log::from(events),
                    sealed: Vec::new(),
                    plain_personal: false,
                    fallback_notes: (notes != FallbackNotes::default()).then_some(notes),
                })
            }
        }
    }

    /// Appends events and the device's counters (and, after an import, the
    /// chain records it brought) in one transaction; returns once it has
    /// completed, so the caller may then say "saved".
    pub async fn append(
        &self,
        events: &[Event],
        device: &Device,
        chains: Option<&BTreeMap<String, Vec<ChainRecord>>>,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::IndexedDb(db) => {
                let values = self.segment_values(events, Vec::new()).await?;
                let tx = db.transaction(&[SEGMENTS, META], TransactionMode::ReadWrite)?;
                let segments = tx.object_store(SEGMENTS)?;
                let mut last = None;
                for value in &values {
                    last = Some(segments.add(value, None)?);
                }
                let meta = tx.object_store(META)?;
                put_device(&meta, device)?;
                // What was saved beside the log is of the log before this
                // write (the mark says so too; this also covers a write of
                // chains alone, which changes no segment).
                meta.delete(JsValue::from_str(BESIDE_LOG))?;
                if let Some(chains) = chains {
                    let json = serde_json::to_string(chains)
                        .map_err(|e| StoreError::Failed(e.to_string()))?;
                    meta.put(&JsValue::from_str(&json), Some(&JsValue::from_str(CHAINS)))?;
                }
                finish(tx).await?;
                // Written: a key that cannot be read back only forgets the mark.
                let last = last.map(|r| r.result().ok().and_then(|k| k.as_f64()));
                self.mark.set(match (self.mark.get(), last) {
                    (Some(mark), None) => Some(mark),
                    (Some(mark), Some(Some(last))) => Some(LogMark {
                        segments: mark.segments + values.len() as u32,
                        last,
                    }),
                    _ => None,
                });
                Ok(())
            }
            Backend::LocalStorage => {
                let (mut all, set_aside) = fallback_events()?;
                if let Some(key) = set_aside {
                    console_error("gridcare: damaged records set aside as", &key);
                }
                for event in events {
                    all.push(
                        serde_json::value::to_raw_value(event)
                            .map_err(|e| StoreError::Failed(e.to_string()))?,
                    );
                }
                LocalStorage::set(FALLBACK_EVENTS, &all).map_err(|_| StoreError::QuotaExceeded)?;
                LocalStorage::set(FALLBACK_DEVICE, device).map_err(|_| StoreError::QuotaExceeded)
            }
        }
    }

    pub async fn device(&self) -> Result<Option<Device>, StoreError> {
        match &self.backend {
            Backend::IndexedDb(db) => {
                let tx = db.transaction(&[META], TransactionMode::ReadOnly)?;
                let value = tx
                    .object_store(META)?
                    .get(JsValue::from_str("device"))?
                    .await?;
                match value.and_then(|v| v.as_string()) {
                    Some(text) => serde_json::from_str(&text)
                        .map(Some)
                        .map_err(|e| StoreError::Damaged(e.to_string())),
                    None => Ok(None),
                }
            }
            Backend::LocalStorage => Ok(LocalStorage::get(FALLBACK_DEVICE).ok()),
        }
    }

    pub async fn save_device(&self, device: &Device) -> Result<(), StoreError> {
        self.append(&[], device, None).await
    }

    /// Other devices' chain records this device keeps.
    pub async fn chains(&self) -> Result<BTreeMap<String, Vec<ChainRecord>>, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(BTreeMap::new());
        };
        let tx = db.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(META)?
            .get(JsValue::from_str(CHAINS))?
            .await?;
        match value.and_then(|v| v.as_string()) {
            Some(text) => {
                serde_json::from_str(&text).map_err(|e| StoreError::Damaged(e.to_string()))
            }
            None => Ok(BTreeMap::new()),
        }
    }

    /// The staff PIN's record, if the device has one (it is then a kiosk).
    /// An error, not `None`, when it cannot be read: the caller locks.
    pub async fn pin_record(&self) -> Result<Option<PinRecord>, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(LocalStorage::get(PIN_RECORD).ok());
        };
        let tx = db.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(META)?
            .get(JsValue::from_str(PIN_RECORD))?
            .await?;
        match value {
            None => Ok(None),
            Some(v) => {
                let text = v
                    .as_string()
                    .ok_or_else(|| StoreError::Damaged("the PIN record is not text".into()))?;
                serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| StoreError::Damaged(e.to_string()))
            }
        }
    }

    /// Keeps the staff PIN's record (its hash and its failure count).
    pub async fn save_pin_record(&self, record: &PinRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError::Failed(e.to_string()))?;
        let Backend::IndexedDb(db) = &self.backend else {
            return LocalStorage::set(PIN_RECORD, record).map_err(|_| StoreError::QuotaExceeded);
        };
        let tx = db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.object_store(META)?.put(
            &JsValue::from_str(&json),
            Some(&JsValue::from_str(PIN_RECORD)),
        )?;
        finish(tx).await
    }

    /// The device's key pair as stored (a `CryptoKeyPair`), if it has one.
    pub async fn device_keys(&self) -> Result<Option<JsValue>, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(None);
        };
        let tx = db.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(META)?
            .get(JsValue::from_str(DEVICE_KEYS))?
            .await?;
        Ok(value.filter(|v| v.is_object()))
    }

    /// Keeps the device's key pair (the private key stays non-extractable).
    pub async fn save_device_keys(&self, pair: &JsValue) -> Result<(), StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Err(StoreError::Failed("keys need IndexedDB".into()));
        };
        let tx = db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.object_store(META)?
            .put(pair, Some(&JsValue::from_str(DEVICE_KEYS)))?;
        finish(tx).await
    }

    /// How many segment records there are (for compaction and tests).
    pub async fn segment_count(&self) -> Result<u32, StoreError> {
        match &self.backend {
            Backend::IndexedDb(db) => {
                let tx = db.transaction(&[SEGMENTS], TransactionMode::ReadOnly)?;
                Ok(tx.object_store(SEGMENTS)?.count(None)?.await?)
            }
            Backend::LocalStorage => Ok(1),
        }
    }

    /// Rewrites every segment as segments of `SEGMENT_SIZE` events, in one
    /// transaction: all of it or nothing. Personal data still kept unsealed
    /// (by a version before sealing) is sealed on the way.
    pub async fn compact(&self) -> Result<(), StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(());
        };
        let shown = self.mark.get();
        let log = self.load_log().await?;
        if self.mark.get() != shown {
            // Written to since the page read it (another writer): what the
            // page shows is not this log. Left as it is, and no mark.
            self.mark.set(None);
            return Ok(());
        }
        let values = self.segment_values(&log.events, log.sealed).await?;
        let tx = db.transaction(&[SEGMENTS, META], TransactionMode::ReadWrite)?;
        let segments = tx.object_store(SEGMENTS)?;
        segments.clear()?;
        let mut last = None;
        for value in &values {
            last = Some(segments.add(value, None)?);
        }
        tx.object_store(META)?
            .delete(JsValue::from_str(BESIDE_LOG))?;
        finish(tx).await?;
        let last = match last {
            Some(r) => r.result().ok().and_then(|k| k.as_f64()),
            None => Some(0.0),
        };
        self.mark.set(last.map(|last| LogMark {
            segments: values.len() as u32,
            last,
        }));
        Ok(())
    }

    /// Where the stored log stands as this store last read or wrote it (none
    /// before it was read, and in localStorage).
    pub fn mark(&self) -> Option<LogMark> {
        self.mark.get()
    }

    /// Saves `body` to be handed over at the next start before the log is
    /// decoded, if the stored log still stands at `mark` (checked in the
    /// same transaction: a write from elsewhere since then, and it is not
    /// saved). Returns whether it was saved.
    pub async fn save_beside_log(&self, mark: LogMark, body: String) -> Result<bool, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(false);
        };
        let json = serde_json::to_string(&BesideLog { mark, body })
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let tx = db.transaction(&[SEGMENTS, META], TransactionMode::ReadWrite)?;
        let keys = tx.object_store(SEGMENTS)?.get_all_keys(None, None)?.await?;
        if LogMark::of_keys(&keys) != mark {
            tx.abort()?;
            return Ok(false);
        }
        tx.object_store(META)?.put(
            &JsValue::from_str(&json),
            Some(&JsValue::from_str(BESIDE_LOG)),
        )?;
        finish(tx).await?;
        Ok(true)
    }

    /// Remembers an export (schema version 2).
    pub async fn record_export(&self, record: &ExportRecord) -> Result<(), StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(());
        };
        let tx = db.transaction(&[EXPORTS], TransactionMode::ReadWrite)?;
        let json = serde_json::to_string(record).map_err(|e| StoreError::Failed(e.to_string()))?;
        tx.object_store(EXPORTS)?
            .add(&JsValue::from_str(&json), None)?;
        finish(tx).await
    }

    /// Every export this device made, oldest first.
    pub async fn exports(&self) -> Result<Vec<ExportRecord>, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(Vec::new());
        };
        let tx = db.transaction(&[EXPORTS], TransactionMode::ReadOnly)?;
        let records = tx.object_store(EXPORTS)?.get_all(None, None)?.await?;
        records
            .into_iter()
            .map(|r| {
                let text = r
                    .as_string()
                    .ok_or_else(|| StoreError::Damaged("an export record is not text".into()))?;
                serde_json::from_str(&text).map_err(|e| StoreError::Damaged(e.to_string()))
            })
            .collect()
    }

    /// An attachment's (mime type, base64 data), if this device has it.
    pub async fn attachment(&self, hash: &str) -> Result<Option<(String, String)>, StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Ok(None);
        };
        let tx = db.transaction(&[ATTACHMENTS], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(ATTACHMENTS)?
            .get(JsValue::from_str(hash))?
            .await?;
        let Some(text) = value.and_then(|v| v.as_string()) else {
            return Ok(None);
        };
        let record: StoredAttachment =
            serde_json::from_str(&text).map_err(|e| StoreError::Damaged(e.to_string()))?;
        let data = match (record.data, record.sealed) {
            (Some(data), _) => data,
            (None, Some(sealed)) => {
                let opener = self.opener.borrow().clone().ok_or(StoreError::Locked)?;
                let bytes = opener
                    .open(&sealed)
                    .await
                    .map_err(|e| StoreError::Damaged(e.to_string()))?;
                String::from_utf8(bytes).map_err(|e| StoreError::Damaged(e.to_string()))?
            }
            (None, None) => {
                return Err(StoreError::Damaged(format!(
                    "attachment {hash} holds nothing"
                )))
            }
        };
        Ok(Some((record.mime, data)))
    }

    /// Keeps an attachment (photo, signature) by its hash.
    pub async fn put_attachment(
        &self,
        hash: &str,
        mime: &str,
        base64: &str,
    ) -> Result<(), StoreError> {
        let Backend::IndexedDb(db) = &self.backend else {
            return Err(StoreError::Failed("photos need IndexedDB".into()));
        };
        // Photos and signatures may show people: sealed like contacts.
        let sealer = self.sealer.borrow().clone();
        let record = match sealer {
            Some(sealer) => StoredAttachment {
                mime: mime.to_string(),
                data: None,
                sealed: Some(
                    sealer
                        .seal(base64.as_bytes())
                        .await
                        .map_err(|e| StoreError::Failed(e.to_string()))?,
                ),
            },
            None => StoredAttachment {
                mime: mime.to_string(),
                data: Some(base64.to_string()),
                sealed: None,
            },
        };
        let record =
            serde_json::to_string(&record).map_err(|e| StoreError::Failed(e.to_string()))?;
        let tx = db.transaction(&[ATTACHMENTS], TransactionMode::ReadWrite)?;
        tx.object_store(ATTACHMENTS)?
            .put(&JsValue::from_str(&record), Some(&JsValue::from_str(hash)))?;
        finish(tx).await
    }
}

/// An attachment as stored: its bytes (base64) as they are, or sealed.
#[derive(Serialize, Deserialize)]
struct StoredAttachment {
    mime: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<Sealed>,
}

/// A segment with sealed personal data: `{events: bytes, sealed: "[…]"}`;
/// without any, the bytes alone, as before sealing.
fn sealed_segment(events: &[&Event], sealed: &[Sealed]) -> Result<JsValue, StoreError> {
    with_sealed(encode_segment(events)?, sealed)
}

/// Encoded segment bytes with their sealed personal data beside them.
fn with_sealed(bytes: JsValue, sealed: &[Sealed]) -> Result<JsValue, StoreError> {
    if sealed.is_empty() {
        return Ok(bytes);
    }
    let json = serde_json::to_string(sealed).map_err(|e| StoreError::Failed(e.to_string()))?;
    let record = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&record, &"events".into(), &bytes);
    let _ = js_sys::Reflect::set(&record, &"sealed".into(), &JsValue::from_str(&json));
    Ok(record.into())
}

/// A segment as stored: the events in `domain::segment`'s binary layout.
/// Bytes go into and out of wasm as one copy, where text would be converted
/// to and from the browser's UTF-16 strings each way.
fn encode_segment<E: std::borrow::Borrow<Event>>(events: &[E]) -> Result<JsValue, StoreError> {
    Ok(js_sys::Uint8Array::from(segment::encode(events).as_slice()).into())
}

/// Reads a segment written as bytes (binary, or JSON by earlier versions), or
/// as text by the first versions, or with sealed personal data beside it.
fn decode_segment(record: JsValue) -> Result<(Vec<Event>, Vec<Sealed>), StoreError> {
    if record.is_object() && !record.is_instance_of::<js_sys::Uint8Array>() {
        let events = js_sys::Reflect::get(&record, &"events".into())
            .map_err(|_| StoreError::Damaged("a sealed segment has no events".into()))?;
        let sealed = js_sys::Reflect::get(&record, &"sealed".into())
            .ok()
            .and_then(|s| s.as_string())
            .map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Damaged(e.to_string())))
            .transpose()?
            .unwrap_or_default();
        return Ok((decode_events(events)?, sealed));
    }
    Ok((decode_events(record)?, Vec::new()))
}

fn decode_events(record: JsValue) -> Result<Vec<Event>, StoreError> {
    let bytes = match record.as_string() {
        Some(text) => text.into_bytes(),
        None => record
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(|_| StoreError::Damaged("a segment is neither text nor bytes".into()))?
            .to_vec(),
    };
    segment::decode(&bytes).map_err(|e| StoreError::Damaged(e.to_string()))
}

async fn finish(tx: idb::Transaction) -> Result<(), StoreError> {
    match tx.await? {
        idb::TransactionResult::Committed => Ok(()),
        idb::TransactionResult::Aborted => {
            Err(StoreError::Failed("the transaction was aborted".into()))
        }
    }
}

fn put_device(meta: &idb::ObjectStore, device: &Device) -> Result<(), StoreError> {
    let json = serde_json::to_string(device).map_err(|e| StoreError::Failed(e.to_string()))?;
    meta.put(
        &JsValue::from_str(&json),
        Some(&JsValue::from_str("device")),
    )?;
    Ok(())
}

async fn open_indexed_db(name: &str) -> Result<Database, StoreError> {
    let factory = Factory::new()?;
    let mut request = factory.open(name, Some(DB_VERSION))?;
    request.on_upgrade_needed(|event| {
        // Each step brings a database from the version before it, so a database
        // written by any earlier version of the app upgrades with nothing lost.
        let Ok(db) = event.database() else { return };
        let old = event.old_version().unwrap_or(0);
        if old < 1 {
            let mut segments = ObjectStoreParams::new();
            segments.auto_increment(true);
            let _ = db.create_object_store(SEGMENTS, segments);
            let _ = db.create_object_store(META, ObjectStoreParams::new());
            let _ = db.create_object_store(ATTACHMENTS, ObjectStoreParams::new());
        }
        if old < 2 {
            let mut exports = ObjectStoreParams::new();
            exports.auto_increment(true);
            let _ = db.create_object_store(EXPORTS, exports);
        }
    });
    Ok(request.await?)
}

/// Asks the browser to keep this site's data even under storage pressure.
pub async fn request_persistence() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return false;
    };
    match storage.persist() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// (bytes used, bytes available) as the browser estimates them.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate = wasm_bindgen_futures::JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?;
    let get = |key: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
    };
    Some((get("usage")?, get("quota")?))
}
