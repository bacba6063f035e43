//! Checking a chosen sync file before anything is written: read its bytes,
//! then validate it a slice of events at a time so the page stays usable,
//! reporting progress and stopping when asked. The ids of new events and the
//! checksum are hashed by the helper worker on the other core where it
//! starts; where it cannot (or stops half-way), the page hashes them itself,
//! the checksum with Web Crypto where the browser offers it.
//!
//! A compressed file (gzip, known by its first bytes) is unpacked by the
//! browser as it is read. A file protected with a passphrase is recognised
//! before any check: the
//! screen asks for the passphrase, and `check_sealed` opens it with Web
//! Crypto and checks what it holds the same way.
//!
//! The import screen only renders what this reports; writing the checked
//! events is the app state's job (`ui::state::data::Data::import`).

use crate::domain::bundle::sealed::{looks_sealed, Sealed as SealedFile, SealedProblem};
use crate::domain::bundle::split::{start_split, Splitter};
use crate::domain::bundle::{Bundle, BundleError, ChecksumPart, Held, Progress, Validation};
use crate::domain::event::Event;
use crate::domain::log::Log;
use crate::web::digest::Sha256Parts;
use crate::web::files::{self, FileError, TextPieces, UnpackError};
use crate::web::id_worker::IdWorker;
use crate::web::tasks;
use crate::web::trace::{self, Phase};
use crate::web::vault::{self, VaultError};
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Events checked per slice: small enough that the page answers a tap at once.
pub const SLICE: usize = 2_000;

/// A performance mark for each file checked without the helper worker.
pub const WITHOUT_HELPER: &str = "import: checked without the helper worker";

/// Why a file was not taken.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CheckError {
    /// The person cancelled the check.
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Unreadable(#[from] FileError),
    #[error(transparent)]
    Refused(#[from] BundleError),
    /// The file is protected with a passphrase: ask for it, then
    /// `check_sealed`.
    #[error("protected with a passphrase")]
    Sealed(Arc<SealedFile>),
    /// The browser could not derive the key or decrypt (no Web Crypto).
    #[error("this browser cannot open protected files: {0}")]
    CannotOpen(String),
}

/// What a check tells the screen as it goes.
pub trait CheckProgress {
    /// The file is being read (a previous outcome no longer applies).
    fn reading(&self);
    /// So many events of the file checked.
    fn checked(&self, progress: Progress);
    /// Whether the person asked to stop.
    fn cancelled(&self) -> bool;
}

/// Whom the device trusts, as a file is checked: the key of each device it
/// knows, and when the roster revoked a device.
#[derive(Clone, Debug, Default)]
pub struct Trusted {
    pub keys: BTreeMap<String, String>,
    pub revoked: BTreeMap<String, DateTime<Utc>>,
}

/// What the device holds, as the trust checks ask for it: whom it trusts,
/// and its events by `(device, seq)` and by id.
pub struct HeldView<'a> {
    trusted: &'a Trusted,
    by_seq: FxHashMap<(&'a str, u64), &'a Event>,
    by_id: FxHashMap<&'a str, &'a Event>,
}

impl<'a> HeldView<'a> {
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn new(held: &'a Log, trusted: &'a Trusted) -> HeldView<'a> {
        HeldView {
            trusted,
            by_seq: held
                .iter()
                .map(|e| ((e.device.as_str(), e.seq), e))
                .collect(),
            by_id: held.iter().map(|e| (e.id.as_str(), e)).collect(),
        }
    }
}

impl Held for &HeldView<'_> {
    fn key_of(&self, device: &str) -> Option<String> {
        self.trusted.keys.get(device).cloned()
    }
    fn at_of_event(&self, id: &str) -> Option<DateTime<Utc>> {
        self.by_id.get(id).map(|e| e.at)
    }
    fn revoked_at(&self, device: &str) -> Option<DateTime<Utc>> {
        self.trusted.revoked.get(device).copied()
    }
    fn id_at(&self, device: &str, seq: u64) -> Option<String> {
        self.by_seq.get(&(device, seq)).map(|e| e.id.to_string())
    }
    fn at_of(&self, device: &str, seq: u64) -> Option<DateTime<Utc>> {
        self.by_seq.get(&(device, seq)).map(|e| e.at)
    }
}

/// Reads and validates `file` against the events the device holds (`held`,
/// recognised by their content ids and not read again) and whom it trusts
/// (`trusted`).
pub async fn check_file(
    file: &web_sys::File,
    held: &Log,
    trusted: &Trusted,
    progress: &impl CheckProgress,
) -> Result<Bundle, CheckError> {
    progress.reading();
    let view = HeldView::new(held, trusted);
    // As the file arrives, its text never whole in memory, where the helper
    // worker hashes; a file that is not plainly a sync file is read whole
    // instead, which names its problem as it always has.
    if let Some(helper) = IdWorker::start() {
        match check_streamed(file, &view, helper, progress).await {
            Ok(bundle) => return Ok(bundle),
            Err(Streamed::Failed(e)) => return Err(e),
            Err(Streamed::ReadWhole) => {
                trace::mark(READ_WHOLE);
                progress.reading();
            }
        }
    }
    // The helper worker loads while the file is read.
    let helper = IdWorker::start();
    let read = Phase::start("import: read the file");
    let bytes = files::read_unpacked(file).await.map_err(|e| match e {
        UnpackError::Unreadable(e) => CheckError::Unreadable(e),
        UnpackError::Refused(e) => CheckError::Refused(e),
    })?;
    drop(read);
    if looks_sealed(&bytes) {
        return Err(CheckError::Sealed(Arc::new(SealedFile::parse(&bytes)?)));
    }
    let _validate = Phase::start("import: validate");
    check_bytes(&bytes, &view, helper, progress).await
}

/// A performance mark for each file read whole after it could not be
/// checked as it arrived.
pub const READ_WHOLE: &str = "import: read whole";

/// How a check as the file arrives ended, when not with a bundle.
enum Streamed {
    /// The file's answer (refused, unreadable) or the person's (cancelled).
    Failed(CheckError),
    /// Not plainly a sync file, or the helper worker failed: read it whole.
    ReadWhole,
}

impl From<UnpackError> for Streamed {
    fn from(e: UnpackError) -> Streamed {
        Streamed::Failed(match e {
            UnpackError::Unreadable(e) => CheckError::Unreadable(e),
            UnpackError::Refused(e) => CheckError::Refused(e),
        })
    }
}

impl From<BundleError> for Streamed {
    fn from(e: BundleError) -> Streamed {
        Streamed::Failed(CheckError::Refused(e))
    }
}

/// Checks a file in two readings, never holding its text whole: the first
/// finds its top level (which the checksum hashes before the events, while
/// a file names it after them), the second checks the events as they
/// arrive, a slice at a time, their ids and the checksum hashed by the
/// helper worker.
async fn check_streamed(
    file: &web_sys::File,
    view: &HeldView<'_>,
    helper: IdWorker,
    progress: &impl CheckProgress,
) -> Result<Bundle, Streamed> {
    let read = Phase::start("import: read the top level");
    let mut top = Splitter::for_top_level();
    let mut pieces = TextPieces::open(file).await?;
    while let Some(piece) = pieces.next().await? {
        top.feed(piece).map_err(|_| Streamed::ReadWhole)?;
        if progress.cancelled() {
            return Err(Streamed::Failed(CheckError::Cancelled));
        }
    }
    let (top, total) = top.finish().map_err(|_| Streamed::ReadWhole)?;
    drop(pieces);
    drop(read);
    let _validate = Phase::start("import: validate");
    // Refused here, the file is read whole: it names where in the file.
    let validation = start_split(&top, Utc::now()).map_err(|_| Streamed::ReadWhole)?;
    // The import keeps only what the device does not hold.
    let mut validation = with_held(validation, view).leaving_held_out();
    // Into an empty device, the checked events become a block of its log
    // as they are, with room for a day's work (see `Log::append`). A device
    // that holds events does not know how many are new: the list grows by
    // what the share read so far foretells.
    if view.is_empty() {
        validation.expect(total + Log::ROOM);
    } else {
        validation.listing(total);
    }
    if !helper.ready().await {
        return Err(Streamed::ReadWhole);
    }
    let mut validation = validation.ids_elsewhere();
    let mut events = Splitter::for_events();
    let mut pieces = TextPieces::open(file).await?;
    loop {
        let ended = match pieces.next().await? {
            Some(piece) => {
                events.feed(piece).map_err(|_| Streamed::ReadWhole)?;
                events.past_events()
            }
            None => true,
        };
        validation
            .add_events(events.take_events())
            .map_err(|_| Streamed::ReadWhole)?;
        // A slice at a time while more than a slice waits: the checksum
        // closes when every event is checked, so the last slice waits for
        // the end of the list.
        loop {
            let Progress {
                checked,
                total: added,
            } = validation.progress();
            let waiting = added - checked;
            if !ended && waiting <= SLICE {
                break;
            }
            // A refused event is found again in the whole text, whose
            // message can say where (a line and column, not only its number).
            let done = validation.step(SLICE).map_err(|_| Streamed::ReadWhole)?;
            let part = validation.take_checksum_part();
            helper.send(&part);
            validation.give_back(part);
            progress.checked(Progress {
                checked: done.checked,
                total,
            });
            tasks::yield_to_browser().await;
            if progress.cancelled() {
                return Err(Streamed::Failed(CheckError::Cancelled));
            }
            if done.is_done() {
                break;
            }
        }
        if ended {
            break;
        }
    }
    drop(pieces);
    if validation.progress().total != total {
        return Err(Streamed::ReadWhole);
    }
    let waiting = Phase::start("import: wait for the helper worker");
    let reported = helper.finish().await;
    drop(waiting);
    match reported {
        Some((digest, ids)) => Ok(validation.finish_elsewhere(Some(digest), ids)?),
        None => Err(Streamed::ReadWhole),
    }
}

/// Opens a protected file with `passphrase`, then checks it as `check_file` does.
pub async fn check_sealed(
    sealed: &SealedFile,
    passphrase: &str,
    held: &Log,
    trusted: &Trusted,
    progress: &impl CheckProgress,
) -> Result<Bundle, CheckError> {
    progress.reading();
    let helper = IdWorker::start();
    let opening = Phase::start("import: open the protected file");
    let bytes = vault::open_file(sealed, passphrase)
        .await
        .map_err(|e| match e {
            VaultError::WrongPassphrase | VaultError::Damaged => {
                CheckError::Refused(BundleError::Sealed(SealedProblem::WrongPassphrase))
            }
            VaultError::Unsupported(why) => CheckError::CannotOpen(why),
        })?;
    // What a protected file holds is compressed when this app exported it.
    let bytes = files::unpacked(bytes).await?;
    drop(opening);
    let _validate = Phase::start("import: validate");
    let view = HeldView::new(held, trusted);
    check_bytes(&bytes, &view, helper, progress).await
}

async fn check_bytes(
    bytes: &[u8],
    view: &HeldView<'_>,
    helper: Option<IdWorker>,
    progress: &impl CheckProgress,
) -> Result<Bundle, CheckError> {
    let text = std::str::from_utf8(bytes).map_err(|e| BundleError::NotUtf8 {
        byte: e.valid_up_to(),
    })?;
    let validation = begin(text, view)?;
    if let Some(helper) = helper {
        if helper.ready().await {
            let mut validation = validation.ids_elsewhere();
            step_all(&mut validation, progress, |part| helper.send(part)).await?;
            let waiting = Phase::start("import: wait for the helper worker");
            let reported = helper.finish().await;
            drop(waiting);
            if let Some((digest, ids)) = reported {
                return Ok(validation.finish_elsewhere(Some(digest), ids)?);
            }
            // The worker failed on the way: check the file again without it.
            trace::mark(WITHOUT_HELPER);
            return check_here(begin(text, view)?, bytes.len(), progress).await;
        }
    }
    trace::mark(WITHOUT_HELPER);
    check_here(validation, bytes.len(), progress).await
}

/// A validation of `text` that takes the events in `held` as they are and
/// checks the file's signatures against what the device holds (`view`).
fn begin<'a>(text: &'a str, view: &'a HeldView<'a>) -> Result<Validation<'a>, BundleError> {
    Ok(with_held(Validation::start(text, Utc::now())?, view).leaving_held_out())
}

/// The validation told what the device holds.
pub fn with_held<'a>(validation: Validation<'a>, view: &'a HeldView<'a>) -> Validation<'a> {
    validation
        .knowing(|id| view.by_id.get(id).copied())
        .knowing_where(|device, seq| view.by_seq.get(&(device, seq)).copied())
        .holding(view)
}

/// The validation without a helper worker.
async fn check_here(
    mut validation: Validation<'_>,
    file_size: usize,
    progress: &impl CheckProgress,
) -> Result<Bundle, CheckError> {
    // Its bytes are about as many as the file's.
    let mut checksum = Sha256Parts::available(file_size);
    if checksum.is_some() {
        validation = validation.checksum_elsewhere();
    }
    step_all(&mut validation, progress, |part| {
        if let Some(checksum) = &mut checksum {
            checksum.push(&part.bytes);
        }
    })
    .await?;
    let digest = match checksum {
        Some(checksum) => Some(checksum.finish().await),
        None => None,
    };
    Ok(validation.finish_with(digest)?)
}

/// Checks every event a slice at a time, handing each slice's checksum bytes
/// to `hand_over` and letting the page breathe in between.
async fn step_all(
    validation: &mut Validation<'_>,
    progress: &impl CheckProgress,
    mut hand_over: impl FnMut(&ChecksumPart),
) -> Result<(), CheckError> {
    loop {
        let done = validation.step(SLICE)?;
        let part = validation.take_checksum_part();
        hand_over(&part);
        validation.give_back(part);
        progress.checked(done);
        tasks::yield_to_browser().await;
        if progress.cancelled() {
            return Err(CheckError::Cancelled);
        }
        if done.is_done() {
            return Ok(());
        }
    }
}

/// Checks a group of documents pulled from a sync server as the parts of
/// one sync file (`couch::GroupFile`: its top level, each event's text),
/// with the same checks as a chosen file but the checksum (the file was
/// made here), a slice at a time so that the page stays responsive.
pub async fn check_assembled(
    head: &str,
    events: Vec<&str>,
    held: &Log,
    trusted: &Trusted,
) -> Result<Bundle, BundleError> {
    let validation = Validation::start_parts(head, events, Utc::now())?;
    let view = HeldView::new(held, trusted);
    let mut validation = with_held(validation, &view).assembled();
    while !validation.step(SLICE)?.is_done() {
        tasks::yield_to_browser().await;
    }
    validation.finish()
}
