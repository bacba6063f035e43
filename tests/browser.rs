//! Browser tests (wasm-bindgen-test in headless Chromium): the web APIs the app
//! relies on, and the pure domain running unchanged as WebAssembly.
//! Run with `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use gridcare::domain::calendar::Calendar;
use gridcare::domain::classify::Classifier;
use gridcare::domain::facts::Facts;
use gridcare::domain::rules::RuleTable;
use gridcare::i18n::Lang;
use gridcare::web::{network, prefs};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn language_choice_round_trips_through_local_storage() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    assert_eq!(prefs::load_lang(), Lang::Zh, "default before any choice");
    prefs::save_lang(Lang::En);
    assert_eq!(
        storage.get_item("gridcare.lang").unwrap().as_deref(),
        Some("\"en\"")
    );
    assert_eq!(prefs::load_lang(), Lang::En);
    prefs::save_lang(Lang::Zh);
    assert_eq!(prefs::load_lang(), Lang::Zh);
    // A damaged value falls back to the default instead of failing.
    storage.set_item("gridcare.lang", "{not json").unwrap();
    assert_eq!(prefs::load_lang(), Lang::Zh);
    storage.clear().unwrap();
}

#[wasm_bindgen_test]
fn the_browser_reports_it_is_online() {
    assert!(network::is_online());
}

#[wasm_bindgen_test]
fn the_rules_engine_runs_as_webassembly() {
    let classifier = Classifier::new(RuleTable::shipped());
    let c = classifier.classify(
        "小区20余户联名投诉，每晚电压骤降，空调无法启动",
        &Facts::default(),
    );
    assert_eq!(
        (c.kind.as_str(), c.subcategory.as_deref(), c.grade),
        ("complaint", Some("voltage"), Some(1))
    );
    let calendar = Calendar::shipped();
    let national_day = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    assert!(!calendar.is_working_day(national_day).value);
}
