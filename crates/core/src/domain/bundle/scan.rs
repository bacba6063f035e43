//! The canonical form of an event from its text, without a JSON tree, for
//! events written exactly as this app writes them; `serde_json::Value` for
//! everything else.

use super::checksum::Sink;
use crate::domain::event::Event;
use crate::domain::shared_str::SharedStr;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Writes the canonical JSON of `value` into `checksum` and, in the same
/// pass, returns the content id of `value` without its "id" key: for an
/// event as written, the id it must carry.
pub(super) fn hash_canonical(
    value: &Value,
    checksum: &mut impl Sink,
    scratch: &mut Vec<u8>,
) -> Option<String> {
    let Value::Object(map) = value else {
        scratch.clear();
        write(scratch, value);
        checksum.feed(&scratch[..]);
        return None;
    };
    let mut id = Sha256::new();
    checksum.feed(b"{");
    id.update(b"{");
    let mut first_in_id = true;
    for (i, (key, item)) in map.iter().enumerate() {
        scratch.clear();
        write(scratch, key);
        scratch.push(b':');
        write(scratch, item);
        if i > 0 {
            checksum.feed(b",");
        }
        checksum.feed(&scratch[..]);
        if key != "id" {
            if !first_in_id {
                id.update(b",");
            }
            id.update(&scratch[..]);
            first_in_id = false;
        }
    }
    checksum.feed(b"}");
    id.update(b"}");
    Some(format!("sha256:{:x}", id.finalize()))
}

/// The canonical form of an event's text, built from the text itself: object
/// keys sorted at every level, every other value copied as written (which is
/// canonical only for text this app wrote; the caller checks that). Returns
/// where the top-level `"id"` member (with one comma) is in `out`, so the id
/// can be hashed without it, and the id, if the text has one (a file of
/// version 3 leaves ids out). `None` for anything unusual (whitespace,
/// escaped keys, an id that is not plain text), which then goes through a
/// JSON tree instead.
pub(super) fn own_canonical<'t>(text: &'t [u8], out: &mut Vec<u8>) -> Option<OwnForm<'t>> {
    let scanner = Scanner { text };
    let mut members = Vec::with_capacity(16);
    scanner.members(0..text.len(), &mut members)?;
    let count = members.len();
    let mut id = None;
    out.clear();
    scanner.emit_object(&members, out, &mut Vec::new(), |i, member, out, at| {
        if &text[member.key.clone()] != b"id" {
            return Some(());
        }
        let plain = text[member.value.clone()]
            .strip_prefix(b"\"")?
            .strip_suffix(b"\"")?;
        // The only text taken out: the rest is hashed as bytes.
        let plain = std::str::from_utf8(plain).ok()?;
        if plain.contains('\\') {
            return None;
        }
        // With the comma before it, or the one after it when it comes first.
        let range = if i > 0 {
            at - 1..out.len()
        } else if count > 1 {
            at..out.len() + 1
        } else {
            at..out.len()
        };
        id = Some((range, plain));
        Some(())
    })?;
    Some(OwnForm { id, members })
}

/// Appends an event to `out` as [`write_event`] writes it and puts its
/// canonical form in `canonical`, without reading the text back: the
/// writer notes where each object's members start and end as it writes
/// them. Scanning the text again was a quarter of an export's time on the
/// page. `None` (with the event written all the same) where a key would
/// need escapes; the caller then scans the text.
pub(super) fn write_event_canonical(
    out: &mut Vec<u8>,
    event: &Event,
    with_id: bool,
    canonical: &mut Vec<u8>,
    work: &mut CanonicalWork,
) -> Option<()> {
    if with_id {
        write_canonical(out, event, canonical, work)
    } else {
        write_canonical(out, &WithoutId(event), canonical, work)
    }
}

/// Appends `value` as compact JSON to `out` and puts its canonical form in
/// `canonical`, as [`write_event_canonical`] does for an event.
pub(super) fn write_canonical<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    canonical: &mut Vec<u8>,
    work: &mut CanonicalWork,
) -> Option<()> {
    let start = out.len();
    let at = std::cell::Cell::new(0);
    let mut writer = Counting {
        out: &mut *out,
        start,
        at: &at,
    };
    work.used = 0;
    work.open.clear();
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut writer,
        Recording {
            at: &at,
            work: &mut *work,
        },
    );
    value
        .serialize(&mut serializer)
        .expect("JSON values always serialise");
    let text = &out[start..];
    let objects = &mut work.objects[..work.used];
    for object in objects.iter_mut() {
        for member in object.members.iter_mut() {
            if text[member.key.clone()].contains(&b'\\') {
                return None;
            }
            member.rank = Member::rank_of(&text[member.key.clone()]);
        }
        sort_members(&mut object.members, text);
    }
    canonical.clear();
    let noted = Noted { text, objects };
    noted.emit(0..text.len(), canonical, &mut work.spare)
}

/// Lists kept from one event to the next by [`write_event_canonical`].
#[derive(Default)]
pub(super) struct CanonicalWork {
    /// The event's objects in the order they open; the first `used` are
    /// this event's (the rest keep their room for the next).
    objects: Vec<NotedObject>,
    used: usize,
    /// The objects open where the writer is, innermost last.
    open: Vec<usize>,
    spare: Vec<Vec<Member>>,
}

/// An object as the writer wrote it: where it starts, and its members.
#[derive(Default)]
struct NotedObject {
    start: usize,
    members: Vec<Member>,
    /// The member being written: its key, and where its value starts.
    key: std::ops::Range<usize>,
    value_start: usize,
}

/// An event's text with the objects noted while it was written.
struct Noted<'t, 'o> {
    text: &'t [u8],
    objects: &'o [NotedObject],
}

impl Noted<'_, '_> {
    /// Appends the canonical form of the value that is exactly `range`:
    /// objects from their notes, lists of plain values as written, and a
    /// list holding objects (no kind of event has one today) through the
    /// scanner.
    fn emit(
        &self,
        range: std::ops::Range<usize>,
        out: &mut Vec<u8>,
        spare: &mut Vec<Vec<Member>>,
    ) -> Option<()> {
        let text = self.text;
        match text.get(range.start)? {
            b'{' => {
                let at = self
                    .objects
                    .binary_search_by_key(&range.start, |o| o.start)
                    .ok()?;
                out.push(b'{');
                for (i, member) in self.objects[at].members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    member.put_key(text, out);
                    self.emit(member.value.clone(), out, spare)?;
                }
                out.push(b'}');
            }
            b'[' => {
                let first_after = self.objects.partition_point(|o| o.start < range.start);
                let holds_object = self
                    .objects
                    .get(first_after)
                    .is_some_and(|o| o.start < range.end);
                if holds_object {
                    Scanner { text }.emit(range, out, spare)?;
                } else {
                    out.extend_from_slice(&text[range]);
                }
            }
            _ => out.extend_from_slice(&text[range]),
        }
        Some(())
    }
}

/// A writer that keeps count of what it appended since `start`, for
/// [`Recording`] to read.
struct Counting<'o, 'c> {
    out: &'o mut Vec<u8>,
    start: usize,
    at: &'c std::cell::Cell<usize>,
}

impl std::io::Write for Counting<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.extend_from_slice(bytes);
        self.at.set(self.out.len() - self.start);
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// serde_json's compact layout (the trait's defaults, written out where a
/// method also records), noting each object's members as they are written:
/// a key without its quotes, and a value.
struct Recording<'c, 'w> {
    at: &'c std::cell::Cell<usize>,
    work: &'w mut CanonicalWork,
}

impl Recording<'_, '_> {
    /// The innermost open object, if the innermost open value is one.
    fn object(&mut self) -> Option<&mut NotedObject> {
        let at = *self.work.open.last()?;
        // A list is `LIST`, past every object.
        self.work.objects.get_mut(at)
    }
}

/// An open list, on the stack of open values.
const LIST: usize = usize::MAX;

impl serde_json::ser::Formatter for Recording<'_, '_> {
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        let work = &mut *self.work;
        if work.used == work.objects.len() {
            work.objects.push(NotedObject::default());
        }
        let object = &mut work.objects[work.used];
        object.start = self.at.get();
        object.members.clear();
        work.open.push(work.used);
        work.used += 1;
        writer.write_all(b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.work.open.pop();
        writer.write_all(b"}")
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.work.open.push(LIST);
        writer.write_all(b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.work.open.pop();
        writer.write_all(b"]")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        let at = self.at.get();
        if let Some(object) = self.object() {
            // Past the opening quote, which comes next.
            object.key.start = at + 1;
        }
        Ok(())
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        let at = self.at.get();
        if let Some(object) = self.object() {
            object.key.end = at - 1;
        }
        Ok(())
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b":")?;
        let at = self.at.get();
        if let Some(object) = self.object() {
            object.value_start = at;
        }
        Ok(())
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        let at = self.at.get();
        if let Some(object) = self.object() {
            let member = Member {
                key: object.key.clone(),
                value: object.value_start..at,
                rank: 0,
            };
            object.members.push(member);
        }
        Ok(())
    }
}

/// An event's text in this app's own layout, as `own_canonical` found it.
pub(super) struct OwnForm<'t> {
    /// Where the `"id"` member is in the canonical form (with one comma),
    /// and the id; `None` where the text leaves its id out.
    pub(super) id: Option<(std::ops::Range<usize>, &'t str)>,
    /// The text's top-level members, sorted by key.
    pub(super) members: Vec<Member>,
}

/// Reads an event in the app's own layout by re-laying its members in the
/// store's nested layout (`segment::decode_event`), which serde reads without
/// buffering every field of the flattened body first. `None` if it does not
/// read; the caller then checks that the event writes back to exactly `text`.
/// `derived_id` is the id of a text that leaves it out.
pub(super) fn read_own_form(
    text: &str,
    members: &[Member],
    derived_id: Option<&str>,
    buffer: &mut Vec<u8>,
) -> Option<Event> {
    const HEADER: [&[u8]; 8] = [
        b"author", b"at", b"device", b"hlc", b"id", b"parents", b"seq", b"ticket",
    ];
    let text = text.as_bytes();
    let is_header = |m: &&Member| HEADER.contains(&&text[m.key.clone()]);
    let put = |buffer: &mut Vec<u8>, m: &Member| {
        m.put_key(text, buffer);
        buffer.extend_from_slice(&text[m.value.clone()]);
    };
    buffer.clear();
    buffer.push(b'{');
    if let Some(id) = derived_id {
        // A derived id is `sha256:` and hex: nothing to escape.
        buffer.extend_from_slice(b"\"id\":\"");
        buffer.extend_from_slice(id.as_bytes());
        buffer.extend_from_slice(b"\",");
    }
    for m in members.iter().filter(is_header) {
        put(buffer, m);
        buffer.push(b',');
    }
    buffer.extend_from_slice(b"\"body\":{");
    for (i, m) in members.iter().filter(|m| !is_header(m)).enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        put(buffer, m);
    }
    buffer.extend_from_slice(b"}}");
    crate::domain::segment::decode_event(buffer).ok()
}

/// Where one member of an object is in the text: its key without the quotes,
/// and its value.
pub(super) struct Member {
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
    /// The key's first eight bytes as a big-endian number (zeros after a
    /// shorter key): most keys differ there, so sorting seldom compares more.
    /// Ranks order keys as their bytes do, except that a key and its
    /// extension by zero bytes rank equal; equal ranks compare whole keys.
    rank: u64,
}

impl Member {
    fn new(text: &[u8], key: std::ops::Range<usize>, value: std::ops::Range<usize>) -> Self {
        let rank = Member::rank_of(&text[key.clone()]);
        Member { key, value, rank }
    }

    fn rank_of(key: &[u8]) -> u64 {
        let mut head = [0u8; 8];
        let n = key.len().min(8);
        head[..n].copy_from_slice(&key[..n]);
        u64::from_be_bytes(head)
    }

    /// Appends `"key":`, the key as the text has it.
    fn put_key(&self, text: &[u8], out: &mut Vec<u8>) {
        out.push(b'"');
        out.extend_from_slice(&text[self.key.clone()]);
        out.extend_from_slice(b"\":");
    }

    /// Whether this member's key sorts before `other`'s (as bytes).
    fn before(&self, other: &Member, text: &[u8]) -> bool {
        match self.rank.cmp(&other.rank) {
            std::cmp::Ordering::Equal => text[self.key.clone()] < text[other.key.clone()],
            order => order.is_lt(),
        }
    }
}

/// Sorts an object's members by key. An event's objects have a dozen
/// members or so, which an insertion sort orders fastest (the ranks settle
/// nearly every comparison); an imported file may hold an object of any
/// size, so a larger one gets a sort that cannot take quadratic time. Both
/// are stable, so repeated keys keep one order either way.
fn sort_members(members: &mut [Member], text: &[u8]) {
    const FEW: usize = 32;
    if members.len() > FEW {
        members.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| text[a.key.clone()].cmp(&text[b.key.clone()]))
        });
        return;
    }
    for i in 1..members.len() {
        let mut j = i;
        while j > 0 && members[j].before(&members[j - 1], text) {
            members.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// The device and sequence number an event in the app's own layout names
/// (`members` as `own_canonical` found them); `None` for a device written
/// with escapes or a sequence number that is not a plain whole number.
pub(super) fn device_and_seq<'t>(text: &'t str, members: &[Member]) -> Option<(&'t str, u64)> {
    let value = |key: &[u8]| {
        let at = members
            .binary_search_by(|m| text.as_bytes()[m.key.clone()].cmp(key))
            .ok()?;
        text.get(members[at].value.clone())
    };
    let device = value(b"device")?.strip_prefix('"')?.strip_suffix('"')?;
    if device.contains('\\') {
        return None;
    }
    let seq = value(b"seq")?;
    if !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((device, seq.parse().ok()?))
}

/// Reads compact JSON text that is already known to be valid (each event is
/// parsed once before) by its bytes alone: this runs for every event of every
/// file imported, and a JSON parser building maps was a sixth of validation.
/// Anything but compact JSON with plain keys gives `None`.
pub(super) struct Scanner<'t> {
    text: &'t [u8],
}

impl Scanner<'_> {
    /// Just past the string starting at `at`. The loop looks for the two
    /// bytes that matter: most of an event is the text inside its strings.
    fn string_end(&self, at: usize) -> Option<usize> {
        if self.text.get(at)? != &b'"' {
            return None;
        }
        let mut i = at + 1;
        loop {
            let stop = self
                .text
                .get(i..)?
                .iter()
                .position(|&b| b == b'"' || b == b'\\')?;
            i += stop;
            if self.text[i] == b'"' {
                return Some(i + 1);
            }
            i += 2;
        }
    }

    /// Just past the value starting at `at`.
    fn value_end(&self, at: usize) -> Option<usize> {
        let text = self.text;
        match text.get(at)? {
            b'"' => self.string_end(at),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut i = at;
                while i < text.len() {
                    match text[i] {
                        b'"' => {
                            i = self.string_end(i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let rest = &text[at..];
                let len = rest
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))
                    .unwrap_or(rest.len());
                (len > 0).then_some(at + len)
            }
        }
    }

    /// Fills `members` with the members of the object that is exactly
    /// `range`, sorted by key.
    fn members(&self, range: std::ops::Range<usize>, members: &mut Vec<Member>) -> Option<()> {
        let text = self.text;
        members.clear();
        if text.get(range.start)? != &b'{' || range.end < range.start + 2 {
            return None;
        }
        let mut at = range.start + 1;
        if text.get(at)? == &b'}' {
            return (at + 1 == range.end).then_some(());
        }
        loop {
            let key_end = self.string_end(at)?;
            let key = at + 1..key_end - 1;
            if text[key.clone()].contains(&b'\\') || text.get(key_end)? != &b':' {
                return None;
            }
            let value_end = self.value_end(key_end + 1)?;
            members.push(Member::new(text, key, key_end + 1..value_end));
            match text.get(value_end)? {
                b',' => at = value_end + 1,
                b'}' if value_end + 1 == range.end => break,
                _ => return None,
            }
        }
        sort_members(members, text);
        Some(())
    }

    /// Appends the canonical form of the value that is exactly `range`.
    /// `spare` keeps member lists for nested objects, one per level, so
    /// that an event's objects cost no allocation after the first.
    fn emit(
        &self,
        range: std::ops::Range<usize>,
        out: &mut Vec<u8>,
        spare: &mut Vec<Vec<Member>>,
    ) -> Option<()> {
        match self.text.get(range.start)? {
            b'{' => {
                let mut members = spare.pop().unwrap_or_default();
                let done = self
                    .members(range, &mut members)
                    .and_then(|()| self.emit_object(&members, out, spare, |_, _, _, _| Some(())));
                spare.push(members);
                done?;
            }
            b'[' => {
                out.push(b'[');
                let mut at = range.start + 1;
                if self.text.get(at)? == &b']' {
                    if at + 1 != range.end {
                        return None;
                    }
                } else {
                    loop {
                        let end = self.value_end(at)?;
                        self.emit(at..end, out, spare)?;
                        match self.text.get(end)? {
                            b',' => {
                                out.push(b',');
                                at = end + 1;
                            }
                            b']' if end + 1 == range.end => break,
                            _ => return None,
                        }
                    }
                }
                out.push(b']');
            }
            _ => out.extend_from_slice(&self.text[range]),
        }
        Some(())
    }

    /// Appends an object of these members (sorted), calling `each` after
    /// each member with its place, `out`, and where the member starts in it.
    fn emit_object(
        &self,
        members: &[Member],
        out: &mut Vec<u8>,
        spare: &mut Vec<Vec<Member>>,
        mut each: impl FnMut(usize, &Member, &[u8], usize) -> Option<()>,
    ) -> Option<()> {
        out.push(b'{');
        for (i, member) in members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let at = out.len();
            self.emit_member(member, out, spare)?;
            each(i, member, out, at)?;
        }
        out.push(b'}');
        Some(())
    }

    fn emit_member(
        &self,
        member: &Member,
        out: &mut Vec<u8>,
        spare: &mut Vec<Vec<Member>>,
    ) -> Option<()> {
        member.put_key(self.text, out);
        self.emit(member.value.clone(), out, spare)
    }
}

/// Whether `value` written as compact JSON is exactly `expected`: compared
/// as it is written, stopping at the first difference, with nothing buffered.
pub(super) fn writes_exactly<T: Serialize>(value: &T, expected: &[u8]) -> bool {
    struct Comparing<'e> {
        rest: &'e [u8],
    }
    impl std::io::Write for Comparing<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            match self.rest.strip_prefix(bytes) {
                Some(rest) => {
                    self.rest = rest;
                    Ok(bytes.len())
                }
                None => Err(std::io::ErrorKind::InvalidData.into()),
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut comparing = Comparing { rest: expected };
    serde_json::to_writer(&mut comparing, value).is_ok() && comparing.rest.is_empty()
}

/// Appends compact JSON (the canonical form: serde_json's maps keep keys sorted).
pub(super) fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value).expect("JSON values always serialise");
}

/// Appends an event as a file of this version writes it: with its id (up
/// to version 2) or without (see [`super::ids_written`]).
pub(super) fn write_event(out: &mut Vec<u8>, event: &Event, with_id: bool) {
    if with_id {
        write(out, event);
    } else {
        write(out, &WithoutId(event));
    }
}

/// An event written without its id, every other member as [`Event`] writes
/// it and in the same order, so that the text is the event's own text less
/// its first member.
pub(super) struct WithoutId<'e>(pub(super) &'e Event);

impl Serialize for WithoutId<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn at<S: serde::Serializer>(
            at: &&chrono::DateTime<chrono::Utc>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            crate::domain::time::utc_json::serialize(at, serializer)
        }
        #[derive(Serialize)]
        struct Members<'e> {
            ticket: &'e str,
            device: &'e SharedStr,
            seq: u64,
            #[serde(serialize_with = "at")]
            at: &'e chrono::DateTime<chrono::Utc>,
            hlc: &'e crate::domain::event::Hlc,
            author: &'e SharedStr,
            #[serde(skip_serializing_if = "<[SharedStr]>::is_empty")]
            parents: &'e [SharedStr],
            #[serde(flatten)]
            body: &'e crate::domain::event::EventBody,
        }
        // Taken apart whole: a member added to `Event` must be placed here.
        let Event {
            id: _,
            ticket,
            device,
            seq,
            at,
            hlc,
            author,
            parents,
            body,
        } = self.0;
        Members {
            ticket,
            device,
            seq: *seq,
            at,
            hlc,
            author,
            parents,
            body,
        }
        .serialize(serializer)
    }
}
