//! A sync file about to be written: the log's events it holds, borrowed
//! rather than copied (a save never changes a block of the log in place
//! while it is shared), and what travels beside them. `FileText` then
//! writes it a piece at a time.

use crate::domain::bundle::{file_name, Attachment, FileText};
use crate::domain::event::Event;
use crate::domain::export::{select, ExportFilter};
use crate::domain::log::Log;
use crate::domain::trust::ChainRecord;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

pub struct Outgoing {
    /// The log as it was when the export began, or masked copies of the
    /// chosen events for an anonymised file.
    events: Log,
    /// Which of `events` the file holds (all of them when anonymised).
    filter: ExportFilter,
    count: usize,
    device: String,
    at: DateTime<Utc>,
    anonymised: bool,
    attachments: BTreeMap<String, Attachment>,
    chains: BTreeMap<String, Vec<ChainRecord>>,
}

impl Outgoing {
    /// A signed file of the `count` events `filter` chooses from `log`.
    pub fn signed(
        log: Log,
        filter: ExportFilter,
        count: usize,
        device: &str,
        at: DateTime<Utc>,
        attachments: BTreeMap<String, Attachment>,
        chains: BTreeMap<String, Vec<ChainRecord>>,
    ) -> Outgoing {
        Outgoing {
            events: log,
            filter,
            count,
            device: device.to_string(),
            at,
            anonymised: false,
            attachments,
            chains,
        }
    }

    /// An anonymised file of these masked events (unsigned, no photos).
    pub fn anonymised(masked: Vec<Event>, device: &str, at: DateTime<Utc>) -> Outgoing {
        Outgoing {
            count: masked.len(),
            events: Log::from(masked),
            filter: ExportFilter::default(),
            device: device.to_string(),
            at,
            anonymised: true,
            attachments: BTreeMap::new(),
            chains: BTreeMap::new(),
        }
    }

    /// How many events the file holds.
    pub fn events(&self) -> usize {
        self.count
    }

    /// The name the file is offered under.
    pub fn file_name(&self) -> String {
        file_name(&self.device, self.at)
    }

    /// The file's text in the file format `version`, to be written a piece
    /// at a time. The photos and chain records move into it: a file is
    /// written once.
    pub fn text(&mut self, version: u64) -> FileText<'_> {
        let chosen = select(&self.events, &self.filter);
        let text = if self.anonymised {
            FileText::anonymised(&self.device, self.at, chosen)
        } else {
            FileText::new(
                &self.device,
                self.at,
                chosen,
                std::mem::take(&mut self.attachments),
                std::mem::take(&mut self.chains),
            )
        };
        text.written_as(version)
    }
}
