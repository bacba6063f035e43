//! Photos from the camera or a file, downscaled on the device.

use wasm_bindgen::prelude::*;

/// Longest side of a stored photo, in pixels: enough to read a meter or a
/// nameplate, small enough that months of photos fit on a tablet.
pub const MAX_SIDE: u32 = 1280;
const JPEG_QUALITY: f64 = 0.8;

#[wasm_bindgen(module = "/src/web/photo.js")]
extern "C" {
    #[wasm_bindgen(js_name = downscaleImage, catch)]
    async fn downscale_image(
        file: &web_sys::File,
        max_side: u32,
        quality: f64,
    ) -> Result<JsValue, JsValue>;
}

/// The browser could not decode or draw an image (a file that is not a
/// picture, a format it does not know); its own words are the detail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the image could not be read: {0}")]
pub struct ImageError(pub String);

/// The photo as JPEG bytes, at most `MAX_SIDE` pixels per side.
pub async fn downscale(file: &web_sys::File) -> Result<Vec<u8>, ImageError> {
    let bytes = downscale_image(file, MAX_SIDE, JPEG_QUALITY)
        .await
        .map_err(|e| ImageError(format!("{e:?}")))?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}
