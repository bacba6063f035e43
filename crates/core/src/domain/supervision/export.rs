//! The ledger as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the
//! Chinese correctly) and a real .xlsx workbook. Both come from one column
//! list, so they always hold the same cells.

use super::ledger::LedgerRow;
use crate::domain::labels::{area_key, cause_key, clock_state_key, grade_key, status_key};
use crate::domain::rules::RuleTable;
use crate::domain::time::china;
use crate::i18n::{Lang, Term};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

/// One cell of the ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A moment in China time: a real date cell in a workbook (so it sorts,
    /// filters and computes as a date), `YYYY-MM-DD HH:MM` in a CSV.
    Time(chrono::NaiveDateTime),
    Empty,
}

impl Cell {
    /// The cell as a screen shows it, and as a CSV writes it (before quoting).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Time(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Empty => String::new(),
        }
    }

    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map(Cell::text).unwrap_or(Cell::Empty)
    }
}

/// The header row and the cells of every row, in the user's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
}

/// Distinct clock codes in rule-table order, with their names.
fn clock_columns(table: &RuleTable) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for c in &table.clocks {
        if !out.iter().any(|(code, _, _)| code == &c.words.code) {
            let (zh, en) = (
                table.name_of(&c.words.code, Lang::Zh),
                table.name_of(&c.words.code, Lang::En),
            );
            out.push((c.words.code.to_string(), zh.to_string(), en.to_string()));
        }
    }
    out
}

/// One column of the ledger: a screen shows those a person picks, every
/// file holds them all.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The same in every language and rule-table version: what a remembered
    /// pick names (`number`, `received`, …, `clock:<code>`).
    pub id: String,
    pub header: String,
    /// In a workbook's character units.
    pub width: f64,
}

/// The ledger's columns, in file order, and how each row fills them.
#[derive(Clone, Debug, PartialEq)]
pub struct Columns {
    pub list: Vec<Column>,
}

/// The columns before the clocks and after them: id, header, width.
const LEADING: [(&str, Term, f64); 13] = [
    ("number", Term::TicketNumber, 22.0),
    ("received", Term::Received, 17.0),
    ("kind", Term::Kind, 10.0),
    ("category", Term::Category, 12.0),
    ("subcategory", Term::Subcategory, 12.0),
    ("grade", Term::Grade, 8.0),
    ("status", Term::Status, 10.0),
    ("cause_class", Term::FieldCauseClass, 12.0),
    ("handler", Term::Handler, 16.0),
    ("team", Term::FieldTeam, 14.0),
    ("station", Term::StationFilter, 14.0),
    ("area", Term::AreaLabel, 8.0),
    ("handling_hours", Term::HandlingHours, 10.0),
];
const TRAILING: [(&str, Term, f64); 5] = [
    ("satisfaction", Term::SatisfactionColumn, 8.0),
    ("conflict", Term::Conflict, 8.0),
    ("returns", Term::ReturnsColumn, 8.0),
    ("reopens", Term::ReopensColumn, 8.0),
    ("strangers", Term::StrangersColumn, 16.0),
];

impl Columns {
    /// What a screen shows before anyone picks: the ledger's essentials.
    pub const ON_SCREEN: [&'static str; 10] = [
        "number",
        "received",
        "kind",
        "category",
        "grade",
        "status",
        "team",
        "station",
        "handling_hours",
        "satisfaction",
    ];

    pub fn of(table: &RuleTable, lang: Lang) -> Columns {
        let fixed = |(id, term, width): &(&str, Term, f64)| Column {
            id: id.to_string(),
            header: term.text(lang).to_string(),
            width: *width,
        };
        let clocks = clock_columns(table);
        let list = LEADING
            .iter()
            .map(fixed)
            .chain(clocks.iter().map(|(code, zh, en)| Column {
                id: format!("clock:{code}"),
                header: lang.pick(zh, en).to_string(),
                width: 14.0,
            }))
            .chain(TRAILING.iter().map(fixed))
            .collect();
        Columns { list }
    }

    /// One row's cells, a cell per column of `list`.
    pub fn cells(&self, r: &LedgerRow, table: &RuleTable, lang: Lang) -> Vec<Cell> {
        (0..self.list.len())
            .map(|i| self.cell(i, r, table, lang))
            .collect()
    }

    /// The cell of column `i` (of `list`) alone: a screen builds only the
    /// columns it shows.
    pub fn cell(&self, i: usize, r: &LedgerRow, table: &RuleTable, lang: Lang) -> Cell {
        let t = |k: Term| k.text(lang).to_string();
        let id = self.list[i].id.as_str();
        if let Some(code) = id.strip_prefix("clock:") {
            return Cell::opt(r.clock(code).map(|c| t(clock_state_key(c.state))));
        }
        match id {
            "number" => Cell::text(&r.number),
            "received" => Cell::Time(r.received.with_timezone(&china()).naive_local()),
            "kind" => Cell::text(table.name_of(&r.kind, lang)),
            "category" => Cell::text(table.name_of(&r.category, lang)),
            "subcategory" => Cell::opt(r.subcategory.as_deref().map(|s| table.name_of(s, lang))),
            "grade" => Cell::opt(r.grade.map(|g| t(grade_key(g)))),
            "status" => Cell::text(t(status_key(r.status))),
            "cause_class" => Cell::opt(r.cause_class.map(|c| t(cause_key(c)))),
            "handler" => Cell::opt(r.handler.as_deref()),
            "team" => Cell::opt(r.team.as_deref()),
            "station" => Cell::opt(r.station.as_deref()),
            "area" => Cell::opt(r.area.map(|a| t(area_key(a)))),
            "handling_hours" => r
                .handling_hours
                .map(|h| Cell::Number((h * 10.0).round() / 10.0))
                .unwrap_or(Cell::Empty),
            "satisfaction" => r
                .satisfaction
                .map(|s| Cell::Number(f64::from(s)))
                .unwrap_or(Cell::Empty),
            "conflict" if r.conflict => Cell::text(t(Term::Yes)),
            "returns" => Cell::Number(f64::from(r.returns)),
            "reopens" => Cell::Number(f64::from(r.reopens)),
            "strangers" => Cell::text(r.strangers.join(", ")),
            _ => Cell::Empty,
        }
    }
}

/// Every column and every row, in the user's language: what a file holds.
pub fn sheet(rows: &[LedgerRow], table: &RuleTable, lang: Lang) -> Sheet {
    let columns = Columns::of(table, lang);
    Sheet {
        headers: columns.list.iter().map(|c| c.header.clone()).collect(),
        widths: columns.list.iter().map(|c| c.width).collect(),
        rows: rows.iter().map(|r| columns.cells(r, table, lang)).collect(),
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
                    other => other.display(),
                })
                .collect(),
        ));
    }
    out
}

/// What the browser's workbook writer (a helper worker of its own, so that
/// the staff screens' module does not carry the XLSX writer) is asked to
/// write: the sheet and its tab's title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkbookOrder {
    pub title: String,
    pub sheet: Sheet,
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

    #[test]
    fn a_workbook_order_reaches_the_writer_as_it_left() {
        // The browser sends the sheet to its workbook writer as JSON text.
        let moment = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(23, 59, 7))
            .expect("a real moment");
        let order = WorkbookOrder {
            title: "2026-11".into(),
            sheet: Sheet {
                headers: vec!["工单号".into(), "受理时间".into(), "时长".into()],
                widths: vec![18.0, 16.5, 8.0],
                rows: vec![
                    vec![
                        Cell::text("A-1"),
                        Cell::Time(moment),
                        Cell::Number(0.1 + 0.2),
                    ],
                    vec![
                        Cell::Empty,
                        Cell::text("\"引号\"\n换行"),
                        Cell::Number(-1e300),
                    ],
                ],
            },
        };
        let text = serde_json::to_string(&order).expect("an order writes");
        let read: WorkbookOrder = serde_json::from_str(&text).expect("an order reads");
        assert_eq!(read, order);
        assert!(to_xlsx(&read.sheet, &read.title).is_ok());
    }
}
