//! The supervisor's workbook writer on a helper worker (a classic web
//! worker, `gridcare-xlsx-worker_loader.js`, started by
//! `src/web/xlsx_worker.rs` when a ledger is exported as XLSX). The XLSX
//! writer (rust_xlsxwriter with its zip and deflate code) lives only here,
//! so the staff screens' module does not carry it. Links only the domain
//! crate.
//!
//! Messages in: one `WorkbookOrder` as JSON text. Out: `"ready"` once
//! listening, then the workbook's bytes (a `Uint8Array`, moved) or why it
//! could not be written (a string).

#[cfg(target_arch = "wasm32")]
mod worker {
    use gridcare_core::domain::supervision::export::{to_xlsx, WorkbookOrder};
    use js_sys::{Array, Uint8Array};
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn answer(order: JsValue) -> JsValue {
        let Some(text) = order.as_string() else {
            return JsValue::from_str("the order is not JSON text");
        };
        match serde_json::from_str::<WorkbookOrder>(&text) {
            Err(e) => JsValue::from_str(&e.to_string()),
            Ok(order) => match to_xlsx(&order.sheet, &order.title) {
                Ok(bytes) => Uint8Array::from(bytes.as_slice()).into(),
                Err(e) => JsValue::from_str(&e.to_string()),
            },
        }
    }

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply_to = scope.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let reply = answer(message.data());
            let transfer = match reply.dyn_ref::<Uint8Array>() {
                Some(bytes) => Array::of1(&bytes.buffer()),
                None => Array::new(),
            };
            let _ = reply_to.post_message_with_transfer(&reply, &transfer);
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // Listens for as long as the worker lives.
        on_message.forget();
        let _ = scope.post_message(&JsValue::from_str("ready"));
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("gridcare-xlsx-worker runs in the browser, started by the supervisor's ledger; the command-line tool is `gridcare`");
    std::process::ExitCode::FAILURE
}
