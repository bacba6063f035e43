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
#[derive(Clone, Copy)]
pub struct EngineCell(pub RwSignal<Arc<Engine>>);

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
pub struct ModelReady(pub RwSignal<bool>);

/// Builds the engine from the shipped data and shares it as context, and
/// fetches the n-gram model beside it.
pub fn provide_engine() -> EngineCell {
    let cell = EngineCell(RwSignal::new(Arc::new(Engine::shipped())));
    provide_context(cell);
    let ready = ModelReady(RwSignal::new(crate::domain::classify::shipped_model_ready()));
    provide_context(ready);
    leptos::task::spawn_local(async move {
        match crate::web::model::load().await {
            Ok(installed) => ready.0.set(installed),
            // The rules decide alone; the console says why, for support.
            Err(e) => leptos::logging::warn!("the n-gram model was not loaded: {e}"),
        }
    });
    cell
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
