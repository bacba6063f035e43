//! Reading a receipt's QR code with the kiosk's camera, where the browser
//! offers the Barcode Detection API (Chromium on Android, ChromeOS and
//! macOS; not Linux or Windows desktops) and a camera. Elsewhere the kiosk
//! shows no scan button and the number is typed. Calls go through
//! `Reflect` on purpose: neither API needs a web-sys feature, and the
//! detector is not in web-sys at all.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(target, name)
        .ok_or_else(|| JsValue::from_str(name))?
        .dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

fn media_devices() -> Option<JsValue> {
    get(&web_sys::window()?.navigator(), "mediaDevices")
}

/// Whether this device can scan: a barcode detector and a camera API.
pub fn available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    get(&window, "BarcodeDetector").is_some()
        && media_devices().is_some_and(|m| get(&m, "getUserMedia").is_some())
}

/// Why a scan ended without a number.
#[derive(Clone, Debug, PartialEq)]
pub enum ScanError {
    /// No camera, or the person (or the kiosk's policy) did not allow it.
    NoCamera,
    /// Nothing readable within the time allowed.
    NothingFound,
}

/// The camera, shown in `video` while it looks.
pub struct Camera {
    stream: JsValue,
    video: web_sys::HtmlElement,
}

impl Camera {
    /// Opens the back camera (the front one where there is no other) into
    /// `video`, muted and inline so that it plays without a tap.
    pub async fn open(video: web_sys::HtmlElement) -> Result<Camera, ScanError> {
        let devices = media_devices().ok_or(ScanError::NoCamera)?;
        let constraints = Object::new();
        let facing = Object::new();
        let _ = Reflect::set(&facing, &"ideal".into(), &"environment".into());
        let _ = Reflect::set(&constraints, &"video".into(), &facing.into());
        let _ = Reflect::set(&constraints, &"audio".into(), &JsValue::FALSE);
        let asked = call(&devices, "getUserMedia", &[constraints.into()])
            .map_err(|_| ScanError::NoCamera)?;
        let stream = JsFuture::from(Promise::from(asked))
            .await
            .map_err(|_| ScanError::NoCamera)?;
        let _ = Reflect::set(&video, &"muted".into(), &JsValue::TRUE);
        let _ = Reflect::set(&video, &"playsInline".into(), &JsValue::TRUE);
        let _ = Reflect::set(&video, &"srcObject".into(), &stream);
        if let Ok(playing) = call(&video, "play", &[]) {
            let _ = JsFuture::from(Promise::from(playing)).await;
        }
        Ok(Camera { stream, video })
    }

    /// Looks for a QR code, a few times a second, for up to `seconds`, or
    /// until `cancelled` says so. Returns the first code's text.
    pub async fn read_qr(
        &self,
        seconds: u32,
        cancelled: impl Fn() -> bool,
    ) -> Result<String, ScanError> {
        let window = web_sys::window().ok_or(ScanError::NoCamera)?;
        let class: Function = get(&window, "BarcodeDetector")
            .ok_or(ScanError::NoCamera)?
            .dyn_into()
            .map_err(|_| ScanError::NoCamera)?;
        let options = Object::new();
        let _ = Reflect::set(
            &options,
            &"formats".into(),
            &Array::of1(&"qr_code".into()).into(),
        );
        let detector = Reflect::construct(&class, &Array::of1(&options.into()))
            .map_err(|_| ScanError::NoCamera)?;
        const EVERY_MS: i32 = 250;
        for _ in 0..(seconds as i32 * 1000 / EVERY_MS) {
            if cancelled() {
                break;
            }
            if let Ok(found) = call(&detector, "detect", &[self.video.clone().into()]) {
                if let Ok(codes) = JsFuture::from(Promise::from(found)).await {
                    let first = Array::from(&codes).get(0);
                    if let Some(text) = get(&first, "rawValue").and_then(|v| v.as_string()) {
                        return Ok(text);
                    }
                }
            }
            crate::web::tasks::sleep(EVERY_MS).await;
        }
        Err(ScanError::NothingFound)
    }
}

impl Drop for Camera {
    /// The camera's light goes out as soon as the scan ends.
    fn drop(&mut self) {
        if let Ok(tracks) = call(&self.stream, "getTracks", &[]) {
            for track in Array::from(&tracks).iter() {
                let _ = call(&track, "stop", &[]);
            }
        }
        let _ = Reflect::set(&self.video, &"srcObject".into(), &JsValue::NULL);
    }
}
