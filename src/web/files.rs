//! Files in and out: reading a chosen file's bytes (unpacking a compressed
//! one with the browser's own `DecompressionStream`), compressing an export
//! with `CompressionStream`, and handing it to the share sheet where the
//! device has one, or downloading it otherwise.

use crate::domain::bundle::gzip::{looks_gzip, MAX_UNPACKED_BYTES};
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
    Unpacking(web_sys::ReadableStreamDefaultReader),
}

/// The bytes of a plain file read at a time.
const SLICE_BYTES: f64 = 4_194_304.0;

impl TextPieces {
    pub async fn open(file: &web_sys::File) -> Result<TextPieces, UnpackError> {
        let unreadable = |e: JsValue| UnpackError::Unreadable(FileError::Unreadable(js_text(e)));
        let head = file.slice_with_i32_and_i32(0, 3).map_err(unreadable)?;
        let head = bytes_of(&head).await.map_err(UnpackError::Unreadable)?;
        let source = if looks_gzip(&head) {
            let inflate = DecompressionStream::new("gzip").map_err(unreadable)?;
            let pair = web_sys::ReadableWritablePair::new(&inflate.readable(), &inflate.writable());
            let stream = file.stream().pipe_through(&pair);
            Source::Unpacking(
                web_sys::ReadableStreamDefaultReader::new(&stream).map_err(unreadable)?,
            )
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
            Source::Unpacking(reader) => {
                let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
                    .await
                    .map_err(|_| UnpackError::Refused(BundleError::CompressedDamaged))?
                    .unchecked_into();
                if chunk.get_done() == Some(true) {
                    return Ok(None);
                }
                let bytes: js_sys::Uint8Array = chunk.get_value().unchecked_into();
                self.read += u64::from(bytes.length());
                if self.read > MAX_UNPACKED_BYTES {
                    let _ = reader.cancel();
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

impl Drop for TextPieces {
    fn drop(&mut self) {
        // Stops unpacking a file left half-way (a stream that failed
        // refuses to be cancelled: said to no one).
        if let Source::Unpacking(reader) = &self.source {
            quietly(reader.cancel());
        }
    }
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

/// A gzip blob unpacked through `DecompressionStream`, chunk by chunk, and
/// refused once past what any sync file holds. A stream that fails (cut
/// short, a changed byte caught by the CRC) is a damaged file.
async fn gunzip(blob: &web_sys::Blob) -> Result<Vec<u8>, BundleError> {
    let damaged = |_| BundleError::CompressedDamaged;
    let inflate = DecompressionStream::new("gzip").map_err(damaged)?;
    let pair = web_sys::ReadableWritablePair::new(&inflate.readable(), &inflate.writable());
    let reader = web_sys::ReadableStreamDefaultReader::new(&blob.stream().pipe_through(&pair))
        .map_err(damaged)?;
    let mut unpacked = Vec::new();
    // Room for the whole text at once, where the trailer says its size:
    // growing by doubling would hold up to twice the text while it copies.
    if let Some(size) = unpacked_size_hint(blob).await {
        let _ = unpacked.try_reserve_exact(size);
    }
    loop {
        let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(damaged)?
            .unchecked_into();
        if chunk.get_done() == Some(true) {
            return Ok(unpacked);
        }
        let bytes: js_sys::Uint8Array = chunk.get_value().unchecked_into();
        if (unpacked.len() + bytes.length() as usize) as u64 > MAX_UNPACKED_BYTES {
            let _ = reader.cancel();
            return Err(BundleError::CompressedTooLarge);
        }
        let at = unpacked.len();
        unpacked.resize(at + bytes.length() as usize, 0);
        bytes.copy_to(&mut unpacked[at..]);
    }
}

/// The text's size as a gzip file's trailer gives it (ISIZE, RFC 1952: the
/// last four bytes, little-endian, the size of its last member modulo
/// 2^32). Only a hint: trusted up to 16 times the file's size, which no
/// sync file reaches (they pack about 5 to 1), so a file that lies about
/// it cannot make the page reserve much.
async fn unpacked_size_hint(blob: &web_sys::Blob) -> Option<usize> {
    let packed = blob.size();
    if packed < 18.0 {
        return None;
    }
    let tail = blob.slice_with_f64_and_f64(packed - 4.0, packed).ok()?;
    let tail: [u8; 4] = bytes_of(&tail).await.ok()?.try_into().ok()?;
    let size = f64::from(u32::from_le_bytes(tail));
    (size <= packed * 16.0 && size <= MAX_UNPACKED_BYTES as f64).then_some(size as usize)
}

/// About how much of a file's text is handed to the compressor at a time.
pub const PIECE: usize = 1 << 20;

/// The export's compressor on a thread of its own (copied into the build
/// by index.html's `copy-dir` of src/web/static).
const GZIP_WORKER: &str = "/static/gzip_worker.js";

/// The mark left (User Timing) when an export is compressed on the page's
/// thread because no worker answered.
pub const COMPRESSED_WITHOUT_WORKER: &str = "export: compressed without the worker";

/// Pieces handed to the worker and not yet compressed, at most: enough
/// that it never waits for this thread, few enough to hold little (they
/// live in the worker, not in wasm memory).
const PIECES_IN_FLIGHT: usize = 4;

/// How long a piece may take the worker before the export is given up (a
/// megabyte takes it tens of milliseconds).
const WORKER_PATIENCE_MS: i32 = 30_000;

/// A file compressed by the browser (`CompressionStream('gzip')`) a piece
/// at a time as it is written: neither the text nor the compressed file is
/// ever in wasm memory whole, and the text is never whole anywhere. Where a
/// worker starts (`static/gzip_worker.js`) it compresses while this thread
/// writes the next pieces, so an export's writing and compressing overlap
/// on two cores instead of adding up.
pub struct Gzip(Compressor);

enum Compressor {
    Worker {
        helper: super::worker::Helper,
        in_flight: usize,
    },
    Here {
        writer: web_sys::WritableStreamDefaultWriter,
        /// The compressed bytes gathering in a blob as they are read.
        packed: Option<js_sys::Promise>,
    },
}

impl Gzip {
    /// A compressor on a worker's thread where one answers, else on this
    /// one (marked `COMPRESSED_WITHOUT_WORKER`).
    pub async fn start() -> Result<Gzip, FileError> {
        if let Some(helper) = super::worker::Helper::start(GZIP_WORKER) {
            if helper.ready().await {
                return Ok(Gzip(Compressor::Worker {
                    helper,
                    in_flight: 0,
                }));
            }
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

    /// Hands over the next piece (moved, not copied, to a worker); returns
    /// once the compressor can take another, so the page answers between
    /// pieces.
    pub async fn write(&mut self, piece: js_sys::Uint8Array) -> Result<(), FileError> {
        match &mut self.0 {
            Compressor::Worker { helper, in_flight } => {
                let buffer = piece.buffer();
                helper.post(&buffer, &js_sys::Array::of1(&buffer));
                *in_flight += 1;
                while *in_flight >= PIECES_IN_FLIGHT {
                    match helper.next_reply(WORKER_PATIENCE_MS).await {
                        Some(reply) if taken(&reply) => *in_flight -= 1,
                        other => return Err(stopped(other)),
                    }
                }
                Ok(())
            }
            Compressor::Here { writer, .. } => JsFuture::from(writer.write_with_chunk(&piece))
                .await
                .map(|_| ())
                .map_err(|e| FileError::NotOffered(js_text(e))),
        }
    }

    /// The compressed file, of type `mime`, once every piece is in.
    pub async fn finish(mut self, mime: &str) -> Result<web_sys::Blob, FileError> {
        let packed = match &mut self.0 {
            Compressor::Worker { helper, .. } => {
                helper.post(&JsValue::NULL, &js_sys::Array::new());
                loop {
                    match helper.next_reply(WORKER_PATIENCE_MS).await {
                        Some(reply) if taken(&reply) => continue,
                        Some(reply) if reply.is_instance_of::<web_sys::Blob>() => {
                            break reply.unchecked_into::<web_sys::Blob>();
                        }
                        other => return Err(stopped(other)),
                    }
                }
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
    /// waiting on its stream; a worker stops with its helper.
    fn drop(&mut self) {
        if let Compressor::Here { writer, packed } = self {
            if let Some(packed) = packed.take() {
                quietly(writer.abort());
                quietly(packed);
            }
        }
    }
}

/// Whether the worker's reply says it compressed a piece.
fn taken(reply: &JsValue) -> bool {
    reply.as_string().as_deref() == Some("taken")
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
