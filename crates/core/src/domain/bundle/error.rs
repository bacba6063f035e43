//! Why a bundle was refused: data, not sentences. `Display` is the English
//! message (the CLI's); [`BundleError::message`] says it in the person's
//! language. No variant carries a parser's own words, so a screen never
//! shows them.

use super::gzip;
use super::sealed::SealedProblem;
use super::MAX_TEXT_CHARS;
use crate::domain::trust::ChainError;
use crate::i18n::Lang;

/// What a header field of the file should have held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    WholeNumber,
    Rfc3339Time,
    EventList,
    AttachmentMap,
    /// A map from devices to lists of chain records.
    ChainMap,
    Text,
    /// The field is not part of the format.
    Nothing,
}

impl Expected {
    fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Expected::WholeNumber, Lang::Zh) => "整数",
            (Expected::WholeNumber, Lang::En) => "a whole number",
            (Expected::Rfc3339Time, Lang::Zh) => "RFC 3339 时间",
            (Expected::Rfc3339Time, Lang::En) => "an RFC 3339 time",
            (Expected::EventList, Lang::Zh) => "事件列表",
            (Expected::EventList, Lang::En) => "a list of events",
            (Expected::AttachmentMap, Lang::Zh) => "附件表",
            (Expected::AttachmentMap, Lang::En) => "a map of attachments",
            (Expected::ChainMap, Lang::Zh) => "各设备的签名链",
            (Expected::ChainMap, Lang::En) => "the devices' signed chains",
            (Expected::Text, Lang::Zh) => "文字",
            (Expected::Text, Lang::En) => "text",
            (Expected::Nothing, Lang::Zh) => "不存在（未知字段）",
            (Expected::Nothing, Lang::En) => "nothing (unknown field)",
        }
    }
}

/// What is wrong with one event's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventProblem {
    /// The event is not a JSON object.
    NotAnObject,
    /// A field the event must have is missing.
    MissingField(String),
    /// `type` names no kind of event this app knows.
    UnknownType(String),
    /// The value at this path (`facts.outage_hours`, `hlc.ms`) is of the
    /// wrong kind or out of range.
    BadValue(String),
    /// A number too large for any field (`1e400`): valid JSON syntax, but
    /// no value to read.
    NumberOutOfRange,
}

/// What is wrong with an attachment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentProblem {
    NotBase64,
    TooLarge,
    HashMismatch,
}

/// Why a bundle was refused. Every variant says where the problem is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum BundleError {
    Empty,
    NotUtf8 {
        byte: usize,
    },
    NotJson {
        line: usize,
        column: usize,
    },
    NotObject,
    /// Nested deeper than any event does, from this line on.
    TooDeep {
        line: usize,
    },
    WrongFormat {
        found: String,
    },
    NewerVersion {
        found: u64,
    },
    BadField {
        field: String,
        expected: Expected,
    },
    BadEvent {
        index: usize,
        problem: EventProblem,
    },
    UnknownField {
        index: usize,
        field: String,
    },
    IdMismatch {
        index: usize,
    },
    /// Ids left to the caller that it did not report as checked (a page's
    /// helper that stopped half-way): the file is not taken unchecked.
    IdsUnchecked {
        left: usize,
    },
    BadTimestamp {
        index: usize,
        at: String,
    },
    TextTooLong {
        index: usize,
    },
    /// A number outside the range the format allows (`satisfaction`,
    /// `seq`, `hlc.ms`, `facts.outage_hours` …).
    OutOfRange {
        index: usize,
        field: String,
    },
    /// A second, different event for a `(device, seq)` already held or
    /// already in the file.
    SequenceReused {
        device: String,
        seq: u64,
        ticket: String,
        kind: &'static str,
    },
    /// A signing device's events do not match its signed chain.
    ChainBroken {
        device: String,
        ticket: String,
        kind: &'static str,
        reason: ChainError,
    },
    /// An unsigned event in the name of a device known to sign.
    Unsigned {
        device: String,
        ticket: String,
        kind: &'static str,
    },
    /// A device arrives with another key than the one already trusted.
    KeyChanged {
        device: String,
    },
    /// An event claims a time before the one its device wrote before it.
    Backdated {
        device: String,
        ticket: String,
        kind: &'static str,
    },
    /// An event of a device the roster revoked, written after it was.
    Revoked {
        device: String,
        ticket: String,
        kind: &'static str,
    },
    BadAttachment {
        hash: String,
        problem: AttachmentProblem,
    },
    ChecksumMismatch,
    /// A gzip file that does not unpack (cut short, or changed).
    CompressedDamaged,
    /// A gzip file that unpacks to more than any sync file holds.
    CompressedTooLarge,
    /// A file protected with a passphrase that could not be opened.
    Sealed(SealedProblem),
}

impl BundleError {
    /// The position in the file's events of the one event at fault, when a
    /// single event is (its shape, id, time, text or numbers).
    pub fn event_index(&self) -> Option<usize> {
        use BundleError as E;
        match self {
            E::BadEvent { index, .. }
            | E::UnknownField { index, .. }
            | E::IdMismatch { index }
            | E::BadTimestamp { index, .. }
            | E::TextTooLong { index }
            | E::OutOfRange { index, .. } => Some(*index),
            _ => None,
        }
    }

    /// The same fault told of the event at `new_index` instead (a position
    /// in a part of the file: one document of a group).
    pub fn at_event(mut self, new_index: usize) -> BundleError {
        use BundleError as E;
        match &mut self {
            E::BadEvent { index, .. }
            | E::UnknownField { index, .. }
            | E::IdMismatch { index }
            | E::BadTimestamp { index, .. }
            | E::TextTooLong { index }
            | E::OutOfRange { index, .. } => *index = new_index,
            _ => {}
        }
        self
    }

    /// The message for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        use BundleError as E;
        let zh = lang == Lang::Zh;
        let pick = |zh_text: String, en_text: String| if zh { zh_text } else { en_text };
        match self {
            E::Empty => pick("文件是空的。".into(), "The file is empty.".into()),
            E::NotUtf8 { byte } => pick(
                format!("文件不是 UTF-8 文本（第 {byte} 字节处）。"),
                format!("The file is not UTF-8 text (at byte {byte})."),
            ),
            E::NotJson { line, column } => pick(
                format!("文件不是有效的 JSON：第 {line} 行第 {column} 列有错误，可能文件不完整。"),
                format!("The file is not valid JSON: error at line {line}, column {column}; it may be truncated."),
            ),
            E::NotObject => pick("文件内容不是同步文件的格式。".into(), "The file is not a sync bundle.".into()),
            E::TooDeep { line } => pick(
                format!("文件第 {line} 行起嵌套层数过多，不是本应用导出的同步文件。"),
                format!("The file nests too deeply from line {line} on; it is not a sync file this app exported."),
            ),
            E::OutOfRange { index, field } => pick(
                format!("第 {} 条事件的“{field}”超出允许的范围。", index + 1),
                format!("Event {} has \"{field}\" outside the allowed range.", index + 1),
            ),
            E::WrongFormat { found } => pick(
                format!("这不是 gridcare 同步文件（格式标记为“{found}”）。"),
                format!("This is not a gridcare sync file (format tag \"{found}\")."),
            ),
            E::NewerVersion { found } => pick(
                format!("该文件由更新版本的应用导出（格式版本 {found}），请先更新本应用再导入。"),
                format!("This file comes from a newer version of the app (format version {found}); please update the app first."),
            ),
            E::BadField { field, expected } => pick(
                format!("字段“{field}”缺失或无效，应为{}。", expected.words(lang)),
                format!("The field \"{field}\" is missing or invalid; expected {}.", expected.words(lang)),
            ),
            E::BadEvent { index, problem } => {
                let n = index + 1;
                match problem {
                    EventProblem::NotAnObject => pick(
                        format!("第 {n} 条事件不是一个对象。"),
                        format!("Event {n} is not an object."),
                    ),
                    EventProblem::MissingField(field) => pick(
                        format!("第 {n} 条事件缺少字段“{field}”。"),
                        format!("Event {n} lacks the field \"{field}\"."),
                    ),
                    EventProblem::UnknownType(kind) => pick(
                        format!("第 {n} 条事件的类型“{kind}”未知，可能来自更新版本的应用。"),
                        format!("Event {n} has an unknown type \"{kind}\"; it may come from a newer version of the app."),
                    ),
                    EventProblem::NumberOutOfRange => pick(
                        format!("第 {n} 条事件含有超出范围的数字。"),
                        format!("Event {n} holds a number out of range."),
                    ),
                    EventProblem::BadValue(path) => pick(
                        format!("第 {n} 条事件的字段“{path}”的值无效或超出范围。"),
                        format!("Event {n} has an invalid or out-of-range value in \"{path}\"."),
                    ),
                }
            }
            E::UnknownField { index, field } => pick(
                format!("第 {} 条事件含有未知字段“{field}”。", index + 1),
                format!("Event {} has an unknown field \"{field}\".", index + 1),
            ),
            E::IdMismatch { index } => pick(
                format!("第 {} 条事件的内容与其编号不符：文件已被改动。", index + 1),
                format!("Event {}'s content does not match its id: the file was altered.", index + 1),
            ),
            E::IdsUnchecked { left } => pick(
                format!("有 {left} 条事件的编号未能核对，文件未导入，请重试。"),
                format!("{left} events' ids could not be checked, so the file was not imported; please try again."),
            ),
            E::BadTimestamp { index, at } => pick(
                format!("第 {} 条事件的时间“{at}”不可能。", index + 1),
                format!("Event {} has an impossible time \"{at}\".", index + 1),
            ),
            E::TextTooLong { index } => pick(
                format!("第 {} 条事件的文字超过 {MAX_TEXT_CHARS} 字。", index + 1),
                format!("Event {} has a text longer than {MAX_TEXT_CHARS} characters.", index + 1),
            ),
            E::SequenceReused { device, seq, ticket, kind } => pick(
                format!("设备“{device}”的第 {seq} 号事件（工单 {ticket} 的“{}”）出现了两个不同的版本：文件中的这一条是改动过的或伪造的。", event_words(kind, lang)),
                format!("Device \"{device}\" has two different events numbered {seq} (\"{}\" on ticket {ticket}): the one in the file was changed or forged.", event_words(kind, lang)),
            ),
            E::ChainBroken { device, ticket, kind, reason } => pick(
                format!("设备“{device}”的签名与文件中它的记录不符（工单 {ticket} 的“{}”等）：文件被改动，或有人以该设备的名义伪造记录。（{}）", event_words(kind, lang), chain_words(reason, lang)),
                format!("Device \"{device}\"'s signature does not match its records in the file (\"{}\" on ticket {ticket} and others): the file was changed, or records were forged in the device's name. ({})", event_words(kind, lang), chain_words(reason, lang)),
            ),
            E::Unsigned { device, ticket, kind } => pick(
                format!("设备“{device}”已启用签名，但文件中它的记录（工单 {ticket} 的“{}”）没有签名：不予接受。", event_words(kind, lang)),
                format!("Device \"{device}\" signs its records, but its record in the file (\"{}\" on ticket {ticket}) is unsigned: refused.", event_words(kind, lang)),
            ),
            E::KeyChanged { device } => pick(
                format!("设备“{device}”的密钥与本机已知的不同，可能是冒名设备。若该设备确已更换，请由督办在设备名册中重新登记。"),
                format!("Device \"{device}\" arrives with another key than the one this device knows: it may be an impostor. If the device was really replaced, a supervisor must enrol its new key in the roster."),
            ),
            E::Backdated { device, ticket, kind } => pick(
                format!("设备“{device}”的一条记录（工单 {ticket} 的“{}”）的时间早于该设备之前的记录或它所接续的记录，判为倒填时间，不予接受。", event_words(kind, lang)),
                format!("A record of device \"{device}\" (\"{}\" on ticket {ticket}) claims a time before the device's previous record or the record it follows: backdated, refused.", event_words(kind, lang)),
            ),
            E::Revoked { device, ticket, kind } => pick(
                format!("设备“{device}”已被主管吊销，此后它写下的记录（工单 {ticket} 的“{}”）不予接受。", event_words(kind, lang)),
                format!("Device \"{device}\" was revoked by a supervisor; what it wrote since (\"{}\" on ticket {ticket}) is refused.", event_words(kind, lang)),
            ),
            E::BadAttachment { hash, problem } => {
                let short = &hash[..hash.len().min(19)];
                let (zh_text, en_text) = match problem {
                    AttachmentProblem::NotBase64 => ("内容不是 base64 编码", "not base64"),
                    AttachmentProblem::TooLarge => ("文件过大", "too large"),
                    AttachmentProblem::HashMismatch => ("内容与编号不符", "hash does not match"),
                };
                pick(
                    format!("附件 {short} 无效：{zh_text}。"),
                    format!("Attachment {short} is invalid: {en_text}."),
                )
            }
            E::ChecksumMismatch => pick(
                "校验和不符：文件在导出后被改动或损坏。".into(),
                "The checksum does not match: the file was changed or damaged after export.".into(),
            ),
            E::CompressedDamaged => pick(
                "压缩文件已损坏或不完整，无法解压，请重新导出或重新复制。".into(),
                "The compressed file is damaged or incomplete and cannot be unpacked; please export or copy it again.".into(),
            ),
            E::CompressedTooLarge => pick(
                format!("压缩文件解压后超过 {} MB，不是本应用导出的同步文件。", gzip::MAX_UNPACKED_BYTES >> 20),
                format!("The compressed file unpacks to more than {} MB; it is not a sync file this app exported.", gzip::MAX_UNPACKED_BYTES >> 20),
            ),
            E::Sealed(SealedProblem::PassphraseNeeded) => pick(
                "此文件已用口令保护，请输入导出时设定的口令。".into(),
                "This file is protected with a passphrase: enter the one set when it was exported.".into(),
            ),
            E::Sealed(SealedProblem::WrongPassphrase) => pick(
                "口令不对（或文件已损坏），无法打开。".into(),
                "Wrong passphrase (or the file is damaged): it cannot be opened.".into(),
            ),
            E::Sealed(SealedProblem::BadField(field)) => pick(
                format!("受口令保护的文件格式不对：“{field}”无效。"),
                format!("The protected file is not in the expected format: “{field}” is not valid."),
            ),
        }
    }
}

/// An event's kind in words (`arrived` → "到达现场").
fn event_words(kind: &str, lang: Lang) -> String {
    crate::domain::labels::type_term(kind)
        .map(|t| t.text(lang).to_string())
        .unwrap_or_else(|| kind.to_string())
}

fn chain_words(reason: &ChainError, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match reason {
        ChainError::BadKey | ChainError::BadSignatureForm | ChainError::BadId => if zh {
            "签名格式错误"
        } else {
            "malformed signature"
        }
        .into(),
        ChainError::Gap { seq } => {
            if zh {
                format!("缺少第 {seq} 号记录")
            } else {
                format!("record {seq} is missing")
            }
        }
        ChainError::HeadMismatch => if zh {
            "记录与签名的链不符"
        } else {
            "the records do not fold to the signed chain"
        }
        .into(),
        ChainError::SignatureMismatch => if zh {
            "签名不符"
        } else {
            "the signature does not match"
        }
        .into(),
        ChainError::Uncovered { seq, from, signed } => {
            if zh {
                format!("第 {seq} 号记录不在签名范围 {from}–{signed} 内")
            } else {
                format!("record {seq} lies outside the signed range {from}-{signed}")
            }
        }
    }
}
