//! The monthly views of the desk: analysis with charts, alerts, the audit
//! sample, the red and black lists, hot topics and the bulletins. Each is a
//! thin rendering of a `domain::supervision` fold for the chosen month.

use super::charts::{Bar, BarChart, LineChart, StackedBars};
use super::Desk;
use crate::domain::export::mask_phone;
use crate::domain::labels::{area_key, status_key, AREAS};
use crate::domain::lean_sort;
use crate::domain::supervision::audit::{audit_sample, Finding};
use crate::domain::supervision::parse_month;
use crate::domain::supervision::report::{
    bulletin, hot_topics, quarterly, Count, Scope, TeamRecord, UNKNOWN,
};
use crate::domain::ticket::Status;
use crate::domain::time::china;
use crate::i18n::{Key, Label, Lang, Term};
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use crate::ui::widgets::TableHead;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The display name of a count's key: a rule-table code, an area code, or a name as is.
fn key_name(key: &str, lang: Lang) -> String {
    if key == UNKNOWN {
        return Key::NotGiven.text(lang).to_string();
    }
    let engine = use_engine();
    if let Some(area) = AREAS.iter().find(|a| a.code() == key) {
        return area_key(*area).text(lang).to_string();
    }
    engine.table().name_of(key, lang).to_string()
}

/// A bar chart of counts with the same figures in a table under it.
#[component]
fn CountsFigure(
    title: Key,
    #[prop(into)] head: Label,
    counts: Vec<Count>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let lang = i18n.lang.get();
        let bars = counts
            .iter()
            .map(|c| Bar {
                label: key_name(&c.key, lang),
                value: f64::from(c.count),
                shown: format!("{} ({})", c.count, percent(c.share)),
            })
            .collect::<Vec<_>>();
        let rows = counts
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <td>{key_name(&c.key, lang)}</td>
                        <td class="num">{c.count}</td>
                        <td class="num">{percent(c.share)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <figure data-testid=testid>
                <figcaption>{title.text(lang)}</figcaption>
                <BarChart title=title.text(lang).to_string() bars=bars />
                <table class="figures">
                    <TableHead keys=crate::labels![head, Key::CountColumn, Key::ShareColumn] />
                    <tbody>{rows}</tbody>
                </table>
            </figure>
        }
    }
}

#[component]
pub fn AnalysisView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let report = Memo::new(move |_| desk.tally.with(|t| t.report()));
    move || {
        let r = report.get();
        let lang = i18n.lang.get();
        let last = r.trend.last().and_then(|t| t.change_percent);
        let trend_points: Vec<(String, f64)> = r
            .trend
            .iter()
            .map(|t| (t.month.clone(), f64::from(t.complaints)))
            .collect();
        let trend_rows = r
            .trend
            .iter()
            .map(|t| {
                view! {
                    <tr>
                        <td>{t.month.clone()}</td>
                        <td class="num">{t.complaints}</td>
                        <td class="num">{t.change_percent.map(|c| format!("{c:+.1}%"))}</td>
                    </tr>
                }
            })
            .collect_view();
        let on_time: Vec<_> = r
            .on_time
            .iter()
            .filter(|o| o.met + o.late + o.overdue > 0)
            .cloned()
            .collect();
        let on_time_bars = on_time
            .iter()
            .map(|o| Bar {
                label: key_name(&o.clock, lang),
                value: o.rate.unwrap_or(0.0) * 100.0,
                shown: o.rate.map(percent).unwrap_or_default(),
            })
            .collect::<Vec<_>>();
        let on_time_rows = on_time
            .iter()
            .map(|o| {
                view! {
                    <tr>
                        <td>{key_name(&o.clock, lang)}</td>
                        <td class="num">{o.met}</td>
                        <td class="num">{o.late}</td>
                        <td class="num">{o.overdue}</td>
                        <td class="num">{o.rate.map(percent)}</td>
                    </tr>
                }
            })
            .collect_view();
        let hours = Key::HoursUnit.text(lang);
        let bucket_label = |b: Option<u32>, previous: u32| match b {
            Some(b) => format!("{previous}–{b} {hours}"),
            None => format!("{previous} {hours} {}", Key::AndMore.text(lang)),
        };
        let mut previous = 0;
        let handling: Vec<Bar> = r
            .handling_hours
            .iter()
            .map(|b| {
                let label = bucket_label(b.below_hours, previous);
                previous = b.below_hours.unwrap_or(previous);
                Bar {
                    label,
                    value: f64::from(b.count),
                    shown: b.count.to_string(),
                }
            })
            .collect();
        let handling_rows = handling
            .iter()
            .map(|b| {
                view! {
                    <tr>
                        <td>{b.label.clone()}</td>
                        <td class="num">{b.shown.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        // Stations split by category, categories in rule-table order.
        let categories: Vec<String> = engine
            .table()
            .categories
            .iter()
            .map(|c| c.code.clone())
            .collect();
        let month = r.month.clone();
        let stations: Vec<(String, Vec<f64>)> = r
            .by_station
            .iter()
            .map(|s| {
                let parts = categories
                    .iter()
                    .map(|c| {
                        desk.rows.with_untracked(|rows| {
                            rows.iter()
                                .filter(|x| {
                                    x.month == month
                                        && x.is_complaint()
                                        && x.station.as_deref().unwrap_or(UNKNOWN) == s.key
                                        && &x.category == c
                                })
                                .count() as f64
                        })
                    })
                    .collect();
                (s.key.clone(), parts)
            })
            .collect();
        let station_rows = stations
            .iter()
            .map(|(name, parts)| {
                view! {
                    <tr>
                        <td>{name.clone()}</td>
                        {parts.iter().map(|p| view! { <td class="num">{*p}</td> }).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        let category_heads = categories
            .iter()
            .map(|c| view! { <th>{key_name(c, lang)}</th> })
            .collect_view();
        view! {
            <section data-testid="analysis">
                <h2>{Key::SupAnalysis.text(lang)} " " {r.month.clone()}</h2>
                <dl class="summary">
                    <div>
                        <dt>{Key::TicketsOfMonth.text(lang)}</dt>
                        <dd data-field="tickets">{r.tickets}</dd>
                    </div>
                    <div>
                        <dt>{Key::ComplaintsCount.text(lang)}</dt>
                        <dd data-field="complaints">{r.complaints}</dd>
                    </div>
                    <div>
                        <dt>{Key::SelfServiceCount.text(lang)}</dt>
                        <dd data-field="self-service">{r.self_service}</dd>
                    </div>
                    <div>
                        <dt>{Key::MomChange.text(lang)}</dt>
                        <dd>{last.map(|c| format!("{c:+.1}%")).unwrap_or_else(|| "–".into())}</dd>
                    </div>
                    <div>
                        <dt>{Key::MedianHandling.text(lang)}</dt>
                        <dd>
                            {r
                                .median_handling_hours
                                .map(|h| format!("{h:.1} {hours}"))
                                .unwrap_or_else(|| "–".into())}
                        </dd>
                    </div>
                    <div>
                        <dt>{Key::SatisfactionMean.text(lang)}</dt>
                        <dd>
                            {r
                                .satisfaction
                                .mean
                                .map(|m| format!("{m:.1}"))
                                .unwrap_or_else(|| "–".into())}
                        </dd>
                    </div>
                    <div>
                        <dt>{Key::SatisfiedShare.text(lang)}</dt>
                        <dd>
                            {r
                                .satisfaction
                                .satisfied_share
                                .map(percent)
                                .unwrap_or_else(|| "–".into())}
                        </dd>
                    </div>
                    <div>
                        <dt>{Key::RuleVersionUsed.text(lang)}</dt>
                        <dd>{r.rule_table_version.clone()}</dd>
                    </div>
                </dl>
                <div class="figures-grid">
                    <CountsFigure
                        title=Key::ChartByCategory
                        head=Term::Category
                        counts=r.by_category.clone()
                        testid="by-category"
                    />
                    <figure data-testid="trend">
                        <figcaption>{Key::ChartTrend.text(lang)}</figcaption>
                        <LineChart
                            title=Key::ChartTrend.text(lang).to_string()
                            points=trend_points
                        />
                        <table class="figures">
                            <TableHead keys=crate::labels![
                                Key::Month, Key::ComplaintsCount, Key::MomChange
                            ] />
                            <tbody>{trend_rows}</tbody>
                        </table>
                    </figure>
                    <figure data-testid="on-time">
                        <figcaption>{Key::ChartOnTime.text(lang)}</figcaption>
                        <BarChart title=Key::ChartOnTime.text(lang).to_string() bars=on_time_bars />
                        <table class="figures">
                            <TableHead keys=crate::labels![
                                Key::NextDeadline, Key::MetColumn, Key::LateColumn, Key::OverdueColumn, Key::RateColumn
                            ] />
                            <tbody>{on_time_rows}</tbody>
                        </table>
                    </figure>
                    <figure data-testid="handling">
                        <figcaption>{Key::ChartHandling.text(lang)}</figcaption>
                        <BarChart title=Key::ChartHandling.text(lang).to_string() bars=handling />
                        <table class="figures">
                            <TableHead keys=crate::labels![Term::HandlingHours, Key::CountColumn] />
                            <tbody>{handling_rows}</tbody>
                        </table>
                    </figure>
                    <figure data-testid="by-station">
                        <figcaption>{Key::ChartByStation.text(lang)}</figcaption>
                        <StackedBars
                            title=Key::ChartByStation.text(lang).to_string()
                            series=categories.iter().map(|c| key_name(c, lang)).collect()
                            rows=stations.clone()
                        />
                        <table class="figures">
                            <thead>
                                <tr>
                                    <th>{Key::StationColumn.text(lang)}</th>
                                    {category_heads}
                                </tr>
                            </thead>
                            <tbody>{station_rows}</tbody>
                        </table>
                    </figure>
                    <CountsFigure
                        title=Key::ChartByTeam
                        head=Term::FieldTeam
                        counts=r.by_team.clone()
                        testid="by-team"
                    />
                    <CountsFigure
                        title=Key::ChartByArea
                        head=Term::AreaLabel
                        counts=r.by_area.clone()
                        testid="by-area"
                    />
                </div>
            </section>
        }
    }
}

/// A list of ticket numbers, each a link to the ticket.
/// The tickets an alert lists, oldest first: each with its number (a link
/// to the ticket), how long since it was received, its team and status.
fn ticket_table(desk: Desk, numbers: Vec<String>, lang: Lang, testid: &'static str) -> AnyView {
    if numbers.is_empty() {
        return view! { <p class="meta">{Key::NoneFound.text(lang)}</p> }.into_any();
    }
    // A long list is cut: the ledger's filters show all of them.
    const LISTED: usize = 100;
    let more = numbers.len() > LISTED;
    let now = Utc::now();
    let mut listed: Vec<(String, String, i64, Option<String>, Status)> =
        desk.rows.with_untracked(|rows| {
            let wanted: std::collections::HashSet<&str> =
                numbers.iter().map(String::as_str).collect();
            rows.iter()
                .filter(|r| wanted.contains(r.number.as_str()))
                .map(|r| {
                    let waited = (now - r.received).num_minutes();
                    (
                        r.id.clone(),
                        r.number.clone(),
                        waited,
                        r.team.clone(),
                        r.status,
                    )
                })
                .collect()
        });
    lean_sort::sort_by(&mut listed, |a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    listed.truncate(LISTED);
    view! {
        <table class="figures ticket-table" data-testid=testid>
            <TableHead keys=crate::labels![
                Term::TicketNumber, Key::WaitingColumn, Term::FieldTeam, Term::Status
            ] />
            <tbody>
                {listed
                    .into_iter()
                    .map(|(id, number, waited, team, status)| {
                        let shown = number.clone();
                        view! {
                            <tr data-ticket=number>
                                <td>
                                    <A href=format!("/crew/t/{id}")>
                                        <code>{shown}</code>
                                    </A>
                                </td>
                                <td class="num" data-minutes=waited>
                                    {crate::domain::words::age_in_words(waited, lang)}
                                </td>
                                <td>{team.unwrap_or_else(|| "-".into())}</td>
                                <td>{status_key(status).text(lang)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {more.then(|| view! { <p class="meta">{Key::MoreInLedger.text(lang)}</p> })}
    }
    .into_any()
}

#[component]
pub fn AlertsView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.table().clone();
    let rule = table.high_frequency.clone();
    move || {
        let lang = i18n.lang.get();
        let (alerts, repeats, overdue, due_soon, grade1, returned) = desk.rows.with(|rows| {
            let numbers =
                |f: &dyn Fn(&crate::domain::supervision::LedgerRow) -> bool| -> Vec<String> {
                    rows.iter()
                        .filter(|r| f(r))
                        .map(|r| r.number.clone())
                        .collect()
                };
            let (alerts, repeats) = desk
                .tally
                .with(|t| (t.high_frequency(), t.repeat_complainants()));
            (
                alerts,
                repeats,
                numbers(&|r| r.is_open() && r.overdue()),
                numbers(&|r| r.is_open() && r.due_soon() && !r.overdue()),
                numbers(&|r| r.is_open() && r.grade == Some(1)),
                numbers(&|r| r.returns + r.reopens > 1),
            )
        });
        let alert_rows = alerts
            .iter()
            .map(|a| {
                let scope: Label = match a.scope {
                    Scope::Area => Term::AreaLabel.into(),
                    Scope::Station => Key::StationColumn.into(),
                };
                let place = a
                    .place
                    .parse::<String>()
                    .ok()
                    .map(|p| key_name(&p, lang))
                    .unwrap_or_default();
                view! {
                    <tr>
                        <td>{scope.text(lang)}</td>
                        <td>{place}</td>
                        <td>{key_name(&a.category, lang)}</td>
                        <td class="num">{format!("{} / {}", a.count, a.of)}</td>
                        <td class="num">{percent(a.share)}</td>
                        <td>
                            {crate::domain::words::rule_name(&table, &a.rule, lang)} " ("
                            {a.source.clone()} ")"
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let repeat_rows = repeats
            .iter()
            .map(|r| {
                view! {
                    <tr>
                        <td>{mask_phone(&r.phone)}</td>
                        <td class="num">{r.tickets.len()}</td>
                        <td>{r.tickets.join("、")}</td>
                    </tr>
                }
            })
            .collect_view();
        let (n_over, n_soon, n_g1, n_ret) =
            (overdue.len(), due_soon.len(), grade1.len(), returned.len());
        view! {
            <section data-testid="alerts">
                <h2>
                    {Key::HighFrequencyTitle.text(lang)} " ("
                    <span data-testid="high-frequency-count">{alerts.len()}</span> ")"
                </h2>
                <p class="meta">
                    {Key::HighFrequencyRule.text(lang)}
                    {format!(
                        " ({} > {}, ≥ {})",
                        Key::ShareColumn.text(lang),
                        percent(rule.share),
                        rule.min_count,
                    )}
                </p>
                {if alerts.is_empty() {
                    view! { <p class="meta">{Key::NoneFound.text(lang)}</p> }.into_any()
                } else {
                    view! {
                        <table class="figures" data-testid="high-frequency">
                            <TableHead keys=crate::labels![
                                Key::ScopeColumn, Key::PlaceColumn, Term::Category, Key::CountColumn, Key::ShareColumn, Key::RulesFired
                            ] />
                            <tbody>{alert_rows}</tbody>
                        </table>
                    }
                        .into_any()
                }}
                <h2>
                    {Key::OverdueTickets.text(lang)} " ("
                    <span data-testid="overdue-count">{n_over}</span> ")"
                </h2>
                {ticket_table(desk, overdue, lang, "overdue-tickets")}
                <h2>{Key::DueSoonTickets.text(lang)} " (" {n_soon} ")"</h2>
                {ticket_table(desk, due_soon, lang, "due-soon-tickets")}
                <h2>{Key::OpenGrade1.text(lang)} " (" {n_g1} ")"</h2>
                {ticket_table(desk, grade1, lang, "grade1-tickets")}
                <h2>{Key::RepeatComplainants.text(lang)} " (" {repeats.len()} ")"</h2>
                {if repeats.is_empty() {
                    view! { <p class="meta">{Key::NoneFound.text(lang)}</p> }.into_any()
                } else {
                    view! {
                        <table class="figures">
                            <TableHead keys=crate::labels![
                                Key::PhoneColumn, Key::CountColumn, Key::Tickets
                            ] />
                            <tbody>{repeat_rows}</tbody>
                        </table>
                    }
                        .into_any()
                }}
                <h2>{Key::ReturnedTickets.text(lang)} " (" {n_ret} ")"</h2>
                {ticket_table(desk, returned, lang, "returned-tickets")}
            </section>
        }
    }
}

fn finding_text(f: &Finding, lang: Lang) -> String {
    match f {
        Finding::ClockLate { clock } => format!(
            "{}{}",
            Key::FindingClockLate.text(lang),
            key_name(clock, lang)
        ),
        Finding::NoResolution => Key::FindingNoResolution.text(lang).into(),
        Finding::NoFeedback => Key::FindingNoFeedback.text(lang).into(),
        Finding::NoConfirmation => Key::FindingNoConfirmation.text(lang).into(),
        Finding::NoSitePhoto => Key::FindingNoSitePhoto.text(lang).into(),
    }
}

#[component]
pub fn AuditView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    let sample = Memo::new(move |_| desk.rows.with(|rows| audit_sample(rows, &desk.month.get())));
    move || {
        let lang = i18n.lang.get();
        let a = sample.get();
        let passed = a.sample.iter().filter(|s| s.passed()).count();
        let lines = a.sample.iter().map(|s| view! {
            <tr data-ticket=s.number.clone()>
                <td>
                    <code>{s.number.clone()}</code>
                </td>
                <td>{s.team.clone()}</td>
                <td>
                    {if s.passed() {
                        view! { <span class="clock running">{Key::PassedCount.text(lang)}</span> }
                            .into_any()
                    } else {
                        view! {
                            <ul class="findings">
                                {s
                                    .findings
                                    .iter()
                                    .map(|f| view! { <li>{finding_text(f, lang)}</li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </td>
            </tr>
        }).collect_view();
        view! {
            <section data-testid="audit">
                <h2>{Key::AuditTitle.text(lang)}</h2>
                <p class="meta">{Key::AuditNote.text(lang)}</p>
                <dl class="summary">
                    <div>
                        <dt>{Key::Population.text(lang)}</dt>
                        <dd data-field="population">{a.population}</dd>
                    </div>
                    <div>
                        <dt>{Key::Sampled.text(lang)}</dt>
                        <dd data-field="sampled">{a.sample.len()}</dd>
                    </div>
                    <div>
                        <dt>{Key::PassedCount.text(lang)}</dt>
                        <dd>{passed}</dd>
                    </div>
                </dl>
                <table class="figures" data-testid="audit-sample">
                    <TableHead keys=crate::labels![
                        Term::TicketNumber, Term::FieldTeam, Key::Findings
                    ] />
                    <tbody>{lines}</tbody>
                </table>
            </section>
        }
    }
}

fn team_table(teams: Vec<TeamRecord>, lang: Lang, testid: &'static str) -> AnyView {
    if teams.is_empty() {
        return view! { <p class="meta">{Key::NoneFound.text(lang)}</p> }.into_any();
    }
    view! {
        <table class="figures" data-testid=testid>
            <TableHead keys=crate::labels![
                Term::FieldTeam, Key::ComplaintsCount, Key::RatedColumn, Key::SatisfiedColumn
            ] />
            <tbody>
                {teams
                    .into_iter()
                    .map(|t| {
                        view! {
                            <tr>
                                <td>{t.team}</td>
                                <td class="num">{t.complaints}</td>
                                <td class="num">{t.rated}</td>
                                <td class="num">{t.satisfied}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn TeamsView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let lang = i18n.lang.get();
        let lists = desk.tally.with(|t| t.team_lists());
        view! {
            <section data-testid="teams">
                <h2 class="red-list">{Key::RedList.text(lang)}</h2>
                {team_table(lists.red, lang, "red-list")}
                <h2 class="black-list">{Key::BlackList.text(lang)}</h2>
                {team_table(lists.black, lang, "black-list")}
            </section>
        }
    }
}

#[component]
pub fn TopicsView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let topics = Memo::new(move |_| {
        crate::ui::state::engine::track_model();
        desk.rows.with(|rows| {
            hot_topics(
                rows,
                &desk.month.get(),
                engine.table(),
                &engine.classifier,
                10,
            )
        })
    });
    move || {
        let lang = i18n.lang.get();
        view! {
            <section data-testid="topics">
                <h2>{Key::SupTopics.text(lang)}</h2>
                <table class="figures">
                    <TableHead keys=crate::labels![Key::StationColumn, Key::TermsColumn] />
                    <tbody>
                        {topics
                            .get()
                            .into_iter()
                            .map(|t| {
                                view! {
                                    <tr>
                                        <td>{t.station}</td>
                                        <td>
                                            {t
                                                .terms
                                                .iter()
                                                .map(|c| format!("{} ({})", c.key, c.count))
                                                .collect::<Vec<_>>()
                                                .join("、")}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
        }
    }
}

#[component]
pub fn BulletinsView(desk: Desk) -> impl IntoView {
    let i18n = use_i18n();
    let today = Utc::now().with_timezone(&china()).date_naive();
    let day = RwSignal::new(today);
    move || {
        let lang = i18n.lang.get();
        let month = desk.month.get();
        let (year, m) = parse_month(&month).unwrap_or((2026, 1));
        let quarter = (m - 1) / 3 + 1;
        let (b, report, teams) = desk.rows.with(|rows| {
            (
                bulletin(rows, day.get()),
                desk.tally.with(|t| t.report()),
                quarterly(rows, year, quarter),
            )
        });
        let team_rows = teams
            .into_iter()
            .map(|t| {
                view! {
                    <tr>
                        <td>{key_name(&t.team, lang)}</td>
                        <td class="num">{t.complaints}</td>
                        <td class="num">{t.on_time.map(percent)}</td>
                        <td class="num">{t.satisfaction.map(|s| format!("{s:.1}"))}</td>
                        <td class="num">{t.returns}</td>
                    </tr>
                }
            })
            .collect_view();
        let top = |counts: &[Count]| {
            counts
                .iter()
                .take(3)
                .map(|c| format!("{} {}", key_name(&c.key, lang), c.count))
                .collect::<Vec<_>>()
                .join("、")
        };
        view! {
            <section data-testid="bulletins">
                <h2>{Key::DailyBulletin.text(lang)}</h2>
                <label class="no-print">
                    {Key::Day.text(lang)} " "
                    <input
                        type="date"
                        data-testid="bulletin-day"
                        prop:value=move || day.get().to_string()
                        on:change=move |ev| {
                            if let Ok(d) = NaiveDate::parse_from_str(
                                &event_target_value(&ev),
                                "%Y-%m-%d",
                            ) {
                                day.set(d)
                            }
                        }
                    />
                </label>
                <dl class="summary" data-testid="daily">
                    <div>
                        <dt>{Key::Day.text(lang)}</dt>
                        <dd>{b.day.to_string()}</dd>
                    </div>
                    <div>
                        <dt>{Key::NewToday.text(lang)}</dt>
                        <dd data-field="new">{b.new.len()}</dd>
                    </div>
                    <div>
                        <dt>{Key::OverdueTickets.text(lang)}</dt>
                        <dd data-field="overdue">{b.overdue.len()}</dd>
                    </div>
                    <div>
                        <dt>{Key::OpenGrade1.text(lang)}</dt>
                        <dd data-field="grade1">{b.open_grade_1.len()}</dd>
                    </div>
                </dl>
                {ticket_table(desk, b.open_grade_1.clone(), lang, "bulletin-grade1")}
                <h2>{Key::MonthlyFeedback.text(lang)} " " {month.clone()}</h2>
                <dl class="summary">
                    <div>
                        <dt>{Key::ComplaintsCount.text(lang)}</dt>
                        <dd>{report.complaints}</dd>
                    </div>
                    <div>
                        <dt>{Key::MomChange.text(lang)}</dt>
                        <dd>
                            {report
                                .trend
                                .last()
                                .and_then(|t| t.change_percent)
                                .map(|c| format!("{c:+.1}%"))
                                .unwrap_or_else(|| "–".into())}
                        </dd>
                    </div>
                    <div>
                        <dt>{Key::ChartByCategory.text(lang)}</dt>
                        <dd>{top(&report.by_category)}</dd>
                    </div>
                    <div>
                        <dt>{Key::ChartByStation.text(lang)}</dt>
                        <dd>{top(&report.by_station)}</dd>
                    </div>
                    <div>
                        <dt>{Key::SatisfiedShare.text(lang)}</dt>
                        <dd>
                            {report
                                .satisfaction
                                .satisfied_share
                                .map(percent)
                                .unwrap_or_else(|| "–".into())}
                        </dd>
                    </div>
                </dl>
                <h2>{Key::QuarterlyEvaluation.text(lang)} {format!(" {year} Q{quarter}")}</h2>
                <table class="figures" data-testid="quarterly">
                    <TableHead keys=crate::labels![
                        Term::FieldTeam, Key::ComplaintsCount, Key::RateColumn, Key::SatisfactionMean, Key::ReturnsSum
                    ] />
                    <tbody>{team_rows}</tbody>
                </table>
            </section>
        }
    }
}
