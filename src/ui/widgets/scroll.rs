//! Long tables (the crew queue, the ledger) draw only the rows on screen: the
//! table sits in a scrolling box, and spacer rows above and below stand in for
//! the rows that are not drawn.

use leptos::prelude::*;

/// The height of one row in px before it has been measured (see
/// `.virtual tbody tr` in main.css).
const ROW_HEIGHT: f64 = 56.0;
/// Rows rendered above and below the visible ones, so a fast flick does not
/// show blank space.
const OVERSCAN: usize = 4;
/// Printing draws every row, up to this many (a printout is for reading).
const PRINT_MAX: usize = 5_000;

/// Which rows of a long table are on screen: the scroll position and the height
/// of the viewport and of a row, measured from the page.
#[derive(Clone, Copy)]
pub struct ScrollWindow {
    pub top: RwSignal<f64>,
    viewport: RwSignal<f64>,
    pub row_height: RwSignal<f64>,
    /// Between `beforeprint` and `afterprint`: draw all rows, not a screenful.
    printing: RwSignal<bool>,
}

impl ScrollWindow {
    pub fn new() -> Self {
        Self {
            top: RwSignal::new(0.0),
            viewport: RwSignal::new(800.0),
            row_height: RwSignal::new(ROW_HEIGHT),
            printing: RwSignal::new(false),
        }
    }

    /// Draws every row while the page is being printed.
    pub fn print_all_rows(self) -> Self {
        let printing = self.printing;
        let before = window_event_listener_untyped("beforeprint", move |_| printing.set(true));
        let after = window_event_listener_untyped("afterprint", move |_| printing.set(false));
        on_cleanup(move || {
            before.remove();
            after.remove();
        });
        self
    }

    pub fn measure(&self, el: &web_sys::HtmlDivElement) {
        self.top.set(f64::from(el.scroll_top()));
        if el.client_height() > 0 {
            self.viewport.set(f64::from(el.client_height()));
        }
        if let Some(row) = el
            .query_selector("tbody tr:not(.spacer)")
            .ok()
            .flatten()
            .and_then(|r| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(r).ok())
        {
            if row.offset_height() > 0 {
                self.row_height.set(f64::from(row.offset_height()));
            }
        }
    }

    /// The half-open range of rows to render out of `total`.
    pub fn range(&self, total: usize) -> (usize, usize) {
        if self.printing.get() {
            return (0, total.min(PRINT_MAX));
        }
        let height = self.row_height.get().max(1.0);
        let first = ((self.top.get() / height) as usize)
            .saturating_sub(OVERSCAN)
            .min(total);
        let count = (self.viewport.get() / height).ceil() as usize + 2 * OVERSCAN;
        (first, (first + count).min(total))
    }

    /// Goes back to the top whenever `shown` (the filtered rows) changes, and
    /// measures the box once it is on the page.
    pub fn follow(self, scroller: NodeRef<leptos::html::Div>, shown: Memo<Vec<usize>>) -> Self {
        Effect::new(move |_| {
            shown.track();
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(0);
            }
            self.top.set(0.0);
        });
        Effect::new(move |_| {
            if let Some(el) = scroller.get() {
                self.measure(&el);
            }
        });
        self
    }

    /// The rows to draw now, with their position in `shown` (indices into `all`).
    pub fn window_of<T: Clone>(&self, shown: &[usize], all: &[T]) -> Vec<(usize, T)> {
        let (first, last) = self.range(shown.len());
        shown[first..last]
            .iter()
            .enumerate()
            .map(|(at, &i)| (first + at, all[i].clone()))
            .collect()
    }

    /// The CSS height of the spacer above (`above`) or below the drawn rows.
    pub fn padding(&self, total: usize, above: bool) -> String {
        let (first, last) = self.range(total);
        let rows_out = if above { first } else { total - last };
        format!("{}px", rows_out as f64 * self.row_height.get())
    }
}
