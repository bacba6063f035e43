//! The rules engine (rule table, classifier, calendar) as shared context, built
//! once at start-up from the data shipped with the build.

use crate::domain::calendar::Calendar;
use crate::domain::classify::Classifier;
use crate::domain::rules::RuleTable;
use leptos::prelude::*;
use std::sync::Arc;

pub struct Engine {
    pub classifier: Classifier,
    pub calendar: Calendar,
}

impl Engine {
    pub fn table(&self) -> &RuleTable {
        self.classifier.table()
    }
}

/// Builds the engine, shares it as context, and returns it.
pub fn provide_engine() -> Arc<Engine> {
    let engine = Arc::new(Engine {
        classifier: Classifier::new(RuleTable::shipped()),
        calendar: Calendar::shipped(),
    });
    provide_context(engine.clone());
    engine
}

pub fn use_engine() -> Arc<Engine> {
    expect_context::<Arc<Engine>>()
}
