//! Named phases of long work (start-up, import, export) as User Timing
//! measures: DevTools' performance panel shows them, and the benchmark suite
//! reads them to print where the time goes. Only phases of 20 ms or more are
//! kept, so everyday actions leave nothing behind.

use wasm_bindgen::JsValue;

/// Measures from `start` until dropped.
pub struct Phase {
    name: &'static str,
    start: f64,
}

impl Phase {
    pub fn start(name: &'static str) -> Phase {
        Phase { name, start: now() }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        record(self.name, self.start, now());
    }
}

fn record(name: &str, start: f64, end: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    if end - start < 20.0 {
        return;
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &end.into());
    if let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into()) {
        let measure: js_sys::Function = measure.into();
        let _ = measure.call2(&performance, &JsValue::from_str(name), &options);
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Marks a moment worth finding later (a fallback taken, say), whatever its
/// duration.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
