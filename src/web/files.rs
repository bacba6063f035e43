//! Files in and out: reading a chosen file's bytes, and handing an export to
//! the share sheet where the device has one, or downloading it otherwise.

use crate::i18n::{Key, Lang};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a file could not be read or offered. The browser's own words (in the
/// browser's language, for a developer's console) are kept as data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file could not be read ({0})")]
    Unreadable(String),
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("the file could not be saved or shared ({0})")]
    NotOffered(String),
}

impl FileError {
    /// What to tell the person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FileError::Unreadable(_) => Key::FileUnreadable.text(lang).to_string(),
            FileError::NotText => Key::FileNotText.text(lang).to_string(),
            FileError::NotOffered(_) => Key::FileNotOffered.text(lang).to_string(),
        }
    }
}

fn js_text(e: JsValue) -> String {
    format!("{e:?}")
}

/// The bytes of a file the user picked.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, FileError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| FileError::Unreadable(js_text(e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The file just chosen in an `<input type="file">`, which is emptied so the
/// same file can be chosen again.
pub fn take_chosen_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

/// A chosen file's text (UTF-8).
pub async fn read_text(file: &web_sys::File) -> Result<String, FileError> {
    String::from_utf8(read_bytes(file).await?).map_err(|_| FileError::NotText)
}

fn blob(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
}

/// Offers a JSON file: the Web Share API with a file where available (tablets),
/// a download otherwise. Returns `true` when it was shared.
pub async fn share_or_download(name: &str, text: &str) -> Result<bool, FileError> {
    offer_file(name, text.as_bytes(), "application/json").await
}

/// Offers any file (a ledger as CSV or XLSX, a bundle) by share sheet or download.
pub async fn offer_file(name: &str, bytes: &[u8], mime: &str) -> Result<bool, FileError> {
    let refused = |e: JsValue| FileError::NotOffered(js_text(e));
    let window = web_sys::window().ok_or_else(|| FileError::NotOffered("no window".into()))?;
    let blob = blob(bytes, mime).map_err(refused)?;
    if try_share(&window, name, &blob, mime).await {
        return Ok(true);
    }
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(refused)?;
    let document = window
        .document()
        .ok_or_else(|| FileError::NotOffered("no document".into()))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(refused)?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(false)
}

/// `navigator.share({files})`, looked up dynamically: not every browser has it.
async fn try_share(window: &web_sys::Window, name: &str, blob: &web_sys::Blob, mime: &str) -> bool {
    let navigator: JsValue = window.navigator().into();
    let get =
        |target: &JsValue, key: &str| js_sys::Reflect::get(target, &JsValue::from_str(key)).ok();
    let (Some(can_share), Some(share)) = (get(&navigator, "canShare"), get(&navigator, "share"))
    else {
        return false;
    };
    let (Some(can_share), Some(share)) = (
        can_share.dyn_ref::<js_sys::Function>(),
        share.dyn_ref::<js_sys::Function>(),
    ) else {
        return false;
    };
    let options = web_sys::FilePropertyBag::new();
    options.set_type(mime);
    let Ok(file) = web_sys::File::new_with_blob_sequence_and_options(
        &js_sys::Array::of1(blob),
        name,
        &options,
    ) else {
        return false;
    };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &data,
        &JsValue::from_str("files"),
        &js_sys::Array::of1(&file),
    );
    if can_share
        .call1(&navigator, &data)
        .ok()
        .and_then(|v| v.as_bool())
        != Some(true)
    {
        return false;
    }
    match share.call1(&navigator, &data) {
        Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await.is_ok(),
        Err(_) => false,
    }
}
