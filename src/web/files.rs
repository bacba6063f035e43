//! Files in and out: reading a chosen file's bytes (unpacking a compressed
//! one with the browser's own `DecompressionStream`), compressing an export
//! with `CompressionStream`, and handing it to the share sheet where the
//! device has one, or downloading it otherwise.

use crate::domain::bundle::gzip::{
    looks_gzip, member_size, sized_member_header, MAX_UNPACKED_BYTES, MEMBER_HEAD_BYTES,
};
use crate::domain::bundle::BundleError;
use crate::i18n::{Key, Lang};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

// web-sys has these two behind `--cfg=web_sys_unstable_apis`; every browser
// the app supports has had them since 2023, so they are bound here instead.
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// The type a compressed sync file is offered as.
pub const GZIP_MIME: &str = "application/gzip";

/// Why a file could not be read or offered. The browser's own words (in the
/// browser's language, for a developer's console) are kept as data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file could not be read ({0})")]
    Unreadable(String),
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("the file could not be saved or shared ({0})")]
    NotOffered(String),
}

impl FileError {
    /// What to tell the person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FileError::Unreadable(_) => Key::FileUnreadable.text(lang).to_string(),
            FileError::NotText => Key::FileNotText.text(lang).to_string(),
            FileError::NotOffered(_) => Key::FileNotOffered.text(lang).to_string(),
        }
    }
}

fn js_text(e: JsValue) -> String {
    format!("{e:?}")
}

/// The bytes of a file the user picked.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, FileError> {
    bytes_of(file).await
}

/// What reading a sync file can end in: the file could not be read, or it
/// is compressed and does not unpack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnpackError {
    Unreadable(FileError),
    Refused(BundleError),
}

/// The text of a chosen sync file, unpacked when its first bytes say it is
/// gzip (whatever its name). A compressed file is unpacked by the browser
/// as it is read, so the compressed bytes never enter wasm memory.
pub async fn read_unpacked(file: &web_sys::File) -> Result<Vec<u8>, UnpackError> {
    let head = file
        .slice_with_i32_and_i32(0, 3)
        .map_err(|e| UnpackError::Unreadable(FileError::Unreadable(js_text(e))))?;
    let head = bytes_of(&head).await.map_err(UnpackError::Unreadable)?;
    if looks_gzip(&head) {
        gunzip(file).await.map_err(UnpackError::Refused)
    } else {
        read_bytes(file).await.map_err(UnpackError::Unreadable)
    }
}

/// A chosen sync file's text a piece at a time, unpacked by the browser as
/// it is read when its first bytes say gzip: the text is never whole in
/// wasm memory (each piece is copied into one buffer, reused).
pub struct TextPieces {
    source: Source,
    read: u64,
    piece: Vec<u8>,
}

enum Source {
    /// A plain file, read a slice at a time (large slices: each is a
    /// round trip to the browser).
    Plain { file: web_sys::Blob, at: f64 },
    /// A compressed file, unpacked by the browser as it streams.
    Unpacking(Unpacker),
}

/// The bytes of a plain file read at a time.
const SLICE_BYTES: f64 = 4_194_304.0;

impl TextPieces {
    pub async fn open(file: &web_sys::File) -> Result<TextPieces, UnpackError> {
        let unreadable = |e: JsValue| UnpackError::Unreadable(FileError::Unreadable(js_text(e)));
        let head = file.slice_with_i32_and_i32(0, 3).map_err(unreadable)?;
        let head = bytes_of(&head).await.map_err(UnpackError::Unreadable)?;
        let source = if looks_gzip(&head) {
            Source::Unpacking(Unpacker::open(file).await?)
        } else {
            Source::Plain {
                file: file.clone().into(),
                at: 0.0,
            }
        };
        Ok(TextPieces {
            source,
            read: 0,
            piece: Vec::new(),
        })
    }

    /// The next piece, `None` at the end. A compressed file that fails to
    /// unpack, or unpacks past what any sync file holds, is refused as
    /// `read_unpacked` refuses it.
    pub async fn next(&mut self) -> Result<Option<&[u8]>, UnpackError> {
        let unreadable = |e: JsValue| UnpackError::Unreadable(FileError::Unreadable(js_text(e)));
        let bytes = match &mut self.source {
            Source::Plain { file, at } => {
                if *at >= file.size() {
                    return Ok(None);
                }
                let end = (*at + SLICE_BYTES).min(file.size());
                let slice = file.slice_with_f64_and_f64(*at, end).map_err(unreadable)?;
                *at = end;
                let buffer = JsFuture::from(slice.array_buffer())
                    .await
                    .map_err(unreadable)?;
                js_sys::Uint8Array::new(&buffer)
            }
            Source::Unpacking(unpacker) => {
                let Some(bytes) = unpacker.next().await.map_err(UnpackError::Refused)? else {
                    return Ok(None);
                };
                self.read += u64::from(bytes.length());
                if self.read > MAX_UNPACKED_BYTES {
                    return Err(UnpackError::Refused(BundleError::CompressedTooLarge));
                }
                bytes
            }
        };
        self.piece.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.piece);
        Ok(Some(&self.piece))
    }
}

/// A gzip file unpacked by the browser (`DecompressionStream`), a member at
/// a time where its members say their lengths (the app's own exports, see
/// `domain::bundle::gzip`: the browser's reader takes one member only),
/// else as one stream.
struct Unpacker {
    file: web_sys::Blob,
    /// Where each member not yet begun starts and ends, in order.
    members: std::collections::VecDeque<(f64, f64)>,
    /// The member being unpacked.
    reader: Option<web_sys::ReadableStreamDefaultReader>,
}

impl Unpacker {
    async fn open(file: &web_sys::Blob) -> Result<Unpacker, UnpackError> {
        Ok(Unpacker {
            file: file.clone(),
            members: members_of(file).await?.into(),
            reader: None,
        })
    }

    /// The next bytes of text, `None` after the last member. A member that
    /// fails to unpack (cut short, a changed byte caught by its CRC, bytes
    /// after the end of a stream) makes the file damaged.
    async fn next(&mut self) -> Result<Option<js_sys::Uint8Array>, BundleError> {
        let damaged = |_| BundleError::CompressedDamaged;
        loop {
            let reader = match &self.reader {
                Some(reader) => reader,
                None => {
                    let Some((start, end)) = self.members.pop_front() else {
                        return Ok(None);
                    };
                    let member = self
                        .file
                        .slice_with_f64_and_f64(start, end)
                        .map_err(damaged)?;
                    let inflate = DecompressionStream::new("gzip").map_err(damaged)?;
                    let pair = web_sys::ReadableWritablePair::new(
                        &inflate.readable(),
                        &inflate.writable(),
                    );
                    let stream = member.stream().pipe_through(&pair);
                    self.reader.insert(
                        web_sys::ReadableStreamDefaultReader::new(&stream).map_err(damaged)?,
                    )
                }
            };
            let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
                .await
                .map_err(damaged)?
                .unchecked_into();
            if chunk.get_done() == Some(true) {
                self.reader = None;
                continue;
            }
            return Ok(Some(chunk.get_value().unchecked_into()));
        }
    }
}

impl Drop for Unpacker {
    fn drop(&mut self) {
        // Stops unpacking a file left half-way (a stream that failed
        // refuses to be cancelled: said to no one).
        if let Some(reader) = &self.reader {
            quietly(reader.cancel());
        }
    }
}

/// The most members a file may have: the app writes one per 4 MB of text
/// (256 for the largest file it reads), and a file of many tiny ones
/// would keep the page reading headers for minutes.
const MAX_MEMBERS: usize = 1_024;

/// Where each gzip member of `file` starts and ends: the members whose
/// headers give their lengths one by one, then the rest as one stream. A
/// length past the end of the file is a file cut short.
async fn members_of(file: &web_sys::Blob) -> Result<Vec<(f64, f64)>, UnpackError> {
    let size = file.size();
    let mut members = Vec::new();
    let mut at = 0.0;
    while at < size {
        if members.len() == MAX_MEMBERS {
            return Err(UnpackError::Refused(BundleError::CompressedDamaged));
        }
        let head_end = (at + MEMBER_HEAD_BYTES as f64).min(size);
        let head = file
            .slice_with_f64_and_f64(at, head_end)
            .map_err(|e| UnpackError::Unreadable(FileError::Unreadable(js_text(e))))?;
        let head = bytes_of(&head).await.map_err(UnpackError::Unreadable)?;
        match member_size(&head) {
            Some(length) if at + length as f64 <= size => {
                members.push((at, at + length as f64));
                at += length as f64;
            }
            Some(_) => return Err(UnpackError::Refused(BundleError::CompressedDamaged)),
            None => {
                members.push((at, size));
                break;
            }
        }
    }
    Ok(members)
}

/// Lets a promise settle unwatched, its failure included (no "uncaught"
/// error in the console for a stream given up on).
fn quietly(promise: js_sys::Promise) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}

/// `bytes` as they are, or unpacked when they are gzip (what a protected
/// file holds once opened).
pub async fn unpacked(bytes: Vec<u8>) -> Result<Vec<u8>, BundleError> {
    if !looks_gzip(&bytes) {
        return Ok(bytes);
    }
    let blob = blob(&bytes, "application/gzip").map_err(|_| BundleError::CompressedDamaged)?;
    drop(bytes);
    gunzip(&blob).await
}

/// The bytes of a blob (a file chosen, a compressed export before sealing).
pub async fn bytes_of(blob: &web_sys::Blob) -> Result<Vec<u8>, FileError> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| FileError::Unreadable(js_text(e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A gzip blob unpacked through `DecompressionStream`, chunk by chunk (a
/// member at a time, see `Unpacker`), and refused once past what any sync
/// file holds. A stream that fails (cut short, a changed byte caught by the
/// CRC) is a damaged file.
async fn gunzip(blob: &web_sys::Blob) -> Result<Vec<u8>, BundleError> {
    let mut unpacker = Unpacker::open(blob).await.map_err(|e| match e {
        UnpackError::Refused(e) => e,
        UnpackError::Unreadable(_) => BundleError::CompressedDamaged,
    })?;
    let mut unpacked = Vec::new();
    // Room for the whole text at once, where the trailers say its size:
    // growing by doubling would hold up to twice the text while it copies.
    if let Some(size) = unpacked_size_hint(blob, &unpacker.members).await {
        let _ = unpacked.try_reserve_exact(size);
    }
    while let Some(bytes) = unpacker.next().await? {
        if (unpacked.len() + bytes.length() as usize) as u64 > MAX_UNPACKED_BYTES {
            return Err(BundleError::CompressedTooLarge);
        }
        let at = unpacked.len();
        unpacked.resize(at + bytes.length() as usize, 0);
        bytes.copy_to(&mut unpacked[at..]);
    }
    Ok(unpacked)
}

/// The text's size as the trailers of a gzip file's members give it
/// (ISIZE, RFC 1952: each member's last four bytes, little-endian, its
/// size modulo 2^32). Only a hint: trusted up to 16 times the file's size,
/// which no sync file reaches (they pack about 5 to 1), so a file that lies
/// about it cannot make the page reserve much.
async fn unpacked_size_hint(
    blob: &web_sys::Blob,
    members: &std::collections::VecDeque<(f64, f64)>,
) -> Option<usize> {
    let packed = blob.size();
    let mut size = 0.0;
    for &(start, end) in members {
        if end - start < 18.0 {
            return None;
        }
        let tail = blob.slice_with_f64_and_f64(end - 4.0, end).ok()?;
        let tail: [u8; 4] = bytes_of(&tail).await.ok()?.try_into().ok()?;
        size += f64::from(u32::from_le_bytes(tail));
    }
    (size <= packed * 16.0 && size <= MAX_UNPACKED_BYTES as f64).then_some(size as usize)
}

/// About how much of a file's text is handed to the compressor at a time.
pub const PIECE: usize = 1 << 20;

/// The export's compressor on a thread of its own (copied into the build
/// by index.html's `copy-dir` of src/web/static).
const GZIP_WORKER: &str = "/static/gzip_worker.js";

/// What the worker says once listening: a worker cached from a version
/// with other messages says something else, and is not used.
const GZIP_WORKER_READY: &str = "ready:members";

/// The mark left (User Timing) when an export is compressed on the page's
/// thread because no worker answered.
pub const COMPRESSED_WITHOUT_WORKER: &str = "export: compressed without the worker";

/// Compressors at work at once: the browser's gzip is the slowest part of
/// an export, and a tablet has at least two cores (the page's thread, which
/// writes the text, takes what they leave).
const WORKERS: usize = 2;

/// The text of one gzip member: each goes to the next worker in turn, so
/// the workers compress neighbouring stretches at once. Small enough that
/// neither waits long for the other at the end; large enough that starting
/// each member afresh costs little (members that do not see the text
/// before them made the whole store's file 0.6 % larger: 17.6 MB, not
/// 17.5).
const MEMBER_BYTES: usize = 4 * PIECE;

/// Pieces handed to one worker and not yet compressed, at most: enough
/// that it never waits for this thread, few enough to hold little (they
/// live in the worker, not in wasm memory).
const PIECES_IN_FLIGHT: usize = 4;

/// How long a piece may take the worker before the export is given up (a
/// megabyte takes it tens of milliseconds).
const WORKER_PATIENCE_MS: i32 = 30_000;

/// A file compressed by the browser (`CompressionStream('gzip')`) a piece
/// at a time as it is written: neither the text nor the compressed file is
/// ever in wasm memory whole, and the text is never whole anywhere. Where
/// workers start (`static/gzip_worker.js`) they compress while this thread
/// writes the next pieces, two stretches at once, each stretch a gzip
/// member whose header says its length (`domain::bundle::gzip`), so an
/// export's writing and compressing overlap instead of adding up.
pub struct Gzip(Compressor);

enum Compressor {
    Workers(Members),
    Here {
        writer: web_sys::WritableStreamDefaultWriter,
        /// The compressed bytes gathering in a blob as they are read.
        packed: Option<js_sys::Promise>,
    },
}

/// The members of a file being compressed by workers.
struct Members {
    workers: Vec<GzipWorker>,
    /// The member being written (its worker: this modulo the workers).
    current: usize,
    /// The text handed over for it so far.
    written: usize,
    /// Each member once its worker has compressed it, in the file's order.
    packed: Vec<Option<web_sys::Blob>>,
    /// Whether the whole file is one member: for an app older than
    /// members of known length (it reads one gzip stream only).
    one_member: bool,
    /// Buffers the workers gave back with the pieces they took, for the
    /// next pieces: a new megabyte buffer for each piece cost the page's
    /// thread more than copying into it (70–90 ms against 8–14 ms per
    /// 95 MB in a probe).
    spare: Vec<js_sys::ArrayBuffer>,
}

struct GzipWorker {
    helper: super::worker::Helper,
    in_flight: usize,
    /// The members this worker was told to finish and has not handed back.
    owed: usize,
}

impl GzipWorker {
    /// Takes the worker's next reply: a piece taken (its buffer given back,
    /// kept in `spare`), or a member finished.
    async fn hear(
        &mut self,
        packed: &mut [Option<web_sys::Blob>],
        spare: &mut Vec<js_sys::ArrayBuffer>,
    ) -> Result<(), FileError> {
        match self.helper.next_reply(WORKER_PATIENCE_MS).await {
            Some(reply) if reply.is_instance_of::<js_sys::ArrayBuffer>() => {
                self.in_flight = self.in_flight.saturating_sub(1);
                spare.push(reply.unchecked_into());
                Ok(())
            }
            Some(reply) if reply.is_object() => {
                let field = |name: &str| js_sys::Reflect::get(&reply, &JsValue::from_str(name));
                let member = field("member").ok().and_then(|m| m.as_f64());
                let blob = field("packed")
                    .ok()
                    .filter(|b| b.is_instance_of::<web_sys::Blob>());
                let slot = member.and_then(|m| packed.get_mut(m as usize));
                match (slot, blob) {
                    (Some(slot @ None), Some(blob)) if self.owed > 0 => {
                        *slot = Some(blob.unchecked_into());
                        self.owed -= 1;
                        Ok(())
                    }
                    _ => Err(stopped(Some(reply))),
                }
            }
            other => Err(stopped(other)),
        }
    }
}

impl Members {
    /// `piece` copied into a buffer the workers gave back where one is
    /// large enough, else into a new one.
    fn copied(&mut self, piece: &[u8]) -> js_sys::Uint8Array {
        let length = piece.len() as u32;
        let buffer = match self.spare.pop() {
            Some(buffer) if buffer.byte_length() >= length => buffer,
            _ => js_sys::ArrayBuffer::new(length.max((PIECE + PIECE / 4) as u32)),
        };
        let view = js_sys::Uint8Array::new_with_byte_offset_and_length(&buffer, 0, length);
        view.copy_from(piece);
        view
    }

    /// Ends the current member: its worker compresses what it has and
    /// hands the member back.
    fn cut(&mut self) {
        let count = self.workers.len();
        let worker = &mut self.workers[self.current % count];
        let number = JsValue::from_f64(self.current as f64);
        worker.helper.post(&number, &js_sys::Array::new());
        worker.owed += 1;
        self.packed.push(None);
        self.current += 1;
        self.written = 0;
    }

    /// The file: each member's header rewritten to say its length (none
    /// rewritten when the file is one member for an older app).
    async fn joined(&self, mime: &str) -> Result<web_sys::Blob, FileError> {
        let refused = |e: JsValue| FileError::NotOffered(js_text(e));
        let parts = js_sys::Array::new();
        for member in &self.packed {
            let member = member.as_ref().ok_or_else(|| stopped(None))?;
            if self.one_member {
                parts.push(member);
                continue;
            }
            let head = bytes_of(&member.slice_with_i32_and_i32(0, 10).map_err(refused)?).await?;
            let header = sized_member_header(&head, member.size() as u64)
                .ok_or_else(|| FileError::NotOffered("not a gzip member".into()))?;
            parts.push(&js_sys::Uint8Array::from(header.as_slice()));
            parts.push(&member.slice_with_i32(10).map_err(refused)?.into());
        }
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options).map_err(refused)
    }
}

impl Gzip {
    /// Compressors on workers' threads where any answer, else one on this
    /// thread (marked `COMPRESSED_WITHOUT_WORKER`). `one_member` makes the
    /// file a single gzip stream, which apps older than members of known
    /// length can read (compressed by one worker at a time).
    pub async fn start(one_member: bool) -> Result<Gzip, FileError> {
        let mut workers = Vec::new();
        let starting: Vec<_> = (0..if one_member { 1 } else { WORKERS })
            .filter_map(|_| super::worker::Helper::start(GZIP_WORKER))
            .collect();
        for helper in starting {
            if helper.ready_as(GZIP_WORKER_READY).await {
                workers.push(GzipWorker {
                    helper,
                    in_flight: 0,
                    owed: 0,
                });
            }
        }
        if !workers.is_empty() {
            return Ok(Gzip(Compressor::Workers(Members {
                workers,
                current: 0,
                written: 0,
                packed: Vec::new(),
                one_member,
                spare: Vec::new(),
            })));
        }
        super::trace::mark(COMPRESSED_WITHOUT_WORKER);
        let failed = |e: JsValue| FileError::NotOffered(js_text(e));
        let deflate = CompressionStream::new("gzip").map_err(failed)?;
        let writer = deflate.writable().get_writer().map_err(failed)?;
        let response = web_sys::Response::new_with_opt_readable_stream(Some(&deflate.readable()))
            .map_err(failed)?;
        let packed = response.blob().map_err(failed)?;
        Ok(Gzip(Compressor::Here {
            writer,
            packed: Some(packed),
        }))
    }

    /// Hands over the next piece (copied out of wasm memory once, then
    /// moved to a worker); returns once the compressor can take another,
    /// so the page answers between pieces.
    pub async fn write(&mut self, piece: &[u8]) -> Result<(), FileError> {
        match &mut self.0 {
            Compressor::Workers(members) => {
                let view = members.copied(piece);
                let count = members.workers.len();
                let worker = &mut members.workers[members.current % count];
                worker
                    .helper
                    .post(&view, &js_sys::Array::of1(&view.buffer()));
                worker.in_flight += 1;
                while worker.in_flight >= PIECES_IN_FLIGHT {
                    worker.hear(&mut members.packed, &mut members.spare).await?;
                }
                members.written += piece.len();
                if !members.one_member && members.written >= MEMBER_BYTES {
                    members.cut();
                }
                Ok(())
            }
            Compressor::Here { writer, .. } => {
                JsFuture::from(writer.write_with_chunk(&js_sys::Uint8Array::from(piece)))
                    .await
                    .map(|_| ())
                    .map_err(|e| FileError::NotOffered(js_text(e)))
            }
        }
    }

    /// The compressed file, of type `mime`, once every piece is in.
    pub async fn finish(mut self, mime: &str) -> Result<web_sys::Blob, FileError> {
        let packed = match &mut self.0 {
            Compressor::Workers(members) => {
                // The last member, or the only one of an empty text.
                if members.written > 0 || members.packed.is_empty() {
                    members.cut();
                }
                for worker in &mut members.workers {
                    while worker.owed > 0 {
                        worker.hear(&mut members.packed, &mut members.spare).await?;
                    }
                }
                return members.joined(mime).await;
            }
            Compressor::Here { writer, packed } => {
                let failed = |e: JsValue| FileError::NotOffered(js_text(e));
                JsFuture::from(writer.close()).await.map_err(failed)?;
                let packed = packed.take().expect("finished once");
                JsFuture::from(packed)
                    .await
                    .map_err(failed)?
                    .unchecked_into()
            }
        };
        typed(&packed, mime).map_err(|e| FileError::NotOffered(js_text(e)))
    }
}

impl Drop for Compressor {
    /// A compressor given up on (a failure on the way) leaves nothing
    /// waiting on its stream; workers stop with their helpers.
    fn drop(&mut self) {
        if let Compressor::Here { writer, packed } = self {
            if let Some(packed) = packed.take() {
                quietly(writer.abort());
                quietly(packed);
            }
        }
    }
}

/// Why the worker's answer was not the one awaited.
fn stopped(reply: Option<JsValue>) -> FileError {
    FileError::NotOffered(reply.map_or_else(|| "the compressor stopped".into(), js_text))
}

/// `blob` with this type (a response's blob has none; the share sheet and
/// download want one).
fn typed(blob: &web_sys::Blob, mime: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(blob);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options)
}

/// The file just chosen in an `<input type="file">`, which is emptied so the
/// same file can be chosen again.
pub fn take_chosen_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

/// A chosen file's text (UTF-8).
pub async fn read_text(file: &web_sys::File) -> Result<String, FileError> {
    String::from_utf8(read_bytes(file).await?).map_err(|_| FileError::NotText)
}

fn blob(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
}

/// Offers a JSON file: the Web Share API with a file where available (tablets),
/// a download otherwise. Returns `true` when it was shared.
pub async fn share_or_download(name: &str, text: &str) -> Result<bool, FileError> {
    offer_file(name, text.as_bytes(), "application/json").await
}

/// Offers any file (a ledger as CSV or XLSX, a bundle) by share sheet or download.
pub async fn offer_file(name: &str, bytes: &[u8], mime: &str) -> Result<bool, FileError> {
    let blob = blob(bytes, mime).map_err(|e| FileError::NotOffered(js_text(e)))?;
    offer_blob(name, &blob, mime).await
}

/// Offers a blob (a compressed sync file) by share sheet or download.
pub async fn offer_blob(name: &str, blob: &web_sys::Blob, mime: &str) -> Result<bool, FileError> {
    let refused = |e: JsValue| FileError::NotOffered(js_text(e));
    let window = web_sys::window().ok_or_else(|| FileError::NotOffered("no window".into()))?;
    if try_share(&window, name, blob, mime).await {
        return Ok(true);
    }
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(refused)?;
    let document = window
        .document()
        .ok_or_else(|| FileError::NotOffered("no document".into()))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(refused)?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(false)
}

/// `navigator.share({files})`, looked up dynamically: not every browser has it.
async fn try_share(window: &web_sys::Window, name: &str, blob: &web_sys::Blob, mime: &str) -> bool {
    let navigator: JsValue = window.navigator().into();
    let get =
        |target: &JsValue, key: &str| js_sys::Reflect::get(target, &JsValue::from_str(key)).ok();
    let (Some(can_share), Some(share)) = (get(&navigator, "canShare"), get(&navigator, "share"))
    else {
        return false;
    };
    let (Some(can_share), Some(share)) = (
        can_share.dyn_ref::<js_sys::Function>(),
        share.dyn_ref::<js_sys::Function>(),
    ) else {
        return false;
    };
    let options = web_sys::FilePropertyBag::new();
    options.set_type(mime);
    let Ok(file) = web_sys::File::new_with_blob_sequence_and_options(
        &js_sys::Array::of1(blob),
        name,
        &options,
    ) else {
        return false;
    };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &data,
        &JsValue::from_str("files"),
        &js_sys::Array::of1(&file),
    );
    if can_share
        .call1(&navigator, &data)
        .ok()
        .and_then(|v| v.as_bool())
        != Some(true)
    {
        return false;
    }
    match share.call1(&navigator, &data) {
        Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await.is_ok(),
        Err(_) => false,
    }
}
