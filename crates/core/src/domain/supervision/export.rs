//! The ledger as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the
//! Chinese correctly) and a real .xlsx workbook. Both come from one column
//! list, so they always hold the same cells.

use super::ledger::LedgerRow;
use crate::domain::labels::{area_key, cause_key, clock_state_key, grade_key, status_key};
use crate::domain::rules::RuleTable;
use crate::domain::time::china;
use crate::i18n::{Lang, Term};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// One cell of the ledger.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A moment in China time: a real date cell in a workbook (so it sorts,
    /// filters and computes as a date), `YYYY-MM-DD HH:MM` in a CSV.
    Time(chrono::NaiveDateTime),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map(Cell::text).unwrap_or(Cell::Empty)
    }
}

/// The header row and the cells of every row, in the user's language.
pub struct Sheet {
    pub headers: Vec<String>,
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
}

/// Distinct clock codes in rule-table order, with their names.
fn clock_columns(table: &RuleTable) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for c in &table.clocks {
        if !out.iter().any(|(code, _, _)| code == &c.code) {
            let (zh, en) = (
                table.name_of(&c.code, Lang::Zh),
                table.name_of(&c.code, Lang::En),
            );
            out.push((c.code.clone(), zh.to_string(), en.to_string()));
        }
    }
    out
}

pub fn sheet(rows: &[LedgerRow], table: &RuleTable, lang: Lang) -> Sheet {
    let t = |k: Term| k.text(lang).to_string();
    let mut headers = vec![
        t(Term::TicketNumber),
        t(Term::Received),
        t(Term::Kind),
        t(Term::Category),
        t(Term::Subcategory),
        t(Term::Grade),
        t(Term::Status),
        t(Term::FieldCauseClass),
        t(Term::Handler),
        t(Term::FieldTeam),
        t(Term::StationFilter),
        t(Term::AreaLabel),
        t(Term::HandlingHours),
    ];
    let mut widths = vec![
        22.0, 17.0, 10.0, 12.0, 12.0, 8.0, 10.0, 12.0, 16.0, 14.0, 14.0, 8.0, 10.0,
    ];
    let clocks = clock_columns(table);
    for (_, zh, en) in &clocks {
        headers.push(lang.pick(zh, en).to_string());
        widths.push(14.0);
    }
    headers.extend([
        t(Term::SatisfactionColumn),
        t(Term::Conflict),
        t(Term::ReturnsColumn),
        t(Term::ReopensColumn),
        t(Term::StrangersColumn),
    ]);
    widths.extend([8.0, 8.0, 8.0, 8.0, 16.0]);
    let yes = t(Term::Yes);
    let body = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::text(&r.number),
                Cell::Time(r.received.with_timezone(&china()).naive_local()),
                Cell::text(table.name_of(&r.kind, lang)),
                Cell::text(table.name_of(&r.category, lang)),
                Cell::opt(r.subcategory.as_deref().map(|s| table.name_of(s, lang))),
                Cell::opt(r.grade.map(|g| t(grade_key(g)))),
                Cell::text(t(status_key(r.status))),
                Cell::opt(r.cause_class.map(|c| t(cause_key(c)))),
                Cell::opt(r.handler.as_deref()),
                Cell::opt(r.team.as_deref()),
                Cell::opt(r.station.as_deref()),
                Cell::opt(r.area.map(|a| t(area_key(a)))),
                r.handling_hours
                    .map(|h| Cell::Number((h * 10.0).round() / 10.0))
                    .unwrap_or(Cell::Empty),
            ];
            for (code, _, _) in &clocks {
                cells.push(Cell::opt(
                    r.clock(code).map(|c| t(clock_state_key(c.state))),
                ));
            }
            cells.extend([
                r.satisfaction
                    .map(|s| Cell::Number(f64::from(s)))
                    .unwrap_or(Cell::Empty),
                if r.conflict {
                    Cell::text(&yes)
                } else {
                    Cell::Empty
                },
                Cell::Number(f64::from(r.returns)),
                Cell::Number(f64::from(r.reopens)),
                Cell::text(r.strangers.join(", ")),
            ]);
            cells
        })
        .collect();
    Sheet {
        headers,
        widths,
        rows: body,
    }
}

/// A text that a spreadsheet would take for a formula gets a leading quote
/// (CSV injection): user text must stay text.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn csv_field(text: &str) -> String {
    let text = defuse(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// CSV with a byte-order mark and CRLF line ends, as Excel expects.
pub fn to_csv(sheet: &Sheet) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(sheet.headers.iter().map(|h| csv_field(h)).collect()));
    for row in &sheet.rows {
        out.push_str(&line(
            row.iter()
                .map(|c| match c {
                    Cell::Text(s) => csv_field(s),
                    Cell::Number(n) => n.to_string(),
                    Cell::Time(t) => t.format("%Y-%m-%d %H:%M").to_string(),
                    Cell::Empty => String::new(),
                })
                .collect(),
        ));
    }
    out
}

/// An .xlsx workbook: a bold header row, frozen under the header and the
/// ticket-number column, with column widths and an autofilter.
pub fn to_xlsx(sheet: &Sheet, title: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name(title)?;
    let bold = Format::new().set_bold().set_background_color("E8EEEB");
    let minute = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (col, (header, width)) in sheet.headers.iter().zip(&sheet.widths).enumerate() {
        let col = col as u16;
        ws.write_string_with_format(0, col, header, &bold)?;
        ws.set_column_width(col, *width)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, col as u16, s)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, col as u16, *n)?;
                }
                Cell::Time(t) => {
                    use chrono::{Datelike, Timelike};
                    let when = ExcelDateTime::from_ymd(
                        u16::try_from(t.year()).unwrap_or(1900),
                        t.month() as u8,
                        t.day() as u8,
                    )?
                    .and_hms(t.hour() as u16, t.minute() as u8, t.second())?;
                    ws.write_datetime_with_format(r, col as u16, &when, &minute)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 1)?;
    if !sheet.headers.is_empty() {
        ws.autofilter(
            0,
            0,
            sheet.rows.len() as u32,
            sheet.headers.len() as u16 - 1,
        )?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        let sheet = Sheet {
            headers: vec!["工单号".into(), "内容".into()],
            widths: vec![10.0, 10.0],
            rows: vec![
                vec![Cell::text("A-1"), Cell::text("说\"停电\",很久")],
                vec![Cell::text("A-2"), Cell::text("=HYPERLINK(\"x\")")],
                vec![Cell::Number(2.5), Cell::Empty],
            ],
        };
        let csv = to_csv(&sheet);
        assert!(csv.starts_with("\u{feff}工单号,内容\r\n"));
        assert!(csv.contains("A-1,\"说\"\"停电\"\",很久\"\r\n"));
        assert!(csv.contains("A-2,\"'=HYPERLINK(\"\"x\"\")\"\r\n"));
        assert!(csv.ends_with("2.5,\r\n"));
    }
}
