//! The ledger (台账): every ticket with its handling figures, filtered,
//! sorted and searched, drawn a screenful at a time, exported as CSV or Excel.

use super::Desk;
use crate::domain::labels::{area_key, grade_key, status_key, AREAS, STATUSES};
use crate::domain::lean_sort;
use crate::domain::supervision::export::{sheet, to_csv, Cell, Columns, WorkbookOrder};
use crate::domain::supervision::ledger::LedgerFilter;
use crate::domain::supervision::LedgerRow;
use crate::i18n::{Key, Label, Term};
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use crate::ui::widgets::scroll::ScrollWindow;
use crate::web::files;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeSet;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    Newest,
    Oldest,
    Handling,
    Satisfaction,
}

const SORTS: [(Sort, Key, &str); 4] = [
    (Sort::Newest, Key::SortNewest, "newest"),
    (Sort::Oldest, Key::SortOldest, "oldest"),
    (Sort::Handling, Key::SortHandling, "handling"),
    (Sort::Satisfaction, Key::SortSatisfaction, "satisfaction"),
];

/// Sorts (index, row) pairs by the row; unknown values go last either way.
fn sort(rows: &mut [(usize, &LedgerRow)], by: Sort) {
    match by {
        Sort::Newest => lean_sort::sort_by_key(rows, |r| std::cmp::Reverse(r.1.received)),
        Sort::Oldest => lean_sort::sort_by_key(rows, |r| r.1.received),
        Sort::Handling => lean_sort::sort_by(rows, |a, b| {
            let hours = |r: &LedgerRow| r.handling_hours.unwrap_or(-1.0);
            hours(b.1).total_cmp(&hours(a.1))
        }),
        Sort::Satisfaction => lean_sort::sort_by_key(rows, |r| {
            r.1.satisfaction.map(u16::from).unwrap_or(u16::MAX)
        }),
    }
}

/// A `<select>` whose empty value means "all".
#[component]
fn Choice(
    #[prop(into)] label: Label,
    all: Key,
    options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select
            aria-label=i18n.t(label)
            data-testid=testid
            on:change=move |ev| value.set(event_target_value(&ev))
        >
            <option value="">{i18n.t(all)}</option>
            {move || {
                options
                    .get()
                    .into_iter()
                    .map(|(v, shown)| {
                        let selected = value.get_untracked() == v;
                        view! {
                            <option value=v selected=selected>
                                {shown}
                            </option>
                        }
                    })
                    .collect_view()
            }}
        </select>
    }
}

#[component]
pub fn LedgerView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let all_months = RwSignal::new(false);
    let (station, area, team, kind, category, grade, status) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let overdue = RwSignal::new(false);
    let conflict = RwSignal::new(false);
    let words = RwSignal::new(String::new());
    let sort_by = RwSignal::new(Sort::Newest);
    let distinct = move |pick: fn(&LedgerRow) -> Option<&String>| {
        Signal::derive(move || {
            desk.rows.with(|rows| {
                rows.iter()
                    .filter_map(pick)
                    .cloned()
                    .collect::<BTreeSet<String>>()
                    .into_iter()
                    .map(|v| (v.clone(), v))
                    .collect::<Vec<_>>()
            })
        })
    };
    let stations = distinct(|r| r.station.as_ref());
    let teams = distinct(|r| r.team.as_ref());
    let table = engine.table().clone();
    let lang = i18n.lang;
    let kinds = {
        let table = table.clone();
        Signal::derive(move || {
            table
                .kinds
                .iter()
                .map(|k| (k.code.clone(), lang.get().pick(&k.zh, &k.en).to_string()))
                .collect()
        })
    };
    let categories = {
        let table = table.clone();
        Signal::derive(move || {
            table
                .categories
                .iter()
                .map(|c| (c.code.clone(), lang.get().pick(&c.zh, &c.en).to_string()))
                .collect()
        })
    };
    let areas = Signal::derive(move || {
        AREAS
            .iter()
            .map(|a| {
                (
                    a.code().to_string(),
                    area_key(*a).text(lang.get()).to_string(),
                )
            })
            .collect()
    });
    let grades = Signal::derive(move || {
        (1..=3u8)
            .map(|g| (g.to_string(), grade_key(g).text(lang.get()).to_string()))
            .collect()
    });
    let statuses = Signal::derive(move || {
        STATUSES
            .iter()
            .map(|s| {
                (
                    format!("{s:?}"),
                    status_key(*s).text(lang.get()).to_string(),
                )
            })
            .collect()
    });
    let filter = Memo::new(move |_| {
        let some = |s: RwSignal<String>| Some(s.get()).filter(|v| !v.is_empty());
        LedgerFilter {
            month: (!all_months.get()).then(|| desk.month.get()),
            station: some(station),
            area: some(area).and_then(|code| AREAS.into_iter().find(|a| a.code() == code)),
            team: some(team),
            kind: some(kind),
            category: some(category),
            grade: some(grade).and_then(|g| g.parse().ok()),
            status: some(status).and_then(|s| STATUSES.into_iter().find(|x| format!("{x:?}") == s)),
            overdue_only: overdue.get(),
            conflict_only: conflict.get(),
            words: words.get().trim().to_lowercase(),
        }
    });
    // Indices into the ledger, filtered and sorted: no rows are copied.
    let shown = Memo::new(move |_| {
        let filter = filter.get();
        desk.rows.with(|rows| {
            let mut picked: Vec<(usize, &LedgerRow)> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| filter.matches(r))
                .collect();
            sort(&mut picked, sort_by.get());
            picked.into_iter().map(|(i, _)| i).collect::<Vec<usize>>()
        })
    });
    let export_failed = RwSignal::new(None::<files::FileError>);
    // The workbook is written on a worker that loads first: seconds for a
    // county's month, so the button says so and is not pressed twice.
    let writing = RwSignal::new(false);
    let export = move |xlsx: bool| {
        let table = engine.table().clone();
        let lang = lang.get_untracked();
        let picked: Vec<LedgerRow> = desk.rows.with_untracked(|rows| {
            shown.with_untracked(|s| s.iter().map(|&i| rows[i].clone()).collect())
        });
        let sheet = sheet(&picked, &table, lang);
        let month = if all_months.get_untracked() {
            "all".to_string()
        } else {
            desk.month.get_untracked()
        };
        leptos::task::spawn_local(async move {
            let name = format!("gridcare-ledger-{month}");
            let offered = if xlsx {
                let order = WorkbookOrder {
                    title: month.clone(),
                    sheet,
                };
                writing.set(true);
                let written = crate::web::xlsx_worker::workbook(&order).await;
                writing.set(false);
                match written {
                    Ok(bytes) => {
                        files::offer_file(
                            &format!("{name}.xlsx"),
                            &bytes,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        )
                        .await
                    }
                    Err(e) => {
                        // The person sees that it failed; support reads why.
                        leptos::logging::warn!("no workbook: {e}");
                        Err(files::FileError::NotOffered(e.to_string()))
                    }
                }
            } else {
                files::offer_file(
                    &format!("{name}.csv"),
                    to_csv(&sheet).as_bytes(),
                    "text/csv;charset=utf-8",
                )
                .await
            };
            export_failed.set(offered.err());
        });
    };
    // The columns on screen: those the person picked, remembered on this
    // device; every file still holds them all.
    let columns = {
        let table = table.clone();
        Memo::new(move |_| Columns::of(&table, lang.get()))
    };
    let picked = RwSignal::new(
        crate::web::prefs::ledger_columns()
            .unwrap_or_else(|| Columns::ON_SCREEN.iter().map(|c| c.to_string()).collect()),
    );
    // Positions into the column list, in file order, the number always first.
    let on_screen = Memo::new(move |_| {
        picked.with(|picked| {
            columns.with(|c| {
                c.list
                    .iter()
                    .enumerate()
                    .filter(|(i, col)| *i == 0 || picked.contains(&col.id))
                    .map(|(i, _)| i)
                    .collect::<Vec<usize>>()
            })
        })
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    let scroll = ScrollWindow::new().print_all_rows().follow(scroller, shown);
    let visible = move || {
        desk.rows
            .with(|rows| shown.with(|s| scroll.window_of(s, rows)))
    };
    let padding = move |above: bool| shown.with(|s| scroll.padding(s.len(), above));
    view! {
        <section class="ledger" data-testid="ledger">
            <h2>{i18n.t(Key::SupLedger)} " (" <span data-testid="ledger-count">{move || shown.with(Vec::len)}</span> ")"</h2>
            <div class="filters no-print" role="search">
                <input type="search" data-testid="ledger-search" aria-label=i18n.t(Key::LedgerSearch) placeholder=i18n.t(Key::LedgerSearch)
                    on:input=move |ev| words.set(event_target_value(&ev))/>
                <label class="check"><input type="checkbox" data-testid="all-months" prop:checked=move || all_months.get() on:change=move |ev| all_months.set(event_target_checked(&ev))/>{i18n.t(Key::AllMonths)}</label>
                <Choice label=Term::StationFilter all=Key::AllStations options=stations value=station testid="station-filter"/>
                <Choice label=Term::AreaLabel all=Key::AllAreas options=areas value=area/>
                <Choice label=Term::FieldTeam all=Key::AllTeams options=teams value=team/>
                <Choice label=Term::Kind all=Key::AllKinds options=kinds value=kind testid="kind-filter"/>
                <Choice label=Term::Category all=Key::AllCategories options=categories value=category/>
                <Choice label=Term::Grade all=Key::AllGrades options=grades value=grade/>
                <Choice label=Term::Status all=Key::AllStatuses options=statuses value=status/>
                <label class="check"><input type="checkbox" data-testid="overdue-only" on:change=move |ev| overdue.set(event_target_checked(&ev))/>{i18n.t(Key::OverdueOnly)}</label>
                <label class="check"><input type="checkbox" on:change=move |ev| conflict.set(event_target_checked(&ev))/>{i18n.t(Key::ConflictOnly)}</label>
                <select aria-label=i18n.t(Key::SortLabel) data-testid="ledger-sort" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((s, _, _)) = SORTS.iter().find(|(_, _, id)| *id == v) { sort_by.set(*s) }
                }>
                    {SORTS.iter().map(|(_, key, id)| view! { <option value=*id>{i18n.t(*key)}</option> }).collect_view()}
                </select>
            </div>
            <p class="actions no-print">
                <button type="button" on:click={
                    let export = export.clone();
                    move |_| export(false)
                }>{i18n.t(Key::ExportCsv)}</button>
                " "
                <button
                    type="button"
                    data-testid="export-xlsx"
                    disabled=move || writing.get()
                    aria-busy=move || writing.get().to_string()
                    on:click=move |_| export(true)
                >
                    {move || {
                        if writing.get() { i18n.t(Key::WritingWorkbook)() } else { i18n.t(Key::ExportXlsx)() }
                    }}
                </button>
                {move || export_failed.get().map(|e| view! { <span class="error" role="alert">{e.message(lang.get())}</span> })}
            </p>
            <ColumnPicker columns=columns picked=picked />
            <div class="virtual" node_ref=scroller tabindex="0" aria-label=i18n.t(Key::SupLedger)
                on:scroll=move |_| if let Some(el) = scroller.get_untracked() { scroll.measure(&el) }>
                <table class="ledger-table" aria-rowcount=move || shown.with(Vec::len) + 1>
                    <thead>
                        <tr>
                            {move || columns.with(|c| on_screen.get().into_iter().map(|i| {
                                let col = &c.list[i];
                                view! { <th scope="col" data-column=col.id.clone()>{col.header.clone()}</th> }
                            }).collect_view())}
                            <th scope="col">{i18n.t(Key::LedgerMarks)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="spacer" aria-hidden="true" style:height=move || padding(true)></tr>
                        <For each=visible key=|(at, r)| (*at, r.id.clone(), r.status) let:((at, r))>
                            <LedgerLine r=r position=at columns=columns on_screen=on_screen/>
                        </For>
                        <tr class="spacer" aria-hidden="true" style:height=move || padding(false)></tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn LedgerLine(
    r: LedgerRow,
    position: usize,
    columns: Memo<Columns>,
    on_screen: Memo<Vec<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.table().clone();
    // Demo data is said to be demo data; any other stranger is unenrolled.
    let data = crate::ui::state::use_data();
    let mark = if r
        .strangers
        .iter()
        .all(|d| data.signer_of(d) == crate::ui::state::data::Signer::Demo)
    {
        Key::DemoDevice
    } else {
        Key::UnenrolledDevice
    };
    let row = r.clone();
    let cells = move || {
        let lang = i18n.lang.get();
        // Only the columns on screen are built (29 are available).
        columns.with(|c| {
            on_screen
                .get()
                .into_iter()
                .map(|i| ledger_cell(&row, &c.list[i].id, &c.cell(i, &row, &table, lang)))
                .collect_view()
        })
    };
    view! {
        <tr data-ticket=r.number.clone() aria-rowindex=position + 2 class:conflict=r.conflict>
            {cells}
            <td>
                {r
                    .overdue()
                    .then(|| {
                        view! { <span class="clock overdue">{i18n.t(Term::ClockOverdue)}</span> }
                    })}
                {(!r.strangers.is_empty())
                    .then(|| {
                        view! {
                            " "
                            <span
                                class="badge muted"
                                data-testid="ledger-stranger"
                                title=r.strangers.join(", ")
                            >
                                {i18n.t(mark)}
                            </span>
                        }
                    })}
            </td>
        </tr>
    }
}

/// One cell on screen: the number links to the ticket, a grade is its
/// badge, figures align right; the rest is the file's own cell text.
fn ledger_cell(r: &LedgerRow, id: &str, cell: &Cell) -> AnyView {
    match id {
        "number" => {
            let (href, number) = (format!("/crew/t/{}", r.id), r.number.clone());
            view! {
                <td>
                    <A href=href>
                        <code>{number}</code>
                    </A>
                </td>
            }
            .into_any()
        }
        "grade" => view! {
            <td>
                {r
                    .grade
                    .map(|g| {
                        view! { <span class=format!("badge grade-{g}")>{cell.display()}</span> }
                    })}
            </td>
        }
        .into_any(),
        "status" => view! { <td data-field="status">{cell.display()}</td> }.into_any(),
        _ if matches!(cell, Cell::Number(_)) => {
            view! { <td class="num">{cell.display()}</td> }.into_any()
        }
        _ => view! { <td data-column=id.to_string()>{cell.display()}</td> }.into_any(),
    }
}

/// Which columns the ledger shows: any of the file's, remembered here.
#[component]
fn ColumnPicker(columns: Memo<Columns>, picked: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |id: String, on: bool| {
        picked.update(|p| {
            p.retain(|c| *c != id);
            if on {
                p.push(id);
            }
        });
        crate::web::prefs::save_ledger_columns(&picked.get_untracked());
    };
    view! {
        <details class="column-picker no-print" data-testid="column-picker">
            <summary>
                {i18n.t(Key::LedgerColumns)} " ("
                {move || {
                    let total = columns.with(|c| c.list.len());
                    let shown = columns
                        .with(|c| {
                            c.list
                                .iter()
                                .skip(1)
                                .filter(|col| picked.with(|p| p.contains(&col.id)))
                                .count()
                        }) + 1;
                    format!("{shown}/{total}")
                }} ")"
            </summary>
            <div class="column-choices">
                {move || {
                    columns
                        .with(|c| {
                            c.list
                                .iter()
                                .skip(1)
                                .map(|col| {
                                    let id = col.id.clone();
                                    let checked = {
                                        let id = id.clone();
                                        move || picked.with(|p| p.contains(&id))
                                    };
                                    view! {
                                        <label class="check">
                                            <input
                                                type="checkbox"
                                                data-column=id.clone()
                                                prop:checked=checked
                                                on:change=move |ev| toggle(
                                                    id.clone(),
                                                    event_target_checked(&ev),
                                                )
                                            />
                                            {col.header.clone()}
                                        </label>
                                    }
                                })
                                .collect_view()
                        })
                }}
            </div>
        </details>
    }
}
