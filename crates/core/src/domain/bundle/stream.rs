//! Reading a sync file from a stream (a file on disk, plain or gzip) so that
//! its text is never held whole: a county's year is 345 MB of text, and the
//! text and its checked events together were most of the command line's
//! memory.
//!
//! One pass over the stream keeps each event's text as a string of its
//! own, the rest of the top level as JSON. Only then can the events be
//! checked, because the checksum is hashed over the file's canonical form,
//! where `attachments` and `chains` come before the events while a file
//! names them after. The [`Validation`] frees each text once its event is
//! checked, so the texts shrink as the events grow, and the two are never
//! both whole (733 MB at most for 200,000 tickets, against 1.05 GB for the
//! text read whole and its events).
//!
//! A file read this way gives the same bundle as [`Bundle::parse`] on its
//! text, and an invalid one is refused for the same reasons (tested), with
//! three differences in the naming: bytes that are not UTF-8 are "not
//! JSON"; an event nested too deep is a bad event (its number named), not
//! a file too deep; after leading white space, a line number counts from
//! the first character that is not.

use super::validate::{bad, too_deep, TopLevel, MAX_DEPTH};
use super::{gzip, Bundle, BundleError, Expected, Validation};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::{self, BufRead, BufReader, Read};

/// Events checked at a time (any number would do: no one is waiting).
const STEP: usize = 4096;

/// Reads and checks the sync file `source` holds (plain or gzip, known by
/// its first bytes, as everywhere). `Err` is a failure to read; `Ok(Err)` a
/// file that is not a valid sync file.
pub fn parse_stream(
    source: impl Read + 'static,
    now: DateTime<Utc>,
) -> io::Result<Result<Bundle, BundleError>> {
    // Not generic below: the JSON reader, which reads a byte at a time, is
    // compiled here, for speed, rather than in the caller's crate (the app's
    // is built for size).
    parse_boxed(Box::new(source), now)
}

fn parse_boxed(
    source: Box<dyn Read>,
    now: DateTime<Utc>,
) -> io::Result<Result<Bundle, BundleError>> {
    let mut text = match text_of(source) {
        Ok(text) => text,
        Err(e) => return read_failure(e),
    };
    match only_white_space(&mut text) {
        Ok(true) => return Ok(Err(BundleError::Empty)),
        Ok(false) => {}
        Err(e) => return read_failure(e),
    }
    let mut stream = serde_json::Deserializer::from_reader(&mut text);
    let top = TopLevel::<Box<RawValue>>::deserialize(&mut stream).and_then(|top| {
        stream.end()?;
        Ok(top)
    });
    let TopLevel { header, events } = match top {
        Ok(top) => top,
        Err(e) => {
            // A damaged gzip stream can unpack to garbage before its check
            // fails at the end: it is named as damaged, not as bad JSON.
            if let Text::Unpacked(rest) = &mut text {
                if let Err(damage) = io::copy(&mut **rest, &mut io::sink()) {
                    return io_or_invalid(serde_json::Error::io(damage));
                }
            }
            return io_or_invalid(e);
        }
    };
    let head = serde_json::to_string(&Value::Object(header)).map_err(io::Error::other)?;
    // Nothing in the header may nest deeper than `Bundle::parse` lets a
    // file nest (the events' own depth is checked as each is added).
    if let Some(line) = too_deep(head.as_bytes(), MAX_DEPTH) {
        return Ok(Err(BundleError::TooDeep { line }));
    }
    // The header is checked first, as `Bundle::parse` does.
    let mut validation = match Validation::start_parts(&head, Vec::<String>::new(), now) {
        Ok(v) => v,
        Err(invalid) => return Ok(Err(invalid)),
    };
    let Some(events) = events else {
        return Ok(Err(bad("events", Expected::EventList)));
    };
    validation.expect(events.len());
    // Each its own text, not copied (a boxed raw value is a boxed `str`).
    let texts = events
        .into_iter()
        .map(|raw| String::from(Box::<str>::from(raw)));
    if let Err(invalid) = validation.add_events(texts.collect::<Vec<_>>()) {
        return Ok(Err(invalid));
    }
    while !match validation.step(STEP) {
        Ok(progress) => progress.is_done(),
        Err(invalid) => return Ok(Err(invalid)),
    } {}
    Ok(validation.finish())
}

/// The file's text from the first byte: un-gzipped when it is compressed,
/// without a byte-order mark. A type of its own rather than a boxed reader:
/// the JSON reader asks for its bytes one at a time.
enum Text<R: Read> {
    Plain(BufReader<R>),
    Unpacked(Box<BufReader<Unpacking<BufReader<R>>>>),
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        match self {
            Text::Plain(text) => text.read(into),
            Text::Unpacked(text) => text.read(into),
        }
    }
}

/// A gzip stream being unpacked, at most `gzip::MAX_UNPACKED_BYTES`: a
/// damaged stream fails as `InvalidData`, one that unpacks past the bound
/// as `FileTooLarge` (`io_or_invalid` names both in the person's words).
struct Unpacking<R: Read> {
    gzip: flate2::read::MultiGzDecoder<R>,
    unpacked: u64,
}

impl<R: Read> Read for Unpacking<R> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        let n = self
            .gzip
            .read(into)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        self.unpacked += n as u64;
        if self.unpacked > gzip::MAX_UNPACKED_BYTES {
            return Err(io::ErrorKind::FileTooLarge.into());
        }
        Ok(n)
    }
}

impl<R: Read> BufRead for Text<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Text::Plain(text) => text.fill_buf(),
            Text::Unpacked(text) => text.fill_buf(),
        }
    }
    fn consume(&mut self, n: usize) {
        match self {
            Text::Plain(text) => text.consume(n),
            Text::Unpacked(text) => text.consume(n),
        }
    }
}

/// Skips the white space the text starts with; whether that was all of it
/// (an empty file, as `Bundle::parse` names it).
fn only_white_space(text: &mut impl BufRead) -> io::Result<bool> {
    loop {
        let buffer = text.fill_buf()?;
        if buffer.is_empty() {
            return Ok(true);
        }
        let blank = buffer
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let rest = blank < buffer.len();
        text.consume(blank);
        if rest {
            return Ok(false);
        }
    }
}

fn text_of<R: Read>(source: R) -> io::Result<Text<R>> {
    fn without_mark<B: BufRead>(mut text: B) -> io::Result<B> {
        if text.fill_buf()?.starts_with("\u{feff}".as_bytes()) {
            text.consume(3);
        }
        Ok(text)
    }
    let mut buffered = BufReader::with_capacity(1 << 16, source);
    Ok(if gzip::looks_gzip(buffered.fill_buf()?) {
        let unpacking = Unpacking {
            gzip: flate2::read::MultiGzDecoder::new(buffered),
            unpacked: 0,
        };
        Text::Unpacked(Box::new(without_mark(BufReader::with_capacity(
            1 << 16,
            unpacking,
        ))?))
    } else {
        Text::Plain(without_mark(buffered)?)
    })
}

/// A failure to read: a damaged gzip stream, or one that unpacks past the
/// bound (see `Unpacking`), is the file's fault and named in the person's
/// words; anything else is the reading's.
fn read_failure(e: io::Error) -> io::Result<Result<Bundle, BundleError>> {
    match e.kind() {
        io::ErrorKind::InvalidData => Ok(Err(BundleError::CompressedDamaged)),
        io::ErrorKind::FileTooLarge => Ok(Err(BundleError::CompressedTooLarge)),
        _ => Err(e),
    }
}

/// A failure of the JSON reader: a read that failed, or a text that is not
/// a JSON object, in the words `Bundle::parse` uses.
fn io_or_invalid(e: serde_json::Error) -> io::Result<Result<Bundle, BundleError>> {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => read_failure(e.into()),
        Category::Data => Ok(Err(BundleError::NotObject)),
        _ => Ok(Err(BundleError::NotJson {
            line: e.line(),
            column: e.column(),
        })),
    }
}
