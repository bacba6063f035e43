//! The supervisor's workbook, written by its helper worker
//! (`src/xlsx_worker_main.rs`): the XLSX writer is a module of its own,
//! loaded only when a ledger is exported as XLSX (the service worker keeps
//! it for offline use like every other file of the build).

use super::worker::Helper;
use crate::domain::supervision::export::WorkbookOrder;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Trunk builds the worker under this name (index.html, `data-loader-shim`).
const SCRIPT: &str = "/gridcare-xlsx-worker_loader.js";

/// Why no workbook came back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkbookError {
    #[error("the workbook writer could not be started")]
    NoWriter,
    #[error("the workbook could not be written ({0})")]
    Refused(String),
}

/// The workbook's bytes, written on the helper worker.
pub async fn workbook(order: &WorkbookOrder) -> Result<Vec<u8>, WorkbookError> {
    let text = serde_json::to_string(order).map_err(|e| WorkbookError::Refused(e.to_string()))?;
    let helper = Helper::start(SCRIPT).ok_or(WorkbookError::NoWriter)?;
    if !helper.ready().await {
        return Err(WorkbookError::NoWriter);
    }
    helper.post(&JsValue::from_str(&text), &Array::new());
    drop(text);
    // A county's month of rows takes seconds on a slow tablet.
    let reply = helper
        .next_reply(120_000)
        .await
        .ok_or(WorkbookError::NoWriter)?;
    match reply.dyn_into::<Uint8Array>() {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(why) => Err(WorkbookError::Refused(why.as_string().unwrap_or_default())),
    }
}
