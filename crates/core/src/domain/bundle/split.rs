//! Finding a sync file's parts in its bytes as they arrive, so that a page
//! can check a file without holding its text whole: the top level's other
//! members (as JSON text) and each event's text.
//!
//! A file's checksum is hashed over its canonical form, where the
//! attachments and chains come before the events, while a file names them
//! after. So a page reads a file twice: once for its top level
//! ([`Splitter::for_top_level`], the events only counted), then again for
//! its events ([`Splitter::for_events`]), each checked as it comes and its
//! text freed. Only the structure is followed here (strings, nesting,
//! commas); the parts are read by the JSON parser afterwards, which refuses
//! what is not JSON. Anything unusual (no events list, a second one, text
//! that is not UTF-8, bytes after the end) is [`Unsplittable`]: the caller
//! then reads the file whole, which names the problem as it always has.

use super::validate::{too_deep, MAX_DEPTH};
use super::{BundleError, Validation};
use chrono::{DateTime, Utc};

/// The file cannot be split here; read it whole to learn why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsplittable;

/// Follows a file's structure a piece at a time.
pub struct Splitter {
    state: State,
    /// Nesting inside the current value.
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Whether the current value has begun (anything but white space).
    filled: bool,
    /// Whether the member being read is the events list.
    key: Vec<u8>,
    /// The top level without the events, when kept.
    top: Option<Vec<u8>>,
    /// The event being read, when events are kept.
    event: Option<Vec<u8>>,
    found: Vec<String>,
    /// Bytes followed so far.
    position: usize,
    /// Bytes of a byte-order mark read at the start.
    marked: usize,
    events: usize,
    seen_events: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the top level's `{` (a byte-order mark, white space).
    Start,
    /// Inside the top level, before a key or its closing `}`.
    BeforeKey,
    Key,
    AfterKey,
    BeforeValue,
    /// A member's value other than the events.
    Value,
    AfterValue,
    /// Inside the events list, before an event or the closing `]`.
    BeforeEvent,
    Event,
    /// After the top level: white space only.
    End,
}

const MARK: &[u8] = "\u{feff}".as_bytes();

impl Splitter {
    /// Keeps the top level without the events, and counts the events.
    pub fn for_top_level() -> Splitter {
        Splitter::new(true, false)
    }

    /// Keeps each event's text (see [`Splitter::take_events`]).
    pub fn for_events() -> Splitter {
        Splitter::new(false, true)
    }

    fn new(top: bool, events: bool) -> Splitter {
        Splitter {
            state: State::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            filled: false,
            key: Vec::new(),
            top: top.then(Vec::new),
            event: events.then(Vec::new),
            found: Vec::new(),
            position: 0,
            marked: 0,
            events: 0,
            seen_events: false,
        }
    }

    /// Whether the events list has closed: nothing after it is an event.
    pub fn past_events(&self) -> bool {
        self.seen_events && !matches!(self.state, State::BeforeEvent | State::Event)
    }

    /// The texts of the events found since the last call.
    pub fn take_events(&mut self) -> Vec<String> {
        std::mem::take(&mut self.found)
    }

    /// Follows the next bytes of the file.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), Unsplittable> {
        let mut at = 0;
        while at < bytes.len() {
            let from = at;
            if matches!(self.state, State::Value | State::Event) {
                at = self.through_value(bytes, at)?;
            } else if self.step(bytes[at])? {
                at += 1;
            }
            self.position += at - from;
        }
        Ok(())
    }

    /// Follows a value from `at` until it ends or the bytes do; returns
    /// where it stopped. Most of a file is text inside strings: that is
    /// skipped to the next quote or backslash at once; outside strings only
    /// the nesting is followed, and what was read is kept in one copy.
    fn through_value(&mut self, bytes: &[u8], mut at: usize) -> Result<usize, Unsplittable> {
        let event = self.state == State::Event;
        let from = at;
        while at < bytes.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    at += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &bytes[at..]) {
                    None => at = bytes.len(),
                    Some(plain) => {
                        at += plain;
                        if bytes[at] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                        }
                        at += 1;
                    }
                }
                continue;
            }
            let byte = bytes[at];
            match byte {
                b'"' => {
                    self.in_string = true;
                    self.filled = true;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.filled = true;
                }
                b'}' | b']' | b',' if self.depth == 0 => {
                    self.keep_value(event, &bytes[from..at]);
                    // A value that ends before it began (`[1,,2]`, `"a":,`).
                    if !self.filled {
                        return Err(Unsplittable);
                    }
                    if event {
                        self.end_event(byte)?;
                    } else {
                        self.end_value(byte)?;
                    }
                    return Ok(at + 1);
                }
                b'}' | b']' => self.depth -= 1,
                b' ' | b'\t' | b'\n' | b'\r' => {}
                _ => self.filled = true,
            }
            at += 1;
        }
        self.keep_value(event, &bytes[from..at]);
        Ok(at)
    }

    fn keep_value(&mut self, event: bool, bytes: &[u8]) {
        if !event {
            self.keep_top(bytes);
        } else if let Some(text) = &mut self.event {
            text.extend_from_slice(bytes);
        }
    }

    /// Follows one byte outside any member's value; whether it was taken
    /// (the first byte of a value is left to `through_value`).
    fn step(&mut self, byte: u8) -> Result<bool, Unsplittable> {
        let blank = matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            State::Start | State::End if blank => {}
            // A byte-order mark, where a file may begin with one: whole.
            State::Start
                if self.marked == self.position && MARK.get(self.position) == Some(&byte) =>
            {
                self.marked += 1;
            }
            State::Start if byte == b'{' && (self.marked == 0 || self.marked == MARK.len()) => {
                self.keep_top(b"{");
                self.state = State::BeforeKey;
            }
            State::BeforeKey
            | State::AfterKey
            | State::BeforeValue
            | State::AfterValue
            | State::BeforeEvent
                if blank => {}
            State::BeforeKey if byte == b'"' => {
                self.key.clear();
                self.state = State::Key;
            }
            State::BeforeKey if byte == b'}' && !self.top_has_member() => self.close(),
            State::Key => {
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.state = State::AfterKey;
                    return Ok(true);
                }
                self.key.push(byte);
            }
            State::AfterKey if byte == b':' => self.state = State::BeforeValue,
            State::BeforeValue if self.key == b"events" => {
                if byte != b'[' || self.seen_events {
                    return Err(Unsplittable);
                }
                self.seen_events = true;
                self.state = State::BeforeEvent;
            }
            State::BeforeValue => {
                if self.top_has_member() {
                    self.keep_top(b",");
                }
                let key = std::mem::take(&mut self.key);
                self.keep_top(b"\"");
                self.keep_top(&key);
                self.keep_top(b"\":");
                self.key = key;
                self.begin_value(State::Value);
                return Ok(false);
            }
            State::AfterValue if byte == b',' => self.state = State::BeforeKey,
            State::AfterValue if byte == b'}' => self.close(),
            State::BeforeEvent if byte == b']' && self.events == 0 => {
                self.state = State::AfterValue;
            }
            State::BeforeEvent => {
                self.begin_value(State::Event);
                return Ok(false);
            }
            _ => return Err(Unsplittable),
        }
        Ok(true)
    }

    fn begin_value(&mut self, state: State) {
        self.state = state;
        self.depth = 0;
        self.filled = false;
    }

    /// A member's value ended with `byte`.
    fn end_value(&mut self, byte: u8) -> Result<(), Unsplittable> {
        match byte {
            b',' => self.state = State::BeforeKey,
            b'}' => self.close(),
            _ => return Err(Unsplittable),
        }
        Ok(())
    }

    /// An event ended with `byte`.
    fn end_event(&mut self, byte: u8) -> Result<(), Unsplittable> {
        match byte {
            b',' => self.state = State::BeforeEvent,
            b']' => self.state = State::AfterValue,
            _ => return Err(Unsplittable),
        }
        self.events += 1;
        if let Some(event) = &mut self.event {
            let text = std::mem::take(event);
            let mut text = String::from_utf8(text).map_err(|_| Unsplittable)?;
            // JSON's white space only: anything else there is not JSON.
            text.truncate(text.trim_end_matches([' ', '\t', '\n', '\r']).len());
            self.found.push(text);
        }
        Ok(())
    }

    fn close(&mut self) {
        self.keep_top(b"}");
        self.state = State::End;
    }

    fn keep_top(&mut self, bytes: &[u8]) {
        if let Some(top) = &mut self.top {
            top.extend_from_slice(bytes);
        }
    }

    fn top_has_member(&self) -> bool {
        self.top.as_ref().is_some_and(|top| top.len() > 1)
    }

    /// The top level without the events, once the whole file was fed; and
    /// how many events it has.
    pub fn finish(self) -> Result<(String, usize), Unsplittable> {
        if self.state != State::End || !self.seen_events {
            return Err(Unsplittable);
        }
        let top = String::from_utf8(self.top.unwrap_or_default()).map_err(|_| Unsplittable)?;
        Ok((top, self.events))
    }
}

/// A validation of a file whose top level (without the events) is `top`, as
/// a [`Splitter`] found it; its events are added as they are read
/// ([`Validation::add_events`]).
pub fn start_split<'a>(top: &str, now: DateTime<Utc>) -> Result<Validation<'a>, BundleError> {
    if let Some(line) = too_deep(top.as_bytes(), MAX_DEPTH) {
        return Err(BundleError::TooDeep { line });
    }
    Validation::start_parts(top, Vec::<String>::new(), now)
}
