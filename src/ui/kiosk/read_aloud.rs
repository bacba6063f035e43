//! Reading aloud at the kiosk (the browser's speech synthesis, `web::speech`):
//! the receipt, and each question of the form, for customers who read
//! slowly or not at all.

use crate::i18n::{Key, Lang};
use crate::ui::state::use_i18n;
use crate::web::speech;
use leptos::prelude::*;

/// Reads `spoken` aloud where the device has a voice for the language; no
/// button where it has none.
#[component]
pub fn ReadAloud(
    spoken: impl Fn(Lang) -> String + Clone + Send + Sync + 'static,
    /// The receipt's button is `read-aloud`; a question's, `read-question`.
    #[prop(default = "read-aloud")]
    testid: &'static str,
    /// Words for the button; the receipt's own by default.
    #[prop(default = Key::ReadAloud)]
    label: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    // Voices arrive after the page in most browsers: ask again when they do.
    let voices = RwSignal::new(0u32);
    let watch = StoredValue::new_local(speech::watch_voices(move || voices.update(|n| *n += 1)));
    on_cleanup(move || {
        watch.set_value(None);
        speech::stop();
    });
    let reading = RwSignal::new(false);
    let available = move || {
        voices.track();
        speech::can_read(i18n.lang.get())
    };
    view! {
        <Show when=available>
            <button
                type="button"
                class="read-aloud"
                data-testid=testid
                aria-pressed=move || reading.get().to_string()
                on:click={
                    let spoken = spoken.clone();
                    move |_| {
                        if reading.get_untracked() {
                            speech::stop();
                            reading.set(false);
                        } else {
                            let lang = i18n.lang.get_untracked();
                            speech::read(&spoken(lang), lang);
                            reading.set(true);
                        }
                    }
                }
            >
                {move || {
                    if reading.get() { i18n.t(Key::StopReading)() } else { i18n.t(label)() }
                }}
            </button>
        </Show>
    }
}
