//! The rules engine (rule table, classifier, calendar) as shared context. It
//! starts from the data shipped with the build and is rebuilt whenever the
//! settings events (rule-table publications, calendar changes, from this
//! device or merged from others) change, so every device applies the same rules.

use crate::domain::calendar::Calendar;
use crate::domain::classify::Classifier;
use crate::domain::event::Event;
use crate::domain::faq::Faq;
use crate::domain::rules::RuleTable;
use crate::domain::settings::{is_settings, settings, Publication, Rejected};
use crate::domain::tariff::TariffTable;
use crate::domain::templates::Templates;
use leptos::prelude::*;
use std::sync::Arc;

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
    /// The settings events this engine was built from.
    fingerprint: Vec<String>,
}

impl Engine {
    pub fn table(&self) -> &RuleTable {
        self.classifier.table()
    }

    fn from_events(events: &[Event]) -> Engine {
        let s = settings(events);
        Engine {
            classifier: Classifier::new(s.table),
            calendar: s.calendar,
            tariff: s.tariff,
            faq: Faq::shipped(),
            templates: Templates::shipped(),
            publications: s.publications,
            rejected: s.rejected,
            fingerprint: s.fingerprint,
        }
    }
}

/// The current engine; replaced (not mutated) when the settings change.
#[derive(Clone, Copy)]
pub struct EngineCell(pub RwSignal<Arc<Engine>>);

impl EngineCell {
    /// Rebuilds the engine if the settings events among `events` changed.
    pub fn follow(self, events: &[Event]) {
        let mut ids: Vec<String> = events
            .iter()
            .filter(|e| is_settings(e))
            .map(|e| e.id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let mut current = self.0.with_untracked(|e| e.fingerprint.clone());
        current.sort();
        if ids != current {
            self.0.set(Arc::new(Engine::from_events(events)));
        }
    }
}

/// Builds the engine from the shipped data and shares it as context.
pub fn provide_engine() -> EngineCell {
    let cell = EngineCell(RwSignal::new(Arc::new(Engine::from_events(&[]))));
    provide_context(cell);
    cell
}

/// The engine in force now. Screens read it when they are built; the app
/// rebuilds its screens when the engine is replaced.
pub fn use_engine() -> Arc<Engine> {
    expect_context::<EngineCell>().0.get_untracked()
}
