//! A ticket's photos, and taking a new one (camera or file, downscaled on
//! the device before it is stored).

use crate::domain::event::{Event, EventBody};
use crate::i18n::Key;
use crate::ui::state::{use_data, use_i18n};
use leptos::prelude::*;

/// The ticket's photos, and taking a new one (camera or file, downscaled here).
#[component]
pub fn Photos(ticket: String, open: bool, events: Memo<Vec<Event>>) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let i18n = use_i18n();
    let data = use_data();
    // The photos' hashes, then their images: a resource reloads when the
    // list changes, and a slower load never overwrites a newer one.
    let hashes = Memo::new(move |_| {
        events.with(|all| {
            all.iter()
                .filter_map(|e| match &e.body {
                    EventBody::PhotoAttached { hash, .. } => Some(hash.clone()),
                    _ => None,
                })
                .collect::<Vec<String>>()
        })
    });
    let urls = LocalResource::new(move || {
        let hashes = hashes.get();
        async move {
            let mut loaded = Vec::new();
            for hash in hashes {
                if let Some(url) = data.photo_url(hash.clone()).await {
                    loaded.push((hash, url));
                }
            }
            loaded
        }
    });
    let ticket = StoredValue::new(ticket);
    // Downscale, store and record one photo; a failure is shown, not dropped.
    let add = Action::new_local(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            let lang = i18n.lang.get_untracked();
            let Ok(jpeg) = crate::web::photos::downscale(&file).await else {
                return Err(Key::PhotoFailed.text(lang).to_string());
            };
            data.attach_photo(&ticket.get_value(), jpeg)
                .await
                .map_err(|e| e.message(lang))
        }
    });
    let busy = add.pending();
    let failed = move || add.value().get().and_then(Result::err);
    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("an input").unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        add.dispatch_local(file);
    };
    view! {
        <section data-testid="photos">
            <h2>{i18n.t(Key::Photos)}</h2>
            {open
                .then(|| {
                    view! {
                        <label class="button file-button">
                            {i18n.t(Key::AddPhoto)}
                            <input
                                type="file"
                                accept="image/*"
                                capture="environment"
                                data-testid="photo-input"
                                on:change=choose
                                disabled=move || busy.get()
                            />
                        </label>
                    }
                })}
            {move || {
                failed()
                    .map(|why| {
                        view! {
                            <p class="error" role="alert">
                                {why}
                            </p>
                        }
                    })
            }}
            <div class="photos" data-testid="photos">
                {move || {
                    urls.get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(hash, url)| {
                            view! { <img src=url alt=i18n.t(Key::Photos) data-hash=hash /> }
                        })
                        .collect_view()
                }}
            </div>
        </section>
    }
}
