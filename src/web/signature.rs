//! A signature pad (pointer events: finger, stylus or mouse) on a canvas; the
//! signature is stored as a PNG attachment like a photo.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/signature.js")]
extern "C" {
    #[wasm_bindgen(js_name = attachPad)]
    pub fn attach_pad(canvas: &web_sys::HtmlCanvasElement);
    #[wasm_bindgen(js_name = clearPad)]
    pub fn clear_pad(canvas: &web_sys::HtmlCanvasElement);
    #[wasm_bindgen(js_name = padPoints)]
    pub fn pad_points(canvas: &web_sys::HtmlCanvasElement) -> u32;
    #[wasm_bindgen(js_name = padPng, catch)]
    async fn pad_png(canvas: &web_sys::HtmlCanvasElement) -> Result<JsValue, JsValue>;
}

/// The drawn signature as PNG bytes.
pub async fn png(
    canvas: &web_sys::HtmlCanvasElement,
) -> Result<Vec<u8>, crate::web::photos::ImageError> {
    let bytes = pad_png(canvas)
        .await
        .map_err(|e| crate::web::photos::ImageError(format!("{e:?}")))?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}
