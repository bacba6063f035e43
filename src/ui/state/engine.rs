//! The rules engine ([`crate::domain::engine::Engine`]) as shared context. It
//! starts from the data shipped with the build and is rebuilt whenever the
//! settings events (rule-table publications, calendar changes, from this
//! device or merged from others) change, so every device applies the same rules.

pub use crate::domain::engine::Engine;
use crate::domain::log::Log;
use crate::domain::trust::roster::Authority;
use leptos::prelude::*;
use std::sync::Arc;

/// The current engine; replaced (not mutated) when the settings change.
/// Beside it, the n-gram model's arrival: what records a classification
/// asks for it first.
#[derive(Clone, Copy)]
pub struct EngineCell(pub RwSignal<Arc<Engine>>, pub ModelReady);

impl EngineCell {
    /// Rebuilds the engine if the settings events among `events` changed,
    /// or `authority` now counts other ones.
    pub fn follow(self, events: &Log, authority: &Authority) {
        if self.0.with_untracked(|e| e.is_stale_for(events, authority)) {
            self.0.set(Arc::new(Engine::from_events(events, authority)));
        }
    }
}

/// Whether the n-gram model is in place (`web::model`): what classifies
/// live reads it, so that it classifies again when the model arrives.
#[derive(Clone, Copy)]
pub struct ModelReady(pub RwSignal<bool>, StoredValue<bool>);

impl ModelReady {
    /// Starts fetching the model unless it is here or on its way. A crew's
    /// queue does not need it: 405 KB off the first visit of `/crew`.
    pub fn want(self) {
        if self.1.get_value() {
            return;
        }
        self.1.set_value(true);
        let ready = self.0;
        let load = crate::web::model::load();
        leptos::task::spawn_local(async move {
            match load.await {
                Ok(installed) => ready.set(installed),
                // The rules decide alone; the console says why, for support.
                Err(e) => leptos::logging::warn!("the n-gram model was not loaded: {e}"),
            }
        });
    }
}

/// Builds the engine from the shipped data and shares it as context, with
/// the n-gram model's arrival ([`want_model`] fetches it).
pub fn provide_engine() -> EngineCell {
    let here = crate::domain::classify::shipped_model_ready();
    let model = ModelReady(RwSignal::new(here), StoredValue::new(here));
    let cell = EngineCell(RwSignal::new(Arc::new(Engine::shipped())), model);
    provide_context(cell);
    provide_context(model);
    cell
}

/// Fetches the n-gram model if this screen is the first to classify.
pub fn want_model() {
    if let Some(model) = use_context::<ModelReady>() {
        model.want();
    }
}

/// Tracks the model's arrival (for a memo that classifies).
pub fn track_model() {
    if let Some(ready) = use_context::<ModelReady>() {
        ready.0.track();
    }
}

/// The engine in force now. Screens read it when they are built; the app
/// rebuilds its screens when the engine is replaced.
pub fn use_engine() -> Arc<Engine> {
    expect_context::<EngineCell>().0.get_untracked()
}
