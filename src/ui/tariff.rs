//! The bill trial calculator (电费试算), for customers at the kiosk and staff
//! on the tablet: usage in, the bill broken down by tier or period, a chart of
//! where the usage falls in the tiers, and a side-by-side comparison with
//! another usage ("your 500 kWh vs your neighbour's 300 kWh", 003 §五(二)).

use crate::domain::tariff::{Basis, Bill, Kwh, LineKind, TariffTable};
use crate::i18n::{Key, Lang};
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tiered,
    TimeOfUse,
}

fn tier_name(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第{n}档"),
        Lang::En => format!("Tier {n}"),
    }
}

fn line_label(kind: &LineKind, table: &TariffTable, lang: Lang) -> String {
    match kind {
        LineKind::Tier(n) => tier_name(*n, lang),
        LineKind::TierSurcharge(n) => {
            format!("{} {}", tier_name(*n, lang), Key::Surcharge.text(lang))
        }
        LineKind::Period(code) => table
            .time_of_use
            .iter()
            .find(|p| &p.code == code)
            .map(|p| format!("{} ({})", lang.pick(&p.zh, &p.en), p.hours))
            .unwrap_or_else(|| code.clone()),
    }
}

/// A horizontal bar of the tiers with a marker for each usage.
fn tier_chart(
    table: &TariffTable,
    basis: Basis,
    usages: &[(String, Kwh)],
    lang: Lang,
) -> impl IntoView {
    let bounds = table.bounds(basis);
    let highest = usages.iter().map(|u| u.1 .0).max().unwrap_or(0);
    let last_bound = bounds.iter().flatten().map(|b| b.0).max().unwrap_or(1);
    let span = (last_bound + last_bound / 3)
        .max(highest + highest / 10)
        .max(1) as f64;
    let (width, left, right) = (640.0, 10.0, 10.0);
    let x = move |kwh: i64| left + kwh as f64 / span * (width - left - right);
    let mut from = 0i64;
    let segments = bounds
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let to = b.map(|b| b.0).unwrap_or(span as i64);
            let (x0, x1) = (x(from), x(to));
            let label = tier_name(i + 1, lang);
            let edge = b.map(|b| b.to_string());
            from = to;
            view! {
                <g>
                    <rect
                        class=format!("bar s{}", i % 6)
                        x=x0
                        y="30"
                        width=(x1 - x0).max(0.0)
                        height="24"
                        opacity="0.35"
                    ></rect>
                    <text class="label" x=(x0 + x1) / 2.0 y="47" text-anchor="middle">
                        {label}
                    </text>
                    {edge
                        .map(|e| {
                            view! {
                                <text class="value" x=x1 y="72" text-anchor="middle">
                                    {e}
                                </text>
                            }
                        })}
                </g>
            }
        })
        .collect_view();
    let markers = usages
        .iter()
        .enumerate()
        .map(|(i, (who, kwh))| {
            let mx = x(kwh.0);
            let y = 18.0 - i as f64 * 0.0;
            view! {
                <g>
                    <line class="marker" x1=mx y1="24" x2=mx y2="60"></line>
                    <text class="value" x=mx y=if i == 0 { y } else { 90.0 } text-anchor="middle">
                        {format!("{who} {kwh}")}
                    </text>
                </g>
            }
        })
        .collect_view();
    let title = Key::WhereInTiers.text(lang);
    view! {
        <svg class="chart" viewBox="0 0 640 100" role="img" aria-label=title>
            <title>{title}</title>
            {segments}
            {markers}
        </svg>
    }
}

fn bill_table(bill: &Bill, table: &TariffTable, lang: Lang, testid: &'static str) -> impl IntoView {
    view! {
        <table class="figures bill" data-testid=testid>
            <thead>
                <tr>
                    <th>{Key::BillLine.text(lang)}</th>
                    <th>{Key::KwhColumn.text(lang)}</th>
                    <th>{Key::PriceColumn.text(lang)}</th>
                    <th>{Key::AmountColumn.text(lang)}</th>
                </tr>
            </thead>
            <tbody>
                {bill
                    .lines
                    .iter()
                    .map(|l| {
                        view! {
                            <tr>
                                <td>{line_label(&l.what, table, lang)}</td>
                                <td class="num">{l.kwh.to_string()}</td>
                                <td class="num">{l.price.to_string()}</td>
                                <td class="num">{l.amount.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th colspan="3">{Key::BillTotal.text(lang)}</th>
                    <th class="num" data-field="total">
                        {bill.total.to_string()}
                    </th>
                </tr>
            </tfoot>
        </table>
    }
}

/// A number field for kWh that says what is wrong next to itself.
#[component]
fn KwhInput(label: Key, value: RwSignal<String>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let bad = move || {
        let v = value.get();
        !v.trim().is_empty() && Kwh::parse(&v).is_err()
    };
    view! {
        <label>
            {i18n.t(label)}
            <input
                type="text"
                inputmode="decimal"
                data-testid=testid
                prop:value=move || value.get()
                aria-invalid=move || bad().to_string()
                on:input=move |ev| value.set(event_target_value(&ev))
            /> <Show when=bad>
                <span class="field-error" role="alert">
                    {i18n.t(Key::KwhInvalid)}
                </span>
            </Show>
        </label>
    }
}

#[component]
pub fn TariffCalculator(#[prop(optional)] prefill: Option<Kwh>) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.tariff.clone();
    let mode = RwSignal::new(Mode::Tiered);
    let basis = RwSignal::new(Basis::Month);
    let usage = RwSignal::new(prefill.map(|k| k.to_string()).unwrap_or_default());
    let peak = RwSignal::new(String::new());
    let valley = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let parse = |s: RwSignal<String>| Kwh::parse(&s.get()).ok();
    let sample = table.sample;
    let title = (table.title.zh.clone(), table.title.en.clone());
    let version = table.version.clone();
    let result = move || {
        let lang = i18n.lang.get();
        let b = basis.get();
        let mine = match mode.get() {
            Mode::Tiered => parse(usage).map(|u| table.tiered(u, b)),
            Mode::TimeOfUse => match (parse(peak), parse(valley)) {
                (Some(p), Some(v)) => {
                    Some(table.time_of_use(&[("peak".into(), p), ("valley".into(), v)], b))
                }
                _ => None,
            },
        }?;
        let theirs = parse(other).map(|u| table.tiered(u, b));
        let you = Key::YourUsage.text(lang).to_string();
        let mut usages = vec![(you.clone(), mine.usage)];
        if let Some(t) = &theirs {
            usages.push((Key::OtherUsage.text(lang).to_string(), t.usage));
        }
        let tier_text = |bill: &Bill| tier_name(bill.top_tier, lang);
        Some(view! {
            <div class="bill-result" data-testid="bill" data-top-tier=mine.top_tier>
                <p class="lede">
                    {Key::YourBill.text(lang)} " "
                    <strong data-testid="bill-total">{mine.total.to_string()}</strong> " "
                    {Key::Yuan.text(lang)} " · " {Key::ReachesTier.text(lang)} " "
                    <strong>{tier_text(&mine)}</strong>
                </p>
                {bill_table(&mine, &table, lang, "bill-lines")}
                {tier_chart(&table, b, &usages, lang)}
                {theirs
                    .map(|t| {
                        view! {
                            <div class="compare" data-testid="compare">
                                <h3>{Key::Comparison.text(lang)}</h3>
                                <p>
                                    {format!(
                                        "{} {} kWh → {} · {} {}",
                                        you,
                                        mine.usage,
                                        tier_text(&mine),
                                        mine.total,
                                        Key::Yuan.text(lang),
                                    )}<br />
                                    {format!(
                                        "{} {} kWh → {} · {} {}",
                                        Key::OtherUsage.text(lang),
                                        t.usage,
                                        tier_text(&t),
                                        t.total,
                                        Key::Yuan.text(lang),
                                    )}
                                </p>
                                <p class="meta">{Key::CompareExplain.text(lang)}</p>
                                {bill_table(&t, &table, lang, "compare-lines")}
                            </div>
                        }
                    })}
            </div>
        })
    };
    view! {
        <section class="tariff" data-testid="tariff">
            <h2>{i18n.t(Key::BillCalculator)}</h2>
            {sample
                .then(|| {
                    view! {
                        <p class="warning" role="note" data-testid="tariff-sample">
                            {i18n.t(Key::SampleTariff)}
                        </p>
                    }
                })}
            <p class="meta">
                {move || i18n.lang.get().pick(&title.0, &title.1).to_string()} " · "
                {version.clone()}
            </p>
            <div class="row" role="group" aria-label=i18n.t(Key::BillCalculator)>
                <button
                    type="button"
                    aria-pressed=move || (mode.get() == Mode::Tiered).to_string()
                    on:click=move |_| mode.set(Mode::Tiered)
                >
                    {i18n.t(Key::TieredMode)}
                </button>
                <button
                    type="button"
                    data-testid="tou-mode"
                    aria-pressed=move || (mode.get() == Mode::TimeOfUse).to_string()
                    on:click=move |_| mode.set(Mode::TimeOfUse)
                >
                    {i18n.t(Key::TouMode)}
                </button>
                <label>
                    {i18n.t(Key::Period)}
                    <select on:change=move |ev| {
                        basis
                            .set(
                                if event_target_value(&ev) == "year" {
                                    Basis::Year
                                } else {
                                    Basis::Month
                                },
                            )
                    }>
                        <option value="month">{i18n.t(Key::PerMonth)}</option>
                        <option value="year">{i18n.t(Key::PerYear)}</option>
                    </select>
                </label>
            </div>
            <div class="row">
                <Show
                    when=move || mode.get() == Mode::Tiered
                    fallback=move || {
                        view! {
                            <KwhInput label=Key::PeakKwh value=peak testid="peak-kwh" />
                            <KwhInput label=Key::ValleyKwh value=valley testid="valley-kwh" />
                        }
                    }
                >
                    <KwhInput label=Key::UsageKwh value=usage testid="usage-kwh" />
                </Show>
                <KwhInput label=Key::OtherKwh value=other testid="other-kwh" />
            </div>
            {result}
        </section>
    }
}

/// `/tariff`, optionally `?kwh=500` (opened from a billing ticket).
#[component]
pub fn TariffPage() -> impl IntoView {
    let query = use_query_map();
    let prefill = query
        .with_untracked(|q| q.get("kwh"))
        .and_then(|k| Kwh::parse(&k).ok());
    view! { <TariffCalculator prefill=prefill.unwrap_or_default() /> }
}
