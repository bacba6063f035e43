use crate::i18n::Label;
use crate::ui::state::use_i18n;
use leptos::prelude::*;

/// A table's header row, translated.
#[component]
pub fn TableHead(keys: Vec<Label>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <thead>
            <tr>{keys.into_iter().map(|key| view! { <th>{i18n.t(key)}</th> }).collect_view()}</tr>
        </thead>
    }
}
