//! Keeping the keyboard where the person left it when the screens are
//! rebuilt (the rules in force changed under them: at start-up once the log
//! brings a published table, by sync, by a publication). The new screen
//! holds the same fields with the same ids and values, but the browser
//! drops the focus with the old element, and the next keys typed would go
//! nowhere.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

/// The focused field, by id, with its caret or selection.
pub struct Focus {
    id: String,
    selection: Option<(JsValue, JsValue)>,
}

/// The field that has the keyboard now, if it has an id to find it again by.
pub fn remember() -> Option<Focus> {
    let active = web_sys::window()?.document()?.active_element()?;
    let id = active.id();
    if id.is_empty() {
        return None;
    }
    // Text fields only: a button or a select has no caret to keep.
    let read = |name: &str| js_sys::Reflect::get(&active, &JsValue::from_str(name)).ok();
    let selection = match (read("selectionStart"), read("selectionEnd")) {
        (Some(start), Some(end)) if start.as_f64().is_some() => Some((start, end)),
        _ => None,
    };
    Some(Focus { id, selection })
}

impl Focus {
    /// Gives the keyboard back to the field of the same id, once the new
    /// screen is in the page, unless the person has moved on meanwhile.
    pub fn restore_after_mount(self) {
        leptos::prelude::queue_microtask(move || {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let body_has_it = document.active_element().is_none_or(|el| {
                document
                    .body()
                    .is_some_and(|body| body.unchecked_ref::<web_sys::Element>() == &el)
            });
            if !body_has_it {
                return;
            }
            let Some(field) = document
                .get_element_by_id(&self.id)
                .and_then(|el| el.dyn_into::<HtmlElement>().ok())
            else {
                return;
            };
            let _ = field.focus();
            if let Some((start, end)) = self.selection {
                let _ = js_sys::Reflect::set(&field, &JsValue::from_str("selectionStart"), &start);
                let _ = js_sys::Reflect::set(&field, &JsValue::from_str("selectionEnd"), &end);
            }
        });
    }
}

/// Gives the keyboard to the element of `id` (and scrolls it into view), if
/// it is in the page.
pub fn focus_by_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
