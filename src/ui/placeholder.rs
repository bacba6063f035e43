//! A screen that later issues fill in, and the not-found page.

use crate::i18n::Key;
use crate::ui::state::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Placeholder(title: Key) -> impl IntoView {
    let i18n = use_i18n();
    let body = if title == Key::NotFound {
        Key::NotFound
    } else {
        Key::ComingSoon
    };
    view! {
        <h1>{i18n.t(title)}</h1>
        <p>{i18n.t(body)}</p>
        <p>
            <A href="/">{i18n.t(Key::BackHome)}</A>
        </p>
    }
}
