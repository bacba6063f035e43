//! Said where another tab of this browser writes the device's log: this
//! one shows and saves nothing until it is handed the writer's part.

use crate::i18n::Key;
use crate::ui::state::data::TabRole;
use crate::ui::state::{use_data, use_i18n};
use leptos::prelude::*;

#[component]
pub fn OtherTabBanner() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    view! {
        <Show when=move || data.tab.get() == TabRole::Reader>
            <p class="warning other-tab no-print" role="status" data-testid="other-tab">
                {i18n.t(Key::OtherTabWrites)}
                " "
                <button type="button" on:click=move |_| crate::web::tabs::ask_to_hand_over()>
                    {i18n.t(Key::UseItHere)}
                </button>
            </p>
        </Show>
    }
}
