//! The rules engine a device applies: the rule table and its classifier, the
//! working-day calendar and the tariff, as the settings events published so
//! far make them, plus the frequent questions and reply templates shipped as
//! data. The app, the kiosk and the CLI all build it here, from the same
//! events, so they all apply the same rules.

use crate::domain::calendar::Calendar;
use crate::domain::classify::Classifier;
use crate::domain::event::Event;
use crate::domain::faq::Faq;
use crate::domain::rules::RuleTable;
use crate::domain::settings::{is_settings, settings, Publication, Rejected};
use crate::domain::tariff::TariffTable;
use crate::domain::templates::Templates;

pub struct Engine {
    pub classifier: Classifier,
    pub calendar: Calendar,
    /// The bill calculator's tariff (published like the rule table).
    pub tariff: TariffTable,
    /// Frequent questions and reply templates, shipped as data.
    pub faq: Faq,
    pub templates: Templates,
    /// Rule-table publications in force order; the last is active.
    pub publications: Vec<Publication>,
    /// Settings events that could not be applied, with why.
    pub rejected: Vec<Rejected>,
    /// The settings events this engine was built from, sorted.
    fingerprint: Vec<String>,
}

impl Engine {
    /// The engine of the shipped data and every settings event among `events`.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Engine {
        let s = settings(events);
        let mut fingerprint = s.fingerprint;
        fingerprint.sort();
        Engine {
            classifier: Classifier::new(s.table),
            calendar: s.calendar,
            tariff: s.tariff,
            faq: Faq::shipped(),
            templates: Templates::shipped(),
            publications: s.publications,
            rejected: s.rejected,
            fingerprint,
        }
    }

    /// The engine of the shipped data alone.
    pub fn shipped() -> Engine {
        Engine::from_events(&[])
    }

    pub fn table(&self) -> &RuleTable {
        self.classifier.table()
    }

    /// Whether `events` hold other settings events than this engine was built
    /// from (then it must be rebuilt).
    pub fn is_stale_for(&self, events: &[Event]) -> bool {
        let mut ids: Vec<&str> = events
            .iter()
            .filter(|e| is_settings(e))
            .map(|e| e.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        !ids.iter()
            .copied()
            .eq(self.fingerprint.iter().map(String::as_str))
    }
}
