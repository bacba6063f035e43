//! Telling a crew at once: a system notification shown by the service
//! worker (so it appears while the app is in the background, and a tap
//! opens the ticket), and a short tone for when the app is in front or
//! notifications are not allowed. Which tickets deserve it is the domain's
//! (`domain::arrivals`); the banner is `ui::widgets::arrivals`.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, Notification, NotificationPermission, OscillatorType};

/// Whether the browser lets this app notify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    Granted,
    Denied,
    /// Not asked yet.
    Ask,
    /// No notifications in this browser (or no service worker).
    Unsupported,
}

fn supported() -> bool {
    let window = web_sys::window();
    window.as_ref().is_some_and(|w| {
        Reflect::has(w, &"Notification".into()).unwrap_or(false)
            && Reflect::has(&w.navigator(), &"serviceWorker".into()).unwrap_or(false)
    })
}

pub fn permission() -> Permission {
    if !supported() {
        return Permission::Unsupported;
    }
    match Notification::permission() {
        NotificationPermission::Granted => Permission::Granted,
        NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Ask,
    }
}

/// Asks the browser (call it from a tap: browsers refuse otherwise).
pub async fn ask() -> Permission {
    if !supported() {
        return Permission::Unsupported;
    }
    if let Ok(promise) = Notification::request_permission() {
        let _ = JsFuture::from(promise).await;
    }
    permission()
}

/// Whether the page is what the person looks at now.
pub fn in_front() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// A system notification through the service worker; `tag` replaces an
/// earlier one of the same ticket, `url` is opened by a tap.
pub async fn show(title: &str, body: &str, tag: &str, url: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let ready = window.navigator().service_worker().ready()?;
    let registration: web_sys::ServiceWorkerRegistration =
        JsFuture::from(ready).await?.unchecked_into();
    let options = Object::new();
    let data = Object::new();
    Reflect::set(&data, &"url".into(), &url.into())?;
    Reflect::set(&options, &"body".into(), &body.into())?;
    Reflect::set(&options, &"tag".into(), &tag.into())?;
    Reflect::set(&options, &"data".into(), &data)?;
    Reflect::set(&options, &"requireInteraction".into(), &JsValue::TRUE)?;
    let show =
        Reflect::get(&registration, &"showNotification".into())?.dyn_into::<js_sys::Function>()?;
    let promise = show.call2(&registration, &title.into(), &options)?;
    JsFuture::from(promise.dyn_into::<js_sys::Promise>()?).await?;
    Ok(())
}

/// Two short tones (Web Audio: no sound file to load or cache). Browsers
/// keep audio silent until the page has been touched once; a crew's tablet
/// has been.
pub fn chime() -> Result<(), JsValue> {
    // One context for the page's life: browsers allow only a few.
    thread_local! {
        static CONTEXT: std::cell::RefCell<Option<AudioContext>> = const { std::cell::RefCell::new(None) };
    }
    let context = CONTEXT.with(|cell| -> Result<AudioContext, JsValue> {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(AudioContext::new()?);
        }
        Ok(cell.clone().expect("just made"))
    })?;
    let start = context.current_time();
    for (i, frequency) in [880.0_f32, 1_320.0].into_iter().enumerate() {
        let tone = context.create_oscillator()?;
        tone.set_type(OscillatorType::Sine);
        tone.frequency().set_value(frequency);
        let gain = context.create_gain()?;
        gain.gain().set_value(0.2);
        tone.connect_with_audio_node(&gain)?;
        gain.connect_with_audio_node(&context.destination())?;
        let at = start + 0.25 * i as f64;
        tone.start_with_when(at)?;
        tone.stop_with_when(at + 0.18)?;
    }
    crate::web::trace::mark("arrivals: chime");
    Ok(())
}
