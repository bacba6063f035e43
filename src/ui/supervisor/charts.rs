//! Charts drawn by the app as inline SVG (no chart library, works offline and
//! prints crisply): horizontal bars, a line, and stacked bars. Each has a
//! title for screen readers; the figures also appear in a table under it.

use leptos::prelude::*;

/// One bar: its label, its length, and the figure written beside it.
#[derive(Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

const WIDTH: f64 = 640.0;
const LABEL: f64 = 170.0;
const ROW: f64 = 26.0;
/// Room kept right of the longest bar for its figure ("173 (40.6%)" at the
/// labels' size), so no figure is cut at the chart's edge.
const VALUE_ROOM: f64 = 130.0;

fn max_of(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE)
}

#[component]
pub fn BarChart(title: String, bars: Vec<Bar>) -> impl IntoView {
    let max = max_of(bars.iter().map(|b| b.value));
    let span = WIDTH - LABEL - VALUE_ROOM;
    let height = ROW * bars.len() as f64 + 8.0;
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=label>
            <title>{title}</title>
            {bars
                .into_iter()
                .enumerate()
                .map(|(i, b)| {
                    let y = 4.0 + i as f64 * ROW;
                    let w = (b.value / max * span).max(if b.value > 0.0 { 2.0 } else { 0.0 });
                    view! {
                        <g>
                            <text class="label" x=LABEL - 8.0 y=y + 17.0 text-anchor="end">
                                {b.label}
                            </text>
                            <rect
                                class="bar s0"
                                x=LABEL
                                y=y + 3.0
                                width=w
                                height=ROW - 8.0
                                rx="2"
                            ></rect>
                            <text class="value" x=LABEL + w + 6.0 y=y + 17.0>
                                {b.shown}
                            </text>
                        </g>
                    }
                })
                .collect_view()}
        </svg>
    }
}

#[component]
pub fn LineChart(title: String, points: Vec<(String, f64)>) -> impl IntoView {
    let (height, top, bottom, left) = (220.0, 24.0, 40.0, 40.0);
    let max = max_of(points.iter().map(|p| p.1));
    let n = points.len().max(2) as f64;
    let step = (WIDTH - left * 2.0) / (n - 1.0);
    let at = move |i: usize, v: f64| {
        (
            left + i as f64 * step,
            top + (1.0 - v / max) * (height - top - bottom),
        )
    };
    let path: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = at(i, p.1);
            format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" })
        })
        .collect();
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=label>
            <title>{title}</title>
            <line class="axis" x1=left y1=height - bottom x2=WIDTH - left y2=height - bottom></line>
            <path class="line" d=path fill="none"></path>
            {points
                .into_iter()
                .enumerate()
                .map(|(i, (label, v))| {
                    let (x, y) = at(i, v);
                    view! {
                        <g>
                            <circle class="dot" cx=x cy=y r="4"></circle>
                            <text class="value" x=x y=y - 8.0 text-anchor="middle">
                                {format!("{v}")}
                            </text>
                            <text class="label" x=x y=height - bottom + 18.0 text-anchor="middle">
                                {label}
                            </text>
                        </g>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// Rows of stacked segments (e.g. stations split by category), with a legend.
#[component]
pub fn StackedBars(
    title: String,
    series: Vec<String>,
    rows: Vec<(String, Vec<f64>)>,
) -> impl IntoView {
    let max = max_of(rows.iter().map(|r| r.1.iter().sum()));
    let span = WIDTH - LABEL - VALUE_ROOM;
    let legend_height = 24.0;
    let height = legend_height + ROW * rows.len() as f64 + 8.0;
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=label>
            <title>{title}</title>
            {series
                .into_iter()
                .enumerate()
                .map(|(i, name)| {
                    let x = 8.0 + i as f64 * 155.0;
                    view! {
                        <g>
                            <rect
                                class=format!("bar s{}", i % 6)
                                x=x
                                y="4"
                                width="12"
                                height="12"
                            ></rect>
                            <text class="label" x=x + 16.0 y="15">
                                {name}
                            </text>
                        </g>
                    }
                })
                .collect_view()}
            {rows
                .into_iter()
                .enumerate()
                .map(|(i, (label, parts))| {
                    let y = legend_height + i as f64 * ROW;
                    let total: f64 = parts.iter().sum();
                    let mut x = LABEL;
                    let segments = parts
                        .into_iter()
                        .enumerate()
                        .map(|(s, v)| {
                            let w = v / max * span;
                            let segment = view! {
                                <rect
                                    class=format!("bar s{}", s % 6)
                                    x=x
                                    y=y + 3.0
                                    width=w
                                    height=ROW - 8.0
                                ></rect>
                            };
                            x += w;
                            segment
                        })
                        .collect_view();
                    view! {
                        <g>
                            <text class="label" x=LABEL - 8.0 y=y + 17.0 text-anchor="end">
                                {label}
                            </text>
                            {segments}
                            <text class="value" x=x + 6.0 y=y + 17.0>
                                {total.to_string()}
                            </text>
                        </g>
                    }
                })
                .collect_view()}
        </svg>
    }
}
