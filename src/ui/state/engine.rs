//! The rules engine ([`crate::domain::engine::Engine`]) as shared context. It
//! starts from the data shipped with the build and is rebuilt whenever the
//! settings events (rule-table publications, calendar changes, from this
//! device or merged from others) change, so every device applies the same rules.

pub use crate::domain::engine::Engine;
use crate::domain::event::Event;
use crate::domain::trust::roster::Authority;
use leptos::prelude::*;
use std::sync::Arc;

/// The current engine; replaced (not mutated) when the settings change.
#[derive(Clone, Copy)]
pub struct EngineCell(pub RwSignal<Arc<Engine>>);

impl EngineCell {
    /// Rebuilds the engine if the settings events among `events` changed,
    /// or `authority` now counts other ones.
    pub fn follow(self, events: &[Event], authority: &Authority) {
        if self.0.with_untracked(|e| e.is_stale_for(events, authority)) {
            self.0.set(Arc::new(Engine::from_events(events, authority)));
        }
    }
}

/// Builds the engine from the shipped data and shares it as context.
pub fn provide_engine() -> EngineCell {
    let cell = EngineCell(RwSignal::new(Arc::new(Engine::shipped())));
    provide_context(cell);
    cell
}

/// The engine in force now. Screens read it when they are built; the app
/// rebuilds its screens when the engine is replaced.
pub fn use_engine() -> Arc<Engine> {
    expect_context::<EngineCell>().0.get_untracked()
}
