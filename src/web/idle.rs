//! How long nobody has touched the device: the one watcher behind every
//! "after a while without a touch" (the kiosk going home, its larger text
//! reset, the staff PIN relock, the vault's idle lock).

use leptos::ev;
use leptos::prelude::*;
use std::time::Duration;

/// When someone last touched, pressed a key or typed in this window.
#[derive(Clone, Copy)]
pub struct LastTouch(StoredValue<f64>);

impl LastTouch {
    /// Counts as a touch now (for example "再看一会").
    pub fn touch(self) {
        self.0.set_value(js_sys::Date::now());
    }

    pub fn idle_seconds(self) -> f64 {
        (js_sys::Date::now() - self.0.get_value()) / 1000.0
    }
}

/// Calls `tick` every `every` with the seconds since the last touch, for as
/// long as the reactive owner that called this lives (its listeners and
/// timer go with it).
pub fn watch_idle(every: Duration, tick: impl Fn(f64) + 'static) -> LastTouch {
    let last = LastTouch(StoredValue::new(js_sys::Date::now()));
    let handles = [
        window_event_listener(ev::pointerdown, move |_| last.touch()),
        window_event_listener(ev::keydown, move |_| last.touch()),
        // Typing by an on-screen keyboard or a scanner fires no keydown.
        window_event_listener(ev::input, move |_| last.touch()),
    ];
    let timer = set_interval_with_handle(move || tick(last.idle_seconds()), every).ok();
    on_cleanup(move || {
        for handle in handles {
            handle.remove();
        }
        if let Some(timer) = timer {
            timer.clear();
        }
    });
    last
}
