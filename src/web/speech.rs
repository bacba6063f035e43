//! Reading a text aloud with the browser's own speech synthesis, for
//! customers who read small print with difficulty. Only where the device
//! has a voice for the language: a kiosk without one shows no button.

use crate::i18n::Lang;
use wasm_bindgen::JsCast;

fn synthesis() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window()?.speech_synthesis().ok()
}

fn tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The device's first voice for `lang` (`zh-CN`, `zh-HK`, `en-GB` …).
fn voice(lang: Lang) -> Option<web_sys::SpeechSynthesisVoice> {
    let prefix = tag(lang);
    synthesis()?
        .get_voices()
        .iter()
        .map(|v| v.unchecked_into::<web_sys::SpeechSynthesisVoice>())
        .find(|v| v.lang().to_ascii_lowercase().starts_with(prefix))
}

/// Whether the device can read `lang` aloud. Browsers load their voices
/// after the page: ask again on `voiceschanged` (see [`watch_voices`]).
pub fn can_read(lang: Lang) -> bool {
    voice(lang).is_some()
}

/// While kept, calls its function whenever the browser's list of voices
/// changes; dropped, stops.
pub struct VoiceWatch {
    // Kept alive: the browser calls it until the watch is dropped.
    _callback: wasm_bindgen::closure::Closure<dyn Fn()>,
}

/// Calls `then` when the browser's list of voices changes, as long as the
/// returned watch is kept.
pub fn watch_voices(then: impl Fn() + 'static) -> Option<VoiceWatch> {
    let s = synthesis()?;
    let callback = wasm_bindgen::closure::Closure::<dyn Fn()>::new(then);
    s.set_onvoiceschanged(Some(callback.as_ref().unchecked_ref()));
    Some(VoiceWatch {
        _callback: callback,
    })
}

impl Drop for VoiceWatch {
    fn drop(&mut self) {
        if let Some(s) = synthesis() {
            s.set_onvoiceschanged(None);
        }
    }
}

/// Reads `text` in `lang`, a little slower than the default, after
/// stopping anything still being read.
pub fn read(text: &str, lang: Lang) {
    let (Some(s), Some(voice)) = (synthesis(), voice(lang)) else {
        return;
    };
    let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) else {
        return;
    };
    utterance.set_voice(Some(&voice));
    utterance.set_lang(&voice.lang());
    utterance.set_rate(0.9);
    s.cancel();
    s.speak(&utterance);
}

/// Stops reading.
pub fn stop() {
    if let Some(s) = synthesis() {
        s.cancel();
    }
}
