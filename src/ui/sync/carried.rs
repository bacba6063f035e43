//! The import preview's list of what a file would change for every device:
//! rule tables, tariffs and calendar days, each saying whether this device
//! will apply it (`domain::settings::carried` decides).

use crate::domain::settings::{Carried, Change};
use crate::i18n::Key;
use crate::ui::state::use_i18n;
use leptos::prelude::*;

#[component]
pub fn CarriedSettings(settings: Vec<Carried>) -> impl IntoView {
    let i18n = use_i18n();
    (!settings.is_empty()).then(|| {
        let items = settings
            .into_iter()
            .map(|c| {
                let what = move || {
                    let lang = i18n.lang.get();
                    match &c.change {
                        Change::Rules(v) => Key::CarriedRules.fill(lang, &[("version", v)]),
                        Change::Tariff(v) => Key::CarriedTariff.fill(lang, &[("version", v)]),
                        Change::CalendarYear(y) => Key::CarriedYear.fill(lang, &[("year", y)]),
                        Change::CalendarDay(d) => Key::CarriedDay.fill(lang, &[("date", d)]),
                    }
                };
                let (state, key) = if c.applies {
                    ("applies", Key::CarriedApplies)
                } else {
                    ("ignored", Key::CarriedIgnored)
                };
                view! { <li data-applies=state>{what} " · " {i18n.t(key)}</li> }
            })
            .collect_view();
        view! {
            <div data-testid="preview-settings">
                <p>
                    <strong>{i18n.t(Key::CarriedTitle)}</strong>
                </p>
                <ul>{items}</ul>
            </div>
        }
    })
}
