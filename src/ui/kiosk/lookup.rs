//! Looking up one's own ticket with its number and the phone's last four
//! digits. A wrong pair answers exactly like an unknown number, and repeated
//! failures make the next try wait longer (kept across resets of the screen).

use super::Screen;
use crate::domain::export::mask_phone;
use crate::domain::intake::phone_matches;
use crate::domain::labels::{event_key, status_key};
use crate::domain::lock::{lookup_key, normalise_ticket_number, ticket_named, LookupThrottle};
use crate::domain::time::china;
use crate::i18n::{Key, Term};
use crate::ui::state::data::use_data;
use crate::ui::state::use_i18n;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const FAILURES_KEY: &str = "gridcare.kiosk.lookup";

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn throttle() -> LookupThrottle {
    LocalStorage::get(FAILURES_KEY).unwrap_or_default()
}

/// Which look-up field the keypad types into.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Number,
    LastFour,
}

/// The digits of the phone the look-up asks for.
const LAST_FOUR: usize = 4;

#[derive(Clone)]
struct Found {
    number: String,
    status: crate::domain::ticket::Status,
    phone: String,
    timeline: Vec<(String, Term)>,
}

#[component]
pub fn Lookup(screen: RwSignal<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let number = RwSignal::new(String::new());
    let last_four = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<Found, Option<u64>>>);
    let typing = RwSignal::new(Field::Number);
    // The answer appears below the keypad, out of sight on a small screen:
    // brought into view as it comes, only as far as needed, so the number
    // just typed stays in view above it where the screen has room.
    let answer = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if result.with(Option::is_some) {
            if let Some(el) = answer.get_untracked() {
                let nearest = web_sys::ScrollIntoViewOptions::new();
                nearest.set_block(web_sys::ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&nearest);
            }
        }
    });

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = normalise_ticket_number(&number.get_untracked());
        let counted = lookup_key(&wanted);
        let mut counts = throttle();
        if let Some(wait) = counts.wait_ms(&counted, now_ms()) {
            result.set(Some(Err(Some((wait as u64).div_ceil(1000)))));
            return;
        }
        let digits = last_four.get_untracked();
        let found = data.tickets.with_untracked(|tickets| {
            let theirs = tickets
                .values()
                .filter(|t| phone_matches(t.contact.phone.as_deref(), &digits))
                .map(|t| (t.number.as_str(), t));
            ticket_named(&wanted, theirs).cloned()
        });
        match found {
            Some(t) => {
                counts.succeeded(&counted);
                let _ = LocalStorage::set(FAILURES_KEY, &counts);
                let timeline = untrack(|| data.events_of(&t.id))
                    .iter()
                    .map(|e| {
                        (
                            e.at.with_timezone(&china())
                                .format("%Y-%m-%d %H:%M")
                                .to_string(),
                            event_key(&e.body),
                        )
                    })
                    .collect();
                result.set(Some(Ok(Found {
                    number: t.number.clone(),
                    status: t.status,
                    phone: t
                        .contact
                        .phone
                        .as_deref()
                        .map(mask_phone)
                        .unwrap_or_default(),
                    timeline,
                })));
            }
            None => {
                counts.failed(&counted, now_ms());
                let _ = LocalStorage::set(FAILURES_KEY, &counts);
                result.set(Some(Err(None)));
            }
        }
    };

    view! {
        <h1>{i18n.t(Key::LookUpMyTicket)}</h1>
        <form class="kiosk-form" on:submit=search>
            <label for="lookup-number">{i18n.t(Key::ReceiptNumber)}</label>
            <input
                id="lookup-number"
                autocomplete="off"
                aria-describedby="lookup-number-hint"
                class:typing=move || typing.get() == Field::Number
                prop:value=move || number.get()
                on:focus=move |_| typing.set(Field::Number)
                on:input=move |ev| number.set(event_target_value(&ev))
            />
            <small id="lookup-number-hint">{i18n.t(Key::LookupNumberHint)}</small>
            <label for="lookup-digits">{i18n.t(Key::LastFour)}</label>
            <input
                id="lookup-digits"
                inputmode="numeric"
                maxlength="4"
                autocomplete="off"
                class:typing=move || typing.get() == Field::LastFour
                prop:value=move || last_four.get()
                on:focus=move |_| typing.set(Field::LastFour)
                on:input=move |ev| last_four.set(event_target_value(&ev))
            />
            <ScanReceipt number=number typing=typing />
            <Keypad typing=typing number=number last_four=last_four />
            <div class="actions">
                <button type="button" on:click=move |_| screen.set(Screen::Home)>
                    {i18n.t(Key::Back)}
                </button>
                <button type="submit" class="primary">
                    {i18n.t(Key::Search)}
                </button>
            </div>
        </form>
        <div node_ref=answer>
            {move || {
                result
                    .get()
                    .map(|r| match r {
                        Ok(found) => {
                            view! {
                                <section class="lookup-result" data-testid="lookup-result">
                                    <h2>
                                        {i18n.t(Key::TicketStatus)} ": "
                                        <span data-testid="lookup-status">
                                            {i18n.t(status_key(found.status))}
                                        </span>
                                    </h2>
                                    <p>
                                        <code>{found.number}</code>
                                        " · "
                                        {found.phone}
                                    </p>
                                    <h3>{i18n.t(Key::Timeline)}</h3>
                                    <ol>
                                        {found
                                            .timeline
                                            .into_iter()
                                            .map(|(at, key)| view! { <li>{at} " " {i18n.t(key)}</li> })
                                            .collect_view()}
                                    </ol>
                                </section>
                            }
                                .into_any()
                        }
                        Err(None) => {
                            view! {
                                <p class="error" role="alert" data-testid="lookup-none">
                                    {i18n.t(Key::LookupNotFound)}
                                </p>
                            }
                                .into_any()
                        }
                        Err(Some(wait)) => {
                            view! {
                                <p class="error" role="alert" data-testid="lookup-wait">
                                    {i18n.t(Key::LookupWait)}
                                    " "
                                    {wait}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </div>
    }
}

/// A large on-screen keypad for the look-up: a kiosk has no keyboard, and
/// a phone-sized one is hard for older hands. It types into the field last
/// tapped; letters only where the ticket number has them.
#[component]
fn Keypad(
    typing: RwSignal<Field>,
    number: RwSignal<String>,
    last_four: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = move || match typing.get_untracked() {
        Field::Number => number,
        Field::LastFour => last_four,
    };
    let press = move |key: char| {
        let full = typing.get_untracked() == Field::LastFour
            && last_four.with_untracked(|s| s.chars().count() >= LAST_FOUR);
        if !full {
            field().update(|s| s.push(key));
        }
    };
    let key = move |key: char| {
        view! {
            <button
                type="button"
                data-key=key.to_string()
                on:mousedown=|ev| ev.prevent_default()
                on:click=move |_| press(key)
            >
                {key.to_string()}
            </button>
        }
    };
    view! {
        <div class="keypad" role="group" aria-label=i18n.t(Key::Keypad) data-testid="keypad">
            <div class="digits">{"1234567890".chars().map(key).collect_view()}</div>
            <Show when=move || typing.get() == Field::Number>
                <div class="letters">{"ABCDEF".chars().map(key).collect_view()}</div>
            </Show>
            <div class="edit">
                <EditKey
                    name="back"
                    on_press=move || {
                        field()
                            .update(|s| {
                                s.pop();
                            })
                    }
                >
                    {i18n.t(Key::KeyBack)}
                </EditKey>
                <EditKey name="clear" on_press=move || field().set(String::new())>
                    {i18n.t(Key::KeyClear)}
                </EditKey>
                <EditKey
                    name="next"
                    on_press=move || {
                        typing
                            .update(|t| {
                                *t = match t {
                                    Field::Number => Field::LastFour,
                                    Field::LastFour => Field::Number,
                                };
                            })
                    }
                >
                    {move || match typing.get() {
                        Field::Number => i18n.t(Key::KeyToDigits)(),
                        Field::LastFour => i18n.t(Key::KeyToNumber)(),
                    }}
                </EditKey>
            </div>
        </div>
    }
}

/// A keypad key that edits rather than types. Pressing it leaves the focus
/// where it was, so a keyboard and the keypad can be used in turn.
#[component]
fn EditKey(name: &'static str, on_press: impl Fn() + 'static, children: Children) -> impl IntoView {
    view! {
        <button
            type="button"
            data-key=name
            on:mousedown=|ev| ev.prevent_default()
            on:click=move |_| on_press()
        >
            {children()}
        </button>
    }
}

/// "扫描回执上的二维码": the receipt's QR code holds its number. Read with
/// the kiosk's camera where the browser can (`web::scan`); the number goes
/// into its field and the keypad moves on to the phone's last digits.
#[component]
fn ScanReceipt(number: RwSignal<String>, typing: RwSignal<Field>) -> impl IntoView {
    use crate::web::scan::{self, Camera, ScanError};
    use std::cell::Cell;
    use std::rc::Rc;
    let i18n = use_i18n();
    let scanning = RwSignal::new(false);
    let failed = RwSignal::new(None::<ScanError>);
    let video = NodeRef::<leptos::html::Video>::new();
    // Shared with the scan under way: the screen may go (home, idle) first.
    let cancelled = StoredValue::new_local(Rc::new(Cell::new(false)));
    on_cleanup(move || cancelled.with_value(|c| c.set(true)));
    let start = move |_| {
        failed.set(None);
        scanning.set(true);
        let stop = cancelled.with_value(|c| {
            c.set(false);
            c.clone()
        });
        leptos::task::spawn_local(async move {
            // The video element is drawn by the change above.
            crate::web::tasks::sleep(0).await;
            let Some(element) = video.get_untracked() else {
                return;
            };
            let element: web_sys::HtmlElement = element.into();
            let read = match Camera::open(element).await {
                Ok(camera) => camera.read_qr(30, || stop.get()).await,
                Err(e) => Err(e),
            };
            if stop.get() && read.is_err() {
                let _ = scanning.try_set(false);
                return;
            }
            match read {
                Ok(text) => {
                    let _ = number.try_set(text.trim().to_string());
                    let _ = typing.try_set(Field::LastFour);
                }
                Err(e) => {
                    let _ = failed.try_set(Some(e));
                }
            }
            let _ = scanning.try_set(false);
        });
    };
    let cancel = move |_| {
        cancelled.with_value(|c| c.set(true));
        scanning.set(false);
    };
    scan::available().then(|| {
        view! {
            <div class="scan" data-testid="scan">
                <Show
                    when=move || scanning.get()
                    fallback=move || {
                        view! {
                            <button type="button" class="scan-start" on:click=start>
                                {i18n.t(Key::ScanReceipt)}
                            </button>
                        }
                    }
                >
                    <p role="status">{i18n.t(Key::ScanHint)}</p>
                    <video node_ref=video class="scan-view" aria-hidden="true"></video>
                    <button type="button" on:click=cancel>
                        {i18n.t(Key::Cancel)}
                    </button>
                </Show>
                {move || {
                    failed
                        .get()
                        .map(|e| {
                            let key = match e {
                                ScanError::NoCamera => Key::ScanNoCamera,
                                ScanError::NothingFound => Key::ScanNothing,
                            };
                            view! {
                                <p class="error" role="alert" data-testid="scan-failed">
                                    {i18n.t(key)}
                                </p>
                            }
                        })
                }}
            </div>
        }
    })
}
