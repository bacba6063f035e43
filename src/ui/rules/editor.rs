//! A supervisor edits the rule table and the calendar. Nothing is changed in
//! place: an edit becomes a new table version (or a calendar change) recorded
//! as an event on the `settings` stream, validated first, applied on this
//! device at once and on every other device when the file reaches it.

use crate::domain::event::EventBody;
use crate::domain::rules::{Keyword, RuleTable, Span};
use crate::domain::settings::{next_version, Why, SETTINGS_STREAM};
use crate::i18n::Key;
use crate::ui::state::data::use_data;
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use chrono::NaiveDate;
use leptos::prelude::*;

/// The one number of a simple span and its unit; two-part spans and the
/// arrival profile are edited in the data file.
fn span_number(span: &mut Span) -> Option<(&mut u32, Key)> {
    let Span {
        minutes,
        hours,
        days,
        months,
        working_days,
        ..
    } = span;
    [
        (minutes, Key::Minutes),
        (hours, Key::Hours),
        (days, Key::Days),
        (months, Key::Months),
        (working_days, Key::WorkingDays),
    ]
    .into_iter()
    .find_map(|(n, key)| n.as_mut().map(|n| (n, key)))
}

/// Keywords as the editor shows them: separated by "、".
fn keyword_text(keywords: &[Keyword]) -> String {
    keywords
        .iter()
        .map(|k| k.0.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Parses edited keywords, keeping the weight of those that were there.
fn parse_keywords(text: &str, before: &[Keyword]) -> Vec<Keyword> {
    let mut out: Vec<Keyword> = Vec::new();
    for word in text
        .split(|c: char| c == '、' || c == ',' || c == '，' || c.is_whitespace())
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        if out.iter().any(|k| k.0 == word) {
            continue;
        }
        let weight = before
            .iter()
            .find(|k| k.0 == word)
            .map(|k| k.1)
            .unwrap_or(1.0);
        out.push(Keyword(word.to_string(), weight));
    }
    out
}

/// What a supervisor has typed into the editor and not yet published:
/// the fields that differ from the table, by field.
type Fields = std::collections::BTreeMap<String, String>;

/// Drafts kept on this device (localStorage), by the version of the table
/// each was typed over, so that a reload, a crash, or a newer table
/// arriving by sync while someone types loses nothing. A draft over the
/// active version is restored; one over another version is offered, never
/// applied behind the person's back, and kept until they decide.
type Drafts = std::collections::BTreeMap<String, Fields>;

const RULES_FORM: &str = "rules";

fn stored_drafts() -> Drafts {
    crate::web::prefs::draft::<Drafts>(RULES_FORM).unwrap_or_default()
}

/// Keeps `fields` as the draft over `base` (none when empty), leaving the
/// drafts over other versions as they are.
fn keep_draft(base: &str, fields: Fields) {
    let mut drafts = stored_drafts();
    if fields.is_empty() {
        drafts.remove(base);
    } else {
        drafts.insert(base.to_string(), fields);
    }
    if drafts.is_empty() {
        crate::web::prefs::forget_draft(RULES_FORM);
    } else {
        crate::web::prefs::save_draft(RULES_FORM, &drafts);
    }
}

/// A draft typed over another version than `active`, to offer.
fn other_draft(active: &str) -> Option<(String, Fields)> {
    stored_drafts()
        .into_iter()
        .rfind(|(base, _)| base != active)
}

/// One field of the editor as the draft knows it: its key, its value, and
/// what the active table says (a field equal to it is not a change).
#[derive(Clone)]
struct Drafted {
    key: String,
    value: RwSignal<String>,
    from_table: String,
}

/// The fields that differ from the table (read tracked: an effect saves
/// them whenever one changes).
fn changed(drafted: &[Drafted]) -> Fields {
    drafted
        .iter()
        .filter_map(|f| {
            let v = f.value.get();
            (v != f.from_table).then(|| (f.key.clone(), v))
        })
        .collect()
}

fn apply_draft(fields: &Fields, drafted: &[Drafted]) {
    for f in drafted {
        if let Some(v) = fields.get(&f.key) {
            f.value.set(v.clone());
        }
    }
}

/// "Your unsaved changes were restored", with the button that drops them
/// (`form`: the editor, which names the test ids).
#[component]
fn DraftRestored(
    form: &'static str,
    message: Key,
    restored: RwSignal<bool>,
    on_discard: Callback<leptos::ev::MouseEvent>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || restored.get()>
            <p role="status" class="draft-note" data-testid=format!("{form}-draft-restored")>
                {i18n.t(message)}
                " "
                <button
                    type="button"
                    data-testid=format!("{form}-draft-discard")
                    on:click=move |ev| on_discard.run(ev)
                >
                    {i18n.t(Key::DiscardChanges)}
                </button>
            </p>
        </Show>
    }
}

#[derive(Clone, Copy)]
struct Field {
    label: &'static str,
    value: RwSignal<String>,
}

#[component]
pub fn RulesEditor() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let table = engine.table().clone();
    let percent = |v: f64| format!("{}", (v * 100.0).round());
    let hf_share = RwSignal::new(percent(table.high_frequency.share));
    let hf_min = RwSignal::new(table.high_frequency.min_count.to_string());
    let due_soon = RwSignal::new(percent(table.due_soon_ratio));
    let satisfied = RwSignal::new(table.satisfaction_threshold.percent.to_string());
    let mut draft = table.clone();
    let spans: Vec<(usize, String, String, Key, RwSignal<String>)> = draft
        .clocks
        .iter_mut()
        .enumerate()
        .filter_map(|(i, c)| {
            let (zh, en) = (c.words.zh.to_string(), c.words.en.to_string());
            span_number(&mut c.span)
                .map(|(n, unit)| (i, zh, en, unit, RwSignal::new(n.to_string())))
        })
        .collect();
    let keywords: Vec<(usize, usize, String, String, RwSignal<String>)> = table
        .categories
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| {
            c.subcategories.iter().enumerate().map(move |(si, s)| {
                (
                    ci,
                    si,
                    s.zh.clone(),
                    s.en.clone(),
                    RwSignal::new(keyword_text(&s.keywords)),
                )
            })
        })
        .collect();
    let reason = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let published = RwSignal::new(None::<String>);
    let drafted = {
        let field = |key: String, value: RwSignal<String>| Drafted {
            key,
            from_table: value.get_untracked(),
            value,
        };
        let mut all = vec![
            field("hf_share".into(), hf_share),
            field("hf_min".into(), hf_min),
            field("due_soon".into(), due_soon),
            field("satisfied".into(), satisfied),
            field("reason".into(), reason),
        ];
        // The unit is part of the key: a number typed in hours is never
        // restored into a span a newer table counts in days.
        all.extend(spans.iter().map(|(i, _, _, unit, v)| {
            field(format!("span:{}:{unit:?}", table.clocks[*i].words.id), *v)
        }));
        all.extend(keywords.iter().map(|(ci, si, _, _, v)| {
            field(
                format!("keywords:{}", table.categories[*ci].subcategories[*si].code),
                *v,
            )
        }));
        all
    };
    // A draft kept on this device: restored if typed over this table,
    // offered if typed over another.
    let base = table.version.clone();
    let restored = RwSignal::new(false);
    if let Some(mine) = stored_drafts().remove(&base) {
        apply_draft(&mine, &drafted);
        restored.set(true);
    }
    let stale = RwSignal::new(other_draft(&base));
    {
        let (drafted, base) = (drafted.clone(), base.clone());
        Effect::new(move |_| keep_draft(&base, changed(&drafted)));
    }
    let discard = {
        let (drafted, base) = (drafted.clone(), base.clone());
        move |_| {
            for f in &drafted {
                f.value.set(f.from_table.clone());
            }
            restored.set(false);
            keep_draft(&base, Fields::new());
        }
    };
    let restore_stale = {
        let (drafted, base) = (drafted.clone(), base.clone());
        move |_| {
            if let Some((old, fields)) = stale.get_untracked() {
                // Its fields join this version's draft (the effect keeps
                // them there); the old one is then done with.
                apply_draft(&fields, &drafted);
                keep_draft(&old, Fields::new());
                restored.set(true);
                stale.set(other_draft(&base));
            }
        }
    };
    let discard_stale = {
        let base = base.clone();
        move |_| {
            if let Some((old, _)) = stale.get_untracked() {
                keep_draft(&old, Fields::new());
                stale.set(other_draft(&base));
            }
        }
    };
    let (spans_for_build, keywords_for_build) = (spans.clone(), keywords.clone());
    let build = move || -> Result<RuleTable, Vec<String>> {
        let mut t = table.clone();
        let mut errors = vec![];
        let number = |text: String, what: &str, errors: &mut Vec<String>| -> Option<f64> {
            match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
                _ => {
                    errors.push(format!("{what}: “{text}”"));
                    None
                }
            }
        };
        let lang = i18n.lang.get_untracked();
        let label = |k: Key| k.text(lang).to_string();
        if let Some(n) = number(
            hf_share.get_untracked(),
            &label(Key::HighFrequencyShare),
            &mut errors,
        ) {
            t.high_frequency.share = n / 100.0;
        }
        if let Some(n) = number(
            hf_min.get_untracked(),
            &label(Key::HighFrequencyMin),
            &mut errors,
        ) {
            t.high_frequency.min_count = n as u32;
        }
        if let Some(n) = number(
            due_soon.get_untracked(),
            &label(Key::DueSoonAt),
            &mut errors,
        ) {
            t.due_soon_ratio = n / 100.0;
        }
        if let Some(n) = number(
            satisfied.get_untracked(),
            &label(Key::SatisfactionThresholdLabel),
            &mut errors,
        ) {
            t.satisfaction_threshold.percent = n.min(255.0) as u8;
        }
        for (i, zh, en, _, value) in &spans_for_build {
            if let Some(n) = number(value.get_untracked(), lang.pick(zh, en), &mut errors) {
                if let Some((slot, _)) = span_number(&mut t.clocks[*i].span) {
                    *slot = n as u32;
                }
            }
        }
        for (ci, si, _, _, value) in &keywords_for_build {
            let sub = &mut t.categories[*ci].subcategories[*si];
            sub.keywords = parse_keywords(&value.get_untracked(), &sub.keywords);
        }
        if reason.get_untracked().trim().is_empty() {
            errors.push(label(Key::ReasonRequired));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        t.version = next_version(&t.version);
        // The same validation as any table file: every problem, with where it is.
        let json = serde_json::to_string(&t).map_err(|e| vec![e.to_string()])?;
        // Each problem named in the words of the screen, not as a JSON path.
        RuleTable::from_json(&json).map_err(|e| {
            e.0.iter()
                .map(|p| crate::domain::rules::problem_in_words(p, &t, lang))
                .collect()
        })
    };
    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        published.set(None);
        match build() {
            Err(errors) => problems.set(errors),
            Ok(t) => {
                problems.set(vec![]);
                let json = serde_json::to_string(&t).expect("a rule table serialises");
                let body = EventBody::RulesPublished {
                    table: json,
                    reason: reason.get_untracked().trim().to_string(),
                };
                let lang = i18n.lang.get_untracked();
                let base = base.clone();
                leptos::task::spawn_local(async move {
                    match data.record(SETTINGS_STREAM, &data.author(), body).await {
                        Ok(()) => {
                            // Published: what was typed over this version is
                            // no draft any more (drafts over others stay).
                            keep_draft(&base, Fields::new());
                            restored.set(false);
                            published.set(Some(t.version));
                        }
                        Err(e) => problems.set(vec![e.message(lang)]),
                    }
                });
            }
        }
    };
    let number_input = move |f: Field, testid: &'static str| {
        view! {
            <label>
                {f.label}
                <input
                    type="number"
                    min="0"
                    step="any"
                    inputmode="decimal"
                    data-testid=testid
                    prop:value=move || f.value.get()
                    on:input=move |ev| f.value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    let lang = i18n.lang;
    view! {
        <section class="rules-editor" data-testid="rules-editor">
            <h2>{i18n.t(Key::EditRules)}</h2>
            <p class="meta">{i18n.t(Key::EditRulesHint)}</p>
            <DraftRestored
                form="rules"
                message=Key::RulesDraftRestored
                restored
                on_discard=Callback::new(discard)
            />
            {move || {
                stale
                    .get()
                    .map(|d| {
                        let text = i18n.t(Key::RulesDraftStale)().replace("{v}", &d.0);
                        view! {
                            <p role="status" class="draft-note" data-testid="rules-draft-stale">
                                {text}
                                " "
                                <button type="button" on:click=restore_stale.clone()>
                                    {i18n.t(Key::RestoreChanges)}
                                </button>
                                " "
                                <button type="button" on:click=discard_stale.clone()>
                                    {i18n.t(Key::DiscardChanges)}
                                </button>
                            </p>
                        }
                    })
            }}
            <form on:submit=publish novalidate>
                <fieldset class="row">
                    <legend>{i18n.t(Key::Thresholds)}</legend>
                    {move || {
                        let l = |k: Key| k.text(lang.get());
                        view! {
                            {number_input(
                                Field {
                                    label: l(Key::HighFrequencyShare),
                                    value: hf_share,
                                },
                                "hf-share",
                            )}
                            {number_input(
                                Field {
                                    label: l(Key::HighFrequencyMin),
                                    value: hf_min,
                                },
                                "hf-min",
                            )}
                            {number_input(
                                Field {
                                    label: l(Key::DueSoonAt),
                                    value: due_soon,
                                },
                                "due-soon",
                            )}
                            {number_input(
                                Field {
                                    label: l(Key::SatisfactionThresholdLabel),
                                    value: satisfied,
                                },
                                "satisfied",
                            )}
                        }
                    }}
                </fieldset>
                <details>
                    <summary>{i18n.t(Key::ClockSpans)}</summary>
                    <div class="row">
                        {spans
                            .into_iter()
                            .map(|(i, zh, en, unit, value)| {
                                view! {
                                    <label>
                                        {move || lang.get().pick(&zh, &en).to_string()} " ("
                                        {i18n.t(unit)} ")"
                                        <input
                                            type="number"
                                            min="0"
                                            step="1"
                                            data-clock=i
                                            prop:value=move || value.get()
                                            on:input=move |ev| value.set(event_target_value(&ev))
                                        />
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                </details>
                <details>
                    <summary>{i18n.t(Key::TopicKeywords)}</summary>
                    {keywords
                        .into_iter()
                        .map(|(_, _, zh, en, value)| {
                            let code = en.clone();
                            view! {
                                <label class="wide">
                                    {move || lang.get().pick(&zh, &en).to_string()}
                                    <input
                                        type="text"
                                        data-keywords=code
                                        prop:value=move || value.get()
                                        on:input=move |ev| value.set(event_target_value(&ev))
                                    />
                                </label>
                            }
                        })
                        .collect_view()}
                </details>
                <label class="wide">
                    {i18n.t(Key::ChangeReason)}
                    <input
                        type="text"
                        data-testid="rules-reason"
                        maxlength="500"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary">
                    {i18n.t(Key::PublishRules)}
                </button>
            </form>
            <Show when=move || !problems.with(Vec::is_empty)>
                <div class="error" role="alert" data-testid="rules-problems">
                    <ul>
                        {move || {
                            problems
                                .get()
                                .into_iter()
                                .map(|p| view! { <li>{p}</li> })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </Show>
            {move || {
                published
                    .get()
                    .map(|v| {
                        view! {
                            <p role="status" data-testid="rules-published">
                                {i18n.t(Key::RulesPublishedAs)}
                                " "
                                <strong>{v}</strong>
                            </p>
                        }
                    })
            }}
            <Publications />
        </section>
    }
}

#[component]
fn Publications() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let list = engine.publications.clone();
    let rejected = engine.rejected.clone();
    view! {
        <h3>{i18n.t(Key::PublicationHistory)}</h3>
        {if list.is_empty() {
            view! { <p class="meta">{i18n.t(Key::ShippedRulesInForce)}</p> }.into_any()
        } else {
            view! {
                <ol class="publications" data-testid="publications">
                    {list
                        .into_iter()
                        .rev()
                        .map(|p| {
                            view! {
                                <li>
                                    <strong>{p.version}</strong>
                                    " · "
                                    {p.author}
                                    " · "
                                    {p
                                        .at
                                        .with_timezone(&crate::domain::time::china())
                                        .format("%Y-%m-%d %H:%M")
                                        .to_string()}
                                    " · "
                                    {p.reason}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
                .into_any()
        }}
        {(!rejected.is_empty())
            .then(|| {
                view! {
                    <div class="error" role="alert">
                        <p>{i18n.t(Key::SettingsRejected)}</p>
                        <ul>
                            {rejected
                                .into_iter()
                                .map(|r| {
                                    let why = match r.why {
                                        Why::Invalid(text) => text,
                                        Why::NotSupervisor { device } => {
                                            Key::NotFromSupervisor
                                                .fill(i18n.lang.get_untracked(), &[("device", &device)])
                                        }
                                    };
                                    view! {
                                        <li>
                                            <code>{r.event.chars().take(19).collect::<String>()}</code>
                                            " "
                                            {why}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                }
            })}
    }
}

/// The one day being set in the calendar editor and not yet saved, kept on
/// the device like the rule table's draft (a calendar change has no version
/// to be typed over: the draft is simply restored).
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct DayDraft {
    day: String,
    working: bool,
    name: String,
}

const CALENDAR_FORM: &str = "calendar";

#[component]
pub fn CalendarEditor() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let message = RwSignal::new(None::<(bool, String)>);
    let kept = crate::web::prefs::draft::<DayDraft>(CALENDAR_FORM).unwrap_or_default();
    let restored = RwSignal::new(kept != DayDraft::default());
    let day = RwSignal::new(kept.day);
    let working = RwSignal::new(kept.working);
    let name = RwSignal::new(kept.name);
    let typed = move || DayDraft {
        day: day.get(),
        working: working.get(),
        name: name.get(),
    };
    let typed_now = move || DayDraft {
        day: day.get_untracked(),
        working: working.get_untracked(),
        name: name.get_untracked(),
    };
    let clear = move || {
        day.set(String::new());
        working.set(false);
        name.set(String::new());
        restored.set(false);
    };
    Effect::new(move |_| {
        let draft = typed();
        if draft == DayDraft::default() {
            crate::web::prefs::forget_draft(CALENDAR_FORM);
        } else {
            crate::web::prefs::save_draft(CALENDAR_FORM, &draft);
        }
    });
    // `true` with a day saved: the form is done with, and so is its draft.
    // The draft goes first: a recorded setting rebuilds the screens, and a
    // new editor must not find it. A failed save puts it back.
    let save_setting =
        Action::new_local(move |(body, done, day_form): &(EventBody, String, bool)| {
            let lang = i18n.lang.get_untracked();
            let (body, done, day_form) = (body.clone(), done.clone(), *day_form);
            let draft = typed_now();
            async move {
                if day_form {
                    crate::web::prefs::forget_draft(CALENDAR_FORM);
                }
                let recorded = record_setting(data, body, message, done, lang).await;
                if day_form && recorded {
                    clear();
                } else if day_form {
                    crate::web::prefs::save_draft(CALENDAR_FORM, &draft);
                }
            }
        });
    let record = move |body: EventBody, done: String, day_form: bool| {
        save_setting.dispatch_local((body, done, day_form));
    };
    let calendar = engine.calendar.clone();
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = crate::web::files::take_chosen_file(&ev) else {
            return;
        };
        let mut trial = calendar.clone();
        let lang = i18n.lang.get_untracked();
        leptos::task::spawn_local(async move {
            let text = match crate::web::files::read_text(&file).await {
                Ok(text) => text,
                Err(_) => {
                    message.set(Some((false, Key::CalendarFileUnreadable.text(lang).into())));
                    return;
                }
            };
            // Checked here first, so a bad file is refused before it is recorded.
            match trial.import_holiday_cn(&text) {
                Ok(year) => record(
                    EventBody::CalendarYearSet { year: text },
                    format!("{} {year}", Key::CalendarYearImported.text(lang)),
                    false,
                ),
                Err(e) => message.set(Some((
                    false,
                    format!("{}: {e}", Key::CalendarFileRefused.text(lang)),
                ))),
            }
        });
    };
    let set_day = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let Ok(date) = NaiveDate::parse_from_str(&day.get_untracked(), "%Y-%m-%d") else {
            message.set(Some((false, Key::PickADay.text(lang).into())));
            return;
        };
        let name = Some(name.get_untracked().trim().to_string()).filter(|n| !n.is_empty());
        record(
            EventBody::CalendarDaySet {
                date,
                working: working.get_untracked(),
                name,
            },
            format!("{} {date}", Key::CalendarDaySaved.text(lang)),
            true,
        );
    };
    view! {
        <section class="calendar-editor" data-testid="calendar-editor">
            <h3>{i18n.t(Key::EditCalendar)}</h3>
            <DraftRestored
                form="calendar"
                message=Key::CalendarDraftRestored
                restored
                on_discard=Callback::new(move |_| clear())
            />
            <label class="file-button button secondary">
                {i18n.t(Key::ImportCalendarYear)}
                <input
                    type="file"
                    accept=".json,application/json"
                    data-testid="calendar-file"
                    on:change=import
                />
            </label>
            <form class="row" on:submit=set_day>
                <label>
                    {i18n.t(Key::Day)}
                    <input
                        type="date"
                        data-testid="calendar-day"
                        prop:value=move || day.get()
                        on:input=move |ev| day.set(event_target_value(&ev))
                    />
                </label>
                <label class="check">
                    <input
                        type="radio"
                        name="day-kind"
                        prop:checked=move || !working.get()
                        on:change=move |_| working.set(false)
                    />
                    {i18n.t(Key::RestDay)}
                </label>
                <label class="check">
                    <input
                        type="radio"
                        name="day-kind"
                        data-testid="day-working"
                        prop:checked=move || working.get()
                        on:change=move |_| working.set(true)
                    />
                    {i18n.t(Key::WorkDay)}
                </label>
                <label>
                    {i18n.t(Key::HolidayName)}
                    <input
                        type="text"
                        maxlength="40"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit">{i18n.t(Key::SaveDay)}</button>
            </form>
            {move || {
                message
                    .get()
                    .map(|(ok, text)| {
                        view! {
                            <p
                                class=if ok { "saved-note" } else { "error" }
                                role="status"
                                data-testid="calendar-message"
                            >
                                {text}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// A supervisor replaces the calculator's tariff with the local one: a file
/// in the tariff layout, checked before it is recorded (like the rule table,
/// it travels to every device).
#[component]
pub fn TariffEditor() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let message = RwSignal::new(None::<(bool, String)>);
    let current = engine.tariff.version.clone();
    let sample = engine.tariff.sample;
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = crate::web::files::take_chosen_file(&ev) else {
            return;
        };
        let lang = i18n.lang.get_untracked();
        leptos::task::spawn_local(async move {
            let text = match crate::web::files::read_text(&file).await {
                Ok(text) => text,
                Err(_) => {
                    message.set(Some((false, Key::CalendarFileUnreadable.text(lang).into())));
                    return;
                }
            };
            match crate::domain::tariff::TariffTable::from_json(&text) {
                Ok(t) => {
                    let done = format!("{} {}", Key::TariffInForce.text(lang), t.version);
                    let body = EventBody::TariffPublished {
                        tariff: text,
                        reason: t.version,
                    };
                    record_setting(data, body, message, done, lang).await;
                }
                Err(e) => message.set(Some((
                    false,
                    format!("{}: {e}", Key::TariffRefused.text(lang)),
                ))),
            }
        });
    };
    view! {
        <section class="tariff-editor" data-testid="tariff-editor">
            <h2>{i18n.t(Key::BillCalculator)}</h2>
            <p>
                {i18n.t(Key::TariffInForce)} " "
                <strong data-testid="tariff-version">{current}</strong>
                {sample
                    .then(|| {
                        view! {
                            " · "
                            <span class="badge warn">{i18n.t(Key::SampleBadge)}</span>
                        }
                    })}
            </p>
            <label class="file-button button secondary">
                {i18n.t(Key::ImportTariff)}
                <input
                    type="file"
                    accept=".json,application/json"
                    data-testid="tariff-file"
                    on:change=import
                />
            </label>
            {move || {
                message
                    .get()
                    .map(|(ok, text)| {
                        view! {
                            <p
                                class=if ok { "saved-note" } else { "error" }
                                role="status"
                                data-testid="tariff-message"
                            >
                                {text}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// Records a settings event as this device and says how it went (`true`:
/// recorded).
async fn record_setting(
    data: crate::ui::state::Data,
    body: EventBody,
    message: RwSignal<Option<(bool, String)>>,
    done: String,
    lang: crate::i18n::Lang,
) -> bool {
    match data.record(SETTINGS_STREAM, &data.author(), body).await {
        Ok(()) => {
            message.set(Some((true, done)));
            true
        }
        Err(e) => {
            message.set(Some((false, e.message(lang))));
            false
        }
    }
}
