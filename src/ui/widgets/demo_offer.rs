use crate::i18n::Key;
use crate::ui::state::use_i18n;
use leptos::prelude::*;

/// Offered where the device holds no tickets yet.
#[component]
pub fn DemoOffer() -> impl IntoView {
    let i18n = use_i18n();
    let data = crate::ui::state::data::use_data();
    let load_demo = Action::new_local(move |_: &()| data.load_demo());
    let busy = load_demo.pending();
    let load = move |_| {
        load_demo.dispatch_local(());
    };
    view! {
        <div class="demo-offer" data-testid="demo-offer">
            <p>
                <strong>{i18n.t(Key::EmptyStore)}</strong>
                " "
                {i18n.t(Key::DemoBlurb)}
            </p>
            <button type="button" class="primary" on:click=load disabled=move || busy.get()>
                {i18n.t(Key::LoadDemo)}
            </button>
        </div>
    }
}
