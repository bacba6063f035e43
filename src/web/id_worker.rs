//! The import page's side of its helper worker (`src/id_worker_main.rs`):
//! the validation leaves the checksum and the ids of new events to it
//! (`Validation::ids_elsewhere`), and the worker hashes them on the other
//! core while this thread reads events. Measured with 300,000 events: the
//! ids alone were about 0.3 s of SHA-256 on this thread.
//!
//! Anything unexpected (no workers, the script missing, an error inside it)
//! makes the worker report nothing, and the caller then checks the file
//! without it.

use crate::domain::bundle::{ChecksumPart, IdsChecked};
use js_sys::{Array, Promise, Uint32Array, Uint8Array};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// Trunk builds the worker under this name (index.html, `data-loader-shim`).
const SCRIPT: &str = "/gridcare-id-worker_loader.js";

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

pub struct IdWorker {
    worker: Worker,
    inbox: Rc<RefCell<Inbox>>,
    // Kept for as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl IdWorker {
    /// Starts the worker loading; `None` where there are no workers.
    pub fn start() -> Option<IdWorker> {
        let worker = Worker::new(SCRIPT).ok()?;
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
        Some(IdWorker {
            worker,
            inbox,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// The worker's next reply; `None` once it has failed or after
    /// `patience_ms` without a word (a worker that hangs must not hang the
    /// import: the caller then checks the file itself).
    async fn next_reply(&self, patience_ms: i32) -> Option<JsValue> {
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
        self.next_reply(5_000)
            .await
            .and_then(|r| r.as_string())
            .as_deref()
            == Some("ready")
    }

    /// Hands one slice's bytes over (moved, not copied, into the worker).
    pub fn send(&self, part: &ChecksumPart) {
        let bytes = Uint8Array::from(part.bytes.as_slice());
        let spans = Uint32Array::from(part.id_spans.as_slice());
        let message = Array::of2(&bytes, &spans);
        let transfer = Array::of2(&bytes.buffer(), &spans.buffer());
        if self
            .worker
            .post_message_with_transfer(&message, &transfer)
            .is_err()
        {
            self.inbox.borrow_mut().failed = true;
        }
    }

    /// The checksum of every byte sent and what the worker found checking
    /// the ids; `None` if it failed on the way.
    pub async fn finish(self) -> Option<(String, IdsChecked)> {
        if self.inbox.borrow().failed {
            return None;
        }
        self.worker
            .post_message(&JsValue::from_str("finish"))
            .ok()?;
        // It hashes about as fast as this thread reads events, so little is
        // left by now; a minute covers a slow tablet with a huge file.
        let report = Array::from(&self.next_reply(60_000).await?);
        let checksum = report.get(0).as_string()?;
        let checked = report.get(1).as_f64()? as usize;
        let first_wrong = report.get(2).as_f64().map(|index| index as usize);
        Some((
            checksum,
            IdsChecked {
                checked,
                first_wrong,
            },
        ))
    }
}

impl Drop for IdWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
