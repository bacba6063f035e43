//! Named phases of long work (start-up, import, export) as User Timing
//! measures: DevTools' performance panel shows them, and the benchmark suite
//! reads them to print where the time goes. Only phases of 20 ms or more are
//! kept, so everyday actions leave nothing behind.

use super::heap;
use wasm_bindgen::JsValue;

/// Measures from `start` until dropped.
pub struct Phase {
    name: &'static str,
    start: f64,
    /// The enclosing phase's peak of live bytes when this one began.
    outer_peak: usize,
}

impl Phase {
    pub fn start(name: &'static str) -> Phase {
        Phase {
            name,
            start: now(),
            outer_peak: heap::open_window(),
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        let peak = heap::close_window(self.outer_peak);
        record(self.name, self.start, now(), peak);
    }
}

/// Keeps a measure with, as its detail, the most bytes alive during it and
/// those alive at its end (`{"peak":…,"live":…}`), for the benchmarks.
fn record(name: &str, start: f64, end: f64, peak: usize) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    if end - start < 20.0 {
        return;
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &end.into());
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"peak".into(), &(peak as f64).into());
    let _ = js_sys::Reflect::set(&detail, &"live".into(), &(heap::live() as f64).into());
    let grown: Vec<String> = heap::take_growths()
        .iter()
        .map(|(size, live, memory)| format!("{}K@{}M→{}M", size >> 10, live >> 20, memory >> 20))
        .collect();
    let _ = js_sys::Reflect::set(&detail, &"grown".into(), &grown.join(" ").into());
    let _ = js_sys::Reflect::set(&options, &"detail".into(), &detail);
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
