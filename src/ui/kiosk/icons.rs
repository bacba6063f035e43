//! A simple picture on each kiosk tile, so a customer who reads slowly, or
//! not at all, finds the right one. Drawn as lines in the text's colour
//! (contrast comes with it) and hidden from screen readers: the tile's
//! words say the same.

use leptos::prelude::*;

/// The lines of a tile's picture, on a 48 × 48 grid.
fn paths(tile: &str) -> &'static [&'static str] {
    match tile {
        // A light bulb, struck through: no power.
        "outage" => &[
            "M24 6a12 12 0 0 0-7 21.7V33h14v-5.3A12 12 0 0 0 24 6z",
            "M18 38h12M20 43h8",
            "M8 8l32 32",
        ],
        // A lightning bolt: voltage and appliances.
        "voltage" => &["M27 4L12 27h11l-3 17 16-24H25z"],
        // A bill with the yuan sign.
        "billing" => &[
            "M12 4h18l8 8v32H12z",
            "M30 4v8h8",
            "M19 20l6 7 6-7M25 27v11M20 30h10M20 34h10",
        ],
        // A face: how staff treated me.
        "conduct" => &[
            "M24 6a18 18 0 1 0 0.01 0z",
            "M17 19h.01M31 19h.01",
            "M16 32c4-4 12-4 16 0",
        ],
        // A speech bubble: anything else, a suggestion, praise.
        "other" => &["M8 10h32v22H22l-8 8v-8H8z", "M15 18h18M15 24h12"],
        // A magnifying glass: find my ticket.
        "lookup" => &["M20 6a14 14 0 1 0 0.01 0z", "M30 30l12 12"],
        // A calculator.
        "tariff" => &[
            "M12 4h24v40H12z",
            "M17 9h14v8H17z",
            "M18 24h.01M24 24h.01M30 24h.01M18 31h.01M24 31h.01M30 31h.01M18 38h.01M24 38h.01M30 38h.01",
        ],
        _ => &[],
    }
}

/// The picture for a tile (`outage`, `voltage`, … `lookup`, `tariff`).
#[component]
pub fn TileIcon(tile: &'static str) -> impl IntoView {
    view! {
        <svg
            class="tile-icon"
            viewBox="0 0 48 48"
            aria-hidden="true"
            focusable="false"
            fill="none"
            stroke="currentColor"
            stroke-width="3"
            stroke-linecap="round"
            stroke-linejoin="round"
        >
            {paths(tile).iter().map(|d| view! { <path d=*d /> }).collect_view()}
        </svg>
    }
}
