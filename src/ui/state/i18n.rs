//! The current language as reactive context, backed by the translation table in
//! `crate::i18n` and remembered on the device.

use crate::i18n::{Lang, Text};
use crate::web::prefs;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// A reactive text: re-renders when the language changes.
    pub fn t<T: Text + Send + Sync + 'static>(
        self,
        key: T,
    ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || key.text(self.lang.get())
    }

    pub fn set(self, lang: Lang) {
        prefs::save_lang(lang);
        self.lang.set(lang);
    }
}

pub fn provide_i18n() {
    let lang = RwSignal::new(prefs::load_lang());
    // Keep <html lang> right for screen readers and fonts.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.get().tag());
        }
    });
    provide_context(I18n { lang });
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
