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
use crate::domain::trust::roster::Authority;

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
    /// The engine of the shipped data and every settings event among
    /// `events` that `authority` counts.
    pub fn from_events<'a>(
        events: impl IntoIterator<Item = &'a Event>,
        authority: &Authority,
    ) -> Engine {
        let ours: Vec<&Event> = events.into_iter().filter(|e| is_settings(e)).collect();
        let fingerprint = Engine::fingerprint_of(ours.iter().copied(), authority);
        let s = settings(ours, authority);
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
        Engine::from_events(&[], &Authority::default())
    }

    pub fn table(&self) -> &RuleTable {
        self.classifier.table()
    }

    /// Whether `events` hold other settings events than this engine was built
    /// from, or `authority` now counts other ones (then it must be rebuilt).
    pub fn is_stale_for<'a>(
        &self,
        events: impl IntoIterator<Item = &'a Event>,
        authority: &Authority,
    ) -> bool {
        let ours = events.into_iter().filter(|e| is_settings(e));
        Engine::fingerprint_of(ours, authority) != self.fingerprint
    }

    /// Each settings event's id with whether it counts, sorted: the same
    /// events judged alike give the same engine.
    fn fingerprint_of<'a>(
        events: impl Iterator<Item = &'a Event>,
        authority: &Authority,
    ) -> Vec<String> {
        let mut out: Vec<String> = events
            .map(|e| format!("{}:{}", e.id, authority.counts(e).is_ok()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
