//! A helper worker of this app's own (a wasm module Trunk builds with a
//! loader script, `data-loader-shim`): started when a page needs it, it
//! says "ready" once listening, then answers the messages posted to it.
//! Two use it: the import's id and checksum hashing (`id_worker`), and the
//! supervisor's workbook writer (`xlsx_worker`), which keeps the XLSX
//! writer out of the staff screens' module.
//!
//! Anything unexpected (no workers, the script missing, an error inside it,
//! no word within the patience given) makes the helper report nothing, and
//! the caller decides what to do without it.

use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's replies as they arrive, and whether it has failed.
#[derive(Default)]
struct Inbox {
    replies: VecDeque<JsValue>,
    failed: bool,
    /// Resolves the promise of whoever waits for the next reply.
    wake: Option<js_sys::Function>,
}

impl Inbox {
    fn wake(&mut self) {
        if let Some(wake) = self.wake.take() {
            let _ = wake.call0(&JsValue::NULL);
        }
    }
}

/// A running helper; dropping it stops the worker.
pub struct Helper {
    worker: Worker,
    inbox: Rc<RefCell<Inbox>>,
    // Kept for as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Helper {
    /// Starts the worker at `script` loading; `None` where there are no
    /// workers.
    pub fn start(script: &str) -> Option<Helper> {
        let worker = Worker::new(script).ok()?;
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let mut inbox = inbox.borrow_mut();
                inbox.replies.push_back(message.data());
                inbox.wake();
            })
        };
        let on_error = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                let mut inbox = inbox.borrow_mut();
                inbox.failed = true;
                inbox.wake();
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Helper {
            worker,
            inbox,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Whether the worker has failed (or been given up on).
    pub fn failed(&self) -> bool {
        self.inbox.borrow().failed
    }

    /// The worker's next reply; `None` once it has failed or after
    /// `patience_ms` without a word (a worker that hangs must not hang the
    /// page).
    pub async fn next_reply(&self, patience_ms: i32) -> Option<JsValue> {
        let window = web_sys::window()?;
        let deadline = js_sys::Date::now() + f64::from(patience_ms);
        loop {
            let wait = {
                let mut inbox = self.inbox.borrow_mut();
                if inbox.failed {
                    return None;
                }
                if let Some(reply) = inbox.replies.pop_front() {
                    return Some(reply);
                }
                if js_sys::Date::now() >= deadline {
                    inbox.failed = true;
                    return None;
                }
                let mut wake = None;
                let promise = Promise::new(&mut |resolve, _| wake = Some(resolve));
                if let Some(wake) = &wake {
                    let _ = window
                        .set_timeout_with_callback_and_timeout_and_arguments_0(wake, patience_ms);
                }
                inbox.wake = wake;
                promise
            };
            let _ = JsFuture::from(wait).await;
        }
    }

    /// Whether the worker is up and listening (it loads in tens of
    /// milliseconds; a few seconds without it and the page goes on alone).
    pub async fn ready(&self) -> bool {
        self.ready_as("ready").await
    }

    /// Whether the worker is up and says `word`: a worker whose messages
    /// changed says another word, so that a page and a worker of different
    /// versions (one of them cached) do not talk past each other.
    pub async fn ready_as(&self, word: &str) -> bool {
        self.next_reply(5_000)
            .await
            .and_then(|r| r.as_string())
            .as_deref()
            == Some(word)
    }

    /// Posts `message`, moving the buffers in `transfer` into the worker
    /// instead of copying them.
    pub fn post(&self, message: &JsValue, transfer: &Array) {
        if self
            .worker
            .post_message_with_transfer(message, transfer)
            .is_err()
        {
            self.inbox.borrow_mut().failed = true;
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
